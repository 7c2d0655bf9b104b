"""Platform fit: the post's length as the network counts it, its vocabulary, and its handles.

Each network counts differently, and a post that is one character over is refused at the last
moment, so :func:`measure` follows each one's own rules (the composer's counter uses it too):

- Mastodon: 500 grapheme clusters; every http(s) link counts as 23, and ``@user@instance`` as
  ``@user`` (Mastodon's ``StatusLengthValidator``).
- Bluesky: 300 grapheme clusters.
- X: 280 in twitter-text's v3 weighting: most Latin-script characters count 1, others (Chinese,
  Japanese, Korean...) 2, each emoji 2, each link 23; the text is NFC-normalised first.
- LinkedIn: 3,000 characters. Webhooks and the local outbox have no limit.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

import regex

from checks.registry import CheckContext, Hit, register
from checks.resources import read_resource_text
from checks.text_scan import anchors, scheme_links, trim_trailing
from checks.workspace import Account

# --- platform.length -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """How much of a platform's length budget a text uses, in the platform's own units."""

    used: int
    limit: int | None  # None: the platform has no limit
    unit: str = "characters"

    @property
    def over(self) -> int:
        """How far past the limit the text is (0 when it fits)."""
        return 0 if self.limit is None else max(0, self.used - self.limit)


@dataclass(frozen=True)
class _Rules:
    limit: int
    scale: int  # costs are counted in 1/scale units (X weighs in hundredths)
    note: str  # how the platform counts, for the message


_RULES: dict[str, _Rules] = {
    "mastodon": _Rules(500, 1, "Mastodon counts every link as 23 characters"),
    "bluesky": _Rules(300, 1, "Bluesky counts each emoji or accented letter as one"),
    "x": _Rules(280, 100, "X counts each link as 23, and each emoji or Chinese, Japanese or Korean character as 2"),
    "linkedin": _Rules(3000, 1, "LinkedIn counts every character, spaces included"),
}

_URL_COST = 23
_GRAPHEME = regex.compile(r"\X")
# Links are found from their "://" or their ".tld" rather than by a regex scanning every position:
# the counter runs on every keystroke.
# Mastodon: remote mentions count as "@user". The literal "@" comes first so the regex engine can
# jump from "@" to "@"; the lookbehind after it checks the character before the "@".
_REMOTE_MENTION = re.compile(r"@(?<![=/\w]@)(?P<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)@\w+(?:[.-]+\w+)*", re.IGNORECASE)
# X also shortens links typed without a scheme ("acme.com"). twitter-text knows every TLD; this is a
# common subset: generic TLDs and the country codes used like them (io, co, ai, me, tv). Other
# country-code links without a scheme ("acme.de") are counted character by character, an approximation.
_X_TLDS = "com|org|net|edu|gov|info|biz|app|dev|io|co|ai|xyz|shop|store|blog|news|social|online|site|tech|me|tv"
_X_TLD = re.compile(rf"\.(?:{_X_TLDS})(?![\w-])(?::\d{{1,5}})?(?:/[^\s<>\"'`]*)?", re.IGNORECASE)
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
# twitter-text v3: code points in these ranges weigh 100, all others 200 (the scale is 100).
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_X_DEFAULT_WEIGHT = 200
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")


class _Piece(NamedTuple):
    """A stretch of text and what it costs: ``cost`` per code point when ``per_char``, else in all."""

    start: int
    end: int
    cost: int
    per_char: bool = False

    @property
    def total(self) -> int:
        return self.cost * (self.end - self.start) if self.per_char else self.cost


def _bare_domains(text: str) -> Iterator[tuple[int, int]]:
    """Links without a scheme ("acme.com/winter"), found from their ".com"; e-mail domains are not links."""
    for match in _X_TLD.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _DOMAIN_CHARS:
            start -= 1
        if start == match.start() or (start > 0 and text[start - 1] in "@/+_") or text[start] in ".-":
            continue
        yield start, trim_trailing(text, start, match.end())


def _entities(text: str, platform: str) -> list[tuple[int, int, int]]:
    """(start, end, cost) of the links and mentions ``platform`` counts at a fixed rate, in order."""
    url_cost = _URL_COST * _RULES[platform].scale
    found = [(s, e, url_cost) for s, e in scheme_links(text, ("http", "https"))] if "://" in text else []
    if platform == "x" and "." in text:
        found += [(s, e, url_cost) for s, e in _bare_domains(text) if not _overlaps(found, s, e)]
    if platform == "mastodon" and text.count("@") >= 2:
        found += [
            (m.start(), m.end(), 1 + len(m.group("user")))
            for m in _REMOTE_MENTION.finditer(text)
            if not _overlaps(found, m.start(), m.end())
        ]
    return sorted(found)


def _overlaps(spans: list[tuple[int, int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e, _ in spans)


def _x_weight(char: str) -> int:
    code = ord(char)
    return 100 if any(lo <= code <= hi for lo, hi in _X_LIGHT_RANGES) else _X_DEFAULT_WEIGHT


def _graphemes(text: str, start: int, end: int, platform: str) -> Iterator[_Piece]:
    """The pieces of plain text between links: grapheme clusters, or one run for plain ASCII."""
    if start >= end:
        return
    chunk = text[start:end]
    if chunk.isascii() and "\r\n" not in chunk:  # the common case: every character is one cluster
        yield _Piece(start, end, 100 if platform == "x" else 1, per_char=True)
        return
    for match in _GRAPHEME.finditer(chunk):
        cluster = match.group()
        if platform != "x":
            cost = 1
        elif _EMOJI.search(cluster) and (len(cluster) > 1 or ord(cluster) > 4351):
            cost = _X_DEFAULT_WEIGHT  # an emoji, however many code points, counts as 2
        else:
            cost = sum(_x_weight(c) for c in cluster)
        yield _Piece(start + match.start(), start + match.end(), cost)


def _pieces(text: str, platform: str) -> Iterator[_Piece]:
    """Everything in ``text`` that counts towards ``platform``'s limit, in order."""
    if platform == "linkedin":
        yield _Piece(0, len(text), 1, per_char=True)
        return
    position = 0
    if platform in ("mastodon", "x"):
        for start, end, cost in _entities(text, platform):
            yield from _graphemes(text, position, start, platform)
            yield _Piece(start, end, cost)
            position = end
    yield from _graphemes(text, position, len(text), platform)


