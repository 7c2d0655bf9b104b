"""The composer: who is speaking, the draft with live findings, and the way out through confirmation.

The window owns no slow work. Checking runs on the ``checks`` lane, the language model loads on the
``model`` lane (rule-based checks run meanwhile), drafts are saved on the ``storage`` lane and posts
leave on the ``network`` lane, all through :class:`ui.background.Background`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from checks import Checker, Workspace
from checks.findings import Finding, Report
from checks.gate import Attempt, PublishGate, gate_for
from checks.platform import Measure, measure
from checks.registry import all_checks
from checks.workspace import Account
from desktop.records import (
    NOT_CONNECTED,
    AccountsService,
    AccountStatus,
    Draft,
    DraftStore,
    OutgoingPost,
    Publisher,
    PublishReceipt,
    SentPost,
)
from ui.accounts_dialog import AccountsDialog
from ui.background import Background
from ui.banner import AccountBanner
from ui.confirm_dialog import ConfirmDialog
from ui.counter import LengthCounter
from ui.drafts_list import DraftsList
from ui.editor import DraftEditor
from ui.findings_panel import FindingsPanel
from ui.policy_view import PolicyView
from ui.sent_view import SentView, acknowledgement_text
from ui.undo_window import UndoWindow

log = logging.getLogger(__name__)

AUTOSAVE_PAUSE_MS = 400  # a pause in typing this long saves the draft
MODEL_DELAY_MS = 100  # after the window is shown, so its first paint is not held up


@dataclass
class Services:
    """What the window needs from the app, handed in by ``desktop.app`` (or by tests)."""

    store: DraftStore
    publisher_for: Callable[[Account], Publisher]
    checker: Checker  # with the language model (loaded lazily, on the model lane)
    rules_checker: Checker  # without it: answers at once while the model loads
    policy_document: str | None = None
    # Connected accounts (verify, add, remove, delete a published post). None: every post goes to the outbox.
    accounts: AccountsService | None = None


@dataclass(frozen=True)
class _Checked:
    text: str
    account_id: str
    report: Report
    length: Measure
    with_model: bool


class ComposerWindow(QMainWindow):
    """The main window.

    Signals:
        checked(object): a report was shown (the ``Report``); for tests and benchmarks.
        saved(object): the draft was saved (the ``Draft``).
        published(object): a post went out (the ``PublishReceipt``).
        model_ready(bool): the language model finished loading (True) or failed (False).
    """

    checked = Signal(object)
    saved = Signal(object)
    published = Signal(object)
    model_ready = Signal(bool)
    accounts_verified = Signal(object)  # list[AccountStatus], after the check with the platforms at start
    post_deleted = Signal(object)  # the SentPost, deleted on its platform and kept on record

    def __init__(self, workspace: Workspace, workspace_key: str, services: Services) -> None:
        super().__init__()
        self.workspace = workspace
        self.workspace_key = workspace_key
        self.services = services
        self.background = Background()
        self.account: Account = workspace.accounts[0]
        self.draft_id: int | None = None
        self.last: _Checked | None = None
        self._model_loaded = False
        self._model_failed: str | None = None
        self._checking = False
        self._recheck = False
        self._saving = False
        self._resave = False
        self._ignored: set[tuple[str, str]] = set()  # (check id, quoted text) the person ignored here
        self._publishing = False
        self.statuses: dict[str, AccountStatus] = {}  # what the platforms said about each account
        self._avatars: dict[str, bytes | None] = {}
        self._deleting: set[int] = set()  # sent posts being deleted on their platform right now
        self._verifying = 0  # rounds of asking the platforms who the accounts are
        self._answered = 0  # the latest round the platforms answered
        # Bumped whenever the editor starts holding another draft, so a save that was in flight for
        # the previous one cannot hand its id to the new one.
        self._generation = 0

        self.setAccessibleName("Second Look composer")
        self.resize(1040, 680)
        self._build()
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_PAUSE_MS)
        self._autosave.timeout.connect(self.save_now)
        self._show_account()
        self.panel.set_status(
            "Checking with rules; the language model is loading (names and places join when it is ready).", True
        )
        self.editor.setFocus()
        # Loading the model holds the interpreter for seconds: it starts only once the window is
        # shown (showEvent), so it cannot delay the first paint.
        self._model_started = False
        self._check()

    # --- layout -----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = AccountBanner()
        self.banner.account_change_requested.connect(self.switch_account)
        self.editor = DraftEditor()
        self.editor.setAccessibleName("Draft")
        self.editor.setPlaceholderText("Write your post here…")
        self.editor.text_edited.connect(self._edited)
        self.editor.ignore_requested.connect(self.ignore_here)
        self.counter = LengthCounter()
        self.publish_button = QPushButton("Publish…")
        self.publish_button.setAccessibleName("Publish")
        self.publish_button.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.publish_button.setToolTip("Review the post and the account once more, then publish (Ctrl+Shift+P)")
        self.publish_button.clicked.connect(self.start_publish)
        self.panel = FindingsPanel()
        self.panel.finding_selected.connect(self.editor.select_finding)
        self.panel.finding_activated.connect(self._go_to_finding)
        self.panel.fix_requested.connect(self.editor.apply_fix)
        self.panel.ignore_requested.connect(self.ignore_here)
        self.editor.fix_requested.connect(self.editor.apply_fix)

        bottom = QHBoxLayout()
        bottom.addWidget(self.counter)
        bottom.addStretch(1)
        bottom.addWidget(self.publish_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.editor, 1)
        left_layout.addLayout(bottom)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self._build_tabs(splitter)

    def _build_tabs(self, compose: QWidget) -> None:
        self.drafts = DraftsList()
        self.drafts.open_requested.connect(self.open_draft)
        self.drafts.duplicate_requested.connect(self.duplicate_draft)
        self.drafts.discard_requested.connect(self.discard_draft)
        self.drafts.new_requested.connect(self.new_draft)
        self.sent = SentView()
        self.sent.delete_requested.connect(self.delete_post)
        self.sent.acknowledgement_requested.connect(self.draft_acknowledgement)
        self.policy = PolicyView()
        self.policy.set_policy(
            self.workspace.policy,
            self.workspace.accounts,
            self.services.policy_document,
            {c.id: c.summary for c in all_checks()},
        )
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Views")
        self.tabs.tabBar().setAccessibleName("Views")  # the tab list is what screen readers land on
        self.tabs.addTab(compose, "&Compose")
        self.tabs.addTab(self.drafts, "&Drafts")
        self.tabs.addTab(self.sent, "S&ent")
        self.tabs.addTab(self.policy, "&Policy")
        self.tabs.currentChanged.connect(self._tab_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        self.statusBar().addWidget(self.status, 1)

        new_action = QAction("New draft", self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.triggered.connect(self.new_draft)
        self.addAction(new_action)

        menu = self.menuBar().addMenu("&Accounts")
        self.accounts_action = QAction("&Manage accounts…", self)
        self.accounts_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.accounts_action.setToolTip("Add, verify and remove the accounts this laptop publishes to")
        self.accounts_action.triggered.connect(self.open_accounts)
        self.verify_action = QAction("&Verify all now", self)
        self.verify_action.triggered.connect(self.verify_accounts)
        for action in (self.accounts_action, self.verify_action):
            action.setEnabled(self.services.accounts is not None)
            menu.addAction(action)

    # --- checking ---------------------------------------------------------------------------------

    def _edited(self) -> None:
        self._autosave.start()
        self._check()

    def _check(self) -> None:
        """Check the current text; while a check runs, edits only mark that another one is due
        (so a fast typist never queues up stale work, and the newest text is always checked last)."""
        if self._checking:
            self._recheck = True
            return
        self._checking = True
        self._recheck = False
        text, account, with_model = self.editor.draft_text(), self.account, self._model_loaded
        checker = self.services.checker if with_model else self.services.rules_checker

        def work() -> _Checked:
            length = measure(text, account.platform, account.char_limit)
            return _Checked(text, account.id, checker.check(text, account.id), length, with_model)

        self.background.run("checks", work, self._show, self._check_failed)

    def _show(self, result: _Checked) -> None:
        self._checking = False
        if self._recheck or result.text != self.editor.draft_text() or result.account_id != self.account.id:
            self._check()  # the text moved on while this ran: show the newest instead
            return
        self.last = result
        visible = [f for f in result.report.findings if (f.check, f.text) not in self._ignored]
        self.editor.set_findings(visible, result.text)
        self.panel.set_findings(visible)
        self.counter.set_measure(result.length)
        if self._model_loaded or self._model_failed:
            self.panel.set_skipped([(s.check, s.reason) for s in result.report.skipped])
        self.checked.emit(result.report)

    def _check_failed(self, error: BaseException) -> None:
        self._checking = False
        log.error("checking failed", exc_info=error)
        self.panel.set_status(
            f"The checks could not run ({type(error).__name__}). Your draft is safe; keep typing to retry.", False
        )

    def _model_done(self, nlp: object) -> None:
        if nlp is None:
            self._model_error(RuntimeError(self.services.checker.model_problem or "unknown problem"))
            return
        self._model_loaded = True
        self.panel.set_status("", False)
        self.model_ready.emit(True)
        self._check()

    def _model_error(self, error: BaseException) -> None:
        self._model_failed = str(error)
        self.panel.set_status(
            f"The language model could not be loaded ({error}); names and places are not checked. Rules still apply.",
            False,
        )
        self.model_ready.emit(False)
        self._check()

    def ignore_here(self, finding: Finding) -> None:
        """Hide this finding for this draft (it is still listed in the confirmation)."""
        self._ignored.add((finding.check, finding.text))
        self.editor.remove_finding(finding)
        self._check()

    def _go_to_finding(self, finding: Finding) -> None:
        self.editor.select_finding(finding)
        self.editor.setFocus()

    # --- accounts and drafts ------------------------------------------------------------------------

    def switch_account(self, account_id: str) -> None:
        """The explicit act of changing who speaks (from the banner's menu)."""
        if account_id == self.account.id:
            return
        self.account = self.workspace.account(account_id)
        self._show_account()
        self.status.setText(f"Now posting as {self.account.name} ({self.account.handle}).")
        self.editor.setFocus()  # back to writing, under the new banner
        self.save_now()
        self._check()

    def _show_account(self) -> None:
        self.banner.set_account(self.account, self.workspace.accounts)
        self.banner.set_status(self.statuses.get(self.account.id), self._avatars.get(self.account.id))
        # The title too: it is what the taskbar, the window switcher and screen readers announce.
        self.setWindowTitle(f"Second Look — posting as {self.account.name} ({self.account.handle})")

    def save_now(self) -> None:
        """Save the draft (text and account) on the storage lane; an empty new draft is not saved."""
        self._autosave.stop()
        text = self.editor.draft_text()
        if self.draft_id is None and not text:
            return
        if self._saving:
            self._resave = True  # the first save of a new draft must return its id before the next
            return
        self._saving = True
        draft_id, account_id, store, key = self.draft_id, self.account.id, self.services.store, self.workspace_key
        generation = self._generation
        self.background.run(
            "storage",
            lambda: store.save_draft(draft_id, key, account_id, text),
            lambda draft: self._saved(draft, generation),
            self._save_failed,
        )

    def _saved(self, draft: Draft, generation: int) -> None:
        self._saving = False
        if generation == self._generation:
            self.draft_id = draft.id
        self.saved.emit(draft)
        if self._resave:
            self._resave = False
            self.save_now()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.status.setText(f"The draft could not be saved: {error}. It is still here; copy it somewhere safe.")

    def restore_latest_draft(self) -> None:
        """Reopen the draft worked on last (after a restart, a crash or a killed process)."""
        store, key = self.services.store, self.workspace_key
        self.background.run("storage", lambda: store.latest_draft(key), self._load_draft, self._storage_failed)

    def _load_draft(self, draft: Draft | None) -> None:
        if draft is None:
            return
        try:
            account = self.workspace.account(draft.account_id)
        except Exception:  # the account was removed from the workspace since
            account = self.account
            self.status.setText(
                f"This draft was for an account that is no longer in the workspace ({draft.account_id})."
            )
        self._generation += 1
        self.draft_id = draft.id
        self._ignored.clear()
        if account.id != self.account.id:
            self.account = account
            self._show_account()
        self.editor.set_text(draft.text)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)  # carry on writing where it stopped
        self.tabs.setCurrentIndex(0)
        self._check()

    def open_draft(self, draft_id: int) -> None:
        self.save_now()
        store = self.services.store
        self.background.run("storage", lambda: store.load_draft(draft_id), self._load_draft, self._storage_failed)

    def new_draft(self) -> None:
        self.save_now()
        self._generation += 1
        self.draft_id = None
        self._ignored.clear()
        self.editor.set_text("")
        self.tabs.setCurrentIndex(0)
        self.editor.setFocus()
        self._check()

    def duplicate_draft(self, draft_id: int) -> None:
        store = self.services.store
        self.background.run(
            "storage", lambda: store.duplicate_draft(draft_id), lambda _: self._refresh_drafts(), self._storage_failed
        )

    def discard_draft(self, draft_id: int) -> None:
        if draft_id == self.draft_id:
            self._generation += 1
            self.draft_id = None
            self.editor.set_text("")
        store = self.services.store
        self.background.run(
            "storage", lambda: store.discard_draft(draft_id), lambda _: self._refresh_drafts(), self._storage_failed
        )

    def _refresh_drafts(self) -> None:
        store, key = self.services.store, self.workspace_key
        accounts = {a.id: a for a in self.workspace.accounts}
        self.background.run(
            "storage",
            lambda: store.list_drafts(key),
            lambda drafts: self.drafts.set_drafts(drafts, accounts, self.draft_id),
            self._storage_failed,
        )

    def _refresh_sent(self) -> None:
        store, key = self.services.store, self.workspace_key
        accounts = {a.id: a for a in self.workspace.accounts}

        def show(posts: list[SentPost]) -> None:
            self.sent.set_posts(posts, accounts)

        self.background.run("storage", lambda: store.sent_posts(key), show, self._storage_failed)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.drafts:
            self.save_now()
            self._refresh_drafts()
        elif self.tabs.widget(index) is self.sent:
            self._refresh_sent()

    def _storage_failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, "Second Look", f"{error}")

    # --- publishing ---------------------------------------------------------------------------------

    def start_publish(self) -> None:
        """Open the confirmation for the text as it is now, checked with every check that can run."""
        if self._publishing:
            return
        text = self.editor.draft_text()
        if not text.strip():
            self.status.setText("There is nothing to publish yet.")
            return
        if not self._model_loaded and self._model_failed is None:
            self.status.setText("One moment: the language model is still loading, and names must be checked first.")
            self.model_ready.connect(self._publish_when_ready, Qt.ConnectionType.SingleShotConnection)
            return
        self._publishing = True
        self.editor.setReadOnly(True)  # what was confirmed is exactly what goes out
        self.save_now()  # a pending autosave lands now, so the draft has an id by the time it is sent
        account = self.account
        checker = self.services.checker if self._model_loaded else self.services.rules_checker
        accounts = self.services.accounts

        def work() -> tuple[Report, AccountStatus | None]:
            # The account's state as the store has it now, not as it was at start: it may have been
            # connected or removed since (from the terminal, say), and the question must say where it goes.
            return checker.check(text, account.id), accounts.status(account.id) if accounts is not None else None

        self.background.run("checks", work, lambda r: self._confirm(*r, text, account), self._publish_failed)

    def _publish_when_ready(self, _: bool) -> None:
        self.start_publish()

    def _confirm(self, report: Report, status: AccountStatus | None, text: str, account: Account) -> None:
        if status is not None and self.statuses.get(account.id) != status:
            self.statuses[account.id] = status
            self._show_account()
        gate = gate_for(
            report,
            account,
            self.workspace.policy,
            blocked_reason=status.blocked_reason if status is not None else None,
            to_outbox=self.services.accounts is None or (status is not None and status.state == NOT_CONNECTED),
        )
        previous = getattr(self, "confirm_dialog", None)
        if previous is not None:
            previous.deleteLater()  # one confirmation per attempt; the last one is kept for tests
        self.confirm_dialog = ConfirmDialog(gate, text, self)
        self.confirm_dialog.accepted.connect(lambda: self._confirmed(gate, text))
        self.confirm_dialog.rejected.connect(self._publish_cancelled)
        self.confirm_dialog.open()

    def _confirmed(self, gate: PublishGate, text: str) -> None:
        attempt: Attempt = self.confirm_dialog.attempt()
        if not gate.allows(attempt):  # the dialog enforces this too; never trust a single layer
            self._publish_cancelled()
            return
        post = OutgoingPost(
            workspace=self.workspace_key,
            account_id=gate.account.id,
            text=text,
            draft_id=self.draft_id,
            override_reason=attempt.override_reason.strip() or None if gate.blocking else None,
            acknowledged=tuple(f"{f.check}: {f.message}" for f in gate.warnings),
            overridden=tuple(f"{f.check}: {f.message}" for f in gate.blocking),
            to_outbox=gate.to_outbox,
        )
        self.undo_window = UndoWindow(gate.account.name, gate.undo_seconds, self)
        self.undo_window.elapsed.connect(lambda: self._send(post))
        self.undo_window.cancelled.connect(self._publish_cancelled)
        if gate.undo_seconds > 0:
            self.undo_window.open()  # window-modal: nothing else in the composer moves during the countdown
        self.undo_window.start()

    def _send(self, post: OutgoingPost) -> None:
        self.status.setText("Publishing…")
        if self._saving:
            # This draft's save is still on the storage lane: send once it has landed and its id is
            # known, or the sent post would stay on the drafts list (and be reopened on the next start).
            self.background.run("storage", lambda: None, lambda _: self._send(post))
            return
        post = dataclasses.replace(post, draft_id=self.draft_id)
        account, publisher_for = self.workspace.account(post.account_id), self.services.publisher_for
        # Choosing the publisher reads the store (is the account connected?): off the GUI thread too.
        self.background.run("network", lambda: publisher_for(account).publish(post), self._sent, self._publish_failed)

    # --- accounts -----------------------------------------------------------------------------------

    def verify_accounts(self) -> None:
        """Show what is known about each account at once, then ask the platforms (at start, and on request).

        Once the platforms have answered, posts that may or may not have gone out before a crash are
        settled with them, before anything new is sent.
        """
        accounts = self.services.accounts
        if accounts is None:
            return

        def verified() -> tuple[list[AccountStatus], dict[str, bytes | None], Workspace]:
            return *_with_avatars(accounts, accounts.verify_all()), accounts.current_workspace()

        # The stored statuses (storage lane) and the platforms' answer (network lane) run at once; the
        # platforms' answer must win over the stored one, whichever arrives last.
        self._verifying += 1
        round_ = self._verifying
        self.background.run(
            "storage",
            lambda: _with_avatars(accounts, accounts.statuses()),
            lambda r: self._show_known(round_, *r),
            self._accounts_failed,
        )
        self.background.run("network", verified, lambda r: self._verified(round_, r), self._accounts_failed)

    def _show_known(self, round_: int, statuses: list[AccountStatus], avatars: dict[str, bytes | None]) -> None:
        if self._answered < round_:
            self._show_statuses(statuses, avatars)

    def _verified(self, round_: int, result: tuple[list[AccountStatus], dict[str, bytes | None], Workspace]) -> None:
        self._answered = max(self._answered, round_)
        statuses, avatars, workspace = result
        self.set_workspace(workspace)
        self._show_statuses(statuses, avatars)
        self.accounts_verified.emit(statuses)
        accounts = self.services.accounts
        if accounts is not None:
            self.background.run("network", accounts.reconcile, self._reconciled, self._accounts_failed)

    def _reconciled(self, unsettled: int) -> None:
        if unsettled:
            self.status.setText(
                f"{unsettled} earlier post(s) may or may not have gone out, and the platform cannot be asked yet. "
                "Nothing new goes to that account until Second Look can check."
            )

    def _show_statuses(self, statuses: list[AccountStatus], avatars: dict[str, bytes | None]) -> None:
        self.statuses = {s.account_id: s for s in statuses}
        self._avatars = dict(avatars)
        self.banner.set_status(self.statuses.get(self.account.id), self._avatars.get(self.account.id))

    def _accounts_failed(self, error: BaseException) -> None:
        log.warning("accounts could not be checked: %s", error)
        self.status.setText(f"The accounts could not be checked with their platforms: {error}")

    def open_accounts(self) -> None:
        """The accounts dialog: add, verify and remove accounts (window-modal, so the banner waits)."""
        accounts = self.services.accounts
        if accounts is None:
            return
        self.accounts_dialog = AccountsDialog(accounts, self.background, self.workspace, self)
        self.accounts_dialog.accounts_changed.connect(self._accounts_changed)
        self.accounts_dialog.open()

    def _accounts_changed(self, workspace: Workspace) -> None:
        self.set_workspace(workspace)
        accounts = self.services.accounts
        if accounts is None:
            return

        self.background.run(
            "storage",
            lambda: _with_avatars(accounts, accounts.statuses()),
            lambda r: self._show_statuses(*r),
            self._accounts_failed,
        )

    def set_workspace(self, workspace: Workspace) -> None:
        """Use ``workspace`` from now on: new accounts, or the platforms' own limits and audiences."""
        self.workspace = workspace
        self.services.checker.workspace = workspace
        self.services.rules_checker.workspace = workspace
        try:
            self.account = workspace.account(self.account.id)
        except Exception:  # the account is gone from the workspace: fall back to the first
            self.account = workspace.accounts[0]
        self._show_account()
        self._check()

    # --- deleting a published post -------------------------------------------------------------------

    def delete_post(self, sent_id: int, reason: str) -> None:
        """Remove a published post from its platform; its record stays, with who deleted it and why."""
        accounts = self.services.accounts
        if accounts is None or sent_id in self._deleting:
            return
        self._deleting.add(sent_id)
        self.status.setText("Deleting the post on its platform…")
        self.background.run(
            "network",
            lambda: accounts.delete_post(sent_id, reason),
            self._post_deleted,
            lambda error: self._delete_failed(sent_id, error),
        )

    def _post_deleted(self, post: SentPost) -> None:
        self._deleting.discard(post.id)
        self.status.setText("The post is deleted on its platform. Its record stays in the Sent list.")
        self.sent.show_deleted(post)
        self.sent.offer_acknowledgement(post)
        self.post_deleted.emit(post)

    def _delete_failed(self, sent_id: int, error: BaseException) -> None:
        self._deleting.discard(sent_id)
        self.status.setText("The post was not deleted.")
        QMessageBox.warning(self, "Second Look: not deleted", str(error))

    def draft_acknowledgement(self, post: SentPost) -> None:
        """Start a new draft owning the mistake, on the account that made it (switching to it visibly)."""
        if self._publishing:
            self.status.setText("A post is being published; draft the acknowledgement once it is out.")
            return
        self.tabs.setCurrentIndex(0)
        self.new_draft()
        if post.account_id != self.account.id:
            try:
                self.switch_account(post.account_id)
            except Exception:  # the account is no longer in the workspace: stay, the person chooses
                self.status.setText(f"The account '{post.account_id}' is no longer in this workspace.")
        self.editor.set_text(acknowledgement_text(post, personal=self.account.kind == "personal"))
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.editor.setFocus()
        self._edited()

    def _sent(self, receipt: PublishReceipt) -> None:
        self._publishing = False
        self.editor.setReadOnly(False)
        self.status.setText(f"Posted as {self.account.name} to {receipt.location}.")
        self._generation += 1
        self.draft_id = None
        self._ignored.clear()
        self.editor.set_text("")
        self.published.emit(receipt)
        self._check()

    def _publish_cancelled(self) -> None:
        self._publishing = False
        self.editor.setReadOnly(False)
        self.status.setText("Not sent. Your draft is still here.")

    def _publish_failed(self, error: BaseException) -> None:
        self._publishing = False
        self.editor.setReadOnly(False)
        self.status.setText("Not sent. Your draft is still here.")
        QMessageBox.warning(self, "Second Look: not sent", f"{error}\n\nYour draft is still in the composer.")

    # --- closing ------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._model_started:
            self._model_started = True
            QTimer.singleShot(MODEL_DELAY_MS, self._load_model)
            QTimer.singleShot(0, self.verify_accounts)  # identity from the platforms at every start

    def _load_model(self) -> None:
        self.background.run("model", self.services.checker.ensure_model, self._model_done, self._model_error)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.background.closed:  # closed once already: the store may be gone
            super().closeEvent(event)
            return
        self.save_now()
        if self._saving:
            # A save was already in flight, so save_now only asked for another: let that one land and
            # deliver its result, which starts the save of the newest text.
            self.background.wait()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        self.background.shutdown()  # lets the pending save land before the window goes
        super().closeEvent(event)


def _with_avatars(
    accounts: AccountsService, statuses: list[AccountStatus]
) -> tuple[list[AccountStatus], dict[str, bytes | None]]:
    """``statuses`` with the cached picture of each connected account (read from disk: call off the GUI thread)."""
    return statuses, {s.account_id: accounts.avatar(s.account_id) for s in statuses if s.connected}
