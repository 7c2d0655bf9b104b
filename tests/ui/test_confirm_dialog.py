"""The confirmation dialog: who is about to speak, and nothing publishes by accident."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from checks import Checker, Workspace
from checks.gate import gate_for
from checks.policy import Policy
from ui.confirm_dialog import ACKNOWLEDGE_TEXT, ConfirmDialog

# The offscreen platform (headless tests) warns on every window it shows; that says nothing about the widget.

MakeDialog = Callable[..., ConfirmDialog]


@pytest.fixture
def make_dialog(qtbot: QtBot, demo: Workspace, rules_checker: Checker) -> MakeDialog:
    def make(text: str, account_id: str = "acme", policy: Policy | None = None) -> ConfirmDialog:
        report = rules_checker.check(text, account_id)
        gate = gate_for(report, demo.account(account_id), policy or demo.policy)
        dialog = ConfirmDialog(gate, text)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def label_texts(dialog: ConfirmDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisibleTo(dialog))


def test_question_names_the_account_in_full(make_dialog: MakeDialog) -> None:
    dialog = make_dialog("Trail season starts Saturday.")
    question = dialog.question_label.text()
    assert question == "Post publicly as Acme Outdoor, @acme@mastodon.social, to 48,000 followers on Mastodon?"
    shown = label_texts(dialog)
    assert "Acme Outdoor" in shown
    assert "@acme@mastodon.social · brand account on Mastodon · 48,000 followers" in shown
    assert dialog.publish_button.text() == "Publish as Acme Outdoor"


def test_preview_is_the_exact_text_and_read_only(make_dialog: MakeDialog) -> None:
    text = "Line one  \n\n<b>not bold</b> 🏔️\u200d ok"
    dialog = make_dialog(text)
    assert dialog.preview.toPlainText() == text
    assert dialog.preview.isReadOnly()


def test_text_that_was_not_checked_is_refused(demo: Workspace, rules_checker: Checker) -> None:
    gate = gate_for(rules_checker.check("checked text", "acme"), demo.account("acme"), demo.policy)
    with pytest.raises(ValueError, match="different text"):
        ConfirmDialog(gate, "other text")


def test_cancel_is_the_default_and_focused(make_dialog: MakeDialog) -> None:
    dialog = make_dialog("Trail season starts Saturday.")
    assert dialog.cancel_button.isDefault()
    assert not dialog.publish_button.isDefault()
    assert not dialog.publish_button.autoDefault()
    assert dialog.focusWidget() is dialog.cancel_button


def test_clear_text_publishes_on_click(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog("Trail season starts Saturday.")
    assert dialog.publish_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_space_on_the_focused_publish_button_publishes(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog("Trail season starts Saturday.")
    dialog.publish_button.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog.publish_button, Qt.Key.Key_Space)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_never_publishes_even_when_everything_is_filled_in(
    qtbot: QtBot, make_dialog: MakeDialog, key: Qt.Key
) -> None:
    dialog = make_dialog("call me on +1 415 555 0134")  # blocking + warning + handle required
    assert dialog.acknowledge is not None and dialog.reason is not None and dialog.handle_field is not None
    dialog.acknowledge.setChecked(True)
    dialog.reason.setPlainText("It is our public support line.")
    dialog.handle_field.setText("@acme@mastodon.social")
    assert dialog.publish_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.accepted), qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, key)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_enter_on_the_focused_publish_button_does_not_publish(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog("Trail season starts Saturday.")
    dialog.publish_button.setFocus()
    with qtbot.assertNotEmitted(dialog.accepted), qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog.publish_button, Qt.Key.Key_Return)


def test_enter_in_the_handle_field_does_nothing(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog("my wife and I got hammered lol")
    assert dialog.acknowledge is not None and dialog.handle_field is not None
    dialog.acknowledge.setChecked(True)
    dialog.handle_field.setFocus()
    qtbot.keyClicks(dialog.handle_field, "@acme@mastodon.social")
    with qtbot.assertNotEmitted(dialog.finished):
        qtbot.keyClick(dialog.handle_field, Qt.Key.Key_Return)
    assert dialog.isVisible()


def test_escape_cancels(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog("Trail season starts Saturday.")
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_publish_is_disabled_until_warnings_are_acknowledged(make_dialog: MakeDialog) -> None:
    dialog = make_dialog("f*ck this", account_id="sam")  # profanity only warns on Sam's own account
    assert dialog.acknowledge is not None
    assert dialog.acknowledge.text() == ACKNOWLEDGE_TEXT
    assert dialog.reason is None and dialog.handle_field is None
    assert "profanity" in label_texts(dialog)
    assert not dialog.publish_button.isEnabled()
    assert "Acknowledge the 1 warning first." in dialog.missing_label.text()
    dialog.acknowledge.setChecked(True)
    assert dialog.publish_button.isEnabled()
    assert dialog.attempt().acknowledged
    assert "Acknowledge" not in dialog.missing_label.text()


def test_a_wrong_handle_keeps_publish_disabled_and_the_right_one_enables_it(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog("my wife and I got hammered lol")
    assert dialog.acknowledge is not None and dialog.handle_field is not None
    dialog.acknowledge.setChecked(True)
    assert not dialog.publish_button.isEnabled()
    assert "@acme@mastodon.social" in dialog.missing_label.text()

    qtbot.keyClicks(dialog.handle_field, "@samtaylor.bsky.social")
    assert not dialog.publish_button.isEnabled()

    dialog.handle_field.clear()
    qtbot.keyClicks(dialog.handle_field, "ACME@mastodon.social")  # case and the leading @ do not matter
    assert dialog.publish_button.isEnabled()
    assert dialog.attempt().typed_handle == "ACME@mastodon.social"


def test_override_reason_is_required_and_returned(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog("f*ck this")  # profanity blocks on the brand account
    assert dialog.reason is not None and dialog.acknowledge is None
    assert "Why is it right to post this anyway? The reason is stored with the post." in label_texts(dialog)
    assert not dialog.publish_button.isEnabled()
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "   ")
    assert not dialog.publish_button.isEnabled()  # blank is not a reason
    qtbot.keyClicks(dialog.reason, "Quoting a customer, with their permission.")
    assert dialog.publish_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert dialog.attempt().override_reason.strip() == "Quoting a customer, with their permission."


def test_confidential_findings_need_a_reason_in_the_demo_policy(make_dialog: MakeDialog) -> None:
    dialog = make_dialog("Project Falcon launches soon")
    assert dialog.reason is not None
    assert not dialog.publish_button.isEnabled()
    assert "Project Falcon" in label_texts(dialog)


def test_blocking_without_override_keeps_publish_disabled(
    qtbot: QtBot, make_dialog: MakeDialog, demo: Workspace
) -> None:
    strict = dataclasses.replace(demo.policy, allow_override=False)
    dialog = make_dialog("f*ck this", policy=strict)
    assert dialog.reason is None
    assert dialog.no_override_label is not None and dialog.no_override_label.isVisible()
    assert not dialog.publish_button.isEnabled()
    assert "does not allow overriding" in dialog.missing_label.text()
    with qtbot.assertNotEmitted(dialog.accepted):
        dialog.accept()  # even a direct call cannot get past the gate
    assert dialog.isVisible()


def test_missing_label_lists_every_problem_from_the_gate(make_dialog: MakeDialog) -> None:
    dialog = make_dialog("call me on +1 415 555 0134")
    for problem in dialog.gate.problems(dialog.attempt()):
        assert problem in dialog.missing_label.text()
    assert len(dialog.problems()) == 3


def test_interactive_elements_have_accessible_names(make_dialog: MakeDialog) -> None:
    dialog = make_dialog("call me on +1 415 555 0134")
    for widget in (
        dialog.preview,
        dialog.acknowledge,
        dialog.reason,
        dialog.handle_field,
        dialog.publish_button,
        dialog.cancel_button,
    ):
        assert widget is not None and widget.accessibleName()
