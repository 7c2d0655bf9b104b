"""The draft editor: underlines on the right characters, tooltips, fixes, and stale results."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from checks import Finding, Severity
from ui.editor import DraftEditor, OffsetMap, python_index, utf16_offset
from ui.style import SEVERITY_COLOURS

TEXT = "😀🎉 Please retweet this, or call 555-0100."


def _find(text: str, words: str, severity: Severity = Severity.WARN, suggestion: str | None = None) -> Finding:
    start = text.index(words)
    return Finding(
        check="platform.vocabulary" if suggestion else "personal_data.phone",
        severity=severity,
        start=start,
        end=start + len(words),
        text=words,
        message=f"“{words}” does not belong here.",
        suggestion=suggestion,
    )


RETWEET = _find(TEXT, "retweet", Severity.WARN, "boost")
PHONE = _find(TEXT, "555-0100", Severity.BLOCK)


@pytest.fixture
def editor(qtbot: QtBot) -> DraftEditor:
    widget = DraftEditor()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.set_text(TEXT)
    return widget


def _point_inside(editor: DraftEditor, qt_position: int) -> QPoint:
    """A viewport point over the character after ``qt_position`` (its left half)."""
    cursor = QTextCursor(editor.document())
    cursor.setPosition(qt_position)
    rect = editor.cursorRect(cursor)
    return QPoint(rect.left() + 2, rect.center().y())


def test_utf16_offset_counts_astral_characters_twice() -> None:
    text = "a😀b👍🏽c"
    assert utf16_offset(text, 0) == 0
    assert utf16_offset(text, 1) == 1
    assert utf16_offset(text, 2) == 3  # after the emoji
    assert utf16_offset(text, len(text)) == len(text.encode("utf-16-le")) // 2
    for index in range(len(text) + 1):
        assert python_index(text, utf16_offset(text, index)) == index
    assert python_index(text, 2) == 1  # inside the surrogate pair: the emoji itself


def test_offset_map_matches_an_encoding_count() -> None:
    text = "x😀y" * 50 + "plain" + "🇬🇧" * 3
    offsets = OffsetMap(text)
    for index in range(0, len(text) + 1, 7):
        assert offsets.to_utf16(index) == len(text[:index].encode("utf-16-le")) // 2


def test_editor_underlines_land_after_an_emoji(editor: DraftEditor) -> None:
    assert editor.set_findings([RETWEET, PHONE], TEXT)
    selections = editor.extraSelections()
    assert len(selections) == 2
    by_text = {s.cursor.selectedText(): s for s in selections}
    assert set(by_text) == {"retweet", "555-0100"}
    retweet = by_text["retweet"]
    # Two emoji before it: four UTF-16 units for two Python characters.
    assert retweet.cursor.selectionStart() == RETWEET.start + 2
    assert retweet.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert retweet.format.underlineColor().name().upper() == SEVERITY_COLOURS[Severity.WARN]
    assert by_text["555-0100"].format.underlineColor().name().upper() == SEVERITY_COLOURS[Severity.BLOCK]
    assert editor.findings() == [RETWEET, PHONE]


def test_editor_ignores_stale_findings(editor: DraftEditor) -> None:
    assert editor.set_findings([RETWEET], TEXT)
    assert not editor.set_findings([PHONE], TEXT + " more")
    assert editor.findings() == [RETWEET]  # the current ones stay


def test_editor_tooltip_shows_the_message(editor: DraftEditor, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    editor.show()
    qtbot.waitExposed(editor)
    editor.set_findings([RETWEET, PHONE], TEXT)
    start = utf16_offset(TEXT, RETWEET.start)
    point = _point_inside(editor, start + 1)
    assert editor.position_at(point) == start + 1
    tip = editor.tooltip_text(editor.position_at(point))
    assert tip is not None and "does not belong here" in tip and "boost" in tip

    # The real QToolTip warns on the offscreen platform (it cannot raise windows); record instead.
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_rest: shown.append(text))
    monkeypatch.setattr(QToolTip, "hideText", lambda: shown.append(""))
    event = QHelpEvent(QEvent.Type.ToolTip, point, editor.viewport().mapToGlobal(point))
    QApplication.sendEvent(editor.viewport(), event)
    assert len(shown) == 1 and "retweet" in shown[0]
    elsewhere = _point_inside(editor, utf16_offset(TEXT, TEXT.index("Please")))
    QApplication.sendEvent(editor.viewport(), QHelpEvent(QEvent.Type.ToolTip, elsewhere, elsewhere))
    assert shown[-1] == ""

    assert editor.tooltip_text(utf16_offset(TEXT, TEXT.index("Please"))) is None


def test_editor_tooltip_escapes_draft_text(editor: DraftEditor) -> None:
    text = "<b>bold</b>"
    editor.set_text(text)
    finding = Finding("x.y", Severity.INFO, 0, len(text), text, "Saw <b>bold</b>")
    editor.set_findings([finding], text)
    tip = editor.tooltip_text(1)
    assert tip is not None and "&lt;b&gt;bold" in tip


def test_editor_context_menu_offers_replace_and_ignore(editor: DraftEditor, qtbot: QtBot) -> None:
    editor.set_findings([RETWEET, PHONE], TEXT)
    point = _point_inside(editor, utf16_offset(TEXT, RETWEET.start) + 2)
    menu = editor.build_context_menu(point)
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "Replace with “boost”"
    assert texts[1].startswith("Ignore here")
    assert any("Copy" in t for t in texts)  # the standard actions are still there

    with qtbot.waitSignal(editor.fix_requested) as fixed:
        menu.actions()[0].trigger()
    assert fixed.args == [RETWEET]
    with qtbot.waitSignal(editor.ignore_requested) as ignored:
        menu.actions()[1].trigger()
    assert ignored.args == [RETWEET]
    assert editor.toPlainText() == TEXT  # asking changes nothing by itself
    menu.deleteLater()

    phone_menu = editor.build_context_menu(_point_inside(editor, utf16_offset(TEXT, PHONE.start) + 1))
    assert not any(a.text().startswith("Replace") for a in phone_menu.actions())  # no suggestion
    assert any(a.text().startswith("Ignore here") for a in phone_menu.actions())
    phone_menu.deleteLater()


def test_editor_context_menu_from_the_keyboard_uses_the_text_cursor(editor: DraftEditor) -> None:
    editor.set_findings([RETWEET], TEXT)
    cursor = editor.textCursor()
    cursor.setPosition(utf16_offset(TEXT, RETWEET.end))  # just after the word
    editor.setTextCursor(cursor)
    menu = editor.build_context_menu(QPoint(0, 0), from_keyboard=True)
    assert menu.actions()[0].text() == "Replace with “boost”"
    menu.deleteLater()


def test_editor_apply_fix_is_one_undoable_edit(editor: DraftEditor, qtbot: QtBot) -> None:
    editor.set_findings([RETWEET, PHONE], TEXT)
    with qtbot.waitSignal(editor.text_edited):
        assert editor.apply_fix(RETWEET)
    assert editor.toPlainText() == TEXT.replace("retweet", "boost")
    assert editor.findings() == [PHONE]
    # The other underline moved with the text.
    span = editor.finding_span(PHONE)
    assert span is not None
    assert span[0] == utf16_offset(TEXT, PHONE.start) - len("retweet") + len("boost")
    editor.undo()
    assert editor.toPlainText() == TEXT


def test_editor_apply_fix_refuses_changed_words(editor: DraftEditor) -> None:
    editor.set_findings([RETWEET], TEXT)
    cursor = QTextCursor(editor.document())
    cursor.setPosition(utf16_offset(TEXT, RETWEET.start))
    cursor.deleteChar()  # "etweet": no longer the finding's words
    assert not editor.apply_fix(RETWEET)
    assert not editor.apply_fix(PHONE)  # never shown, and no suggestion


def test_editor_apply_fix_for_a_finding_it_never_showed(editor: DraftEditor) -> None:
    assert editor.apply_fix(RETWEET)  # from the panel, before the editor got the result
    assert "boost" in editor.toPlainText()


def test_editor_text_edited_on_typing_not_on_loading(editor: DraftEditor, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(editor.text_edited):
        editor.set_text("Loaded draft")
    with qtbot.waitSignal(editor.text_edited):
        qtbot.keyClicks(editor, "x")


def test_editor_underlines_follow_typing(editor: DraftEditor) -> None:
    editor.set_findings([RETWEET], TEXT)
    cursor = QTextCursor(editor.document())
    cursor.insertText("Hi! ")
    span = editor.finding_span(RETWEET)
    assert span == (utf16_offset(TEXT, RETWEET.start) + 4, utf16_offset(TEXT, RETWEET.end) + 4)
    assert editor.findings_at(span[0]) == [RETWEET]


def test_editor_findings_go_when_their_words_do(editor: DraftEditor) -> None:
    editor.set_findings([RETWEET, PHONE], TEXT)
    cursor = QTextCursor(editor.document())
    cursor.setPosition(utf16_offset(TEXT, PHONE.start))
    cursor.setPosition(utf16_offset(TEXT, PHONE.end), QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    assert editor.findings() == [RETWEET]
    editor.setPlainText("Something else entirely")
    assert editor.findings() == []


def test_editor_select_finding_selects_its_words(editor: DraftEditor) -> None:
    editor.set_findings([RETWEET, PHONE], TEXT)
    assert editor.select_finding(PHONE)
    assert editor.textCursor().selectedText() == "555-0100"
    assert editor.remove_finding(PHONE)
    assert editor.findings() == [RETWEET]


def test_editor_overlapping_findings_most_serious_first(editor: DraftEditor) -> None:
    wider = Finding("x.y", Severity.INFO, RETWEET.start - 7, RETWEET.end, TEXT[RETWEET.start - 7 : RETWEET.end], "n")
    editor.set_findings([RETWEET, wider], TEXT)
    position = utf16_offset(TEXT, RETWEET.start)
    assert editor.findings_at(position) == [RETWEET, wider]
    # The more serious one is painted last, so its colour shows where they overlap.
    assert editor.extraSelections()[-1].format.underlineColor().name().upper() == SEVERITY_COLOURS[Severity.WARN]


def test_editor_draft_text_keeps_non_breaking_spaces(editor: DraftEditor) -> None:
    editor.set_text("a\u00a0b\nc")
    assert editor.draft_text() == "a\u00a0b\nc"
    assert editor.toPlainText() == "a b\nc"
    finding = Finding("x.y", Severity.INFO, 0, 3, "a\u00a0b", "n", suggestion="ab")
    assert editor.set_findings([finding], editor.toPlainText())  # either spelling is this text
    assert editor.apply_fix(finding)
    assert editor.draft_text() == "ab\nc"


def test_editor_big_paste_underlines_the_right_characters(editor: DraftEditor) -> None:
    line = "Plain words and an emoji 😀 here, then a phone 555-0100.\n"
    text = line * (1_000_000 // len(line))
    editor.set_text(text)
    last = text.rindex("555-0100")
    findings = [
        Finding("personal_data.phone", Severity.BLOCK, i, i + 8, "555-0100", "phone")
        for i in range(last - 200 * len(line), last + 1, len(line))
    ]
    assert editor.set_findings(findings, text)
    selections = editor.extraSelections()
    assert len(selections) == len(findings)
    assert all(s.cursor.selectedText() == "555-0100" for s in selections)
