"""Wrong account: does `account_fit.voice` tell one brand's voice from another's?

On IBM's customer-care conversations (24 brands' agents replying on Twitter), each brand becomes an
account whose voice samples are half of its agents' replies (every other reply, in file order). The
other half is checked twice: against its own account (a finding there is a false alarm) and against
the next brand's account in alphabetical order (a finding there is a detection). Also prints how long
learning the profiles takes for 1,000 and 10,000 samples.

    .venv/bin/python bench/eval_account_fit.py [--data DIR] [--swap]

The thresholds were chosen on the default split; ``--swap`` exchanges samples and checked replies.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from common import DEFAULT_DATA_DIR, timed

from checks import Checker
from checks.account_fit import learn_profiles
from checks.policy import load_policy
from checks.workspace import Account, Workspace

DATA_FILE = Path("voice") / "ibm_customer_care_dev.json"
FALSE_ALARM_TARGET = 0.05
DETECTION_TARGET = 0.80


def replies_by_brand(path: Path) -> dict[str, list[str]]:
    replies: dict[str, list[str]] = defaultdict(list)
    for conversation in json.loads(path.read_text(encoding="utf-8")):
        text = (conversation.get("agentURL") or {}).get("url_utterance", "").strip()
        if text:
            replies[conversation["dialogHeader"]["company"]].append(text)
    return dict(replies)


def build_workspace(folder: Path, samples: dict[str, list[str]]) -> Workspace:
    accounts = []
    for brand, posts in sorted(samples.items()):
        path = folder / f"{brand}.txt"
        path.write_text("\n".join(p.replace("\n", " ") for p in posts), encoding="utf-8")
        accounts.append(
            Account(id=brand.lower(), platform="x", handle=f"@{brand}", name=brand, kind="brand", voice_samples=path)
        )
    return Workspace(None, tuple(accounts), load_policy(None))


def evaluate(replies: dict[str, list[str]], swap: bool = False) -> None:
    # FIT_RATIO and FIT_MIN_SIMILARITY were swept with the even replies as samples; --swap learns from
    # the odd ones and checks the even ones, a split the thresholds were not chosen on.
    first, second = (1, 0) if swap else (0, 1)
    samples = {brand: posts[first::2] for brand, posts in replies.items()}
    held_out = {brand: posts[second::2] for brand, posts in replies.items()}
    brands = sorted(replies)
    with tempfile.TemporaryDirectory() as tmp:
        checker = Checker(build_workspace(Path(tmp), samples), use_model=False)
        own_drafts = [(text, brand.lower()) for brand in brands for text in held_out[brand]]
        other_drafts = [
            (text, brands[(i + 1) % len(brands)].lower()) for i, brand in enumerate(brands) for text in held_out[brand]
        ]
        alarms = sum(fires(r) for r in checker.check_many(own_drafts))
        detections = sum(fires(r) for r in checker.check_many(other_drafts))
    total = len(own_drafts)
    print(
        f"split: samples are the {'odd' if swap else 'even'} replies, the {'even' if swap else 'odd'} ones are checked"
    )
    print(f"brands: {len(brands)}; voice samples: {sum(map(len, samples.values()))}; held-out replies: {total}")
    print("  (replies are split alternately; a brand with one reply has samples but nothing held out)")
    alarm_rate, detection_rate = alarms / total, detections / total
    print(f"  false alarms, reply checked against its own brand:     {alarms:4d} / {total}  {alarm_rate:6.1%}")
    print(f"  detections, reply checked against another brand:       {detections:4d} / {total}  {detection_rate:6.1%}")
    print(
        f"  targets: false alarms < {FALSE_ALARM_TARGET:.0%} "
        f"({'met' if alarm_rate < FALSE_ALARM_TARGET else 'NOT met'}), detections >= {DETECTION_TARGET:.0%} "
        f"({'met' if detection_rate >= DETECTION_TARGET else 'NOT met'})"
    )


def fires(report: object) -> bool:
    return any(f.check == "account_fit.voice" for f in report.findings)  # type: ignore[attr-defined]


def learning_times(replies: dict[str, list[str]], sizes: Sequence[int]) -> None:
    """Seconds to learn profiles from ``size`` samples drawn (with replacement) from all replies."""
    rng = random.Random(7)
    pool = [(brand, text) for brand, posts in replies.items() for text in posts]
    print("learning time (profiles for 24 accounts, pure Python):")
    for size in sizes:
        drawn: dict[str, list[str]] = defaultdict(list)
        for brand, text in (rng.choice(pool) for _ in range(size)):
            drawn[brand].append(text)
        _, seconds = timed(lambda drawn=drawn: learn_profiles(drawn))
        print(f"  {size:6,d} samples  {seconds:6.2f} s")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="shared data folder")
    parser.add_argument("--swap", action="store_true", help="learn from the odd replies, check the even ones")
    args = parser.parse_args(argv)
    replies = replies_by_brand(args.data / DATA_FILE)
    evaluate(replies, args.swap)
    learning_times(replies, (1_000, 10_000))


if __name__ == "__main__":
    main()
