"""The countdown after confirming: exactly one outcome, and cancelling always wins in time."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.undo_window import CANCEL_TEXT, UndoWindow

# The offscreen platform (headless tests) warns on every window it shows; that says nothing about the widget.


@pytest.fixture
def window(qtbot: QtBot) -> UndoWindow:
    w = UndoWindow("Acme Outdoor", 1, tick_ms=20)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_shows_who_is_posting_and_a_large_default_cancel(window: UndoWindow) -> None:
    assert window.status_label.text() == "Posting as Acme Outdoor in 1 s"
    assert window.cancel_button.text() == CANCEL_TEXT
    assert window.cancel_button.isDefault()
    assert window.focusWidget() is window.cancel_button
    assert window.cancel_button.minimumHeight() >= 48


def test_elapsed_fires_after_the_countdown(qtbot: QtBot, window: UndoWindow) -> None:
    began = time.monotonic()
    with qtbot.assertNotEmitted(window.cancelled), qtbot.waitSignal(window.elapsed, timeout=3000):
        window.start()
    assert time.monotonic() - began >= 0.95
    assert window.finished_countdown
    assert not window.isVisible()


def test_the_label_counts_down(qtbot: QtBot) -> None:
    w = UndoWindow("Acme Outdoor", 2, tick_ms=20)
    qtbot.addWidget(w)
    w.start()
    assert w.status_label.text() == "Posting as Acme Outdoor in 2 s"
    qtbot.waitUntil(lambda: w.status_label.text() == "Posting as Acme Outdoor in 1 s", timeout=2000)
    w.cancel()


def test_cancel_emits_cancelled_and_never_elapsed(qtbot: QtBot, window: UndoWindow) -> None:
    window.start()
    with qtbot.waitSignal(window.cancelled, timeout=1000):
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.assertNotEmitted(window.elapsed, wait=1500):  # well past the 1 s deadline
        pass
    assert "Nothing was sent" in window.status_label.text()


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_Return])
def test_escape_and_enter_cancel(qtbot: QtBot, window: UndoWindow, key: Qt.Key) -> None:
    window.start()
    with qtbot.waitSignal(window.cancelled, timeout=1000):
        qtbot.keyClick(window, key)
    with qtbot.assertNotEmitted(window.elapsed, wait=1300):
        pass


def test_closing_the_window_cancels(qtbot: QtBot, window: UndoWindow) -> None:
    window.start()
    with qtbot.waitSignal(window.cancelled, timeout=1000):
        window.close()


def test_cancelled_is_emitted_once(qtbot: QtBot, window: UndoWindow) -> None:
    window.start()
    seen: list[str] = []
    window.cancelled.connect(lambda: seen.append("cancelled"))
    window.elapsed.connect(lambda: seen.append("elapsed"))
    window.cancel()
    window.cancel()
    window.close()
    qtbot.wait(1300)
    assert seen == ["cancelled"]


def test_cancel_after_elapsed_changes_nothing(qtbot: QtBot, window: UndoWindow) -> None:
    with qtbot.waitSignal(window.elapsed, timeout=3000):
        window.start()
    with qtbot.assertNotEmitted(window.cancelled):
        window.cancel()
        window.close()


def test_zero_seconds_sends_immediately(qtbot: QtBot) -> None:
    w = UndoWindow("Acme Outdoor", 0)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.elapsed, timeout=100):
        w.start()
    assert w.finished_countdown


def test_negative_seconds_are_refused() -> None:
    with pytest.raises(ValueError):
        UndoWindow("Acme Outdoor", -1)
