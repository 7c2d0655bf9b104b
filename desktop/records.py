"""The app's records and the two interfaces the window talks to, with no I/O of their own.

The widgets (``ui``) may import this module and nothing else of ``desktop``: they receive a
:class:`DraftStore` and a :class:`Publisher` from the entry point and call them only through the
background helper (``ui.background``), never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from checks.workspace import Workspace

# The platforms an account can be connected to (the others publish to the local outbox).
CONNECTED_PLATFORMS: tuple[str, ...] = ("mastodon", "bluesky", "webhook")

# Team channels a webhook account can post to, with the names people know them by.
WEBHOOK_KINDS: dict[str, str] = {
    "slack": "Slack",
    "teams": "Microsoft Teams (Workflows)",
    "discord": "Discord",
    "groupme": "GroupMe bot",
}


@dataclass(frozen=True)
class Draft:
    """A saved draft: the text and the account it is meant for, in one workspace."""

    id: int
    workspace: str  # the workspace folder, as an absolute path string
    account_id: str
    text: str
    created: datetime  # timezone-aware, UTC
    updated: datetime


@dataclass(frozen=True)
class OutgoingPost:
    """A post the person confirmed: what goes out, where, and on what terms."""

    workspace: str
    account_id: str
    text: str
    draft_id: int | None = None
    override_reason: str | None = None  # set when blocking findings were overridden
    acknowledged: tuple[str, ...] = ()  # "check: message" of each warning the person acknowledged
    overridden: tuple[str, ...] = ()  # "check: message" of each blocking finding overridden
    # What the confirmation told the person: True "to the local outbox", False "to the platform". A
    # publisher refuses a post whose route changed since (an account connected while the dialog was open).
    to_outbox: bool | None = None


@dataclass(frozen=True)
class SentPost:
    """A published post as the Sent view lists it."""

    id: int
    workspace: str
    account_id: str
    text: str
    sent_at: datetime
    destination: str  # "outbox", or the post's URL once real platforms publish
    override_reason: str | None = None
    acknowledged: tuple[str, ...] = ()
    overridden: tuple[str, ...] = ()
    remote_id: str | None = None  # the platform's id (Mastodon status id, Bluesky record key)
    url: str | None = None
    deleted_at: datetime | None = None  # removed from the platform; the record stays, owned
    deleted_by: str | None = None
    delete_reason: str | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class PublishIntent:
    """A post someone confirmed, stored *before* it is sent, so it goes out exactly once.

    ``key`` is what makes a retry harmless: the Mastodon Idempotency-Key or the Bluesky record key,
    chosen once and reused by every attempt and by the reconciliation after a crash.
    """

    id: int
    post: OutgoingPost
    key: str
    state: str  # "pending" (may or may not have reached the platform), "sent", "failed" (certainly not sent)
    attempts: int
    created: datetime
    last_error: str | None = None


@dataclass(frozen=True)
class PublishReceipt:
    post: SentPost
    location: str  # where it went, for the person: a URL, a record URI, "the local outbox"


class PublishError(Exception):
    """Publishing failed. ``str(error)`` says what happened and what to do, with no secret in it.

    The draft is kept whenever this is raised."""


@dataclass(frozen=True)
class Connection:
    """How this laptop reaches one account: where it lives and who the platform says it is.

    The credentials are in the OS keyring under the account id, never here. The identity fields are
    the platform's answer at the last successful verification (None before the first).
    """

    account_id: str
    platform: str  # "mastodon", "bluesky", "webhook"
    server: str  # the Mastodon instance or Bluesky service URL; for webhooks the kind (slack, teams, ...)
    login: str | None = None  # the Bluesky handle signed in with; None elsewhere
    display_name: str | None = None
    handle: str | None = None  # as the platform reports it: "@user@host", "@handle"
    avatar_url: str | None = None
    avatar_path: str | None = None  # the cached copy on disk
    followers: int | None = None
    profile_url: str | None = None
    max_characters: int | None = None  # the platform's own limit, where it publishes one
    verified_at: datetime | None = None
    problem: str | None = None  # why the last verification failed, for the person
    problem_kind: str | None = None  # "auth" (credentials refused), "unreachable", "error"


# The states an account can be in, as the banner, the dialog and `secondlook accounts list` show them.
NOT_CONNECTED = "not connected"  # no credentials: posts go to the local outbox
VERIFIED = "verified"  # the platform confirmed who the credentials speak for, in this session
MISMATCH = "handle mismatch"  # the platform's handle is not the configured one: publishing blocked
SIGNED_OUT = "signed out"  # the platform refused the credentials: publishing blocked until re-added
UNVERIFIED = "not verified"  # not (yet) checked in this session, or the platform could not be reached


@dataclass(frozen=True)
class AccountStatus:
    """One workspace account with its connection, as everything that shows accounts sees it."""

    account_id: str
    configured_handle: str
    platform: str
    connection: Connection | None
    state: str  # one of the constants above
    detail: str  # one sentence for the person: what the state means and what to do
    blocked_reason: str | None = None  # set when publishing to this account is refused, and why

    @property
    def connected(self) -> bool:
        return self.connection is not None


@dataclass(frozen=True)
class MastodonSignIn:
    """A Mastodon OAuth sign-in in progress: the page to open, and what finishing it needs.

    ``handle`` is opaque to the window: the accounts service keeps the app credentials behind it.
    """

    server: str
    authorize_url: str
    handle: str


class AccountError(Exception):
    """Adding, verifying or removing an account failed. ``str(error)`` says why and what to do; nothing was
    half-saved, and no secret is in the message."""


class AccountsService(Protocol):
    """Accounts, for the window. Every method may block on the network or the keyring: call it off the GUI thread.

    ``add_*`` verify the identity with the platform before saving anything; they raise :class:`AccountError`
    (nothing saved) when the credentials are refused, the server cannot be reached, or the platform's handle
    differs from the one configured for ``account_id``. A new ``account_id`` is added to the workspace's
    accounts.toml with the given ``name`` and ``kind`` (default: the platform's display name; "brand").
    """

    def current_workspace(self) -> Workspace: ...  # reloaded after an account was added to accounts.toml
    def statuses(self) -> list[AccountStatus]: ...
    def status(self, account_id: str) -> AccountStatus: ...  # from the store: no network
    def avatar(self, account_id: str) -> bytes | None: ...  # the cached picture, if there is one
    def verify(self, account_id: str) -> AccountStatus: ...
    def verify_all(self) -> list[AccountStatus]: ...
    def start_mastodon_sign_in(self, server: str) -> MastodonSignIn: ...
    def finish_mastodon_sign_in(
        self, sign_in: MastodonSignIn, account_id: str, code: str, *, name: str | None = None, kind: str | None = None
    ) -> AccountStatus: ...
    def add_mastodon_token(
        self, account_id: str, server: str, token: str, *, name: str | None = None, kind: str | None = None
    ) -> AccountStatus: ...
    def add_bluesky(
        self,
        account_id: str,
        service: str,
        handle: str,
        app_password: str,
        *,
        name: str | None = None,
        kind: str | None = None,
    ) -> AccountStatus: ...
    def add_webhook(
        self,
        account_id: str,
        webhook_kind: str,
        url: str,
        *,
        name: str | None = None,
        kind: str | None = None,
    ) -> AccountStatus: ...
    def remove(self, account_id: str) -> AccountStatus: ...
    def reconcile(self) -> int: ...  # settles pending posts; returns how many are still unsettled
    def delete_post(self, sent_id: int, reason: str) -> SentPost: ...


class DraftStore(Protocol):
    """Drafts and sent posts. Every method may block on disk: call it off the GUI thread."""

    def save_draft(self, draft_id: int | None, workspace: str, account_id: str, text: str) -> Draft: ...
    def load_draft(self, draft_id: int) -> Draft | None: ...
    def list_drafts(self, workspace: str) -> list[Draft]: ...
    def latest_draft(self, workspace: str) -> Draft | None: ...
    def duplicate_draft(self, draft_id: int) -> Draft: ...
    def discard_draft(self, draft_id: int) -> None: ...
    def sent_posts(self, workspace: str) -> list[SentPost]: ...


class Publisher(Protocol):
    """Sends a confirmed post. May block on the network: call it off the GUI thread."""

    def publish(self, post: OutgoingPost) -> PublishReceipt: ...


@dataclass
class AppState:
    """What the app remembers between runs (not secrets): the last workspace."""

    last_workspace: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
