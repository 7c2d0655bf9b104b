"""Drafts and sent posts in one SQLite file, written so that a crash never loses a saved draft.

Why SQLite: one file, transactions, and a write is durable once ``commit`` returns. The connection runs
in WAL mode with ``synchronous=FULL`` and every write is its own committed transaction, so when
:meth:`Store.save_draft` returns the draft survives the process being killed (and, short of lying disks,
a power cut).

Nothing is ever deleted: discarding a draft only stamps ``discarded_at``, and sending one stamps
``sent_at``, so text can always be recovered from the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from desktop.records import Connection, Draft, DraftStore, OutgoingPost, PublishIntent, SentPost

# Migration N (1-based) brings the schema from user_version N-1 to N. Append, never edit a released one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        # AUTOINCREMENT so an id is never reused: the composer may still hold the id of a discarded draft.
        """CREATE TABLE drafts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace TEXT NOT NULL,
            account_id TEXT NOT NULL,
            text TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            save_seq INTEGER NOT NULL,
            discarded_at TEXT,
            sent_at TEXT
        )""",
        "CREATE INDEX drafts_by_workspace ON drafts (workspace, save_seq)",
        """CREATE TABLE sent_posts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace TEXT NOT NULL,
            account_id TEXT NOT NULL,
            text TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            destination TEXT NOT NULL,
            override_reason TEXT,
            acknowledged TEXT NOT NULL,
            overridden TEXT NOT NULL,
            draft_id INTEGER
        )""",
        "CREATE INDEX sent_posts_by_workspace ON sent_posts (workspace, id)",
    ),
    (
        # Exactly-once publishing: the intent (with the key every attempt reuses) is committed before
        # anything is sent; a restart finds the ones still pending and reconciles them first.
        """CREATE TABLE publish_intents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace TEXT NOT NULL,
            account_id TEXT NOT NULL,
            text TEXT NOT NULL,
            draft_id INTEGER,
            override_reason TEXT,
            acknowledged TEXT NOT NULL,
            overridden TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            last_error TEXT,
            sent_post_id INTEGER REFERENCES sent_posts (id)
        )""",
        "CREATE INDEX publish_intents_pending ON publish_intents (state, workspace)",
        "ALTER TABLE sent_posts ADD COLUMN remote_id TEXT",
        "ALTER TABLE sent_posts ADD COLUMN url TEXT",
    ),
    (
        # How this laptop reaches each account, and who the platform last said it is. Keyed by the
        # account id, as the keyring entries are: every workspace naming that id uses the same credentials,
        # and the handle check stops a workspace whose "acme" is someone else.
        """CREATE TABLE connections (
            account_id TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            server TEXT NOT NULL,
            login TEXT,
            display_name TEXT,
            handle TEXT,
            avatar_url TEXT,
            avatar_path TEXT,
            followers INTEGER,
            profile_url TEXT,
            max_characters INTEGER,
            verified_at TEXT,
            problem TEXT,
            problem_kind TEXT
        )""",
        # A deleted post stays on record: who removed it from the platform, when, and why.
        "ALTER TABLE sent_posts ADD COLUMN deleted_at TEXT",
        "ALTER TABLE sent_posts ADD COLUMN deleted_by TEXT",
        "ALTER TABLE sent_posts ADD COLUMN delete_reason TEXT",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_DRAFT_COLUMNS = "id, workspace, account_id, text, created, updated"
_SENT_COLUMNS = (
    "id, workspace, account_id, text, sent_at, destination, override_reason, acknowledged, overridden, remote_id, url, "
    "deleted_at, deleted_by, delete_reason"
)
_CONNECTION_COLUMNS = (
    "account_id, platform, server, login, display_name, handle, avatar_url, avatar_path, followers, profile_url, "
    "max_characters, verified_at, problem, problem_kind"
)
_INTENT_COLUMNS = (
    "id, workspace, account_id, text, draft_id, override_reason, acknowledged, overridden, key, state, attempts, "
    "created, last_error"
)
_LIVE = "discarded_at IS NULL AND sent_at IS NULL"


class StorageError(Exception):
    """The drafts database cannot be used. ``str(error)`` names the file and says what to do."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


