"""A real Bluesky PDS (@atproto/pds with a local PLC directory) on loopback for the tests.

One PDS per test session on 127.0.0.1 (``tests/support/pds/server.mjs``, installed with
``npm ci --prefix tests/support/pds``); each test signs up its own account, so record counts are its own.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop.platforms.bluesky import BlueskyClient
from tests.conftest import skip_or_fail

PDS_DIR = Path(__file__).resolve().parents[1] / "support" / "pds"
POSTS = "app.bsky.feed.post"
CREATE = "/xrpc/com.atproto.repo.createRecord"


@dataclass(frozen=True)
class Pds:
    url: str
    jwt_secret: str


@dataclass(frozen=True)
class Account:
    handle: str
    did: str
    password: str  # the account password: used only to make the app password
    app_password: str


# --- the server ---


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pds]:
    node = shutil.which("node")
    if node is None:
        skip_or_fail("needs Node.js 20+ for the test PDS (tests/support/pds)")
        raise AssertionError("unreachable")
    if not (PDS_DIR / "node_modules" / "@atproto" / "pds").is_dir():
        skip_or_fail("needs the test PDS installed: npm ci --prefix tests/support/pds")
    log_path = tmp_path_factory.mktemp("pds") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [node, str(PDS_DIR / "server.mjs"), "--stop-on-stdin-eof"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    assert process.stdout is not None and process.stdin is not None
    first_line: list[bytes] = []
    reader = threading.Thread(target=lambda: first_line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=90)
    try:
        if not first_line or not first_line[0].strip():
            process.kill()
            process.wait(timeout=10)
            log_text = log_path.read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"the test PDS did not start (exit {process.returncode}):\n{log_text[-3000:]}")
        info = json.loads(first_line[0])
        yield Pds(url=info["pds"], jwt_secret=info["jwt_secret"])
    finally:
        if process.poll() is None:
            process.terminate()  # SIGTERM: the server shuts down and removes its data folder
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        process.stdin.close()
        process.stdout.close()


_numbers = itertools.count(1)


@pytest.fixture
def account(pds: Pds) -> Account:
    """A new account on the PDS, with an app password (com.atproto.server.createAppPassword)."""
    handle = f"user{next(_numbers)}-{int(time.time() * 1000) % 10**8}.test"
    password = f"account-password-{handle}"
    created = requests.post(
        f"{pds.url}/xrpc/com.atproto.server.createAccount",
        json={"handle": handle, "email": f"{handle}@example.com", "password": password},
        timeout=30,
    )
    assert created.status_code == 200, created.text
    session = created.json()
    app = requests.post(
        f"{pds.url}/xrpc/com.atproto.server.createAppPassword",
        json={"name": "Second Look"},
        headers={"Authorization": f"Bearer {session['accessJwt']}"},
        timeout=30,
    )
    assert app.status_code == 200, app.text
    return Account(handle=handle, did=session["did"], password=password, app_password=app.json()["password"])


def signed_in(url: str, account: Account, **options: Any) -> BlueskyClient:
    client = BlueskyClient(url, sleep=lambda _: None, **options)
    client.login(account.handle, account.app_password)
    return client


def records(pds: Pds, account: Account) -> list[dict[str, Any]]:
    """Every post in the account's repository, straight from the PDS."""
    answer = requests.get(
        f"{pds.url}/xrpc/com.atproto.repo.listRecords",
        params={"repo": account.did, "collection": POSTS, "limit": "100"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["records"]
    return found


def record(pds: Pds, account: Account, rkey: str) -> dict[str, Any]:
    answer = requests.get(
        f"{pds.url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": account.did, "collection": POSTS, "rkey": rkey},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    value: dict[str, Any] = answer.json()["value"]
    return value
