"""Accounts end to end: add, verify at start, the handle check, publish, delete, remove, on real local servers.

The keyring is the in-memory test backend (pinned); the Secret Service itself is covered by
test_secret_service.py. Posts are counted on the servers themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checks import load_workspace
from checks.gate import Attempt, gate_for
from desktop import secrets
from desktop.accounts import AccountManager, same_handle
from desktop.platforms.mastodon import MastodonClient
from desktop.records import (
    MISMATCH,
    NOT_CONNECTED,
    SIGNED_OUT,
    UNVERIFIED,
    VERIFIED,
    AccountError,
    OutgoingPost,
    PublishError,
)
from desktop.storage import Store
from tests.keyring_backends import MemoryKeyring, memory_keyring
from tests.support.fault_proxy import FaultProxy
from tests.support.mastodon_server import TOKEN, MockServer
from tests.support.pds_server import Account as PdsAccount
from tests.support.pds_server import Pds, records
from tests.support.webhook_server import WebhookServer, webhook_server

__all__ = ["memory_keyring", "webhook_server"]

WS_KEY = "/ws"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


def workspace_folder(tmp_path: Path, accounts: str) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir(exist_ok=True)
    (folder / "accounts.toml").write_text(accounts, encoding="utf-8")
    (folder / "policy.toml").write_text("", encoding="utf-8")
    return folder


def mastodon_account(port: int, handle: str | None = None) -> str:
    handle = handle or f"@secondlook@localhost:{port}"
    return (
        "# Our brand on the test server.\n[[account]]\n"
        f'id = "acme"\nplatform = "mastodon"\nhandle = "{handle}"\nname = "Acme"\nkind = "brand"\n'
    )


def manager(store: Store, folder: Path, tmp_path: Path) -> AccountManager:
    return AccountManager(
        store, load_workspace(folder), avatar_dir=tmp_path / "avatars", timeout=3.0, retry_delays=(0, 0), user="sam"
    )


def statuses_on(server: MockServer) -> list[str]:
    with MastodonClient(server.url, TOKEN) as mastodon:
        return [text for _, text in mastodon.recent_statuses(limit=40)]


def post_for(store: Store, account_id: str, text: str) -> OutgoingPost:
    draft = store.save_draft(None, WS_KEY, account_id, text)
    return OutgoingPost(WS_KEY, account_id, text, draft_id=draft.id)


# --- Mastodon ---------------------------------------------------------------------------------------


def test_adding_a_mastodon_token_verifies_the_identity_and_keeps_the_token_only_in_the_keyring(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    accounts = manager(store, folder, tmp_path)

    status = accounts.add("acme", "mastodon", server.url, TOKEN + "\n")

    assert status.state == VERIFIED and status.blocked_reason is None
    connection = status.connection
    assert connection is not None
    assert connection.handle == f"@secondlook@localhost:{server.port}"
    assert connection.display_name == "Second Look QA"
    assert connection.followers == 1  # the seeded fan
    assert connection.max_characters == 500
    # The avatar is cached in the data folder, for the banner.
    assert connection.avatar_path is not None and Path(connection.avatar_path).parent == tmp_path / "avatars"
    assert accounts.avatar("acme") == Path(connection.avatar_path).read_bytes() != b""
    assert memory_keyring.entries == {(secrets.SERVICE, "acme/token"): TOKEN}
    assert TOKEN.encode() not in (tmp_path / "db.sqlite3").read_bytes()
    # The confirmation speaks of the platform's audience, not a number someone typed.
    assert accounts.current_workspace().account("acme").audience == 1


def test_credentials_for_another_handle_are_refused_and_nothing_is_saved(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port, "@acme@mastodon.social"))
    accounts = manager(store, folder, tmp_path)

    with pytest.raises(AccountError) as caught:
        accounts.add("acme", "mastodon", server.url, TOKEN)

    message = str(caught.value)
    assert f"@secondlook@localhost:{server.port}" in message and "@acme@mastodon.social" in message
    assert "Nothing was saved" in message and TOKEN not in message
    assert memory_keyring.entries == {}
    assert store.connections() == []
    assert accounts.status("acme").state == NOT_CONNECTED


def test_a_refused_token_is_explained_and_nothing_is_saved(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    accounts = manager(store, workspace_folder(tmp_path, mastodon_account(server.port)), tmp_path)
    with pytest.raises(AccountError, match="Nothing was saved") as caught:
        accounts.add("acme", "mastodon", server.url, "not-a-real-token-123456")
    assert "not-a-real-token-123456" not in str(caught.value)
    assert memory_keyring.entries == {} and store.connections() == []


def test_a_new_id_is_added_to_accounts_toml_keeping_what_is_there(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port, "@acme@mastodon.social"))
    accounts = manager(store, folder, tmp_path)

    status = accounts.add("qa", "mastodon", server.url, TOKEN, name='QA "desk"')

    assert status.state == VERIFIED
    text = (folder / "accounts.toml").read_text(encoding="utf-8")
    assert text.startswith("# Our brand on the test server.")
    added = load_workspace(folder).account("qa")
    assert (added.handle, added.name, added.kind, added.audience) == (
        f"@secondlook@localhost:{server.port}",
        'QA "desk"',
        "brand",  # the stricter checks, unless someone says otherwise
        1,
    )
    assert [a.id for a in accounts.current_workspace().accounts] == ["acme", "qa"]


def test_the_demo_workspace_gets_no_new_accounts(
    store: Store, server: MockServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    accounts = AccountManager(store, load_workspace(), avatar_dir=tmp_path, timeout=3.0, retry_delays=(0, 0))
    with pytest.raises(AccountError, match="demo workspace's accounts are built in"):
        accounts.add("qa", "mastodon", server.url, TOKEN)
    assert memory_keyring.entries == {} and store.connections() == []


def test_publishing_goes_to_the_platform_once_verified(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    manager(store, folder, tmp_path).add("acme", "mastodon", server.url, TOKEN)

    # A fresh start: nothing verified yet in this process; publishing verifies first.
    accounts = manager(store, folder, tmp_path)
    assert accounts.status("acme").state == UNVERIFIED
    receipt = accounts.publisher_for(accounts.current_workspace().account("acme")).publish(
        post_for(store, "acme", "Trail maps are out")
    )

    assert statuses_on(server) == ["Trail maps are out"]
    assert receipt.location == receipt.post.url and receipt.post.url
    assert accounts.status("acme").state == VERIFIED


def test_a_handle_changed_in_the_workspace_blocks_publishing_with_an_explanation(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    manager(store, folder, tmp_path).add("acme", "mastodon", server.url, TOKEN)
    (folder / "accounts.toml").write_text(mastodon_account(server.port, "@acme@mastodon.social"))

    accounts = manager(store, folder, tmp_path)
    status = accounts.verify_all()[0]

    assert status.state == MISMATCH
    assert status.blocked_reason is not None
    assert accounts.current_workspace().account("acme").audience == 0  # not the other account's followers
    assert "@acme@mastodon.social" in status.blocked_reason
    assert f"@secondlook@localhost:{server.port}" in status.blocked_reason
    # The gate refuses whatever the person types, and the publisher refuses too.
    account = accounts.current_workspace().account("acme")
    from checks import Checker

    checker = Checker(accounts.current_workspace(), use_model=False)
    gate = gate_for(
        checker.check("Hello", "acme"), account, load_workspace(folder).policy, blocked_reason=status.blocked_reason
    )
    assert gate.problems(Attempt(acknowledged=True, typed_handle=account.handle, override_reason="ok")) == [
        status.blocked_reason
    ]
    with pytest.raises(PublishError, match="blocked"):
        accounts.publisher_for(account).publish(post_for(store, "acme", "Hello"))
    assert statuses_on(server) == []


def test_a_token_revoked_since_is_found_at_start_and_blocks_publishing(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    manager(store, folder, tmp_path).add("acme", "mastodon", server.url, TOKEN)
    memory_keyring.entries[(secrets.SERVICE, "acme/token")] = "revoked-token-0000"

    status = manager(store, folder, tmp_path).verify("acme")

    assert status.state == SIGNED_OUT
    assert status.blocked_reason and "Add the account again" in status.blocked_reason
    assert "revoked-token-0000" not in status.blocked_reason


def test_an_unreachable_server_at_start_leaves_the_last_identity_and_its_limit(
    tmp_path: Path, store: Store, server: MockServer, proxy: FaultProxy, memory_keyring: MemoryKeyring
) -> None:
    proxy.rewrite_json(
        "GET", "/api/v2/instance", lambda i: {**i, "configuration": {"statuses": {"max_characters": 5000}}}
    )
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    manager(store, folder, tmp_path).add("acme", "mastodon", proxy.url, TOKEN)
    proxy.inject("GET", "/api/v1/accounts/verify_credentials", "503", times=10)

    accounts = manager(store, folder, tmp_path)
    status = accounts.verify("acme")

    assert status.state == UNVERIFIED and status.blocked_reason is None
    assert "503" in status.detail
    assert status.connection is not None and status.connection.display_name == "Second Look QA"
    # The instance's own limit replaces Mastodon's usual 500 for the counter and the checks.
    account = accounts.current_workspace().account("acme")
    assert account.char_limit == 5000
    from checks import Checker
    from checks.platform import measure

    assert measure("x" * 600, account.platform, account.char_limit).over == 0
    report = Checker(accounts.current_workspace(), use_model=False).check("x" * 5001, "acme")
    assert any("5,000-character limit" in f.message for f in report.findings)


def test_removing_an_account_deletes_its_secrets_and_sends_to_the_outbox_again(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    accounts = manager(store, folder, tmp_path)
    accounts.add("acme", "mastodon", server.url, TOKEN)

    status = accounts.remove("acme")

    assert status.state == NOT_CONNECTED
    assert memory_keyring.entries == {} and store.connections() == []
    assert "acme" in {a.id for a in load_workspace(folder).accounts}  # its rules stay
    receipt = accounts.publisher_for(load_workspace(folder).account("acme")).publish(post_for(store, "acme", "Hi"))
    assert receipt.post.destination == "outbox" and statuses_on(server) == []


def test_deleting_a_published_post_removes_it_and_keeps_the_record(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    accounts = manager(store, folder, tmp_path)
    accounts.add("acme", "mastodon", server.url, TOKEN)
    sent = accounts.publisher_for(load_workspace(folder).account("acme")).publish(post_for(store, "acme", "Oops")).post

    with pytest.raises(AccountError, match="Say why"):
        accounts.delete_post(sent.id, "  ")
    deleted = accounts.delete_post(sent.id, "Posted to the wrong account")

    assert statuses_on(server) == []
    assert (deleted.deleted_by, deleted.delete_reason, deleted.text) == ("sam", "Posted to the wrong account", "Oops")
    assert [p.deleted for p in store.sent_posts(WS_KEY)] == [True]


def test_outbox_posts_cannot_be_deleted(tmp_path: Path, store: Store, memory_keyring: MemoryKeyring) -> None:
    accounts = AccountManager(store, load_workspace(), avatar_dir=tmp_path)
    sent = accounts.publisher_for(load_workspace().account("acme")).publish(post_for(store, "acme", "Hi")).post
    with pytest.raises(AccountError, match="never left the laptop"):
        accounts.delete_post(sent.id, "mistake")
    assert not store.sent_posts(WS_KEY)[0].deleted


def test_mastodon_browser_sign_in(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    import re

    import requests

    accounts = manager(store, workspace_folder(tmp_path, mastodon_account(server.port)), tmp_path)
    sign_in = accounts.start_mastodon_sign_in(server.url)
    assert sign_in.authorize_url.startswith(f"{server.url}/oauth/authorize?")
    client_id = re.search(r"client_id=([^&]+)", sign_in.authorize_url)
    assert client_id
    shown = requests.post(
        f"{server.url}/oauth/authorize",
        data={"username": "secondlook", "client_id": client_id.group(1), "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"},
        timeout=10,
    )
    code = re.search(r"Authorization code: (\S+?)<", shown.text)
    assert code

    status = accounts.finish_mastodon_sign_in(sign_in, "acme", code.group(1))

    assert status.state == VERIFIED
    kinds = {user.split("/")[1] for _, user in memory_keyring.entries}
    assert kinds == {"token", "client"}


# --- Bluesky ----------------------------------------------------------------------------------------


def bluesky_account(handle: str) -> str:
    return f'[[account]]\nid = "sam"\nplatform = "bluesky"\nhandle = "@{handle}"\nname = "Sam"\nkind = "personal"\n'


def test_bluesky_add_publish_and_delete(
    tmp_path: Path, store: Store, pds: Pds, account: PdsAccount, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, bluesky_account(account.handle))
    status = manager(store, folder, tmp_path).add("sam", "bluesky", pds.url, account.app_password)
    assert status.state == VERIFIED
    assert {user for _, user in memory_keyring.entries} == {"sam/app_password", "sam/session"}

    accounts = manager(store, folder, tmp_path)  # the next start: the stored session is used
    assert accounts.verify("sam").state == VERIFIED
    sent = accounts.publisher_for(load_workspace(folder).account("sam")).publish(post_for(store, "sam", "Hello")).post
    assert [r["value"]["text"] for r in records(pds, account)] == ["Hello"]
    assert sent.url == f"https://bsky.app/profile/{account.handle}/post/{sent.remote_id}"

    accounts.delete_post(sent.id, "typo")
    assert records(pds, account) == []
    assert store.sent_post(sent.id) is not None


def test_bluesky_signs_in_again_when_the_stored_session_is_gone(
    tmp_path: Path, store: Store, pds: Pds, account: PdsAccount, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, bluesky_account(account.handle))
    manager(store, folder, tmp_path).add("sam", "bluesky", pds.url, account.app_password)
    broken: dict[str, Any] = {"access_jwt": "x", "refresh_jwt": "y", "did": account.did, "handle": account.handle}
    import json

    memory_keyring.entries[(secrets.SERVICE, "sam/session")] = json.dumps(broken)

    assert manager(store, folder, tmp_path).verify("sam").state == VERIFIED


def test_same_handle() -> None:
    assert same_handle("@Acme@Mastodon.Social", "@acme@mastodon.social")
    assert same_handle("acme@mastodon.social", "@acme@mastodon.social")
    assert same_handle("@acme", "@acme@mastodon.social")
    assert not same_handle("@acme@mastodon.social", "@acme@other.social")
    assert not same_handle("@acme", "@acmeco@mastodon.social")


# --- team channels (webhooks) -------------------------------------------------------------------------


def webhook_account(kind: str) -> str:
    return (
        '[[account]]\nid = "team"\nplatform = "webhook"\nhandle = "#team"\nname = "Team"\nkind = "brand"\n'
        f'server = "{kind}"\n'
    )


def test_a_slack_webhook_posts_once_and_its_message_is_not_deletable_from_here(
    tmp_path: Path, store: Store, webhook_server: WebhookServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, webhook_account("slack"))
    accounts = manager(store, folder, tmp_path)
    url = webhook_server.url("slack")

    assert accounts.add("team", "webhook", "slack", url).state == VERIFIED
    assert memory_keyring.entries == {(secrets.SERVICE, "team/webhook_url"): url}
    sent = (
        accounts.publisher_for(load_workspace(folder).account("team")).publish(post_for(store, "team", "Standup")).post
    )

    assert [body["text"] for _, body in webhook_server.received] == ["Standup"]
    assert (sent.destination, sent.remote_id) == ("Slack", None)
    with pytest.raises(AccountError, match="remove it in the channel by hand"):
        accounts.delete_post(sent.id, "wrong channel")


def test_an_unconfirmed_webhook_message_is_never_resent_and_the_draft_stays(
    tmp_path: Path, store: Store, webhook_server: WebhookServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, webhook_account("slack"))
    accounts = manager(store, folder, tmp_path)
    accounts.add("team", "webhook", "slack", webhook_server.url("slack"))
    webhook_server.fail_next("drop")  # the channel takes the message, the answer never comes

    with pytest.raises(PublishError, match="Look in the channel before publishing again"):
        accounts.publisher_for(load_workspace(folder).account("team")).publish(post_for(store, "team", "Standup"))

    assert accounts.reconcile() == 0  # nothing pending: it will not go out again on its own
    assert [body["text"] for _, body in webhook_server.received] == ["Standup"]
    assert [d.text for d in store.list_drafts(WS_KEY)] == ["Standup"]


def test_a_discord_message_is_deleted_through_its_webhook(
    tmp_path: Path, store: Store, webhook_server: WebhookServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, webhook_account("discord"))
    accounts = manager(store, folder, tmp_path)
    accounts.add("team", "webhook", "discord", webhook_server.url("discord"))
    sent = accounts.publisher_for(load_workspace(folder).account("team")).publish(post_for(store, "team", "Oops")).post
    assert sent.remote_id in webhook_server.discord_message_ids()

    accounts.delete_post(sent.id, "typo")

    assert webhook_server.discord_message_ids() == []
    assert store.sent_post(sent.id) is not None


def test_a_webhook_message_left_pending_by_a_crash_is_closed_not_resent(
    tmp_path: Path, store: Store, webhook_server: WebhookServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, webhook_account("slack"))
    accounts = manager(store, folder, tmp_path)
    accounts.add("team", "webhook", "slack", webhook_server.url("slack"))
    store.begin_intent(post_for(store, "team", "Sent just before the crash"), "key-1")  # the app died here

    sent = accounts.publisher_for(load_workspace(folder).account("team")).publish(post_for(store, "team", "Next"))

    assert sent.post.text == "Next"
    assert [body["text"] for _, body in webhook_server.received] == ["Next"]  # the unconfirmed one is not resent
    assert store.pending_intents() == []
    assert "Sent just before the crash" in [d.text for d in store.list_drafts(WS_KEY)]


def test_a_post_confirmed_for_the_outbox_does_not_go_out_once_the_account_is_connected(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    accounts = manager(store, folder, tmp_path)
    confirmed = post_for(store, "acme", "Meant for the outbox")
    accounts.add("acme", "mastodon", server.url, TOKEN)  # connected while the confirmation was open

    with pytest.raises(PublishError, match="confirmed for the local outbox"):
        accounts.publisher_for(load_workspace(folder).account("acme")).publish(
            dataclasses.replace(confirmed, to_outbox=True)
        )
    assert statuses_on(server) == []


def test_a_blocked_account_deletes_nothing(
    tmp_path: Path, store: Store, server: MockServer, memory_keyring: MemoryKeyring
) -> None:
    folder = workspace_folder(tmp_path, mastodon_account(server.port))
    accounts = manager(store, folder, tmp_path)
    accounts.add("acme", "mastodon", server.url, TOKEN)
    sent = accounts.publisher_for(load_workspace(folder).account("acme")).publish(post_for(store, "acme", "Up")).post
    (folder / "accounts.toml").write_text(mastodon_account(server.port, "@acme@mastodon.social"))

    with pytest.raises(AccountError, match="blocked"):
        manager(store, folder, tmp_path).delete_post(sent.id, "mistake")
    assert statuses_on(server) == ["Up"]
    assert not store.sent_posts(WS_KEY)[0].deleted
