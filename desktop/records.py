"""The app's records and the two interfaces the window talks to, with no I/O of their own.

The widgets (``ui``) may import this module and nothing else of ``desktop``: they receive a
:class:`DraftStore` and a :class:`Publisher` from the entry point and call them only through the
background helper (``ui.background``), never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


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
