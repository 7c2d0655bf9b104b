"""Personal voice on a brand account: customers' tweets against the brands' agents' replies.

Data: ``<data>/voice/ibm_customer_care_dev.json`` (IBM's Customer Care dialogues, dev split,
Apache-2.0), read from the shared data folder and never copied into the repository. Every message is
checked against the demo brand account ``acme``; a message is *flagged* when any ``personal_voice``
finding is reported. Personal voice is the positive class. Figures are printed, never asserted.

    .venv/bin/python bench/eval_voice.py [--data DIR] [--account acme] [--errors [N]] [--min-words 3]

Labels, from the file's structure:

- personal voice: every turn of ``dialogContent`` written by a customer (key ``client`` or
  ``client1``), except the few thread openers posted by a brand's own account (``BRAND_AUTHORS``);
- brand voice: every ``agentURL.url_utterance`` (the agent reply the dialogue ends with), every
  turn of ``dialogContent`` with key ``agent``, and those brand-posted openers.

Cleaning, the same on both sides (both carry Twitter addressing the draft of a post would not):
the run of @handles a tweet starts with is removed (a reply's addressee), and links (``http://``,
``https://``, also the data set's broken ``https: //``) are removed; the data set's own "link"
placeholder at the end is kept. @handles inside the text stay. Messages are de-duplicated by
tweet id (a turn can appear in several dialogues). Messages of fewer than ``--min-words`` words
after cleaning ("PS4", "Pc", "link") say nothing about voice and are left out, on both sides; their
number is printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common import DEFAULT_DATA_DIR, bench_workspace, timed

from checks import Checker

VOICE_DATA_FILE = Path("voice") / "ibm_customer_care_dev.json"
# Thread openers in the dev file that a brand posted (marketing posts customers replied to).
BRAND_AUTHORS = frozenset({"TMobile", "PrimeVideoIN", "Chase", "GoDaddy", "amazon"})
_LEADING_HANDLES = re.compile(r"^(?:[\s.:]*@\w+)+[\s:,]*")
_LINK = re.compile(r"https?:\s?//\S+")


@dataclass(frozen=True)
class Message:
    text: str
    personal: bool
    company: str
    who: str


def clean(text: str) -> str:
    return _LEADING_HANDLES.sub("", _LINK.sub("", text)).strip()


def read_messages(path: Path) -> Iterator[tuple[str, Message]]:
    """``(tweet id, message)`` for every message in the file, duplicates included."""
    for dialog in json.loads(path.read_text(encoding="utf-8")):
        company = dialog["dialogHeader"]["company"]
        for turn in dialog["dialogContent"]:
            author = turn.get("client") or turn.get("client1")
            personal = author is not None and author not in BRAND_AUTHORS
            who = author or turn.get("agent", company)
            yield turn["tweet_ID"], Message(clean(turn["message"]), personal, company, who)
        agent = dialog["agentURL"]
        yield agent["tweet_ID"], Message(clean(agent["url_utterance"]), False, company, company)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--account", default="acme", help="the brand account to check against")
    parser.add_argument("--min-words", type=int, default=3, help="leave out shorter messages")
    parser.add_argument("--errors", type=int, nargs="?", const=15, default=0, help="print N misses and false alarms")
    args = parser.parse_args()

    path = args.data / VOICE_DATA_FILE
    if not path.is_file():
        sys.exit(f"error: no data file at {path}")
    unique = dict(read_messages(path))
    messages = [m for m in unique.values() if len(m.text.split()) >= args.min_words]
    short = len(unique) - len(messages)

    workspace = bench_workspace(open_terms=False)
    if not workspace.account(args.account).is_organisation:
        sys.exit(f"error: {args.account} is not a brand or client account")
    checker = Checker(workspace, use_model=False)

    def flag_all() -> list[list[str]]:
        out = []
        for message in messages:
            report = checker.check(message.text, args.account)
            out.append([f"{f.check}:{f.text}" for f in report.findings if f.category == "personal_voice"])
        return out

    findings, seconds = timed(flag_all)
    tp = fp = fn = tn = 0
    misses: list[Message] = []
    alarms: list[tuple[Message, list[str]]] = []
    for message, found in zip(messages, findings, strict=True):
        if message.personal and found:
            tp += 1
        elif message.personal:
            fn += 1
            misses.append(message)
        elif found:
            fp += 1
            alarms.append((message, found))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    brand_rate = fp / (fp + tn) if fp + tn else 0.0

    print(f"data: {path}")
    print(f"account: {args.account} ({workspace.account(args.account).describe()})")
    print(
        f"messages: {len(unique)} unique by tweet id; {short} of fewer than {args.min_words} words left out; "
        f"scored {tp + fn} personal (customers), {fp + tn} brand (agents and brand posts)"
    )
    print(f"checked in {seconds:.2f} s through Checker.check (all rule-based checks)")
    print()
    print("personal voice flagged (positive = customer's message)")
    print(f"  precision {precision:.3f}   recall {recall:.3f}   F1 {f1:.3f}   (tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    print(f"  brand replies flagged: {fp}/{fp + tn} = {brand_rate:.1%}")
    met = {True: "met", False: "NOT met"}
    print(f"\ntargets: F1 >= 0.90 {met[f1 >= 0.90]}; brand replies flagged < 5% {met[brand_rate < 0.05]}")

    if args.errors:
        print_errors(alarms, misses, args.errors)


def print_errors(alarms: list[tuple[Message, list[str]]], misses: list[Message], limit: int) -> None:
    print()
    print(f"false alarms (brand voice flagged), up to {limit}:")
    for message, found in alarms[:limit]:
        print(f"  [{message.company}] {message.text[:200]!r}\n      -> {found}")
    print(f"misses (customer not flagged), up to {limit}:")
    for message in misses[:limit]:
        print(f"  [{message.company}] {message.text[:200]!r}")


if __name__ == "__main__":
    main()
