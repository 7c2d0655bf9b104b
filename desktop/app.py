"""Starting the composer window: which workspace, which store, which draft; errors as dialogs.

Everything here runs before the window exists or is handed to it; the window itself does its slow
work through ``ui.background``. Nothing in this module may print a traceback at the person: every
failure it can foresee becomes a message box that says what happened and what to do.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from checks import Checker, Workspace, demo_workspace_path, load_workspace
from checks.errors import ConfigError
from desktop.accounts import AccountManager
from desktop.secrets import install_log_redaction
from desktop.settings import data_dir, load_state, save_state
from desktop.storage import StorageError, Store

if TYPE_CHECKING:
    from ui.composer_window import ComposerWindow, Services

log = logging.getLogger(__name__)

# An optional written social media policy in the workspace, shown beside the rules in the app.
POLICY_DOCUMENTS = ("policy.md", "POLICY.md", "policy.txt")
MAX_POLICY_DOCUMENT_BYTES = 1_000_000


def read_policy_document(folder: Path | None) -> str | None:
    """The workspace's written policy, if it has one; a broken file is reported in the text, not raised."""
    if folder is None:
        return None
    for name in POLICY_DOCUMENTS:
        path = folder / name
        if not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_POLICY_DOCUMENT_BYTES:
                return f"(The written policy {path} is over 1 MB and is not shown.)"
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return f"(The written policy {path} could not be read: {exc}.)"
    return None


def choose_workspace(requested: Path | None) -> tuple[Workspace, str | None]:
    """The workspace to open, and a problem to show the person if it is not the one they expected.

    Order: the folder asked for; else the last one used; else the demo. A last workspace that no
    longer loads falls back to the demo with an explanation. One asked for explicitly that does not
    load is an error (raised), since opening something else would be a surprise.
    """
    if requested is not None:
        return load_workspace(requested), None
    last = load_state().last_workspace
    if last:
        try:
            return load_workspace(Path(last)), None
        except ConfigError as exc:
            return load_workspace(
                demo_workspace_path()
            ), f"The last workspace could not be opened, so the demo is open.\n\n{exc}"
    return load_workspace(demo_workspace_path()), None


def services_for(workspace: Workspace, store: Store) -> Services:
    """What the window needs: the store, the accounts (and their publishers), checkers with and without the model.

    The checkers see the workspace as the platforms last described it (a Mastodon instance's own
    character limit, the follower counts), so the counter and the checks agree with the platform.
    """
    from ui.composer_window import Services

    accounts = AccountManager(store, workspace)
    current = accounts.current_workspace()
    return Services(
        store=store,
        publisher_for=accounts.publisher_for,
        checker=Checker(current),
        rules_checker=Checker(current, use_model=False),
        policy_document=read_policy_document(workspace.path),
        accounts=accounts,
    )


def _no_screen() -> str | None:
    """Why no window can open here (Linux without X or Wayland), in words; None when one can.

    Qt would otherwise abort with a core dump and a message about platform plugins.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "there is no screen to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
        "Run it in a desktop session, or use `secondlook check` to check drafts from this terminal."
    )


def run(
    workspace_dir: Path | None = None,
    argv: Sequence[str] = (),
    on_shown: Callable[[ComposerWindow], None] | None = None,
) -> int:
    """Open the composer and run the Qt event loop; returns the process exit status.

    ``on_shown`` is called with the window once it is shown (bench/gui_speed.py measures through it).
    """
    problem = _no_screen()
    if problem:
        print(f"secondlook: {problem}", file=sys.stderr)
        return 1
    # Qt is imported here, not at module level: `secondlook check` must not pay for it.
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.composer_window import ComposerWindow

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()  # a secret that slips into a log message is printed as [secret]
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Second Look")
    app.setOrganizationName("Second Look")

    try:
        workspace, problem = choose_workspace(workspace_dir)
    except ConfigError as exc:
        QMessageBox.critical(None, "Second Look: the workspace could not be opened", str(exc))
        return 3
    try:
        store = Store.open_default()
    except StorageError as exc:
        QMessageBox.critical(None, "Second Look: drafts cannot be saved", f"{exc}\n\nData folder: {data_dir()}")
        return 1

    folder = str(workspace.path.resolve()) if workspace.path is not None else "(built-in)"
    services = services_for(workspace, store)
    window = ComposerWindow(services.checker.workspace, folder, services)
    window.show()
    if problem:
        QMessageBox.warning(window, "Second Look", problem)
    window.restore_latest_draft()
    if on_shown is not None:
        on_shown(window)

    state = load_state()
    state.last_workspace = folder if workspace.path is not None else None
    save_state(state)
    try:
        return app.exec()
    finally:
        store.close()
