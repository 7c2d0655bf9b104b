"""Screenshots of the real composer window for the README, taken on an X server.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts its own Xvfb (unless DISPLAY is already set), opens the real window on the demo workspace
with the language model, a throwaway data folder and the local outbox, and saves:

- ``composer.png``: the brand account with a draft full of problems, underlined and listed;
- ``composer-personal.png``: the same window after switching to the personal account;
- ``confirm.png``: the confirmation, with the typed handle and an override reason filled in;
- ``undo.png``: the undo countdown after confirming (cancelled afterwards: nothing is sent);
- ``accounts.png``: Accounts → Manage accounts… over the composer, on a copy of the demo workspace whose
  brand account is connected to a local Mastodon stand-in (mastodon-mock, started here) and verified;
- ``banner-verified.png``: that account's banner, with the identity the platform confirmed;
- ``banner-blocked.png``: its banner after accounts.toml names another handle: publishing is blocked.

Credentials go to an in-memory keyring (tests/keyring_backends.py), never to the developer's own.
Needs Xvfb (``apt install xvfb``), Qt's X libraries (see ``.ci/run``) and mastodon-mock (the dev extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QWidget

    from desktop.storage import Store
    from ui.composer_window import ComposerWindow

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo_workspace"
sys.path.insert(0, str(ROOT))  # tests: the in-memory keyring and the local Mastodon server
DEMO_HANDLE = "@acme@mastodon.social"  # the demo's brand account, as its accounts.toml configures it
DRAFT = (
    "Huge thanks to Maria Gonzalez for tonight's trail talk! If you missed it, call her on "
    "+1 415 555 0134. Honestly I'm so hungover lol, gonna need a nap before Project Falcon launches."
)


def start_xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("error: Xvfb is not installed (apt install xvfb), and DISPLAY is not set")
    number = 99
    while Path(f"/tmp/.X11-unix/X{number}").exists():
        number += 1
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1280x860x24", "-nolisten", "tcp"])
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline:
            sys.exit("error: Xvfb did not start")
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNG files")
    args = parser.parse_args()
    if not (Path(sys.executable).with_name("mastodon_mock").exists() or shutil.which("mastodon_mock")):
        sys.exit("error: mastodon-mock is not installed (pip install -e '.[dev]'): accounts.png needs it")
    server = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["SECONDLOOK_HOME"] = tempfile.mkdtemp(prefix="secondlook-shots-")
    pin_memory_keyring()
    try:
        take(args.out)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)


def pin_memory_keyring() -> None:
    """Keep every credential this run saves in memory: never the developer's real keyring.

    The in-memory backend is the tests' (tests/keyring_backends.py). This script is a developer tool run
    from a checkout, so it may borrow test support; the app itself never uses that backend.
    """
    import keyring

    from tests.keyring_backends import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())


class Driver:
    """Waits and screenshots for a script that drives the real window without a test framework."""

    def __init__(self, out: Path) -> None:
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance() or QApplication([])
        self.out = out
        out.mkdir(parents=True, exist_ok=True)

    def wait_until(self, done: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                sys.exit(f"error: timed out waiting for {what}")
            self.app.processEvents()
            time.sleep(0.01)

    def settle(self, seconds: float = 0.4) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def shoot(self, widget: QWidget, name: str, area: QRect | None = None) -> None:
        """Save what the screen shows of ``widget``'s window frame, or of ``area`` (screen coordinates)."""
        self.settle()
        frame = area if area is not None else widget.frameGeometry()
        # Grab from the X server, so what is saved is what was really on the screen.
        picture = widget.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        if picture.isNull() or not picture.save(str(self.out / name)):
            sys.exit(f"error: could not save {self.out / name}")
        print(f"wrote {self.out / name} ({picture.width()}x{picture.height()})")


def open_window(driver: Driver, folder: Path = DEMO, store: Store | None = None) -> tuple[ComposerWindow, Store]:
    """The composer on the workspace in ``folder``, once the model has loaded and the platforms answered."""
    from checks import load_workspace
    from desktop.app import services_for
    from desktop.storage import Store
    from ui.composer_window import ComposerWindow

    workspace = load_workspace(folder)
    if store is None:
        store = Store(Path(os.environ["SECONDLOOK_HOME"]) / "shots.db")
    services = services_for(workspace, store)
    window = ComposerWindow(workspace, str(folder), services)
    window.resize(1180, 720)
    window.move(40, 30)
    ready: list[bool] = []
    verified: list[object] = []
    window.model_ready.connect(ready.append)
    window.accounts_verified.connect(verified.append)
    window.show()
    driver.wait_until(lambda: bool(ready), "the language model")
    driver.wait_until(lambda: bool(verified), "the accounts' check with their platforms")
    return window, store


def take(out: Path) -> None:
    driver = Driver(out)
    window, store = open_window(driver)

    def checked(account_id: str, text: str) -> Callable[[], bool]:
        return lambda: window.last is not None and window.last.account_id == account_id and window.last.text == text

    window.editor.set_text(DRAFT)
    window.editor.text_edited.emit()
    with_model = checked("acme", DRAFT)
    driver.wait_until(lambda: with_model() and window.last is not None and window.last.with_model, "findings")
    driver.shoot(window, "composer.png")
    window.switch_account("sam")
    driver.wait_until(checked("sam", DRAFT), "the personal account's check")
    driver.settle(1.5)  # let the banner's change-of-account flash finish
    driver.shoot(window, "composer-personal.png")
    window.switch_account("acme")
    driver.wait_until(checked("acme", DRAFT), "the brand account's check")
    driver.settle(1.5)
    confirm_and_cancel(driver, window)
    if store.sent_posts(str(DEMO)):
        sys.exit("error: a post was sent although the undo window was cancelled")
    window.close()
    store.close()
    connected_accounts(driver)


