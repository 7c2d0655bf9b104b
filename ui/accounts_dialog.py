"""Connecting accounts: which ones this laptop can publish to, who the platform says they are, and adding more.

:class:`AccountsDialog` lists the workspace's accounts with their state (verified, handle mismatch, signed
out, not verified, not connected) and lets the person verify, remove and add them. :class:`AddAccountDialog`
connects one account: Mastodon (sign in in the browser, or paste an access token), Bluesky (an app
password) or a team channel (a webhook URL).

Both dialogs only talk to the :class:`~desktop.records.AccountsService`, and only on the ``network`` lane
of :class:`~ui.background.Background`: nothing here blocks the GUI thread. A failure is a sentence in the
dialog, never a traceback, and what was typed stays in the fields so it can be corrected.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TypeVar

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from checks.workspace import ACCOUNT_ID, KINDS, Account, Workspace
from desktop.records import (
    MISMATCH,
    SIGNED_OUT,
    UNVERIFIED,
    VERIFIED,
    WEBHOOK_KINDS,
    AccountsService,
    AccountStatus,
    MastodonSignIn,
)
from ui.background import Background
from ui.sent_view import format_local_time, plain_tooltip
from ui.style import followers

T = TypeVar("T")

COLUMNS = ("Account", "Platform", "State", "Platform identity", "Last verified")
NEVER = "never"
NO_IDENTITY = "—"
WORKING_TEXT = "Working…"

# How the dialogs name each platform (checks.workspace.PLATFORM_NAMES is worded for sentences).
PLATFORM_TITLES: dict[str, str] = {
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "webhook": "Team channel",
    "outbox": "Local outbox",
    "x": "X",
    "linkedin": "LinkedIn",
}
# The platforms an account can be connected to, in the order the Add dialog offers them.
CONNECTABLE: tuple[tuple[str, str], ...] = (
    ("mastodon", "Mastodon"),
    ("bluesky", "Bluesky"),
    ("webhook", "Team channel (webhook)"),
)
DEFAULT_BLUESKY_SERVICE = "https://bsky.social"
APP_PASSWORD_HINT = (
    "Use an app password, not your account password: in Bluesky, Settings → Privacy and security → "
    "App passwords → Add App Password."
)
WEBHOOK_HINT = "A webhook URL lets anyone who has it post to the channel: it is kept in this computer's keyring."
TOKEN_HINT = (
    "On your server: Preferences → Development → New application (scopes read and write), then copy "
    "“Your access token”."
)
APP_PASSWORD_MISSING = "Enter an app password (Settings → Privacy and security → App passwords)."
BROWSER_HINT = "Press “Sign in in the browser”, approve Second Look there, then paste the code the page shows."
# The same rule as accounts.toml's ids (checks.workspace), so the message comes before any network call.
ACCOUNT_ID_RULE = "An account id is lowercase letters, digits, '-' or '_', up to 64 characters (e.g. acme)."

_ERROR_STYLE = "color: #B71C1C; background: #FFEBEE; border: 1px solid #E57373; border-radius: 4px; padding: 4px 6px;"
_STATE_COLOURS = {VERIFIED: "#1B5E20", MISMATCH: "#B71C1C", SIGNED_OUT: "#B71C1C", UNVERIFIED: "#8A5300"}
# A mark before the state, so it reads without its colour (on a selected row, or to colour-blind eyes).
_STATE_MARKS = {VERIFIED: "✓", MISMATCH: "⚠", SIGNED_OUT: "⚠"}


def platform_title(status: AccountStatus) -> str:
    """``"Mastodon"``, ``"Team channel (Slack)"``, ``"Local outbox"``..."""
    title = PLATFORM_TITLES.get(status.platform, status.platform)
    connection = status.connection
    if status.platform == "webhook" and connection is not None and connection.server in WEBHOOK_KINDS:
        return f"{title} ({WEBHOOK_KINDS[connection.server]})"
    return title


def state_text(status: AccountStatus) -> str:
    """``"✓ verified"``, ``"⚠ handle mismatch"``, ``"not connected"``: the state as the table shows it."""
    mark = _STATE_MARKS.get(status.state)
    return f"{mark} {status.state}" if mark else status.state


def identity_text(status: AccountStatus) -> str:
    """Who the platform said the account is, at the last verification: name, handle, followers."""
    connection = status.connection
    if connection is None:
        return NO_IDENTITY
    parts = [p for p in (connection.display_name, connection.handle) if p]
    if connection.followers is not None:
        parts.append(followers(connection.followers))
    return "  ·  ".join(parts) if parts else NO_IDENTITY


def verified_text(status: AccountStatus, now: datetime | None = None) -> str:
    connection = status.connection
    if connection is None or connection.verified_at is None:
        return NEVER
    return format_local_time(connection.verified_at, now)


def _label(text: str, accessible: str | None = None, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages and names are data, never markup
    label.setWordWrap(wrap)
    label.setAccessibleName(accessible or text)
    return label


def _error_label() -> QLabel:
    label = _label("", "Problem")
    label.setStyleSheet(_ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _busy_bar(accessible: str) -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)  # indeterminate: a network call has no progress to report
    bar.setTextVisible(False)
    bar.setMaximumHeight(10)
    bar.setAccessibleName(accessible)
    bar.hide()
    return bar


def _button(text: str, accessible: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


def _line_edit(accessible: str, placeholder: str = "", *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData)
    return edit


class _NetworkCalls:
    """Counts a dialog's calls in flight and drops results that arrive after the dialog is gone."""

    def __init__(self, owner: QWidget, background: Background, changed: Callable[[], None]) -> None:
        self._owner = owner
        self._background = background
        self._changed = changed
        self.pending = 0

    def run(
        self, fn: Callable[[], T], on_success: Callable[[T], None], on_failure: Callable[[BaseException], None]
    ) -> None:
        self.pending += 1
        self._changed()

        def succeeded(value: T) -> None:
            if self._settle():
                on_success(value)

        def failed(error: BaseException) -> None:
            if self._settle():
                on_failure(error)

        self._background.run("network", fn, succeeded, failed)

    def _settle(self) -> bool:
        if not isValid(self._owner):  # the widget was deleted while the call ran
            return False
        self.pending -= 1
        self._changed()
        return True


