"""Read a TOML file and remember where each key was written, for errors that name the line.

``tomllib`` reports positions only for syntax errors; for a value of the wrong type or an unknown
key we find the line ourselves by scanning table headers and ``key =`` lines. It is a light scan,
not a parser: good enough to point a person at the right line of a hand-written file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.errors import ConfigError

KeyPath = tuple[str | int, ...]

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*(.+?)\s*\]\]\s*(#.*)?$")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[].*?)\s*\]\s*(#.*)?$")
_KEY_LINE = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\-]+)\s*=""")
_SYNTAX_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


def _split_dotted(name: str) -> list[str]:
    parts = re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^.\s]+', name)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


@dataclass
class TomlSource:
    path: Path
    data: dict[str, Any]
    _lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, key_path: KeyPath) -> int | None:
        """The line that sets ``key_path`` (or first sets something inside it), or else its nearest
        enclosing table's header."""
        inside = [line for path, line in self._lines.items() if path[: len(key_path)] == key_path]
        if inside:
            return min(inside)
        for end in range(len(key_path) - 1, 0, -1):
            line = self._lines.get(tuple(key_path[:end]))
            if line is not None:
                return line
        return None

    def error(self, key_path: KeyPath, problem: str) -> ConfigError:
        return ConfigError(self.path, problem, key=render_key(key_path), line=self.line_of(key_path))


def render_key(key_path: KeyPath) -> str:
    out = ""
    for part in key_path:
        if isinstance(part, int):
            out += f"[{part + 1}]"  # people count array entries from 1
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_\-]+", part) else f'"{part}"'
            out += f".{text}" if out else text
    return out


def load_toml(path: Path) -> TomlSource:
    """Parse ``path``; a missing, unreadable or malformed file raises :class:`ConfigError`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "file not found") from None
    except OSError as exc:
        raise ConfigError(path, f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(path, "is not UTF-8 text; save it as UTF-8", line=line) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _SYNTAX_POSITION.search(message)
        problem = _SYNTAX_POSITION.sub("", message).strip()
        at = int(match.group(1)) if match else None
        raise ConfigError(path, f"is not valid TOML: {problem}", line=at) from None
    return TomlSource(path, data, _index_lines(text))


def _index_lines(text: str) -> dict[KeyPath, int]:
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    array_counts: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _ARRAY_HEADER.match(line):
            name = tuple(_split_dotted(match.group(1)))
            index = array_counts.get(name, 0)
            array_counts[name] = index + 1
            table = (*name, index)
            lines.setdefault(table, number)
        elif match := _TABLE_HEADER.match(line):
            table = tuple(_split_dotted(match.group(1)))
            lines.setdefault(table, number)
        elif match := _KEY_LINE.match(line):
            key = tuple(_split_dotted(match.group(1)))
            lines.setdefault((*table, *key), number)
    return lines
