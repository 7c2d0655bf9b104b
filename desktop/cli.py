"""The ``secondlook`` command."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from checks import cli as check_cli
from desktop import cli_accounts, cli_publish
from desktop.secrets import install_log_redaction


def main(argv: Sequence[str] | None = None) -> int:
    # Drafts may hold anything (lone surrogates from broken pastes, emoji on a Latin-1 terminal):
    # show what cannot be printed as escapes instead of failing.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = check_cli.ArgumentParser(
        prog="secondlook",
        description="Second Look: see which account is about to speak, and what in the draft does not belong there.",
    )
    parser.add_argument(
        "--workspace",
        dest="window_workspace",
        type=Path,
        metavar="DIR",
        help="open the composer on this workspace folder (default: the last one used, or the demo)",
    )
    parser.add_argument("--verbose", action="store_true", help="log what happens in detail (secrets never shown)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=check_cli.ArgumentParser)
    check_cli.add_parser(commands)
    cli_accounts.add_parser(commands)
    cli_publish.add_parser(commands)
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if args.command is None:
        from desktop import app  # Qt loads only for the window, never for `secondlook check`

        return app.run(args.window_workspace)
    try:
        return int(args.run(args, sys.stdout, sys.stderr))
    except KeyboardInterrupt:
        print("secondlook: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `secondlook check ... | head`
        return 0


def _configure_logging(verbose: bool) -> None:
    """Log lines go to standard error, every handler behind the secret redactor (a token that slips into a
    message is printed as [secret])."""
    level = logging.DEBUG if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    # urllib3's debug lines quote request paths, and a webhook URL's path is its secret: the redactor only
    # knows whole secrets, so those lines are not logged even with --verbose.
    logging.getLogger("urllib3").setLevel(logging.INFO)
    install_log_redaction()


if __name__ == "__main__":
    sys.exit(main())
