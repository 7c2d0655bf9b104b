"""Personal-data detection: our checks against Microsoft Presidio, on presidio-research's synthetic set.

Both engines run in this process on the same spaCy model package. Figures are printed (and written
with ``--json``), never asserted. See bench/README.md for the scoring rules.

    .venv/bin/python bench/eval_pii.py [--data DIR] [--limit N] [--errors TYPE] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import (
    DEFAULT_DATA_DIR,
    PII_DATA_FILE,
    bench_workspace,
    load_model,
    load_presidio,
    model_checks_registered,
    model_version,
    note,
    timed,
)

from checks import Checker

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

# Our check ids -> the dataset's entity types. national_id is resolved per span (see _national_id_type).
OUR_TYPES = {
    "personal_data.person": "PERSON",
    "personal_data.phone": "PHONE_NUMBER",
    "personal_data.email": "EMAIL_ADDRESS",
    "personal_data.address": "ADDRESS",
    "personal_data.card": "CREDIT_CARD",
    "personal_data.iban": "IBAN_CODE",
    "personal_data.national_id": "US_SSN|US_DRIVER_LICENSE",
    "personal_data.ip_address": "IP_ADDRESS",
    "personal_data.date_of_birth": "DATE_TIME",
    # Notes (severity "info" by default): shown to the author, never in the way.
    "personal_data.location": "LOCATION",
    "personal_data.organization": "ORGANIZATION",
    "personal_data.website": "DOMAIN_NAME",
}
NOTE_TYPES = frozenset({"LOCATION", "ORGANIZATION", "DOMAIN_NAME"})
NATIONAL_ID_TYPES = ("US_SSN", "US_DRIVER_LICENSE")
SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
DATASET_TYPES = frozenset(
    {"PERSON", "ADDRESS", "LOCATION", "ORGANIZATION", "CREDIT_CARD", "PHONE_NUMBER", "DATE_TIME", "EMAIL_ADDRESS"}
    | {"US_SSN", "IBAN_CODE", "DOMAIN_NAME", "TITLE", "PREFIX", "US_DRIVER_LICENSE", "IP_ADDRESS"}
)
# Presidio's entity names are the dataset's, except these.
PRESIDIO_RENAMES = {"URL": "DOMAIN_NAME"}
# The dataset types that are personal data in our sense (what our warning-level checks map to): the
# "all PII" row and the post-level figures count gold spans and predictions of these types only.
PII_TYPES = frozenset([t for t in OUR_TYPES.values() if "|" not in t] + list(NATIONAL_ID_TYPES)) - NOTE_TYPES
ALL_PII = "all PII"
SIDES = ("ours", "presidio")
IOU_THRESHOLD = 0.5
CRITERIA = {
    "iou": f"character IoU >= {IOU_THRESHOLD}, same type, one-to-one (greedy by IoU)",
    "overlap": "any character overlap, same type, one-to-one (greedy by IoU)",
}
ERROR_EXAMPLES = 30


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Sample:
    text: str
    gold: tuple[Span, ...]


@dataclass
class Counts:
    gold: int = 0
    pred: int = 0
    tp: int = 0

    def add(self, gold: int, pred: int, tp: int) -> None:
        self.gold += gold
        self.pred += pred
        self.tp += tp

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    def f(self, beta: float) -> float:
        p, r, b2 = self.precision, self.recall, beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if b2 * p + r > 0 else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "gold": self.gold,
            "pred": self.pred,
            "tp": self.tp,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f(1), 4),
            "f2": round(self.f(2), 4),
        }


@dataclass
class Comparison:
    """One sentence's predictions against its gold spans under one criterion."""

    tp: int
    missed: list[Span] = field(default_factory=list)  # gold spans nothing matched
    spurious: list[Span] = field(default_factory=list)  # predictions that matched nothing


# --- data -----------------------------------------------------------------------------------------


