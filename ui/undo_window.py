"""The last chance after confirming: "Posting as Acme Outdoor in 7 s", with a large Cancel button."""

from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

CANCEL_TEXT = "Cancel — don't send"


class UndoWindow(QDialog):
    """Counts down before a confirmed post is sent; cancelling keeps the draft.

    Call :meth:`start` after connecting the signals. Exactly one of ``elapsed`` and ``cancelled``
    is emitted, once. Cancel, Escape, Enter (Cancel is the default button) and closing the window
    all cancel: when in doubt, nothing is sent. With ``seconds == 0``, :meth:`start` emits
    ``elapsed`` at once, before returning, and the window is never shown.

    The countdown is measured with a monotonic clock; ``tick_ms`` only sets how often the label
    and the progress bar refresh.

    Signals:
        elapsed(): the countdown ran out; the caller publishes now.
        cancelled(): the person cancelled; the caller must not publish.
    """

    elapsed = Signal()
    cancelled = Signal()

    def __init__(self, account_name: str, seconds: int, parent: QWidget | None = None, *, tick_ms: int = 100) -> None:
        super().__init__(parent)
        if seconds < 0:
            raise ValueError(f"seconds must be 0 or more, got {seconds}")
        self._account_name = account_name
        self._total_ms = seconds * 1000
        self._clock = QElapsedTimer()
        self._done = False
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, tick_ms))
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

        self.setWindowTitle(f"Sending as {account_name}")
        self.setAccessibleName(f"Sending as {account_name}")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        font = QFont(self.status_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.status_label.setFont(font)
        layout.addWidget(self.status_label)

        self.progress = QProgressBar()
        self.progress.setRange(0, max(1, self._total_ms))
        self.progress.setTextVisible(False)  # the label says the same in words
        self.progress.setAccessibleName("Time left before sending")
        layout.addWidget(self.progress)

        self.cancel_button = QPushButton(CANCEL_TEXT)
        self.cancel_button.setAccessibleName(CANCEL_TEXT)
        big = QFont(self.cancel_button.font())
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.4)
        self.cancel_button.setFont(big)
        self.cancel_button.setMinimumHeight(56)
        self.cancel_button.setAutoDefault(True)
        self.cancel_button.setDefault(True)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.cancel_button)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_remaining(self._total_ms)

    # --- API -----------------------------------------------------------------------------------

    @property
    def account_name(self) -> str:
        return self._account_name

    @property
    def finished_countdown(self) -> bool:
        """True once ``elapsed`` or ``cancelled`` was emitted."""
        return self._done

    def start(self) -> None:
        """Start the countdown (once). With 0 seconds, emits ``elapsed`` immediately."""
        if self._done or self._clock.isValid():
            return
        self._clock.start()
        if self._total_ms == 0:
            self._finish(cancelled=False)
            return
        self._timer.start()

    def remaining_ms(self) -> int:
        if not self._clock.isValid():
            return self._total_ms
        return max(0, self._total_ms - self._clock.elapsed())

    def cancel(self) -> None:
        """Stop the countdown and emit ``cancelled`` (nothing happens if it already ended)."""
        self._finish(cancelled=True)

    def reject(self) -> None:
        # Escape and the window's close button arrive here: both mean "don't send".
        self._finish(cancelled=True)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self._finish(cancelled=True)
        super().closeEvent(event)

    # --- internals -----------------------------------------------------------------------------

    def _tick(self) -> None:
        left = self.remaining_ms()
        self._show_remaining(left)
        if left <= 0:
            self._finish(cancelled=False)

    def _show_remaining(self, left_ms: int) -> None:
        seconds = math.ceil(left_ms / 1000)
        text = f"Posting as {self._account_name} in {seconds} s"
        self.status_label.setText(text)
        self.status_label.setAccessibleName(text)
        self.progress.setValue(max(0, left_ms))

    def _finish(self, *, cancelled: bool) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        if cancelled:
            self.status_label.setText("Cancelled. Nothing was sent; the draft is kept.")
        else:
            self.status_label.setText(f"Sending as {self._account_name}…")
        self.cancel_button.setEnabled(False)
        # Emit before closing, so a slot that reads the window still finds it in its final state.
        (self.cancelled if cancelled else self.elapsed).emit()
        if cancelled:
            super().reject()
        else:
            super().accept()
