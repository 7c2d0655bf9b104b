"""The drafts list: the right draft id in every request, and discarding only when confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from checks import Workspace
from desktop.records import Draft
from ui.drafts_list import EMPTY_TEXT, DraftsList

# The offscreen platform (headless tests) warns on every window it shows; that says nothing about the widget.

NOW = datetime.now(UTC)


def draft(draft_id: int, account_id: str, text: str, age: timedelta) -> Draft:
    return Draft(draft_id, "/ws", account_id, text, created=NOW - age, updated=NOW - age)


DRAFTS = [
    draft(1, "acme", "Trail season starts Saturday.\nSee you there", timedelta(days=2)),
    draft(2, "sam", "", timedelta(minutes=1)),
    draft(3, "harbor", "New roast on Monday", timedelta(hours=3)),
]


@pytest.fixture
def drafts(qtbot: QtBot, demo: Workspace) -> DraftsList:
    w = DraftsList()
    qtbot.addWidget(w)
    w.set_drafts(DRAFTS, {a.id: a for a in demo.accounts}, current_id=None)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_lists_drafts_newest_first_with_account_and_first_line(drafts: DraftsList) -> None:
    assert drafts.draft_ids() == [2, 3, 1]
    texts = [drafts.view.item(row).text() for row in range(drafts.view.count())]
    assert texts[0].startswith("(empty)\nSam Taylor · edited Today")
    assert texts[2].startswith("Trail season starts Saturday. …\nAcme Outdoor · edited")
    assert not drafts.empty_label.isVisible()


def test_empty_state(qtbot: QtBot) -> None:
    w = DraftsList()
    qtbot.addWidget(w)
    w.show()
    assert w.empty_label.isVisible() and w.empty_label.text() == EMPTY_TEXT
    assert not w.open_button.isEnabled()


def test_current_draft_is_marked_and_selected(drafts: DraftsList, demo: Workspace) -> None:
    drafts.set_drafts(DRAFTS, {a.id: a for a in demo.accounts}, current_id=3)
    assert drafts.selected_id() == 3
    assert "open in the editor" in drafts.view.item(1).text()
    assert drafts.view.item(1).font().bold()


def test_selection_survives_a_refresh(drafts: DraftsList, demo: Workspace) -> None:
    drafts.select(1)
    drafts.set_drafts(DRAFTS, {a.id: a for a in demo.accounts}, current_id=3)
    assert drafts.selected_id() == 1


def test_buttons_need_a_selection(drafts: DraftsList) -> None:
    assert drafts.selected_id() is None
    assert not drafts.open_button.isEnabled()
    assert not drafts.discard_button.isEnabled()
    assert drafts.new_button.isEnabled()
    drafts.select(3)
    assert drafts.open_button.isEnabled() and drafts.duplicate_button.isEnabled()


def test_open_and_duplicate_emit_the_selected_id(qtbot: QtBot, drafts: DraftsList) -> None:
    drafts.select(3)
    with qtbot.waitSignal(drafts.open_requested, check_params_cb=lambda i: i == 3, timeout=500):
        qtbot.mouseClick(drafts.open_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(drafts.duplicate_requested, check_params_cb=lambda i: i == 3, timeout=500):
        qtbot.mouseClick(drafts.duplicate_button, Qt.MouseButton.LeftButton)


def test_double_click_opens(qtbot: QtBot, drafts: DraftsList) -> None:
    item = drafts.view.item(2)  # draft 1
    pos = drafts.view.visualItemRect(item).center()
    with qtbot.waitSignal(drafts.open_requested, check_params_cb=lambda i: i == 1, timeout=500):
        qtbot.mouseClick(drafts.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(drafts.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_enter_opens(qtbot: QtBot, drafts: DraftsList) -> None:
    drafts.select(2)
    drafts.view.setFocus()
    with qtbot.waitSignal(drafts.open_requested, check_params_cb=lambda i: i == 2, timeout=500):
        qtbot.keyClick(drafts.view, Qt.Key.Key_Return)


def test_new_draft(qtbot: QtBot, drafts: DraftsList) -> None:
    with qtbot.waitSignal(drafts.new_requested, timeout=500):
        qtbot.mouseClick(drafts.new_button, Qt.MouseButton.LeftButton)


def test_discard_asks_and_respects_no(qtbot: QtBot, drafts: DraftsList) -> None:
    asked: list[Draft] = []

    def refuse(d: Draft) -> bool:
        asked.append(d)
        return False

    drafts.confirm_discard = refuse
    drafts.select(3)
    with qtbot.assertNotEmitted(drafts.discard_requested):
        qtbot.mouseClick(drafts.discard_button, Qt.MouseButton.LeftButton)
    assert [d.id for d in asked] == [3]


def test_discard_emits_the_id_once_confirmed(qtbot: QtBot, drafts: DraftsList) -> None:
    drafts.confirm_discard = lambda d: True
    drafts.select(1)
    with qtbot.waitSignal(drafts.discard_requested, check_params_cb=lambda i: i == 1, timeout=500):
        qtbot.mouseClick(drafts.discard_button, Qt.MouseButton.LeftButton)


def test_delete_key_discards_after_confirming(qtbot: QtBot, drafts: DraftsList) -> None:
    asked: list[int] = []
    drafts.confirm_discard = lambda d: asked.append(d.id) is None
    drafts.select(2)
    drafts.view.setFocus()
    with qtbot.waitSignal(drafts.discard_requested, check_params_cb=lambda i: i == 2, timeout=500):
        qtbot.keyClick(drafts.view, Qt.Key.Key_Delete)
    assert asked == [2]


def test_controls_have_accessible_names(drafts: DraftsList) -> None:
    for widget in (drafts.view, drafts.new_button, drafts.open_button, drafts.duplicate_button, drafts.discard_button):
        assert widget.accessibleName()