def load_samples(data_dir: Path, limit: int | None) -> list[Sample]:
    path = data_dir / PII_DATA_FILE
    if not path.is_file():
        sys.exit(f"error: {path} not found (give the shared data folder with --data)")
    entries = json.loads(path.read_text(encoding="utf-8"))
    samples = [_sample(entry) for entry in entries]
    return samples[:limit] if limit is not None else samples


def _sample(entry: dict[str, Any]) -> Sample:
    gold = tuple(sorted(Span(s["start_position"], s["end_position"], s["entity_type"]) for s in entry["spans"]))
    return Sample(entry["full_text"], gold)


# --- predictions ----------------------------------------------------------------------------------


def predict_ours(checker: Checker, samples: Sequence[Sample]) -> list[list[Span]]:
    reports = checker.check_many((s.text, "acme") for s in samples)
    return [
        [_our_span(f.check, f.start, f.end, sample) for f in report.findings if f.check in OUR_TYPES]
        for sample, report in zip(samples, reports, strict=True)
    ]


def _our_span(check: str, start: int, end: int, sample: Sample) -> Span:
    label = OUR_TYPES[check]
    if check == "personal_data.national_id":
        label = _national_id_type(Span(start, end, label), sample)
    return Span(start, end, label)


def _national_id_type(span: Span, sample: Sample) -> str:
    """The national-id type a prediction is scored as: the gold SSN or driver's licence it
    overlaps, else SSN when it has the ddd-dd-dddd shape, else driver's licence."""
    for label in NATIONAL_ID_TYPES:
        if any(g.label == label and _overlap(span, g) > 0 for g in sample.gold):
            return label
    return "US_SSN" if SSN_SHAPE.fullmatch(sample.text[span.start : span.end].strip()) else "US_DRIVER_LICENSE"


def predict_presidio(analyzer: AnalyzerEngine, samples: Sequence[Sample]) -> tuple[list[list[Span]], Counter[str]]:
    """Presidio's results with their types renamed to the dataset's; results of types the dataset
    does not have are left out and counted."""
    predictions: list[list[Span]] = []
    unscored: Counter[str] = Counter()
    for sample in samples:
        spans = []
        for result in analyzer.analyze(sample.text, language="en"):
            label = PRESIDIO_RENAMES.get(result.entity_type, result.entity_type)
            if label in DATASET_TYPES:
                spans.append(Span(result.start, result.end, label))
            else:
                unscored[label] += 1
        predictions.append(spans)
    return predictions, unscored


# --- matching -------------------------------------------------------------------------------------


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def iou(a: Span, b: Span) -> float:
    inter = _overlap(a, b)
    union = max(a.end, b.end) - min(a.start, b.start)
    return inter / union if union > 0 else 0.0


