"""Personal voice on an organisation's account: the draft reads as a person's own life.

The Red Cross (2011, "#gettngslizzerd") and KitchenAid (2012, a political joke) incidents were
personal posts sent from the brand's account. On brand and client accounts these checks look for
what gives a personal post away, and on a personal account they say nothing:

- ``personal_voice.life``: first person singular ("I lost my...", "my wife"), family, health,
  dating, complaints about one's job or as a customer ("worst customer service");
- ``personal_voice.drinking``: drinking, partying and drugs;
- ``personal_voice.politics``: politicians, parties, elections, religion;
- ``personal_voice.slang``: texting register ("lol", "gonna", "2 b", "b4") and mood emoji.

The evidence is weighed jointly: every cue in the draft counts towards one score, and when it
reaches 1 each cue is reported by the check of its kind, with a message that quotes all of them.
A signed agent reply speaks as "I" for the brand ("I'm sorry to hear that", "I hope this helps"):
those openings are listed as service phrases and are not cues; "we/our/us" is brand voice.

Rule-based and token-based (one regex pass, then dictionary look-ups), so it costs a few tens of
microseconds on a 500-character draft. The word lists are ``resources/lexicons/personal_voice.toml``.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from checks.registry import CheckContext, Hit, register
from checks.resources import read_resource_text
from checks.text_scan import scheme_links

LEXICON = "personal_voice.toml"
LIFE, DRINKING, POLITICS, SLANG = "life", "drinking", "politics", "slang"

# Words: letters and digits joined by apostrophes ("don't", "i’m"), with a leading "#" or "@".
_TOKEN = re.compile(r"[#@]?\w+(?:['\u2019]\w+)*")
# What may separate the words of a phrase ("hung over", "hung-over", "2 b").
_GAP = re.compile(r"[ \t\-]{1,3}")
# Around a one-letter word, these mean an abbreviation ("i.e.", "U.S.", "w/o", "R&D"), not "I" or "u".
_LETTER_NEIGHBOURS = frozenset(".-/&_")
_CAPITALS = re.compile(r"[A-Z]{2}")
# Shouting: four or more words in capitals in a row ("FIX. THE. ROKU. APP.").
_SHOUTING = re.compile(r"\b[A-Z]{2,}(?:[\s.,!?']+[A-Z]{2,}\b){3,}")
_QUOTED = re.compile(r"\"[^\"\n]{1,200}\"|\u201c[^\u201d\n]{1,200}\u201d")

# Weight of one cue of each sort; a draft is a personal post when its cues add up to 1.
_WEIGHT = {"pronoun": 1.0, "topic": 1.0, "phrase": 1.0, DRINKING: 1.0, POLITICS: 1.0, "slang": 1.0, "weak": 0.5}
# When cues overlap, the more specific one is kept.
_PRIORITY = {DRINKING: 0, POLITICS: 1, "topic": 2, "phrase": 3, "slang": 4, "weak": 5, "pronoun": 6}
_KIND = {
    "pronoun": LIFE,
    "topic": LIFE,
    "phrase": LIFE,
    DRINKING: DRINKING,
    POLITICS: POLITICS,
    "slang": SLANG,
    "weak": SLANG,
}
_CONFIDENCE = {"pronoun": 0.6, "topic": 0.9, "phrase": 0.7, DRINKING: 0.9, POLITICS: 0.8, "slang": 0.7, "weak": 0.5}
_MAX_QUOTED = 5
_MAX_CANDIDATES = 20

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    sort: str  # a key of _WEIGHT

    @property
    def kind(self) -> str:
        return _KIND[self.sort]


Word = tuple[int, int, str]  # start, end, lower-case word without a leading "#"


class _PhraseIndex:
    """Phrases (sequences of lower-case words) by their first word, longest first."""

    def __init__(self, phrases: dict[Phrase, str]) -> None:
        self._by_first: dict[str, list[tuple[Phrase, str]]] = {}
        for phrase, sort in sorted(phrases.items(), key=lambda item: -len(item[0])):
            self._by_first.setdefault(phrase[0], []).append((phrase, sort))
        self.first_words = frozenset(self._by_first)

    def possible(self, first: str, present: set[str]) -> list[tuple[Phrase, str]]:
        """The phrases starting with ``first`` whose every word is in ``present``."""
        return [(p, sort) for p, sort in self._by_first.get(first, ()) if len(p) == 1 or present.issuperset(p)]

    @staticmethod
    def match(phrases: list[tuple[Phrase, str]], words: list[Word]) -> tuple[int, str] | None:
        """The number of words and the sort of the longest of ``phrases`` that ``words`` start with."""
        for phrase, sort in phrases:
            n = len(phrase)
            if n <= len(words) and all(words[k][2] == phrase[k] for k in range(1, n)):
                return n, sort
        return None


def _words(entry: str) -> Phrase:
    return tuple(entry.lower().replace("\u2019", "'").split())


def _swear_regex(stems: list[str]) -> re.Pattern[str]:
    """Stems whose letters after the first may repeat ("fuuuck"). Whether a stem may sit inside a
    word (a leading "*") is checked after the match: a look-behind here would make the scan slow."""
    parts = [re.escape(s[0]) + "".join(f"{re.escape(c)}+" for c in s[1:]) for s in (t.lstrip("*") for t in stems)]
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class _Lexicon:
    pronouns: frozenset[str]
    my_topics: frozenset[str]
    service: _PhraseIndex
    cues: _PhraseIndex
    marks: tuple[tuple[str, str], ...]  # non-word entries (emoji, "!!!"), found as substrings
    swears: re.Pattern[str]
    swears_inside: frozenset[str]  # first letters of the stems that may sit inside a word
    lower_case_only: frozenset[str]
    first_words: frozenset[str]  # every word a cue or a service phrase can start with

    @classmethod
    def load(cls) -> _Lexicon:
        data = tomllib.loads(read_resource_text("lexicons", LEXICON))
        life, slang = data["life"], data["slang"]
        cues: dict[Phrase, str] = {}
        marks: list[tuple[str, str]] = []
        # Later sections win a shared entry: drinking and politics are the more specific reasons.
        for entries, sort in (
            (slang["weak"], "weak"),
            (slang["words"], "slang"),
            (slang["moods"], "slang"),
            (life["phrases"], "phrase"),
            (data["politics"]["phrases"], POLITICS),
            (data["drinking"]["phrases"], DRINKING),
        ):
            for entry in entries:
                if re.search(r"\w", entry) and _TOKEN.fullmatch(entry.split()[0]):
                    cues[_words(entry)] = sort
                else:
                    marks.append((entry, sort))
        pronouns = frozenset(_words(" ".join(life["pronouns"])))
        service = _PhraseIndex({_words(p): "service" for p in life["service"]})
        index = _PhraseIndex(cues)
        return cls(
            pronouns=pronouns,
            my_topics=frozenset(w.lower() for w in life["my_topics"]),
            service=service,
            cues=index,
            marks=tuple(marks),
            swears=_swear_regex(slang["swear_stems"]),
            swears_inside=frozenset(t[1] for t in slang["swear_stems"] if t.startswith("*")),
            lower_case_only=frozenset(slang["lower_case_only"]),
            first_words=pronouns | service.first_words | index.first_words,
        )


_LEXICON = _Lexicon.load()
# The words after a word, separated by a short gap ("hung over", "hung-over", "2 b").
_FOLLOWING = re.compile(r"[ \t\-]{1,3}([#@]?\w+(?:'\w+)*)")
_PHRASE_WORDS = 4
_PUNCTUATION_TO_SPACE = str.maketrans({c: " " for c in string.punctuation.replace("'", "")})


def _lower(text: str) -> str:
    """``text`` in lower case with "’" as "'", character for character (same offsets)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lowered.replace("\u2019", "'")


