"""Would a small learned classifier help the off_brand rules? A trial, with printed figures.

Issue 3 allows shipping a small model trained only on redistributable data. This script trains the
candidate, a hashed bag-of-words logistic regression (scikit-learn, the ``bench`` extra; at run time
it would be a dot product), on Davidson et al. 2017 (MIT) and measures it on TweetEval's offensive
validation split, which it never sees, three ways:

- the classifier alone, at its default threshold and at the best threshold in hindsight;
- the classifier OR'd with the rules (``off_brand.profanity`` / ``off_brand.hostility``), by threshold;
- beside each, how many ordinary brand replies (the agents' side of ``voice/ibm_customer_care_dev.json``)
  it would flag, since a check that nags brand staff about polite posts is worse than none.

Nothing is written to ``resources/``: the figures decide whether a model is worth shipping.

    .venv/bin/python bench/offensive_classifier_trial.py [--data DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from common import DEFAULT_DATA_DIR, bench_workspace, note
from eval_offensive import OFFENSIVE_CHECKS, load_davidson, load_tweeteval, scores
from eval_voice import VOICE_DATA_FILE, read_messages

from checks import Checker

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
_USER = re.compile(r"@\w+")
_LINK = re.compile(r"https?://\S+")
_RETWEET = re.compile(r"\brt\b")


def normalise(text: str) -> str:
    """Fold the two corpora's conventions together (Davidson keeps handles, TweetEval masks them)."""
    text = _LINK.sub(" http ", text.lower().replace("&amp;", "&"))
    return _RETWEET.sub(" ", _USER.sub(" @user ", text))


def rules(texts: Sequence[str]) -> list[int]:
    checker = Checker(bench_workspace(open_terms=False), use_model=False)
    reports = checker.check_many((t, "acme") for t in texts)
    return [int(any(f.check in OFFENSIVE_CHECKS for f in r.findings)) for r in reports]


def macro(gold: Sequence[int], predicted: Sequence[int]) -> float:
    return scores(gold, predicted)["macro"][2]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    args = parser.parse_args(argv)
    try:
        from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped]
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    except ImportError:
        sys.exit("error: scikit-learn is not installed (pip install -e '.[bench]')")

    train_texts, train_gold = load_davidson(args.data / "offensive", None)
    val_texts, val_gold = load_tweeteval(args.data / "offensive", None)
    brand = [m.text for _, m in read_messages(args.data / VOICE_DATA_FILE) if not m.personal and m.text]
    note(f"training on {len(train_texts):,} Davidson posts; brand replies for false alarms: {len(brand):,}")

    vectoriser = HashingVectorizer(
        n_features=2**18, alternate_sign=False, preprocessor=normalise, token_pattern=r"(?u)\b\w+\b"
    )
    model = LogisticRegression(C=3.0, max_iter=2000, class_weight="balanced")
    model.fit(vectoriser.transform(train_texts), train_gold)
    val_p = model.predict_proba(vectoriser.transform(val_texts))[:, 1]
    brand_p = model.predict_proba(vectoriser.transform(brand))[:, 1]
    val_rules, brand_rules = rules(val_texts), rules(brand)

    print("# A Davidson-trained hashed bag-of-words classifier, measured on TweetEval offensive (val)")
    print(f"rules alone: macro-F1 {macro(val_gold, val_rules):.1f}, brand replies flagged {sum(brand_rules)}")
    best = max((macro(val_gold, [int(p > t) for p in val_p]), t) for t in [x / 20 for x in range(4, 20)])
    print(
        f"classifier alone at 0.5: macro-F1 {macro(val_gold, [int(p > 0.5) for p in val_p]):.1f}; "
        f"best in hindsight {best[0]:.1f} at {best[1]:.2f}"
    )
    print(f"\n{'threshold':>9}  {'rules OR model':>14}  {'val flagged':>11}  {'brand replies flagged':>21}")
    for threshold in THRESHOLDS:
        combined = [max(r, int(p > threshold)) for r, p in zip(val_rules, val_p, strict=True)]
        alarms = sum(max(r, int(p > threshold)) for r, p in zip(brand_rules, brand_p, strict=True))
        print(
            f"{threshold:>9.2f}  {macro(val_gold, combined):>14.1f}  {sum(combined):>11,}  "
            f"{alarms:>8,} of {len(brand):,} ({100 * alarms / len(brand):.1f}%)"
        )


if __name__ == "__main__":
    main()
