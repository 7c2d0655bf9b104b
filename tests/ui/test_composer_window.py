"""The composer window wired to real parts: the SQLite store, the outbox publisher and the checks.

Each test does what a person would (types, clicks, presses keys) and asserts what they would notice:
who is speaking, what is underlined, what was saved, what was (not) sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QPlainTextEdit, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from checks import Checker, Workspace
from checks.findings import Report, Severity
from checks.workspace import Account
from desktop.publishers import publisher_for
from desktop.records import OutgoingPost, Publisher, PublishError, PublishReceipt
from desktop.storage import Store
from ui.composer_window import ComposerWindow, Services
from ui.confirm_dialog import ConfirmDialog
from ui.editor import MAX_UNDERLINES
from ui.undo_window import UndoWindow

UNDO_SECONDS = 1
WAIT_MS = 5_000
CLEAN = "Trail season starts Saturday."
PHONE = "+1 415 555 0134"
PHONE_POST = f"Questions about your order? Ring {PHONE} today."  # only the phone number is found
PERSONAL = "my wife and I got totally hammered last night lol"  # personal voice on a brand account
REASON = "It is our new store's public line, printed on the door."

MakeWindow = Callable[..., ComposerWindow]


@pytest.fixture
def workspace(demo: Workspace) -> Workspace:
    """The demo workspace with a one-second undo countdown."""
    return Workspace(demo.path, demo.accounts, dataclasses.replace(demo.policy, undo_seconds=UNDO_SECONDS))


@pytest.fixture
def key(workspace: Workspace) -> str:
    assert workspace.path is not None
    return str(workspace.path.resolve())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "db.sqlite")
    yield store
    store.close()


@pytest.fixture
def make_window(store: Store, qtbot: QtBot, workspace: Workspace, key: str) -> Iterator[MakeWindow]:
    """Builds a shown composer; closes every one (letting its saves land) before the store closes."""
    windows: list[ComposerWindow] = []

    def make(
        checker: Checker | None = None,
        publisher: Callable[[Account], Publisher] | None = None,
        show: bool = True,
    ) -> ComposerWindow:
        services = Services(
            store=store,
            publisher_for=publisher or (lambda account: publisher_for(account, store)),
            checker=checker or Checker(workspace, use_model=False),
            rules_checker=Checker(workspace, use_model=False),
        )
        window = ComposerWindow(workspace, key, services)
        qtbot.addWidget(window)
        windows.append(window)
        if show:
            # Without the model the window says so (model_ready(False)) and publishes with the rules.
            with qtbot.waitSignal(window.model_ready, timeout=WAIT_MS):
                window.show()
            qtbot.waitExposed(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def window(make_window: MakeWindow) -> ComposerWindow:
    return make_window()


def is_for(text: str) -> Callable[[Report], bool]:
    digest = Report.hash_text(text)
    return lambda report: report.text_sha256 == digest


def type_and_wait_checked(qtbot: QtBot, window: ComposerWindow, text: str) -> Report:
    with qtbot.waitSignal(window.checked, timeout=WAIT_MS, check_params_cb=is_for(text)) as blocker:
        qtbot.keyClicks(window.editor, text)
    report = blocker.args[0]
    assert isinstance(report, Report)
    return report


def open_confirmation(qtbot: QtBot, window: ComposerWindow) -> ConfirmDialog:
    """Click Publish and wait for the confirmation, which opens after a re-check of the text."""
    before = getattr(window, "confirm_dialog", None)
    qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: getattr(window, "confirm_dialog", None) not in (None, before) and window.confirm_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = window.confirm_dialog
    assert dialog.text == window.editor.draft_text()
    return dialog


def confirm(qtbot: QtBot, window: ComposerWindow, dialog: ConfirmDialog) -> UndoWindow:
    """Press the dialog's Publish and wait for the undo countdown to be on screen."""
    assert dialog.publish_button.isEnabled(), dialog.problems()
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(window, "undo_window", None) is not None, timeout=WAIT_MS)
    undo = window.undo_window
    qtbot.waitUntil(undo.isVisible, timeout=WAIT_MS)  # the person must see the countdown and its Cancel
    return undo


# --- who is speaking ------------------------------------------------------------------------------


