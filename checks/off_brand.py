"""Off-brand: profanity and slurs, hostility, the policy's banned and competitor terms, shouting.

All rule-based on the normalised text (zero-width characters and look-alike letters are already
gone), cheap enough to run on every keystroke:

- profanity is looked up word by word after undoing leetspeak (``sh1t``, ``$hit``), masking
  (``f*ck``, ``f@#k``), repeated letters (``fuuuck``) and spaced letters (``f u c k``). Only whole
  words are looked up, so "Scunthorpe", "assess" and "cocktail" stay clear;
- hostility is insults aimed at people ("you idiot", "what a moron", "shut up") and generalisations
  about groups ("all <group> are ...");
- banned and competitor terms come from the policy, matched whole-word with plural and verb endings;
- shouting is a long run of capitals, not counting hashtags, handles and the account's brand terms.

Word lists live in ``resources/lexicons`` (``profanity.txt``, ``profanity_slurs.txt``, ``off_brand_*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from checks.registry import CheckContext, Hit, register
from checks.resources import read_lexicon_lines
from checks.text_scan import anchors

if TYPE_CHECKING:
    from checks.workspace import Account

# --- shared -----------------------------------------------------------------------------------------


def _who(account: Account) -> str:
    """``Acme Outdoor is a brand account with 48,000 followers``."""
    audience = f" with {account.audience:,} followers" if account.audience else ""
    article = "an" if account.kind[0] in "aeiou" else "a"
    return f"{account.name} is {article} {account.kind} account{audience}"


# --- off_brand.profanity --------------------------------------------------------------------------

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "+": "t", "|": "i"}
)
_MASK = frozenset("*#%_")  # characters that stand for hidden letters
_AMBIGUOUS = frozenset("@$!+|")  # a leet letter, or a mask
# A word as people type it to dodge filters: letters, digits and the symbols above.
_TOKEN = re.compile(r"[\w@$!*#%+|]+")
# Single letters joined by one repeated separator: "f u c k", "s.h.i.t", "f-u-c-k", "f_u_c_k".
_SPACED = re.compile(r"(?<![\w@$!*#%+|])([^\W_])([ ._\-])(?:[^\W_]\2){1,12}[^\W_](?![^\W_]|[.\-_][^\W_])")
_REPEATS = re.compile(r"(.)\1+")
_STRETCHED = re.compile(r"(.)\1\1")


@dataclass(frozen=True)
class _Word:
    form: str
    slur: bool
    mild: bool
    part: bool  # also reported inside longer words
    name: bool  # also a name: not reported when capitalised mid-sentence ("Dick's Sporting Goods")


@dataclass(frozen=True)
class _Profanity:
    by_collapsed: dict[str, tuple[tuple[re.Pattern[str], _Word], ...]]  # "fuck" -> f+u+c+k+ ...
    by_first: dict[str, tuple[_Word, ...]]  # for masked words: forms by first letter
    parts: tuple[_Word, ...]

    @classmethod
    def load(cls) -> _Profanity:
        words: list[_Word] = []
        for name, slur in (("profanity.txt", False), ("profanity_slurs.txt", True)):
            for line in read_lexicon_lines(name):
                form, *tags = line.lower().split()
                words.append(_Word(form, slur, "mild" in tags, "part" in tags, "name" in tags))
        by_collapsed: dict[str, list[tuple[re.Pattern[str], _Word]]] = {}
        by_first: dict[str, list[_Word]] = {}
        for word in words:
            # Each letter may be repeated ("fuuuck", "shitttt"); a double letter needs at least two.
            pattern = "".join(
                re.escape(run[0]) + ("+" if len(run) == 1 else f"{{{len(run)},}}")
                for run in (m.group() for m in re.finditer(r"(.)\1*", word.form))
            )
            by_collapsed.setdefault(_REPEATS.sub(r"\1", word.form), []).append((re.compile(pattern), word))
            by_first.setdefault(word.form[0], []).append(word)
        return cls(
            {k: tuple(v) for k, v in by_collapsed.items()},
            {k: tuple(v) for k, v in by_first.items()},
            tuple(w for w in words if w.part),
        )

    def plain(self, letters: str, *, parts: bool = True) -> _Word | None:
        """The lexicon word ``letters`` (lower case, leet undone) spells. Letters repeated three
        times or more may stand for one ("fuuuck"); a double letter alone does not ("assess" is not
        "asses")."""
        stretched = _STRETCHED.search(letters) is not None
        for pattern, word in self.by_collapsed.get(_REPEATS.sub(r"\1", letters), ()):
            if word.form == letters or (stretched and pattern.fullmatch(letters)):
                return word
        if not parts:
            return None
        for word in self.parts:
            if word.form in letters or word.form in _REPEATS.sub(r"\1", letters):
                return word
        return None

    def masked(self, token: str) -> _Word | None:
        """The lexicon word a masked spelling stands for ("f**king", "f@#k", "sh*t"), or None."""
        pattern, literal = [], 0
        for run in re.finditer(r"[*#%_@$!+|]+|[^*#%_@$!+|]+", token):
            piece = run.group()
            if piece[0] in _MASK or piece[0] in _AMBIGUOUS:
                if len(piece) == 1 and piece in _AMBIGUOUS:
                    pattern.append(f"[a-z{re.escape(piece.translate(_LEET))}]")
                else:
                    pattern.append(f"[a-z]{{{max(1, len(piece) - 1)},{len(piece) + 1}}}")
            else:
                letters = piece.translate(_LEET)
                if not letters.isalpha():
                    return None
                literal += len(letters)
                pattern.append(re.escape(letters))
        if literal == 0 or token[0] in _MASK:
            return None  # "****" or "*uck": too little to go on
        regex = re.compile("".join(pattern))
        for word in self.by_first.get(token[0].translate(_LEET), ()):
            if regex.fullmatch(word.form):
                return word
        return None


_PROFANITY = _Profanity.load()


@lru_cache(maxsize=65_536)  # drafts repeat their words; most tokens are ordinary ones seen before
def _profanity_in_token(token: str) -> tuple[_Word, bool] | None:
    """``(word, masked)`` for one lower-cased token, or None."""
    if token.isalpha():
        word = _PROFANITY.plain(token)
        return (word, False) if word else None
    has_mask = any(ch in _MASK for ch in token)
    if not has_mask:
        letters = token.translate(_LEET)
        if letters.isalpha():
            word = _PROFANITY.plain(letters)
            if word:
                return word, False
    if has_mask or any(ch in _AMBIGUOUS for ch in token):
        word = _PROFANITY.masked(token)
        if word:
            return word, True
    return None


def _looks_like_a_name(text: str, start: int, end: int) -> bool:
    """A capitalised word inside a sentence or before a name: "Dick" in "Dick's Sporting Goods"."""
    typed = text[start:end]
    if not (typed[0].isupper() and typed[1:].islower()):
        return False
    before = text[:start].rstrip()
    mid_sentence = bool(before) and before[-1] not in '.!?:"“('
    possessive = text[end : end + 1] in ("'", "\u2019")
    before_a_name = text[end : end + 1] == " " and text[end + 1 : end + 2].isupper()
    return mid_sentence or possessive or before_a_name


def _profanity_hits(text: str) -> Iterator[tuple[int, int, _Word, bool]]:
    lowered = text.lower()
    for match in _TOKEN.finditer(lowered):
        start, end = match.span()
        # Hashtags are words ("#fuckmondays"); handles belong to someone else; markdown *emphasis*.
        while start < end and lowered[start] in "#*_":
            if lowered[start] in "*_" and lowered[end - 1] == lowered[start]:
                end -= 1
            start += 1
        if (start < end and lowered[start] == "@") or (match.start() > 0 and lowered[match.start() - 1] in "@/."):
            continue
        while end > start and lowered[end - 1] in "!":
            end -= 1
        if end - start < 2 or lowered[start:end].isdigit():
            continue
        found = _profanity_in_token(lowered[start:end])
        if found and found[0].name and _looks_like_a_name(text, start, end):
            continue
        if found:
            yield start, end, found[0], found[1]
    for match in _SPACED.finditer(lowered):
        letters = match.group()[::2].translate(_LEET)
        word = _PROFANITY.plain(letters, parts=False) if letters.isalpha() else None
        if word:
            yield match.start(), match.end(), word, True


@register("off_brand.profanity", summary="Profanity and slurs, also in leetspeak, masked or spaced out")
def profanity(ctx: CheckContext) -> Iterator[Hit]:
    who = _who(ctx.account)
    for start, end, word, disguised in _profanity_hits(ctx.text):
        typed = ctx.text[start:end]
        what = "a slur" if word.slur else ("mild profanity" if word.mild else "profanity")
        reads = f" (reads as “{word.form}”)" if disguised or typed.lower() != word.form else ""
        masked = "; masking it does not make it fit for the account" if disguised and not word.slur else ""
        suggestion = None if disguised else typed[0] + "*" * (len(typed) - 1)
        yield Hit(
            start,
            end,
            f"“{typed}”{reads} is {what}{masked}. {who}.",
            suggestion=suggestion,
            confidence=0.6 if word.mild else (0.9 if disguised else 1.0),
        )


# --- off_brand.hostility --------------------------------------------------------------------------


def _alternation(lines: Iterable[str]) -> str:
    words = sorted({w.lower() for w in lines}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"[\s\-]+") for w in words)


_INSULT_NOUNS = _alternation(read_lexicon_lines("off_brand_insults.txt"))
_INSULT_WORDS = _alternation(read_lexicon_lines("off_brand_insult_words.txt"))
_GROUPS = _alternation(read_lexicon_lines("off_brand_groups.txt"))
_PROFANE_NOUNS = (
    "asshole|assholes|bitch|bitches|bastard|bastards|dickhead|dickheads|prick|pricks|twat|cunt|wanker|dumbass|jackass"
)
_INTENSIFIER = (
    r"(?:(?:so|such|really|very|truly|totally|complete|absolute|utter|fucking|damn|bloody|f\*+ing|a|an|the|"
    r"bunch\s+of|pack\s+of|of|just|all|nothing\s+but|being|biggest|big|most)\s+)*"
)
_YOU = r"(?:you|u|ya|y'?all|youre|you'?re|ur|u\s+r|you\s+are|you\s+r)"
_THIRD = (
    r"(?:he|she|they|it|this\s+guy|that\s+guy|this\s+woman|these\s+people|those\s+people|people)"
    r"(?:'s|'re|\s+is|\s+are|\s+was|\s+were|\s+r)"
)

_HOSTILE = regex.compile(
    "|".join(
        (
            # "you idiot", "you're a moron", "what an idiot", "he is such a moron", "idiots" anywhere
            rf"\b(?:{_INSULT_NOUNS})\b(?![\s\-]+proof)",
            # "you're so stupid", "you pathetic loser", "what a joke", "they are disgusting"
            rf"\b(?:{_YOU}|what|{_THIRD})\s+{_INTENSIFIER}(?:{_INSULT_WORDS}|{_PROFANE_NOUNS})\b",
            rf"\b(?:{_INSULT_WORDS}|{_PROFANE_NOUNS})\s+(?:like\s+you|of\s+a\s+(?:man|woman|person|human))\b",
            r"\b(?:shut\s+(?:the\s+\S+\s+)?up|stfu|gtfo|get\s+lost|go\s+to\s+hell|screw\s+(?:you|u|them|him|her)|"
            r"(?:go\s+)?kill\s+yourself|kys|drop\s+dead|nobody\s+asked(?:\s+you)?|who\s+asked|"
            r"go\s+back\s+to\s+(?:your|where)|eat\s+shit|f\*+\s*(?:you|off)|piss\s+off|bite\s+me)\b",
            # hostile generalisations about groups
            rf"\b(?:all|most|typical|those|these|fucking|damn|bloody|filthy|stupid|dumb)\s+(?:the\s+)?(?:{_GROUPS})"
            rf"(?:\s+(?:are|r|should|deserve|need|always|never)\b|\b(?=[\s.!?,]*$)|\s*[.!?])",
            rf"\b(?:{_GROUPS})(?:\s+(?:people|folks|guys))?\s+(?:are|r)\s+(?:all\s+|so\s+|just\s+|such\s+|always\s+|literally\s+)*"
            rf"(?:{_INSULT_WORDS}|{_INSULT_NOUNS}|the\s+worst|evil|a\s+disease|a\s+plague|the\s+problem|animals|subhuman)\b",
            rf"\b(?:{_GROUPS})\s+(?:should\s+(?:all\s+)?(?:die|be\s+(?:shot|banned|deported|killed))|"
            rf"can'?t\s+(?:drive|think|be\s+trusted))\b",
        )
    ),
    regex.IGNORECASE,
)
# Every alternative above needs one of these (lower case) in the draft; most drafts have none, and
# testing for them costs a fraction of running the regex.
_FIXED_PHRASE_ANCHORS = ("shut", "stfu", "gtfo", "lost", "hell", "screw", "kill", "kys", "dead", "asked", "back")
_HOSTILE_ANCHORS = frozenset(
    (
        *anchors(
            [
                *read_lexicon_lines("off_brand_insults.txt"),
                *read_lexicon_lines("off_brand_insult_words.txt"),
                *read_lexicon_lines("off_brand_groups.txt"),
                *_PROFANE_NOUNS.split("|"),
            ]
        ),
        *_FIXED_PHRASE_ANCHORS,
        "shit",
        "piss",
        "bite",
    )
)
_ANCHOR_WORD = re.compile(r"[^\W_]+")  # split as text_scan.anchors splits phrases


@register("off_brand.hostility", summary="Insults aimed at people and hostile generalisations about groups")
def hostility(ctx: CheckContext) -> Iterator[Hit]:
    if not ctx.account.is_organisation:
        return
    lowered = ctx.text.lower()
    if "f*" not in lowered and _HOSTILE_ANCHORS.isdisjoint(_ANCHOR_WORD.findall(lowered)):
        return
    who = _who(ctx.account)
    for match in _HOSTILE.finditer(ctx.text):
        typed = match.group().rstrip(" .!?,")
        yield Hit(
            match.start(),
            match.start() + len(typed),
            f"“{typed}” is hostile: it insults people or a group. {who}, and replies like this are "
            "screenshotted; say what you disagree with instead.",
            confidence=0.8,
        )


# --- off_brand.banned_term and off_brand.competitor -----------------------------------------------

_TERM_GAP = r"[\s\-\u2010-\u2015_]*"


def _inflected(word: str, verbs: bool) -> str:
    """A regex for ``word`` with plural and possessive endings, and with ``verbs`` verb endings too
    ("cure": cures, cured, curing). Names (competitors) take plural and possessive only."""
    escaped = re.escape(word)
    if len(word) < 3 or not word[-1].isalpha():
        return escaped + r"(?:['\u2019]s)?"
    forms = [escaped + (r"(?:s|es|ed|d|ing|er|ers)?" if verbs else "(?:s|es)?")]
    if verbs and word.endswith("e"):
        forms.append(re.escape(word[:-1]) + "ing")
    if word.endswith("y"):
        forms.append(re.escape(word[:-1]) + ("(?:ies|ied)" if verbs else "ies"))
    return f"(?:{'|'.join(forms)})(?:['\u2019]s)?"


@lru_cache(maxsize=64)
def term_regex(terms: tuple[str, ...], verbs: bool = True) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive matcher for policy terms with lemma-aware endings; each term is
    a named group ``t<index>`` so a match says which term it was."""
    patterns = []
    for index, term in enumerate(terms):
        words = [w for w in re.split(r"[\s\-_\u2010-\u2015]+", term.strip()) if w]
        if words:
            patterns.append(f"(?P<t{index}>{_TERM_GAP.join(_inflected(w, verbs) for w in words)})")
    if not patterns:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)", re.IGNORECASE)


