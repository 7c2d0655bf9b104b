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
from tests.support.fault_proxy import FaultProxy

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


class ServerError(Exception):
    """The mock server would not start; the message has the end of its log."""


@contextlib.contextmanager
def start_mock_server(folder: Path) -> Iterator[MockServer]:
    """Run mastodon-mock on a free loopback port until the block ends (tests and bench/ share this)."""
    executable = _executable()
    if executable is None:
        raise FileNotFoundError("needs mastodon-mock (pip install mastodon-mock): the mastodon_mock command is missing")
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
                    raise ServerError(f"mastodon_mock exited with {process.returncode}:\n{log_text[-2000:]}")
                try:
                    if session.get(f"{url}/api/v1/instance", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise ServerError("mastodon_mock did not answer within 60 s")
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


def statuses_count(url: str) -> int:
    """How many posts the seeded account has on the server (the account's own counter)."""
    response = requests.get(
        f"{url}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    response.raise_for_status()
    return int(response.json()["statuses_count"])


@pytest.fixture(scope="session")
def mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    if _executable() is None:
        skip_or_fail("needs mastodon-mock (pip install mastodon-mock): the mastodon_mock command is missing")
    try:
        with start_mock_server(tmp_path_factory.mktemp("mastodon_mock")) as server:
            yield server
    except ServerError as error:
        pytest.fail(str(error))


@pytest.fixture
def server(mock_server: MockServer) -> MockServer:
    """The server, back at its seed: no statuses, no faults."""
    response = requests.post(f"{mock_server.url}/api/v1/_mock/reset", timeout=10)
    assert response.status_code == 200, response.text
    return mock_server


@pytest.fixture
def proxy(server: MockServer) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of the (reset) server."""
    with FaultProxy(server.url) as fault_proxy:
        yield fault_proxy