def test_banner_and_title_name_the_account_and_follow_a_switch(
    qtbot: QtBot, window: ComposerWindow, store: Store, key: str
) -> None:
    banner = window.banner
    assert banner.title_text() == "Acme Outdoor"
    assert "@acme@mastodon.social" in banner.handle_text()
    assert "Mastodon" in banner.handle_text()
    assert banner.kind_text() == "BRAND"
    assert banner.audience_text() == "48,000 followers"
    assert "Acme Outdoor" in window.windowTitle()
    assert "@acme@mastodon.social" in window.windowTitle()

    type_and_wait_checked(qtbot, window, CLEAN)
    with qtbot.waitSignal(window.saved, timeout=WAIT_MS, check_params_cb=lambda d: d.account_id == "sam"):
        banner.account_change_requested.emit("sam")

    assert banner.title_text() == "Sam Taylor"
    assert "@samtaylor.bsky.social" in banner.handle_text()
    assert banner.kind_text() == "PERSONAL"
    assert "Sam Taylor" in window.windowTitle()
    assert "Acme" not in window.windowTitle()
    saved = store.latest_draft(key)
    assert saved is not None
    assert (saved.account_id, saved.text) == ("sam", CLEAN)


# --- live checking --------------------------------------------------------------------------------


def test_a_phone_number_on_the_brand_account_is_underlined_and_listed_as_blocking(
    qtbot: QtBot, window: ComposerWindow
) -> None:
    text = f"Call me on {PHONE}"
    report = type_and_wait_checked(qtbot, window, text)
    phone = next(f for f in report.findings if f.check == "personal_data.phone")
    start, end = text.index(PHONE), len(text)
    assert (phone.start, phone.end, phone.severity) == (start, end, Severity.BLOCK)

    # Underlined: exactly the digits, with a wavy line and the blocking wash, and nothing else over them.
    assert phone in window.editor.findings()
    assert window.editor.finding_span(phone) == (start, end)
    over_phone = [
        s
        for s in window.editor.extraSelections()
        if s.cursor.selectionStart() < end and s.cursor.selectionEnd() > start
    ]
    assert len(over_phone) == 1
    underline = over_phone[0]
    assert (underline.cursor.selectionStart(), underline.cursor.selectionEnd()) == (start, end)
    assert underline.cursor.selectedText() == PHONE
    assert underline.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert underline.format.background().style() != Qt.BrushStyle.NoBrush

    # Listed in the panel, under Blocking.
    panel = window.panel
    assert phone in panel.shown_findings()
    row = panel.item_for(phone)
    assert row is not None
    group = row.parent()
    assert group is not None and group.text(0).startswith("Blocking")
    assert panel.group_titles()[0] == "Blocking (1)"


# --- saving ---------------------------------------------------------------------------------------


def test_a_pause_in_typing_saves_the_draft_and_closing_saves_the_rest(
    qtbot: QtBot, window: ComposerWindow, store: Store, key: str
) -> None:
    with qtbot.waitSignal(window.saved, timeout=WAIT_MS, check_params_cb=lambda d: d.text == CLEAN):
        qtbot.keyClicks(window.editor, CLEAN)  # then nothing: the pause saves
    saved = store.latest_draft(key)
    assert saved is not None
    assert (saved.text, saved.account_id) == (CLEAN, "acme")

    # Closing straight after typing (no pause), and even while a save is still on its way to the
    # disk, keeps every word.
    qtbot.keyClicks(window.editor, " Bring")
    window.save_now()  # what the autosave timer does after a pause; its result is still in flight
    qtbot.keyClicks(window.editor, " a friend.")
    window.close()

    latest = store.latest_draft(key)
    assert latest is not None
    assert latest.text == CLEAN + " Bring a friend."
    assert latest.id == saved.id
    assert [d.id for d in store.list_drafts(key)] == [saved.id]


def test_a_saved_draft_is_restored_with_its_account(
    qtbot: QtBot, make_window: MakeWindow, store: Store, key: str
) -> None:
    earlier = store.save_draft(None, key, "sam", "Weekend hike photos coming soon")
    window = make_window()
    with qtbot.waitSignal(window.checked, timeout=WAIT_MS, check_params_cb=is_for(earlier.text)):
        window.restore_latest_draft()

    assert window.editor.draft_text() == earlier.text
    assert window.account.id == "sam"
    assert window.banner.title_text() == "Sam Taylor"
    assert "Sam Taylor" in window.windowTitle()

    # Editing goes on in the same draft, not a copy.
    qtbot.keyClick(window.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.saved, timeout=WAIT_MS, check_params_cb=lambda d: d.text.endswith("!")):
        qtbot.keyClicks(window.editor, "!")
    assert [(d.id, d.account_id, d.text) for d in store.list_drafts(key)] == [(earlier.id, "sam", earlier.text + "!")]


# --- publishing -----------------------------------------------------------------------------------


