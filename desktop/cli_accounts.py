"""``secondlook accounts``: list, add, verify and remove the workspace's accounts on this laptop, from a terminal.

Every action is :class:`desktop.accounts.AccountManager`'s, the same the accounts dialog calls: this
module only reads the arguments, the secret and the answers, and prints. A secret is read from
standard input (without echo at a terminal), never from an argument, and is never printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from checks import cli as check_cli
from checks.errors import ConfigError
from checks.workspace import KINDS, PLATFORM_NAMES
from desktop import secrets
from desktop.records import (
    CONNECTED_PLATFORMS,
    MISMATCH,
    NOT_CONNECTED,
    SIGNED_OUT,
    VERIFIED,
    AccountError,
    AccountStatus,
)
from desktop.settings import data_dir
from desktop.storage import StorageError, Store

if TYPE_CHECKING:  # desktop.accounts (and the HTTP clients) load only for the commands that use them
    from desktop.accounts import AccountManager

EXIT_OK = 0
EXIT_FAILED = 1  # the platform, the keyring or the data folder could not do it
EXIT_REFUSED = 2  # blocked, or something the person must give is missing
EXIT_USAGE = check_cli.EXIT_USAGE  # 3: an unknown option, a workspace or file that cannot be used
EXIT_CANCELLED = 130  # Ctrl+C
MAX_SECRET_CHARS = 16_384  # a token, an app password or a webhook URL is far shorter
PLATFORMS = CONNECTED_PLATFORMS  # the same list as the accounts dialog and desktop.accounts

WORKSPACE_HELP = "workspace folder (default: the one the window used last, else the demo)"

_SECRET_NAMES = {"mastodon": "access token", "bluesky": "app password", "webhook": "webhook URL"}

VERIFY_EPILOG = """\
exit status:
  0  verified: the platform confirmed the account is the one accounts.toml configures
  1  not verified: the platform could not be reached (try again), or the account is not connected
  2  blocked: the platform's handle is not the configured one (handle mismatch), or it refused the
     credentials (signed out); publishing to the account is refused until that is fixed
  3  usage error: an unknown option or account, or a workspace that cannot be loaded
With --all, the worst status of the connected accounts."""

ADD_EPILOG = """\
The secret (Mastodon access token, Bluesky app password, webhook URL) is read from standard input,
never from an argument: at a terminal it is asked for without echo; otherwise all of standard input is
read, e.g.  secondlook accounts add --id acme --platform mastodon --server https://mastodon.social < token.txt
It is kept in the system keyring only.

