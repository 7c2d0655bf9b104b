"""Secrets: access tokens, passwords, random-looking keys and private links.

A credential in a published post is usable by anyone who reads it, and deleting the post does not
undo that (screenshots, archives, scrapers), so these checks point at exactly the characters to
remove and say what to revoke. The known formats live in ``resources/lexicons/secret_patterns.toml``.

Every regex is compiled at import and guarded by a cheap substring test, because these checks run on
each pause in typing.
"""

from __future__ import annotations

import ipaddress
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlsplit

from checks.registry import CheckContext, Hit, register
from checks.resources import read_resource_text
from checks.text_scan import scheme_links, trim_trailing

_DATA: dict[str, Any] = tomllib.loads(read_resource_text("lexicons", "secret_patterns.toml"))

# --- links ---------------------------------------------------------------------------------------

_SUFFIXES: tuple[str, ...] = tuple(_DATA["private_url"]["host_suffixes"])
_HOST_NAMES: frozenset[str] = frozenset(_DATA["private_url"]["host_names"])
_CREDENTIAL_PARAMS: frozenset[str] = frozenset(p.lower() for p in _DATA["private_url"]["credential_params"])

_SCHEMES: frozenset[str] = frozenset(_DATA["private_url"]["schemes"])
# Links typed without a scheme are only worth reading when the host is internal: "jira.corp/browse/X",
# "localhost:8080". A bare "localhost" in a sentence is talk about localhost, not a link.
_SUFFIX_ALTERNATION = "|".join(re.escape(s.lstrip(".")) for s in _SUFFIXES)
_BARE_INTERNAL = re.compile(
    rf"(?<![\w@./:-])(?:localhost(?::\d{{2,5}}|(?=/\w))|[\w-]+(?:\.[\w-]+)*\.(?:{_SUFFIX_ALTERNATION})(?![\w-]))"
    r"(?::\d{2,5})?(?:/[^\s<>\"'`]*)?",
    re.IGNORECASE,
)
_BARE_HINTS = ("localhost", *_SUFFIXES)


def _url_spans(text: str) -> list[tuple[int, int]]:
    """Where links are in ``text`` (trailing sentence punctuation excluded), in order."""
    spans = list(scheme_links(text, _SCHEMES)) if "://" in text else []
    lowered = text.lower()
    if any(hint in lowered for hint in _BARE_HINTS):
        for match in _BARE_INTERNAL.finditer(text):
            end = trim_trailing(text, match.start(), match.end())
            if end > match.start() and not _inside(spans, match.start(), end):
                spans.append((match.start(), end))
        spans.sort()
    return spans


def _inside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


# --- secret.provider_token -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderPattern:
    """One published credential format, e.g. GitHub's ``ghp_`` tokens."""

    name: str
    label: str  # "a GitHub access token"
    action: str  # "revoke the token in GitHub's developer settings"
    hints: tuple[str, ...]  # the regex only runs when one of these is in the draft
    regex: re.Pattern[str]

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        if not any(hint in text for hint in self.hints):
            return
        for match in self.regex.finditer(text):
            start, end = match.span("secret") if "secret" in self.regex.groupindex else match.span()
            if "://" in match.group():
                end = trim_trailing(text, start, end)
            yield start, end


PROVIDERS: tuple[ProviderPattern, ...] = tuple(
    ProviderPattern(
        name=entry["name"],
        label=entry["label"],
        action=entry["action"],
        hints=tuple(entry["hints"]),
        regex=re.compile(entry["pattern"], re.DOTALL),
    )
    for entry in _DATA["provider"]
)


def find_provider_tokens(text: str) -> Iterator[tuple[int, int, ProviderPattern]]:
    """Known credential formats in ``text``; where two overlap, the one listed first wins."""
    taken: list[tuple[int, int]] = []
    for provider in PROVIDERS:
        for start, end in provider.finditer(text):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            yield start, end, provider


@register("secret.provider_token", summary="Access tokens, API keys, webhook links and private keys of known services")
def provider_token(ctx: CheckContext) -> Iterator[Hit]:
    for start, end, provider in find_provider_tokens(ctx.text):
        yield Hit(
            start,
            end,
            f"This looks like {provider.label}. Anyone who sees the post could use it: "
            f"remove it and {provider.action}.",
            suggestion="",
        )


# --- secret.assignment ---------------------------------------------------------------------------

_STRONG_KEYS: frozenset[str] = frozenset(_DATA["assignment"]["strong"])
_PLACEHOLDERS: frozenset[str] = frozenset(_DATA["assignment"]["placeholders"])


def _keyword_alternation(words: Iterable[str]) -> str:
    # "api key" also matches "api_key", "API-KEY" and "apikey"; longest first so "access token" wins.
    parts = sorted(words, key=len, reverse=True)
    return "|".join(r"[ _-]?".join(re.escape(w) for w in word.split()) for word in parts)


