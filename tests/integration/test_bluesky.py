"""The Bluesky client against a real PDS (@atproto/pds with a local PLC directory, tests/support/pds).

One PDS per test session on 127.0.0.1; each test signs up its own account, so record counts are its own.
Faults between the client and the PDS come from tests.support.fault_proxy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import socket
import time

import pytest
import requests

from desktop.platforms import AuthError, RejectedError, UnreachableError
from desktop.platforms.bluesky import BlueskyClient, SessionTokens, is_tid, tid
from desktop.platforms.facets import LINK, MENTION, TAG
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.pds_server import CREATE, POSTS, Account, Pds, record, records, signed_in


def expired_access_token(pds: Pds, tokens: SessionTokens) -> str:
    """The session's access token as the PDS would sign it, but already expired (HS256 with its secret)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload_b64 = tokens.access_jwt.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4)))
    now = int(time.time())
    claims.update(iat=now - 7200, exp=now - 60)
    signing_input = (
        part(json.dumps({"typ": "at+jwt", "alg": "HS256"}).encode()) + "." + part(json.dumps(claims).encode())
    )
    signature = hmac.new(pds.jwt_secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + part(signature)


# --- signing in ---


def test_login_with_app_password_and_verify_identity(pds: Pds, account: Account) -> None:
    saved: list[SessionTokens] = []
    client = BlueskyClient(pds.url, sleep=lambda _: None, on_session_changed=saved.append)
    tokens = client.login("@" + account.handle, account.app_password)
    assert (tokens.did, tokens.handle) == (account.did, account.handle)
    assert saved == [tokens]

    # No AppView beside this PDS: getProfile is not served, so verify reads the profile record.
    identity = client.verify()
    assert identity.handle == "@" + account.handle
    assert identity.display_name == account.handle  # no profile record yet
    assert identity.followers == 0
    assert identity.profile_url == f"https://bsky.app/profile/{account.handle}"
    assert identity.avatar_url is None

    put = requests.post(
        f"{pds.url}/xrpc/com.atproto.repo.putRecord",
        json={
            "repo": account.did,
            "collection": "app.bsky.actor.profile",
            "rkey": "self",
            "record": {"$type": "app.bsky.actor.profile", "displayName": "Alice Q. Test"},
        },
        headers={"Authorization": f"Bearer {tokens.access_jwt}"},
        timeout=30,
    )
    assert put.status_code == 200, put.text
    assert client.verify().display_name == "Alice Q. Test"


def test_wrong_password_is_an_auth_error_that_never_shows_it(
    pds: Pds, account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "abcd-efgh-ijkl-mnop"
    client = BlueskyClient(pds.url, sleep=lambda _: None)
    with pytest.raises(AuthError) as raised:
        client.login(account.handle, wrong)
    error = raised.value
    assert account.handle in str(error)
    for shown in (str(error), repr(error), repr(error.args), caplog.text, repr(client)):
        assert wrong not in shown
    assert client.tokens is None


def test_secrets_stay_out_of_reprs(pds: Pds, account: Account) -> None:
    client = signed_in(pds.url, account)
    tokens = client.tokens
    assert tokens is not None
    for shown in (repr(tokens), str(tokens), repr(client)):
        assert tokens.access_jwt not in shown
        assert tokens.refresh_jwt not in shown
        assert account.app_password not in shown
    assert account.handle in repr(client)


def test_refresh_and_keep_posting(pds: Pds, account: Account) -> None:
    saved: list[SessionTokens] = []
    client = signed_in(pds.url, account, on_session_changed=saved.append)
    first = client.tokens
    assert first is not None
    client.post("before the refresh", client.new_record_key())

    renewed = client.refresh()
    assert renewed.refresh_jwt != first.refresh_jwt
    assert saved[-1] == renewed == client.tokens
    client.post("after the refresh", client.new_record_key())
    assert sorted(r["value"]["text"] for r in records(pds, account)) == ["after the refresh", "before the refresh"]

    # A stored session (as from the keyring) works in a new client.
    other = BlueskyClient(pds.url, sleep=lambda _: None)
    other.use_session(renewed)
    assert other.verify().handle == "@" + account.handle


def test_expired_access_token_is_refreshed_once_and_the_post_goes_out(pds: Pds, account: Account) -> None:
    saved: list[SessionTokens] = []
    client = signed_in(pds.url, account, on_session_changed=saved.append)
    tokens = client.tokens
    assert tokens is not None
    expired = expired_access_token(pds, tokens)
    client.use_session(SessionTokens(expired, tokens.refresh_jwt, tokens.did, tokens.handle))
    saved.clear()

    rkey = client.new_record_key()
    posted = client.post("posted with an expired access token", rkey)

    assert posted.id == rkey
    assert len(saved) == 1  # one refresh, handed to the app to store
    assert client.tokens is not None and client.tokens.access_jwt not in (expired, "")
    assert [r["value"]["text"] for r in records(pds, account)] == ["posted with an expired access token"]


def test_a_failing_session_store_does_not_stop_the_post(
    pds: Pds, account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_keyring(tokens: SessionTokens) -> None:
        raise RuntimeError(f"keyring locked; lost {tokens.refresh_jwt}")

    client = signed_in(pds.url, account)
    tokens = client.tokens
    assert tokens is not None
    client.use_session(SessionTokens(expired_access_token(pds, tokens), tokens.refresh_jwt, tokens.did, tokens.handle))
    client.on_session_changed = broken_keyring
    client.post("still posted", client.new_record_key())
    assert [r["value"]["text"] for r in records(pds, account)] == ["still posted"]
    assert "saving the new session failed (RuntimeError)" in caplog.text
    assert client.tokens is not None and client.tokens.refresh_jwt not in caplog.text


def test_expired_session_that_cannot_refresh_is_an_auth_error(pds: Pds, account: Account) -> None:
    client = signed_in(pds.url, account)
    tokens = client.tokens
    assert tokens is not None
    client.use_session(
        SessionTokens(expired_access_token(pds, tokens), "not-a-refresh-token", tokens.did, tokens.handle)
    )
    with pytest.raises(AuthError, match="Sign in again"):
        client.post("never sent", client.new_record_key())
    assert records(pds, account) == []


# --- posting ---


def test_post_with_facets_points_at_the_right_bytes(pds: Pds, account: Account) -> None:
    client = signed_in(pds.url, account)
    text = (
        f"Café ☕ launch 🚀 with @{account.handle} and @nobody.test — details "
        "https://example.com/launch?x=1. #SecondLook! 日本 #東京"
    )
    rkey = client.new_record_key()
    posted = client.post(text, rkey, langs=["en"])

    assert posted.id == rkey
    assert posted.uri == f"at://{account.did}/{POSTS}/{rkey}"
    assert posted.url == f"https://bsky.app/profile/{account.handle}/post/{rkey}"
    stored = record(pds, account, rkey)
    assert stored["text"] == text
    assert stored["langs"] == ["en"]
    assert stored["createdAt"] == posted.created_at
    data = stored["text"].encode("utf-8")
    quoted = [
        (
            data[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode("utf-8"),
            facet["features"][0]["$type"],
            facet["features"][0].get("did") or facet["features"][0].get("uri") or facet["features"][0].get("tag"),
        )
        for facet in stored["facets"]
    ]
    assert quoted == [
        (f"@{account.handle}", MENTION, account.did),  # @nobody.test does not resolve: no facet
        ("https://example.com/launch?x=1", LINK, "https://example.com/launch?x=1"),
        ("#SecondLook", TAG, "SecondLook"),
        ("#東京", TAG, "東京"),
    ]


def test_same_record_key_twice_makes_one_post(pds: Pds, account: Account) -> None:
    client = signed_in(pds.url, account)
    rkey = client.new_record_key()
    first = client.post("exactly once", rkey)
    second = client.post("exactly once", rkey)  # as after a crash: the PDS refuses the key, the post is found
    assert first == second
    assert [r["uri"] for r in records(pds, account)] == [first.uri]


def test_same_record_key_with_other_text_is_refused(pds: Pds, account: Account) -> None:
    client = signed_in(pds.url, account)
    rkey = client.new_record_key()
    client.post("the original", rkey)
    with pytest.raises(RejectedError, match="already uses the record key"):
        client.post("something else", rkey)
    assert [r["value"]["text"] for r in records(pds, account)] == ["the original"]


@pytest.mark.parametrize("fault", ["drop_after_forward", "timeout"])
def test_answer_lost_after_the_post_was_made_is_not_posted_twice(pds: Pds, account: Account, fault: Fault) -> None:
    with FaultProxy(pds.url, hold_seconds=10) as proxy:
        client = signed_in(proxy.url, account, timeout=2.0)
        proxy.inject("POST", CREATE, fault)
        rkey = client.new_record_key()
        posted = client.post("the answer got lost", rkey)
        sent = [(r.method, r.path) for r in proxy.requests]
    assert posted.id == rkey
    assert [r["value"]["text"] for r in records(pds, account)] == ["the answer got lost"]
    assert sent.count(("POST", CREATE)) == 1  # it looked (getRecord) instead of sending again
    assert ("GET", "/xrpc/com.atproto.repo.getRecord") in sent


def test_server_error_before_posting_is_retried_with_the_same_key(pds: Pds, account: Account) -> None:
    with FaultProxy(pds.url) as proxy:
        client = signed_in(proxy.url, account)
        proxy.inject("POST", CREATE, "500", times=2)
        rkey = client.new_record_key()
        posted = client.post("third time lucky", rkey)
        creates = [r for r in proxy.requests if r.path == CREATE]
    assert posted.id == rkey
    assert len(creates) == 3
    assert [r["value"]["text"] for r in records(pds, account)] == ["third time lucky"]


def test_no_answer_at_all_says_maybe_sent_and_reconciles(pds: Pds, account: Account) -> None:
    with FaultProxy(pds.url) as proxy:
        client = signed_in(proxy.url, account, delays=(0, 0))
        proxy.inject("POST", CREATE, "500", times=3)
        rkey = client.new_record_key()
        with pytest.raises(UnreachableError) as raised:
            client.post("into the void", rkey)
    assert raised.value.maybe_sent  # a 5xx leaves the outcome unknown, as far as the client can tell
    assert "may have been published" in str(raised.value)
    # Reconciliation: the app asks with the stored key, and learns it was not published.
    direct = signed_in(pds.url, account)
    assert direct.find_posted(rkey) is None
    assert records(pds, account) == []


def test_server_that_is_not_there_was_not_sent() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]  # nothing listens once the socket closes
    client = BlueskyClient(f"http://127.0.0.1:{closed_port}", sleep=lambda _: None, delays=(0,))
    client.use_session(SessionTokens("access", "refresh", "did:plc:nobody", "nobody.test"))
    with pytest.raises(UnreachableError) as raised:
        client.post("nowhere", client.new_record_key())
    assert not raised.value.maybe_sent
    assert "not published" in str(raised.value)


def test_301_graphemes_are_refused_with_a_clear_message(pds: Pds, account: Account) -> None:
    client = signed_in(pds.url, account)
    at_limit = "e\u0301" * 300  # 600 code points, 300 graphemes
    client.post(at_limit, client.new_record_key())
    with pytest.raises(RejectedError) as raised:
        client.post("e\u0301" * 301, client.new_record_key())
    message = str(raised.value)
    assert message.startswith("Bluesky allows 300 graphemes")
    assert "this post has 301" in message
    assert raised.value.status == 400
    assert [r["value"]["text"] for r in records(pds, account)] == [at_limit]


def test_find_posted_and_delete(pds: Pds, account: Account) -> None:
    client = signed_in(pds.url, account)
    rkey = client.new_record_key()
    assert client.find_posted(rkey) is None
    posted = client.post("to be deleted", rkey)
    assert client.find_posted(rkey) == posted
    client.delete(rkey)
    assert client.find_posted(rkey) is None
    assert records(pds, account) == []
    client.delete(rkey)  # deleting what is gone is fine


# --- record keys, no server needed ---


def test_tid_encoding() -> None:
    assert tid(0, 0) == "2222222222222"
    assert tid(1, 0) == "2222222222322"  # one microsecond: bit 10 of 64
    assert tid((1 << 53) - 1, 1023) == "bzzzzzzzzzzzz"  # 63 bits: the first character holds only 3
    assert len(tid(1_700_000_000_000_000, 5)) == 13
    with pytest.raises(ValueError):
        tid(1 << 53, 0)


def test_record_keys_are_valid_unique_and_sorted() -> None:
    client = BlueskyClient("https://bsky.social", clock=lambda: 1_700_000_000_000_000)  # a clock that stands still
    keys = [client.new_record_key() for _ in range(1000)]
    assert all(is_tid(key) for key in keys)
    assert len(set(keys)) == 1000
    assert keys == sorted(keys)
    real = BlueskyClient("https://bsky.social").new_record_key()
    assert is_tid(real) and real > keys[-1]


def test_post_refuses_a_key_that_is_not_a_tid() -> None:
    client = BlueskyClient("https://bsky.social")
    client.use_session(SessionTokens("a", "r", "did:plc:x", "x.test"))
    with pytest.raises(ValueError, match="record key"):
        client.post("hi", "my-key")
