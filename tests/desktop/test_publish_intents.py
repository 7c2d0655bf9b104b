"""Exactly-once publishing, the storage half: intents stored before sending, completed once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.records import OutgoingPost
from desktop.storage import MIGRATIONS, Store

WS = "/work/ws"


def post_for(store: Store, text: str = "Trail maps are out!") -> OutgoingPost:
    draft = store.save_draft(None, WS, "acme", text)
    return OutgoingPost(WS, "acme", text, draft_id=draft.id, override_reason="agreed with legal", acknowledged=("w",))


def test_an_intent_is_durable_before_anything_is_sent(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        intent = store.begin_intent(post_for(store), "key-1")
    with Store(tmp_path / "db") as reopened:  # as after a crash
        pending = reopened.pending_intents(WS)
    assert [(i.id, i.key, i.state, i.post.text) for i in pending] == [(intent.id, "key-1", "pending", intent.post.text)]
    assert pending[0].post.override_reason == "agreed with legal"


def test_completing_records_the_post_once_and_closes_the_draft(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        intent = store.begin_intent(post_for(store), "key-2")
        store.note_attempt(intent.id, "connection dropped")
        sent = store.complete_intent(intent.id, "Mastodon", "109", "https://example.social/@acme/109")
        again = store.complete_intent(intent.id, "Mastodon", "109", "https://example.social/@acme/109")
        assert again == sent
        assert [p.id for p in store.sent_posts(WS)] == [sent.id]
        assert (sent.remote_id, sent.url, sent.override_reason) == (
            "109",
            "https://example.social/@acme/109",
            "agreed with legal",
        )
        assert store.pending_intents() == []
        assert store.list_drafts(WS) == []


def test_a_refused_post_leaves_the_draft_a_draft(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        intent = store.begin_intent(post_for(store, "x" * 600), "key-3")
        store.fail_intent(intent.id, "Mastodon refused it: text too long")
        assert store.pending_intents() == []
        assert store.sent_posts(WS) == []
        assert [d.text for d in store.list_drafts(WS)] == ["x" * 600]


def test_a_first_version_database_is_migrated_without_losing_drafts(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute(
        "INSERT INTO drafts (workspace, account_id, text, created, updated, save_seq) VALUES (?, ?, ?, ?, ?, 1)",
        (WS, "acme", "kept", "2026-11-01T00:00:00.000000+00:00", "2026-11-01T00:00:00.000000+00:00"),
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(path) as store:
        assert [d.text for d in store.list_drafts(WS)] == ["kept"]
        assert store.schema_version() == len(MIGRATIONS)
        store.begin_intent(OutgoingPost(WS, "acme", "kept"), "key-4")
