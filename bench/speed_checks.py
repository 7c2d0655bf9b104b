"""What each category of checks adds to a draft's latency, beside bare ``nlp(text)``.

Runs every registered rule-based check of each category directly on the normalised drafts of the
speed benchmark (280 and 500 characters), with the demo workspace (whose accounts have voice
samples, so account_fit's profiles are learned once before timing), and prints the median and p99
per draft for each category next to the whole spaCy pipeline on the same texts.

    .venv/bin/python bench/speed_checks.py [--samples 300]

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

from common import load_model, percentile
from speed import LENGTHS, SEED, make_drafts

from checks import load_workspace
from checks.normalize import normalize
from checks.registry import CheckContext, all_checks


def latencies(run: Callable[[str], object], drafts: Sequence[str]) -> list[float]:
    out = []
    for draft in drafts:
        started = time.perf_counter()
        run(draft)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=300, help="drafts per length")
    args = parser.parse_args(argv)
    nlp, _ = load_model()
    workspace = load_workspace()
    account = workspace.account("acme")
    policy = workspace.policy.for_account("acme")
    categories = sorted({c.category for c in all_checks() if not c.needs_model})

    def run_category(category: str) -> Callable[[str], object]:
        checks = [c for c in all_checks() if c.category == category and not c.needs_model]

        def run(text: str) -> object:
            context = CheckContext(normalize(text).text, account, workspace.accounts, policy, original=text)
            return [list(c.run(context)) for c in checks]

        return run

    print(f"per-draft latency, median / p99 in ms ({args.samples} drafts per length, account 'acme')")
    print(f"  {'':28}" + "".join(f"{length:>22} chars" for length in LENGTHS))
    rows: dict[str, list[tuple[float, float]]] = {}
    engines = {"bare nlp(text)": nlp, **{f"checks: {c}": run_category(c) for c in categories}}
    for length in LENGTHS:
        drafts = make_drafts(args.samples, SEED + length, (length,))
        for name, engine in engines.items():
            latencies(engine, drafts[:20])  # warm-up (and account_fit learns its profiles here)
            values = latencies(engine, drafts)
            rows.setdefault(name, []).append((statistics.median(values), percentile(values, 99)))
    for name, cells in rows.items():
        print(f"  {name:28}" + "".join(f"{median:>14.3f} / {p99:<11.3f}" for median, p99 in cells))
    bare = rows["bare nlp(text)"]
    for category in ("personal_voice", "off_brand", "account_fit"):
        if f"checks: {category}" in rows:
            shares = [cell[0] / base[0] for cell, base in zip(rows[f"checks: {category}"], bare, strict=True)]
            print(f"  {category}: adds " + ", ".join(f"{share:.1%}" for share in shares) + " of bare nlp (medians)")


if __name__ == "__main__":
    main()
