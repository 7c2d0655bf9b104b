"""Bluesky rich text: the app.bsky.richtext.facet entries that make links, mentions and hashtags live.

A Bluesky post is plain text plus "facets": byte ranges of the text's UTF-8 encoding, each with a feature
(a link's URI, a mention's DID, a hashtag's tag). Bluesky's own app finds them the same way, so a post from
Second Look reads the same as one typed there:

* links: ``http://`` and ``https://`` URLs, and bare domains with a well-known top-level domain
  (``example.com/path`` becomes ``https://example.com/path``). Trailing sentence punctuation and an
  unbalanced closing bracket are not part of the link;
* mentions: ``@handle.domain``, resolved to a DID by the caller's resolver; a handle that does not resolve
  gets no facet and stays plain text;
* hashtags: ``#tag`` after a space or at the start, up to 64 characters, not all digits, without trailing
  punctuation.

Each starts at the beginning of the text, after whitespace or (links and mentions) after an opening bracket
or quote, so an email address, a URL's ``#fragment`` or a word like ``C#`` is left alone. Pure Python, no
network: the resolver is the only way out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict
from urllib.parse import urlsplit

import regex

__all__ = ["LINK", "MENTION", "TAG", "ByteSlice", "Facet", "byte_offset", "facets"]

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"
TAG = "app.bsky.richtext.facet#tag"

MAX_TAG_CHARS = 64


class ByteSlice(TypedDict):
    """Where a facet is: UTF-8 byte offsets into the post's text, end excluded (the lexicon's names)."""

    byteStart: int
    byteEnd: int


class Facet(TypedDict):
    index: ByteSlice
    features: list[dict[str, str]]


# Top-level domains that make a bare "name.tld" a link. Full URLs need none of this; the list only keeps
# "file.txt", "e.g." or "v1.2" from turning into links.
_TLD_NAMES = """
    com org net edu gov mil int info biz name pro mobi asia tel travel jobs museum aero coop
    app dev io ai co me tv fm gg ly sh so to ws cc xyz online site website tech blog news page link
    social network community club shop store cloud digital email live media studio world today
    design art photo video music games fun wiki top one global agency company solutions systems
    eu uk de fr es it nl be ch at se no dk fi is ie pt pl cz sk hu ro bg gr ru ua by lt lv ee hr si rs
    us ca mx br ar cl pe ve uy au nz jp cn kr tw hk sg my id th vn ph in pk bd lk np ir il tr sa ae
    qa kw eg ma ng ke za gh et tz ug
"""
_TLDS = frozenset(_TLD_NAMES.split())

# A link, mention or tag must start the text or follow whitespace; links and mentions may also follow an
# opening bracket or quote.
_AFTER_SPACE_OR_OPENER = r"(?<![^\s(\[\"'“‘«])"
_AFTER_SPACE = r"(?<!\S)"

_URL = regex.compile(_AFTER_SPACE_OR_OPENER + r"https?://\S+", regex.IGNORECASE)
_BARE_DOMAIN = regex.compile(
    _AFTER_SPACE_OR_OPENER
    + r"(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9])"
    + r"(?P<rest>[/?#]\S*)?"
    + r"(?![\w@.-]*[\w@])",  # not the start of a longer word, a longer domain or an email address
    regex.IGNORECASE,
)
_MENTION = regex.compile(_AFTER_SPACE_OR_OPENER + r"@(?P<handle>[a-z0-9.-]+)", regex.IGNORECASE)
_HANDLE = regex.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?", regex.IGNORECASE
)
# Characters that end a hashtag besides whitespace: soft hyphen, word joiner, zero-width spaces, keycaps.
_TAG_STOP = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2\u20e3"
_TAG = regex.compile(_AFTER_SPACE + r"[#＃](?P<tag>(?!\ufe0f)[^\s" + _TAG_STOP + r"]+)")
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_HAS_LETTER_OR_SYMBOL = regex.compile(r"[^\d\p{P}\s]")

# Closing characters that end a sentence rather than a URL.
_URL_TRAILING = ".,;:!?\"'’”»›…"
_BRACKETS = {")": "(", "]": "[", "}": "{"}


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of character ``index`` in ``text`` (lone surrogates count 3 bytes, as sent)."""
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _trim_url(url: str) -> str:
    """``url`` without the sentence punctuation or unbalanced closing bracket that follows it in prose."""
    while url:
        last = url[-1]
        if last in _URL_TRAILING or (last in _BRACKETS and url.count(_BRACKETS[last]) < url.count(last)):
            url = url[:-1]
        else:
            break
    return url


def _links(text: str) -> list[tuple[int, int, dict[str, str]]]:
    found: list[tuple[int, int, dict[str, str]]] = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        try:
            host = urlsplit(url).hostname
        except ValueError:  # such as an unclosed "[" in the host
            continue
        if not host or ("." not in host and host != "localhost"):
            continue
        found.append((match.start(), match.start() + len(url), {"$type": LINK, "uri": url}))
    for match in _BARE_DOMAIN.finditer(text):
        domain = match.group("domain")
        if domain.rsplit(".", 1)[-1].lower() not in _TLDS:
            continue
        shown = _trim_url(match.group())  # the domain ends in a letter or digit: only the path is trimmed
        found.append((match.start(), match.start() + len(shown), {"$type": LINK, "uri": "https://" + shown}))
    return found


def _mentions(text: str, resolve_handle: Callable[[str], str | None]) -> list[tuple[int, int, dict[str, str]]]:
    found: list[tuple[int, int, dict[str, str]]] = []
    resolved: dict[str, str | None] = {}
    for match in _MENTION.finditer(text):
        handle = match.group("handle").rstrip(".-")
        end = match.start("handle") + len(handle)
        if end < len(text) and (text[end].isalnum() or text[end] in "_@"):
            continue  # "@name.domain_x" or "@a.b@c.d": not a handle followed by prose
        if len(handle) > 253 or not _HANDLE.fullmatch(handle):
            continue
        key = handle.lower()
        if key not in resolved:
            resolved[key] = resolve_handle(key)
        did = resolved[key]
        if did:
            found.append((match.start(), end, {"$type": MENTION, "did": did}))
    return found


def _tags(text: str) -> list[tuple[int, int, dict[str, str]]]:
    found: list[tuple[int, int, dict[str, str]]] = []
    for match in _TAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", match.group("tag"))
        if not tag or len(tag) > MAX_TAG_CHARS or not _HAS_LETTER_OR_SYMBOL.search(tag):
            continue
        found.append((match.start(), match.start("tag") + len(tag), {"$type": TAG, "tag": tag}))
    return found


def facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[Facet]:
    """The facets of ``text``, in text order, none overlapping.

    ``resolve_handle`` gets each mentioned handle once (lower case, without "@") and returns its DID, or
    None when it does not resolve. Whatever it raises propagates: the caller decides whether a post may go
    out with a mention left unlinked.
    """
    spans: list[tuple[int, int, dict[str, str]]] = []
    # Links first: a URL may contain "@" or "#", and then it is one link, not a mention or a tag.
    for candidate in [*_links(text), *_mentions(text, resolve_handle), *_tags(text)]:
        start, end, _ = candidate
        if end > start and all(end <= taken_start or start >= taken_end for taken_start, taken_end, _ in spans):
            spans.append(candidate)
    spans.sort(key=lambda span: span[0])
    return [
        Facet(
            index=ByteSlice(byteStart=byte_offset(text, start), byteEnd=byte_offset(text, end)),
            features=[feature],
        )
        for start, end, feature in spans
    ]