def measure(text: str, platform: str, limit: int | None = None) -> Measure:
    """How long ``text`` is on ``platform``, counted the way the platform counts it.

    ``platform`` is an account platform id (mastodon, bluesky, x, linkedin, webhook, outbox). ``limit``
    replaces the platform's usual limit when its server publishes its own (a Mastodon instance's
    ``max_characters``).
    """
    rules = _rules(platform, limit)
    if rules is None:
        return Measure(len(text), None)
    if platform == "x":
        text = unicodedata.normalize("NFC", text)
    return Measure(sum(p.total for p in _pieces(text, platform)) // rules.scale, rules.limit)


def _rules(platform: str, limit: int | None) -> _Rules | None:
    rules = _RULES.get(platform)
    if rules is None or limit is None or limit <= 0:
        return rules
    return _Rules(limit, rules.scale, rules.note)


def _overflow_start(text: str, platform: str, rules: _Rules) -> int:
    """Where the text passes the limit: the first character (or link) that no longer fits."""
    budget = rules.limit * rules.scale
    used = 0
    for piece in _pieces(text, platform):
        if used + piece.total > budget:
            return piece.start + (budget - used) // piece.cost if piece.per_char else piece.start
        used += piece.total
    return len(text)


def _might_be_over(text: str, platform: str, rules: _Rules) -> bool:
    """A cheap upper bound, so a short draft is never walked cluster by cluster."""
    links = text.count("://") + text.count(".")
    most = (2 if platform == "x" else 1) * len(text) + _URL_COST * links
    return most > rules.limit


@register("platform.length", summary="Longer than the platform allows (Mastodon 500, Bluesky 300, X 280 weighted)")
def length(ctx: CheckContext) -> Iterator[Hit]:
    platform = ctx.account.platform
    rules = _rules(platform, ctx.account.char_limit)
    # Count what the platform will receive (the original, joiners and all); point at the overflow
    # in the normalised text, which is NFKC and so NFC too, as X's counting wants.
    typed = ctx.original or ctx.text
    if rules is None or not _might_be_over(typed, platform, rules):
        return
    counted = measure(typed, platform, rules.limit)
    if not counted.over:
        return
    start = min(_overflow_start(typed, platform, rules), len(typed) - 1)
    noun = "character" if counted.over == 1 else "characters"
    shorten = "Shorten it" if platform == "linkedin" else "Shorten it or split it into a thread"
    yield Hit(
        start,
        len(typed),
        f"{counted.over:,} {noun} over {_whose_limit(ctx.account)} {rules.limit:,}-character limit "
        f"({counted.used:,} counted; {rules.note}). {shorten}: the highlighted part will not fit.",
        in_original=True,
    )


def _whose_limit(account: Account) -> str:
    """ "Mastodon's", or "this server's" when the account's own server set the limit."""
    default = _RULES.get(account.platform)
    if account.char_limit and default is not None and account.char_limit != default.limit:
        host = urlsplit(account.server).netloc if account.server and "://" in account.server else account.server
        return f"{host}'s" if host else "the server's"
    return f"{account.platform_name}'s"


# --- platform.vocabulary -------------------------------------------------------------------------

_VOCABULARY: dict[str, dict[str, dict[str, str]]] = tomllib.loads(
    read_resource_text("lexicons", "platform_vocabulary.toml")
)


@dataclass(frozen=True)
class _Vocabulary:
    """Another network's words for one platform, as one regex per case rule."""

    words: dict[str, dict[str, str]]  # casefolded (or exact, for "RT") phrase -> {use, from}
    any_case: re.Pattern[str] | None
    exact_case: re.Pattern[str] | None
    # The regexes only run when one of these is in the draft (lowercased / as written).
    any_case_anchors: tuple[str, ...]
    exact_anchors: tuple[str, ...]

    def find(self, text: str) -> Iterator[tuple[int, int, dict[str, str]]]:
        if self.exact_case is not None and any(a in text for a in self.exact_anchors):
            for match in self.exact_case.finditer(text):
                yield match.start(), match.end(), self.words[match.group()]
        lowered = text.lower()
        if self.any_case is not None and any(a in lowered for a in self.any_case_anchors):
            for match in self.any_case.finditer(text):
                yield match.start(), match.end(), self.words[re.sub(r"\s+", " ", match.group().casefold())]


def _alternation(phrases: list[str], flags: int) -> re.Pattern[str] | None:
    if not phrases:
        return None
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)
    return re.compile(rf"(?<![\w@#])(?:{body})(?![\w-])", flags)


