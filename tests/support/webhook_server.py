"""A loopback stand-in for the incoming webhooks of Slack, Teams Workflows, Discord and GroupMe.

One threaded ``http.server`` on 127.0.0.1 speaks all four kinds, told apart by the path:

* ``POST /slack/T0LOOP/B0LOOP/<token>``: answers 200 "ok" (text/plain), like Slack;
* ``POST /teams/workflows/<id>/triggers/manual/paths/invoke?sig=<sig>``: answers 202, like a Teams workflow;
* ``/discord/api/webhooks/<id>/<token>``: ``POST`` (``?wait=true`` answers the message as JSON with its
  "id", otherwise 204), ``GET`` (the webhook: name, channel_id, guild_id, id, avatar),
  ``DELETE .../messages/<id>`` (204, or 404 when there is no such message);
* ``POST /groupme/v3/bots/post`` with ``{"bot_id", "text"}``: answers 202.

A wrong token or bot id answers 401/404 as the real services do. Every request is counted in
``server.requests`` (method, path); every message the channel took is in ``server.received`` as
(kind, JSON body).

Faults apply to the next ``times`` requests, whatever their kind (``server.fail_next(fault, times=...)``):

* ``"500"``, ``"404"``, ``"400"``: answer that status without taking the message; the error text echoes
  the request path, the way some servers quote what they were sent (so redaction is tested);
* ``"429"``: answer 429 with ``Retry-After: <retry_after>`` (default 0);
* ``"drop"``: read the request, take the message, then close the connection without answering;
* ``"slow"``: take the message, then wait ``slow_seconds`` (longer than the client's timeout) before answering.

    with WebhookServer() as hooks:
        hooks.fail_next("drop")
        client = WebhookClient("slack", hooks.url("slack"))
"""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import pytest

# Test values that stand for the secret parts of webhook addresses (not credentials).
SLACK_TOKEN = "slackLoopToken4f9a2c"
TEAMS_WORKFLOW = "teamsflow8c1d77e0"
TEAMS_SIG = "teamsSig0b3e5a9d"
DISCORD_WEBHOOK_ID = "1188776655443322110"
DISCORD_TOKEN = "discordLoopToken-7Qx2"
DISCORD_CHANNEL_ID = "998877665544332211"
DISCORD_GUILD_ID = "887766554433221100"
DISCORD_AVATAR = "a1b2c3d4e5f6"
GROUPME_BOT_ID = "groupmeBot5e2f8a1c"

FAULTS = ("500", "404", "400", "429", "drop", "slow")
KIND_PREFIXES = {"slack": "/slack/", "teams": "/teams/", "discord": "/discord/", "groupme": "/groupme/"}


@dataclass
class _Fault:
    fault: str
    remaining: int
    retry_after: int


class WebhookServer:
    """The four webhook kinds on one loopback port; see the module docstring."""

    def __init__(self, *, slow_seconds: float = 2.0) -> None:
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._faults: list[_Fault] = []
        self._requests: list[tuple[str, str]] = []
        self._received: list[tuple[str, dict[str, Any]]] = []
        self._discord_messages: dict[str, dict[str, Any]] = {}
        self._next_id = 1200000000000000000
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- What the tests see ---

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the webhook server is not running")
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, kind: str) -> str:
        """The (secret) webhook address of ``kind`` on this server; for GroupMe, with ``?bot_id=``."""
        paths = {
            "slack": f"/slack/T0LOOP/B0LOOP/{SLACK_TOKEN}",
            "teams": f"/teams/workflows/{TEAMS_WORKFLOW}/triggers/manual/paths/invoke"
            f"?api-version=2016-06-01&sig={TEAMS_SIG}",
            "discord": f"/discord/api/webhooks/{DISCORD_WEBHOOK_ID}/{DISCORD_TOKEN}",
            "groupme": f"/groupme/v3/bots/post?bot_id={GROUPME_BOT_ID}",
        }
        return self.base + paths[kind]

    @property
    def requests(self) -> list[tuple[str, str]]:
        """Every request so far as (method, path with query), faults included."""
        with self._lock:
            return list(self._requests)

    @property
    def received(self) -> list[tuple[str, dict[str, Any]]]:
        """Every message the channels took, as (kind, JSON body)."""
        with self._lock:
            return list(self._received)

    def discord_message_ids(self) -> list[str]:
        with self._lock:
            return list(self._discord_messages)

    def fail_next(self, fault: str, *, times: int = 1, retry_after: int = 0) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {FAULTS}")
        with self._lock:
            self._faults.append(_Fault(fault, times, retry_after))

    def reset(self) -> None:
        """Forget requests, messages and pending faults."""
        with self._lock:
            self._faults.clear()
            self._requests.clear()
            self._received.clear()
            self._discord_messages.clear()

    # --- Running ---

    def start(self) -> Self:
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="webhook-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- Used by the handler ---

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        with self._lock:
            self._requests.append((method, path))
            if not self._faults:
                return None
            rule = self._faults[0]
            rule.remaining -= 1
            if rule.remaining <= 0:
                self._faults.pop(0)
            return rule

    def _record(self, kind: str, body: dict[str, Any]) -> str:
        with self._lock:
            self._received.append((kind, body))
            self._next_id += 1
            message_id = str(self._next_id)
            if kind == "discord":
                self._discord_messages[message_id] = body
            return message_id

    def _forget_discord(self, message_id: str) -> bool:
        with self._lock:
            return self._discord_messages.pop(message_id, None) is not None


@contextlib.contextmanager
def running_webhook_server(*, slow_seconds: float = 2.0) -> Iterator[WebhookServer]:
    with WebhookServer(slow_seconds=slow_seconds) as server:
        yield server


