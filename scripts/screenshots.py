"""Screenshots of the real composer window for the README, taken on an X server.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts its own Xvfb (unless DISPLAY is already set), opens the real window on the demo workspace
with the language model, a throwaway data folder and the local outbox, and saves:

- ``composer.png``: the brand account with a draft full of problems, underlined and listed;
- ``composer-personal.png``: the same window after switching to the personal account;
- ``confirm.png``: the confirmation, with the typed handle and an override reason filled in;
- ``undo.png``: the undo countdown after confirming (cancelled afterwards: nothing is sent).

Needs Xvfb (``apt install xvfb``) and Qt's X libraries (see ``.ci/run``).
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
    from PySide6.QtWidgets import QWidget

    from desktop.storage import Store
    from ui.composer_window import ComposerWindow

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo_workspace"
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
    server = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["SECONDLOOK_HOME"] = tempfile.mkdtemp(prefix="secondlook-shots-")
    try:
        take(args.out)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)


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

    def shoot(self, widget: QWidget, name: str) -> None:
        self.settle()
        frame = widget.frameGeometry()
        # Grab from the X server, so what is saved is what was really on the screen.
        picture = widget.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        if picture.isNull() or not picture.save(str(self.out / name)):
            sys.exit(f"error: could not save {self.out / name}")
        print(f"wrote {self.out / name} ({picture.width()}x{picture.height()})")


def open_window(driver: Driver) -> tuple[ComposerWindow, Store]:
    from checks import load_workspace
    from desktop.app import services_for
    from desktop.storage import Store
    from ui.composer_window import ComposerWindow

    workspace = load_workspace(DEMO)
    store = Store(Path(os.environ["SECONDLOOK_HOME"]) / "shots.db")
    services = services_for(workspace, store)
    window = ComposerWindow(workspace, str(DEMO), services)
    window.resize(1180, 720)
    window.move(40, 30)
    ready: list[bool] = []
    window.model_ready.connect(ready.append)
    window.show()
    driver.wait_until(lambda: bool(ready), "the language model")
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


if __name__ == "__main__":
    main()
