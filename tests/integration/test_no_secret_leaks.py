"""The whole app never writes an account's token down: no file, database row, log line or error message.

The real ``secondlook`` command runs as separate processes with ``--verbose`` (every debug line logged),
against mastodon-mock behind a fault-injecting proxy, with the real Secret Service as the keyring. It adds
an account, verifies it, publishes (also through failing and dropped connections), is refused (401), and
removes the account. Then everything it printed, and every file under its home, data, config, cache and
temporary folders (the SQLite database and its -wal file, state.json, the avatar cache, logs), and every
row of every table of the database, is searched for the token in clear text, base64 and URL-encoded.

Run under ``.ci/keyring-session`` (CI does); elsewhere it skips (and fails in CI).
"""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import keyring
import keyring.backend
import requests

from desktop import secrets
from tests.keyring_backends import secret_service

__all__ = ["secret_service"]  # a fixture, used by name
from tests.support.fault_proxy import FaultProxy
from tests.support.mastodon_server import TOKEN, MockServer, statuses_count

REPO = Path(__file__).resolve().parents[2]
BACKEND = "keyring.backends.SecretService.Keyring"
TEXT = "Trail maps for the spring are out"


def fresh_token(server: MockServer) -> str:
    """A new, long, random access token for the seeded account, issued by the server's OAuth flow.

    Not the seeded TOKEN: a string no test file, fixture or log of the server's start-up contains.
    """
    app = requests.post(
        f"{server.url}/api/v1/apps",
        data={"client_name": "leak test", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"},
        timeout=10,
    ).json()
    answer = requests.post(
        f"{server.url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": "mockcode_secondlook",  # mastodon-mock's code for the account "secondlook"
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        },
        timeout=10,
    )
    answer.raise_for_status()
    token = str(answer.json()["access_token"])
    assert len(token) >= 40 and token != TOKEN
    return token


def leak_forms(token: str) -> dict[str, bytes]:
    """The token as it could end up written: clear, halves (a truncated copy), base64, URL-encoded."""
    raw = token.encode()
    half = len(raw) // 2
    forms = {
        "the token": raw,
        "its first half": raw[:half],
        "its second half": raw[half:],
        "its base64": base64.b64encode(raw).rstrip(b"="),
        "its URL-safe base64": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "its base64 as a Bearer header": base64.b64encode(b"Bearer " + raw).rstrip(b"="),
        "its URL encoding": quote(token, safe="").encode(),
        "its form encoding": quote_plus(token).encode(),
        "its hex": raw.hex().encode(),
    }
    forms["its UTF-16"] = token.encode("utf-16-le")
    return forms


@dataclass
class Session:
    """One person's laptop in a folder: home, XDG folders, the app's data, a temporary folder."""

    root: Path
    account_id: str
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (what ran, stdout + stderr)

    @property
    def data(self) -> Path:
        return self.root / "secondlook"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "SECONDLOOK_"))}
        for name in ("CONFIG", "CACHE", "DATA", "STATE"):
            env[f"XDG_{name}_HOME"] = str(self.root / "xdg" / name.lower())
        env.update(
            HOME=str(self.root / "home"),
            TMPDIR=str(self.root / "tmp"),
            SECONDLOOK_HOME=str(self.data),
            PYTHON_KEYRING_BACKEND=BACKEND,
            PYTHONDONTWRITEBYTECODE="1",
        )
        for folder in ("home", "tmp"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        return env

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "desktop", "--verbose", *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="backslashreplace",
            env=self.env(),
            cwd=REPO,
            timeout=300,
            check=False,
        )
        self.outputs.append((" ".join(args), done.stdout + done.stderr))
        return done


def files_under(*folders: Path) -> list[Path]:
    return sorted({p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()})


def database_rows(path: Path) -> list[tuple[str, object]]:
    """Every value of every row of every table, read through SQLite (the WAL's pages included)."""
    values: list[tuple[str, object]] = []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert tables, f"{path} has no tables"
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                values.extend((table, value) for value in row)
    return values


