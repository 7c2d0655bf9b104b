"""The list of what the checks found, grouped by how much it matters, with one-click fixes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QFont, QFontMetrics, QMouseEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checks.findings import Finding, Severity, SkippedCheck
from ui.style import SEVERITIES_BY_RANK, SEVERITY_COLOURS, SEVERITY_TITLES, SEVERITY_WORDS, clip

_FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
_GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
# A pasted megabyte can yield thousands of findings; past this many the list stops adding rows (the
# counts stay exact) so building and laying it out stays quick.
MAX_ROWS = 1000

_PAD = 6
_BAR = 4
_GAP = 8


def fix_label(finding: Finding) -> str:
    """``Fix: replace with “Boost”``, the suggestion shortened to fit a button."""
    return f"Fix: replace with “{clip(finding.suggestion or '', 30)}”"


@dataclass(frozen=True)
class _RowLayout:
    """Where each part of a finding's row goes; paint and clicks use the same one."""

    quote: QRect
    message: QRect
    meta: QRect
    fix: QRect | None
    height: int


class _FindingDelegate(QStyledItemDelegate):
    """Draws a finding as a card: a severity bar, the quoted words, the message wrapped, the check id
    in small grey type and, when there is a suggestion, a Fix button that acts on one click."""

    def __init__(self, tree: QTreeWidget, on_fix: Callable[[Finding], None]) -> None:
        super().__init__(tree)
        self._tree = tree
        self._on_fix = on_fix

    # --- geometry ---------------------------------------------------------------------------------

    @staticmethod
    def _fonts(base: QFont) -> tuple[QFont, QFont, QFont]:
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
        return base, bold, small

    def _layout(self, rect: QRect, finding: Finding, font: QFont) -> _RowLayout:
        base, bold, small = self._fonts(font)
        left = rect.left() + _PAD + _BAR + _GAP
        width = max(40, rect.right() - _PAD - left)
        top = rect.top() + _PAD
        quote_h = QFontMetrics(bold).height()
        quote = QRect(left, top, width, quote_h)
        top += quote_h + 2
        message_h = (
            QFontMetrics(base)
            .boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, finding.message)
            .height()
        )
        message = QRect(left, top, width, message_h)
        top += message_h + 4
        meta_h = QFontMetrics(small).height()
        fix = None
        row_h = meta_h
        if finding.suggestion is not None:
            metrics = QFontMetrics(base)
            fix_w = min(width, metrics.horizontalAdvance(fix_label(finding)) + 20)
            fix_h = metrics.height() + 8
            fix = QRect(left + width - fix_w, top, fix_w, fix_h)
            row_h = max(meta_h, fix_h)
        meta = QRect(left, top, width - (fix.width() + _GAP if fix else 0), row_h)
        top += row_h + _PAD
        return _RowLayout(quote, message, meta, fix, top - rect.top())

    def _width(self, option: QStyleOptionViewItem) -> int:
        # Tree views ask for row heights with no width (option.rect is empty); the viewport's width
        # is the row's width here, since the tree has no indentation.
        width = option.rect.width()
        return width if width > 0 else self._tree.viewport().width()

    # --- QStyledItemDelegate ----------------------------------------------------------------------

    def sizeHint(  # noqa: N802 (Qt's name)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        finding = index.data(_FINDING_ROLE)
        font: QFont = option.font
        if not isinstance(finding, Finding):
            _, bold, _ = self._fonts(font)
            return QSize(self._width(option), QFontMetrics(bold).height() + 2 * _PAD + 4)
        rect = QRect(0, 0, self._width(option), 0)
        return QSize(rect.width(), self._layout(rect, finding, font).height)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        finding = index.data(_FINDING_ROLE)
        rect: QRect = option.rect
        font: QFont = option.font
        base, bold, small = self._fonts(font)
        painter.save()
        if not isinstance(finding, Finding):
            severity = index.data(_GROUP_ROLE)
            painter.setFont(bold)
            colour = SEVERITY_COLOURS[severity] if isinstance(severity, Severity) else "#444444"
            painter.setPen(QColor(colour))
            text_rect = rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, index.data())
            painter.drawLine(rect.left() + _PAD, rect.bottom(), rect.right() - _PAD, rect.bottom())
            painter.restore()
            return

        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        view_option.text = ""  # the card is drawn below, not the plain text
        style = self._tree.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, view_option, painter, self._tree)
        selected = bool(view_option.state & QStyle.StateFlag.State_Selected)
        palette = view_option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()

        layout = self._layout(rect, finding, font)
        painter.fillRect(
            QRect(rect.left() + _PAD, rect.top() + _PAD, _BAR, rect.height() - 2 * _PAD),
            QColor(SEVERITY_COLOURS[finding.severity]),
        )
        painter.setPen(text_colour)
        painter.setFont(bold)
        quote = QFontMetrics(bold).elidedText(
            f"“{clip(finding.text, 200)}”", Qt.TextElideMode.ElideMiddle, layout.quote.width()
        )
        # TextDontClip: some fonts draw "_" below their own descent, and the check ids are full of them.
        single_line = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
        painter.drawText(layout.quote, single_line, quote)
        painter.setFont(base)
        painter.drawText(layout.message, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, finding.message)
        painter.setFont(small)
        meta_colour = QColor(text_colour)
        meta_colour.setAlphaF(0.6)  # subtle: the check id is for the curious and for reporting
        painter.setPen(meta_colour)
        meta = QFontMetrics(small).elidedText(
            f"{SEVERITY_WORDS[finding.severity]} · {finding.check}", Qt.TextElideMode.ElideRight, layout.meta.width()
        )
        painter.drawText(layout.meta, single_line, meta)
        if layout.fix is not None:
            button = QStyleOptionButton()
            button.rect = layout.fix
            button.text = fix_label(finding)
            button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
            button.palette = self._tree.palette()
            button.fontMetrics = QFontMetrics(base)
            painter.setFont(base)
            style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, self._tree)
        painter.restore()

    def fix_rect(self, rect: QRect, finding: Finding, font: QFont) -> QRect | None:
        return self._layout(rect, finding, font).fix

    def editorEvent(  # noqa: N802 (Qt's name)
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        finding = index.data(_FINDING_ROLE)
        mouse_events = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)
        if isinstance(finding, Finding) and isinstance(event, QMouseEvent) and event.type() in mouse_events:
            fix = self.fix_rect(option.rect, finding, option.font)
            if fix is not None and fix.contains(event.position().toPoint()):
                # The whole click belongs to the button: it neither selects the row nor opens it.
                if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
                    self._on_fix(finding)
                return True
        return super().editorEvent(event, model, option, index)