class AddAccountDialog(QDialog):
    """Connects one account: an existing workspace account or a new one, on Mastodon, Bluesky or a team channel.

    Every call goes through the accounts service on the network lane; the service verifies the identity
    with the platform before it saves anything. On success the dialog accepts and :attr:`result_status`
    holds the account's new status; on failure the message shows in the dialog and every field keeps
    what was typed. Password fields (token, app password, webhook URL) are cleared once the dialog is done.

    Signals:
        account_added(object): the :class:`AccountStatus` of the account just connected. Emitted also when
            the result arrives after the dialog was cancelled, so a list of accounts can stay current.
        accepted(), rejected(), finished(int): as for every dialog.
    """

    account_added = Signal(object)

    def __init__(
        self,
        accounts: AccountsService,
        background: Background,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        account_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._accounts = accounts
        self._workspace = workspace
        self._calls = _NetworkCalls(self, background, self._sync)
        self._sign_in: MastodonSignIn | None = None
        self._cancelled = False
        self.result_status: AccountStatus | None = None

        self.setWindowTitle("Add account")
        self.setAccessibleName("Add or connect an account")
        self.setModal(True)
        self.setMinimumWidth(540)

        layout = QVBoxLayout(self)
        self.form = QWidget()
        self.form.setAccessibleName("Account details")
        form_layout = QVBoxLayout(self.form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addLayout(self._build_account_fields())
        self.new_account_box = self._build_new_account_fields()
        form_layout.addWidget(self.new_account_box)
        form_layout.addLayout(self._build_platform_choice())
        self.pages = QStackedWidget()
        self.pages.setAccessibleName("Platform details")
        self.mastodon_page = self._build_mastodon_page()
        self.bluesky_page = self._build_bluesky_page()
        self.webhook_page = self._build_webhook_page()
        for page in (self.mastodon_page, self.bluesky_page, self.webhook_page):
            self.pages.addWidget(page)
        form_layout.addWidget(self.pages)
        layout.addWidget(self.form)
        self._build_footer(layout)

        self._wire()
        if account_id is not None:
            self.account_combo.setEditText(account_id)
        self._account_changed()
        self._platform_changed()
        self.account_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building ----------------------------------------------------------------------------------

    def _build_footer(self, layout: QVBoxLayout) -> None:
        self.error_label = _error_label()
        layout.addWidget(self.error_label)
        busy_row = QHBoxLayout()
        self.busy_label = _label("", "Progress", wrap=False)
        self.busy_label.hide()
        self.busy_bar = _busy_bar("Connecting")
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.busy_bar, 1)
        layout.addLayout(busy_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.connect_button = _button("&Add account", "Add account", self._connect)
        self.connect_button.setAutoDefault(True)
        self.connect_button.setDefault(True)
        self.cancel_button = _button("Cancel", "Cancel, add nothing", self.reject)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    def _build_account_fields(self) -> QFormLayout:
        self.account_combo = QComboBox()
        self.account_combo.setEditable(True)
        self.account_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.account_combo.setAccessibleName("Account id")
        self.account_combo.setAccessibleDescription(
            "Choose an account of this workspace to connect, or type the id of a new one."
        )
        for account in self._workspace.accounts:
            self.account_combo.addItem(f"{account.id} — {account.name}", account.id)
        self.account_combo.setCurrentIndex(-1)
        line = self.account_combo.lineEdit()
        if line is not None:  # always, for an editable combo
            line.setPlaceholderText("Choose an account, or type a new id")
            line.setAccessibleName("Account id")
        self.account_info = _label("", "About this account")
        form = QFormLayout()
        label = QLabel("A&ccount:")
        label.setBuddy(self.account_combo)
        form.addRow(label, self.account_combo)
        form.addRow("", self.account_info)
        return form

    def _build_new_account_fields(self) -> QWidget:
        box = QWidget()
        box.setAccessibleName("New account")
        self.name_edit = _line_edit("Name of the new account", "Default: the name on the platform")
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Kind of the new account")
        for kind in KINDS:
            self.kind_combo.addItem(kind.capitalize(), kind)
        self.kind_combo.setCurrentIndex(KINDS.index("brand"))
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        name_label = QLabel("&Name (optional):")
        name_label.setBuddy(self.name_edit)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind_combo)
        form.addRow(name_label, self.name_edit)
        form.addRow(kind_label, self.kind_combo)
        return box

    def _build_platform_choice(self) -> QFormLayout:
        self.platform_combo = QComboBox()
        self.platform_combo.setAccessibleName("Platform")
        for key, title in CONNECTABLE:
            self.platform_combo.addItem(title, key)
        form = QFormLayout()
        label = QLabel("&Platform:")
        label.setBuddy(self.platform_combo)
        form.addRow(label, self.platform_combo)
        return form

    def _build_mastodon_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName("Mastodon")
        self.server_edit = _line_edit("Mastodon server", "https://mastodon.social")
        self.browser_choice = QRadioButton("Sign in in the &browser (recommended)")
        self.browser_choice.setAccessibleName("Sign in in the browser")
        self.token_choice = QRadioButton("Paste an access &token")
        self.token_choice.setAccessibleName("Paste an access token")
        self._ways = QButtonGroup(page)
        self._ways.addButton(self.browser_choice)
        self._ways.addButton(self.token_choice)
        self.browser_choice.setChecked(True)
        self.browser_box = self._build_browser_box()

        self.token_box = QWidget()
        self.token_box.setAccessibleName("Paste an access token")
        self.token_edit = _line_edit("Access token", "The access token", secret=True)
        token_form = QFormLayout(self.token_box)
        token_form.setContentsMargins(20, 0, 0, 0)
        token_label = QLabel("Access t&oken:")
        token_label.setBuddy(self.token_edit)
        token_form.addRow(token_label, self.token_edit)
        token_form.addRow(_label(TOKEN_HINT))

        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        server_label = QLabel("Se&rver:")
        server_label.setBuddy(self.server_edit)
        form.addRow(server_label, self.server_edit)
        form.addRow(self.browser_choice)
        form.addRow(self.browser_box)
        form.addRow(self.token_choice)
        form.addRow(self.token_box)
        return page

    def _build_browser_box(self) -> QWidget:
        box = QWidget()
        box.setAccessibleName("Sign in in the browser")
        self.sign_in_button = _button("&Sign in in the browser…", "Sign in in the browser", self._start_sign_in)
        self.browser_hint = _label(BROWSER_HINT)
        self.authorize_url_edit = QLineEdit()
        self.authorize_url_edit.setReadOnly(True)
        self.authorize_url_edit.setAccessibleName("Sign-in page address")
        self.authorize_url_edit.setAccessibleDescription("If no browser opened, copy this address into one.")
        self.authorize_url_label = _label("If no browser opened, copy this address into one:")
        self.authorize_url_label.setBuddy(self.authorize_url_edit)
        self.code_edit = _line_edit("Code from the sign-in page", "Paste the code the page shows")
        self.code_edit.setEnabled(False)
        browser_form = QFormLayout(box)
        browser_form.setContentsMargins(20, 0, 0, 0)
        browser_form.addRow(self.sign_in_button)
        browser_form.addRow(self.browser_hint)
        browser_form.addRow(self.authorize_url_label)
        browser_form.addRow(self.authorize_url_edit)
        code_label = QLabel("Co&de:")
        code_label.setBuddy(self.code_edit)
        browser_form.addRow(code_label, self.code_edit)
        self.authorize_url_label.hide()
        self.authorize_url_edit.hide()
        return box

    def _build_bluesky_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName("Bluesky")
        self.service_edit = _line_edit("Bluesky service", DEFAULT_BLUESKY_SERVICE)
        self.service_edit.setText(DEFAULT_BLUESKY_SERVICE)
        self.handle_edit = _line_edit("Bluesky handle", "you.bsky.social")
        self.app_password_edit = _line_edit("App password", "xxxx-xxxx-xxxx-xxxx", secret=True)
        self.app_password_edit.setAccessibleDescription(APP_PASSWORD_HINT)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        for text, field in (
            ("Ser&vice:", self.service_edit),
            ("&Handle:", self.handle_edit),
            ("App pass&word:", self.app_password_edit),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow(_label(APP_PASSWORD_HINT))
        return page

    def _build_webhook_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName("Team channel")
        self.webhook_kind_combo = QComboBox()
        self.webhook_kind_combo.setAccessibleName("Team channel kind")
        for key, title in WEBHOOK_KINDS.items():
            self.webhook_kind_combo.addItem(title, key)
        self.webhook_url_edit = _line_edit("Webhook URL", "https://…", secret=True)
        self.webhook_url_edit.setAccessibleDescription(WEBHOOK_HINT)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        kind_label = QLabel("C&hannel:")
        kind_label.setBuddy(self.webhook_kind_combo)
        url_label = QLabel("&Webhook URL:")
        url_label.setBuddy(self.webhook_url_edit)
        form.addRow(kind_label, self.webhook_kind_combo)
        form.addRow(url_label, self.webhook_url_edit)
        form.addRow(_label(WEBHOOK_HINT))
        return page

    def _wire(self) -> None:
        self.account_combo.currentTextChanged.connect(self._account_changed)
        self.platform_combo.currentIndexChanged.connect(self._platform_changed)
        self.browser_choice.toggled.connect(self._sync)
        self.server_edit.textEdited.connect(self._server_edited)
        chain: list[QWidget] = [
            self.account_combo,
            self.name_edit,
            self.kind_combo,
            self.platform_combo,
            self.server_edit,
            self.browser_choice,
            self.sign_in_button,
            self.authorize_url_edit,
            self.code_edit,
            self.token_choice,
            self.token_edit,
            self.service_edit,
            self.handle_edit,
            self.app_password_edit,
            self.webhook_kind_combo,
            self.webhook_url_edit,
            self.connect_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- API ---------------------------------------------------------------------------------------

    def account_id(self) -> str:
        """The chosen account's id, or the new id as typed (without surrounding blanks)."""
        text = self.account_combo.currentText().strip()
        index = self.account_combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return str(self.account_combo.itemData(index))
        return text

    def existing_account(self) -> Account | None:
        """The workspace account chosen, or None for a new id."""
        account_id = self.account_id()
        return next((a for a in self._workspace.accounts if a.id == account_id), None)

    def platform(self) -> str:
        return str(self.platform_combo.currentData())

    def set_platform(self, platform: str) -> None:
        index = self.platform_combo.findData(platform)
        if index >= 0:
            self.platform_combo.setCurrentIndex(index)

    def sign_in(self) -> MastodonSignIn | None:
        """The Mastodon browser sign-in in progress, if one was started."""
        return self._sign_in

    def is_busy(self) -> bool:
        return self._calls.pending > 0

    def error_text(self) -> str:
        """The message shown for the last problem ("" when there is none)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def problem(self) -> tuple[str, QWidget] | None:
        """What must be filled in before connecting, and the field to fix; None when the form is complete."""
        account_id = self.account_id()
        if not account_id:
            return "Choose an account, or type an id for a new one.", self.account_combo
        if self.existing_account() is None and not ACCOUNT_ID.fullmatch(account_id):
            return f"'{account_id}' cannot be an account id. {ACCOUNT_ID_RULE}", self.account_combo
        platform = self.platform()
        if platform == "mastodon":
            if not self.server_edit.text().strip():
                return "Enter the Mastodon server, e.g. https://mastodon.social.", self.server_edit
            if self.browser_choice.isChecked():
                if self._sign_in is None:
                    return "Press “Sign in in the browser” first, and approve Second Look there.", self.sign_in_button
                if not self.code_edit.text().strip():
                    return "Paste the code the sign-in page shows.", self.code_edit
            elif not self.token_edit.text().strip():
                return "Paste the access token from the server's Development settings.", self.token_edit
        elif platform == "bluesky":
            if not self.service_edit.text().strip():
                return f"Enter the Bluesky service, e.g. {DEFAULT_BLUESKY_SERVICE}.", self.service_edit
            if not self.handle_edit.text().strip():
                return "Enter the Bluesky handle to sign in as, e.g. you.bsky.social.", self.handle_edit
            if not self.app_password_edit.text().strip():
                return APP_PASSWORD_MISSING, self.app_password_edit
        elif not self.webhook_url_edit.text().strip():
            return "Paste the channel's webhook URL.", self.webhook_url_edit
        return None

    def reject(self) -> None:
        self._cancelled = True
        super().reject()

    def done(self, result: int) -> None:
        self._forget_secrets()
        super().done(result)

    # --- actions -----------------------------------------------------------------------------------

    def _start_sign_in(self) -> None:
        if self.is_busy():
            return
        server = self.server_edit.text().strip()
        if not server:
            self._show_error("Enter the Mastodon server, e.g. https://mastodon.social.", self.server_edit)
            return
        self._clear_error()
        self._sign_in = None
        accounts = self._accounts
        self.busy_label.setText(f"Contacting {server}…")
        self._calls.run(lambda: accounts.start_mastodon_sign_in(server), self._sign_in_started, self._failed)

    def _sign_in_started(self, sign_in: MastodonSignIn) -> None:
        self._sign_in = sign_in
        self.authorize_url_edit.setText(sign_in.authorize_url)
        self.authorize_url_edit.setCursorPosition(0)
        self.authorize_url_label.show()
        self.authorize_url_edit.show()
        self.code_edit.setEnabled(True)
        url = QUrl(sign_in.authorize_url)
        opened = url.scheme() in ("https", "http") and QDesktopServices.openUrl(url)
        if opened:
            self.authorize_url_label.setText("The sign-in page opened in your browser. Its address, to copy:")
        else:
            self.authorize_url_label.setText("No browser opened: copy this address into one.")
        self._sync()
        self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _connect(self) -> None:
        if self.is_busy():
            return
        problem = self.problem()
        if problem is not None:
            self._show_error(*problem)
            return
        self._clear_error()
        accounts = self._accounts
        account_id = self.account_id()
        new = self.existing_account() is None
        name = (self.name_edit.text().strip() or None) if new else None
        kind = str(self.kind_combo.currentData()) if new else None
        platform = self.platform()
        call: Callable[[], AccountStatus]
        if platform == "mastodon":
            server = self.server_edit.text().strip()
            sign_in = self._sign_in
            if self.browser_choice.isChecked() and sign_in is not None:
                code = self.code_edit.text().strip()
                call = partial(accounts.finish_mastodon_sign_in, sign_in, account_id, code, name=name, kind=kind)
            else:
                token = self.token_edit.text().strip()
                call = partial(accounts.add_mastodon_token, account_id, server, token, name=name, kind=kind)
            where = server
        elif platform == "bluesky":
            service = self.service_edit.text().strip()
            handle = self.handle_edit.text().strip()
            password = self.app_password_edit.text().strip()
            call = partial(accounts.add_bluesky, account_id, service, handle, password, name=name, kind=kind)
            where = service
        else:
            webhook_kind = str(self.webhook_kind_combo.currentData())
            url = self.webhook_url_edit.text().strip()
            call = partial(accounts.add_webhook, account_id, webhook_kind, url, name=name, kind=kind)
            where = WEBHOOK_KINDS.get(webhook_kind, webhook_kind)
        self.busy_label.setText(f"Checking the account with {where}…")
        self._calls.run(call, self._added, self._failed)

    def _added(self, status: AccountStatus) -> None:
        self.result_status = status
        self._sign_in = None
        self._forget_secrets()
        self.account_added.emit(status)
        if not self._cancelled:
            self.accept()

    def _failed(self, error: BaseException) -> None:
        # AccountError says what happened and what to do; anything else is still a sentence, not a crash.
        message = str(error).strip() or f"Something went wrong ({type(error).__name__}). Nothing was saved."
        self._show_error(message, None)

    # --- internals ---------------------------------------------------------------------------------

    def _account_changed(self) -> None:
        account = self.existing_account()
        account_id = self.account_id()
        self.new_account_box.setVisible(account is None)
        if account is not None:
            self.account_info.setText(f"Connects {account.describe()}.")
            if account.platform in dict(CONNECTABLE):
                self.set_platform(account.platform)
            self._prefill(account)
        elif account_id:
            self.account_info.setText(f"A new account, '{account_id}', is added to this workspace's accounts.toml.")
        else:
            self.account_info.setText("Choose an account of this workspace, or type the id of a new one.")
        self.account_info.setAccessibleName(self.account_info.text())

    def _prefill(self, account: Account) -> None:
        """Fills what accounts.toml already says (server, handle), without overwriting what the person typed."""
        if account.platform == "mastodon":
            server = account.server or _mastodon_host(account.handle)
            _prefill(self.server_edit, f"https://{server}" if server and "://" not in server else server)
        elif account.platform == "bluesky":
            _prefill(self.handle_edit, account.handle.lstrip("@"))
            if account.server:
                _prefill(self.service_edit, account.server)
        elif account.platform == "webhook" and account.server in WEBHOOK_KINDS:
            self.webhook_kind_combo.setCurrentIndex(self.webhook_kind_combo.findData(account.server))

    def _platform_changed(self) -> None:
        pages = {"mastodon": self.mastodon_page, "bluesky": self.bluesky_page, "webhook": self.webhook_page}
        current = pages[self.platform()]
        for page in pages.values():
            # Only the page shown takes room, so a short page leaves no gap under it.
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.pages.setCurrentWidget(current)
        self.pages.updateGeometry()
        self._clear_error()
        self._sync()

    def _server_edited(self) -> None:
        # A sign-in belongs to one server: another server needs a new one.
        if self._sign_in is not None:
            self._sign_in = None
            self.code_edit.setEnabled(False)
            self.authorize_url_edit.clear()
            self.authorize_url_edit.hide()
            self.authorize_url_label.hide()
            self._sync()

    def _sync(self) -> None:
        busy = self.is_busy()
        self.form.setEnabled(not busy)
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)
        if not busy:
            self.busy_label.setText("")
        browser = self.browser_choice.isChecked()
        self.browser_box.setEnabled(browser)
        self.token_box.setEnabled(not browser)
        mastodon_browser = self.platform() == "mastodon" and browser
        if mastodon_browser:
            self.connect_button.setText("&Finish")
            self.connect_button.setAccessibleName("Finish signing in")
        else:
            self.connect_button.setText("&Add account")
            self.connect_button.setAccessibleName("Add account")
        self.connect_button.setEnabled(not busy and (not mastodon_browser or self._sign_in is not None))
        self.setAccessibleDescription(WORKING_TEXT if busy else "")

    def _show_error(self, message: str, field: QWidget | None) -> None:
        self.error_label.setText(message)
        self.error_label.setAccessibleName(f"Problem: {message}")
        self.error_label.show()
        if field is not None and field.isEnabled():
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    def _forget_secrets(self) -> None:
        for edit in (self.token_edit, self.app_password_edit, self.webhook_url_edit):
            edit.clear()


def _prefill(edit: QLineEdit, value: str | None) -> None:
    previous = edit.property("prefilled")
    if value and (not edit.text() or edit.text() == previous):
        edit.setText(value)
        edit.setProperty("prefilled", value)


def _mastodon_host(handle: str) -> str | None:
    parts = handle.lstrip("@").split("@")
    return parts[1] if len(parts) == 2 and parts[1] else None


class AccountsDialog(QDialog):
    """The workspace's accounts and how this laptop reaches each: verify, remove, add.

    On open it asks the service for the statuses (network lane). After an account is added, removed or
    verified it reloads them, then reloads the workspace and emits :attr:`accounts_changed` with it.

    Signals:
        accounts_changed(object): the reloaded :class:`~checks.workspace.Workspace`, after any change.
        finished(int): Close, Escape, or the window was closed.
    """

    accounts_changed = Signal(object)

    def __init__(
        self,
        accounts: AccountsService,
        background: Background,
        workspace: Workspace,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._accounts = accounts
        self._background = background
        self._workspace = workspace
        self._calls = _NetworkCalls(self, background, self._sync)
        self._statuses: list[AccountStatus] = []
        self.add_dialog: AddAccountDialog | None = None

        self.setWindowTitle("Accounts")
        self.setAccessibleName("Accounts and connections")
        self.setMinimumSize(760, 380)

        layout = QVBoxLayout(self)
        intro = _label(
            "The accounts of this workspace, and whether this laptop can publish to them. "
            "Credentials are kept in this computer's keyring."
        )
        layout.addWidget(intro)
        self.table = self._build_table()
        layout.addWidget(self.table, 1)
        self.detail_label = _label("", "Details of the selected account")
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail_label)
        self.error_label = _error_label()
        layout.addWidget(self.error_label)
        busy_row = QHBoxLayout()
        self.busy_label = _label(WORKING_TEXT, "Working", wrap=False)
        self.busy_label.hide()
        self.busy_bar = _busy_bar("Working")
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.busy_bar, 1)
        layout.addLayout(busy_row)

        buttons = QHBoxLayout()
        self.add_button = _button("&Add account…", "Add account", self._add)
        self.verify_button = _button("&Verify", "Verify the selected account", self._verify)
        self.verify_all_button = _button("Verify a&ll", "Verify all accounts", self._verify_all)
        self.remove_button = _button("&Remove", "Remove the selected account's connection", self._remove)
        self.close_button = _button("Close", "Close", self.reject)
        self.close_button.setAutoDefault(True)
        self.close_button.setDefault(True)
        for button in (self.add_button, self.verify_button, self.verify_all_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        for first, second in itertools.pairwise(
            (
                self.table,
                self.add_button,
                self.verify_button,
                self.verify_all_button,
                self.remove_button,
                self.close_button,
            )
        ):
            QWidget.setTabOrder(first, second)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._sync()
        self.reload()

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setAccessibleName("Accounts")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        table.setCornerButtonEnabled(False)  # one row at a time: "select all" means nothing here
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Platform identity"), QHeaderView.ResizeMode.Stretch)
        return table

    # --- API ---------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Asks the service for the accounts' statuses again (network lane) and shows them."""
        accounts = self._accounts
        self._calls.run(accounts.statuses, self.set_statuses, self._failed)

    def set_statuses(self, statuses: Sequence[AccountStatus]) -> None:
        """Shows ``statuses``, keeping the selected account selected."""
        selected = self.selected_status()
        self._statuses = list(statuses)
        now = datetime.now().astimezone()
        self.table.setRowCount(len(self._statuses))
        for row, status in enumerate(self._statuses):
            self._fill_row(row, status, now)
        keep = next(
            (row for row, s in enumerate(self._statuses) if selected and s.account_id == selected.account_id), 0
        )
        if self._statuses:
            self.table.selectRow(keep)
        self._selection_changed()
        self._fit_width()

    def statuses(self) -> list[AccountStatus]:
        return list(self._statuses)

    def workspace(self) -> Workspace:
        return self._workspace

    def selected_status(self) -> AccountStatus | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self._statuses[row] if 0 <= row < len(self._statuses) else None

    def select_account(self, account_id: str) -> None:
        for row, status in enumerate(self._statuses):
            if status.account_id == account_id:
                self.table.selectRow(row)
                return

    def cell_text(self, row: int, column: str) -> str:
        """The text shown in ``row`` under the heading ``column`` (for tests and accessibility tools)."""
        item = self.table.item(row, COLUMNS.index(column))
        return item.text() if item is not None else ""

    def detail_text(self) -> str:
        return self.detail_label.text()

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def is_busy(self) -> bool:
        return self._calls.pending > 0

    # --- actions -----------------------------------------------------------------------------------

    def _add(self) -> None:
        if self.is_busy():
            return
        selected = self.selected_status()
        preset = selected.account_id if selected is not None and not selected.connected else None
        dialog = AddAccountDialog(self._accounts, self._background, self._workspace, self, account_id=preset)
        dialog.account_added.connect(self._added)
        previous, self.add_dialog = self.add_dialog, dialog
        if previous is not None and not previous.is_busy():
            previous.deleteLater()
        dialog.open()

    def _added(self, status: AccountStatus) -> None:
        self._clear_error()
        self._changed(status.account_id)

    def _verify(self) -> None:
        status = self.selected_status()
        if status is None or self.is_busy():
            return
        self._clear_error()
        accounts, account_id = self._accounts, status.account_id
        self._calls.run(lambda: accounts.verify(account_id), lambda s: self._changed(s.account_id), self._failed)

    def _verify_all(self) -> None:
        if self.is_busy():
            return
        self._clear_error()
        self._calls.run(self._accounts.verify_all, lambda _statuses: self._changed(None), self._failed)

    def _remove(self) -> None:
        status = self.selected_status()
        if status is None or self.is_busy():
            return
        name = self._account_label(status)
        answer = QMessageBox.question(
            self,
            "Remove account?",
            f"Remove the connection to {name}?\n\n"
            "Its credentials are deleted from this computer's keyring, so Second Look can no longer publish "
            "to it from here. Its posts and records are kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._clear_error()
        accounts, account_id = self._accounts, status.account_id
        self._calls.run(lambda: accounts.remove(account_id), lambda s: self._changed(s.account_id), self._failed)

    def _changed(self, account_id: str | None) -> None:
        """After a change: the statuses again, then the workspace for the window."""
        accounts = self._accounts

        def shown(statuses: list[AccountStatus]) -> None:
            self.set_statuses(statuses)
            if account_id is not None:
                self.select_account(account_id)
            self._calls.run(accounts.current_workspace, self._workspace_loaded, self._failed)

        self._calls.run(accounts.statuses, shown, self._failed)

    def _workspace_loaded(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.set_statuses(self._statuses)  # names may have changed (a new account's name)
        self.accounts_changed.emit(workspace)

    def _failed(self, error: BaseException) -> None:
        message = str(error).strip() or f"Something went wrong ({type(error).__name__})."
        self.error_label.setText(message)
        self.error_label.setAccessibleName(f"Problem: {message}")
        self.error_label.show()

    # --- internals ---------------------------------------------------------------------------------

    def _account_label(self, status: AccountStatus) -> str:
        account = next((a for a in self._workspace.accounts if a.id == status.account_id), None)
        name = account.name if account is not None else status.account_id
        return f"{name} ({status.configured_handle})" if status.configured_handle else name

    def _fill_row(self, row: int, status: AccountStatus, now: datetime) -> None:
        connection = status.connection
        verified = verified_text(status, now)
        items = (
            QTableWidgetItem(self._account_label(status)),
            QTableWidgetItem(platform_title(status)),
            QTableWidgetItem(state_text(status)),
            QTableWidgetItem(identity_text(status)),
            QTableWidgetItem(verified),
        )
        tooltip = plain_tooltip(status.detail)
        for column, item in enumerate(items):
            item.setToolTip(tooltip)
            item.setData(Qt.ItemDataRole.UserRole, status.account_id)
            self.table.setItem(row, column, item)
        state_item = items[COLUMNS.index("State")]
        colour = _STATE_COLOURS.get(status.state)
        if colour is not None:
            state_item.setForeground(QBrush(QColor(colour)))
        if status.blocked_reason:
            bold = QFont(state_item.font())
            bold.setBold(True)
            state_item.setFont(bold)
        if connection is not None and connection.verified_at is not None:
            moment = connection.verified_at.astimezone().strftime("%A %d %B %Y, %H:%M:%S %Z")
            items[COLUMNS.index("Last verified")].setToolTip(plain_tooltip(f"Last verified {moment}"))

    def _fit_width(self) -> None:
        """Widens the dialog (never narrows it) until every column shows in full, as far as the screen allows.

        The platform's identity is what the person checks here: it should not end in "…" on a wide screen.
        """
        table = self.table
        header = table.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(column), table.sizeHintForColumn(column))
            for column in range(table.columnCount())
        )
        scroll_bar = table.verticalScrollBar()
        extra = table.frameWidth() * 2 + (scroll_bar.sizeHint().width() if scroll_bar.isVisible() else 0)
        layout = self.layout()
        if layout is not None:
            margins = layout.contentsMargins()
            extra += margins.left() + margins.right()
        wanted = columns + extra
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            wanted = min(wanted, screen.width() - 48)
        if wanted <= self.width():
            return
        centre = self.geometry().center()
        self.resize(wanted, self.height())
        if self.isVisible():  # keep it centred where it was, and on the screen
            frame = self.frameGeometry()
            frame.moveCenter(centre)
            if screen is not None:
                frame.moveLeft(max(screen.left(), min(frame.left(), screen.right() - frame.width())))
            self.move(frame.topLeft())

    def _selection_changed(self) -> None:
        status = self.selected_status()
        if status is None:
            text = "" if self._statuses else "No accounts in this workspace."
        else:
            text = f"{self._account_label(status)}: {status.detail}"
            if status.blocked_reason and status.blocked_reason != status.detail:
                text += f"\n{status.blocked_reason}"
        self.detail_label.setText(text)
        self.detail_label.setAccessibleName(text or "Details of the selected account")
        self._sync()

    def _sync(self) -> None:
        busy = self.is_busy()
        status = self.selected_status()
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        self.add_button.setEnabled(not busy)
        self.verify_all_button.setEnabled(not busy and any(s.connected for s in self._statuses))
        self.verify_button.setEnabled(not busy and status is not None and status.connected)
        self.remove_button.setEnabled(not busy and status is not None and status.connected)
        self.table.setAccessibleDescription(WORKING_TEXT if busy else "")

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
