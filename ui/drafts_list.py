"""The workspace's saved drafts: open, duplicate or discard one, or start a new one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checks.workspace import Account
from desktop.records import Draft
from ui.sent_view import account_label, colour_icon, first_line, format_local_time, plain_tooltip

EMPTY_TEXT = "No drafts yet."
_ID_ROLE = Qt.ItemDataRole.UserRole


class DraftsList(QWidget):
    """A list of drafts, most recently edited first, with New, Open, Duplicate and Discard.

    Double-click or Enter on a draft opens it; Delete discards it. Discarding asks first through
    :attr:`confirm_discard`, a callable ``(draft) -> bool`` that tests may replace (the default
    asks with a message box whose default answer is No). The widget changes nothing itself: it
    emits a request and the window does the work, then calls :meth:`set_drafts` again.

    Signals:
        new_requested(): "New draft" was pressed.
        open_requested(int): open the draft with this id.
        duplicate_requested(int): duplicate the draft with this id.
        discard_requested(int): discard the draft with this id (already confirmed).
    """

    new_requested = Signal()
    open_requested = Signal(int)
    duplicate_requested = Signal(int)
    discard_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Drafts")
        self._drafts: dict[int, Draft] = {}
        self._current_id: int | None = None
        self.confirm_discard: Callable[[Draft], bool] = self._ask_discard

        self.view = QListWidget()
        self.view.setAccessibleName("Saved drafts, most recently edited first")
        self.view.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.view.setWordWrap(True)
        # activated = double-click or Enter (the platform decides which clicks activate).
        self.view.itemActivated.connect(lambda _item: self._request(self.open_requested))
        self.view.itemSelectionChanged.connect(self._update_buttons)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAccessibleName(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.new_button = _button("New draft", "Start a new draft")
        self.open_button = _button("Open", "Open the selected draft")
        self.duplicate_button = _button("Duplicate", "Duplicate the selected draft")
        self.discard_button = _button("Discard…", "Discard the selected draft")
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button.clicked.connect(lambda: self._request(self.open_requested))
        self.duplicate_button.clicked.connect(lambda: self._request(self.duplicate_requested))
        self.discard_button.clicked.connect(self._discard)

        # The same commands on the list's context menu and keys, for keyboard and mouse alike.
        for text, shortcut, slot in (
            ("Open", QKeySequence(), lambda: self._request(self.open_requested)),
            ("Duplicate", QKeySequence("Ctrl+D"), lambda: self._request(self.duplicate_requested)),
            ("Discard…", QKeySequence(QKeySequence.StandardKey.Delete), self._discard),
        ):
            action = QAction(text, self.view)
            if not shortcut.isEmpty():
                action.setShortcut(shortcut)
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.view.addAction(action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.duplicate_button, self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.view, 1)
        self.set_drafts([], {}, None)

    # --- API -----------------------------------------------------------------------------------

    def set_drafts(self, drafts: Sequence[Draft], accounts: Mapping[str, Account], current_id: int | None) -> None:
        """Show ``drafts``; ``current_id`` is the draft open in the editor (marked, and selected
        unless the person had selected another draft that is still listed)."""
        selected = self.selected_id()
        self._drafts = {d.id: d for d in drafts}
        self._current_id = current_id
        self.view.clear()
        now = datetime.now().astimezone()
        for draft in sorted(drafts, key=lambda d: d.updated, reverse=True):
            account = accounts.get(draft.account_id)
            name = account.name if account is not None else account_label(draft.account_id, accounts)
            summary = first_line(draft.text)
            details = f"{name} · edited {format_local_time(draft.updated, now)}"
            if draft.id == current_id:
                details += " · open in the editor"
            item = QListWidgetItem(colour_icon(account), f"{summary}\n{details}")
            item.setData(_ID_ROLE, draft.id)
            item.setToolTip(plain_tooltip(draft.text or "(empty)"))
            if draft.id == current_id:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.view.addItem(item)
        keep = selected if selected in self._drafts else current_id
        if keep is not None:
            self.select(keep)
        self.empty_label.setVisible(not drafts)
        self.view.setVisible(bool(drafts))
        self._update_buttons()

    def draft_ids(self) -> list[int]:
        """The ids in display order."""
        return [self.view.item(row).data(_ID_ROLE) for row in range(self.view.count())]

    def selected_id(self) -> int | None:
        item = self.view.currentItem()
        if item is None or not item.isSelected():
            return None
        value = item.data(_ID_ROLE)
        return value if isinstance(value, int) else None

    def select(self, draft_id: int) -> bool:
        """Select the draft with ``draft_id``; False if it is not listed."""
        for row in range(self.view.count()):
            item = self.view.item(row)
            if item.data(_ID_ROLE) == draft_id:
                self.view.setCurrentItem(item)
                item.setSelected(True)
                return True
        return False

    # --- internals -----------------------------------------------------------------------------

    def _request(self, signal: SignalInstance) -> None:
        draft_id = self.selected_id()
        if draft_id is not None:
            signal.emit(draft_id)

    def _discard(self) -> None:
        draft_id = self.selected_id()
        if draft_id is None:
            return
        if self.confirm_discard(self._drafts[draft_id]):
            self.discard_requested.emit(draft_id)

    def _ask_discard(self, draft: Draft) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Discard draft?")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the draft's words, never read as HTML
        box.setText(f"Discard the draft “{first_line(draft.text)}”? It cannot be brought back.")
        box.setStandardButtons(QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # a stray Enter keeps the draft
        return box.exec() == QMessageBox.StandardButton.Discard

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        for button in (self.open_button, self.duplicate_button, self.discard_button):
            button.setEnabled(has)


def _button(text: str, accessible: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    button.setAutoDefault(False)  # the list may sit in a dialog; Enter there opens, never discards
    return button