def _build_vocabulary(entries: dict[str, dict[str, str]]) -> _Vocabulary:
    exact = [w for w in entries if w != w.lower()]
    loose = [w for w in entries if w == w.lower()]
    words = {w: entries[w] for w in exact} | {w.casefold(): entries[w] for w in loose}
    return _Vocabulary(
        words,
        _alternation(loose, re.IGNORECASE),
        _alternation(exact, 0),
        anchors(loose),
        tuple(exact),
    )


_VOCABULARIES: dict[str, _Vocabulary] = {p: _build_vocabulary(e) for p, e in _VOCABULARY.items()}


def _match_case(suggestion: str, written: str) -> str:
    """Write the suggestion the way the draft wrote the word: "Retweet" -> "Boost", "TWEET" -> "POST"."""
    if len(written) > 1 and written.isupper():
        return suggestion.upper()
    if written[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


@register("platform.vocabulary", summary="Another network's words ('retweet' on Mastodon, 'toot' on X)")
def vocabulary(ctx: CheckContext) -> Iterator[Hit]:
    words = _VOCABULARIES.get(ctx.account.platform)
    if words is None:
        return
    for start, end, entry in words.find(ctx.text):
        written = ctx.text[start:end]
        # Case-sensitive words ("RT") are suggested as listed; others follow the draft's capitals.
        suggestion = entry["use"] if written in words.words else _match_case(entry["use"], written)
        yield Hit(
            start,
            end,
            f"“{written}” is {entry['from']}'s {'wording' if ' ' in entry['use'] else 'word'}; on "
            f"{ctx.account.platform_name} people say “{entry['use']}”. Another network's words can make "
            "the post read as cross-posted or careless.",
            suggestion=suggestion,
        )


# --- platform.handle -----------------------------------------------------------------------------

# "@" not glued to a word keeps e-mail addresses (name@example.com) out of all three patterns. The
# literal "@" comes before that lookbehind so the regex engine can skip from one "@" to the next.
_FEDIVERSE = re.compile(
    r"@(?<![\w@./]@)(?P<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)@(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?![\w@-])",
    re.IGNORECASE,
)
_DOMAIN_HANDLE = re.compile(
    r"@(?<![\w@./]@)(?P<handle>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"\.(?P<tld>[a-z]{2,63}))(?![\w@-]|\.\w)",
    re.IGNORECASE,
)
_BARE_HANDLE = re.compile(r"@(?<![\w@./]@)(?P<name>\w{1,30})(?![\w@-]|\.\w)")
_NOT_A_HANDLE = re.compile(r"\d+(?:[ap]m)?|\d{1,2}h\d{0,2}", re.IGNORECASE)  # "@5pm", "@10am"