def _encode(text: str) -> str | bytes:
    """Text as SQLite can take it, exactly.

    SQLite text must be UTF-8, which cannot hold a lone surrogate (a broken paste, an undecodable file
    name). Such text is stored as a BLOB of 'surrogatepass' UTF-8 instead; everything else stays
    readable TEXT. Equal strings always encode equally, so encoded values also work in WHERE clauses.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
    return text


def _decode(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


def _encode_list(items: Sequence[str]) -> str | bytes:
    # Not ensure_ascii: json.loads would join the escapes of a split pair (\ud83d, \ude00) into one emoji.
    return _encode(json.dumps(list(items), ensure_ascii=False))


def _decode_list(value: str | bytes) -> tuple[str, ...]:
    return tuple(json.loads(_decode(value)))


def _now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime) -> str:
    # A fixed width (microseconds always present) keeps the text sortable and parseable.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _draft(row: Sequence[Any]) -> Draft:
    return Draft(
        id=row[0],
        workspace=_decode(row[1]),
        account_id=_decode(row[2]),
        text=_decode(row[3]),
        created=_moment(row[4]),
        updated=_moment(row[5]),
    )


def _sent(row: Sequence[Any]) -> SentPost:
    return SentPost(
        id=row[0],
        workspace=_decode(row[1]),
        account_id=_decode(row[2]),
        text=_decode(row[3]),
        sent_at=_moment(row[4]),
        destination=_decode(row[5]),
        override_reason=None if row[6] is None else _decode(row[6]),
        acknowledged=_decode_list(row[7]),
        overridden=_decode_list(row[8]),
        remote_id=row[9],
        url=row[10],
        deleted_at=None if row[11] is None else _moment(row[11]),
        deleted_by=None if row[12] is None else _decode(row[12]),
        delete_reason=None if row[13] is None else _decode(row[13]),
    )


def _connection(row: Sequence[Any]) -> Connection:
    return Connection(
        account_id=row[0],
        platform=row[1],
        server=row[2],
        login=row[3],
        display_name=None if row[4] is None else _decode(row[4]),
        handle=None if row[5] is None else _decode(row[5]),
        avatar_url=row[6],
        avatar_path=row[7],
        followers=row[8],
        profile_url=row[9],
        max_characters=row[10],
        verified_at=None if row[11] is None else _moment(row[11]),
        problem=None if row[12] is None else _decode(row[12]),
        problem_kind=row[13],
    )


def _intent(row: Sequence[Any]) -> PublishIntent:
    post = OutgoingPost(
        workspace=_decode(row[1]),
        account_id=_decode(row[2]),
        text=_decode(row[3]),
        draft_id=row[4],
        override_reason=None if row[5] is None else _decode(row[5]),
        acknowledged=_decode_list(row[6]),
        overridden=_decode_list(row[7]),
    )
    return PublishIntent(
        id=row[0], post=post, key=row[8], state=row[9], attempts=row[10], created=_moment(row[11]), last_error=row[12]
    )


def _next_seq(db: sqlite3.Connection) -> int:
    """The next save number: drafts list in the order they were last saved."""
    return int(db.execute("SELECT COALESCE(MAX(save_seq), 0) + 1 FROM drafts").fetchone()[0])


def _select_draft(db: sqlite3.Connection, draft_id: int | None) -> Draft:
    return _draft(db.execute(f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)).fetchone())


def _open_advice(path: Path, error: BaseException) -> str:
    """What a person can do about a database that will not open, judged from the error and the file."""
    detail = str(error) or type(error).__name__
    if path.is_dir():
        return f"{path} is a folder, not a database file ({detail}). Move that folder away, or set SECONDLOOK_HOME."
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in detail:
        return (
            f"{path} is damaged or is not a Second Look database ({detail}). Move it aside (its drafts may be "
            "recoverable with the sqlite3 '.recover' command) and start Second Look again to create a new one."
        )
    folder = path.parent
    if path.is_file() and not os.access(path, os.W_OK):
        return f"Second Look cannot write {path} ({detail}). Make the file writable, or set SECONDLOOK_HOME."
    if isinstance(error, PermissionError) or (folder.is_dir() and not os.access(folder, os.W_OK)):
        return (
            f"Second Look cannot write {path} ({detail}). Make {folder} writable, "
            "or set SECONDLOOK_HOME to a folder you can write to."
        )
    return (
        f"Second Look cannot open its drafts database {path} ({detail}). Check that the disk is not full and "
        "the folder is writable, or set SECONDLOOK_HOME to another folder."
    )


class Store:
    """The DraftStore, plus the record of sent posts the outbox publisher writes.

    The app calls it from one background thread, tests from the main thread; one lock serialises every
    use of the single connection, so either works.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions; _write opens each one explicitly.
            connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        except (OSError, sqlite3.Error) as error:
            raise StorageError(self.path, _open_advice(self.path, error)) from error
        try:
            # Opening is lazy: these first statements are what fail on a corrupt or unwritable file.
            mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"the file system did not allow WAL journaling (got {mode!r})")
            connection.execute("PRAGMA synchronous=FULL")
            self._connection = connection
            self._migrate()
        except (sqlite3.Error, StorageError) as error:
            self._connection = None
            connection.close()
            # A failed migration arrives as a StorageError about saving; at open, the advice is about the file.
            cause = error.__cause__ if isinstance(error, StorageError) else error
            if not isinstance(cause, sqlite3.Error):
                raise
            raise StorageError(self.path, _open_advice(self.path, cause)) from cause

    @classmethod
    def open_default(cls) -> Store:
        """The store in the app's data folder (see :mod:`desktop.settings`)."""
        from desktop.settings import default_database_path

        return cls(default_database_path())

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction: all of the block's writes land, or none do."""
        with self._lock:
            connection = self._open_connection()
            try:
                # IMMEDIATE takes the write lock up front, so a second app instance waits instead of failing mid-way.
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    # Some errors (a full disk) roll back by themselves; a second ROLLBACK would hide them.
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            except sqlite3.Error as error:
                if connection.in_transaction:
                    with suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                raise self._failure("save to", error) from error

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = self._open_connection()
            try:
                yield connection
            except sqlite3.Error as error:
                raise self._failure("read", error) from error

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StorageError(self.path, f"The drafts database {self.path} is closed; this is a bug in Second Look.")
        return self._connection

    def _failure(self, action: str, error: sqlite3.Error) -> StorageError:
        return StorageError(
            self.path,
            f"Second Look could not {action} its drafts database {self.path} ({error}). "
            "Check that the disk is not full and the file is writable, then try again.",
        )

    def _migrate(self) -> None:
        with self._write() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StorageError(
                    self.path,
                    f"{self.path} was written by a newer version of Second Look (schema {version}, this version "
                    f"reads up to {SCHEMA_VERSION}). Update Second Look, or set SECONDLOOK_HOME to another folder.",
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    db.execute(statement)
                # PRAGMA user_version is transactional: the schema and its number change together.
                db.execute(f"PRAGMA user_version = {number}")
            if version == SCHEMA_VERSION:
                # A write even when nothing is due, so a read-only file fails now, not at the first save.
                db.execute(f"PRAGMA user_version = {version}")

    def schema_version(self) -> int:
        with self._read() as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])

    # -- drafts -------------------------------------------------------------------------------------

    def save_draft(self, draft_id: int | None, workspace: str, account_id: str, text: str) -> Draft:
        """Create a draft (``draft_id`` None) or update one; durable on disk when this returns.

        An id that is no longer a live draft of this workspace (discarded, sent, or never there) gets a
        new draft rather than an error: the person's text is what matters, and it must not be lost.
        """
        now = _timestamp(_now())
        with self._write() as db:
            seq = _next_seq(db)
            updated = 0
            if draft_id is not None:
                updated = db.execute(
                    f"UPDATE drafts SET account_id = ?, text = ?, updated = ?, save_seq = ? "
                    f"WHERE id = ? AND workspace = ? AND {_LIVE}",
                    (_encode(account_id), _encode(text), now, seq, draft_id, _encode(workspace)),
                ).rowcount
            if draft_id is None or updated == 0:
                draft_id = db.execute(
                    "INSERT INTO drafts (workspace, account_id, text, created, updated, save_seq) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (_encode(workspace), _encode(account_id), _encode(text), now, now, seq),
                ).lastrowid
            return _select_draft(db, draft_id)

    def load_draft(self, draft_id: int) -> Draft | None:
        """The draft, or None when it was discarded, sent, or never existed."""
        with self._read() as db:
            row = db.execute(f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE id = ? AND {_LIVE}", (draft_id,)).fetchone()
        return None if row is None else _draft(row)

    def list_drafts(self, workspace: str) -> list[Draft]:
        """The workspace's live drafts, the most recently saved first."""
        # save_seq, not the timestamp, orders them: clocks can be coarse or step backwards, save order cannot.
        with self._read() as db:
            rows = db.execute(
                f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE workspace = ? AND {_LIVE} ORDER BY save_seq DESC",
                (_encode(workspace),),
            ).fetchall()
        return [_draft(row) for row in rows]

    def latest_draft(self, workspace: str) -> Draft | None:
        """The draft to reopen on start-up: the one saved last."""
        with self._read() as db:
            row = db.execute(
                f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE workspace = ? AND {_LIVE} ORDER BY save_seq DESC LIMIT 1",
                (_encode(workspace),),
            ).fetchone()
        return None if row is None else _draft(row)

    def duplicate_draft(self, draft_id: int) -> Draft:
        """A new draft with the same workspace, account and text.

        Works for discarded and sent drafts too ("post this again"); raises :class:`StorageError` when
        the id was never a draft.
        """
        now = _timestamp(_now())
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO drafts (workspace, account_id, text, created, updated, save_seq) "
                "SELECT workspace, account_id, text, ?, ?, ? FROM drafts WHERE id = ?",
                (now, now, _next_seq(db), draft_id),
            )
            if cursor.rowcount == 0:
                raise StorageError(self.path, f"There is no draft {draft_id} to duplicate in {self.path}.")
            return _select_draft(db, cursor.lastrowid)

    def discard_draft(self, draft_id: int) -> None:
        """Hide the draft from the lists. The row and its text stay in the file; discarding twice is harmless."""
        with self._write() as db:
            db.execute(
                "UPDATE drafts SET discarded_at = ? WHERE id = ? AND discarded_at IS NULL",
                (_timestamp(_now()), draft_id),
            )

    # -- sent posts ---------------------------------------------------------------------------------

    def record_sent(self, post: OutgoingPost, destination: str) -> SentPost:
        """Record a published post and, in the same transaction, take its draft off the drafts list."""
        with self._write() as db:
            return self._insert_sent(db, post, destination, None, None)

    def _insert_sent(
        self, db: sqlite3.Connection, post: OutgoingPost, destination: str, remote_id: str | None, url: str | None
    ) -> SentPost:
        now = _timestamp(_now())
        post_id = db.execute(
            "INSERT INTO sent_posts (workspace, account_id, text, sent_at, destination, override_reason, "
            "acknowledged, overridden, draft_id, remote_id, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _encode(post.workspace),
                _encode(post.account_id),
                _encode(post.text),
                now,
                _encode(destination),
                None if post.override_reason is None else _encode(post.override_reason),
                _encode_list(post.acknowledged),
                _encode_list(post.overridden),
                post.draft_id,
                remote_id,
                url,
            ),
        ).lastrowid
        if post.draft_id is not None:
            db.execute("UPDATE drafts SET sent_at = ? WHERE id = ? AND sent_at IS NULL", (now, post.draft_id))
        return _sent(db.execute(f"SELECT {_SENT_COLUMNS} FROM sent_posts WHERE id = ?", (post_id,)).fetchone())

    # -- exactly-once publishing --------------------------------------------------------------------

    def begin_intent(self, post: OutgoingPost, key: str) -> PublishIntent:
        """Store the intent to publish ``post`` with ``key``, durably, before anything is sent."""
        now = _timestamp(_now())
        with self._write() as db:
            intent_id = db.execute(
                "INSERT INTO publish_intents (workspace, account_id, text, draft_id, override_reason, acknowledged, "
                "overridden, key, state, attempts, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                (
                    _encode(post.workspace),
                    _encode(post.account_id),
                    _encode(post.text),
                    post.draft_id,
                    None if post.override_reason is None else _encode(post.override_reason),
                    _encode_list(post.acknowledged),
                    _encode_list(post.overridden),
                    key,
                    now,
                    now,
                ),
            ).lastrowid
            return self._select_intent(db, intent_id)

    def note_attempt(self, intent_id: int, error: str | None = None) -> None:
        """Count one attempt at sending (and what went wrong with it, for the person and for support)."""
        with self._write() as db:
            db.execute(
                "UPDATE publish_intents SET attempts = attempts + 1, last_error = ?, updated = ? WHERE id = ?",
                (error, _timestamp(_now()), intent_id),
            )

    def complete_intent(self, intent_id: int, destination: str, remote_id: str | None, url: str | None) -> SentPost:
        """The platform has the post: record it as sent, close the intent and the draft, in one transaction.

        Completing an intent twice (a reconciliation racing a late answer) returns the first record."""
        with self._write() as db:
            intent = self._select_intent(db, intent_id)
            if intent.state == "sent":
                row = db.execute(
                    f"SELECT {_SENT_COLUMNS} FROM sent_posts WHERE id = "
                    "(SELECT sent_post_id FROM publish_intents WHERE id = ?)",
                    (intent_id,),
                ).fetchone()
                return _sent(row)
            sent = self._insert_sent(db, intent.post, destination, remote_id, url)
            db.execute(
                "UPDATE publish_intents SET state = 'sent', sent_post_id = ?, updated = ? WHERE id = ?",
                (sent.id, _timestamp(_now()), intent_id),
            )
            return sent

    def fail_intent(self, intent_id: int, error: str) -> None:
        """The platform certainly does not have the post (it refused it): the draft stays a draft."""
        with self._write() as db:
            db.execute(
                "UPDATE publish_intents SET state = 'failed', last_error = ?, updated = ? "
                "WHERE id = ? AND state = 'pending'",
                (error, _timestamp(_now()), intent_id),
            )

    def pending_intents(self, workspace: str | None = None) -> list[PublishIntent]:
        """Intents that may or may not have reached their platform, oldest first."""
        with self._read() as db:
            query = f"SELECT {_INTENT_COLUMNS} FROM publish_intents WHERE state = 'pending'"
            args: tuple[Any, ...] = ()
            if workspace is not None:
                query += " AND workspace = ?"
                args = (_encode(workspace),)
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [_intent(row) for row in rows]

    def _select_intent(self, db: sqlite3.Connection, intent_id: int | None) -> PublishIntent:
        row = db.execute(f"SELECT {_INTENT_COLUMNS} FROM publish_intents WHERE id = ?", (intent_id,)).fetchone()
        if row is None:
            raise StorageError(self.path, f"There is no publishing record {intent_id}; this is a bug in Second Look.")
        return _intent(row)

    def sent_post(self, sent_id: int) -> SentPost | None:
        with self._read() as db:
            row = db.execute(f"SELECT {_SENT_COLUMNS} FROM sent_posts WHERE id = ?", (sent_id,)).fetchone()
        return None if row is None else _sent(row)

    def mark_deleted(self, sent_id: int, by: str, reason: str) -> SentPost:
        """Record that the post was removed from its platform. The record itself is never deleted.

        Marking it twice keeps the first who, when and why."""
        with self._write() as db:
            db.execute(
                "UPDATE sent_posts SET deleted_at = ?, deleted_by = ?, delete_reason = ? "
                "WHERE id = ? AND deleted_at IS NULL",
                (_timestamp(_now()), _encode(by), _encode(reason), sent_id),
            )
            row = db.execute(f"SELECT {_SENT_COLUMNS} FROM sent_posts WHERE id = ?", (sent_id,)).fetchone()
        if row is None:
            raise StorageError(self.path, f"There is no sent post {sent_id}; this is a bug in Second Look.")
        return _sent(row)

    # -- connections ----------------------------------------------------------------------------------

    def save_connection(self, connection: Connection) -> None:
        """Insert or replace how this laptop reaches ``connection.account_id`` (never its credentials)."""
        c = connection
        with self._write() as db:
            db.execute(
                f"INSERT OR REPLACE INTO connections ({_CONNECTION_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    c.account_id,
                    c.platform,
                    c.server,
                    c.login,
                    None if c.display_name is None else _encode(c.display_name),
                    None if c.handle is None else _encode(c.handle),
                    c.avatar_url,
                    c.avatar_path,
                    c.followers,
                    c.profile_url,
                    c.max_characters,
                    None if c.verified_at is None else _timestamp(c.verified_at),
                    None if c.problem is None else _encode(c.problem),
                    c.problem_kind,
                ),
            )

    def connection(self, account_id: str) -> Connection | None:
        with self._read() as db:
            row = db.execute(
                f"SELECT {_CONNECTION_COLUMNS} FROM connections WHERE account_id = ?", (account_id,)
            ).fetchone()
        return None if row is None else _connection(row)

    def connections(self) -> list[Connection]:
        with self._read() as db:
            rows = db.execute(f"SELECT {_CONNECTION_COLUMNS} FROM connections ORDER BY account_id").fetchall()
        return [_connection(row) for row in rows]

    def delete_connection(self, account_id: str) -> bool:
        """Forget how to reach the account; True if there was a connection. Its posts and records stay."""
        with self._write() as db:
            return db.execute("DELETE FROM connections WHERE account_id = ?", (account_id,)).rowcount > 0

    def sent_posts(self, workspace: str) -> list[SentPost]:
        """The workspace's sent posts, the most recent first."""
        with self._read() as db:
            rows = db.execute(
                f"SELECT {_SENT_COLUMNS} FROM sent_posts WHERE workspace = ? ORDER BY id DESC",
                (_encode(workspace),),
            ).fetchall()
        return [_sent(row) for row in rows]


if TYPE_CHECKING:

    def _store_is_a_draft_store(store: Store) -> DraftStore:  # mypy checks Store against the protocol here
        return store
