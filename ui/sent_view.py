"""What went out, as whom, where, and why an override was allowed: the Sent view."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checks.workspace import Account
from desktop.records import SentPost

EMPTY_TEXT = "Nothing sent yet."
NO_REASON = "—"
COLUMNS = ("Sent", "Account", "Text", "Destination", "Override reason")


def format_local_time(moment: datetime, now: datetime | None = None) -> str:
    """``moment`` in the computer's time zone, readably: "Today 14:03", "Yesterday 09:12", "3 Mar 2025 17:40"."""
    local = moment.astimezone()  # records are UTC; people read their own clock
    today = (now or datetime.now().astimezone()).astimezone().date()
    clock = local.strftime("%H:%M")
    days = (today - local.date()).days
    if days == 0:
        return f"Today {clock}"
    if days == 1:
        return f"Yesterday {clock}"
    return f"{local.day} {local.strftime('%b %Y')} {clock}"


def first_line(text: str) -> str:
    """The first non-blank line, with "…" when more follows; "(empty)" for blank text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "(empty)"
    return lines[0] + (" …" if len(lines) > 1 else "")


def account_label(account_id: str, accounts: Mapping[str, Account]) -> str:
    account = accounts.get(account_id)
    if account is None:
        return f"{account_id} (no longer in this workspace)"
    return f"{account.name} ({account.handle})"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally: Qt renders tooltips that look like HTML as HTML."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def colour_icon(account: Account | None) -> QIcon:
    """A small swatch of the account's colour, next to its name (the name is always there too)."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(account.colour) if account is not None and account.colour else QColor(Qt.GlobalColor.gray))
    return QIcon(pixmap)


class SentView(QWidget):
    """A read-only table of sent posts, newest first, or "Nothing sent yet.".

    Signals:
        None; the view only displays what :meth:`set_posts` gives it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sent posts")
        self._posts: list[SentPost] = []

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Sent posts, newest first")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Text"), QHeaderView.ResizeMode.Stretch)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName(EMPTY_TEXT)

        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

    def posts(self) -> list[SentPost]:
        """The posts shown, in display order (newest first)."""
        return list(self._posts)

    def is_empty(self) -> bool:
        return not self._posts

    def set_posts(self, posts: Sequence[SentPost], accounts: Mapping[str, Account]) -> None:
        # Sorted here, not by the header: sorting the readable time strings would be alphabetical.
        self._posts = sorted(posts, key=lambda p: p.sent_at, reverse=True)
        self.table.setRowCount(len(self._posts))
        now = datetime.now().astimezone()
        for row, post in enumerate(self._posts):
            account = accounts.get(post.account_id)
            time_item = QTableWidgetItem(format_local_time(post.sent_at, now))
            time_item.setToolTip(post.sent_at.astimezone().strftime("%A %d %B %Y, %H:%M:%S %Z"))
            time_item.setData(Qt.ItemDataRole.UserRole, post.id)
            account_item = QTableWidgetItem(colour_icon(account), account_label(post.account_id, accounts))
            text_item = QTableWidgetItem(first_line(post.text))
            text_item.setToolTip(plain_tooltip(post.text))
            destination_item = QTableWidgetItem(post.destination)
            destination_item.setToolTip(plain_tooltip(post.destination))
            reason_item = QTableWidgetItem(post.override_reason or NO_REASON)
            reason_item.setToolTip(plain_tooltip(_override_tooltip(post)))
            for column, item in enumerate((time_item, account_item, text_item, destination_item, reason_item)):
                self.table.setItem(row, column, item)
        self._stack.setCurrentWidget(self.table if self._posts else self.empty_label)

    def cell_text(self, row: int, column: str) -> str:
        """The text shown in ``row`` under the heading ``column`` (for tests and accessibility tools)."""
        item = self.table.item(row, COLUMNS.index(column))
        return item.text() if item is not None else ""


def _override_tooltip(post: SentPost) -> str:
    parts: list[str] = []
    if post.override_reason:
        parts.append(f"Reason: {post.override_reason}")
    if post.overridden:
        parts.append("Overridden:\n" + "\n".join(f"• {o}" for o in post.overridden))
    if post.acknowledged:
        parts.append("Warnings acknowledged:\n" + "\n".join(f"• {a}" for a in post.acknowledged))
    return "\n\n".join(parts) if parts else "No findings were overridden or acknowledged."
