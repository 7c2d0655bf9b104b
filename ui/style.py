"""Colours and small text helpers the composer's widgets share, so a severity or an account kind looks
the same in the banner, the editor's underlines, the findings list and the counter."""

from __future__ import annotations

from checks.findings import Severity
from checks.workspace import Account

# Red, amber and a blue-grey: a finding's colour says how much it matters before its words are read.
# Each is dark enough for 4.5:1 contrast as text on white, since the panel also writes in them.
SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.BLOCK: "#C62828",
    Severity.WARN: "#B35900",
    Severity.INFO: "#546E7A",
}

# How the findings list names each group, most serious first.
SEVERITY_TITLES: dict[Severity, str] = {
    Severity.BLOCK: "Blocking",
    Severity.WARN: "Warnings",
    Severity.INFO: "Notes",
}

# One word for one finding, for tooltips and screen readers.
SEVERITY_WORDS: dict[Severity, str] = {
    Severity.BLOCK: "Blocking",
    Severity.WARN: "Warning",
    Severity.INFO: "Note",
}

SEVERITIES_BY_RANK: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: s.rank, reverse=True))

# An account without a colour of its own still gets one that says what kind of account it is.
KIND_DEFAULT_COLOURS: dict[str, str] = {
    "brand": "#1F4E99",
    "client": "#8A5300",
    "personal": "#6A3FB5",
}

KIND_BADGES: dict[str, str] = {"brand": "BRAND", "client": "CLIENT", "personal": "PERSONAL"}

DARK_TEXT = "#111111"
LIGHT_TEXT = "#FFFFFF"


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``"#1F6FEB"`` -> ``(31, 111, 235)``. Raises ``ValueError`` for anything else."""
    value = colour.strip().lstrip("#")
    if len(value) != 6:
        raise ValueError(f"expected a colour like '#1F6FEB', got {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(max(0, min(255, round(c))) for c in rgb))


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = parse_hex(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def contrast_text(background: str) -> str:
    """The text colour (near-black or white) that reads best on ``background``."""
    if contrast_ratio(background, LIGHT_TEXT) >= contrast_ratio(background, DARK_TEXT):
        return LIGHT_TEXT
    return DARK_TEXT


def mix(a: str, b: str, amount: float) -> str:
    """``a`` moved ``amount`` (0 to 1) of the way towards ``b``."""
    amount = max(0.0, min(1.0, amount))
    ra, rb = parse_hex(a), parse_hex(b)
    return to_hex(
        (ra[0] + (rb[0] - ra[0]) * amount, ra[1] + (rb[1] - ra[1]) * amount, ra[2] + (rb[2] - ra[2]) * amount)
    )


def account_colour(account: Account) -> str:
    """The account's own colour, or its kind's when it has none."""
    return account.colour or KIND_DEFAULT_COLOURS.get(account.kind, KIND_DEFAULT_COLOURS["brand"])


def initials(name: str) -> str:
    """Up to two capital letters for an avatar: "Acme Outdoor" -> "AO", "sam" -> "S", "" -> "?".

    Words that hold no letter or digit ("&", "—", an emoji) are skipped, so "Harbor & Co" is "HC".
    """
    letters = [next(c for c in word if c.isalnum()) for word in name.split() if any(c.isalnum() for c in word)]
    if not letters:
        return "?"
    picked = letters[0] if len(letters) == 1 else letters[0] + letters[-1]
    return picked.upper()


def followers(audience: int) -> str:
    """``48000`` -> ``"48,000 followers"``; one follower is singular."""
    return f"{audience:,} follower" + ("" if audience == 1 else "s")


def clip(text: str, limit: int) -> str:
    """``text`` on one line and at most ``limit`` characters, with "…" when cut.

    Cuts before any other work: a finding's text can be most of a pasted megabyte.
    """
    short = text[: limit + 1]
    one_line = " ".join(short.split())
    if len(text) > limit or len(one_line) > limit:
        return one_line[: max(0, limit - 1)].rstrip() + "…"
    return one_line
