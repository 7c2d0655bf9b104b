"""``secondlook publish``: the composer's confirmation and undo window, in a terminal.

The rules are the window's: :func:`checks.gate.gate_for` decides what the post needs (a blocked account
stops it; blocking findings need a written reason when the policy allows overriding them; warnings must
be acknowledged; some posts need the account's handle typed), and the post leaves through the same
publisher, built from the same :class:`OutgoingPost`, as ``ComposerWindow._confirmed`` builds it.

Without a terminal to ask (standard input is not one, or the text came from it), ``--confirm HANDLE``
stands for the typed confirmation: it must match the account's handle exactly as a typed handle must.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from checks import Checker
from checks import cli as check_cli
from checks.errors import SecondLookError
from checks.findings import Finding, Severity
from checks.gate import Attempt, PublishGate, gate_for, handle_matches
from desktop.cli_accounts import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    WORKSPACE_HELP,
    CommandError,
    opened_accounts,
    workspace_key,
)
from desktop.records import NOT_CONNECTED, UNVERIFIED, VERIFIED, AccountError, OutgoingPost, PublishError
from desktop.secrets import SecretStoreError
from desktop.storage import StorageError

# The confirmation dialog's own words (ui.confirm_dialog), which this module cannot import (Qt).
REASON_PROMPT = "Why is it right to post this anyway? The reason is stored with the post."

PUBLISH_EPILOG = """\
examples:
  secondlook publish --account acme launch.txt          asks at the terminal, as the window does
  secondlook publish --account acme --confirm @acme@mastodon.social - < launch.txt
  secondlook publish --account acme --reason "our public support line" --confirm @acme@mastodon.social post.txt

