"""Confidential: notes that mark text as internal, embargoes, and the organisation's code names.

Drafts are often pasted from briefs and press kits that still carry "Internal only" or "Embargoed
until Tuesday 9:00", and unreleased project names leak the same way. The marker and embargo
wording lives in ``resources/lexicons``; code names come from the policy (``terms.confidential``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from checks.registry import CheckContext, Hit, register
from checks.resources import read_lexicon_lines
from checks.text_scan import MONTH, anchors

# Between the words of a phrase: spaces, hyphens and dashes, in any number ("internal-only").
_GAP = r"[\s\-\u2010-\u2015]+"
# Between the words of a code name the separator may also vanish ("ProjectFalcon", "#ProjectFalcon").
_CODE_NAME_GAP = r"[\s\-_.\u2010-\u2015]*"
_DATE_PLACEHOLDER = "<date>"

_WEEKDAY = r"(?:mon|tue(?:s)?|wed(?:nes)?|thu(?:r(?:s)?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)|\d{1,2}:\d{2}(?:\s*(?:utc|gmt|[a-z]{2,4}t))?|noon|midnight"
_DAY_DATE = (
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{MONTH}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|"
    rf"{_WEEKDAY}|today|tonight|tomorrow|next\s+week|the\s+launch|launch\s+day"
)
# A date, a time, or both in either order: "Monday", "9am", "Tuesday 9:00 GMT", "12 March at noon".
_WHEN = rf"(?:the\s+)?(?:{_DAY_DATE}|{_TIME})(?:,?\s+(?:at\s+)?(?:{_TIME}|{_DAY_DATE}))?"


def _phrase_pattern(phrase: str) -> str:
    """A lexicon phrase as a regex: words joined by flexible gaps, either apostrophe accepted."""
    words = phrase.replace(_DATE_PLACEHOLDER, "").split()
    pattern = _GAP.join(re.escape(w).replace("'", "['\u2019]") for w in words)
    if phrase.endswith(_DATE_PLACEHOLDER):
        pattern += rf"\s+{_WHEN}"
    return pattern


def _whole_words(alternatives: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive regex for all phrases, longest first so "strictly confidential" wins."""
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(ordered)})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class _Lexicon:
    """A lexicon's phrases as one regex, run only near the places where one of its anchor words is.

    One alternation of forty phrases tried at every position of a draft costs more than the rest of
    the check; each phrase contains an anchor word, so only windows around those are searched.
    """

    regex: re.Pattern[str]
    anchors: tuple[str, ...]
    before: int = 60  # how far a phrase can start before its anchor word
    after: int = 120  # how far it can end after it (dates and times included)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for start, end in self._windows(text.lower()):
            for match in self.regex.finditer(text, start, end):
                # A window may end inside a word: make sure the match really ends at a word's end.
                if match.end() == len(text) or not text[match.end()].isalnum():
                    yield match

    def _windows(self, lowered: str) -> list[tuple[int, int]]:
        spans = []
        for anchor in self.anchors:
            found = lowered.find(anchor)
            while found != -1:
                spans.append((max(0, found - self.before), min(len(lowered), found + len(anchor) + self.after)))
                found = lowered.find(anchor, found + len(anchor))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    @classmethod
    def load(cls, name: str) -> _Lexicon:
        phrases = read_lexicon_lines(name)
        return cls(_whole_words(_phrase_pattern(p) for p in phrases), anchors(phrases))


_MARKERS = _Lexicon.load("confidential_markers.txt")
_EMBARGO = _Lexicon.load("embargo_phrases.txt")


# --- confidential.marker -------------------------------------------------------------------------


@register("confidential.marker", summary="Notes such as 'internal only', 'confidential', 'do not share', 'NDA'")
def marker(ctx: CheckContext) -> Iterator[Hit]:
    for match in _MARKERS.finditer(ctx.text):
        yield Hit(
            match.start(),
            match.end(),
            f"“{match.group()}” marks text as internal. Check that this draft is meant to be public, "
            "and take the note out before posting.",
        )


# --- confidential.embargo ------------------------------------------------------------------------


@register("confidential.embargo", summary="Embargo notes: 'embargoed until', 'under embargo', 'not before <date>'")
def embargo(ctx: CheckContext) -> Iterator[Hit]:
    for match in _EMBARGO.finditer(ctx.text):
        start, end = match.start(), match.end()
        while ctx.text[end - 1] in ".,":  # "not before Mon." ends a sentence too
            end -= 1
        yield Hit(
            start,
            end,
            f"“{ctx.text[start:end]}” says this news is under embargo. Posting it before the embargo lifts "
            "can break an agreement with partners or the press: wait until it lifts, and remove the note.",
        )


# --- confidential.code_name ----------------------------------------------------------------------


@lru_cache(maxsize=64)
def code_name_regex(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive matcher for code names, tolerant of spacing ("project-falcon")."""
    patterns = [
        _CODE_NAME_GAP.join(re.escape(word) for word in re.split(r"[\s\-_]+", term.strip()) if word)
        for term in terms
        if term.strip()
    ]
    return _whole_words(patterns) if patterns else None


def _term_for(match: str, terms: tuple[str, ...]) -> str:
    """Which policy term a matched spelling stands for, for the message."""
    squeezed = re.sub(r"[\W_]+", "", match).casefold()
    for term in terms:
        if re.sub(r"[\W_]+", "", term).casefold() == squeezed:
            return term
    return match


@register("confidential.code_name", summary="Project code names and internal words from the policy")
def code_name(ctx: CheckContext) -> Iterator[Hit]:
    terms = ctx.policy.terms.confidential
    regex = code_name_regex(tuple(terms)) if terms else None
    if regex is None:
        return
    for match in regex.finditer(ctx.text):
        term = _term_for(match.group(), terms)
        yield Hit(
            match.start(),
            match.end(),
            f"“{term}” is on your organisation's list of confidential names. Remove it or use the "
            "public name, unless it has been announced.",
        )