def _fediverse_hits(text: str, platform_name: str) -> Iterator[Hit]:
    for match in _FEDIVERSE.finditer(text):
        user, domain = match.group("user"), match.group("domain")
        extra = (
            f" X may also link “@{user}” to a different X account."
            if platform_name == "X"
            else f" If they are bridged to Bluesky, their handle there is @{user}.{domain}.ap.brid.gy."
        )
        yield Hit(
            match.start(),
            match.end(),
            f"“{match.group()}” is a Mastodon (fediverse) address. On {platform_name} it will not link "
            f"to them or let them know they were mentioned.{extra}",
        )


def _domain_handle_hits(text: str, platform_name: str) -> Iterator[Hit]:
    for match in _DOMAIN_HANDLE.finditer(text):
        handle = match.group("handle")
        if platform_name == "X":
            extra = f" X would link “@{handle.split('.', 1)[0]}”, which may be someone else."
        else:
            extra = f" If they are bridged to Mastodon, their address there is @{handle}@bsky.brid.gy."
        yield Hit(
            match.start(),
            match.end(),
            f"“{match.group()}” looks like a Bluesky handle. On {platform_name} it will not link to them "
            f"or let them know they were mentioned.{extra}",
        )


def _bare_handle_hits(text: str) -> Iterator[Hit]:
    for match in _BARE_HANDLE.finditer(text):
        name = match.group("name")
        if _NOT_A_HANDLE.fullmatch(name):
            continue
        yield Hit(
            match.start(),
            match.end(),
            f"“{match.group()}” will not tag anyone on Bluesky: handles there are domain names, such as "
            f"@{name.lower()}.bsky.social. Use the person's full Bluesky handle, or just their name.",
        )


@register("platform.handle", summary="Handles in another network's format, which will not tag anyone")
def handle(ctx: CheckContext) -> Iterator[Hit]:
    text, platform = ctx.text, ctx.account.platform
    if "@" not in text:
        return
    name = ctx.account.platform_name
    if platform in ("x", "bluesky"):
        yield from _fediverse_hits(text, name)
    if platform in ("mastodon", "x"):
        yield from _domain_handle_hits(text, name)
    if platform == "bluesky":
        yield from _bare_handle_hits(text)
