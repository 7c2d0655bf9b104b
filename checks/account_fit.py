"""Account fit: the draft belongs to another account the user manages.

Two signals. The agency case is a rule: the draft names another managed account's brand terms,
handles or hashtags. The subtler case is learned: each account's past posts (its voice samples)
give it a profile, and a draft that reads markedly more like another account's posts than the
chosen one's is flagged, naming that account.

Profiles are TF-IDF centroids over words and word pairs (links included): cheap to learn (a few seconds for 10,000
posts in pure Python), robust with a handful of samples, and easy to explain (the words that tie a
draft to an account are the ones with the largest weight in its centroid).
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from checks.registry import CheckContext, Hit, register
from checks.resources import read_lexicon_lines

if TYPE_CHECKING:
    from checks.workspace import Account

# A draft must be this much closer to another account than to its own (ratio of cosine
# similarities), and at least this close to the other account, before we say it belongs there.
FIT_RATIO = 2.0
FIT_MIN_SIMILARITY = 0.12
MIN_DRAFT_TERMS = 4  # too few words say nothing about voice
MAX_SAMPLES = 20_000  # per account; more adds time, not accuracy
_TELLING_WORDS = 3
_LARGE_CORPUS = 2_000  # samples across all accounts

_TOKEN = regex.compile(r"[#@]?[\p{L}\p{N}][\p{L}\p{N}'’_\-]*")
# Links stay in the text the profiles learn from: the sites an account links to (its own shop, its
# help pages) are among the surest signs of whose post it is. Their plumbing says nothing, though,
# and is never offered as a telling word.
_LINK_NOISE = frozenset({"http", "https", "www", "com", "org", "net", "html", "htm", "php", "amp"})


# --- the brand-term rule ------------------------------------------------------------------------


def _term_pattern(term: str) -> regex.Pattern[str]:
    words = [regex.escape(w) for w in term.split()]
    return regex.compile(r"(?<![\w@#])" + r"[\s\-]+".join(words) + r"(?![\w])", regex.IGNORECASE)


@register(
    "account_fit.other_brand",
    summary="Names another managed account's brand terms, handles or hashtags (the agency case)",
)
def find_other_brands(ctx: CheckContext) -> Iterator[Hit]:
    if not ctx.account.is_organisation:
        return  # a person may mention the brands they work for
    own = {t.casefold() for t in (*ctx.account.brand_terms, ctx.account.handle, ctx.account.name)}
    lowered = ctx.text.casefold()
    for other in ctx.accounts:
        if other.id == ctx.account.id:
            continue
        for term in sorted({*other.brand_terms, other.handle}, key=len, reverse=True):
            if term.casefold() in own or term.casefold() not in lowered:
                continue
            for match in _term_pattern(term).finditer(ctx.text):
                yield Hit(
                    match.start(),
                    match.end(),
                    f"'{match.group()}' belongs to {other.name} ({other.handle}), another account you manage. "
                    f"Check this post is meant for {ctx.account.name} and not for {other.name}.",
                )


# --- learned voice profiles ---------------------------------------------------------------------


def terms(text: str) -> list[str]:
    """Words (lower case, handles and hashtags kept; links split into their words) and adjacent pairs."""
    words = [w.casefold() for w in _TOKEN.findall(text)]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class VoiceProfiles:
    """One TF-IDF centroid per account that has voice samples."""

    idf: dict[str, float]
    centroids: dict[str, dict[str, float]]  # account id -> term -> weight (unit length)

    def vector(self, text: str) -> dict[str, float]:
        counts = Counter(t for t in terms(text) if t in self.idf)
        weights = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def similarity(self, vector: dict[str, float], account_id: str) -> float:
        centroid = self.centroids.get(account_id, {})
        return sum(w * centroid.get(t, 0.0) for t, w in vector.items())

    def telling_terms(self, vector: dict[str, float], account_id: str) -> list[str]:
        """The draft's content words that weigh most towards ``account_id``."""
        centroid = self.centroids.get(account_id, {})
        function_words = _function_words()
        scored = sorted(
            (
                (w * centroid.get(t, 0.0), t)
                for t, w in vector.items()
                if " " not in t and t not in function_words and t not in _LINK_NOISE and not t.isdigit()
            ),
            reverse=True,
        )
        return [t for score, t in scored[:_TELLING_WORDS] if score > 0]


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(w for line in read_lexicon_lines("function_words.txt") for w in line.split())


