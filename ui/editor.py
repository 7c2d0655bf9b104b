"""The draft editor: plain text with spell-check-style underlines where the checks found something.

Offsets: a :class:`~checks.findings.Finding` counts Python string indices (code points); Qt counts
UTF-16 code units, so every character outside the Basic Multilingual Plane (most emoji) is two
positions in Qt and one in Python. :func:`utf16_offset` and :func:`python_index` convert, and
:class:`OffsetMap` converts many offsets of one text with a single scan.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Signal
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from checks.findings import Finding, Severity
from ui.style import SEVERITY_COLOURS, SEVERITY_WORDS, clip, mix

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts between Python indices and UTF-16 positions of one text.

    Built with one regex scan (C speed), then each conversion is a binary search over the text's
    astral characters, so underlining k findings in a pasted megabyte costs one scan plus k log n.
    """

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # Where each astral character starts in UTF-16: its index plus the astral characters before it.
        self._astral_utf16 = [index + rank for rank, index in enumerate(self._astral)]

    def to_utf16(self, index: int) -> int:
        """The UTF-16 position of Python index ``index``."""
        return index + bisect_left(self._astral, index)

    def to_python(self, position: int) -> int:
        """The Python index of UTF-16 ``position``; the middle of a surrogate pair maps to its character."""
        return position - bisect_left(self._astral_utf16, position)


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 position (Qt's) of the Python index ``index`` in ``text``."""
    return OffsetMap(text).to_utf16(index)


def python_index(text: str, position: int) -> int:
    """The Python index of the UTF-16 position (Qt's) ``position`` in ``text``; inverse of :func:`utf16_offset`."""
    return OffsetMap(text).to_python(position)


_PLAIN = str.maketrans({"\u2029": "\n", "\u2028": "\n", "\u00a0": " "})


def _same_words(a: str, b: str) -> bool:
    """Equal once line breaks and non-breaking spaces are written alike.

    ``selectedText`` writes paragraph breaks as U+2029 and ``toPlainText`` turns line separators and
    non-breaking spaces into "\\n" and " ", so a finding may hold either spelling of the same text.
    """
    return a.translate(_PLAIN) == b.translate(_PLAIN)


@dataclass
class _Mark:
    """A finding as shown: its cursor follows edits, so the underline moves with the words."""

    finding: Finding
    cursor: QTextCursor

    def covers(self, position: int) -> bool:
        start, end = self.cursor.selectionStart(), self.cursor.selectionEnd()
        return start <= position < end


def underline_format(severity: Severity) -> QTextCharFormat:
    """A wavy underline in the severity's colour; blocking findings also get a faint wash."""
    fmt = QTextCharFormat()
    colour = SEVERITY_COLOURS[severity]
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor(colour))
    if severity is Severity.BLOCK:
        # Colour alone does not carry meaning for everyone: the wash marks blocking spans by shape too.
        fmt.setBackground(QColor(mix(colour, "#FFFFFF", 0.88)))
    return fmt


MAX_UNDERLINES = 500


