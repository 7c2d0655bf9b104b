"""Exactly-once publishing to a platform: intent first, one key for every attempt, reconcile after a crash.

1. The confirmed post is stored as an intent, with the key every attempt will reuse (a Mastodon
   Idempotency-Key, a Bluesky record key), before a single byte goes to the platform.
2. The client sends it, retrying with that same key (and checking the account's recent posts before
   a retry whose first try may have arrived).
3. The answer completes the intent: the post is recorded as sent and its draft closed, in one
   transaction. A refusal fails the intent and the draft stays a draft. An answer that never came
   leaves the intent pending, and the person is told the post may or may not be out.
4. At the next start (or the next publish on that account) pending intents are reconciled with the
   platform before anything is sent again.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from typing import Protocol

from checks.workspace import Account
from desktop.platforms import AuthError, PlatformError, Posted, RejectedError, UnreachableError
from desktop.platforms.bluesky import BlueskyClient
from desktop.platforms.mastodon import MastodonClient
from desktop.platforms.webhook import WebhookClient
from desktop.records import WEBHOOK_KINDS, OutgoingPost, PublishError, PublishIntent, PublishReceipt, SentPost
from desktop.storage import StorageError, Store

log = logging.getLogger(__name__)

# Reconciliation looks for the post among those created since the intent, less this much for clocks
# that disagree between the laptop and the server.
CLOCK_SLACK = timedelta(minutes=2)


class PostingClient(Protocol):
    """What the publisher needs from a platform client (adapters below wrap the real clients).

    ``reconcilable`` is False for a platform that cannot be asked whether it has a post (a team
    channel's webhook): there a post whose answer never came is never sent again automatically.
    """

    platform_name: str
    reconcilable: bool

    def new_key(self) -> str: ...
    def post(self, text: str, key: str) -> Posted: ...
    def find(self, text: str, key: str, since: datetime) -> Posted | None: ...
    def close(self) -> None: ...  # the HTTP connections, once the publisher is done with the client


class MastodonPosting:
    """A Mastodon account as a :class:`PostingClient`: the key is an Idempotency-Key."""

    platform_name = "Mastodon"
    reconcilable = True

    def __init__(self, client: MastodonClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def new_key(self) -> str:
        return uuid.uuid4().hex

    def post(self, text: str, key: str) -> Posted:
        return self.client.post(text, key)

    def find(self, text: str, key: str, since: datetime) -> Posted | None:
        # Mastodon forgets Idempotency-Keys after a while; the account's own recent posts are the record.
        return self.client.find_posted(text, since=since - CLOCK_SLACK)


class BlueskyPosting:
    """A Bluesky account as a :class:`PostingClient`: the key is the record key the client chooses."""

    platform_name = "Bluesky"
    reconcilable = True

    def __init__(self, client: BlueskyClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def new_key(self) -> str:
        return self.client.new_record_key()

    def post(self, text: str, key: str) -> Posted:
        return self.client.post(text, key)

    def find(self, text: str, key: str, since: datetime) -> Posted | None:
        # The record key names the post exactly: it is either there or was never created.
        return self.client.find_posted(key)


class WebhookPosting:
    """A team channel's webhook as a :class:`PostingClient`: at most once, since it cannot be asked afterwards."""

    reconcilable = False

    def __init__(self, client: WebhookClient) -> None:
        self.client = client
        self.platform_name = WEBHOOK_KINDS.get(client.kind, "the team channel")

    def close(self) -> None:
        self.client.close()

    def new_key(self) -> str:
        return uuid.uuid4().hex  # local only: webhooks take no idempotency key

    def post(self, text: str, key: str) -> Posted:
        posted = self.client.post(text)
        # Only Discord gives a message id an app can delete by; the others' ids are local and useless.
        return posted if self.client.can_delete else dataclasses.replace(posted, id="")

    def find(self, text: str, key: str, since: datetime) -> Posted | None:
        raise PlatformError(f"{self.platform_name} cannot be asked whether it received a message.")


_LOCKS_GUARD = threading.Lock()
_ACCOUNT_LOCKS: dict[str, threading.Lock] = {}


def _account_lock(account_id: str) -> threading.Lock:
    """One lock per account in this process: a reconciliation must never look for a post (and, not finding
    it yet, send it again) while another thread is still sending it."""
    with _LOCKS_GUARD:
        return _ACCOUNT_LOCKS.setdefault(account_id, threading.Lock())


class PlatformPublisher:
    """Publishes one account's posts to its platform exactly once (see the module docstring)."""

    def __init__(self, store: Store, account: Account, client_factory: Callable[[], PostingClient]) -> None:
        self._store = store
        self._account = account
        self._client_factory = client_factory

    def publish(self, post: OutgoingPost) -> PublishReceipt:
        if post.account_id != self._account.id:
            raise PublishError(
                f"The post was not sent: it is for '{post.account_id}', not {self._account.name}. Your draft is kept."
            )
        with _account_lock(self._account.id), closing(self._client()) as client:
            try:
                unsettled = self._reconcile(client)
            except StorageError as error:
                raise PublishError(f"The post was not sent: {error} Your draft is kept.") from None
            if unsettled:
                raise PublishError(
                    f"An earlier post to {self._account.name} may or may not have gone out, and "
                    f"{client.platform_name} cannot be asked right now. Nothing new is sent until that is settled; "
                    "try again in a moment. Your draft is kept."
                )
            try:
                intent = self._store.begin_intent(post, client.new_key())
            except StorageError as error:
                raise PublishError(f"The post was not sent: {error} Your draft is kept.") from None
            try:
                return self._send(client, intent)
            except StorageError as error:
                raise PublishError(
                    f"Second Look could not record what happened to the post: {error} It may be out: look on "
                    f"{client.platform_name} before publishing again. Your draft is kept."
                ) from None

    def _client(self) -> PostingClient:
        try:
            return self._client_factory()
        except PlatformError as error:
            raise PublishError(f"The post was not sent: {error} Your draft is kept.") from None

    def _send(self, client: PostingClient, intent: PublishIntent) -> PublishReceipt:
        name = client.platform_name
        try:
            posted = client.post(intent.post.text, intent.key)
        except RejectedError as error:
            self._store.fail_intent(intent.id, str(error))
            raise PublishError(f"{name} did not accept the post: {error} Your draft is kept.") from None
        except AuthError as error:
            self._store.fail_intent(intent.id, str(error))
            raise PublishError(f"The post was not sent: {error} Your draft is kept.") from None
        except UnreachableError as error:
            if not error.maybe_sent:
                self._store.fail_intent(intent.id, str(error))
                raise PublishError(f"The post was not sent: {error} Your draft is kept.") from None
            if not client.reconcilable:
                # Sending again could post it twice, and the channel cannot be asked: the person looks.
                self._store.fail_intent(intent.id, f"unconfirmed: {error}")
                raise PublishError(
                    f"{name} did not confirm the message: {error} It may have arrived. Look in the channel before "
                    "publishing again: Second Look will not resend it on its own. Your draft is kept."
                ) from None
            self._store.note_attempt(intent.id, str(error))
            raise PublishError(
                f"{name} did not confirm the post: {error} It may or may not be out. Second Look will check with "
                f"{name} before sending anything else to {self._account.name}, at the next start or publish. "
                "Your draft is kept until then."
            ) from None
        except PlatformError as error:
            if not client.reconcilable:
                self._store.fail_intent(intent.id, f"unconfirmed: {error}")
                raise PublishError(
                    f"{name} could not be asked to publish: {error} If the message is not in the channel, publish "
                    "again. Your draft is kept."
                ) from None
            self._store.note_attempt(intent.id, str(error))
            raise PublishError(f"{name} could not be asked to publish: {error} Your draft is kept.") from None
        sent = self._complete(intent, name, posted)
        return PublishReceipt(post=sent, location=posted.url or posted.uri or name)

    def _complete(self, intent: PublishIntent, name: str, posted: Posted) -> SentPost:
        return self._store.complete_intent(intent.id, name, posted.id or None, posted.url or posted.uri)

    def reconcile(self) -> list[PublishIntent]:
        """Settle this account's pending intents with the platform; returns those still unsettled.

        Found on the platform: recorded as sent (it went out; the draft closes). Not found: the
        platform never got it, so it is sent again with the same key, which cannot make a second copy.
        Platform unreachable: left pending for next time. A team channel cannot be asked: its pending
        messages (the app stopped before the answer came) are closed as unconfirmed, never resent.
        """
        with _account_lock(self._account.id):
            if not any(i.post.account_id == self._account.id for i in self._store.pending_intents()):
                return []
            try:
                with closing(self._client()) as client:
                    return self._reconcile(client)
            except StorageError as error:
                raise PublishError(f"The earlier posts could not be settled: {error}") from None

    def _reconcile(self, client: PostingClient) -> list[PublishIntent]:
        pending = [i for i in self._store.pending_intents() if i.post.account_id == self._account.id]
        unsettled: list[PublishIntent] = []
        for intent in pending:
            if not client.reconcilable:
                log.warning("post %s to %s was never confirmed; not resending it", intent.id, client.platform_name)
                self._store.fail_intent(intent.id, "unconfirmed: Second Look stopped before the channel answered")
                continue
            try:
                found = client.find(intent.post.text, intent.key, intent.created)
            except PlatformError as error:
                log.warning("could not reconcile post %s with %s: %s", intent.id, client.platform_name, error)
                unsettled.append(intent)
                continue
            if found is not None:
                self._complete(intent, client.platform_name, found)
                continue
            try:
                self._send(client, intent)
            except PublishError as error:
                log.warning("resending post %s failed: %s", intent.id, error)
                if any(i.id == intent.id for i in self._store.pending_intents()):
                    unsettled.append(intent)
        return unsettled