def _term_matches(text: str, terms: tuple[str, ...], verbs: bool = True) -> Iterator[tuple[int, int, str]]:
    regex = term_regex(terms, verbs)
    if regex is None:
        return
    for match in regex.finditer(text):
        group = match.lastgroup or "t0"
        yield match.start(), match.end(), terms[int(group[1:])]


@register("off_brand.banned_term", summary="Terms the policy bans on brand and client accounts, in any form")
def banned_term(ctx: CheckContext) -> Iterator[Hit]:
    if not ctx.account.is_organisation or not ctx.policy.terms.banned:
        return
    who = _who(ctx.account)
    for start, end, term in _term_matches(ctx.text, tuple(ctx.policy.terms.banned)):
        typed = ctx.text[start:end]
        yield Hit(
            start,
            end,
            f"“{typed}” is banned by your social media policy (“{term}”). {who}: rephrase without it.",
        )


@register("off_brand.competitor", summary="Competitors the policy names, on brand and client accounts")
def competitor(ctx: CheckContext) -> Iterator[Hit]:
    if not ctx.account.is_organisation or not ctx.policy.terms.competitors:
        return
    for start, end, term in _term_matches(ctx.text, tuple(ctx.policy.terms.competitors), verbs=False):
        yield Hit(
            start,
            end,
            f"“{ctx.text[start:end]}” names {term}, a competitor of {ctx.account.name}. "
            f"{_who(ctx.account)}: check that the policy allows naming competitors here.",
        )


