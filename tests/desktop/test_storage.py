"""The drafts database (desktop.storage): what is saved comes back exactly, and a crash never loses it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC
from pathlib import Path

import pytest

from desktop.records import OutgoingPost
from desktop.storage import SCHEMA_VERSION, StorageError, Store

ROOT = Path(__file__).resolve().parents[2]
WS = "/home/pat/acme-workspace"
OTHER_WS = "/home/pat/other-workspace"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "secondlook.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


def raw(path: Path) -> closing[sqlite3.Connection]:
    """A plain connection, to look at the file the way a recovery tool would."""
    return closing(sqlite3.connect(path))


# -- saving and loading ------------------------------------------------------------------------------


def test_a_new_draft_comes_back_with_utc_times(store: Store) -> None:
    draft = store.save_draft(None, WS, "acme", "New trail maps are out.")
    assert store.load_draft(draft.id) == draft
    assert (draft.workspace, draft.account_id, draft.text) == (WS, "acme", "New trail maps are out.")
    assert draft.created.tzinfo is not None and draft.created.utcoffset() == UTC.utcoffset(None)
    assert draft.created == draft.updated


def test_saving_an_existing_draft_updates_it_in_place(store: Store) -> None:
    first = store.save_draft(None, WS, "acme", "draft one")
    second = store.save_draft(first.id, WS, "sam", "draft one, edited")
    assert second.id == first.id
    assert (second.account_id, second.text) == ("sam", "draft one, edited")
    assert second.created == first.created and second.updated >= first.updated
    assert store.list_drafts(WS) == [second]


def test_drafts_survive_closing_and_reopening(db_path: Path) -> None:
    with Store(db_path) as store:
        draft = store.save_draft(None, WS, "acme", "still here tomorrow")
    with Store(db_path) as reopened:
        assert reopened.load_draft(draft.id) == draft


def test_unknown_draft_loads_as_none(store: Store) -> None:
    assert store.load_draft(12345) is None
    assert store.latest_draft(WS) is None
    assert store.list_drafts(WS) == []


def test_drafts_list_the_most_recently_saved_first_per_workspace(store: Store) -> None:
    a = store.save_draft(None, WS, "acme", "a")
    b = store.save_draft(None, WS, "acme", "b")
    elsewhere = store.save_draft(None, OTHER_WS, "acme", "other")
    assert [d.text for d in store.list_drafts(WS)] == ["b", "a"]
    a = store.save_draft(a.id, WS, "acme", "a, edited")
    assert [d.id for d in store.list_drafts(WS)] == [a.id, b.id]
    assert store.latest_draft(WS) == a
    assert store.list_drafts(OTHER_WS) == [elsewhere]


def test_saving_with_another_workspace_does_not_move_the_draft(store: Store) -> None:
    draft = store.save_draft(None, WS, "acme", "belongs to acme")
    moved = store.save_draft(draft.id, OTHER_WS, "acme", "typed in the other workspace")
    assert moved.id != draft.id
    assert store.load_draft(draft.id) == draft
    assert store.list_drafts(OTHER_WS) == [moved]


# -- discard and duplicate ----------------------------------------------------------------------------


def test_discard_hides_the_draft_but_keeps_its_text_in_the_file(store: Store, db_path: Path) -> None:
    keep = store.save_draft(None, WS, "acme", "keep me")
    gone = store.save_draft(None, WS, "acme", "discard me")
    store.discard_draft(gone.id)
    store.discard_draft(gone.id)  # twice is harmless
    assert store.load_draft(gone.id) is None
    assert store.list_drafts(WS) == [keep]
    assert store.latest_draft(WS) == keep
    with raw(db_path) as db:
        text, discarded_at = db.execute("SELECT text, discarded_at FROM drafts WHERE id = ?", (gone.id,)).fetchone()
    assert text == "discard me" and discarded_at is not None


def test_saving_a_discarded_draft_creates_a_new_one(store: Store) -> None:
    """The composer may still hold the id of a draft discarded elsewhere; the typing must not be lost."""
    old = store.save_draft(None, WS, "acme", "first words")
    store.discard_draft(old.id)
    new = store.save_draft(old.id, WS, "acme", "typed after the discard")
    assert new.id != old.id
    assert store.list_drafts(WS) == [new]
    assert store.load_draft(old.id) is None


def test_duplicate_makes_an_independent_copy_on_top(store: Store) -> None:
    original = store.save_draft(None, WS, "sam", "Trail day 🌲")
    store.save_draft(None, WS, "acme", "something newer")
    copy = store.duplicate_draft(original.id)
    assert copy.id != original.id
    assert (copy.workspace, copy.account_id, copy.text) == (WS, "sam", "Trail day 🌲")
    assert store.latest_draft(WS) == copy
    store.save_draft(copy.id, WS, "sam", "copy changed")
    assert store.load_draft(original.id) == original


def test_duplicating_a_missing_draft_is_a_storage_error(store: Store, db_path: Path) -> None:
    with pytest.raises(StorageError, match="no draft 999") as raised:
        store.duplicate_draft(999)
    assert str(db_path) in str(raised.value)


# -- sent posts -------------------------------------------------------------------------------------


def test_recording_a_sent_post_takes_its_draft_off_the_list(store: Store) -> None:
    draft = store.save_draft(None, WS, "acme", "Going out now")
    other = store.save_draft(None, WS, "acme", "not yet")
    post = OutgoingPost(
        WS,
        "acme",
        "Going out now",
        draft_id=draft.id,
        override_reason="Volunteer asked us to share it",
        acknowledged=("profanity: 'damn'",),
        overridden=("personal_data.phone: a phone number",),
    )
    sent = store.record_sent(post, "outbox")
    assert store.list_drafts(WS) == [other]
    assert store.load_draft(draft.id) is None
    assert store.sent_posts(WS) == [sent]
    assert (sent.text, sent.account_id, sent.destination) == ("Going out now", "acme", "outbox")
    assert sent.override_reason == "Volunteer asked us to share it"
    assert sent.acknowledged == ("profanity: 'damn'",)
    assert sent.overridden == ("personal_data.phone: a phone number",)
    assert sent.sent_at.utcoffset() == UTC.utcoffset(None)
    # Typing on after sending starts a new draft instead of changing what was sent.
    assert store.save_draft(draft.id, WS, "acme", "follow-up").id != draft.id


def test_sent_posts_are_newest_first_and_per_workspace(store: Store) -> None:
    first = store.record_sent(OutgoingPost(WS, "acme", "one"), "outbox")
    second = store.record_sent(OutgoingPost(WS, "sam", "two"), "outbox")
    store.record_sent(OutgoingPost(OTHER_WS, "acme", "elsewhere"), "outbox")
    assert store.sent_posts(WS) == [second, first]
    assert first.override_reason is None and first.acknowledged == () and first.overridden == ()


def test_a_failed_send_leaves_the_draft_listed_and_nothing_recorded(store: Store, db_path: Path) -> None:
    """Recording the post and marking its draft sent are one transaction: a failure undoes both."""
    draft = store.save_draft(None, WS, "acme", "must not vanish")
    with raw(db_path) as db:  # a write that fails after the post row went in, as a full disk would
        db.execute("CREATE TRIGGER fail AFTER UPDATE OF sent_at ON drafts BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        db.commit()
    with pytest.raises(StorageError, match="disk full"):
        store.record_sent(OutgoingPost(WS, "acme", draft.text, draft_id=draft.id), "outbox")
    assert store.list_drafts(WS) == [draft]
    assert store.sent_posts(WS) == []


# -- schema ---------------------------------------------------------------------------------------------


def test_a_new_database_is_migrated_to_the_current_schema_in_wal_mode(store: Store, db_path: Path) -> None:
    assert SCHEMA_VERSION >= 1
    assert store.schema_version() == SCHEMA_VERSION
    with raw(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"drafts", "sent_posts"} <= tables


def test_a_database_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    with raw(db_path) as db:
        db.execute("CREATE TABLE drafts (future TEXT)")
        db.execute("PRAGMA user_version = 99")
        db.commit()
    with pytest.raises(StorageError, match="newer version") as raised:
        Store(db_path)
    assert str(db_path) in str(raised.value)
    with raw(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 99


# -- text exactly as typed ----------------------------------------------------------------------------

UNUSUAL = {
    "emoji": "Trail day 🌲🏔️👩🏽‍🦰 #hike",
    "rtl": "שלום עולם — مرحبا بالعالم \u202ehidden\u202c",
    "lone surrogate": "broken paste \ud800 end",
    "surrogate pair halves": "\ud83d\ude00 as two halves",
    "nul": "before\x00after",
    "one megabyte": "a" * 1_000_000 + "é",
    "empty": "",
}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_text_round_trips_exactly(db_path: Path, text: str) -> None:
    with Store(db_path) as store:
        draft = store.save_draft(None, WS, "acme", text)
        assert store.load_draft(draft.id) == draft
    with Store(db_path) as reopened:
        loaded = reopened.load_draft(draft.id)
        assert loaded is not None and loaded.text == text
        sent = reopened.record_sent(
            OutgoingPost(WS, "acme", text, override_reason=text, acknowledged=(text,)), "outbox"
        )
        assert reopened.sent_posts(WS) == [sent]
        assert (sent.text, sent.override_reason, sent.acknowledged) == (text, text, (text,))


def test_a_workspace_path_that_is_not_valid_utf8_still_finds_its_drafts(store: Store) -> None:
    workspace = "/home/pat/caf\udce9"  # os.fsdecode of a Latin-1 folder name
    draft = store.save_draft(None, workspace, "acme", "hello")
    assert store.list_drafts(workspace) == [draft]
    assert store.list_drafts("/home/pat/café") == []


# -- files that will not open ---------------------------------------------------------------------------


def test_a_folder_where_the_database_should_be(tmp_path: Path) -> None:
    path = tmp_path / "secondlook.db"
    path.mkdir()
    with pytest.raises(StorageError, match="is a folder") as raised:
        Store(path)
    assert str(path) in str(raised.value)


def test_a_corrupt_file_is_reported_with_what_to_do(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database, just some bytes\n" * 200)
    with pytest.raises(StorageError, match="Move it aside") as raised:
        Store(db_path)
    assert str(db_path) in str(raised.value)
    assert db_path.read_bytes().startswith(b"this is not a database")  # not overwritten


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    path = tmp_path / "blocker" / "secondlook.db"
    with pytest.raises(StorageError) as raised:
        Store(path)
    assert str(path) in str(raised.value) and "SECONDLOOK_HOME" in str(raised.value)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions that apply")
def test_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="writable") as raised:
            Store(folder / "secondlook.db")
    finally:
        folder.chmod(0o700)
    assert str(folder / "secondlook.db") in str(raised.value)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions that apply")
def test_a_read_only_database_file_fails_at_open_not_at_the_first_save(db_path: Path) -> None:
    with Store(db_path) as store:
        store.save_draft(None, WS, "acme", "hi")
    db_path.chmod(0o400)
    with pytest.raises(StorageError, match="Make the file writable") as raised:
        Store(db_path)
    assert str(db_path) in str(raised.value)


def test_missing_parent_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "secondlook.db"
    with Store(path) as store:
        store.save_draft(None, WS, "acme", "hi")
    assert path.is_file()


def test_open_default_uses_secondlook_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECONDLOOK_HOME", str(tmp_path / "home"))
    with Store.open_default() as store:
        assert store.path == tmp_path / "home" / "secondlook.db"
        store.save_draft(None, WS, "acme", "hi")
    assert (tmp_path / "home" / "secondlook.db").is_file()


def test_a_closed_store_raises_storage_error(db_path: Path) -> None:
    store = Store(db_path)
    store.close()
    store.close()  # closing twice is harmless
    with pytest.raises(StorageError, match="closed"):
        store.list_drafts(WS)


# -- threads and crashes ----------------------------------------------------------------------------------


def test_a_store_made_on_one_thread_works_on_another(store: Store) -> None:
    results: list[object] = []

    def worker() -> None:
        try:
            results.append(store.save_draft(None, WS, "acme", "from the background"))
        except Exception as error:  # reported below, so the test fails with the reason
            results.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert results == [store.latest_draft(WS)]


KILLED_AFTER_SAVE = """
import os, signal, sys
from pathlib import Path
from desktop.storage import Store

store = Store(Path(sys.argv[1]))
draft = store.save_draft(None, sys.argv[2], "acme", "first words")
draft = store.save_draft(draft.id, sys.argv[2], "acme", "the last words typed before the crash")
print(draft.id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint, no atexit
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_draft_saved_just_before_sigkill_is_there_after_restart(db_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_SAVE, str(db_path), WS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    draft_id = int(child.stdout.strip())
    # The draft is only in the write-ahead log: the reopened store must recover it from there.
    assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0
    with Store(db_path) as store:
        draft = store.load_draft(draft_id)
        assert draft is not None and draft.text == "the last words typed before the crash"
        assert store.latest_draft(WS) == draft
