"""Offensive-content accuracy of the off_brand checks, beside better-profanity, on the same data.

A post counts as predicted offensive when our engine (``checks.Checker`` over the demo workspace,
rule-based checks only, account "acme", a brand account so hostility runs too) reports any
``off_brand.profanity`` or ``off_brand.hostility`` finding. better-profanity (the ``bench`` extra)
predicts offensive when ``profanity.contains_profanity(text)`` is true, with its default word list.

Data, read from the shared folder (never copied into the repository):
- ``offensive/tweeteval_offensive_val_{text,labels}.txt``: TweetEval's offensive task (OffensEval
  2019), validation split, label 1 = offensive. Published references are on its *test* split.
- ``offensive/davidson_labeled_data.csv``: Davidson et al. 2017; class 0 (hate speech) and 1
  (offensive language) count as offensive, 2 (neither) as not.

    .venv/bin/python bench/eval_offensive.py [--data DIR] [--limit N] [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from common import DEFAULT_DATA_DIR, bench_workspace, note, timed

from checks import Checker

OFFENSIVE_CHECKS = ("off_brand.profanity", "off_brand.hostility")
ACCOUNT = "acme"
PUBLISHED = (("SVM", 52.3), ("FastText", 73.4), ("RoBERTa-base", 80.5))
TARGET = 75.0
CLASSES = ("not offensive", "offensive")


def load_tweeteval(folder: Path, limit: int | None) -> tuple[list[str], list[int]]:
    texts = (folder / "tweeteval_offensive_val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(x) for x in (folder / "tweeteval_offensive_val_labels.txt").read_text().split()]
    if len(texts) != len(labels):
        sys.exit(f"error: {len(texts)} texts but {len(labels)} labels in {folder}")
    return texts[:limit], labels[:limit]


def load_davidson(folder: Path, limit: int | None) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    with (folder / "davidson_labeled_data.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            texts.append(row["tweet"])
            labels.append(1 if row["class"] in ("0", "1") else 0)
    return texts[:limit], labels[:limit]


def ours(checker: Checker) -> Callable[[Sequence[str]], list[int]]:
    def predict(texts: Sequence[str]) -> list[int]:
        reports = checker.check_many((t, ACCOUNT) for t in texts)
        return [int(any(f.check in OFFENSIVE_CHECKS for f in r.findings)) for r in reports]

    return predict


def better_profanity() -> Callable[[Sequence[str]], list[int]] | None:
    try:
        from better_profanity import profanity  # type: ignore[import-untyped]
    except ImportError:
        note("better-profanity is not installed (pip install -e '.[bench]'); its column is skipped")
        return None
    profanity.load_censor_words()
    return lambda texts: [int(profanity.contains_profanity(t)) for t in texts]


def scores(gold: Sequence[int], predicted: Sequence[int]) -> dict[str, tuple[float, float, float]]:
    """Precision, recall and F1 (in %) per class, and the macro average."""
    out = {}
    for label, name in enumerate(CLASSES):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = (100 * precision, 100 * recall, 100 * f1)
    out["macro"] = tuple(sum(out[c][i] for c in CLASSES) / len(CLASSES) for i in range(3))  # type: ignore[assignment]
    return out


def table(
    title: str,
    gold: Sequence[int],
    systems: dict[str, Callable[[Sequence[str]], list[int]]],
    texts: Sequence[str],
    errors: int,
) -> None:
    print(f"\n## {title}: {len(texts):,} posts, {sum(gold):,} offensive ({100 * sum(gold) / max(1, len(gold)):.1f}%)")
    print(f"{'system':<28}{'class':<16}{'P':>7}{'R':>7}{'F1':>7}   flagged   seconds")
    for name, predict in systems.items():
        predicted, seconds = timed(partial(predict, texts))
        result = scores(gold, predicted)
        for index, (cls, (p, r, f)) in enumerate(result.items()):
            tail = f"   {sum(predicted):>7,}   {seconds:>7.2f}" if index == 0 else ""
            print(f"{name if index == 0 else '':<28}{cls:<16}{p:>7.1f}{r:>7.1f}{f:>7.1f}{tail}")
        if errors and name.startswith("Second Look"):
            misses = [t for t, g, p in zip(texts, gold, predicted, strict=True) if g and not p][:errors]
            alarms = [t for t, g, p in zip(texts, gold, predicted, strict=True) if p and not g][:errors]
            print("  missed:", *(f"    {t[:150]!r}" for t in misses), sep="\n")
            print("  false alarms:", *(f"    {t[:150]!r}" for t in alarms), sep="\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N posts of each set")
    parser.add_argument("--errors", type=int, default=0, help="print up to N misses and false alarms")
    args = parser.parse_args(argv)
    folder = args.data / "offensive"
    if not folder.is_dir():
        sys.exit(f"error: no offensive data in {folder} (use --data DIR)")

    systems: dict[str, Callable[[Sequence[str]], list[int]]] = {
        "Second Look (off_brand)": ours(Checker(bench_workspace(open_terms=False), use_model=False))
    }
    baseline = better_profanity()
    if baseline is not None:
        systems["better-profanity 0.7"] = baseline

    print("# Offensive content: a post is offensive when off_brand.profanity or off_brand.hostility fires")
    print(f"  (account {ACCOUNT!r}, rule-based checks; better-profanity: contains_profanity, default list)")
    texts, gold = load_tweeteval(folder, args.limit)
    table("TweetEval offensive, validation split", gold, systems, texts, args.errors)
    print("\nPublished macro-F1 on the TweetEval offensive *test* split (Barbieri et al. 2020):")
    for name, value in PUBLISHED:
        print(f"  {name:<14}{value:>6.1f}")
    print(f"  target        {TARGET:>6.1f}  (no transformer)")

    texts, gold = load_davidson(folder, args.limit)
    table("Davidson et al. 2017 (hate speech + offensive language = offensive)", gold, systems, texts, args.errors)


if __name__ == "__main__":
    main()
