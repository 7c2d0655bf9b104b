"""A real mastodon-mock server on loopback for the tests: one per session, seeded with an account.

mastodon-mock (``mastodon_mock serve``, FastAPI + SQLite) speaks the Mastodon client API. Its config
seeds the account Second Look signs in as (``secondlook``, with a fixed access token) and one
follower; ``POST /api/v1/_mock/reset`` returns it to that seed.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import skip_or_fail

TOKEN = "secondlook-test-token-7f3a9c"  # a mock server's seeded token, not a credential
FOLLOWER_TOKEN = "follower-test-token-91b2"

CONFIG = f"""
[auth]
permissive = false

[[seed.accounts]]
username = "secondlook"
display_name = "Second Look QA"
access_token = "{TOKEN}"

[[seed.accounts]]
username = "fan"
display_name = "A Fan"
access_token = "{FOLLOWER_TOKEN}"

[[seed.follows]]
follower = "fan"
following = "secondlook"
"""


@dataclass(frozen=True)
class MockServer:
    url: str
    port: int


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _executable() -> str | None:
    beside = Path(sys.executable).with_name("mastodon_mock")
    return str(beside) if beside.exists() else shutil.which("mastodon_mock")


@pytest.fixture(scope="session")
def mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    executable = _executable()
    if executable is None:
        skip_or_fail("needs mastodon-mock (pip install mastodon-mock): the mastodon_mock command is missing")
        raise AssertionError("unreachable")
    folder = tmp_path_factory.mktemp("mastodon_mock")
    config = folder / "mastodon_mock.toml"
    config.write_text(CONFIG, encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [executable, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", str(port), "--in-memory"],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        with requests.Session() as session:
            while True:
                if process.poll() is not None:
                    log_text = (folder / "server.log").read_text(encoding="utf-8", errors="replace")
                    pytest.fail(f"mastodon_mock exited with {process.returncode}:\n{log_text[-2000:]}")
                try:
                    if session.get(f"{url}/api/v1/instance", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("mastodon_mock did not answer within 60 s")
                with contextlib.suppress(subprocess.TimeoutExpired):  # still starting: wait a moment, watching it
                    process.wait(timeout=0.1)
        yield MockServer(url=url, port=port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
