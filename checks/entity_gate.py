"""Which parts of a draft can hold a named entity, so the entity recogniser reads only those.

On this project's 2-core reference machine the recogniser costs about 10 ms per post, 90% of a
check. People, places and organisations are written with capitals (or, for countries, are on a
list), so a sentence whose only capital is its first word, and whose first word is no common first
name or country, has nothing for it to find: most sentences of a typical post. Contiguous sentences
that do need it are read together, so the recogniser keeps its context.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from checks.name_lists import first_names, place_alternation

# A sentence ends at . ! ? (with closing quotes or brackets) followed by space, or at a line break.
# "Mr. Ford" and "Dr. Hurst" do not end a sentence.
_SENTENCE_END = regex.compile(
    r"""(?<!\b(?:[Mm]rs?|[Mm]s|[Dd]r|[Pp]rof|[Ss]t|[Jj]r|[Ss]r|vs|etc|[A-Z]))[.!?]+["'”’)\]]*\s+|\n+"""
)
_FIRST_WORD = regex.compile(r"[^\p{L}\p{N}]*([\p{L}'’\-]+)")
# A first word that is spoken to, listed,, quoted or owns something reads as a name: "Kalman: ...",
# "Clotilde, can I...", "Anna's bike".
_NAME_LIKE_OPENING = regex.compile(r"[^\p{L}\p{N}]*\p{Lu}[\p{Ll}'\-]+(?:['’]s\b|\s*[:,]|\s+(?:and|&)\s+\p{Lu})")
# A capital letter that starts a word other than the first one (handles and hashtags included).
_INNER_CAPITAL = regex.compile(r"(?<=[\s@#(\"'“‘/-])\p{Lu}")


@lru_cache(maxsize=1)
def _places() -> regex.Pattern[str]:
    # Plain word boundaries: looser than the location check's, so a sentence it would read is kept.
    return regex.compile(rf"\b(?:{place_alternation()})\b", regex.IGNORECASE)


def needs_entities(sentence: str) -> bool:
    """Could this sentence name a person, a place or an organisation?"""
    if _INNER_CAPITAL.search(sentence, 1):
        return True
    if not any(c.isupper() for c in sentence):
        return any(c.isalpha() for c in sentence)  # written all in lower case: names are too
    first = _FIRST_WORD.match(sentence)
    if (first is not None and first.group(1) in first_names()) or _NAME_LIKE_OPENING.match(sentence):
        return True
    return _places().search(sentence) is not None


def entity_segments(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``text`` to run the entity recogniser on, in order: one per sentence.

    Sentences are parsed one by one rather than merged with their neighbours: on the PII data set
    that changes F2 by under 0.005 either way, and it lets ``Checker.check`` reuse the parses of the
    sentences that did not change while someone types.
    """
    segments: list[tuple[int, int]] = []
    start = 0
    for boundary in [*_SENTENCE_END.finditer(text), None]:
        end = boundary.end() if boundary is not None else len(text)
        if end > start and needs_entities(text[start:end].strip()):
            segments.append((start, end))
        start = end
    return segments
