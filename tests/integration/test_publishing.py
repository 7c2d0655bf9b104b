"""Exactly-once publishing, end to end: the store's intents, the Mastodon client, a real server, faults.

Each test counts the posts on the mastodon-mock server itself: the promise is about what the
audience sees, not about what the app believes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checks import Workspace
from checks.workspace import Account
from desktop.platforms import RETRY_DELAYS
from desktop.platforms.mastodon import MastodonClient
from desktop.publishing import BlueskyPosting, MastodonPosting, PlatformPublisher
from desktop.records import OutgoingPost, PublishError
from desktop.storage import Store
from tests.support.fault_proxy import FaultProxy
from tests.support.mastodon_server import TOKEN, MockServer
from tests.support.pds_server import Account as PdsAccount
from tests.support.pds_server import Pds, records, signed_in

WS = "/work/ws"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "db") as opened:
        yield opened


@pytest.fixture
def acme(demo: Workspace) -> Account:
    return demo.account("acme")


def publisher(store: Store, account: Account, url: str) -> PlatformPublisher:
    def client() -> MastodonPosting:
        return MastodonPosting(MastodonClient(url, TOKEN, sleep=lambda _: None, timeout=2.0))

    return PlatformPublisher(store, account, client)


def on_server(server: MockServer) -> list[str]:
    with MastodonClient(server.url, TOKEN) as mastodon:
        return [text for _, text in mastodon.recent_statuses(limit=40)]


def draft_post(store: Store, text: str) -> OutgoingPost:
    draft = store.save_draft(None, WS, "acme", text)
    return OutgoingPost(WS, "acme", text, draft_id=draft.id)


def test_a_post_goes_out_once_and_is_recorded_with_its_url(store: Store, server: MockServer, acme: Account) -> None:
    receipt = publisher(store, acme, server.url).publish(draft_post(store, "Trail maps are out!"))
    assert on_server(server) == ["Trail maps are out!"]
    assert receipt.location.endswith(f":{server.port}/@secondlook/{receipt.post.remote_id}")
    assert receipt.post.url == receipt.location
    assert store.list_drafts(WS) == [] and store.pending_intents() == []


def test_a_refused_post_keeps_the_draft_and_says_why(store: Store, server: MockServer, acme: Account) -> None:
    with pytest.raises(PublishError, match=r"did not accept the post.*Your draft is kept"):
        publisher(store, acme, server.url).publish(draft_post(store, "x" * 501))
    assert on_server(server) == []
    assert [d.text for d in store.list_drafts(WS)] == ["x" * 501]
    assert store.pending_intents() == []


def test_an_unconfirmed_post_is_settled_before_anything_else_is_sent(
    store: Store, server: MockServer, proxy: FaultProxy, acme: Account
) -> None:
    # Every try fails with a 5xx and the check of recent posts fails too: the outcome is unknown.
    proxy.inject("POST", "/api/v1/statuses", "503", times=len(RETRY_DELAYS) + 1)
    proxy.inject("GET", "/api/v1/accounts/", "503", times=100)
    with pytest.raises(PublishError, match="may or may not be out"):
        publisher(store, acme, proxy.url).publish(draft_post(store, "First"))
    assert [i.post.text for i in store.pending_intents()] == ["First"]
    assert [d.text for d in store.list_drafts(WS)] == ["First"]  # kept until settled

    # While the platform still cannot be asked, nothing new goes out.
    with pytest.raises(PublishError, match="Nothing new is sent until that is settled"):
        publisher(store, acme, proxy.url).publish(draft_post(store, "Second"))

    # Once it answers again, the first is settled (sent now, with its original key) before the second.
    proxy.clear()
    publisher(store, acme, proxy.url).publish(draft_post(store, "Second"))
    assert sorted(on_server(server)) == ["First", "Second"]
    assert store.pending_intents() == []


def test_after_a_crash_a_post_the_server_has_is_recorded_not_resent(
    store: Store, server: MockServer, acme: Account
) -> None:
    # The app stored the intent and sent the post, then died before recording the answer.
    intent = store.begin_intent(draft_post(store, "Sent just before the crash"), "crash-key")
    with MastodonClient(server.url, TOKEN) as mastodon:
        mastodon.post("Sent just before the crash", intent.key)

    assert publisher(store, acme, server.url).reconcile() == []
    assert on_server(server) == ["Sent just before the crash"]
    assert [p.text for p in store.sent_posts(WS)] == ["Sent just before the crash"]
    assert store.list_drafts(WS) == []


def test_after_a_crash_a_post_the_server_never_got_is_sent_once(
    store: Store, server: MockServer, acme: Account
) -> None:
    store.begin_intent(draft_post(store, "Stored, never sent"), "never-sent-key")
    assert publisher(store, acme, server.url).reconcile() == []
    assert publisher(store, acme, server.url).reconcile() == []  # nothing left to do the second time
    assert on_server(server) == ["Stored, never sent"]


# --- Bluesky: the record key names the post ---


def test_bluesky_after_a_crash_the_record_key_settles_it(
    store: Store, pds: Pds, account: PdsAccount, demo: Workspace
) -> None:
    sam = demo.account("sam")

    def client() -> BlueskyPosting:
        return BlueskyPosting(signed_in(pds.url, account))

    publisher_for_sam = PlatformPublisher(store, sam, client)
    # Crash 1: the intent was stored and the post created, but the answer was never recorded.
    draft = store.save_draft(None, WS, "sam", "Made it before the crash")
    first = store.begin_intent(
        OutgoingPost(WS, "sam", "Made it before the crash", draft_id=draft.id), client().new_key()
    )
    client().post("Made it before the crash", first.key)
    # Crash 2: the intent was stored, nothing was sent.
    store.begin_intent(OutgoingPost(WS, "sam", "Never left the laptop"), client().new_key())

    assert publisher_for_sam.reconcile() == []
    receipt = publisher_for_sam.publish(OutgoingPost(WS, "sam", "A new post after the restart"))

    texts = sorted(r["value"]["text"] for r in records(pds, account))
    assert texts == ["A new post after the restart", "Made it before the crash", "Never left the laptop"]
    assert receipt.location.startswith("https://bsky.app/profile/") and receipt.post.remote_id
    assert store.pending_intents() == [] and store.list_drafts(WS) == []
