"""The accounts dialogs: states at a glance, adding an account without losing what was typed, asking before removing.

A fake accounts service stands in for the real one: it records every call (made on the network lane) and
can refuse with an :class:`AccountError` or hold a call until the test lets it go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from checks import Workspace
from checks.workspace import Account
from desktop.records import (
    MISMATCH,
    NOT_CONNECTED,
    VERIFIED,
    AccountError,
    AccountStatus,
    Connection,
    MastodonSignIn,
    SentPost,
)
from ui.accounts_dialog import NEVER, AccountsDialog, AddAccountDialog
from ui.background import Background

WAIT_MS = 5_000
AUTHORIZE_URL = "https://mastodon.social/oauth/authorize?client_id=abc&response_type=code"
MISMATCH_REASON = (
    "Publishing to Sam Taylor is blocked: the credentials speak for @someone-else.bsky.social, "
    "but the workspace configures @samtaylor.bsky.social."
)


def connection(account_id: str, platform: str, server: str, **identity: Any) -> Connection:
    return Connection(account_id, platform, server, verified_at=datetime.now(UTC), **identity)


def demo_statuses() -> list[AccountStatus]:
    return [
        AccountStatus(
            "acme",
            "@acme@mastodon.social",
            "mastodon",
            connection(
                "acme",
                "mastodon",
                "https://mastodon.social",
                display_name="Acme Outdoor",
                handle="@acme@mastodon.social",
                followers=48_210,
            ),
            VERIFIED,
            "Mastodon confirmed the account: Acme Outdoor (@acme@mastodon.social).",
        ),
        AccountStatus(
            "sam",
            "@samtaylor.bsky.social",
            "bluesky",
            connection(
                "sam",
                "bluesky",
                "https://bsky.social",
                display_name="Someone Else",
                handle="@someone-else.bsky.social",
                followers=3,
            ),
            MISMATCH,
            MISMATCH_REASON,
            MISMATCH_REASON,
        ),
        AccountStatus(
            "harbor",
            "@HarborCoffeeCo",
            "x",
            None,
            NOT_CONNECTED,
            "Not connected to X: posts go to the local outbox. Add the account to publish there.",
        ),
    ]


class FakeAccounts:
    """An AccountsService that records its calls and answers from memory, with no network and no keyring."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.current = demo_statuses()
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.errors: dict[str, BaseException] = {}  # method name -> what it raises
        self.holds: dict[str, threading.Event] = {}  # method name -> waits for this before answering
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        with self._lock:
            return [name for name, _, _ in self.calls]

    def called(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        with self._lock:
            return [(args, kwargs) for n, args, kwargs in self.calls if n == name]

    def _call(self, method: str, /, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self.calls.append((method, args, kwargs))
        hold = self.holds.get(method)
        if hold is not None:
            assert hold.wait(WAIT_MS / 1000), f"{method} was held too long"
        error = self.errors.get(method)
        if error is not None:
            raise error

    def _connected(
        self, account_id: str, platform: str, server: str, handle: str, *, name: str | None, kind: str | None
    ) -> AccountStatus:
        conn = connection(account_id, platform, server, display_name=name or account_id, handle=handle, followers=1)
        status = AccountStatus(account_id, handle, platform, conn, VERIFIED, "Confirmed.")
        if all(a.id != account_id for a in self.workspace.accounts):
            added = Account(id=account_id, platform=platform, handle=handle, name=name or account_id, kind=kind or "")
            self.workspace = Workspace(self.workspace.path, (*self.workspace.accounts, added), self.workspace.policy)
        known = any(s.account_id == account_id for s in self.current)
        self.current = [status if s.account_id == account_id else s for s in self.current] + ([] if known else [status])
        return status

    # --- the protocol ---

    def current_workspace(self) -> Workspace:
        self._call("current_workspace")
        return self.workspace

    def statuses(self) -> list[AccountStatus]:
        self._call("statuses")
        return list(self.current)

    def verify(self, account_id: str) -> AccountStatus:
        self._call("verify", account_id)
        return next(s for s in self.current if s.account_id == account_id)

    def verify_all(self) -> list[AccountStatus]:
        self._call("verify_all")
        return list(self.current)

    def start_mastodon_sign_in(self, server: str) -> MastodonSignIn:
        self._call("start_mastodon_sign_in", server)
        return MastodonSignIn(server, AUTHORIZE_URL, "sign-in-1")

    def finish_mastodon_sign_in(
        self, sign_in: MastodonSignIn, account_id: str, code: str, *, name: str | None = None, kind: str | None = None
    ) -> AccountStatus:
        self._call("finish_mastodon_sign_in", sign_in, account_id, code, name=name, kind=kind)
        return self._connected(account_id, "mastodon", sign_in.server, "@acme@mastodon.social", name=name, kind=kind)

    def add_mastodon_token(
        self, account_id: str, server: str, token: str, *, name: str | None = None, kind: str | None = None
    ) -> AccountStatus:
        self._call("add_mastodon_token", account_id, server, token, name=name, kind=kind)
        return self._connected(account_id, "mastodon", server, "@acme@mastodon.social", name=name, kind=kind)

    def add_bluesky(
        self,
        account_id: str,
        service: str,
        handle: str,
        app_password: str,
        *,
        name: str | None = None,
        kind: str | None = None,
    ) -> AccountStatus:
        self._call("add_bluesky", account_id, service, handle, app_password, name=name, kind=kind)
        return self._connected(account_id, "bluesky", service, f"@{handle}", name=name, kind=kind)

    def add_webhook(
        self, account_id: str, webhook_kind: str, url: str, *, name: str | None = None, kind: str | None = None
    ) -> AccountStatus:
        self._call("add_webhook", account_id, webhook_kind, url, name=name, kind=kind)
        return self._connected(account_id, "webhook", webhook_kind, "#general", name=name, kind=kind)

    def remove(self, account_id: str) -> AccountStatus:
        self._call("remove", account_id)
        old = next(s for s in self.current if s.account_id == account_id)
        status = AccountStatus(account_id, old.configured_handle, old.platform, None, NOT_CONNECTED, "Not connected.")
        self.current = [status if s.account_id == account_id else s for s in self.current]
        return status

    def reconcile(self) -> int:
        self._call("reconcile")
        return 0

    def delete_post(self, sent_id: int, reason: str) -> SentPost:
        self._call("delete_post", sent_id, reason)
        raise AccountError("Not in this fake.")


@pytest.fixture
def background() -> Iterator[Background]:
    lanes = Background()
    yield lanes
    lanes.shutdown()


@pytest.fixture
def accounts(demo: Workspace) -> FakeAccounts:
    return FakeAccounts(demo)


@pytest.fixture
def opened_urls(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """Stands in for the browser: records the pages the dialog asked to open."""
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return opened


MakeDialog = Callable[[], AccountsDialog]


@pytest.fixture
def make_dialog(qtbot: QtBot, accounts: FakeAccounts, background: Background, demo: Workspace) -> MakeDialog:
    def make() -> AccountsDialog:
        dialog = AccountsDialog(accounts, background, demo)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(
            lambda: dialog.table.rowCount() == len(accounts.current) and not dialog.is_busy(), timeout=WAIT_MS
        )
        return dialog

    return make


@pytest.fixture
def add_dialog(qtbot: QtBot, accounts: FakeAccounts, background: Background, demo: Workspace) -> AddAccountDialog:
    dialog = AddAccountDialog(accounts, background, demo)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def choose_account(dialog: AddAccountDialog, account_id: str) -> None:
    dialog.account_combo.setCurrentIndex(dialog.account_combo.findData(account_id))


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_add_dialog(qtbot: QtBot, dialog: AccountsDialog) -> AddAccountDialog:
    click(qtbot, dialog.add_button)
    add = dialog.add_dialog
    assert add is not None
    qtbot.waitExposed(add)
    return add


# --- the list ------------------------------------------------------------------------------------


def test_table_shows_each_account_state_and_identity(make_dialog: MakeDialog, accounts: FakeAccounts) -> None:
    dialog = make_dialog()
    assert accounts.names() == ["statuses"]
    assert [dialog.cell_text(row, "State") for row in range(3)] == [f"✓ {VERIFIED}", f"⚠ {MISMATCH}", NOT_CONNECTED]

    assert dialog.cell_text(0, "Account") == "Acme Outdoor (@acme@mastodon.social)"
    assert dialog.cell_text(0, "Platform") == "Mastodon"
    assert dialog.cell_text(0, "Platform identity") == "Acme Outdoor  ·  @acme@mastodon.social  ·  48,210 followers"
    assert dialog.cell_text(0, "Last verified").startswith("Today ")
    assert dialog.cell_text(2, "Platform identity") == "—"
    assert dialog.cell_text(2, "Last verified") == NEVER

    # The first row is selected, its detail shown; the detail is also every cell's tooltip.
    assert dialog.selected_status() is not None
    assert "Mastodon confirmed the account" in dialog.detail_text()
    dialog.select_account("sam")
    assert MISMATCH_REASON in dialog.detail_text()
    assert "blocked" in dialog.table.item(1, 2).toolTip()

    # Verify and Remove need a connection; the unconnected account has neither.
    assert dialog.verify_button.isEnabled() and dialog.remove_button.isEnabled()
    dialog.select_account("harbor")
    assert not dialog.verify_button.isEnabled() and not dialog.remove_button.isEnabled()
    assert dialog.add_button.isEnabled() and dialog.verify_all_button.isEnabled()


def test_busy_while_a_call_runs(qtbot: QtBot, accounts: FakeAccounts, background: Background, demo: Workspace) -> None:
    held = accounts.holds["statuses"] = threading.Event()
    dialog = AccountsDialog(accounts, background, demo)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    try:
        assert dialog.is_busy()
        assert dialog.busy_bar.isVisible() and dialog.busy_label.text() == "Working…"
        assert not dialog.add_button.isEnabled()
        assert not dialog.verify_all_button.isEnabled()
    finally:
        held.set()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)
    assert not dialog.busy_bar.isVisible()
    assert dialog.add_button.isEnabled()


def test_verify_refreshes_then_reports_the_workspace(
    qtbot: QtBot, make_dialog: MakeDialog, accounts: FakeAccounts
) -> None:
    dialog = make_dialog()
    dialog.select_account("acme")
    with qtbot.waitSignal(dialog.accounts_changed, timeout=WAIT_MS) as blocker:
        click(qtbot, dialog.verify_button)
    assert blocker.args == [accounts.workspace]
    assert accounts.names() == ["statuses", "verify", "statuses", "current_workspace"]
    assert accounts.called("verify") == [(("acme",), {})]
    assert dialog.selected_status() is not None and dialog.selected_status().account_id == "acme"  # type: ignore[union-attr]

    with qtbot.waitSignal(dialog.accounts_changed, timeout=WAIT_MS):
        click(qtbot, dialog.verify_all_button)
    assert accounts.names()[-3:] == ["verify_all", "statuses", "current_workspace"]


def test_a_failure_is_a_message_not_a_crash(qtbot: QtBot, make_dialog: MakeDialog, accounts: FakeAccounts) -> None:
    dialog = make_dialog()
    accounts.errors["verify"] = RuntimeError("The keyring is locked: unlock it and try again.")
    with qtbot.assertNotEmitted(dialog.accounts_changed, wait=100):
        click(qtbot, dialog.verify_button)
        qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=WAIT_MS)
    assert dialog.error_text() == "The keyring is locked: unlock it and try again."
    assert dialog.error_label.isVisible()
    assert not dialog.is_busy() and dialog.verify_button.isEnabled()


def test_remove_asks_first_and_cancel_does_nothing(
    qtbot: QtBot, make_dialog: MakeDialog, accounts: FakeAccounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = make_dialog()
    asked: list[tuple[str, QMessageBox.StandardButton]] = []
    answer = QMessageBox.StandardButton.Cancel

    def question(
        parent: QWidget,
        title: str,
        text: str,
        buttons: QMessageBox.StandardButton,
        default: QMessageBox.StandardButton,
    ) -> QMessageBox.StandardButton:
        asked.append((text, default))
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.select_account("acme")
    click(qtbot, dialog.remove_button)
    assert len(asked) == 1
    text, default = asked[0]
    assert "Acme Outdoor" in text
    assert "keyring" in text and "posts and records are kept" in text
    assert default == QMessageBox.StandardButton.Cancel
    qtbot.wait(50)
    assert "remove" not in accounts.names()

    answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(dialog.accounts_changed, timeout=WAIT_MS):
        click(qtbot, dialog.remove_button)
    assert accounts.called("remove") == [(("acme",), {})]
    assert dialog.cell_text(0, "State") == NOT_CONNECTED
    assert not dialog.remove_button.isEnabled()  # acme is still selected, and no longer connected


def test_escape_closes(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_every_control_has_an_accessible_name(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    add = open_add_dialog(qtbot, dialog)
    for widget in (dialog, add):
        controls = widget.findChildren(QAbstractButton) + widget.findChildren(QLineEdit)
        controls += widget.findChildren(QComboBox) + widget.findChildren(QTableWidget)
        # Qt's own parts (the table's scroll bars and corner button) are named by Qt.
        ours = [c for c in controls if not c.objectName().startswith("qt_")]
        unnamed = [
            type(c).__name__ + ":" + c.text() if isinstance(c, QAbstractButton) else type(c).__name__
            for c in ours
            if not c.accessibleName()
        ]
        assert not unnamed, unnamed


# --- adding --------------------------------------------------------------------------------------


def test_add_bluesky_calls_the_service_and_reports_the_change(
    qtbot: QtBot, make_dialog: MakeDialog, accounts: FakeAccounts
) -> None:
    dialog = make_dialog()
    add = open_add_dialog(qtbot, dialog)
    qtbot.keyClicks(add.account_combo.lineEdit(), "sam")
    assert add.account_id() == "sam"
    assert add.platform() == "bluesky"  # the workspace says sam is on Bluesky
    assert add.handle_edit.text() == "samtaylor.bsky.social"  # prefilled from accounts.toml
    assert add.new_account_box.isHidden()  # an existing account keeps its name and kind
    qtbot.keyClicks(add.app_password_edit, "abcd-efgh-ijkl-mnop")
    assert add.app_password_edit.echoMode() == QLineEdit.EchoMode.Password

    with qtbot.waitSignal(dialog.accounts_changed, timeout=WAIT_MS) as blocker:
        click(qtbot, add.connect_button)
    assert blocker.args == [accounts.workspace]
    assert accounts.called("add_bluesky") == [
        (("sam", "https://bsky.social", "samtaylor.bsky.social", "abcd-efgh-ijkl-mnop"), {"name": None, "kind": None})
    ]
    assert accounts.names()[-3:] == ["add_bluesky", "statuses", "current_workspace"]
    assert add.result() == AddAccountDialog.DialogCode.Accepted
    assert add.result_status is not None and add.result_status.state == VERIFIED
    assert add.app_password_edit.text() == ""  # the secret is not kept
    assert dialog.cell_text(1, "State") == f"✓ {VERIFIED}"


def test_add_a_new_team_channel_with_name_and_kind(
    qtbot: QtBot, add_dialog: AddAccountDialog, accounts: FakeAccounts
) -> None:
    add = add_dialog
    qtbot.keyClicks(add.account_combo.lineEdit(), "team-news")
    assert add.existing_account() is None
    assert not add.new_account_box.isHidden()
    assert add.kind_combo.currentData() == "brand"
    qtbot.keyClicks(add.name_edit, "Team news")
    add.kind_combo.setCurrentIndex(add.kind_combo.findData("client"))
    add.set_platform("webhook")
    add.webhook_kind_combo.setCurrentIndex(add.webhook_kind_combo.findData("discord"))
    assert add.webhook_url_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(add.webhook_url_edit, "https://discord.com/api/webhooks/1/secret")

    with qtbot.waitSignal(add.accepted, timeout=WAIT_MS):
        click(qtbot, add.connect_button)
    assert accounts.called("add_webhook") == [
        (("team-news", "discord", "https://discord.com/api/webhooks/1/secret"), {"name": "Team news", "kind": "client"})
    ]
    assert add.webhook_url_edit.text() == ""


def test_an_account_error_shows_its_message_and_keeps_the_fields(
    qtbot: QtBot, add_dialog: AddAccountDialog, accounts: FakeAccounts
) -> None:
    add = add_dialog
    message = "bsky.social refused the app password. Nothing was saved."
    accounts.errors["add_bluesky"] = AccountError(message)
    choose_account(add, "sam")
    add.service_edit.setText("https://pds.example")
    add.handle_edit.setText("sam.example")
    qtbot.keyClicks(add.app_password_edit, "wrong-pass-word")

    with qtbot.assertNotEmitted(add.accepted, wait=100):
        click(qtbot, add.connect_button)
        qtbot.waitUntil(lambda: bool(add.error_text()), timeout=WAIT_MS)
    assert add.error_text() == message
    assert add.error_label.isVisible()
    assert "Traceback" not in add.error_text()
    assert add.isVisible() and not add.is_busy()
    assert add.result_status is None
    # Nothing typed is lost: the person corrects the one field that was wrong.
    assert add.account_id() == "sam"
    assert (add.service_edit.text(), add.handle_edit.text()) == ("https://pds.example", "sam.example")
    assert add.app_password_edit.text() == "wrong-pass-word"
    assert add.connect_button.isEnabled()

    del accounts.errors["add_bluesky"]
    with qtbot.waitSignal(add.accepted, timeout=WAIT_MS):
        click(qtbot, add.connect_button)
    assert len(accounts.called("add_bluesky")) == 2


def test_adding_shows_it_is_busy(qtbot: QtBot, add_dialog: AddAccountDialog, accounts: FakeAccounts) -> None:
    add = add_dialog
    held = accounts.holds["add_mastodon_token"] = threading.Event()
    choose_account(add, "acme")
    add.token_choice.setChecked(True)
    qtbot.keyClicks(add.token_edit, "secret-token")
    click(qtbot, add.connect_button)
    try:
        assert add.is_busy()
        assert add.busy_bar.isVisible() and "mastodon.social" in add.busy_label.text()
        assert not add.connect_button.isEnabled() and not add.form.isEnabled()
        assert add.cancel_button.isEnabled()
    finally:
        held.set()
    qtbot.waitUntil(lambda: add.result_status is not None, timeout=WAIT_MS)
    assert accounts.called("add_mastodon_token") == [
        (("acme", "https://mastodon.social", "secret-token"), {"name": None, "kind": None})
    ]
    assert add.token_edit.text() == ""


def test_mastodon_sign_in_in_the_browser(
    qtbot: QtBot, add_dialog: AddAccountDialog, accounts: FakeAccounts, opened_urls: list[QUrl]
) -> None:
    add = add_dialog
    choose_account(add, "acme")
    assert add.platform() == "mastodon"
    assert add.server_edit.text() == "https://mastodon.social"  # from the configured handle
    assert add.browser_choice.isChecked()
    assert not add.code_edit.isEnabled() and not add.connect_button.isEnabled()  # nothing to finish yet
    assert add.connect_button.text() == "&Finish"

    click(qtbot, add.sign_in_button)
    qtbot.waitUntil(lambda: add.sign_in() is not None, timeout=WAIT_MS)
    assert accounts.called("start_mastodon_sign_in") == [(("https://mastodon.social",), {})]
    assert opened_urls == [QUrl(AUTHORIZE_URL)]
    assert add.authorize_url_edit.text() == AUTHORIZE_URL  # to copy, when no browser opened
    assert add.authorize_url_edit.isVisible() and add.authorize_url_edit.isReadOnly()
    assert add.code_edit.isEnabled()
    assert add.code_edit.hasFocus()

    qtbot.keyClicks(add.code_edit, "  the-code  ")
    with qtbot.waitSignal(add.accepted, timeout=WAIT_MS):
        click(qtbot, add.connect_button)
    sign_in = MastodonSignIn("https://mastodon.social", AUTHORIZE_URL, "sign-in-1")
    assert accounts.called("finish_mastodon_sign_in") == [((sign_in, "acme", "the-code"), {"name": None, "kind": None})]
    assert add.sign_in() is None  # used once


def test_editing_the_server_needs_a_new_sign_in(
    qtbot: QtBot, add_dialog: AddAccountDialog, opened_urls: list[QUrl]
) -> None:
    add = add_dialog
    choose_account(add, "acme")
    click(qtbot, add.sign_in_button)
    qtbot.waitUntil(lambda: add.sign_in() is not None, timeout=WAIT_MS)
    qtbot.keyClicks(add.server_edit, "x")
    assert add.sign_in() is None
    assert not add.code_edit.isEnabled() and not add.connect_button.isEnabled()


def test_empty_fields_are_named_and_nothing_is_called(
    qtbot: QtBot, add_dialog: AddAccountDialog, accounts: FakeAccounts
) -> None:
    add = add_dialog
    add.set_platform("bluesky")
    click(qtbot, add.connect_button)
    assert add.error_text() == "Choose an account, or type an id for a new one."

    qtbot.keyClicks(add.account_combo.lineEdit(), "Not An Id")
    click(qtbot, add.connect_button)
    assert "cannot be an account id" in add.error_text()

    add.account_combo.setEditText("")
    choose_account(add, "sam")
    add.handle_edit.clear()
    click(qtbot, add.connect_button)
    assert "handle" in add.error_text()
    assert add.handle_edit.hasFocus()

    add.handle_edit.setText("samtaylor.bsky.social")
    click(qtbot, add.connect_button)
    assert "app password" in add.error_text()
    assert add.app_password_edit.hasFocus()

    add.set_platform("webhook")
    click(qtbot, add.connect_button)
    assert "webhook URL" in add.error_text()

    add.set_platform("mastodon")
    add.token_choice.setChecked(True)
    add.server_edit.clear()
    click(qtbot, add.connect_button)
    assert "Mastodon server" in add.error_text()
    add.server_edit.setText("https://mastodon.social")
    click(qtbot, add.connect_button)
    assert "access token" in add.error_text()

    qtbot.wait(50)
    assert accounts.calls == []
    assert add.isVisible()
