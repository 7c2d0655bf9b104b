"""Deleting a published post: what goes, where it is, and a written reason that stays with the record.

The dialog deletes nothing. It shows the post exactly as it went out, says what deleting does and
what Second Look keeps (the text, the time, who deleted it and why), and asks why. Delete is enabled
only with a reason of at most :data:`MAX_REASON` characters; Cancel is the default, and Enter and
Escape cancel, so a habitual keystroke cannot delete a post.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checks.gate import MAX_REASON_CHARS
from desktop.records import SentPost
from ui.confirm_dialog import add_preview, add_reason_field, add_safe_buttons, wrapped_label

MAX_REASON = MAX_REASON_CHARS  # the same bound as an override reason, and the store's check
REASON_PROMPT = "Why is it being deleted?"
KEPT_TEXT = (
    "Delete removes the post from the platform. People may already have seen it, and replies or copies "
    "elsewhere stay. Second Look keeps the record: the text, when it went out, who deleted it and why."
)
MISSING_REASON = "Write why it is being deleted. The reason is stored with the record."


def reason_problem(reason: str) -> str | None:
    """What is wrong with ``reason`` (already stripped), or None when it can be stored."""
    if not reason:
        return MISSING_REASON
    if len(reason) > MAX_REASON:
        return (
            f"The reason is {len(reason):,} characters; at most {MAX_REASON:,} are stored. "
            f"Shorten it by {len(reason) - MAX_REASON:,}."
        )
    return None


class DeleteDialog(QDialog):
    """Asks the person to confirm deleting ``post`` (published as ``account_label``) on its platform.

    Open it with ``open()`` (or ``exec()``) and read :meth:`reason` once it was accepted.

    Signals:
        accepted(): Delete was pressed with a reason that can be stored.
        rejected(): Cancel, Escape, Enter, or the window was closed.
        finished(int): after either, with the result code.
    """

    def __init__(self, post: SentPost, account_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._post = post
        where = post.url or post.destination
        self.setWindowTitle("Delete this post on the platform?")
        self.setAccessibleName(f"Confirm deleting a post by {account_label}")
        self.setAccessibleDescription(KEPT_TEXT)
        self.setModal(True)
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        self.question_label = wrapped_label(f"Delete this post by {account_label} on the platform?")
        heading = QFont(self.question_label.font())
        heading.setBold(True)
        heading.setPointSizeF(heading.pointSizeF() * 1.25)
        self.question_label.setFont(heading)
        self.question_label.setAccessibleName(self.question_label.text())
        layout.addWidget(self.question_label)

        self.preview = self._add_preview(layout, post.text)

        self.location_label = wrapped_label(f"Where it is: {where}")
        self.location_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.location_label.setAccessibleName(f"Where it is: {where}")
        layout.addWidget(self.location_label)

        self.explanation_label = wrapped_label(KEPT_TEXT)
        self.explanation_label.setAccessibleName(KEPT_TEXT)
        layout.addWidget(self.explanation_label)

        self.reason_field = self._add_reason(layout)
        self.problem_label = wrapped_label("")
        layout.addWidget(self.problem_label)
        self.delete_button, self.cancel_button = self._add_buttons(layout)

        for first, second in itertools.pairwise(
            (self.preview, self.reason_field, self.delete_button, self.cancel_button)
        ):
            QWidget.setTabOrder(first, second)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refresh()

    def _add_preview(self, layout: QVBoxLayout, text: str) -> QPlainTextEdit:
        return add_preview(layout, "The post, as it went out:", text, "Text of the post to delete", max_height=140)

    def _add_reason(self, layout: QVBoxLayout) -> QPlainTextEdit:
        return add_reason_field(
            layout,
            f"{REASON_PROMPT} (required, stored with the record)",
            name=REASON_PROMPT,
            description=f"Required. At most {MAX_REASON:,} characters; stored with the record.",
            placeholder="For example: the date in the announcement was wrong.",
            on_change=self._refresh,
        )

    def _add_buttons(self, layout: QVBoxLayout) -> tuple[QPushButton, QPushButton]:
        return add_safe_buttons(
            self,
            layout,
            "Delete on platform",
            action_name="Delete this post on the platform",
            cancel_name="Cancel, keep the post",
        )

    # --- API -----------------------------------------------------------------------------------

    @property
    def post(self) -> SentPost:
        return self._post

    def reason(self) -> str:
        """The reason as typed, without surrounding blanks (also after the dialog closed)."""
        return self.reason_field.toPlainText().strip()

    def problem(self) -> str | None:
        """What still stands before Delete (None: Delete is enabled)."""
        return reason_problem(self.reason())

    def accept(self) -> None:
        # Re-checked here, so nothing (a stray signal, a script) can accept without a storable reason.
        if self.problem() is not None:
            self._refresh()
            return
        super().accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Enter never deletes (in the reason field it is a new line, and never reaches here).
            event.accept()
            self.reject()
            return
        super().keyPressEvent(event)

    # --- internals -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        problem = self.problem()
        self.delete_button.setEnabled(problem is None)
        text = problem or "Ready. Delete removes the post from the platform; the record stays here."
        self.problem_label.setText(text)
        self.problem_label.setAccessibleName(text)