def compare(preds: Sequence[Span], golds: Sequence[Span], criterion: str) -> Comparison:
    """One-to-one matching, greedy by IoU: pairs that meet the criterion, best first."""
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            score = iou(p, g)
            if score >= IOU_THRESHOLD if criterion == "iou" else _overlap(p, g) > 0:
                pairs.append((-score, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return Comparison(
        tp=len(used_p),
        missed=[g for j, g in enumerate(golds) if j not in used_g],
        spurious=[p for i, p in enumerate(preds) if i not in used_p],
    )


def _of_type(spans: Iterable[Span], label: str) -> list[Span]:
    if label == ALL_PII:
        return [s for s in spans if s.label in PII_TYPES]
    return [s for s in spans if s.label == label]


def compare_type(sample: Sample, preds: Sequence[Span], label: str, criterion: str) -> tuple[Comparison, int, int]:
    """``label``'s comparison in one sentence (type-agnostic over PII types for ALL_PII), with the
    numbers of gold spans and predictions."""
    p, g = _of_type(preds, label), _of_type(sample.gold, label)
    return compare(p, g, criterion), len(g), len(p)


def score(
    samples: Sequence[Sample], predictions: Sequence[Sequence[Span]], labels: Iterable[str], criterion: str
) -> dict[str, Counts]:
    table: dict[str, Counts] = {}
    for label in labels:
        counts = table.setdefault(label, Counts())
        for sample, preds in zip(samples, predictions, strict=True):
            comparison, n_gold, n_pred = compare_type(sample, preds, label, criterion)
            counts.add(n_gold, n_pred, comparison.tp)
    return table


def post_level(samples: Sequence[Sample], predictions: Sequence[Sequence[Span]]) -> Counts:
    """Sentences with any gold PII span against sentences with any PII prediction."""
    counts = Counts()
    for sample, preds in zip(samples, predictions, strict=True):
        has_gold = bool(_of_type(sample.gold, ALL_PII))
        flagged = bool(_of_type(preds, ALL_PII))
        counts.add(int(has_gold), int(flagged), int(has_gold and flagged))
    return counts


# --- the report -----------------------------------------------------------------------------------


def status(ours: Counts, presidio: Counts) -> str:
    return {
        (True, True): "both detect",
        (False, True): "only Presidio",
        (True, False): "only ours",
        (False, False): "neither",
    }[(ours.pred > 0, presidio.pred > 0)]


def _metrics(c: Counts) -> str:
    return f"{c.pred:>5} {c.precision:>5.3f} {c.recall:>5.3f} {c.f(1):>5.3f} {c.f(2):>5.3f}"


def print_table(title: str, labels: Sequence[str], tables: dict[str, dict[str, Counts]]) -> None:
    side_head = f"{'pred':>5} {'P':>5} {'R':>5} {'F1':>5} {'F2':>5}"
    print(f"\n{title}")
    print(f"{'':19} {'':>5}   {'ours':^29}   {'Presidio':^29}")
    print(f"{'type':19} {'gold':>5}   {side_head}   {side_head}   status")
    for label in labels:
        ours, presidio = tables["ours"][label], tables["presidio"][label]
        mark = "" if label == ALL_PII else status(ours, presidio)
        print(f"{label:19} {ours.gold:>5}   {_metrics(ours)}   {_metrics(presidio)}   {mark}")


def summary(labels: Sequence[str], tables: dict[str, dict[str, Counts]]) -> dict[str, list[str]]:
    below, presidio_only = [], []
    for label in labels:
        ours, presidio = tables["ours"][label], tables["presidio"][label]
        kind = status(ours, presidio)
        if kind == "both detect" and ours.f(2) < presidio.f(2):
            below.append(f"{label} ({ours.f(2):.3f} < {presidio.f(2):.3f})")
        elif kind == "only Presidio":
            presidio_only.append(label)
    return {"f2_below_presidio": below, "presidio_only": presidio_only}


def print_summary(result: dict[str, list[str]]) -> None:
    below, missing = result["f2_below_presidio"], result["presidio_only"]
    print("\nsummary (IoU criterion; a tie, e.g. both 1.000, is not a failure):")
    print(
        f"  F2 above Presidio on every type both detect: {'yes' if not below else 'NO'}"
        + (f"; failures: {', '.join(below)}" if below else "")
    )
    print(f"  types Presidio detects that we miss: {', '.join(missing) if missing else 'none'}")


# --- errors, for tuning ---------------------------------------------------------------------------


def print_errors(samples: Sequence[Sample], predictions: Sequence[Sequence[Span]], label: str, side: str) -> None:
    missed: list[tuple[Sample, Span, Sequence[Span]]] = []
    spurious: list[tuple[Sample, Span, Sequence[Span]]] = []
    for sample, preds in zip(samples, predictions, strict=True):
        comparison, _, _ = compare_type(sample, preds, label, "iou")
        missed += [(sample, span, preds) for span in comparison.missed]
        spurious += [(sample, span, sample.gold) for span in comparison.spurious]
    print(f"\n{side}: errors for {label} under {CRITERIA['iou']}")
    _print_error_list(f"false negatives (gold spans; near = {side}'s overlapping predictions)", missed)
    _print_error_list("false positives (predictions; near = overlapping gold spans)", spurious)


def _print_error_list(title: str, errors: Sequence[tuple[Sample, Span, Sequence[Span]]]) -> None:
    print(f"  {title}: {len(errors)}, showing {min(len(errors), ERROR_EXAMPLES)}")
    for sample, span, others in errors[:ERROR_EXAMPLES]:
        near = [f"{o.label} {_quote(sample.text, o)}" for o in others if _overlap(o, span) > 0]
        print(f"    {span.label} {_quote(sample.text, span)}  near: {'; '.join(near) or '-'}")
        print(f"        …{_context(sample.text, span)}…")


def _quote(text: str, span: Span) -> str:
    return repr(text[span.start : span.end])


def _context(text: str, span: Span, width: int = 50) -> str:
    left = text[max(0, span.start - width) : span.start]
    right = text[span.end : span.end + width]
    return f"{left}[[{text[span.start : span.end]}]]{right}".replace("\n", "⏎")


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="shared data folder (default: %(default)s)")
    parser.add_argument("--limit", type=int, help="evaluate only the first N sentences")
    parser.add_argument(
        "--errors",
        metavar="TYPE",
        help=f"print up to {ERROR_EXAMPLES} misses and false alarms of a type (or '{ALL_PII}')",
    )
    parser.add_argument("--errors-side", choices=SIDES, default="ours", help="whose errors to print (default: ours)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE")
    return parser.parse_args(argv)


def run_engines(samples: Sequence[Sample]) -> tuple[dict[str, list[list[Span]]], dict[str, Any]]:
    nlp, package = load_model()
    checker = Checker(bench_workspace(open_terms=True), nlp=nlp)
    analyzer = load_presidio(package)
    if not model_checks_registered():
        note("no model-based check is registered yet: our engine runs without spaCy")
    ours, ours_seconds = timed(lambda: predict_ours(checker, samples))
    (presidio, unscored), presidio_seconds = timed(lambda: predict_presidio(analyzer, samples))
    info = {
        "model": model_version(nlp),
        "model_package": package,
        "sentences": len(samples),
        "seconds": {"ours": round(ours_seconds, 2), "presidio": round(presidio_seconds, 2)},
        "presidio_unscored_types": dict(unscored.most_common()),
    }
    return {"ours": ours, "presidio": presidio}, info


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    samples = load_samples(args.data, args.limit)
    predictions, info = run_engines(samples)
    gold_counts = Counter(g.label for s in samples for g in s.gold)
    labels = [label for label, _ in gold_counts.most_common()] + [ALL_PII]

    print(f"PII detection on {args.data / PII_DATA_FILE}: {info['sentences']} sentences")
    print(f"model: {info['model']} (package {info['model_package']}), shared by both engines")
    print(f"time: ours {info['seconds']['ours']} s, Presidio {info['seconds']['presidio']} s")
    print(f"Presidio results of types not in the dataset (not scored): {info['presidio_unscored_types'] or 'none'}")
    print(f"'{ALL_PII}' and post-level count only these types: {', '.join(sorted(PII_TYPES))}")

    figures: dict[str, Any] = {"info": info, "criteria": CRITERIA}
    for criterion, description in CRITERIA.items():
        tables = {side: score(samples, predictions[side], labels, criterion) for side in SIDES}
        title = f"match: {description} ('{ALL_PII}': type-agnostic)"
        print_table(title, labels, tables)
        figures[criterion] = {
            label: {side: tables[side][label].as_dict() for side in SIDES}
            | ({"status": status(tables["ours"][label], tables["presidio"][label])} if label != ALL_PII else {})
            for label in labels
        }
        if criterion == "iou":
            figures["summary"] = summary(labels[:-1], tables)

    posts = {side: post_level(samples, predictions[side]) for side in SIDES}
    print("\npost level (a sentence with any gold PII span vs any PII prediction):")
    for side in SIDES:
        c = posts[side]
        figures_line = f"P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f(1):.3f}"
        print(f"  {side:9} positives {c.gold:>5}  flagged {c.pred:>5}  {figures_line}")
    figures["post_level"] = {side: posts[side].as_dict() for side in SIDES}
    print_summary(figures["summary"])

    if args.errors:
        print_errors(samples, predictions[args.errors_side], args.errors, args.errors_side)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