_KEYWORDS = _keyword_alternation([*_DATA["assignment"]["strong"], *_DATA["assignment"]["weak"]])
_ASSIGNMENT = re.compile(
    rf"""
    (?<![\w-])
    (?P<key>(?:[a-z0-9]+[_-])*(?:{_KEYWORDS}))       # "password", "DB_PASSWORD", "github-token"
    (?![\w-])["']?
    [ \t]*(?P<op>:=|=>|[:=]|\b(?:is|was)\b)[ \t]*
    (?:
        (?P<quote>["'`])(?P<quoted>[^"'`\n]{{3,200}})(?P=quote)
      | (?P<bare>[^\s"'`<>]{{3,200}})
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_BEARER = re.compile(r"\bBearer[ \t]+(?P<bare>[A-Za-z0-9\-._~+/]{12,}=*)")
_ASSIGNMENT_HINTS = ("pass", "pwd", "pin", "secret", "token", "key", "credential", "bearer")
_DIGIT_OR_SYMBOL = re.compile(r"[\d!@#$%^&*_+=~|\\/<>{}\[\]]")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
_LETTERS_AND_DIGITS = re.compile(r"(?=.*[A-Za-z])(?=.*\d)")
_PLACEHOLDER_SHAPE = re.compile(r"^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[^%]*%|\$[A-Z_]+)$", re.IGNORECASE)


def _base_keyword(key: str) -> str:
    """``DB_PASSWORD`` -> ``password``: the credential word at the end of a key."""
    return re.split(r"[ _-]", key.lower())[-1]


def _value_is_secret(key: str, op: str, value: str, *, quoted: bool, ends_clause: bool) -> bool:
    """Whether what follows ``key`` + ``op`` is a credential rather than ordinary prose.

    "Password: hunter2" and ``token="abc"`` are; "The secret: patience" and "the token is valid" are
    not. Strong words (password, PIN) take any short word that ends the clause, other words need a
    value that looks technical.
    """
    lowered = value.lower()
    if lowered in _PLACEHOLDERS or _PLACEHOLDER_SHAPE.match(value):
        return False
    if quoted or op in {"=", ":=", "=>"}:
        return True
    if _base_keyword(key) in _STRONG_KEYS:
        if op.lower() in ("is", "was"):
            return bool(_DIGIT_OR_SYMBOL.search(value) or _INNER_CAPITAL.search(value))
        return bool(_DIGIT_OR_SYMBOL.search(value) or _INNER_CAPITAL.search(value)) or (len(value) >= 4 and ends_clause)
    return len(value) >= 8 and bool(_LETTERS_AND_DIGITS.match(value))


_CLAUSE_END = re.compile(r"[ \t]*(?:$|[\n.,;!?)])")


def _ends_clause(text: str, end: int) -> bool:
    """Whether the value at ``end`` is followed by the end of the line or sentence, not more words.

    "Password: swordfish." gives a password; "Password: reset it here" gives instructions.
    """
    return _CLAUSE_END.match(text, end) is not None


def find_assignments(text: str) -> Iterator[tuple[int, int]]:
    """Spans of credential values written as ``password: hunter2``, ``token="..."``, ``Bearer ...``."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _ASSIGNMENT_HINTS):
        return
    links = _url_spans(text)
    for match in _ASSIGNMENT.finditer(text):
        if links and _inside(links, match.start(), match.end()):
            continue  # a "?token=" in a link is the private-link check's to explain
        if match.group("quoted") is not None:
            start, end = match.span("quoted")
            quoted = True
        else:
            start, end = match.span("bare")
            end = trim_trailing(text, start, end)
            quoted = False
        if end - start < 3:
            continue
        value = text[start:end]
        ends_clause = _ends_clause(text, end)
        if _value_is_secret(match.group("key"), match.group("op"), value, quoted=quoted, ends_clause=ends_clause):
            yield start, end
    if "bearer" in lowered:
        for match in _BEARER.finditer(text):
            yield match.span("bare")


@register("secret.assignment", summary="Passwords, PINs and tokens written out as 'password: ...' or 'token=...'")
def assignment(ctx: CheckContext) -> Iterator[Hit]:
    for start, end in find_assignments(ctx.text):
        yield Hit(
            start,
            end,
            "This looks like a password or access token. Anyone who reads the post could use it: "
            "remove it, and change it if it has been shared anywhere else.",
            suggestion="",
        )


# --- secret.high_entropy -------------------------------------------------------------------------

# Runs of base64/hex-like characters at least 20 long, not glued to a word, #hashtag, @mention or email.
_CANDIDATE = re.compile(r"(?<![\w+/=@#.:-])[A-Za-z0-9+/_=-]{20,}(?![\w+/=@-]|\.\w)")
_HEX = re.compile(r"[0-9a-fA-F-]+")
_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")  # camelCase, UPPER and digit runs
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xz]{4,}", re.IGNORECASE)
_VOWELS = frozenset("aeiouyAEIOUY")
# Public by design: crypto wallet addresses are posted to be paid.
_PUBLIC_SHAPES = re.compile(r"0x[0-9a-fA-F]{40}|bc1[02-9ac-hj-np-z]{11,71}")


