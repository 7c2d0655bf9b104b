"""The ``secondlook`` command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from checks import cli as check_cli


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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=check_cli.ArgumentParser)
    check_cli.add_parser(commands)
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