def _following(lowered: str, end: int) -> list[Word]:
    words: list[Word] = []
    while len(words) < _PHRASE_WORDS - 1:
        match = _FOLLOWING.match(lowered, end)
        if match is None:
            break
        start, end = match.span(1)
        words.append((start, end, match.group(1).lstrip("#")))
    return words


def _abbreviation(text: str, start: int, end: int) -> bool:
    """Whether a one-letter word is part of an abbreviation ("i.e.", "U.S.", "w/o", "R&D")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return before in _LETTER_NEIGHBOURS or after in _LETTER_NEIGHBOURS


@lru_cache(maxsize=4096)
def _word_regex(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@]){re.escape(word)}(?!\w|'\w)")


Occurrence = tuple[int, int, str, list[tuple[Phrase, str]], list[tuple[Phrase, str]]]


def _occurrences(lowered: str, lexicon: _Lexicon) -> list[Occurrence]:
    """Where the words that can start a cue or a service phrase occur, in order, each with the
    cue and service phrases that can start there.

    A cheap first pass (punctuation to spaces, split) gives the draft's words; a phrase can match
    only if all its words are among them, and only the first words of such phrases (and the
    pronouns) are then located. Most drafts have a handful or none.
    """
    present = set(lowered.translate(_PUNCTUATION_TO_SPACE).split())
    present.update([w.strip("'") for w in present if "'" in w])
    found = []
    for word in present & lexicon.first_words:
        cues = lexicon.cues.possible(word, present)
        service = lexicon.service.possible(word, present)
        if not cues and not service and word not in lexicon.pronouns:
            continue
        for match in _word_regex(word).finditer(lowered):
            start = match.start()
            if start and lowered[start - 1] == "#":
                start -= 1
            found.append((start, match.end(), word, cues, service))
    found.sort(key=lambda o: o[0])
    return found


def _candidates(text: str) -> Iterator[Cue]:
    lexicon = _LEXICON
    lowered = _lower(text)
    links = list(scheme_links(text, ("http", "https"))) if "://" in text else []
    quoted = [m.span() for m in _QUOTED.finditer(text)] if '"' in text or "\u201c" in text else []
    skip_until = 0
    for start, end, word, cue_phrases, service_phrases in _occurrences(lowered, lexicon):
        if start < skip_until:
            continue
        if len(word) == 1 and _abbreviation(text, start, end):
            continue
        if links and any(a <= start < b for a, b in links):
            continue
        words = [(start, end, word), *_following(lowered, end)]
        service = _PhraseIndex.match(service_phrases, words)
        found = _PhraseIndex.match(cue_phrases, words)
        if service is not None and (found is None or service[0] >= found[0]):
            skip_until = words[service[0] - 1][1]
            continue
        if found is not None and (found[0] > 1 or word not in lexicon.lower_case_only or text[start:end].islower()):
            n, sort = found
            yield Cue(start, words[n - 1][1], sort)
        if word in lexicon.pronouns and not any(a <= start < b for a, b in quoted):
            following = words[1] if len(words) > 1 and not words[1][2].startswith("@") else None
            if following is not None and word == "my" and following[2] in lexicon.my_topics:
                yield Cue(start, following[1], "topic")
            elif following is not None and text[end : following[0]] == " ":
                yield Cue(start, following[1], "pronoun")
            else:
                yield Cue(start, end, "pronoun")
    for swear in lexicon.swears.finditer(lowered):
        start, end = swear.span()
        inside = start and lowered[start - 1].isalnum()
        if inside and swear.group()[0] not in lexicon.swears_inside:
            continue
        while start and lowered[start - 1].isalnum():
            start -= 1
        while end < len(lowered) and lowered[end].isalnum():
            end += 1
        if not (links and any(a <= start < b for a, b in links)):
            yield Cue(start, end, "slang")
    if _CAPITALS.search(text):
        for shout in _SHOUTING.finditer(text):
            yield Cue(shout.start(), shout.end(), "weak")
    for mark, sort in lexicon.marks:
        found_at = text.find(mark)
        if found_at != -1:
            yield Cue(found_at, found_at + len(mark), sort)


@lru_cache(maxsize=256)
def personal_cues(text: str) -> tuple[Cue, ...]:
    """The cues of a personal post in ``text`` (normalised), or none if they weigh less than 1."""
    chosen: list[Cue] = []
    # A draft full of cues has made its point: past _MAX_CANDIDATES the rest are not looked at.
    candidates = islice(_candidates(text), _MAX_CANDIDATES)
    for cue in sorted(candidates, key=lambda c: (_PRIORITY[c.sort], c.start - c.end, c.start)):
        if not any(cue.start < other.end and other.start < cue.end for other in chosen):
            chosen.append(cue)
    if sum(_WEIGHT[c.sort] for c in chosen) < 1.0:
        return ()
    return tuple(sorted(chosen, key=lambda c: c.start))


_WHY = {
    LIFE: "first-person talk about one's own life, family, health, work or a complaint is a person speaking, "
    "not the organisation",
    DRINKING: "drinking, partying or drugs on the organisation's account is the classic personal post sent "
    "from the wrong account",
    POLITICS: "politics and religion take sides for the whole organisation",
    SLANG: "texting slang is a personal register, not the organisation's voice",
}


def _hits(ctx: CheckContext, kind: str) -> Iterator[Hit]:
    if not ctx.account.is_organisation:
        return
    cues = personal_cues(ctx.text)
    mine = [c for c in cues if c.kind == kind]
    if not mine:
        return
    quoted = ", ".join(f"“{ctx.text[c.start : c.end]}”" for c in cues[:_MAX_QUOTED])
    if len(cues) > _MAX_QUOTED:
        quoted += ", …"
    why = _WHY[kind][:1].upper() + _WHY[kind][1:]
    message = (
        f"Reads like a personal post, not {ctx.account.name} speaking: {quoted}. {why}. "
        "Check that this is meant for this account."
    )
    for cue in mine:
        yield Hit(cue.start, cue.end, message, confidence=_CONFIDENCE[cue.sort])


@register(
    "personal_voice.life",
    summary="First-person life talk on a brand account: family, health, dating, work, complaints",
)
def life(ctx: CheckContext) -> Iterator[Hit]:
    return _hits(ctx, LIFE)


@register(
    "personal_voice.drinking",
    summary="Drinking, partying or drugs on a brand account ('hungover', '#gettngslizzerd')",
)
def drinking(ctx: CheckContext) -> Iterator[Hit]:
    return _hits(ctx, DRINKING)


@register(
    "personal_voice.politics", summary="Politics or religion on a brand account (politicians, parties, elections)"
)
def politics(ctx: CheckContext) -> Iterator[Hit]:
    return _hits(ctx, POLITICS)


@register("personal_voice.slang", summary="Texting register on a brand account ('lol', 'gonna', '2 b', 'b4')")
def slang(ctx: CheckContext) -> Iterator[Hit]:
    return _hits(ctx, SLANG)