def confirm_and_cancel(driver: Driver, window: ComposerWindow) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.start_publish()
    driver.wait_until(lambda: getattr(window, "confirm_dialog", None) is not None, "the confirmation")
    dialog = window.confirm_dialog
    driver.wait_until(dialog.isVisible, "the confirmation to show")
    if dialog.acknowledge is not None:
        dialog.acknowledge.setChecked(True)
    if dialog.handle_field is not None:
        QTest.keyClicks(dialog.handle_field, window.account.handle)
    if dialog.reason is not None:
        QTest.keyClicks(dialog.reason, "Maria asked us to share her number for trail-talk bookings.")
    driver.shoot(dialog, "confirm.png")
    QTest.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    driver.wait_until(lambda: getattr(window, "undo_window", None) is not None, "the undo window")
    undo = window.undo_window
    driver.wait_until(undo.isVisible, "the undo window to show")
    driver.settle(1.2)
    driver.shoot(undo, "undo.png")
    undo.cancel()
    driver.settle()


def connected_accounts(driver: Driver) -> None:
    """The accounts dialog and the banner with acme connected to a local Mastodon server, then blocked."""
    from checks import load_workspace
    from desktop.accounts import AccountManager
    from desktop.records import MISMATCH, NOT_CONNECTED, VERIFIED
    from desktop.storage import Store
    from tests.support.mastodon_server import TOKEN, start_mock_server

    home = Path(os.environ["SECONDLOOK_HOME"])
    folder = copy_demo_workspace(home / "workspace")
    (home / "mastodon").mkdir()
    with start_mock_server(home / "mastodon") as server, Store(home / "accounts.db") as store:
        mock_handle = f"@secondlook@localhost:{server.port}"  # the account mastodon-mock seeds
        set_acme_handle(folder, mock_handle)
        added = AccountManager(store, load_workspace(folder)).add("acme", "mastodon", server.url, TOKEN)
        if added.state != VERIFIED:
            sys.exit(f"error: acme could not be connected to the mock server: {added.detail}")

        window, _ = open_window(driver, folder, store)
        states = {account_id: status.state for account_id, status in window.statuses.items()}
        if states != {"acme": VERIFIED, "sam": NOT_CONNECTED, "harbor": NOT_CONNECTED}:
            sys.exit(f"error: unexpected account states {states}")
        window.editor.set_text(CLEAN_DRAFT)
        window.editor.text_edited.emit()
        driver.wait_until(lambda: window.last is not None and window.last.text == CLEAN_DRAFT, "the check")
        driver.shoot(window, "banner-verified.png", banner_area(window))

        window.open_accounts()
        dialog = window.accounts_dialog
        driver.wait_until(lambda: dialog.isVisible() and not dialog.is_busy() and bool(dialog.statuses()), "accounts")
        dialog.select_account("acme")
        driver.shoot(window, "accounts.png", window.frameGeometry().united(dialog.frameGeometry()))
        dialog.reject()
        window.close()

        # The workspace now names another account than the one the credentials speak for.
        set_acme_handle(folder, DEMO_HANDLE, replacing=mock_handle)
        window, _ = open_window(driver, folder, store)
        blocked = window.statuses.get("acme")
        if blocked is None or blocked.state != MISMATCH or not window.banner.warning_visible():
            sys.exit(f"error: acme is not blocked: {blocked.detail if blocked else 'no status'}")
        driver.shoot(window, "banner-blocked.png", banner_area(window))
        window.close()
        driver.settle()


CLEAN_DRAFT = "Autumn trail maps are out: three new loops around the lake, all under 10 km. #AcmeOutdoor"


def copy_demo_workspace(folder: Path) -> Path:
    """A throwaway copy of the demo workspace (its accounts, policy and voice samples) in ``folder``."""
    folder.mkdir(parents=True)
    for name in ("accounts.toml", "policy.toml", "policy.md"):
        if (DEMO / name).exists():
            shutil.copy2(DEMO / name, folder / name)
    shutil.copytree(DEMO / "voice", folder / "voice")
    return folder


def set_acme_handle(folder: Path, handle: str, replacing: str = DEMO_HANDLE) -> None:
    """Change the brand account's ``handle =`` line in the copy's accounts.toml (its brand terms stay)."""
    path = folder / "accounts.toml"
    before = path.read_text(encoding="utf-8")
    after = before.replace(f'handle = "{replacing}"', f'handle = "{handle}"', 1)
    if after == before:
        sys.exit(f"error: no handle {replacing} in {path}")
    path.write_text(after, encoding="utf-8")


def banner_area(window: ComposerWindow, margin: int = 10) -> QRect:
    """The banner and a little of the window around it, in screen coordinates."""
    from PySide6.QtCore import QRect

    banner = window.banner
    top_left = banner.mapToGlobal(banner.rect().topLeft())
    return QRect(top_left, banner.size()).adjusted(-margin, -margin, margin, margin)


if __name__ == "__main__":
    main()