exit status:
  0    published (or, for an account that is not connected, kept in the local outbox)
  1    not sent: the platform could not be reached or refused it, or the account could not be verified
  2    not sent: the account is blocked, a blocking finding may not be overridden, or a reason or the
       confirmation is missing or wrong
  3    usage or input error: an unknown option or account, a file that is not UTF-8 text, no text
  130  cancelled with Ctrl+C (during the questions or the countdown)"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "publish",
        help="check a draft, confirm it as the window does, and publish it as an account",
        description="Check a draft, show exactly what will be posted and as whom, ask for what the policy\n"
        "requires, count down, and publish it through the account's platform (or the local outbox).",
        epilog=PUBLISH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--account", required=True, metavar="ID", help="id of the account to publish as")
    parser.add_argument(
        "--confirm",
        metavar="HANDLE",
        help="the account's handle, confirming the post and acknowledging its warnings; required when there "
        "is no terminal to ask (standard input is not one, or the text comes from it)",
    )
    parser.add_argument(
        "--reason", metavar="TEXT", help="why blocking findings may be overridden (stored with the post)"
    )
    parser.add_argument("--workspace", type=Path, metavar="DIR", help=WORKSPACE_HELP)
    parser.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="the text: a UTF-8 text file, or - for standard input"
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        return _publish(args, stdout, stderr)
    except CommandError as error:
        print(f"secondlook publish: {error}", file=stderr)
        return error.status
    except (SecretStoreError, StorageError, AccountError) as error:
        print(f"secondlook publish: not sent: {error} Your draft is kept.", file=stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        stderr.write("\n")
        print("Not sent.", file=stderr)
        return EXIT_CANCELLED


def _publish(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        text = check_cli._read_draft(args.file)  # the same reader, limits and messages as `secondlook check`
    except SecondLookError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    text = text.rstrip()  # a file's last line break (or a pipe's) is not part of the post
    if not text.strip():
        raise CommandError("there is nothing to publish: the text is empty", EXIT_USAGE)
    interactive = args.file != "-" and sys.stdin is not None and sys.stdin.isatty()

    with opened_accounts(args, stderr) as manager:
        try:
            status = manager.status(args.account)
        except AccountError as error:
            raise CommandError(str(error), EXIT_USAGE) from None
        if status.connected and status.state != VERIFIED and status.blocked_reason is None:
            status = manager.verify(args.account)  # who the credentials speak for, checked as at every start
        workspace = manager.current_workspace()  # with the platform's own character limit
        account = workspace.account(args.account)
        if status.state == UNVERIFIED:
            # The publisher would refuse with these words after the countdown; say it before asking anything.
            print(
                f"Not sent: Second Look could not confirm who {account.name} is. {status.detail} Your draft is kept.",
                file=stderr,
            )
            return EXIT_FAILED
        report = Checker(workspace).check(text, account.id)
        gate = gate_for(
            report,
            account,
            workspace.policy,
            blocked_reason=status.blocked_reason,
            to_outbox=status.state == NOT_CONNECTED,
        )
        stdout.write(format_confirmation(gate, text))
        stdout.flush()

        attempt = _attempt(gate, args, interactive, stdout, stderr)
        if attempt is None:
            return EXIT_REFUSED
        post = OutgoingPost(
            workspace=workspace_key(manager),
            account_id=account.id,
            text=text,
            override_reason=attempt.override_reason.strip() or None if gate.blocking else None,
            acknowledged=tuple(f"{f.check}: {f.message}" for f in gate.warnings),
            overridden=tuple(f"{f.check}: {f.message}" for f in gate.blocking),
            to_outbox=gate.to_outbox,
        )
        countdown(account.name, gate.undo_seconds, stderr)
        try:
            receipt = manager.publisher_for(account).publish(post)
        except PublishError as error:
            print(f"secondlook publish: {error}", file=stderr)
            return EXIT_FAILED
        except KeyboardInterrupt:
            print(
                "\nInterrupted while sending: the post may or may not be out. Second Look checks with the platform "
                "before it sends anything else to this account.",
                file=stderr,
            )
            return EXIT_CANCELLED
    print(f"Posted as {account.name} to {receipt.location}.", file=stdout)
    return EXIT_OK


def _attempt(
    gate: PublishGate, args: argparse.Namespace, interactive: bool, stdout: IO[str], out: IO[str]
) -> Attempt | None:
    """What the person gave (from the arguments, or asked at the terminal); None, with the reasons printed
    on ``out``, when the gate does not let it through."""
    if gate.blocked_reason:
        print(f"Not sent. {gate.blocked_reason}", file=out)
        return None
    if gate.blocking and not gate.override_allowed:
        print(f"Not sent. {' '.join(gate.problems(Attempt()))} Edit the text and try again.", file=out)
        return None
    account = gate.account
    reason = args.reason or ""
    if gate.blocking and not reason.strip() and interactive:
        reason = _ask(f"{REASON_PROMPT}\nReason: ", stdout) or ""
    typed = args.confirm
    wanted_yes = False
    if typed is None and interactive:
        if gate.handle_required:
            typed = _ask(
                f"This reads like a personal post, or a post for another account, not {account.name} speaking. "
                f"To confirm {account.name} is the right account, type its handle, {account.handle}: ",
                stdout,
            )
        else:
            acknowledge = f", acknowledging the {_count(len(gate.warnings), 'warning')}," if gate.warnings else ""
            typed = _ask(f'Publish as {account.name}{acknowledge}? Type "yes" to publish: ', stdout)
            wanted_yes = True
    if wanted_yes:
        confirmed = (typed or "").strip().casefold() == "yes"
        attempt = Attempt(acknowledged=confirmed, typed_handle="", override_reason=reason)
    else:
        confirmed = typed is not None and handle_matches(typed, account.handle)
        attempt = Attempt(acknowledged=confirmed, typed_handle=typed or "", override_reason=reason)

    # The gate's own words for what is missing besides the confirmation, then the confirmation.
    problems = gate.problems(dataclasses.replace(attempt, acknowledged=True, typed_handle=account.handle))
    if gate.blocking and gate.override_allowed and not reason.strip():
        problems.append('Give the reason with --reason "...": it is stored with the post.')
    if not confirmed:
        problems.append(_confirmation_needed(gate, typed, interactive, wanted_yes, args.file == "-"))
    if not problems and not gate.allows(attempt):  # never trust a single layer
        problems = gate.problems(attempt)
    if problems:
        print("Not sent. Before it can be published:", file=out)
        for problem in problems:
            print(f"  - {problem}", file=out)
        return None
    return attempt


def _confirmation_needed(gate: PublishGate, typed: str | None, interactive: bool, wanted_yes: bool, piped: bool) -> str:
    handle = gate.account.handle
    warnings = f" It also acknowledges the {_count(len(gate.warnings), 'warning')}." if gate.warnings else ""
    if wanted_yes:
        return 'The post was not confirmed: answer "yes" to publish.'
    if typed is not None and typed.strip():
        return f"The confirmation '{typed.strip()}' is not the account's handle: confirm with {handle}.{warnings}"
    if interactive:
        return f"Type the account's handle, {handle}, to confirm this is the right account."
    why = "the text came from standard input" if piped else "standard input is not a terminal"
    return f"Confirm with --confirm {handle} (the account's handle): {why}, so Second Look cannot ask.{warnings}"


def _ask(prompt: str, stdout: IO[str]) -> str | None:
    """One line typed at the terminal; None at end of input."""
    stdout.write(prompt)
    stdout.flush()
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


# --- what the confirmation shows ------------------------------------------------------------------


def format_confirmation(gate: PublishGate, text: str) -> str:
    """Who is about to speak, the question, exactly the text, and the findings, as the dialog shows them."""
    account = gate.account
    audience = _count(account.audience, "follower") if account.audience else "audience unknown"
    lines = [
        f"{account.name}: {account.handle} · {account.kind} account on {account.platform_name} · {audience}",
        "",
        gate.question,
        "",
        "Exactly what will be posted:",
        *(f"  | {_shown(line)}" for line in text.split("\n")),
    ]
    notes = tuple(f for f in gate.report.findings if f.severity is Severity.INFO)
    blocking_title = (
        "Blocking: can only go out with a written reason"
        if gate.override_allowed
        else "Blocking: must be fixed before publishing"
    )
    for title, findings in (
        (blocking_title, gate.blocking),
        ("Warnings: read and acknowledge", gate.warnings),
        ("Notes", notes),
    ):
        found = _finding_lines(findings)
        if found:
            lines += ["", f"{title} ({len(found)}):", *(f"  - {line}" for line in found)]
    if gate.report.skipped:
        lines.append("")
    for skipped in gate.report.skipped:
        lines.append(f"Not checked: {skipped.check}: {skipped.reason}")
    return "\n".join(lines) + "\n\n"


def _finding_lines(findings: Iterable[Finding]) -> list[str]:
    # Several checks can report the same span with the same words; the person needs each once.
    seen: set[tuple[str, str]] = set()
    lines: list[str] = []
    for f in findings:
        if (f.text, f.message) in seen:
            continue
        seen.add((f.text, f.message))
        lines.append(f"“{_shown(f.text)}”: {f.message}" if f.text.strip() else f.message)
    return lines


def _shown(text: str) -> str:
    """The text with what a terminal would hide or act on (controls, bidi overrides, zero-width
    characters) shown as escapes, so the person reads exactly what goes out."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\t":
            out.append("\\t")
        elif category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# --- the undo window ------------------------------------------------------------------------------


# The countdown's clock and pause (tests replace them to press Ctrl+C, or to skip the waiting).
clock: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


def countdown(name: str, seconds: int, stream: IO[str]) -> None:
    """Wait ``seconds`` before sending, saying so on ``stream``; Ctrl+C (KeyboardInterrupt) cancels."""
    if seconds <= 0:
        return
    live = hasattr(stream, "isatty") and stream.isatty()
    deadline = clock() + seconds
    shown = -1
    while (left := deadline - clock()) > 0:
        whole = math.ceil(left)
        if whole != shown and (live or shown < 0):
            message = f"Sending as {name} in {whole} s; Ctrl+C cancels"
            stream.write(f"\r{message} " if live else f"{message}.\n")
            stream.flush()
            shown = whole
        sleep(min(0.1, left))
    if live:
        stream.write("\r" + " " * (len(name) + 40) + "\r")
        stream.flush()
