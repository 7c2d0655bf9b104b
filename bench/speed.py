"""Speed and memory: our checks against bare spaCy and Microsoft Presidio on realistic drafts.

Everything runs in this one process, on drafts generated from a fixed seed. Figures are printed,
never asserted. See bench/README.md.

    .venv/bin/python bench/speed.py [--n 10000] [--samples 200] [--quick]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common import (
    bench_workspace,
    load_model,
    load_presidio,
    model_checks_registered,
    model_version,
    note,
    peak_rss_mb,
    peak_worker_rss_mb,
    percentile,
    timed,
)

from checks import Checker

if TYPE_CHECKING:
    from spacy.language import Language

LENGTHS = (280, 500)
ACCOUNTS = ("acme", "sam", "harbor")
SEED = 20240601
WARMUP_DRAFTS = 20
TARGET_DRAFTS = 10_000
TARGET_SECONDS = 60.0
# The batch target is for a 2-core laptop; the command line uses one worker per core for calendars.
PARALLEL_LABEL = "ours, check_many, 2 processes"
TARGET_OVER_BARE = 1.2  # ours at most this many times bare nlp(text)
TARGET_PRESIDIO_SPEEDUP = 3.0  # Presidio at least this many times slower than ours

# --- drafts ---------------------------------------------------------------------------------------

PROSE = (
    "Our autumn collection is finally here and we could not be more excited.",
    "The trail was muddy but the view from the ridge made every step worth it.",
    "We spent the weekend testing the new tents in the rain, and they held up.",
    "Coffee first, then a long walk along the harbour before the shop opens.",
    "Thank you all for the kind messages after last week's launch event.",
    "Doors open at nine tomorrow, and the first fifty visitors get a free mug.",
    "Some days the best plan is no plan at all, just boots and a thermos.",
    "We are hiring for the warehouse team, so tell your friends.",
    "Remember to check the forecast before heading out this weekend.",
    "This little café has the best cinnamon buns in town, no contest.",
    "Shipping delays should be over by Friday; sorry for the wait, everyone.",
    "What is your favourite route for a quick evening run?",
    "The repair workshop is back on Saturdays from next month.",
    "Honestly did not expect this many people at the meetup last night.",
    "Fresh beans from the roaster arrived this morning and the whole place smells amazing.",
    "Big news coming soon, stay tuned!",
)
NAMES = (
    "Maria Gonzalez", "James O'Connor", "Priya Natarajan", "Tom Becker", "Aisha Bello", "Lukas Novak",
    "Emma Lindqvist", "Daniel Kim", "Sofia Rossi", "Kwame Mensah", "Chloe Martin", "Hiroshi Tanaka",
)  # fmt: skip
WITH_NAME = (
    "Huge thanks to {name} for leading the cleanup on Sunday.",
    "{name} just joined our team and already knows every trail in the valley.",
    "Congratulations to {name}, winner of this month's photo contest!",
    "Spotted {name} at the market this morning with a very happy dog.",
    "Ask {name} at the counter about the new seasonal blend.",
)
HASHTAGS = ("#outdoors", "#hiking", "#coffee", "#smallbusiness", "#weekend", "#community", "#newrelease")


def _phone(r: random.Random) -> str:
    return f"Questions? Call us on {r.choice(('+1', '+44'))} {r.randint(200, 999)} 555 {r.randint(1000, 9999)}."


def _email(r: random.Random) -> str:
    return f"Write to {r.choice(NAMES).split()[0].lower()}{r.randint(1, 99)}@example.com for details."


def _url(r: random.Random) -> str:
    return f"More at https://example.com/{r.choice(('blog', 'shop', 'news'))}/{r.randint(100, 999)}"


def _hashtags(r: random.Random) -> str:
    return " ".join(r.sample(HASHTAGS, r.randint(1, 3)))


# Sentences a draft sometimes has: (probability per draft, how to make one).
EXTRAS: tuple[tuple[float, Callable[[random.Random], str]], ...] = (
    (0.15, _phone),
    (0.15, _email),
    (0.25, _url),
    (0.4, _hashtags),
)
# Words to make a draft exactly as long as wanted, by length.
FILLERS = {1: "a", 2: "so", 3: "yes", 4: "nice", 5: "great", 6: "really", 7: "amazing", 8: "honestly"}


def make_draft(rng: random.Random, length: int) -> str:
    """A social post of exactly ``length`` characters, ending at a word boundary."""
    prose = rng.sample(PROSE, len(PROSE))  # no sentence twice in a draft
    sentences = [prose.pop()]
    if rng.random() < 0.6:
        sentences.append(rng.choice(WITH_NAME).format(name=rng.choice(NAMES)))
    sentences += [make(rng) for probability, make in EXTRAS if rng.random() < probability]
    rng.shuffle(sentences)
    text = " ".join(sentences)
    while len(text) < length:
        text += " " + prose.pop()
    return fit(text, length)


def fit(text: str, length: int) -> str:
    """Cut at the last word boundary within ``length``, then pad with whole words to exactly ``length``."""
    cut = text[: length + 1].rsplit(" ", 1)[0] if len(text) > length else text
    while len(cut) < length:
        room = length - len(cut)
        cut += "!" if room == 1 else " " + FILLERS[min(room - 1, max(FILLERS))]
    return cut


def make_drafts(count: int, seed: int, lengths: Sequence[int] = LENGTHS) -> list[str]:
    rng = random.Random(seed)
    return [make_draft(rng, rng.choice(lengths)) for _ in range(count)]


# --- measuring ------------------------------------------------------------------------------------

Engine = Callable[[str], Any]


@dataclass(frozen=True)
class Latency:
    median_ms: float
    p99_ms: float


def measure_latency(engines: dict[str, Engine], drafts: Sequence[str]) -> dict[str, Latency]:
    """Per-draft wall time of each engine. The engines take turns on each draft, in a rotating
    order, so a busy moment on a shared machine does not land on one engine only."""
    times: dict[str, list[float]] = {name: [] for name in engines}
    names = list(engines)
    for i, draft in enumerate(drafts):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            started = time.perf_counter()
            engines[name](draft)
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: Latency(percentile(t, 50), percentile(t, 99)) for name, t in times.items()}


def warm_up(engines: dict[str, Engine], drafts: Sequence[str]) -> None:
    for engine in engines.values():
        for draft in drafts:
            engine(draft)


def throughput(run: Callable[[], None], count: int) -> tuple[float, float]:
    """(seconds, drafts per second) for ``run``, which checks ``count`` drafts."""
    _, seconds = timed(run)
    return seconds, count / seconds if seconds > 0 else float("inf")


def consume(results: Iterable[object]) -> None:
    """Run a lazy batch to the end without holding its results (so memory is the engine's own)."""
    deque(results, maxlen=0)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("inf")


def memory(phase: str) -> None:
    workers = peak_worker_rss_mb()
    extra = f" (largest worker process: {workers:.0f} MB)" if workers else ""
    print(f"  peak RSS after {phase}: {peak_rss_mb():.0f} MB{extra}")


# --- the phases -----------------------------------------------------------------------------------


def run_throughput(checker: Checker, rules_only: Checker, nlp: Language, n: int) -> dict[str, float]:
    rng = random.Random(SEED + 1)
    drafts = [(text, rng.choice(ACCOUNTS)) for text in make_drafts(n, SEED + 2)]
    print(f"\nthroughput: {n} drafts ({'/'.join(map(str, LENGTHS))} characters mixed, accounts {', '.join(ACCOUNTS)})")
    figures: dict[str, float] = {}
    for label, run in (
        (PARALLEL_LABEL, lambda: consume(checker.check_many(drafts, processes=2))),
        ("ours, check_many, 1 process", lambda: consume(checker.check_many(drafts))),
        ("ours, rule-based only", lambda: consume(rules_only.check_many(drafts))),
        ("reference: bare nlp.pipe", lambda: consume(nlp.pipe(text for text, _ in drafts))),
    ):
        seconds, rate = throughput(run, n)
        figures[label] = seconds
        print(f"  {label:26} {seconds:8.2f} s  {rate:9.0f} drafts/s")
        memory(label)
    return figures


def run_latency(engines: dict[str, Engine], samples: int) -> dict[int, dict[str, Latency]]:
    print(f"\nper-draft latency ({samples} drafts per length, after {WARMUP_DRAFTS} warm-up drafts)")
    warm_up(engines, make_drafts(WARMUP_DRAFTS, SEED + 3))
    results: dict[int, dict[str, Latency]] = {}
    print(f"  {'chars':>5}  " + "  ".join(f"{name + ' median/p99 ms':>28}" for name in engines))
    for length in LENGTHS:
        results[length] = measure_latency(engines, make_drafts(samples, SEED + length, (length,)))
        cells = [f"{lat.median_ms:>13.2f} / {lat.p99_ms:<12.2f}" for lat in results[length].values()]
        print(f"  {length:>5}  " + "  ".join(cells))
    for length, lat in results.items():
        over_bare = ratio(lat["ours"].median_ms, lat["bare nlp"].median_ms)
        presidio_over = ratio(lat["presidio"].median_ms, lat["ours"].median_ms)
        print(f"  {length} chars (medians): ours/bare {over_bare:.2f}x, presidio/ours {presidio_over:.2f}x")
    memory("latency (Presidio loaded)")
    return results


def print_targets(latency: dict[int, dict[str, Latency]], seconds: float, n: int) -> None:
    over_bare = max(ratio(lat["ours"].median_ms, lat["bare nlp"].median_ms) for lat in latency.values())
    speedup = min(ratio(lat["presidio"].median_ms, lat["ours"].median_ms) for lat in latency.values())
    for_target = seconds * TARGET_DRAFTS / n
    scaled = "" if n == TARGET_DRAFTS else f" (extrapolated from {n} drafts)"
    rows = (
        (f"ours within {TARGET_OVER_BARE}x of bare nlp", f"{over_bare:.2f}x", over_bare <= TARGET_OVER_BARE),
        (
            f">= {TARGET_PRESIDIO_SPEEDUP:.0f}x faster than Presidio",
            f"{speedup:.2f}x",
            speedup >= TARGET_PRESIDIO_SPEEDUP,
        ),
        (
            f"{TARGET_DRAFTS:,} drafts < {TARGET_SECONDS:.0f} s",
            f"{for_target:.1f} s{scaled}",
            for_target < TARGET_SECONDS,
        ),
    )
    print("\ntargets (latency: medians, worst of the two lengths; throughput: check_many in 2 processes):")
    for label, value, met in rows:
        print(f"  {label:58} {value:>34}  {'met' if met else 'NOT met'}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--n", type=int, help=f"drafts for the throughput runs (default {TARGET_DRAFTS}; 1000 with --quick)"
    )
    parser.add_argument(
        "--samples", type=int, help="drafts per length for the latency runs (default 200; 50 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a first look")
    args = parser.parse_args(argv)
    args.n = args.n or (1000 if args.quick else TARGET_DRAFTS)
    args.samples = args.samples or (50 if args.quick else 200)
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    nlp, package = load_model()
    workspace = bench_workspace(open_terms=False)
    checker, rules_only = Checker(workspace, nlp=nlp), Checker(workspace, use_model=False)
    print(f"model: {model_version(nlp)} (package {package}); one process, peak RSS is cumulative")
    if not model_checks_registered():
        note("no model-based check is registered yet: our engine runs without spaCy")
    memory("loading the model")
    seconds = run_throughput(checker, rules_only, nlp, args.n)[PARALLEL_LABEL]
    analyzer = load_presidio(package)
    engines: dict[str, Engine] = {
        "bare nlp": nlp,
        "ours": lambda text: checker.check(text, "acme"),
        "presidio": lambda text: analyzer.analyze(text, language="en"),
    }
    latency = run_latency(engines, args.samples)
    print_targets(latency, seconds, args.n)


if __name__ == "__main__":
    main()