class DraftEditor(QPlainTextEdit):
    """The draft's text, with findings underlined in their severity's colour.

    Hovering an underlined word shows what is wrong; its context menu (mouse, or the Menu key with the
    cursor in the word) offers "Replace with “…”" and "Ignore here". Those only *ask*: the window
    decides, and applies a replacement with :meth:`apply_fix` (one undoable edit). The editor does
    the same for the findings panel's Fix, so both routes meet in one place.

    Underlines follow the text as the person types; a fresh result replaces them through
    :meth:`set_findings`, which ignores results for a text that is no longer the draft's.

    Signals:
        text_edited(): the person changed the text (typing, pasting, undo, an applied fix); not sent
            by :meth:`set_text`, which loads a draft.
        fix_requested(Finding): "Replace with …" was chosen for this finding.
        ignore_requested(Finding): "Ignore here" was chosen for this finding.
    """

    text_edited = Signal()
    fix_requested = Signal(object)
    ignore_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._marks: list[_Mark] = []
        self._loading = False
        self.setAccessibleName("Draft")
        self.setAccessibleDescription("The post's text")
        self.setPlaceholderText("Write the post here…")
        self.setTabChangesFocus(True)  # Tab moves on to the findings and the buttons, as keyboard users expect
        self.textChanged.connect(self._on_text_changed)

    # --- text ---------------------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Load a draft: replaces the text and clears the underlines without sending ``text_edited``."""
        self._loading = True
        try:
            self._marks = []
            self.setExtraSelections([])
            self.setPlainText(text)
        finally:
            self._loading = False
        self._describe()

    def draft_text(self) -> str:
        """The text as typed, with line breaks as ``"\\n"``.

        Unlike :meth:`toPlainText`, keeps non-breaking spaces and line separators as they are, so
        the checks and the platform see what the person wrote. Either has the same length and offsets.
        """
        return self.document().toRawText().replace("\u2029", "\n")

    def _on_text_changed(self) -> None:
        if not self._loading:
            self.text_edited.emit()

    # --- findings -----------------------------------------------------------------------------------

    def set_findings(self, findings: Sequence[Finding], text_at_check: str) -> bool:
        """Underline ``findings``, which were found in ``text_at_check``.

        Returns False, and changes nothing, when the draft has changed since: a result for an older
        text would underline the wrong words. Work is one comparison and one scan of the text, then
        a cursor per finding; nothing per character.
        """
        if text_at_check != self.toPlainText() and text_at_check != self.draft_text():
            return False
        offsets = OffsetMap(text_at_check)
        size = len(text_at_check)
        marks: list[_Mark] = []
        # Every underline is a live cursor the document updates on each keystroke: a pasted 1 MB
        # list of phone numbers (40,000 findings) would freeze typing for seconds. The most severe
        # MAX_UNDERLINES are drawn; the findings panel still counts them all.
        if len(findings) > MAX_UNDERLINES:
            findings = sorted(findings, key=lambda f: (-f.severity.rank, f.start))[:MAX_UNDERLINES]
        for finding in findings:
            start, end = max(0, min(finding.start, size)), max(0, min(finding.end, size))
            if end <= start:
                continue
            cursor = QTextCursor(self.document())
            cursor.setPosition(offsets.to_utf16(start))
            cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            marks.append(_Mark(finding, cursor))
        self._marks = marks
        self._paint_marks()
        return True

    def clear_findings(self) -> None:
        self._marks = []
        self._paint_marks()

    def findings(self) -> list[Finding]:
        """The findings underlined now, in the order given (offsets are those of the text they were found in).

        A finding whose words were deleted, or whose text was replaced wholesale (``setPlainText``),
        is no longer underlined and so not listed.
        """
        return [m.finding for m in self._marks if m.cursor.hasSelection()]

    def remove_finding(self, finding: Finding) -> bool:
        """Take one finding's underline away (after "Ignore here", say). False if it is not shown."""
        kept = [m for m in self._marks if m.finding != finding]
        if len(kept) == len(self._marks):
            return False
        self._marks = kept
        self._paint_marks()
        return True

    def finding_span(self, finding: Finding) -> tuple[int, int] | None:
        """Where ``finding`` is now, in Qt positions (it moves as the text is edited); None if not shown."""
        mark = self._mark_for(finding)
        if mark is None:
            return None
        return mark.cursor.selectionStart(), mark.cursor.selectionEnd()

    def findings_at(self, position: int) -> list[Finding]:
        """The shown findings covering the character at Qt ``position``, most serious first."""
        found = [m.finding for m in self._marks if m.covers(position)]
        return sorted(found, key=lambda f: f.severity.rank, reverse=True)

    def select_finding(self, finding: Finding) -> bool:
        """Select the finding's words and scroll them into view. False if it is no longer in the text."""
        cursor = self._cursor_for(finding)
        if cursor is None:
            return False
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def apply_fix(self, finding: Finding) -> bool:
        """Replace the finding's words with its suggestion, as one edit that one undo reverts.

        False, and nothing changes, when there is no suggestion or the words are no longer there.
        """
        if finding.suggestion is None:
            return False
        cursor = self._cursor_for(finding)
        if cursor is None:
            return False
        cursor.beginEditBlock()
        cursor.insertText(finding.suggestion)
        cursor.endEditBlock()
        self.remove_finding(finding)
        return True

    def _mark_for(self, finding: Finding) -> _Mark | None:
        return next((m for m in self._marks if m.finding == finding), None)

    def _cursor_for(self, finding: Finding) -> QTextCursor | None:
        """A cursor selecting the finding's words now, if they are still its words."""
        mark = self._mark_for(finding)
        if mark is not None:
            cursor = QTextCursor(mark.cursor)
        else:
            # Not underlined (the panel may hold a finding the editor never showed): trust the offsets
            # only if the text there is still the finding's text.
            text = self.draft_text()
            if not 0 <= finding.start < finding.end <= len(text):
                return None
            offsets = OffsetMap(text)
            cursor = QTextCursor(self.document())
            cursor.setPosition(offsets.to_utf16(finding.start))
            cursor.setPosition(offsets.to_utf16(finding.end), QTextCursor.MoveMode.KeepAnchor)
        return cursor if _same_words(cursor.selectedText(), finding.text) else None

    def _paint_marks(self) -> None:
        # Least serious first: where findings overlap, the later selection paints over the earlier.
        selections: list[QTextEdit.ExtraSelection] = []
        for mark in sorted(self._marks, key=lambda m: m.finding.severity.rank):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = mark.cursor
            selection.format = underline_format(mark.finding.severity)
            selections.append(selection)
        self.setExtraSelections(selections)
        self._describe()

    def _describe(self) -> None:
        counts = {s: 0 for s in Severity}
        for mark in self._marks:
            counts[mark.finding.severity] += 1
        if not self._marks:
            self.setAccessibleDescription("The post's text; nothing underlined")
            return
        parts = [
            f"{counts[s]} {SEVERITY_WORDS[s].lower()}" for s in sorted(Severity, key=lambda s: -s.rank) if counts[s]
        ]
        self.setAccessibleDescription(f"The post's text; underlined: {', '.join(parts)}")

    # --- hover and context menu ---------------------------------------------------------------------

    def position_at(self, point: QPoint) -> int:
        """The Qt position of the character under ``point`` (viewport coordinates)."""
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        # cursorForPosition gives the nearest gap between characters; over the right half of a
        # character that gap is after it, so step back to the character the pointer is on.
        if point.x() < self.cursorRect(cursor).left() and position > cursor.block().position():
            position -= 1
        return position

    def tooltip_text(self, position: int) -> str | None:
        """The tooltip for the character at ``position``: each finding's message, or None."""
        found = self.findings_at(position)
        if not found:
            return None
        parts = []
        for finding in found:
            line = f"<b>{SEVERITY_WORDS[finding.severity]}</b>: {html.escape(finding.message)}"
            if finding.suggestion is not None:
                line += f"<br><i>Suggestion: “{html.escape(clip(finding.suggestion, 80))}”</i>"
            parts.append(f"<p>{line}</p>")
        # Rich text so long messages wrap; every piece of draft text in it is escaped.
        return "<qt>" + "".join(parts) + "</qt>"

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_text(self.position_at(event.pos()))
            if text is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            return True
        return super().viewportEvent(event)

    def finding_actions(self, position: int, parent: QObject) -> list[QAction]:
        """The "Replace with …" and "Ignore here" actions for the findings at ``position``."""
        actions: list[QAction] = []
        for finding in self.findings_at(position):
            if finding.suggestion is not None:
                replace = QAction(f"Replace with “{clip(finding.suggestion, 40)}”", parent)
                replace.setToolTip(finding.message)
                replace.triggered.connect(lambda _checked=False, f=finding: self.fix_requested.emit(f))
                actions.append(replace)
            ignore = QAction(f"Ignore here: “{clip(finding.text, 30)}”", parent)
            ignore.setToolTip(f"Stop underlining this ({finding.check}) in this draft")
            ignore.triggered.connect(lambda _checked=False, f=finding: self.ignore_requested.emit(f))
            actions.append(ignore)
        return actions

    def build_context_menu(self, point: QPoint, from_keyboard: bool = False) -> QMenu:
        """The standard edit menu, with the finding actions for what is under ``point`` on top."""
        menu = self.createStandardContextMenu(point)
        menu.setAccessibleName("Draft actions")
        # From the keyboard (Menu key, Shift+F10) the word meant is the one the text cursor is in.
        position = self.textCursor().selectionStart() if from_keyboard else self.position_at(point)
        if from_keyboard and not self.findings_at(position) and position > 0:
            position -= 1  # the cursor just after the word still means that word
        actions = self.finding_actions(position, menu)
        existing = menu.actions()
        if actions and existing:
            menu.insertActions(existing[0], actions)
            menu.insertSeparator(existing[0])
        elif actions:
            menu.addActions(actions)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt's name)
        from_keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        menu = self.build_context_menu(event.pos(), from_keyboard)
        menu.exec(event.globalPos())
        menu.deleteLater()