def test_publish_asks_first_and_enter_cancels(qtbot: QtBot, window: ComposerWindow, store: Store, key: str) -> None:
    type_and_wait_checked(qtbot, window, CLEAN)
    dialog = open_confirmation(qtbot, window)
    assert dialog.gate.account.id == "acme"
    # Not connected (the demo): the question says plainly that the post stays on this laptop.
    assert dialog.question_label.text().startswith("Post as Acme Outdoor, @acme@mastodon.social, to the local outbox?")
    assert dialog.cancel_button.isDefault()
    assert not dialog.publish_button.isDefault()
    assert dialog.publish_button.isEnabled()  # a clean post needs nothing more than a click
    assert window.editor.isReadOnly()  # what is being confirmed cannot change underneath

    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.wait(200)  # nothing is due; give a wrongly started publish a moment to show itself
    assert not dialog.isVisible()
    assert getattr(window, "undo_window", None) is None
    assert store.sent_posts(key) == []
    assert window.editor.draft_text() == CLEAN
    assert not window.editor.isReadOnly()


def test_personal_voice_on_a_brand_account_needs_the_handle_typed(qtbot: QtBot, window: ComposerWindow) -> None:
    type_and_wait_checked(qtbot, window, PERSONAL)
    dialog = open_confirmation(qtbot, window)
    assert dialog.gate.handle_required
    assert dialog.handle_field is not None and dialog.acknowledge is not None

    dialog.acknowledge.click()
    assert not dialog.publish_button.isEnabled()
    qtbot.keyClicks(dialog.handle_field, "@samtaylor.bsky.social")  # the other account's handle
    assert not dialog.publish_button.isEnabled()
    dialog.handle_field.clear()
    dialog.handle_field.setFocus()  # where the person types it
    qtbot.keyClicks(dialog.handle_field, "@acme@mastodon.social")
    assert dialog.publish_button.isEnabled()

    qtbot.keyClick(dialog.handle_field, Qt.Key.Key_Return)  # Enter in the handle field publishes nothing
    assert dialog.isVisible()
    assert getattr(window, "undo_window", None) is None

    undo = confirm(qtbot, window, dialog)
    assert undo.account_name == "Acme Outdoor"
    with qtbot.waitSignal(undo.cancelled, timeout=WAIT_MS):
        qtbot.mouseClick(undo.cancel_button, Qt.MouseButton.LeftButton)


