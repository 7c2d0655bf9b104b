"""The shipped lists of people's first names and of places, read once for every check that uses them."""

from __future__ import annotations

from functools import lru_cache

import regex

from checks.resources import read_lexicon_lines


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return frozenset(read_lexicon_lines("first_names.txt"))


@lru_cache(maxsize=1)
def place_alternation() -> str:
    """The country and territory names as one regex alternation, longest first ("Guinea-Bissau"
    before "Guinea"). Callers add the word boundaries they need."""
    names = sorted(read_lexicon_lines("places.txt"), key=len, reverse=True)
    return "|".join(regex.escape(name) for name in names)
