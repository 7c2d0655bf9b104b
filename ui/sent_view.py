"""What went out, as whom, where, and why an override was allowed: the Sent view."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlparse

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QKeySequence, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checks.workspace import Account
from desktop.records import SentPost
from ui.delete_dialog import DeleteDialog

EMPTY_TEXT = "Nothing sent yet."
NO_REASON = "—"
COLUMNS = ("Sent", "Account", "Text", "Destination", "Status", "Override reason")
OUTBOX = "outbox"
DELETE_TEXT = "Delete on platform…"
SELECT_NOTE = "Select a published post to delete it on its platform."
DELETE_NOTE = "Remove the selected post from its platform. Second Look keeps the record and asks why."
OUTBOX_NOTE = "Outbox posts never left this computer: there is nothing to delete on a platform."
ALREADY_DELETED_NOTE = "This post is already deleted on its platform; the record stays here."
NO_REMOTE_ID_NOTE = (
    "Second Look has no platform id for this post (channels such as webhooks return none), "
    "so it cannot delete it. Remove it on the platform itself."
)
_STATUS_REASON_LENGTH = 80
_CAPPED_COLUMNS = ("Destination", "Status")  # long URLs and reasons must not squeeze the post's text
_CAPPED_WIDTH = 200


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


def status_text(post: SentPost, now: datetime | None = None) -> str:
    """The Status cell: "Deleted today 14:02 by sam: wrong date", "Published", "In the outbox"."""
    if post.deleted_at is not None:
        when = format_local_time(post.deleted_at, now)
        if when.startswith(("Today ", "Yesterday ")):
            when = when[0].lower() + when[1:]
        text = f"Deleted {when}"
        if post.deleted_by:
            text += f" by {post.deleted_by}"
        reason = _one_line(post.delete_reason or "")
        if reason:
            text += f": {_shortened(reason, _STATUS_REASON_LENGTH)}"
        return text
    if post.destination == OUTBOX:
        return "In the outbox"
    return "Published"


def status_tooltip(post: SentPost) -> str:
    if post.deleted_at is not None:
        lines = [f"Deleted on the platform {post.deleted_at.astimezone().strftime('%A %d %B %Y, %H:%M:%S %Z')}"]
        lines.append(f"By: {post.deleted_by or 'not recorded'}")
        lines.append(f"Why: {post.delete_reason or 'not recorded'}")
        lines.append("Second Look keeps the record: the text, when it went out, who deleted it and why.")
        return "\n".join(lines)
    if post.destination == OUTBOX:
        return OUTBOX_NOTE
    return f"Published to {post.url or post.destination}"


def delete_unavailable_reason(post: SentPost) -> str | None:
    """Why ``post`` cannot be deleted on its platform from here, or None when it can."""
    if post.deleted:
        return ALREADY_DELETED_NOTE
    if post.destination == OUTBOX:
        return OUTBOX_NOTE
    if post.remote_id is None:
        return NO_REMOTE_ID_NOTE
    return None


def can_delete(post: SentPost) -> bool:
    """True for a post published to a platform (it has the platform's id) and not deleted yet."""
    return delete_unavailable_reason(post) is None


def acknowledgement_text(post: SentPost, *, personal: bool = False) -> str:
    """A short, neutral start of a public acknowledgement for the deleted ``post``, for the person to finish.

    It quotes neither the deleted text (the mistake may be in it) nor the reason for deleting it: that
    was written for the record, and may name what must not be public. ``personal`` speaks as "I".
    """
    who = "I" if personal else "We"
    return f"{who} deleted an earlier post that should not have gone out. Sorry for the confusion — "


def acknowledgement_question(post: SentPost, accounts: Mapping[str, Account]) -> str:
    return (
        f"The post is deleted on {_place(post, accounts)}. Deleting hides a mistake from the timeline; "
        "owning it keeps trust. Draft an acknowledgement?"
    )


class SentView(QWidget):
    """A table of sent posts, newest first, or "Nothing sent yet."; deleted posts stay listed, marked.

    The view deletes nothing. "Delete on platform…" (the button under the table, the row's context
    menu, or the Delete key) opens a :class:`~ui.delete_dialog.DeleteDialog` for the selected post
    when it was published to a platform and is not deleted yet; when the person confirms, the view
    emits :attr:`delete_requested`. The window deletes, then calls :meth:`show_deleted` (or
    :meth:`set_posts`) and :meth:`offer_acknowledgement`.

    Signals:
        delete_requested(int, str): delete the sent post with this id on its platform, for this reason
            (already confirmed, the reason stripped and at most 2,000 characters).
        acknowledgement_requested(object): the person wants to draft an acknowledgement of this
            deleted :class:`~desktop.records.SentPost` (see :func:`acknowledgement_text`).
    """

    delete_requested = Signal(int, str)
    acknowledgement_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sent posts")
        self._posts: list[SentPost] = []
        self._accounts: Mapping[str, Account] = {}
        self._acknowledged_post: SentPost | None = None
        self.delete_dialog: DeleteDialog | None = None  # the open dialog, if any

        self.table = self._build_table()
        buttons = self._build_delete_row()

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName(EMPTY_TEXT)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.table, 1)
        page_layout.addLayout(buttons)

        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_acknowledgement_bar())
        layout.addWidget(self._stack, 1)
        self._update_delete_state()

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setAccessibleName("Sent posts, newest first")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Text"), QHeaderView.ResizeMode.Stretch)
        for column in _CAPPED_COLUMNS:  # sized in set_posts: fit, up to a limit; the tooltip has it all
            header.setSectionResizeMode(COLUMNS.index(column), QHeaderView.ResizeMode.Interactive)
        table.itemSelectionChanged.connect(self._update_delete_state)
        return table

    def _build_delete_row(self) -> QHBoxLayout:
        # One command for the button, the row's context menu and the Delete key.
        self.delete_action = QAction(DELETE_TEXT, self.table)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.request_delete)
        self.table.addAction(self.delete_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.delete_button = QPushButton(DELETE_TEXT)
        self.delete_button.setAccessibleName("Delete the selected post on its platform")
        self.delete_button.clicked.connect(self.request_delete)
        # Disabled buttons cannot take focus, so why it is disabled is also written out, not only a tooltip.
        self.delete_hint = QLabel()
        self.delete_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.delete_hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.delete_hint, 1)
        return buttons

    def _build_acknowledgement_bar(self) -> QFrame:
        self.acknowledgement_bar = QFrame()
        self.acknowledgement_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.acknowledgement_bar.setAccessibleName("Acknowledge the deleted post")
        self.acknowledgement_label = QLabel()
        self.acknowledgement_label.setTextFormat(Qt.TextFormat.PlainText)
        self.acknowledgement_label.setWordWrap(True)
        self.draft_acknowledgement_button = QPushButton("Draft acknowledgement")
        self.draft_acknowledgement_button.setAccessibleName("Draft an acknowledgement of the deleted post")
        self.draft_acknowledgement_button.clicked.connect(self._draft_acknowledgement)
        self.not_now_button = QPushButton("Not now")
        self.not_now_button.setAccessibleName("Not now, don't draft an acknowledgement")
        self.not_now_button.clicked.connect(self.dismiss_acknowledgement)
        row = QHBoxLayout(self.acknowledgement_bar)
        row.addWidget(self.acknowledgement_label, 1)
        row.addWidget(self.draft_acknowledgement_button)
        row.addWidget(self.not_now_button)
        self.acknowledgement_bar.hide()
        return self.acknowledgement_bar

    # --- API -----------------------------------------------------------------------------------

    def posts(self) -> list[SentPost]:
        """The posts shown, in display order (newest first)."""
        return list(self._posts)

    def is_empty(self) -> bool:
        return not self._posts

    def set_posts(self, posts: Sequence[SentPost], accounts: Mapping[str, Account]) -> None:
        """Show ``posts``; the selected post stays selected when it is still listed."""
        selected = self.selected_post()
        self._accounts = accounts
        # Sorted here, not by the header: sorting the readable time strings would be alphabetical.
        self._posts = sorted(posts, key=lambda p: p.sent_at, reverse=True)
        self.table.setRowCount(len(self._posts))
        now = datetime.now().astimezone()
        for row, post in enumerate(self._posts):
            for column, item in enumerate(self._row_items(post, accounts, now)):
                self.table.setItem(row, column, item)
        self._stack.setCurrentIndex(1 if self._posts else 0)
        for column in map(COLUMNS.index, _CAPPED_COLUMNS):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), _CAPPED_WIDTH))
        # Rows are reused, so the old selection (or the one Qt moves to when a row goes) may be another post.
        self.table.clearSelection()
        if selected is not None:
            self.select_post(selected.id)
        self._update_delete_state()

    def show_deleted(self, post: SentPost) -> None:
        """Show ``post`` (as the delete returned it) in place of the listed post with its id."""
        others = [p for p in self._posts if p.id != post.id]
        self.set_posts([*others, post], self._accounts)

    def selected_post(self) -> SentPost | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self._posts):
            return None
        return self._posts[rows[0].row()]

    def select_post(self, post_id: int) -> bool:
        """Select the post with ``post_id``; False when it is not listed."""
        for row, post in enumerate(self._posts):
            if post.id == post_id:
                self.table.selectRow(row)
                return True
        return False

    def request_delete(self) -> DeleteDialog | None:
        """Open the delete dialog for the selected post (when it can be deleted); returns the dialog.

        The dialog is window-modal and does not block; :attr:`delete_requested` is emitted when the
        person confirms it.
        """
        post = self.selected_post()
        if post is None or not can_delete(post):
            return None
        if self.delete_dialog is not None:
            self.delete_dialog.raise_()
            self.delete_dialog.activateWindow()
            return self.delete_dialog
        dialog = self.create_delete_dialog(post, account_label(post.account_id, self._accounts))
        self.delete_dialog = dialog
        dialog.accepted.connect(lambda: self.delete_requested.emit(post.id, dialog.reason()))
        dialog.finished.connect(lambda _result: self._delete_dialog_closed(dialog))
        dialog.open()
        return dialog

    def create_delete_dialog(self, post: SentPost, label: str) -> DeleteDialog:
        """Make (not open) the dialog for ``post``; a subclass or a test may replace it."""
        return DeleteDialog(post, label, self)

    def offer_acknowledgement(self, post: SentPost) -> None:
        """After a delete: offer, without blocking, to draft a public acknowledgement of ``post``."""
        self._acknowledged_post = post
        question = acknowledgement_question(post, self._accounts)
        self.acknowledgement_label.setText(question)
        self.acknowledgement_label.setAccessibleName(question)
        self.acknowledgement_bar.setAccessibleDescription(question)
        self.acknowledgement_bar.show()
        if self.isVisible():
            # The person just deleted the post; the question is the next thing for them to read.
            self.draft_acknowledgement_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def dismiss_acknowledgement(self) -> None:
        """Hide the acknowledgement offer ("Not now")."""
        self._acknowledged_post = None
        self.acknowledgement_bar.hide()

    def cell_text(self, row: int, column: str) -> str:
        """The text shown in ``row`` under the heading ``column`` (for tests and accessibility tools)."""
        item = self.table.item(row, COLUMNS.index(column))
        return item.text() if item is not None else ""

    # --- internals -----------------------------------------------------------------------------

    def _row_items(self, post: SentPost, accounts: Mapping[str, Account], now: datetime) -> list[QTableWidgetItem]:
        account = accounts.get(post.account_id)
        time_item = QTableWidgetItem(format_local_time(post.sent_at, now))
        time_item.setToolTip(post.sent_at.astimezone().strftime("%A %d %B %Y, %H:%M:%S %Z"))
        time_item.setData(Qt.ItemDataRole.UserRole, post.id)
        account_item = QTableWidgetItem(colour_icon(account), account_label(post.account_id, accounts))
        text_item = QTableWidgetItem(first_line(post.text))
        text_item.setToolTip(plain_tooltip(post.text))
        where = post.url or post.destination
        destination_item = QTableWidgetItem(where)
        destination_item.setToolTip(
            plain_tooltip(where + ("\n(deleted: the link no longer works)" if post.deleted else ""))
        )
        status_item = QTableWidgetItem(status_text(post, now))
        status_item.setToolTip(plain_tooltip(status_tooltip(post)))
        reason_item = QTableWidgetItem(post.override_reason or NO_REASON)
        reason_item.setToolTip(plain_tooltip(_override_tooltip(post)))
        items = [time_item, account_item, text_item, destination_item, status_item, reason_item]
        if post.deleted:
            # Marked, never hidden: greyed, the text and link struck through, the Status cell says who and why.
            grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            for item in items:
                if item is not status_item:
                    item.setForeground(grey)
            for item in (text_item, destination_item):
                font = QFont(item.font())
                font.setStrikeOut(True)
                item.setFont(font)
            text_item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Deleted: {text_item.text()}")
        return items

    def _update_delete_state(self) -> None:
        post = self.selected_post()
        if post is None:
            enabled, note = False, SELECT_NOTE
        else:
            problem = delete_unavailable_reason(post)
            enabled, note = problem is None, problem or DELETE_NOTE
        for control in (self.delete_button, self.delete_action):
            control.setEnabled(enabled)
            control.setToolTip(note)
        self.delete_button.setAccessibleDescription(note)
        hint = "" if enabled else note
        self.delete_hint.setText(hint)
        self.delete_hint.setAccessibleName(hint)

    def _delete_dialog_closed(self, dialog: DeleteDialog) -> None:
        if self.delete_dialog is dialog:
            self.delete_dialog = None
        dialog.deleteLater()

    def _draft_acknowledgement(self) -> None:
        post = self._acknowledged_post
        self.dismiss_acknowledgement()
        if post is not None:
            self.acknowledgement_requested.emit(post)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _place(post: SentPost, accounts: Mapping[str, Account]) -> str:
    """Where the post was: the platform's name when the account is known, else the link's host."""
    account = accounts.get(post.account_id)
    if account is not None:
        return account.platform_name
    host = urlparse(post.url or post.destination).hostname
    return host or post.destination


def _override_tooltip(post: SentPost) -> str:
    parts: list[str] = []
    if post.override_reason:
        parts.append(f"Reason: {post.override_reason}")
    if post.overridden:
        parts.append("Overridden:\n" + "\n".join(f"• {o}" for o in post.overridden))
    if post.acknowledged:
        parts.append("Warnings acknowledged:\n" + "\n".join(f"• {a}" for a in post.acknowledged))
    return "\n\n".join(parts) if parts else "No findings were overridden or acknowledged."
