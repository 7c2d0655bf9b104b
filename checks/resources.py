"""Access to the data files in the ``resources`` package (lexicons, default policy, demo workspace)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import regex

_INLINE_COMMENT = regex.compile(r"\s+#\s.*$")


def resource_path(*parts: str) -> Path:
    """A real filesystem path to a shipped resource (the package is installed as plain files)."""
    return Path(str(resources.files("resources").joinpath(*parts)))


def read_resource_text(*parts: str) -> str:
    return resources.files("resources").joinpath(*parts).read_text(encoding="utf-8")


@cache
def read_lexicon_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of ``resources/lexicons/<name>``, without ``#`` comments.

    Every lexicon starts with comment lines saying where its words came from.
    """
    lines = []
    for raw in read_resource_text("lexicons", name).splitlines():
        if raw.lstrip().startswith("#"):
            continue
        # Inline comments need whitespace on both sides of "#", so hashtags stay words.
        line = _INLINE_COMMENT.sub("", raw).strip()
        if line:
            lines.append(line)
    return tuple(lines)
