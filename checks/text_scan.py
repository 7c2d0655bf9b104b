"""Small scanning helpers several checks share: links with a scheme, and anchor words that let a
big phrase regex run only on drafts that could match it."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator

# Characters that end a sentence but rarely end a link or a pasted token.
TRAILING_PUNCTUATION = ".,;:!?'\")]}>"
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+")
_LINK_TAIL = re.compile(r"[^\s<>\"'`]+")
# A month name or its abbreviation, as a regex fragment (case-insensitive use).
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Words too common to tell whether a phrase could be in a draft.
_COMMON_WORDS = frozenset(("please", "your", "under", "covered", "basis", "for", "not", "the", "and", "only"))


def trim_trailing(text: str, start: int, end: int) -> int:
    """The end of ``text[start:end]`` without sentence punctuation after it ("see http://x.local.")."""
    while end > start and text[end - 1] in TRAILING_PUNCTUATION:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break  # a balanced bracket belongs to the link: wiki/Foo_(bar)
        end -= 1
    return end


def scheme_links(text: str, schemes: Collection[str]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of links whose scheme (lower case) is in ``schemes``, found from their "://"
    (fast: no regex scans the whole draft)."""
    colon = text.find("://")
    while colon != -1:
        start = colon
        while start > 0 and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        tail = _LINK_TAIL.match(text, colon + 3)
        if tail is None or text[start:colon].lower() not in schemes:
            colon = text.find("://", colon + 3)
            continue
        end = trim_trailing(text, start, tail.end())
        if end > colon + 3:
            yield start, end
        colon = text.find("://", tail.end())


def anchors(phrases: Iterable[str]) -> tuple[str, ...]:
    """Few substrings such that any text one of ``phrases`` matches contains one of them (lowercased).

    Each phrase gives its longest uncommon word; anchors containing another anchor are dropped
    ("retweet" goes, "tweet" stays).
    """
    chosen = set()
    for phrase in phrases:
        words = re.findall(r"[^\W_]+", phrase.replace("<date>", "").lower())
        chosen.add(min(words, key=lambda w: (w in _COMMON_WORDS, -len(w))))
    return tuple(sorted(a for a in chosen if not any(b != a and b in a for b in chosen)))
