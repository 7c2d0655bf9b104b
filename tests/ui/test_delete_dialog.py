"""The delete dialog: a written reason is required, and nothing deletes by accident."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from desktop.records import SentPost
from ui.delete_dialog import MAX_REASON, MISSING_REASON, REASON_PROMPT, DeleteDialog

MakeDialog = Callable[..., DeleteDialog]

POST = SentPost(
    id=7,
    workspace="/ws",
    account_id="acme",
    text="Trail season starts <b>Saturday</b>.\nSee you there.",
    sent_at=datetime(2025, 3, 10, 12, 0, tzinfo=UTC),
    destination="https://mastodon.social/@acme/111",
    remote_id="111",
    url="https://mastodon.social/@acme/111",
)


@pytest.fixture
def make_dialog(qtbot: QtBot) -> MakeDialog:
    def make(post: SentPost = POST) -> DeleteDialog:
        dialog = DeleteDialog(post, "Acme Outdoor (@acme@mastodon.social)")
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def label_texts(dialog: DeleteDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisibleTo(dialog))


def test_shows_the_post_where_it_is_and_what_is_kept(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    assert dialog.preview.toPlainText() == POST.text
    assert dialog.preview.isReadOnly()
    shown = label_texts(dialog)
    assert "Acme Outdoor (@acme@mastodon.social)" in shown
    assert "Where it is: https://mastodon.social/@acme/111" in shown
    assert "removes the post from the platform" in shown
    assert "Second Look keeps the record: the text, when it went out, who deleted it and why." in shown
    assert REASON_PROMPT in shown


def test_delete_is_disabled_until_a_reason_is_typed(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    assert not dialog.delete_button.isEnabled()
    assert dialog.problem_label.text() == MISSING_REASON
    qtbot.keyClicks(dialog.reason_field, "   ")
    assert not dialog.delete_button.isEnabled()
    qtbot.keyClicks(dialog.reason_field, "Wrong date")
    assert dialog.delete_button.isEnabled()
    assert dialog.problem_label.text().startswith("Ready.")


def test_accept_without_a_reason_is_refused(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    dialog.accept()  # as a stray signal or a script would
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_too_long_reason_is_refused_with_a_message(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    dialog.reason_field.setPlainText("x" * (MAX_REASON + 5))
    assert not dialog.delete_button.isEnabled()
    message = dialog.problem_label.text()
    assert "2,005 characters" in message and "at most 2,000" in message and "by 5" in message
    dialog.accept()
    assert dialog.isVisible()
    dialog.reason_field.setPlainText("x" * MAX_REASON)
    assert dialog.delete_button.isEnabled()


def test_cancel_is_the_default_and_focused(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    assert dialog.cancel_button.isDefault()
    assert not dialog.delete_button.isDefault()
    assert not dialog.delete_button.autoDefault()
    assert dialog.focusWidget() is dialog.cancel_button


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape])
def test_enter_and_escape_cancel_even_with_a_reason(qtbot: QtBot, make_dialog: MakeDialog, key: Qt.Key) -> None:
    dialog = make_dialog()
    dialog.reason_field.setPlainText("Wrong date")
    dialog.delete_button.setFocus()
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog.delete_button, key)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_accepted_returns_the_stripped_reason(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    qtbot.keyClicks(dialog.reason_field, "  The date was wrong.  ")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.reason() == "The date was wrong."


def test_every_control_has_an_accessible_name(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    assert dialog.accessibleName()
    for control in (dialog.preview, dialog.reason_field, dialog.delete_button, dialog.cancel_button):
        assert control.accessibleName(), control
    assert dialog.reason_field.accessibleName() == REASON_PROMPT


def test_post_without_a_url_shows_its_destination(make_dialog: MakeDialog) -> None:
    post = SentPost(
        id=1, workspace="/ws", account_id="acme", text="hi", sent_at=datetime.now(UTC), destination="somewhere"
    )
    assert "Where it is: somewhere" in label_texts(make_dialog(post))