def test_cancel_in_the_undo_window_sends_nothing(qtbot: QtBot, window: ComposerWindow, store: Store, key: str) -> None:
    type_and_wait_checked(qtbot, window, CLEAN)
    undo = confirm(qtbot, window, open_confirmation(qtbot, window))
    assert "Acme Outdoor" in undo.status_label.text()

    with qtbot.waitSignal(undo.cancelled, timeout=WAIT_MS):
        qtbot.mouseClick(undo.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.wait(UNDO_SECONDS * 1000 + 500)  # past the deadline: nothing may go out late

    assert store.sent_posts(key) == []
    assert not undo.isVisible()
    assert window.editor.draft_text() == CLEAN
    assert not window.editor.isReadOnly()
    qtbot.keyClicks(window.editor, " Again.")
    assert window.editor.draft_text() == CLEAN + " Again."


def test_an_override_reason_is_stored_with_the_post(
    qtbot: QtBot, window: ComposerWindow, store: Store, key: str
) -> None:
    # Type and publish at once, without the pause that autosaves: the sent draft must still leave the list.
    qtbot.keyClicks(window.editor, PHONE_POST)
    dialog = open_confirmation(qtbot, window)
    assert [f.check for f in dialog.gate.blocking] == ["personal_data.phone"]
    assert dialog.gate.override_allowed
    assert dialog.reason is not None
    assert not dialog.publish_button.isEnabled()
    qtbot.keyClicks(dialog.reason, REASON)
    if dialog.acknowledge is not None:
        dialog.acknowledge.click()
    undo = confirm(qtbot, window, dialog)
    with qtbot.waitSignal(window.published, timeout=WAIT_MS + UNDO_SECONDS * 1000):
        pass
    assert undo.finished_countdown

    sent = store.sent_posts(key)
    assert len(sent) == 1
    assert (sent[0].account_id, sent[0].text, sent[0].override_reason) == ("acme", PHONE_POST, REASON)
    assert [o.split(":")[0] for o in sent[0].overridden] == ["personal_data.phone"]

    window.tabs.setCurrentWidget(window.sent)
    qtbot.waitUntil(lambda: not window.sent.is_empty(), timeout=WAIT_MS)
    assert window.sent.cell_text(0, "Override reason") == REASON
    assert window.sent.cell_text(0, "Text") == PHONE_POST
    assert window.sent.cell_text(0, "Account") == "Acme Outdoor (@acme@mastodon.social)"

    # The composer is ready for a new post, and the sent one is no longer a draft (nor reopened on start).
    assert window.editor.draft_text() == ""
    assert not window.editor.isReadOnly()
    window.background.wait()
    assert store.list_drafts(key) == []
    assert store.latest_draft(key) is None


class FailingPublisher:
    """A publisher whose platform refuses the post: the one edge the real outbox cannot reach."""

    def __init__(self) -> None:
        self.attempts: list[OutgoingPost] = []

    def publish(self, post: OutgoingPost) -> PublishReceipt:
        self.attempts.append(post)
        raise PublishError("Mastodon refused the post (503). Try again in a minute.")


def test_a_failed_publish_keeps_the_draft_and_says_so(
    qtbot: QtBot, make_window: MakeWindow, store: Store, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[tuple[Any, ...]] = []
    monkeypatch.setattr("ui.composer_window.QMessageBox.warning", lambda *args: warnings.append(args))
    failing = FailingPublisher()
    window = make_window(publisher=lambda _account: failing)
    with qtbot.waitSignal(window.saved, timeout=WAIT_MS, check_params_cb=lambda d: d.text == CLEAN):
        qtbot.keyClicks(window.editor, CLEAN)

    confirm(qtbot, window, open_confirmation(qtbot, window))
    qtbot.waitUntil(lambda: bool(warnings), timeout=WAIT_MS + UNDO_SECONDS * 1000)

    assert [p.text for p in failing.attempts] == [CLEAN]
    parent, _title, message = warnings[0]
    assert parent is window
    assert "Mastodon refused the post (503)" in message
    assert window.editor.draft_text() == CLEAN
    assert not window.editor.isReadOnly()
    assert store.sent_posts(key) == []
    assert [d.text for d in store.list_drafts(key)] == [CLEAN]
    # and the person can try again
    assert open_confirmation(qtbot, window).text == CLEAN


# --- the language model ---------------------------------------------------------------------------


def test_the_loading_note_goes_when_the_model_is_ready(
    qtbot: QtBot, make_window: MakeWindow, workspace: Workspace, nlp: Any
) -> None:
    window = make_window(checker=Checker(workspace, nlp=nlp), show=False)
    assert window.panel.is_busy()
    assert "language model is loading" in window.panel.status_text()

    with qtbot.waitSignal(window.model_ready, timeout=WAIT_MS) as ready:
        window.show()
    assert ready.args == [True]
    assert not window.panel.is_busy()
    assert window.panel.status_text() == ""

    # Names and places now join the checks.
    text = "Great day on the trail with Maria Gonzalez from our Denver team."
    report = type_and_wait_checked(qtbot, window, text)
    assert ("personal_data.person", "Maria Gonzalez") in [(f.check, f.text) for f in report.findings]
    assert report.skipped == []
    assert window.panel.skipped_text() == ""


# --- keyboard and screen readers ------------------------------------------------------------------


def _name_or_text(widget: QWidget) -> str:
    if widget.accessibleName().strip():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "").strip()
    return ""


def test_every_control_has_a_name_and_tab_leaves_the_editor(qtbot: QtBot, window: ComposerWindow) -> None:
    controls: set[QWidget] = set()
    for index in range(window.tabs.count()):  # every control a person can meet, on every tab
        window.tabs.setCurrentIndex(index)
        for kind in (QAbstractButton, QLineEdit, QPlainTextEdit, QTabBar):
            controls.update(w for w in window.findChildren(kind) if w.isVisibleTo(window))
    window.tabs.setCurrentIndex(0)
    assert {window.editor, window.publish_button, window.tabs.tabBar(), window.banner.switch_button()} <= controls
    assert window.drafts.findChildren(QAbstractButton)[0] in controls
    unnamed = sorted(f"{type(w).__name__} {w.objectName()!r}" for w in controls if not _name_or_text(w))
    assert unnamed == []

    window.activateWindow()
    qtbot.waitActive(window)
    window.editor.setFocus()
    qtbot.waitUntil(window.editor.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(window.editor, "Hi")
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not window.editor
    assert window.editor.draft_text() == "Hi"


def test_a_one_megabyte_paste_is_checked_saved_and_underlined_within_bounds(
    qtbot: QtBot, window: ComposerWindow, store: Store, key: str
) -> None:
    text = ("Call Maria on +1 415 555 0134 about the trail. " * 22_000)[:1_000_000]
    with qtbot.waitSignal(window.checked, timeout=120_000, check_params_cb=is_for(text)) as blocker:
        window.editor.insertPlainText(text)  # one paste, as from the clipboard
    report = blocker.args[0]
    phones = [f for f in report.findings if f.check == "personal_data.phone"]
    assert len(phones) > 20_000
    # Every finding is counted; only the most severe MAX_UNDERLINES are drawn, so typing stays quick.
    assert sum(window.panel.finding_count().values()) == len(report.findings)
    assert len(window.editor.findings()) == MAX_UNDERLINES
    assert {f.severity for f in window.editor.findings()} == {Severity.BLOCK}  # the most severe first
    with qtbot.waitSignal(window.saved, timeout=WAIT_MS, check_params_cb=lambda d: len(d.text) == len(text)):
        window.save_now()
    saved = store.latest_draft(key)
    assert saved is not None and saved.text == text