def learn_profiles(samples: Mapping[str, Sequence[str]]) -> VoiceProfiles:
    """Learn a profile per account from its past posts (``account id -> posts``)."""
    documents: list[tuple[str, Counter[str]]] = [
        (account_id, Counter(terms(post))) for account_id, posts in samples.items() for post in posts[:MAX_SAMPLES]
    ]
    document_frequency: Counter[str] = Counter()
    for _, counts in documents:
        document_frequency.update(counts.keys())
    total = len(documents)
    # In a large corpus, terms seen once are noise and would make every profile huge; with a few
    # dozen samples they are most of what tells the accounts apart.
    min_df = 2 if total >= _LARGE_CORPUS else 1
    idf = {t: math.log((1 + total) / (1 + df)) + 1 for t, df in document_frequency.items() if df >= min_df}
    sums: dict[str, dict[str, float]] = {account_id: {} for account_id in samples}
    for account_id, counts in documents:
        weights = {t: (1 + math.log(c)) * idf[t] for t, c in counts.items() if t in idf}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        target = sums[account_id]
        for t, w in weights.items():
            target[t] = target.get(t, 0.0) + w / norm
    centroids = {}
    for account_id, vector in sums.items():
        norm = math.sqrt(sum(w * w for w in vector.values()))
        if norm > 0:
            centroids[account_id] = {t: w / norm for t, w in vector.items()}
    return VoiceProfiles(idf, centroids)


def read_voice_samples(path: Path) -> list[str]:
    """Past posts from a text file (one post per line) or a CSV file with a ``text`` column."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        return [row["text"].strip() for row in reader if (row.get("text") or "").strip()]
    return [line.strip() for line in text.splitlines() if line.strip()]


_CACHE: dict[tuple[tuple[str, str, int, int], ...], VoiceProfiles | None] = {}
_CACHE_LOCK = threading.Lock()


def profiles_for(accounts: Iterable[Account]) -> VoiceProfiles | None:
    """Profiles for these accounts' voice samples, learned once and again whenever a file changes.

    None when fewer than two accounts have samples (there is nothing to compare then). A missing or
    unreadable samples file counts as no samples; the workspace loader reports it to the user.
    """
    stamps: list[tuple[str, str, int, int]] = []
    for account in accounts:
        if account.voice_samples is None:
            continue
        try:
            stat = account.voice_samples.stat()
        except OSError:
            continue
        stamps.append((account.id, str(account.voice_samples), stat.st_mtime_ns, stat.st_size))
    key = tuple(stamps)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        samples: dict[str, list[str]] = {}
        for account_id, path, _, _ in stamps:
            try:
                posts = read_voice_samples(Path(path))
            except (OSError, UnicodeDecodeError, csv.Error, KeyError):
                continue
            if posts:
                samples[account_id] = posts
        result = learn_profiles(samples) if len(samples) >= 2 else None
        _CACHE.clear()  # one workspace at a time: old profiles are never asked for again
        _CACHE[key] = result
        return result


@register(
    "account_fit.voice",
    summary="Reads markedly more like another managed account's past posts than the chosen one's",
)
def find_other_voice(ctx: CheckContext) -> Iterator[Hit]:
    profiles = profiles_for(ctx.accounts)
    if profiles is None or ctx.account.id not in profiles.centroids:
        return
    vector = profiles.vector(ctx.text)
    if sum(1 for t in vector if " " not in t) < MIN_DRAFT_TERMS:
        return
    own = profiles.similarity(vector, ctx.account.id)
    by_id = {a.id: a for a in ctx.accounts}
    best_id, best = max(
        ((account_id, profiles.similarity(vector, account_id)) for account_id in profiles.centroids),
        key=lambda pair: pair[1],
    )
    if best_id == ctx.account.id or best < FIT_MIN_SIMILARITY or best < own * FIT_RATIO:
        return
    other = by_id[best_id]
    telling = profiles.telling_terms(vector, best_id)
    quoted = ", ".join(f"'{t}'" for t in telling)
    message = (
        f"This reads like {other.name}'s posts ({other.handle}), not {ctx.account.name}'s"
        + (f": {quoted}" if quoted else "")
        + f". Check you picked the right account before it goes to {ctx.account.audience:,} followers."
    )
    lowered = ctx.text.casefold()
    spans = []
    for term in telling:
        match = regex.search(r"(?<![\w@#])" + regex.escape(term) + r"(?![\w])", lowered)
        if match:
            spans.append(match.span())
    if not spans:  # nothing to point at: mark the opening words
        spans = [(0, min(len(ctx.text), 40))]
    confidence = min(1.0, best / max(own, 1e-6) / (2 * FIT_RATIO))
    for index, (start, end) in enumerate(sorted(spans)):
        # The whole story once; the other telling words point back to it.
        text = message if index == 0 else f"'{ctx.text[start:end]}' is another word typical of {other.name}'s posts."
        yield Hit(start, end, text, confidence=confidence)