@pytest.fixture
def webhook_server() -> Iterator[WebhookServer]:
    """A fresh webhook server for one test: no messages, no faults."""
    with running_webhook_server() as server:
        yield server


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: WebhookServer


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # but every answer closes its connection

    def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows stderr on failure only
        pass

    def _handle(self) -> None:
        self.close_connection = True
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fault = owner._take_fault(self.command, self.path)
        if fault is not None and fault.fault in ("500", "404", "400", "429"):
            status = int(fault.fault)
            extra = {"Retry-After": str(fault.retry_after)} if status == 429 else {}
            self._answer(status, {"message": f"injected fault {status} for {self.command} {self.path}"}, extra)
            return
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._answer(400, {"message": "the body is not JSON"})
            return
        kind = next((kind for kind, prefix in KIND_PREFIXES.items() if parts.path.startswith(prefix)), None)
        if kind is None:
            self._answer(404, {"message": "no such webhook"})
            return
        status, answer, content_type = getattr(self, f"_{kind}")(parts.path, query, body, fault)
        if fault is not None and fault.fault == "drop":
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return  # the channel took it; the client hears nothing
        if fault is not None and fault.fault == "slow":
            owner._stopping.wait(owner.slow_seconds)
            if owner._stopping.is_set():
                return
        with contextlib.suppress(OSError):
            self._send(status, answer, content_type)

    do_GET = do_POST = do_DELETE = _handle  # noqa: N815

    # Each kind returns (status, body, content type); a message it takes is recorded before answering.

    def _slack(self, path: str, query: dict[str, str], body: Any, fault: _Fault | None) -> tuple[int, object, str]:
        if self.command != "POST":
            return 405, "invalid_method", "text/plain"
        if path != f"/slack/T0LOOP/B0LOOP/{SLACK_TOKEN}":
            return 404, "no_service", "text/plain"
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"]:
            return 400, "no_text", "text/plain"
        self.server.owner._record("slack", body)
        return 200, "ok", "text/plain"

    def _teams(self, path: str, query: dict[str, str], body: Any, fault: _Fault | None) -> tuple[int, object, str]:
        if self.command != "POST":
            return 405, {"error": {"code": "MethodNotAllowed", "message": "POST only"}}, "application/json"
        if path != f"/teams/workflows/{TEAMS_WORKFLOW}/triggers/manual/paths/invoke" or query.get("sig") != TEAMS_SIG:
            return 401, {"error": {"code": "DirectApiAuthorizationRequired", "message": "bad sig"}}, "application/json"
        if not isinstance(body, dict) or body.get("type") != "message" or not body.get("attachments"):
            return 400, {"error": {"code": "InvalidRequestContent", "message": "no message"}}, "application/json"
        self.server.owner._record("teams", body)
        return 202, "", "text/plain"

    def _groupme(self, path: str, query: dict[str, str], body: Any, fault: _Fault | None) -> tuple[int, object, str]:
        if self.command != "POST" or path != "/groupme/v3/bots/post":
            return 404, {"meta": {"code": 404, "errors": ["not found"]}}, "application/json"
        if not isinstance(body, dict) or body.get("bot_id") != GROUPME_BOT_ID:
            return 404, {"meta": {"code": 404, "errors": ["bot not found"]}}, "application/json"
        if not isinstance(body.get("text"), str) or not body["text"] or len(body["text"]) > 1000:
            return 400, {"meta": {"code": 400, "errors": ["text is invalid"]}}, "application/json"
        self.server.owner._record("groupme", body)
        return 202, "", "text/plain"

    def _discord(self, path: str, query: dict[str, str], body: Any, fault: _Fault | None) -> tuple[int, object, str]:
        json_type = "application/json"
        segments = path.split("/")  # "", "discord", "api", "webhooks", id, token, ["messages", message id]
        if len(segments) < 6 or segments[2:4] != ["api", "webhooks"] or segments[4] != DISCORD_WEBHOOK_ID:
            return 404, {"message": "Unknown Webhook", "code": 10015}, json_type
        if segments[5] != DISCORD_TOKEN:
            return 401, {"message": "Invalid Webhook Token", "code": 50027}, json_type
        rest = segments[6:]
        if not rest and self.command == "GET":
            return (
                200,
                {
                    "id": DISCORD_WEBHOOK_ID,
                    "type": 1,
                    "name": "Second Look Bot",
                    "avatar": DISCORD_AVATAR,
                    "channel_id": DISCORD_CHANNEL_ID,
                    "guild_id": DISCORD_GUILD_ID,
                    "token": DISCORD_TOKEN,
                },
                json_type,
            )
        if not rest and self.command == "POST":
            if not isinstance(body, dict) or not isinstance(body.get("content"), str) or not body["content"]:
                return 400, {"message": "Cannot send an empty message", "code": 50006}, json_type
            if len(body["content"]) > 2000:
                return 400, {"message": "Invalid Form Body", "code": 50035}, json_type
            message_id = self.server.owner._record("discord", body)
            if query.get("wait") != "true":
                return 204, "", "text/plain"
            return 200, {"id": message_id, "channel_id": DISCORD_CHANNEL_ID, "content": body["content"]}, json_type
        if len(rest) == 2 and rest[0] == "messages" and self.command == "DELETE":
            if self.server.owner._forget_discord(rest[1]):
                return 204, "", "text/plain"
            return 404, {"message": "Unknown Message", "code": 10008}, json_type
        return 405, {"message": "405: Method Not Allowed", "code": 0}, json_type

    def _send(self, status: int, body: object, content_type: str) -> None:
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if status != 204:
            self.wfile.write(payload)

    def _answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
