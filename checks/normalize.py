"""Normalisation that keeps its way back to the original characters.

Checks match on a cleaned-up copy of the draft (NFKC, no zero-width or bidi controls, Latin
look-alikes folded inside mixed-script words) so that ``ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`` or
``pass\u200bword`` cannot slip through. Every normalised character remembers which original
characters produced it, so a finding always points at, and quotes, what the person typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from checks.resources import read_lexicon_lines

# Invisible characters people (or copy-paste) put inside words: format controls (Cf: zero-width
# space/joiners, bidi marks, BOM, soft hyphen), the combining grapheme joiner and variation selectors.
_INVISIBLE = regex.compile(r"[\p{Cf}\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_GRAPHEME = regex.compile(r"\X")
_WORD = regex.compile(r"\w+")
_LATIN = regex.compile(r"\p{Latin}")


@lru_cache(maxsize=1)
def _confusables() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in read_lexicon_lines("confusables.txt"):
        source, target = line.split()
        table[source] = target
    return table


@dataclass(frozen=True)
class NormalizedText:
    """``text`` is what checks match on; ``original`` is what the person typed.

    ``starts[i]``/``ends[i]`` give the original slice that produced normalised character ``i``.
    Both are ``None`` when normalisation changed nothing (the common, fast case).
    """

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the original characters it came from."""
        if self.starts is None or self.ends is None:
            return start, end
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if start == end:
            position = self.starts[start] if start < n else len(self.original)
            return position, position
        return self.starts[start], self.ends[end - 1]


def normalize(original: str) -> NormalizedText:
    """Normalise ``original`` for matching, keeping a map back to its characters."""
    if original.isascii():  # ASCII has no invisible format characters and nothing to fold
        return NormalizedText(original, original)
    if (
        unicodedata.is_normalized("NFKC", original)
        and not _INVISIBLE.search(original)
        and not _has_surrogate(original)
        and not _needs_folding(original)
    ):
        return NormalizedText(original, original)

    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for cluster in _GRAPHEME.finditer(original):
        visible = _INVISIBLE.sub("", cluster.group())
        if not visible:
            continue
        if _has_surrogate(visible):
            # A lone surrogate is not a character; keep a placeholder so offsets stay honest.
            visible = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in visible)
        out = unicodedata.normalize("NFKC", visible)
        pieces.append(out)
        starts.extend([cluster.start()] * len(out))
        ends.extend([cluster.end()] * len(out))
    text = _fold_confusables("".join(pieces))
    return NormalizedText(original, text, tuple(starts), tuple(ends))


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _needs_folding(text: str) -> bool:
    table = _confusables()
    return any(c in table for c in text) and bool(_LATIN.search(text))


def _fold_confusables(text: str) -> str:
    """Replace look-alike letters inside words that also contain Latin letters.

    Only mixed-script words are folded: "Ρаypal" (Greek Rho, Cyrillic a) becomes "Paypal", while a
    genuinely Russian or Greek word is left alone. Every replacement is one character for one, so
    the offset map stays valid.
    """
    table = _confusables()
    if not any(c in table for c in text):
        return text
    chars = list(text)
    for word in _WORD.finditer(text):
        token = word.group()
        if not _LATIN.search(token) or not any(c in table for c in token):
            continue
        for i in range(word.start(), word.end()):
            replacement = table.get(chars[i])
            if replacement is not None:
                chars[i] = replacement
    return "".join(chars)