class _FindingsTree(QTreeWidget):
    """The tree, re-laying out its rows when its width changes (wrapped messages change height)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menu_for: Callable[[QTreeWidgetItem | None], QMenu | None] = lambda _item: None

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt's name)
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        item = self.currentItem() if keyboard else self.itemAt(event.pos())
        menu = self.menu_for(item)
        if menu is None:
            return
        if keyboard and item is not None:
            where = self.viewport().mapToGlobal(self.visualItemRect(item).bottomLeft())
        else:
            where = event.globalPos()
        menu.exec(where)
        menu.deleteLater()


class FindingsPanel(QWidget):
    """What the checks found, most serious first: Blocking, Warnings and Notes, each with its count.

    Each row quotes the words, explains the problem and names the check; a row with a suggestion has
    a Fix button. The buttons under the list (and each row's context menu) act on the current row
    for keyboard users. A status line shows "Checking…" or the model's loading with a busy
    indicator, and a note says which checks were skipped and why.

    Signals:
        finding_selected(Finding): the person moved to this finding in the list.
        finding_activated(Finding): Enter or a double-click on this finding (go to it in the draft).
        fix_requested(Finding): Fix was chosen for this finding (it has a suggestion).
        ignore_requested(Finding): "Ignore here" was chosen for this finding.
    """

    finding_selected = Signal(object)
    finding_activated = Signal(object)
    fix_requested = Signal(object)
    ignore_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Findings")
        self._findings: list[Finding] = []
        self._counts: dict[Severity, int] = {s: 0 for s in Severity}
        self._rebuilding = False
        # Python-side index of the tree, so lookups need no walk through Qt's items.
        self._headers: list[QTreeWidgetItem] = []
        self._rows: list[tuple[QTreeWidgetItem, Finding]] = []
        self._build_status()
        self._build_tree()
        self._build_buttons()
        self._arrange()
        self._update_buttons()

    def _build_status(self) -> None:
        self._summary = QLabel("Not checked yet", self)
        self._summary.setAccessibleName("Check summary")
        summary_font = self._summary.font()
        summary_font.setBold(True)
        self._summary.setFont(summary_font)

        self._busy = QProgressBar(self)
        self._busy.setAccessibleName("Checking in progress")
        self._busy.setRange(0, 0)  # indeterminate: how long the model takes to load is not known
        self._busy.setTextVisible(False)
        self._busy.setFixedSize(64, 10)
        self._busy.hide()
        self._status = QLabel(self)
        self._status.setAccessibleName("Check status")
        self._status.setWordWrap(True)
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.hide()

        self._skipped = QLabel(self)
        self._skipped.setAccessibleName("Checks not run")
        self._skipped.setWordWrap(True)
        self._skipped.setTextFormat(Qt.TextFormat.PlainText)
        self._skipped.setStyleSheet(f"color: {SEVERITY_COLOURS[Severity.INFO]};")
        self._skipped.hide()

    def _build_tree(self) -> None:
        self._tree = _FindingsTree(self)
        self._tree.setAccessibleName("Problems in the draft")
        self._tree.setHeaderHidden(True)
        self._tree.setColumnCount(1)
        self._tree.setRootIsDecorated(False)
        self._tree.setIndentation(0)  # the delegate sizes rows to the viewport's width
        self._tree.setItemsExpandable(False)
        self._tree.setUniformRowHeights(False)
        self._tree.setWordWrap(True)
        self._tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._delegate = _FindingDelegate(self._tree, self._request_fix)
        self._tree.setItemDelegate(self._delegate)
        self._tree.menu_for = self.build_context_menu
        self._tree.currentItemChanged.connect(self._on_current_changed)
        self._tree.itemActivated.connect(self._on_activated)

    def _build_buttons(self) -> None:
        self._fix_button = QPushButton("Fix", self)
        self._fix_button.setAccessibleName("Fix the selected finding")
        self._fix_button.clicked.connect(lambda: self._act(self._request_fix))
        self._ignore_button = QPushButton("Ignore here", self)
        self._ignore_button.setAccessibleName("Ignore the selected finding in this draft")
        self._ignore_button.clicked.connect(lambda: self._act(self.ignore_requested.emit))
        for button in (self._fix_button, self._ignore_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def _arrange(self) -> None:
        status_row = QHBoxLayout()
        status_row.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignVCenter)
        status_row.addWidget(self._status, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self._fix_button)
        buttons.addWidget(self._ignore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._summary)
        layout.addLayout(status_row)
        layout.addWidget(self._skipped)
        layout.addWidget(self._tree, 1)
        layout.addLayout(buttons)

    # --- findings ---------------------------------------------------------------------------------

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """Show ``findings``: grouped by severity, in text order within a group.

        Rebuilding never emits ``finding_selected``: a fresh result must not move the draft's cursor.
        The current row is kept when the same finding is still there.
        """
        current = self.current_finding()
        self._findings = list(findings)
        self._counts = {s: 0 for s in Severity}
        for finding in self._findings:
            self._counts[finding.severity] += 1
        self._rebuilding = True
        try:
            self._tree.clear()
            self._headers, self._rows = [], []
            shown = 0
            restore: QTreeWidgetItem | None = None
            for severity in SEVERITIES_BY_RANK:
                group = sorted((f for f in self._findings if f.severity is severity), key=lambda f: (f.start, f.end))
                if not group:
                    continue
                header = QTreeWidgetItem([self._group_title(severity)])
                header.setData(0, _GROUP_ROLE, severity)
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable
                self._tree.addTopLevelItem(header)
                self._headers.append(header)
                for finding in group:
                    if shown >= MAX_ROWS:
                        break
                    item = self._item_for(finding)
                    header.addChild(item)
                    self._rows.append((item, finding))
                    shown += 1
                    if finding == current and restore is None:
                        restore = item
                header.setExpanded(True)
            if restore is not None:
                self._tree.setCurrentItem(restore)
        finally:
            self._rebuilding = False
        self._summary.setText(self._summary_line(shown))
        self._update_buttons()

    def clear(self) -> None:
        """Back to "Not checked yet", with no rows."""
        self.set_findings([])
        self._summary.setText("Not checked yet")

    def findings(self) -> list[Finding]:
        return list(self._findings)

    def finding_count(self) -> dict[Severity, int]:
        return dict(self._counts)

    def group_titles(self) -> list[str]:
        """The visible group headings, e.g. ``["Blocking (1)", "Warnings (2)"]``."""
        return [header.text(0) for header in self._headers]

    def shown_findings(self) -> list[Finding]:
        """The rows in display order (at most :data:`MAX_ROWS`)."""
        return [finding for _item, finding in self._rows]

    def item_for(self, finding: Finding) -> QTreeWidgetItem | None:
        return next((item for item, shown in self._rows if shown == finding), None)

    def current_finding(self) -> Finding | None:
        item = self._tree.currentItem()
        finding = item.data(0, _FINDING_ROLE) if item is not None else None
        return finding if isinstance(finding, Finding) else None

    def select_finding(self, finding: Finding) -> bool:
        """Make ``finding`` the current row (emits ``finding_selected``). False if it is not listed."""
        item = self.item_for(finding)
        if item is None:
            return False
        self._tree.setCurrentItem(item)
        self._tree.scrollToItem(item)
        return True

    def tree(self) -> QTreeWidget:
        return self._tree

    def fix_button(self) -> QPushButton:
        return self._fix_button

    def ignore_button(self) -> QPushButton:
        return self._ignore_button

    def fix_button_rect(self, finding: Finding) -> QRect | None:
        """Where a row's Fix button is drawn, in the tree's viewport coordinates (None: no button)."""
        item = self.item_for(finding)
        if item is None:
            return None
        return self._delegate.fix_rect(self._tree.visualItemRect(item), finding, self._tree.font())

    def build_context_menu(self, item: QTreeWidgetItem | None) -> QMenu | None:
        """The row's menu: Fix (when there is a suggestion), Ignore here. None for headings and gaps."""
        finding = item.data(0, _FINDING_ROLE) if item is not None else None
        if not isinstance(finding, Finding):
            return None
        menu = QMenu(self._tree)
        menu.setAccessibleName("Finding actions")
        if finding.suggestion is not None:
            fix = QAction(fix_label(finding), menu)
            fix.triggered.connect(lambda _checked=False, f=finding: self._request_fix(f))
            menu.addAction(fix)
        ignore = QAction("Ignore here", menu)
        ignore.triggered.connect(lambda _checked=False, f=finding: self.ignore_requested.emit(f))
        menu.addAction(ignore)
        return menu

    # --- status -----------------------------------------------------------------------------------

    def set_status(self, text: str, busy: bool) -> None:
        """A line about checking in progress ("Checking…", "Language model loading — …"); "" hides it."""
        self._status.setText(text)
        self._status.setVisible(bool(text))
        self._busy.setVisible(busy)
        self._busy.setAccessibleDescription(text)

    def status_text(self) -> str:
        return self._status.text()

    def is_busy(self) -> bool:
        return not self._busy.isHidden()

    def set_skipped(self, skipped: Iterable[SkippedCheck | tuple[str, str]]) -> None:
        """Say which checks did not run and why, one line per reason; empty hides the note."""
        by_reason: dict[str, list[str]] = {}
        for entry in skipped:
            check, reason = (entry.check, entry.reason) if isinstance(entry, SkippedCheck) else entry
            by_reason.setdefault(reason, []).append(check)
        lines = []
        for reason, checks in by_reason.items():
            what = checks[0] if len(checks) == 1 else f"{len(checks)} checks"
            lines.append(f"Not checked ({what}): {reason}")
        self._skipped.setText("\n".join(lines))
        self._skipped.setToolTip("\n".join(c for checks in by_reason.values() for c in checks))
        self._skipped.setVisible(bool(lines))

    def skipped_text(self) -> str:
        return self._skipped.text()

    def summary_text(self) -> str:
        return self._summary.text()

    # --- internals --------------------------------------------------------------------------------

    def _group_title(self, severity: Severity) -> str:
        return f"{SEVERITY_TITLES[severity]} ({self._counts[severity]})"

    def _summary_line(self, shown: int) -> str:
        if not self._findings:
            return "No problems found"
        words = {Severity.BLOCK: ("blocking", "blocking"), Severity.WARN: ("warning", "warnings")}
        words[Severity.INFO] = ("note", "notes")
        parts = []
        for severity in SEVERITIES_BY_RANK:
            count = self._counts[severity]
            if count:
                one, many = words[severity]
                parts.append(f"{count:,} {one if count == 1 else many}")
        line = ", ".join(parts)
        if shown < len(self._findings):
            line += f" (showing the first {shown:,})"
        return line

    @staticmethod
    def _item_for(finding: Finding) -> QTreeWidgetItem:
        quoted = f"“{clip(finding.text, 80)}”"
        item = QTreeWidgetItem([f"{quoted} — {finding.message}"])
        item.setData(0, _FINDING_ROLE, finding)
        fix = f" {fix_label(finding)}." if finding.suggestion is not None else ""
        item.setData(
            0,
            Qt.ItemDataRole.AccessibleTextRole,
            f"{SEVERITY_WORDS[finding.severity]}: {quoted}. {finding.message}{fix}",
        )
        item.setToolTip(0, f"{finding.message}\n\n{finding.check}")
        return item

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        self._update_buttons()
        if self._rebuilding or current is None:
            return
        finding = current.data(0, _FINDING_ROLE)
        if isinstance(finding, Finding):
            self.finding_selected.emit(finding)

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        finding = item.data(0, _FINDING_ROLE)
        if isinstance(finding, Finding):
            self.finding_activated.emit(finding)

    def _update_buttons(self) -> None:
        finding = self.current_finding()
        can_fix = finding is not None and finding.suggestion is not None
        self._fix_button.setEnabled(can_fix)
        self._fix_button.setText(fix_label(finding) if can_fix and finding is not None else "Fix")
        self._ignore_button.setEnabled(finding is not None)

    def _act(self, action: Callable[[Finding], None]) -> None:
        finding = self.current_finding()
        if finding is not None:
            action(finding)

    def _request_fix(self, finding: Finding) -> None:
        if finding.suggestion is not None:
            self.fix_requested.emit(finding)