def _entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _is_wordlike(piece: str) -> bool:
    """A camelCase piece that reads like a word ("Summer", "Launch"), as random runs rarely do."""
    if len(piece) < 4 or not piece.isalpha():
        return False
    vowels = sum(c in _VOWELS for c in piece) / len(piece)
    return 0.2 <= vowels <= 0.7 and not _CONSONANT_RUN.search(piece)


def looks_random(token: str) -> bool:
    """Whether ``token`` looks like a generated key rather than words, a date or a product code.

    Calibrated on random strings (about 90 % of 20-character and 99 % of 40-character keys pass)
    against CamelCase slogans ("WinterCollection2025Launch"), order numbers and repeated patterns.
    """
    core = token.rstrip("=")
    n = len(core)
    letters = sum(c.isalpha() for c in core)
    digits = sum(c.isdigit() for c in core)
    hexlike = _HEX.fullmatch(core) is not None
    if letters < 2 or digits < 1 or digits > (0.9 if hexlike else 0.7) * n:
        return False
    if hexlike:
        if n < 32:
            return False
        alphabet = 16
    elif core.lower() == core or core.upper() == core:
        alphabet = 36
    else:
        alphabet = 64
    # Random text gets close to the most entropy its length and alphabet allow; words do not.
    if _entropy(core) < 0.75 * math.log2(min(n, alphabet)):
        return False
    wordy = sum(len(p) for p in _PIECE.findall(core) if _is_wordlike(p))
    return wordy < 0.45 * n and not _PUBLIC_SHAPES.fullmatch(core)


@register("secret.high_entropy", summary="Long random-looking strings that may be keys or passwords")
def high_entropy(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    links: list[tuple[int, int]] | None = None
    for match in _CANDIDATE.finditer(text):
        if not looks_random(match.group()):
            continue
        if links is None:
            links = _url_spans(text)
        if _inside(links, match.start(), match.end()):
            continue  # link paths are full of IDs; the private-link check reads links
        yield Hit(
            match.start(),
            match.end(),
            "This long random-looking string could be a key, token or password. If it is, remove it "
            "and revoke it; if it is a public ID (an order or tracking number), it is fine to keep.",
            confidence=0.7,
        )


# --- secret.private_url --------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareLink:
    name: str
    regex: re.Pattern[str]
    message: str


_SHARE_LINKS: tuple[ShareLink, ...] = tuple(
    ShareLink(entry["name"], re.compile(entry["pattern"], re.IGNORECASE), entry["message"])
    for entry in _DATA["private_url"]["share_link"]
)


def _split(url: str) -> SplitResult | None:
    candidate = url if "://" in url else f"http://{url}"
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return None
    return parts


def _private_host(host: str) -> bool:
    """Hosts only reachable from inside a network: localhost, private IPs, .internal/.corp names."""
    if host in _HOST_NAMES or host.split(".", 1)[0] in _HOST_NAMES or host.endswith(_SUFFIXES):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


def _without_credentials(url: str, parts: SplitResult, params: list[str]) -> str:
    """The link with its ``user:pass@`` and credential query parameters taken out."""
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = "&".join(pair for pair in parts.query.split("&") if pair and pair.split("=", 1)[0].lower() not in params)
    rebuilt = parts._replace(netloc=netloc, query=query).geturl()
    return rebuilt if "://" in url else rebuilt.split("://", 1)[1]


def explain_url(url: str) -> tuple[str, str | None] | None:
    """Why ``url`` should not be published, and a safer replacement if there is one; None if fine."""
    parts = _split(url)
    if parts is None or not parts.hostname:
        return None
    credential_params = sorted(
        {k.lower() for k, v in parse_qsl(parts.query, keep_blank_values=False) if k.lower() in _CREDENTIAL_PARAMS and v}
    )
    if parts.password:
        return (
            "This link has a username and password in it. Anyone who reads the post could log in with "
            "them: take them out of the link and change the password.",
            _without_credentials(url, parts, credential_params),
        )
    if credential_params:
        named = ", ".join(f"“{p}”" for p in credential_params)
        return (
            f"This link carries a key or token ({named}). Anyone who opens it gets the same access you "
            "have: share a link without it, and revoke the token if it has been posted before.",
            _without_credentials(url, parts, credential_params),
        )
    if _private_host(parts.hostname.lower()):
        return (
            "This link points to a computer on a private network (localhost, an office or cloud-internal "
            "address). Readers can't open it, and it shows how your systems are set up: remove it.",
            None,
        )
    address = f"{parts.hostname.lower()}{parts.path}{'?' + parts.query if parts.query else ''}"
    for share in _SHARE_LINKS:
        if share.regex.search(address):
            return share.message, None
    return None


@register("secret.private_url", summary="Links to internal hosts, links with credentials, private document links")
def private_url(ctx: CheckContext) -> Iterator[Hit]:
    for start, end in _url_spans(ctx.text):
        explained = explain_url(ctx.text[start:end])
        if explained is not None:
            message, suggestion = explained
            yield Hit(start, end, message, suggestion=suggestion)
