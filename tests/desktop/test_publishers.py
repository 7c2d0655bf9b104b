"""Publishing to the local outbox (desktop.publishers): the post is recorded, and the receipt is honest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from checks import Workspace
from checks.workspace import Account
from desktop.publishers import OutboxPublisher, publisher_for
from desktop.records import OutgoingPost, PublishError
from desktop.storage import Store

WS = "/home/pat/acme-workspace"
OUTBOX_ACCOUNT = Account(id="log", platform="outbox", handle="outbox", name="Test outbox", kind="brand")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "secondlook.db") as opened:
        yield opened


def test_publishing_records_the_post_with_its_terms(store: Store) -> None:
    draft = store.save_draft(None, WS, "log", "Our phone line is +1 415 555 0134")
    post = OutgoingPost(
        WS,
        "log",
        draft.text,
        draft_id=draft.id,
        override_reason="It is our public support line",
        acknowledged=("profanity: 'damn'",),
        overridden=("personal_data.phone: a phone number",),
    )
    receipt = publisher_for(OUTBOX_ACCOUNT, store).publish(post)
    assert receipt.location == "the local outbox"
    assert store.sent_posts(WS) == [receipt.post]
    assert receipt.post.destination == "outbox"
    assert receipt.post.text == draft.text
    assert receipt.post.override_reason == "It is our public support line"
    assert receipt.post.acknowledged == ("profanity: 'damn'",)
    assert receipt.post.overridden == ("personal_data.phone: a phone number",)
    assert store.list_drafts(WS) == []


def test_demo_accounts_publish_to_the_outbox_and_the_receipt_says_so(demo: Workspace, store: Store) -> None:
    for account in demo.accounts:
        receipt = publisher_for(account, store).publish(OutgoingPost(WS, account.id, f"hello from {account.id}"))
        assert receipt.location.startswith("the local outbox (")
        assert account.platform_name in receipt.location
    assert [p.account_id for p in store.sent_posts(WS)] == [a.id for a in reversed(demo.accounts)]


def test_a_post_for_another_account_is_refused(demo: Workspace, store: Store) -> None:
    publisher = publisher_for(demo.account("acme"), store)
    with pytest.raises(PublishError, match=r"not sent.*Your draft is kept"):
        publisher.publish(OutgoingPost(WS, "sam", "meant for Sam's account"))
    assert store.sent_posts(WS) == []


def test_a_storage_failure_is_a_publish_error_and_the_draft_stays(store: Store) -> None:
    draft = store.save_draft(None, WS, "log", "must not vanish")
    with closing(sqlite3.connect(store.path)) as db:  # the write fails, as on a full or failing disk
        db.execute("CREATE TRIGGER fail BEFORE INSERT ON sent_posts BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
        db.commit()
    with pytest.raises(PublishError) as raised:
        OutboxPublisher(store).publish(OutgoingPost(WS, "log", draft.text, draft_id=draft.id))
    message = str(raised.value)
    assert message.startswith("The post was not sent:") and message.endswith("Your draft is kept.")
    assert str(store.path) in message and "disk I/O error" in message
    assert store.list_drafts(WS) == [draft]
    assert store.sent_posts(WS) == []
