"""The findings panel: grouping and counts, selection, one-click fixes, status and skipped checks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from checks import Finding, Severity
from checks.findings import SkippedCheck
from ui.findings_panel import MAX_ROWS, FindingsPanel

# Showing a top-level widget on the offscreen platform warns that it cannot pass on size hints.

PHONE = Finding("personal_data.phone", Severity.BLOCK, 30, 38, "555-0100", "A phone number: take it out.")
RETWEET = Finding(
    "platform.vocabulary", Severity.WARN, 8, 15, "retweet", "On Mastodon people say “boost”.", suggestion="boost"
)
SHOUT = Finding("off_brand.shouting", Severity.WARN, 0, 5, "WOW!!", "Shouting reads as angry.")
NOTE = Finding("account_fit.voice", Severity.INFO, 0, 38, "whole draft", "This reads more like Sam's account.")


@pytest.fixture
def panel(qtbot: QtBot) -> FindingsPanel:
    widget = FindingsPanel()
    qtbot.addWidget(widget)
    widget.resize(420, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_panel_groups_by_severity_with_counts(panel: FindingsPanel) -> None:
    panel.set_findings([RETWEET, NOTE, PHONE, SHOUT])
    assert panel.group_titles() == ["Blocking (1)", "Warnings (2)", "Notes (1)"]
    assert panel.finding_count() == {Severity.BLOCK: 1, Severity.WARN: 2, Severity.INFO: 1}
    # Most serious first, then in the order they appear in the text.
    assert panel.shown_findings() == [PHONE, SHOUT, RETWEET, NOTE]
    assert panel.summary_text() == "1 blocking, 2 warnings, 1 note"
    item = panel.item_for(RETWEET)
    assert item is not None
    assert "“retweet”" in item.text(0) and "boost" in item.text(0)
    assert "platform.vocabulary" in item.toolTip(0)


def test_panel_empty_groups_are_hidden_and_clear_says_so(panel: FindingsPanel) -> None:
    assert panel.summary_text() == "Not checked yet"
    panel.set_findings([SHOUT])
    assert panel.group_titles() == ["Warnings (1)"]
    panel.set_findings([])
    assert panel.group_titles() == []
    assert panel.summary_text() == "No problems found"


def test_panel_selecting_emits_the_finding(panel: FindingsPanel, qtbot: QtBot) -> None:
    panel.set_findings([PHONE, RETWEET])
    with qtbot.waitSignal(panel.finding_selected) as selected:
        assert panel.select_finding(RETWEET)
    assert selected.args == [RETWEET]


def test_panel_rebuilding_does_not_emit_selection(panel: FindingsPanel, qtbot: QtBot) -> None:
    panel.set_findings([PHONE, RETWEET])
    panel.select_finding(RETWEET)
    with qtbot.assertNotEmitted(panel.finding_selected):
        panel.set_findings([PHONE, RETWEET, SHOUT])
    assert panel.current_finding() == RETWEET  # kept across the refresh


def test_panel_headings_are_not_selectable(panel: FindingsPanel) -> None:
    panel.set_findings([PHONE])
    heading = panel.tree().topLevelItem(0)
    assert heading is not None
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable


def test_panel_fix_button_in_the_row_is_one_click(panel: FindingsPanel, qtbot: QtBot) -> None:
    panel.set_findings([PHONE, RETWEET])
    assert panel.fix_button_rect(PHONE) is None  # nothing to replace it with
    rect = panel.fix_button_rect(RETWEET)
    assert rect is not None
    with qtbot.waitSignal(panel.fix_requested) as fixed:
        qtbot.mouseClick(panel.tree().viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert fixed.args == [RETWEET]


def test_panel_fix_and_ignore_buttons_act_on_the_current_row(panel: FindingsPanel, qtbot: QtBot) -> None:
    panel.set_findings([PHONE, RETWEET])
    assert not panel.fix_button().isEnabled() and not panel.ignore_button().isEnabled()
    panel.select_finding(PHONE)
    assert not panel.fix_button().isEnabled()
    assert panel.ignore_button().isEnabled()
    panel.select_finding(RETWEET)
    assert panel.fix_button().isEnabled()
    assert panel.fix_button().text() == "Fix: replace with “boost”"
    with qtbot.waitSignal(panel.fix_requested) as fixed:
        qtbot.mouseClick(panel.fix_button(), Qt.MouseButton.LeftButton)
    assert fixed.args == [RETWEET]
    with qtbot.waitSignal(panel.ignore_requested) as ignored:
        panel.ignore_button().click()
    assert ignored.args == [RETWEET]


def test_panel_context_menu_offers_fix_and_ignore(panel: FindingsPanel, qtbot: QtBot) -> None:
    panel.set_findings([PHONE, RETWEET])
    menu = panel.build_context_menu(panel.item_for(RETWEET))
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["Fix: replace with “boost”", "Ignore here"]
    with qtbot.waitSignal(panel.ignore_requested) as ignored:
        menu.actions()[1].trigger()
    assert ignored.args == [RETWEET]
    menu.deleteLater()
    phone_menu = panel.build_context_menu(panel.item_for(PHONE))
    assert phone_menu is not None and [a.text() for a in phone_menu.actions()] == ["Ignore here"]
    phone_menu.deleteLater()
    assert panel.build_context_menu(panel.tree().topLevelItem(0)) is None  # a heading


def test_panel_enter_activates_the_current_finding(panel: FindingsPanel, qtbot: QtBot) -> None:
    panel.set_findings([PHONE])
    panel.select_finding(PHONE)
    panel.tree().setFocus()
    with qtbot.waitSignal(panel.finding_activated) as activated:
        qtbot.keyClick(panel.tree(), Qt.Key.Key_Return)
    assert activated.args == [PHONE]


def test_panel_status_shows_busy_indicator(panel: FindingsPanel) -> None:
    assert not panel.is_busy()
    panel.set_status("Language model loading — names and places will be checked when it is ready", busy=True)
    assert panel.is_busy()
    assert panel.status_text().startswith("Language model loading")
    panel.set_status("", busy=False)
    assert not panel.is_busy()


def test_panel_skipped_checks_note(panel: FindingsPanel) -> None:
    reason = "the language model is not loaded yet"
    panel.set_skipped([SkippedCheck("personal_data.person", reason), ("personal_data.address", reason)])
    assert panel.skipped_text() == f"Not checked (2 checks): {reason}"
    panel.set_skipped([("secrets.token", "too long")])
    assert panel.skipped_text() == "Not checked (secrets.token): too long"
    panel.set_skipped([])
    assert panel.skipped_text() == ""


def test_panel_rows_grow_for_long_messages(panel: FindingsPanel) -> None:
    long = Finding("x.long", Severity.WARN, 0, 1, "x", "word " * 80)
    panel.set_findings([SHOUT, long])
    short_item, long_item = panel.item_for(SHOUT), panel.item_for(long)
    assert short_item is not None and long_item is not None
    tree = panel.tree()
    assert tree.visualItemRect(long_item).height() > 2 * tree.visualItemRect(short_item).height()


def test_panel_caps_rows_but_counts_all(panel: FindingsPanel) -> None:
    many = [Finding("personal_data.email", Severity.WARN, i, i + 1, "a", "An e-mail address.") for i in range(1500)]
    panel.set_findings(many)
    assert panel.finding_count()[Severity.WARN] == 1500
    assert len(panel.shown_findings()) == MAX_ROWS
    assert "showing the first 1,000" in panel.summary_text()
    assert panel.group_titles() == ["Warnings (1500)"]


def test_panel_huge_quoted_text_is_shortened(panel: FindingsPanel, qtbot: QtBot) -> None:
    huge = Finding("platform.length", Severity.BLOCK, 0, 500_000, "x" * 500_000, "Too long.")
    panel.set_findings([huge])
    item = panel.item_for(huge)
    assert item is not None and len(item.text(0)) < 200
    panel.tree().viewport().repaint()  # painting elides without walking the whole text
    assert panel.tree().visualItemRect(item).contains(QPoint(10, panel.tree().visualItemRect(item).center().y()))