# --- off_brand.shouting ---------------------------------------------------------------------------

_WORD = re.compile(r"[#@$]?[^\W\d_][\w'\u2019.@-]*")
_RUN_WORDS = 4  # consecutive all-caps words of 2+ letters
_RATIO = 0.6
_RATIO_MIN_LETTERS = 20
_RATIO_MIN_WORDS = 3


@lru_cache(maxsize=64)
def _brand_words(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.casefold() for term in terms for w in re.findall(r"[^\W_]+", term))


@register("off_brand.shouting", summary="Long runs of capitals on brand and client accounts")
def shouting(ctx: CheckContext) -> Iterator[Hit]:
    if not ctx.account.is_organisation:
        return
    text = ctx.text
    caps_words = sum(1 for w in text.split() if w.isupper() and sum(ch.isalpha() for ch in w) >= 2)
    if caps_words < min(_RUN_WORDS, _RATIO_MIN_WORDS):
        return  # the common case: not enough words in capitals to shout
    brand = _brand_words(ctx.account.brand_terms)
    words: list[tuple[int, int, bool]] = []  # (start, end, all caps) of the words that count
    upper = letters = 0
    for match in _WORD.finditer(text):
        word = match.group().rstrip(".'\u2019-")
        if word[0] in "#@$" or "@" in word or word.casefold() in brand:
            continue  # hashtags, handles, cashtags, emails and the account's own names
        alpha = [ch for ch in word if ch.isalpha()]
        if len(alpha) < 2:
            continue  # "I", "A" neither shout nor break a run
        caps = all(ch.isupper() for ch in alpha)
        words.append((match.start(), match.start() + len(word), caps))
        letters += len(alpha)
        upper += sum(1 for ch in alpha if ch.isupper())
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(words):
        if not words[index][2]:
            index += 1
            continue
        end = index
        while end + 1 < len(words) and words[end + 1][2]:
            end += 1
        if end - index + 1 >= _RUN_WORDS:
            runs.append((words[index][0], words[end][1]))
        index = end + 1
    capitalised = [w for w in words if w[2]]
    if (
        not runs
        and letters >= _RATIO_MIN_LETTERS
        and upper >= _RATIO * letters
        and len(capitalised) >= _RATIO_MIN_WORDS
    ):
        runs.append((capitalised[0][0], capitalised[-1][1]))
    for start, end in runs:
        typed = text[start:end]
        starts_sentence = start == 0 or text[:start].rstrip().endswith((".", "!", "?"))
        yield Hit(
            start,
            end,
            f"“{_shorten(typed)}” is in capitals, which reads as shouting. {_who(ctx.account)}.",
            suggestion=typed.lower().capitalize() if starts_sentence else typed.lower(),
            confidence=0.8,
        )


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