exit status: 0 added, 1 not added (refused, unreachable, keyring or file problem; nothing was saved),
2 no secret or a missing detail, 3 usage error."""


class CommandError(Exception):
    """A problem the command reports in one message, with the exit status it ends with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "accounts",
        help="list, add, verify or remove the accounts this laptop publishes as",
        description="The workspace's accounts on this laptop: which are connected to their platform, and who "
        "the platform says they are. Credentials live in the system keyring only.",
    )
    actions = parser.add_subparsers(
        dest="accounts_action", metavar="ACTION", required=True, parser_class=check_cli.ArgumentParser
    )

    listing = actions.add_parser("list", help="show every account, its state and the platform's identity")
    _workspace_option(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_list)

    verify = actions.add_parser(
        "verify",
        help="ask the platform who the stored credentials speak for",
        description="Ask the platform who the stored credentials speak for, and check it against accounts.toml.",
        epilog=VERIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _workspace_option(verify)
    which = verify.add_mutually_exclusive_group(required=True)
    which.add_argument("account_id", nargs="?", metavar="ID", help="the account's id in accounts.toml")
    which.add_argument("--all", action="store_true", help="verify every connected account")
    verify.set_defaults(run=run_verify)

    remove = actions.add_parser(
        "remove",
        help="delete an account's credentials from this laptop",
        description="Delete the account's credentials from the system keyring and forget its connection. Its "
        "entry in accounts.toml and its sent posts stay; it publishes to the local outbox until added again.",
    )
    _workspace_option(remove)
    remove.add_argument("account_id", metavar="ID", help="the account's id")
    remove.set_defaults(run=run_remove)

    add = actions.add_parser(
        "add",
        help="connect an account: verify its credentials and keep them in the system keyring",
        description="Connect an account to its platform. The platform is asked who the credentials speak for\n"
        "before anything is saved; a new id is added to the workspace's accounts.toml.",
        epilog=ADD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _workspace_option(add)
    add.add_argument("--id", required=True, dest="account_id", metavar="ID", help="the account's id (e.g. acme)")
    add.add_argument("--platform", required=True, choices=PLATFORMS)
    add.add_argument(
        "--server",
        metavar="URL",
        help="Mastodon: the instance (required); Bluesky: the PDS (default: bsky.social); "
        "webhook: the channel kind, slack, teams, discord or groupme (default: read from the URL)",
    )
    add.add_argument(
        "--handle",
        metavar="H",
        help="Bluesky: the handle to sign in as (default: the configured one); Mastodon: the handle you "
        "expect, checked before saving",
    )
    add.add_argument("--name", help="display name for a new account (default: the platform's)")
    add.add_argument("--kind", choices=KINDS, help="kind of a new account (default: brand)")
    add.set_defaults(run=run_add)
    return parser


def _workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", type=Path, metavar="DIR", help=WORKSPACE_HELP)


# --- opening the workspace, the store and the accounts -------------------------------------------


def workspace_folder(args: argparse.Namespace) -> Path | None:
    """``--workspace`` after the command, else before it (``secondlook --workspace DIR accounts list``)."""
    folder: Path | None = getattr(args, "workspace", None) or getattr(args, "window_workspace", None)
    return folder


@contextmanager
def opened_accounts(args: argparse.Namespace, stderr: IO[str]) -> Iterator[AccountManager]:
    """The account manager of the chosen workspace, on the app's own store (closed afterwards)."""
    from desktop.accounts import AccountManager
    from desktop.app import choose_workspace  # the window's choice of workspace; Qt is not imported by it

    try:
        workspace, problem = choose_workspace(workspace_folder(args))
    except ConfigError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    if problem:
        print("note: " + " ".join(problem.split()), file=stderr)
    try:
        store = Store.open_default()
    except StorageError as error:
        raise CommandError(f"{error} (data folder: {data_dir()})", EXIT_FAILED) from None
    with store:
        yield AccountManager(store, workspace)


def workspace_key(manager: AccountManager) -> str:
    """The key the window files drafts and sent posts under: the workspace folder's absolute path."""
    path = manager.current_workspace().path
    return str(path.resolve()) if path is not None else "(built-in)"


# --- list -----------------------------------------------------------------------------------------


def run_list(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        with opened_accounts(args, stderr) as manager:
            statuses = manager.statuses()
    except CommandError as error:
        return _failed("accounts list", error, stderr)
    except StorageError as error:
        return _failed("accounts list", CommandError(str(error), EXIT_FAILED), stderr)
    if args.json:
        print(json.dumps([status_dict(s) for s in statuses], ensure_ascii=True, indent=2), file=stdout)
        return EXIT_OK
    stdout.write(format_statuses(statuses))
    if any(s.connected and s.state not in (VERIFIED, MISMATCH, SIGNED_OUT) for s in statuses):
        print("To ask the platforms now: secondlook accounts verify --all", file=stdout)
    return EXIT_OK


def status_dict(status: AccountStatus) -> dict[str, Any]:
    connection = status.connection
    identity = None
    if connection is not None:
        identity = {
            "display_name": connection.display_name,
            "handle": connection.handle,
            "followers": connection.followers,
            "profile_url": connection.profile_url,
            "server": connection.server,
        }
    verified_at = connection.verified_at if connection is not None else None
    return {
        "id": status.account_id,
        "platform": status.platform,
        "configured_handle": status.configured_handle,
        "state": status.state,
        "identity": identity,
        "last_verified": verified_at.astimezone(UTC).isoformat() if verified_at is not None else None,
        "detail": status.detail,
        "blocked_reason": status.blocked_reason,
    }


def format_statuses(statuses: Sequence[AccountStatus]) -> str:
    """One line per account (id, platform, configured handle, state, the platform's identity, last verified),
    then its detail sentence, indented."""
    rows = [(s.account_id, PLATFORM_NAMES.get(s.platform, s.platform), s.configured_handle, s.state) for s in statuses]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    lines = []
    for status, row in zip(statuses, rows, strict=True):
        columns = [value.ljust(width) for value, width in zip(row, widths, strict=True)]
        extra = _identity(status)
        lines.append("  ".join(columns + ([extra] if extra else [])).rstrip())
        lines.append(f"    {status.detail}")
    return "\n".join(lines) + "\n" if lines else "This workspace has no accounts.\n"


def _identity(status: AccountStatus) -> str:
    connection = status.connection
    if connection is None:
        return ""
    parts = [p for p in (connection.display_name, connection.handle) if p]
    if connection.followers is not None and connection.platform != "webhook":
        parts.append(f"{connection.followers:,} follower" + ("" if connection.followers == 1 else "s"))
    who = "platform: " + ", ".join(parts) if parts else "platform: not yet identified"
    when = connection.verified_at
    verified = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if when is not None else "never"
    return f"{who}; last verified {verified}"


# --- verify ---------------------------------------------------------------------------------------


def verify_status(status: AccountStatus) -> int:
    if status.state == VERIFIED:
        return EXIT_OK
    if status.blocked_reason is not None or status.state in (MISMATCH, SIGNED_OUT):
        return EXIT_REFUSED
    return EXIT_FAILED


def run_verify(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        with opened_accounts(args, stderr) as manager:
            if args.all:
                statuses = manager.verify_all()
                checked = [s for s in statuses if s.connected]
            else:
                statuses = checked = [manager.verify(args.account_id)]
    except CommandError as error:
        return _failed("accounts verify", error, stderr)
    except AccountError as error:  # an id that is not in the workspace
        return _failed("accounts verify", CommandError(str(error), EXIT_USAGE), stderr)
    except (secrets.SecretStoreError, StorageError) as error:
        return _failed("accounts verify", CommandError(str(error), EXIT_FAILED), stderr)
    stdout.write(format_statuses(statuses))
    if not args.all and statuses[0].state == NOT_CONNECTED:
        print(
            f"'{args.account_id}' is not connected on this laptop: there is nothing to verify. "
            f"Connect it with: secondlook accounts add --id {args.account_id} --platform "
            f"{statuses[0].platform if statuses[0].platform in PLATFORMS else 'PLATFORM'} ...",
            file=stderr,
        )
    if args.all and not checked:
        print("No account of this workspace is connected on this laptop.", file=stdout)
    return max((verify_status(s) for s in checked), default=EXIT_OK)


# --- remove ---------------------------------------------------------------------------------------


def run_remove(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    try:
        with opened_accounts(args, stderr) as manager:
            before = manager.store.connection(args.account_id)
            status = manager.remove(args.account_id)
    except CommandError as error:
        return _failed("accounts remove", error, stderr)
    except (AccountError, secrets.SecretStoreError, StorageError) as error:
        return _failed("accounts remove", CommandError(str(error), EXIT_FAILED), stderr)
    account_id = args.account_id
    if before is None:
        print(
            f"'{account_id}' was not connected on this laptop; any credentials left in the system keyring under "
            "its id were deleted.",
            file=stdout,
        )
    else:
        platform = PLATFORM_NAMES.get(before.platform, before.platform)
        who = ", ".join(p for p in (before.display_name, before.handle) if p) or before.server
        print(f"Removed '{account_id}' from this laptop:", file=stdout)
        print(f"  deleted its credentials from the system keyring ({secrets.backend_name()});", file=stdout)
        print(f"  forgot its connection to {platform} ({who}) and its cached picture.", file=stdout)
        print(
            "Its entry in accounts.toml and its sent posts stay. Posts to it go to the local outbox until it is "
            "added again.",
            file=stdout,
        )
    if status.account_id and status.configured_handle:
        stdout.write(format_statuses([status]))
    return EXIT_OK


# --- add ------------------------------------------------------------------------------------------


def run_add(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    if args.platform == "mastodon" and not args.server:
        print(
            "secondlook accounts add: a Mastodon account needs its server: --server https://mastodon.example",
            file=stderr,
        )
        return EXIT_REFUSED
    try:
        with opened_accounts(args, stderr) as manager:
            existed = any(a.id == args.account_id for a in manager.current_workspace().accounts)
            secret = read_secret(_secret_prompt(args), sys.stdin)
            if not secret:
                what = _SECRET_NAMES[args.platform]
                raise CommandError(
                    f"no {what} was given. Give it on standard input (it is never taken as an argument), e.g. "
                    f"secondlook accounts add --id {args.account_id} --platform {args.platform} ... < file",
                    EXIT_REFUSED,
                )
            status = manager.add(
                args.account_id,
                args.platform,
                args.server,
                secret,
                handle=args.handle,
                name=args.name,
                kind=args.kind,
            )
            folder = manager.current_workspace().path
    except CommandError as error:
        return _failed("accounts add", error, stderr)
    except AccountError as error:
        return _failed("accounts add", CommandError(str(error), EXIT_FAILED), stderr)
    except (secrets.SecretStoreError, StorageError) as error:  # asked before anything is saved
        return _failed("accounts add", CommandError(f"{error} Nothing was saved.", EXIT_FAILED), stderr)
    print(f"Added '{status.account_id}'. {status.detail}", file=stdout)
    stdout.write(format_statuses([status]))
    print(
        f"The {_SECRET_NAMES[args.platform]} is kept in the system keyring ({secrets.backend_name()}) and "
        "nowhere else.",
        file=stdout,
    )
    if not existed and folder is not None:
        print(
            f"The account was added to {folder / 'accounts.toml'}; add its brand terms and people there.",
            file=stdout,
        )
    return EXIT_OK


def _secret_prompt(args: argparse.Namespace) -> str:
    what = _SECRET_NAMES[args.platform]
    return f"{what[0].upper()}{what[1:]} for '{args.account_id}' (not shown as you type): "


def read_secret(prompt: str, stdin: IO[str] | None) -> str:
    """The secret: asked for without echo at a terminal, else all of standard input, stripped."""
    if stdin is None:
        return ""
    if stdin.isatty():
        try:
            return getpass.getpass(prompt).strip()
        except EOFError:
            return ""
    data = stdin.read(MAX_SECRET_CHARS + 1)
    if len(data) > MAX_SECRET_CHARS:
        raise CommandError(
            f"standard input holds more than {MAX_SECRET_CHARS:,} characters; that is not a token, "
            "an app password or a webhook URL",
            EXIT_REFUSED,
        )
    return data.strip()


def _failed(command: str, error: CommandError, stderr: IO[str]) -> int:
    print(f"secondlook {command}: {error}", file=stderr)
    return error.status
