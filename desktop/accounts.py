"""Accounts on this laptop: connect a workspace account to its platform, verify who it is, publish as it.

The workspace's accounts.toml says who may speak (handle, kind, brand terms: the rules). This module
adds how this laptop reaches each account:

* the credentials, only in the OS keyring (``desktop.secrets``), under the account id;
* the connection (server, and who the platform last said the account is) in the store;
* a check, when an account is added and at every start, that the platform's handle is the one
  accounts.toml configures. When it is not, publishing to that account is blocked, and the
  person is told why, in the window and in the terminal alike (:attr:`AccountStatus.blocked_reason`).

Accounts with no connection keep publishing to the local outbox, as the demo workspace does.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import logging
import os
import secrets as random_tokens
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

import requests

from checks import Workspace, load_workspace
from checks.errors import ConfigError, UnknownAccountError
from checks.gate import MAX_REASON_CHARS, handle_matches
from checks.workspace import ACCOUNT_ID, KINDS, PLATFORM_NAMES, Account, demo_workspace_path
from desktop import secrets
from desktop.platforms import RETRY_DELAYS, AuthError, Identity, PlatformError, UnreachableError
from desktop.platforms.bluesky import DEFAULT_SERVICE, BlueskyClient, SessionTokens
from desktop.platforms.mastodon import AVATAR_MAX_BYTES, MastodonClient, download_image, normalize_server
from desktop.platforms.webhook import WebhookClient, detect_kind, normalize_webhook
from desktop.publishers import OutboxPublisher
from desktop.publishing import BlueskyPosting, MastodonPosting, PlatformPublisher, PostingClient, WebhookPosting
from desktop.records import (
    CONNECTED_PLATFORMS,
    MISMATCH,
    NOT_CONNECTED,
    SIGNED_OUT,
    UNVERIFIED,
    VERIFIED,
    WEBHOOK_KINDS,
    AccountError,
    AccountsService,
    AccountStatus,
    Connection,
    MastodonSignIn,
    OutgoingPost,
    Publisher,
    PublishError,
    PublishReceipt,
    SentPost,
)
from desktop.settings import data_dir
from desktop.storage import StorageError, Store

log = logging.getLogger(__name__)

T = TypeVar("T")


class AccountManager:
    """The accounts of one workspace on this laptop. Thread-safe: the window calls it from background lanes.

    ``timeout``, ``retry_delays`` and ``sleep`` are passed to every platform client (tests shorten them).
    """

    def __init__(
        self,
        store: Store,
        workspace: Workspace,
        *,
        avatar_dir: Path | None = None,
        timeout: float = 10.0,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
        user: str | None = None,
    ) -> None:
        self.store = store
        self._workspace = workspace
        self._avatar_dir = avatar_dir
        self._timeout = timeout
        self._delays = tuple(retry_delays)
        self._sleep = sleep
        self._user = user
        self._lock = threading.RLock()
        self._verified: set[str] = set()  # account ids the platform confirmed in this process
        self._sign_ins: dict[str, tuple[str, str, str]] = {}  # sign-in handle -> (server, client id, secret)

    # --- what the window and the terminal read ---

    def current_workspace(self) -> Workspace:
        """The workspace, with each connected account's platform limit and follower count filled in."""
        with self._lock:
            workspace = self._workspace
        connections = {c.account_id: c for c in self.store.connections()}
        accounts = tuple(_effective(a, connections.get(a.id)) for a in workspace.accounts)
        return Workspace(workspace.path, accounts, workspace.policy)

    def statuses(self) -> list[AccountStatus]:
        with self._lock:
            accounts = self._workspace.accounts
        connections = {c.account_id: c for c in self.store.connections()}
        return [self._status(a, connections.get(a.id)) for a in accounts]

    def status(self, account_id: str) -> AccountStatus:
        account = self._account(account_id)
        return self._status(account, self.store.connection(account_id))

    def avatar(self, account_id: str) -> bytes | None:
        """The cached avatar picture of a connected account, or None."""
        connection = self.store.connection(account_id)
        if connection is None or not connection.avatar_path:
            return None
        try:
            path = Path(connection.avatar_path)
            return path.read_bytes() if path.stat().st_size <= AVATAR_MAX_BYTES else None
        except OSError:
            return None

    # --- adding ---

    def add(
        self,
        account_id: str,
        platform: str,
        server: str | None,
        secret: str,
        *,
        handle: str | None = None,
        name: str | None = None,
        kind: str | None = None,
    ) -> AccountStatus:
        """Add (or reconnect) an account from the terminal's terms: a platform, a server and one secret.

        Mastodon: ``secret`` is an access token. Bluesky: an app password, with ``handle`` the handle to
        sign in as (default: the configured one). Webhook: the webhook URL, ``server`` its kind
        (slack, teams, discord, groupme; guessed from the URL when omitted).
        """
        secret = secret.strip()
        if platform == "mastodon":
            if not server:
                raise AccountError("A Mastodon account needs its server: --server https://mastodon.example.")
            return self.add_mastodon_token(account_id, server, secret, name=name, kind=kind, expected_handle=handle)
        if platform == "bluesky":
            login = handle or self._configured_handle(account_id)
            if not login:
                raise AccountError("A Bluesky account needs the handle to sign in as: --handle you.bsky.social.")
            return self.add_bluesky(account_id, server or DEFAULT_SERVICE, login, secret, name=name, kind=kind)
        if platform == "webhook":
            webhook_kind = server or detect_kind(secret)
            if not webhook_kind:
                raise AccountError(
                    "Which team channel is this webhook for? Give --server slack, teams, discord or groupme."
                )
            return self.add_webhook(account_id, webhook_kind, secret, name=name, kind=kind)
        raise AccountError(f"Second Look cannot publish to '{platform}' yet: use mastodon, bluesky or webhook.")

    def start_mastodon_sign_in(self, server: str) -> MastodonSignIn:
        """Register Second Look with ``server`` and return the page where the person approves it."""
        address = self._server(server)
        with self._mastodon(address) as client:
            client_id, client_secret = self._platform_call(client.register_app)
            url = client.authorize_url(client_id)
        handle = random_tokens.token_urlsafe(12)
        with self._lock:
            self._sign_ins[handle] = (address, client_id, client_secret)
        return MastodonSignIn(server=address, authorize_url=url, handle=handle)

    def finish_mastodon_sign_in(
        self, sign_in: MastodonSignIn, account_id: str, code: str, *, name: str | None = None, kind: str | None = None
    ) -> AccountStatus:
        """Trade the code the server showed for a token, then add the account as :meth:`add_mastodon_token`."""
        with self._lock:
            pending = self._sign_ins.get(sign_in.handle)
        if pending is None:
            raise AccountError("This sign-in has expired. Start again with “Sign in in the browser”.")
        address, client_id, client_secret = pending
        with self._mastodon(address) as client:
            token = self._platform_call(lambda: client.exchange_code(client_id, client_secret, code))
        client_json = json.dumps({"client_id": client_id, "client_secret": client_secret})
        status = self.add_mastodon_token(
            account_id, address, token, name=name, kind=kind, extra={"client": client_json}
        )
        with self._lock:
            self._sign_ins.pop(sign_in.handle, None)
        return status

    def add_mastodon_token(
        self,
        account_id: str,
        server: str,
        token: str,
        *,
        name: str | None = None,
        kind: str | None = None,
        expected_handle: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> AccountStatus:
        account_id = self._check_new(account_id, "mastodon", kind)
        if not token.strip():
            raise AccountError("The access token is empty. Paste the token from the server's Development settings.")
        address = self._server(server)
        with self._mastodon(address, token.strip()) as client:
            identity = self._platform_call(client.verify)
            limit = _optional(client.max_characters)
            connection = Connection(account_id, "mastodon", address, max_characters=limit)
            connection = self._identified(connection, identity, client.fetch_avatar)
        secret_kinds = {secrets.TOKEN: token.strip(), **(extra or {})}
        return self._save(connection, secret_kinds, identity, name=name, kind=kind, expected_handle=expected_handle)

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
        account_id = self._check_new(account_id, "bluesky", kind)
        if not handle.strip() or not app_password.strip():
            raise AccountError(
                "Enter the handle and an app password (Settings → Privacy and security → App passwords)."
            )
        address = self._server(service)
        with self._bluesky(address) as client:  # the session it gets is saved below, with the app password
            self._platform_call(lambda: client.login(handle, app_password.strip()))
            identity = self._platform_call(client.verify)
            connection = Connection(account_id, "bluesky", address, login=handle.strip().removeprefix("@"))
            connection = self._identified(connection, identity, self._avatar_fetcher())
            tokens = client.tokens
        kinds = {secrets.APP_PASSWORD: app_password.strip()}
        if tokens is not None:
            kinds[secrets.SESSION] = _session_json(tokens)
        return self._save(connection, kinds, identity, name=name, kind=kind)

    def add_webhook(
        self,
        account_id: str,
        webhook_kind: str,
        url: str,
        *,
        name: str | None = None,
        kind: str | None = None,
    ) -> AccountStatus:
        account_id = self._check_new(account_id, "webhook", kind)
        if webhook_kind not in WEBHOOK_KINDS:
            raise AccountError(
                f"'{webhook_kind}' is not a team channel Second Look knows: use {', '.join(WEBHOOK_KINDS)}."
            )
        try:
            address = normalize_webhook(webhook_kind, url)
        except PlatformError as error:
            raise AccountError(f"{error} Nothing was saved.") from None
        with WebhookClient(webhook_kind, address, timeout=self._timeout) as client:
            identity = self._platform_call(client.verify)
        connection = self._identified(Connection(account_id, "webhook", webhook_kind), identity, None)
        return self._save(connection, {secrets.WEBHOOK_URL: address}, identity, name=name, kind=kind)

    # --- verifying and removing ---

    def verify(self, account_id: str) -> AccountStatus:
        """Ask the platform who the stored credentials speak for, and record its answer."""
        account = self._account(account_id)
        connection = self.store.connection(account_id)
        if connection is None:
            return self._status(account, None)
        try:
            connection = self._ask_identity(connection)
        except AuthError as error:
            connection = dataclasses.replace(connection, problem=str(error), problem_kind="auth")
        except UnreachableError as error:
            connection = dataclasses.replace(connection, problem=str(error), problem_kind="unreachable")
        except (PlatformError, secrets.SecretStoreError) as error:
            connection = dataclasses.replace(connection, problem=str(error), problem_kind="error")
        with self._lock:
            # The account may have been removed or added again while the platform was being asked: then
            # this answer is about credentials that are gone, and must not bring them back.
            current = self.store.connection(account_id)
            if current is None or (current.platform, current.server) != (connection.platform, connection.server):
                return self._status(account, current)
            if connection.problem_kind is None:
                self._verified.add(account_id)
            else:
                self._verified.discard(account_id)
            self.store.save_connection(connection)
        return self._status(account, connection)

    def verify_all(self) -> list[AccountStatus]:
        """Verify every connected account of the workspace (at start, and from the accounts dialog)."""
        connected = {c.account_id for c in self.store.connections()}
        with self._lock:
            ids = [a.id for a in self._workspace.accounts]
        for account_id in ids:
            if account_id in connected:
                self.verify(account_id)
        return self.statuses()

    def remove(self, account_id: str) -> AccountStatus:
        """Delete the account's credentials from the keyring and forget its connection.

        Its entry in accounts.toml (the rules for it) and its posts, drafts and records stay; it publishes
        to the local outbox again until it is added anew.
        """
        try:
            secrets.delete_secrets(account_id)
        except secrets.SecretStoreError as error:
            raise AccountError(f"{error} The account is still connected.") from None
        with self._lock:
            self.store.delete_connection(account_id)
            self._verified.discard(account_id)
        avatar = self._avatar_path(account_id)
        if avatar is not None:
            avatar.unlink(missing_ok=True)
        try:
            return self.status(account_id)
        except AccountError:  # not in this workspace: nothing to show, but it is removed
            return AccountStatus(account_id, "", "", None, NOT_CONNECTED, "Removed from this laptop.")

    # --- publishing ---

    def publisher_for(self, account: Account) -> Publisher:
        """Where ``account``'s posts go: its platform when connected, else the local outbox."""
        connection = self.store.connection(account.id)
        if connection is None or account.platform not in CONNECTED_PLATFORMS:
            return OutboxPublisher(self.store, account)
        return _AccountPublisher(self, account)

    def reconcile(self) -> int:
        """Settle every pending post of the workspace's connected accounts; returns how many stay unsettled."""
        connections = {c.account_id for c in self.store.connections()}
        pending_accounts = {i.post.account_id for i in self.store.pending_intents()}
        unsettled = 0
        with self._lock:
            accounts = [a for a in self._workspace.accounts if a.id in connections and a.id in pending_accounts]
        for account in accounts:
            try:
                unsettled += len(self._platform_publisher(account).reconcile())
            except (PlatformError, secrets.SecretStoreError, AccountError, PublishError, StorageError) as error:
                log.warning("could not settle the pending posts of %s: %s", account.id, error)
                unsettled += sum(1 for i in self.store.pending_intents() if i.post.account_id == account.id)
        return unsettled

    def delete_post(self, sent_id: int, reason: str) -> SentPost:
        """Remove a published post from its platform; the record stays, with who deleted it, when and why."""
        reason = reason.strip()
        if not reason:
            raise AccountError("Say why the post is being deleted: the reason is kept with its record.")
        if len(reason) > MAX_REASON_CHARS:
            raise AccountError(f"The reason is too long ({len(reason):,} characters; {MAX_REASON_CHARS:,} at most).")
        post = self.store.sent_post(sent_id)
        if post is None:
            raise AccountError("That post is not in the Sent list any more.")
        if post.deleted:
            return post
        if post.destination == "outbox":
            raise AccountError(
                "This post went to the local outbox and never left the laptop: there is nothing to delete."
            )
        if post.remote_id is None:
            raise AccountError(
                f"{post.destination} does not let apps delete a message sent through a webhook: remove it in the "
                "channel by hand."
            )
        connection = self.store.connection(post.account_id)
        if connection is None:
            raise AccountError(
                f"The account '{post.account_id}' is no longer connected on this laptop. Add it again to delete "
                "the post, or delete it on the platform by hand."
            )
        account = self._find(post.account_id)
        if account is not None:
            blocked = self._status(account, connection).blocked_reason
            if blocked:
                raise AccountError(f"The post was not deleted. {blocked}")
        if not _posted_through(post, connection):
            raise AccountError(
                "The post was not deleted: it was published through credentials this laptop no longer holds for "
                f"'{post.account_id}' (the account has been connected again since). Delete it on the platform by hand."
            )
        try:
            self._delete_remote(connection, post.remote_id)
        except PlatformError as error:
            raise AccountError(f"The post was not deleted: {error}") from None
        except secrets.SecretStoreError as error:
            raise AccountError(f"The post was not deleted: {error}") from None
        try:
            return self.store.mark_deleted(sent_id, self._user or _user_name(), reason)
        except StorageError as error:
            raise AccountError(
                f"The post is deleted on the platform, but the record could not be updated: {error}"
            ) from None

    # --- internals ---

    def _status(self, account: Account, connection: Connection | None) -> AccountStatus:
        platform = PLATFORM_NAMES[account.platform]

        def status(state: str, detail: str, blocked: str | None = None) -> AccountStatus:
            return AccountStatus(account.id, account.handle, account.platform, connection, state, detail, blocked)

        if connection is None:
            if account.platform == "outbox":
                return status(NOT_CONNECTED, "Posts go to the local outbox on this laptop.")
            return status(
                NOT_CONNECTED,
                f"Not connected to {platform}: posts go to the local outbox. Add the account to publish there.",
            )
        if connection.platform != account.platform:
            theirs = PLATFORM_NAMES.get(connection.platform, connection.platform)
            reason = (
                f"Publishing to {account.name} is blocked: this laptop's '{account.id}' is connected to {theirs}, "
                f"but the workspace says it is on {platform}. Remove the account and add the right one."
            )
            return status(MISMATCH, reason, reason)
        if connection.problem_kind == "auth":
            reason = (
                f"Publishing to {account.name} is blocked: {connection.problem} Add the account again with new "
                "credentials."
            )
            return status(SIGNED_OUT, reason, reason)
        if connection.handle and account.platform != "webhook" and not same_handle(account.handle, connection.handle):
            reason = (
                f"Publishing to {account.name} is blocked: the credentials speak for {connection.handle}, but the "
                f"workspace configures {account.handle}. If the account was renamed, change its handle in "
                "accounts.toml; otherwise remove it and add the right account."
            )
            return status(MISMATCH, reason, reason)
        with self._lock:
            verified = account.id in self._verified
        if verified:
            who = f"{connection.display_name} ({connection.handle})" if connection.handle else connection.display_name
            return status(VERIFIED, f"{platform} confirmed the account: {who}.")
        if connection.problem:
            return status(UNVERIFIED, f"Not verified: {connection.problem}")
        return status(UNVERIFIED, f"Not verified with {platform} yet in this session.")

    def _platform_publisher(self, account: Account) -> PlatformPublisher:
        connection = self.store.connection(account.id)
        if connection is None:
            raise AccountError(f"{account.name} is not connected on this laptop.")
        return PlatformPublisher(self.store, account, lambda: self._posting_client(connection))

    def _posting_client(self, connection: Connection) -> PostingClient:
        if connection.platform == "mastodon":
            return MastodonPosting(self._mastodon(connection.server, self._secret(connection, secrets.TOKEN)))
        if connection.platform == "bluesky":
            return BlueskyPosting(self._signed_in_bluesky(connection))
        url = self._secret(connection, secrets.WEBHOOK_URL)
        return WebhookPosting(WebhookClient(connection.server, url, timeout=self._timeout))

    def _ask_identity(self, connection: Connection) -> Connection:
        """The connection with the platform's current answer about who the credentials speak for."""
        if connection.platform == "mastodon":
            with self._mastodon(connection.server, self._secret(connection, secrets.TOKEN)) as client:
                identity = client.verify()
                limit = _optional(client.max_characters)
                if limit is not None:
                    connection = dataclasses.replace(connection, max_characters=limit)
                return self._identified(connection, identity, client.fetch_avatar)
        if connection.platform == "bluesky":
            with self._signed_in_bluesky(connection) as bluesky:
                try:
                    identity = bluesky.verify()
                except AuthError:
                    # The stored session ran out (refresh tokens expire): sign in again with the app password.
                    bluesky.login(connection.login or "", self._secret(connection, secrets.APP_PASSWORD))
                    identity = bluesky.verify()
                return self._identified(connection, identity, self._avatar_fetcher())
        url = self._secret(connection, secrets.WEBHOOK_URL)
        with WebhookClient(connection.server, url, timeout=self._timeout) as webhook:
            return self._identified(connection, webhook.verify(), None)

    def _signed_in_bluesky(self, connection: Connection) -> BlueskyClient:
        """A Bluesky client on the stored session, signing in again with the app password if it expired."""
        account_id = connection.account_id

        def keep(tokens: SessionTokens) -> None:
            try:
                secrets.store_secret(account_id, secrets.SESSION, _session_json(tokens))
            except secrets.SecretStoreError as error:
                log.warning("could not keep the new Bluesky session of %s: %s", account_id, error)

        client = self._bluesky(connection.server, on_session=keep)
        stored = secrets.load_secret(account_id, secrets.SESSION)
        tokens = _session_from_json(stored) if stored else None
        if tokens is not None:
            client.use_session(tokens)
            return client
        try:
            client.login(connection.login or "", self._secret(connection, secrets.APP_PASSWORD))
        except BaseException:
            client.close()
            raise
        return client

    def _delete_remote(self, connection: Connection, remote_id: str) -> None:
        if connection.platform == "mastodon":
            with self._mastodon(connection.server, self._secret(connection, secrets.TOKEN)) as client:
                client.delete(remote_id)
        elif connection.platform == "bluesky":
            with self._signed_in_bluesky(connection) as bluesky:
                bluesky.delete(remote_id)
        else:
            url = self._secret(connection, secrets.WEBHOOK_URL)
            with WebhookClient(connection.server, url, timeout=self._timeout) as webhook:
                webhook.delete(remote_id)

    def _secret(self, connection: Connection, kind: str) -> str:
        value = secrets.load_secret(connection.account_id, kind)
        if not value:
            raise AuthError(
                f"The keyring has no {kind.replace('_', ' ')} for '{connection.account_id}' (it was deleted, or "
                "this is another user's keyring)."
            )
        return value

    def _save(
        self,
        connection: Connection,
        secret_kinds: dict[str, str],
        identity: Identity,
        *,
        name: str | None,
        kind: str | None,
        expected_handle: str | None = None,
    ) -> AccountStatus:
        """Check the identity against the workspace, then save the secrets, accounts.toml and the connection.

        Nothing is left half-saved: a failure at any step undoes the steps before it.
        """
        account_id, platform = connection.account_id, connection.platform
        existing = self._find(account_id)
        wanted = existing.handle if existing is not None else expected_handle
        if wanted and platform != "webhook" and not same_handle(wanted, identity.handle):
            where = "accounts.toml configures" if existing is not None else "you expected"
            raise AccountError(
                f"These credentials are for {identity.handle}, but {where} {wanted} for '{account_id}'. "
                "Nothing was saved. Sign in as that account, or, if it was renamed, change its handle in accounts.toml."
            )
        previous: dict[str, str | None] = {}
        try:
            previous = {k: secrets.load_secret(account_id, k) for k in secrets.KINDS}
            secrets.delete_secrets(account_id)
            for secret_kind, value in secret_kinds.items():
                secrets.store_secret(account_id, secret_kind, value)
        except secrets.SecretStoreError as error:
            if previous:
                self._restore_secrets(account_id, previous)
            raise AccountError(f"{error} Nothing was saved.") from None
        try:
            if existing is None:
                self._append_account(connection, identity, name=name, kind=kind)
            self.store.save_connection(connection)
        except (AccountError, StorageError) as error:
            self._restore_secrets(account_id, previous)
            raise AccountError(f"{error} Nothing was saved.") from None
        with self._lock:
            self._verified.add(account_id)
        return self.status(account_id)

    def _restore_secrets(self, account_id: str, previous: dict[str, str | None]) -> None:
        try:
            secrets.delete_secrets(account_id)
            for kind, value in previous.items():
                if value:
                    secrets.store_secret(account_id, kind, value)
        except secrets.SecretStoreError as error:
            log.warning("could not restore the earlier credentials of %s: %s", account_id, error)

    def _append_account(
        self, connection: Connection, identity: Identity, *, name: str | None, kind: str | None
    ) -> None:
        """Add a new [[account]] table to the workspace's accounts.toml, keeping everything already there."""
        account_id, platform = connection.account_id, connection.platform
        with self._lock:
            folder = self._workspace.path
        if folder is None or folder.resolve() == demo_workspace_path().resolve():
            raise AccountError(
                f"The demo workspace's accounts are built in, so '{account_id}' cannot be added to it. Make a "
                "workspace folder of your own (copy the demo's accounts.toml and policy.toml) and open it with "
                "--workspace."
            )
        path = folder / "accounts.toml"
        handle = identity.handle or f"{WEBHOOK_KINDS.get(connection.server, 'team')} channel"
        lines = [
            "",
            f"# Added by Second Look on {datetime.now(UTC).date().isoformat()}: the platform verified this identity.",
            "[[account]]",
            f"id = {_toml_string(account_id)}",
            f"platform = {_toml_string(platform)}",
            f"handle = {_toml_string(handle)}",
            f"name = {_toml_string((name or identity.display_name or account_id).strip())}",
            f"kind = {_toml_string(kind or 'brand')}",
            f"audience = {max(0, identity.followers)}",
        ]
        if platform != "webhook":
            lines.append(f"server = {_toml_string(connection.server)}")
        else:
            lines.append(f"server = {_toml_string(connection.server)}  # the kind of team channel")
        try:
            before = path.read_text(encoding="utf-8")
            after = before.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
            partial = path.with_name(path.name + ".part")
            partial.write_text(after, encoding="utf-8")
            os.replace(partial, path)
        except OSError as error:
            raise AccountError(f"{path} could not be updated ({error.strerror or error}).") from None
        try:
            workspace = load_workspace(folder)
        except ConfigError as error:
            path.write_text(before, encoding="utf-8")
            raise AccountError(f"The new account would make the workspace invalid: {error}") from None
        with self._lock:
            self._workspace = workspace

    def _identified(
        self,
        connection: Connection,
        identity: Identity,
        fetch: Callable[[str, Path], Path | None] | None,
    ) -> Connection:
        avatar_path = connection.avatar_path
        target = self._avatar_path(connection.account_id)
        stale = identity.avatar_url != connection.avatar_url or not (avatar_path and Path(avatar_path).is_file())
        if fetch is not None and identity.avatar_url and target is not None and stale:
            fetched = fetch(identity.avatar_url, target)
            avatar_path = str(fetched) if fetched is not None else None
        return dataclasses.replace(
            connection,
            display_name=identity.display_name,
            handle=identity.handle or None,
            avatar_url=identity.avatar_url,
            avatar_path=avatar_path,
            followers=identity.followers,
            profile_url=identity.profile_url,
            verified_at=datetime.now(UTC),
            problem=None,
            problem_kind=None,
        )

    def _avatar_path(self, account_id: str) -> Path | None:
        folder = self._avatar_dir if self._avatar_dir is not None else data_dir() / "avatars"
        return folder / f"{account_id}.img"

    def _avatar_fetcher(self) -> Callable[[str, Path], Path | None]:
        """For platforms whose client has no downloader of its own: avatars are public images."""

        def fetch(url: str, dest: Path) -> Path | None:
            with requests.Session() as session:
                return download_image(session, url, dest, timeout=self._timeout)

        return fetch

    def _mastodon(self, server: str, token: str | None = None) -> MastodonClient:
        return MastodonClient(server, token, timeout=self._timeout, sleep=self._sleep, retry_delays=self._delays)

    def _bluesky(self, service: str, on_session: Callable[[SessionTokens], None] | None = None) -> BlueskyClient:
        return BlueskyClient(
            service, timeout=self._timeout, sleep=self._sleep, delays=self._delays, on_session_changed=on_session
        )

    def _server(self, server: str) -> str:
        try:
            return normalize_server(server)
        except PlatformError as error:
            raise AccountError(str(error)) from None

    @staticmethod
    def _platform_call(call: Callable[[], T]) -> T:
        try:
            return call()
        except PlatformError as error:
            raise AccountError(f"{error} Nothing was saved.") from None
        except secrets.SecretStoreError as error:
            raise AccountError(str(error)) from None

    def _check_new(self, account_id: str, platform: str, kind: str | None) -> str:
        account_id = account_id.strip()
        if not ACCOUNT_ID.fullmatch(account_id):
            raise AccountError(
                f"'{account_id}' cannot be an account id: use lowercase letters, digits, '-' or '_' (e.g. acme)."
            )
        if kind is not None and kind not in KINDS:
            raise AccountError(f"'{kind}' is not an account kind: use {', '.join(KINDS)}.")
        existing = self._find(account_id)
        if existing is not None and existing.platform != platform:
            raise AccountError(
                f"'{account_id}' is a {existing.platform_name} account in accounts.toml, not "
                f"{PLATFORM_NAMES[platform]}. Choose another id for the new account."
            )
        return account_id

    def _configured_handle(self, account_id: str) -> str | None:
        existing = self._find(account_id)
        return existing.handle if existing is not None else None

    def _find(self, account_id: str) -> Account | None:
        with self._lock:
            try:
                return self._workspace.account(account_id)
            except UnknownAccountError:
                return None

    def _account(self, account_id: str) -> Account:
        account = self._find(account_id)
        if account is None:
            with self._lock:
                known = ", ".join(a.id for a in self._workspace.accounts)
            raise AccountError(f"There is no account '{account_id}' in this workspace (its accounts: {known}).")
        return account


def _posted_through(post: SentPost, connection: Connection) -> bool:
    """Whether ``post`` went out through ``connection``'s account, so deleting it there deletes that post.

    A post's link names its author (``/@user/`` on Mastodon, ``/profile/handle/`` on Bluesky); after the
    account is connected as someone else, the platform would answer "not found" and the post would stay up.
    """
    handle = (connection.handle or "").lstrip("@").casefold()
    if not post.url or not handle or connection.platform == "webhook":
        return True
    path = urlsplit(post.url).path.casefold()
    if connection.platform == "mastodon":
        return f"/@{handle.split('@', 1)[0]}/" in path
    return f"/profile/{handle}/" in path


class _AccountPublisher:
    """A connected account's publisher: verifies the identity first when this session has not, then sends."""

    def __init__(self, manager: AccountManager, account: Account) -> None:
        self._manager = manager
        self._account = account

    def publish(self, post: OutgoingPost) -> PublishReceipt:
        if post.to_outbox:
            raise PublishError(
                f"The post was not sent: it was confirmed for the local outbox, but {self._account.name} has been "
                f"connected to {self._account.platform_name} since. Publish again to confirm it for its followers. "
                "Your draft is kept."
            )
        try:
            return self._publish(post)
        except (secrets.SecretStoreError, PlatformError, AccountError, StorageError) as error:
            raise PublishError(f"The post was not sent: {error} Your draft is kept.") from None

    def _publish(self, post: OutgoingPost) -> PublishReceipt:
        status = self._manager.status(self._account.id)
        if status.state != VERIFIED and status.blocked_reason is None:
            status = self._manager.verify(self._account.id)
            if status.state == UNVERIFIED:
                raise PublishError(
                    f"The post was not sent: Second Look could not confirm who {self._account.name} is. "
                    f"{status.detail} Your draft is kept."
                )
        if status.blocked_reason:
            raise PublishError(f"The post was not sent. {status.blocked_reason} Your draft is kept.")
        return self._manager._platform_publisher(self._account).publish(post)


def same_handle(configured: str, reported: str) -> bool:
    """Whether the platform's handle is the configured one: case-insensitive, "@" optional.

    A Mastodon handle configured without its server ("@acme") matches "@acme@any.server": the
    connection itself names the server.
    """
    if handle_matches(reported, configured):
        return True
    short = configured.strip().lstrip("@")
    return "@" not in short and handle_matches(reported.strip().lstrip("@").split("@", 1)[0], short)


def _effective(account: Account, connection: Connection | None) -> Account:
    """The account as the checks and the confirmation should see it: the platform's limit and audience."""
    if connection is None or connection.platform != account.platform:
        return account
    # The audience is the platform's count only when the credentials are this account's: a blocked
    # account must not show another account's followers. The limit belongs to the server either way.
    own = not connection.handle or same_handle(account.handle, connection.handle)
    return dataclasses.replace(
        account,
        char_limit=connection.max_characters or account.char_limit,
        audience=(connection.followers or account.audience) if own else account.audience,
        server=account.server or (connection.server if connection.platform != "webhook" else None),
    )


def _optional(call: Callable[[], T]) -> T | None:
    """``call()``, or None when the platform cannot answer it (an optional detail such as the instance limit)."""
    try:
        return call()
    except PlatformError as error:
        log.info("optional platform detail unavailable: %s", error)
        return None


def _session_json(tokens: SessionTokens) -> str:
    return json.dumps(
        {"access_jwt": tokens.access_jwt, "refresh_jwt": tokens.refresh_jwt, "did": tokens.did, "handle": tokens.handle}
    )


def _session_from_json(text: str) -> SessionTokens | None:
    try:
        data = json.loads(text)
        return SessionTokens(data["access_jwt"], data["refresh_jwt"], data["did"], data["handle"])
    except (ValueError, KeyError, TypeError):
        return None


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped; lone surrogates replaced."""
    value = value.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(value) else value
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _has_surrogate(value: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown user"


if TYPE_CHECKING:

    def _manager_is_an_accounts_service(manager: AccountManager) -> AccountsService:  # checked by mypy
        return manager