def test_a_token_appears_in_no_file_database_row_log_line_or_error_message(
    tmp_path: Path, server: MockServer, proxy: FaultProxy, secret_service: keyring.backend.KeyringBackend
) -> None:
    token = fresh_token(server)
    session = Session(tmp_path / "laptop", f"leak-{uuid.uuid4().hex[:12]}")
    try:
        use_the_account(session, token, server, proxy, secret_service)
    finally:
        secrets.delete_secrets(session.account_id)

    assert any("DEBUG" in output for _, output in session.outputs), "--verbose logged nothing"
    forms = leak_forms(token)

    texts = {name: needle.decode() for name, needle in forms.items() if needle.isascii()}
    for command, output in session.outputs:
        assert "Traceback" not in output, f"`secondlook {command}` crashed:\n{output}"
        for name, needle_text in texts.items():
            assert needle_text not in output, f"{name} is in the output of `secondlook {command}`"

    keyring_files = Path(os.environ.get("XDG_DATA_HOME", "/nonexistent")) / "keyrings"  # .ci/keyring-session's
    files = files_under(tmp_path, keyring_files)
    database = session.data / "secondlook.db"
    assert database in files
    assert (session.data / "avatars").is_dir(), "the avatar cache was not written, so it was not searched"
    for path in files:
        content = path.read_bytes()
        for name, needle in forms.items():
            assert needle not in content, f"{name} is in {path}"

    rows = database_rows(database)
    assert any(value == TEXT for _, value in rows)  # the rows were read
    for table, value in rows:
        data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
        if isinstance(data, bytes):
            for name, needle in forms.items():
                assert needle not in data, f"{name} is in a row of the {table} table"


def use_the_account(
    session: Session, token: str, server: MockServer, proxy: FaultProxy, keyring_backend: keyring.backend.KeyringBackend
) -> None:
    """Everything a person does with an account from a terminal, the unhappy paths included."""
    handle = f"@secondlook@localhost:{server.port}"
    workspace = session.root / "workspace"
    workspace.mkdir(parents=True)
    (workspace / "accounts.toml").write_text(
        f'[[account]]\nid = "{session.account_id}"\nplatform = "mastodon"\nhandle = "{handle}"\n'
        'name = "Acme"\nkind = "brand"\n',
        encoding="utf-8",
    )
    (workspace / "policy.toml").write_text("[publish]\nundo_seconds = 1\n", encoding="utf-8")
    draft = workspace / "draft.txt"
    draft.write_text(TEXT + "\n", encoding="utf-8")
    ws = ("--workspace", str(workspace))
    publish = ("publish", *ws, "--account", session.account_id, "--confirm", handle)
    where = (secrets.SERVICE, f"{session.account_id}/token")

    added = session.run(
        "accounts", "add", *ws, "--id", session.account_id, "--platform", "mastodon", "--server", proxy.url,
        stdin=token + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert keyring_backend.get_password(*where) == token

    assert session.run("accounts", "verify", *ws, session.account_id).returncode == 0
    assert session.run("accounts", "list", *ws).returncode == 0
    assert session.run("accounts", "list", *ws, "--json").returncode == 0

    sent = session.run(*publish, str(draft))
    assert sent.returncode == 0, sent.stderr
    assert statuses_count(server.url) == 1

    # The server fails every try until the client gives up: not sent, the draft kept.
    proxy.inject("POST", "/api/v1/statuses", "500", times=50)
    failed = session.run(*publish, "-", stdin="Second post, through a failing server")
    assert failed.returncode == 1 and "Your draft is kept" in failed.stderr
    proxy.clear()

    # The connection drops after the server has the post: settled without a second copy, or reported.
    proxy.inject("POST", "/api/v1/statuses", "drop_after_forward", times=1)
    dropped = session.run(*publish, "-", stdin="Third post, over a dropped connection")
    assert dropped.returncode in (0, 1), dropped.stderr

    wrong = session.run("publish", *ws, "--account", session.account_id, "--confirm", "@nobody", "-", stdin="Hi")
    assert wrong.returncode == 2

    # The server refuses the credentials (as it would a revoked token): signed out, publishing blocked.
    proxy.inject("GET", "/api/v1/accounts/verify_credentials", "401", times=50)
    refused = session.run("accounts", "verify", *ws, session.account_id)
    assert refused.returncode == 2 and "signed out" in refused.stdout
    blocked = session.run(*publish, str(draft))
    assert blocked.returncode == 2 and "blocked" in blocked.stderr
    proxy.clear()

    removed = session.run("accounts", "remove", *ws, session.account_id)
    assert removed.returncode == 0, removed.stderr
    assert keyring_backend.get_password(*where) is None
