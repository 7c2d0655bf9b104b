"""``secondlook check``: check one draft, or a content calendar, from a terminal.

Exit status: 0 clear, 1 warnings to confirm or review, 2 blocked, 3 a usage or input error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from checks.engine import Checker
from checks.errors import SecondLookError
from checks.findings import Finding, Report, Severity, Verdict
from checks.workspace import Account, Workspace, load_workspace

EXIT_USAGE = 3
# Below this many rows, starting worker processes costs more than it saves.
PARALLEL_FROM_ROWS = 500
# Large enough for any real post or a whole article pasted by mistake; beyond this it is not a draft.
MAX_INPUT_BYTES = 10 * 1024 * 1024
# The csv module's default field limit (128 KiB) is smaller than a long pasted post.
csv.field_size_limit(MAX_INPUT_BYTES)


class InputError(SecondLookError):
    """A file or column the command cannot use; the message says which and why."""

    code = "SL300"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="check a draft (or a CSV content calendar) for content that does not belong on an account",
        description="Check a draft for personal data, secrets, confidential words and platform problems. "
        "Exit status: 0 clear, 1 warnings to confirm or review, 2 blocked, 3 usage or input error.",
    )
    parser.add_argument("--workspace", type=Path, help="workspace folder (default: the demo workspace)")
    parser.add_argument("--account", help="id of the account the draft is meant for")
    parser.add_argument("--json", action="store_true", help="print JSON (JSON Lines with --csv)")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="check every row of a CSV content calendar")
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="with --csv: worker processes (default: one per core, up to 4, for 500 rows or more)",
    )
    parser.add_argument("file", nargs="?", default="-", help="the draft: a UTF-8 text file, or - for standard input")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        workspace = load_workspace(args.workspace)
        if args.csv is not None:
            if args.file != "-":
                raise InputError("give either a draft FILE or --csv FILE, not both")
            return _run_calendar(args, workspace, stdout, stderr)
        if not args.account:
            raise InputError(f"which account is the draft for? Add --account ID ({_account_ids(workspace)})")
        account = workspace.account(args.account)
        text = _read_draft(args.file)
        checker = Checker(workspace)
        report = checker.check(text, account.id)
    except SecondLookError as exc:
        print(f"secondlook check: {exc}", file=stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=True), file=stdout)
    else:
        stdout.write(format_report(report, account))
    return report.verdict.exit_status


def _positive_int(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _account_ids(workspace: Workspace) -> str:
    return "accounts: " + ", ".join(a.id for a in workspace.accounts)


def _read_draft(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        where = "standard input"
    else:
        path = Path(name)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"{path}: file not found") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder; give a text file with the draft") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
        where = str(path)
    return decode_text(data, where)


def decode_text(data: bytes, where: str) -> str:
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{where}: more than {MAX_INPUT_BYTES // (1024 * 1024)} MB; that is not a draft")
    if b"\x00" in data:
        raise InputError(f"{where}: contains binary data (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
    return text


# --- human output -----------------------------------------------------------------------------

_VERDICT_LINES = {
    Verdict.CLEAR: "CLEAR: nothing found that does not belong on this account.",
    Verdict.CONFIRM: "CONFIRM: warnings to acknowledge before publishing.",
    Verdict.NEEDS_REVIEW: "NEEDS REVIEW: a second person must approve this draft.",
    Verdict.BLOCKED: "BLOCKED: this draft must not be published as written.",
}


def format_report(report: Report, account: Account) -> str:
    lines = [f"Account: {account.describe()}", f"Verdict: {_VERDICT_LINES[report.verdict]}"]
    counts = report.counts()
    if report.findings:
        parts = [
            _plural(counts[s], _SEVERITY_NOUNS[s]) for s in (Severity.BLOCK, Severity.WARN, Severity.INFO) if counts[s]
        ]
        lines.append(f"Findings ({', '.join(parts)}):")
    for finding in report.findings:
        lines.extend(_format_finding(finding))
    for skipped in report.skipped:
        lines.append(f"Not checked: {skipped.check}: {skipped.reason}")
    return "\n".join(lines) + "\n"


_SEVERITY_NOUNS = {Severity.BLOCK: "blocking", Severity.WARN: "warning", Severity.INFO: "note"}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 or noun == "blocking" else f"{count} {noun}s"


def _format_finding(finding: Finding) -> list[str]:
    quoted = _quote(finding.text)
    out = [
        f"  {finding.severity.value.upper():5}  {quoted}  ({finding.check}, characters {finding.start}-{finding.end})",
        f"         {finding.message}",
    ]
    if finding.suggestion is not None:
        out.append(f"         Suggestion: {_quote(finding.suggestion)}")
    return out


def _quote(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    # Show line breaks and invisible characters instead of letting them reshape the terminal.
    shown = "".join(_visible(c) for c in shown)
    return f'"{shown}"'


def _visible(char: str) -> str:
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code <= 0xDFFF or char in "\u200b\u200c\u200d\u2060\ufeff":
        return f"\\u{code:04x}"
    return char


# --- content calendars ------------------------------------------------------------------------


def _run_calendar(args: argparse.Namespace, workspace: Workspace, stdout: IO[str], stderr: IO[str]) -> int:
    rows = list(_read_calendar(args.csv, workspace, args.account))
    checker = Checker(workspace)
    valid = [(number, text, account_id) for number, text, account_id, problem in rows if problem is None]
    jobs = args.jobs or (min(os.cpu_count() or 1, 4) if len(valid) >= PARALLEL_FROM_ROWS else 1)
    reports = checker.check_many(((text, account_id) for _, text, account_id in valid), processes=jobs)
    progress = _Progress(len(rows), stderr)
    worst = 0
    problems = 0
    for number, _text, account_id, problem in rows:
        if problem is not None:
            problems += 1
            worst = max(worst, EXIT_USAGE)
            if args.json:
                print(json.dumps({"row": number, "error": problem}), file=stdout)
            else:
                progress.clear()
                print(f"row {number}: {problem}", file=stdout)
        else:
            report = next(reports)  # reports come in the order of the valid rows
            worst = max(worst, report.verdict.exit_status)
            if args.json:
                print(json.dumps({"row": number, **report.to_dict()}, ensure_ascii=True), file=stdout)
            elif report.findings or report.skipped:
                progress.clear()
                stdout.write(f"row {number}: " + format_report(report, workspace.account(account_id)))
        progress.step()
    progress.done()
    if not args.json:
        print(f"Checked {len(rows) - problems} of {len(rows)} rows of {args.csv}.", file=stdout)
    return worst


def _read_calendar(
    path: Path, workspace: Workspace, default_account: str | None
) -> Iterator[tuple[int, str, str, str | None]]:
    """Rows as (row number, text, account id, problem or None). Row numbers count the header as 1,
    as a spreadsheet shows them."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    text = decode_text(data, str(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "text" not in fields:
        raise InputError(f"{path}: needs a 'text' column (found: {', '.join(fields) or 'no header'})")
    if "account" not in fields and not default_account:
        raise InputError(f"{path}: has no 'account' column; add one or give --account ID")
    if default_account:
        workspace.account(default_account)  # an unknown default is a usage error, before any row
    known = {a.id for a in workspace.accounts}
    reader.fieldnames = fields
    try:
        for index, row in enumerate(reader, start=2):
            account_id = (row.get("account") or "").strip() or default_account or ""
            body = row.get("text") or ""
            if not account_id:
                yield index, body, "", "no account: fill the 'account' column or give --account ID"
            elif account_id not in known:
                yield index, body, account_id, f"no account '{account_id}' ({_account_ids(workspace)})"
            else:
                yield index, body, account_id, None
    except csv.Error as exc:
        raise InputError(f"{path}, line {reader.line_num}: not valid CSV ({exc})") from None


class _Progress:
    """A one-line progress bar on standard error, only when it is a terminal."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total = max(total, 1)
        self.done_count = 0
        self.stream = stream
        self.enabled = hasattr(stream, "isatty") and stream.isatty()
        self._last = -1

    def step(self) -> None:
        self.done_count += 1
        percent = self.done_count * 100 // self.total
        if self.enabled and percent != self._last:
            self._last = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\rChecking {bar:<25} {percent:3d}% ({self.done_count}/{self.total})")
            self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self._last >= 0:
            self.stream.write("\r" + " " * 60 + "\r")
            self._last = -1

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class ArgumentParser(argparse.ArgumentParser):
    """argparse exits with status 2 on a usage error; ours means "blocked", so usage errors get 3."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``check`` on its own (``python -m checks``)."""
    parser = ArgumentParser(prog="secondlook")
    add_parser(parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser))
    args = parser.parse_args(argv)
    return int(args.run(args, sys.stdout, sys.stderr))
