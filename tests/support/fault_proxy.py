"""A loopback HTTP proxy that forwards to one upstream server and misbehaves on request.

Faults apply to the next ``times`` requests whose method matches and whose path starts with a prefix:

* a status code such as ``"500"`` or ``"404"``: answer it without forwarding (the server never sees the
  request); ``"429"`` comes with ``Retry-After: <retry_after>``;
* ``"drop_after_forward"``: forward, let the upstream answer, then close the client's connection without
  a word (the server acted, the client never hears);
* ``"timeout"``: forward, then hold the client's connection unanswered until the client gives up (closes
  it), the proxy stops, or ``hold_seconds`` pass; then close it without answering.

    with FaultProxy("http://127.0.0.1:3000") as proxy:
        proxy.inject("POST", "/api/v1/statuses", "drop_after_forward", times=1)
        client = MastodonClient(proxy.url, token)

Every request is recorded in ``proxy.requests`` (method, path, Idempotency-Key, the fault applied).
"""

from __future__ import annotations

import http.client
import http.server
import json
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

Fault = str  # "drop_after_forward", "timeout", or an HTTP status code to answer with ("500", "429", "404", ...)
BEHAVIOURS = ("drop_after_forward", "timeout")

# Headers that describe one connection, not the message: never passed through.
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
# Set by this proxy's own answer; the upstream's copies are dropped rather than sent twice.
_OWN = {"server", "date"}


@dataclass
class _Rule:
    method: str
    prefix: str
    fault: Fault
    remaining: int
    retry_after: int


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    idempotency_key: str | None
    fault: Fault | None


class FaultProxy:
    def __init__(self, upstream: str, *, hold_seconds: float = 30.0, upstream_timeout: float = 30.0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, not {upstream!r}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.hold_seconds = hold_seconds
        self.upstream_timeout = upstream_timeout
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._rewrites: list[tuple[str, str, Callable[[Any], Any]]] = []
        self._requests: list[Recorded] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- control ---

    def inject(self, method: str, path_prefix: str, fault: Fault, *, times: int = 1, retry_after: int = 1) -> None:
        """Apply ``fault`` to the next ``times`` requests matching ``method`` and ``path_prefix``."""
        if fault not in BEHAVIOURS and not (fault.isdigit() and 400 <= int(fault) <= 599):
            raise ValueError(f"unknown fault {fault!r}: one of {BEHAVIOURS} or a 4xx/5xx status code")
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._rules.append(_Rule(method.upper(), path_prefix, fault, times, retry_after))

    def rewrite_json(self, method: str, path_prefix: str, change: Callable[[Any], Any]) -> None:
        """Pass successful JSON answers to matching requests through ``change`` (a server with other settings)."""
        with self._lock:
            self._rewrites.append((method.upper(), path_prefix, change))

    def _rewrite(self, method: str, path: str, status: int, payload: bytes) -> bytes:
        with self._lock:
            changes = [c for m, prefix, c in self._rewrites if m == method and path.startswith(prefix)]
        if not changes or status != 200:
            return payload
        data = json.loads(payload)
        for change in changes:
            data = change(data)
        return json.dumps(data).encode()

    def pending(self) -> int:
        """How many injected faults have not fired yet."""
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._rewrites.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _take(self, method: str, path: str, key: str | None) -> _Rule | None:
        """The fault for this request, if any (consuming one use), recording the request."""
        with self._lock:
            chosen: _Rule | None = None
            for rule in self._rules:
                if rule.method == method and path.startswith(rule.prefix) and rule.remaining > 0:
                    rule.remaining -= 1
                    chosen = rule
                    break
            self._rules = [rule for rule in self._rules if rule.remaining > 0]
            self._requests.append(Recorded(method, path, key, chosen.fault if chosen else None))
            return chosen

    # --- lifecycle ---

    def start(self) -> Self:
        server = _Server(("127.0.0.1", 0), _ProxyHandler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-proxy", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()  # joins the handler threads
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # and block_on_close (the default) still joins them in server_close
    owner: FaultProxy


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # but every answer closes its connection

    def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows stderr on failure only
        pass

    def _handle(self) -> None:
        self.close_connection = True
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path_only = self.path.split("?", 1)[0]
        rule = self.server.owner._take(self.command, path_only, self.headers.get("Idempotency-Key"))
        if rule is not None and rule.fault.isdigit():
            extra = {"Retry-After": str(rule.retry_after)} if rule.fault == "429" else {}
            self._answer(int(rule.fault), {"error": f"injected fault {rule.fault}"}, extra)
            return
        status, reason, headers, payload = self._forward(body)
        payload = self.server.owner._rewrite(self.command, path_only, status, payload)
        if rule is not None and rule.fault == "drop_after_forward":
            return  # the server acted; the client hears nothing
        if rule is not None and rule.fault == "timeout":
            self._hold()
            return
        self.send_response(status, reason)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP | _OWN:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle  # noqa: N815

    def _forward(self, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        owner = self.server.owner
        conn = http.client.HTTPConnection(owner.upstream_host, owner.upstream_port, timeout=owner.upstream_timeout)
        try:
            headers = {name: value for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP}
            headers["Host"] = f"{owner.upstream_host}:{owner.upstream_port}"
            headers["Content-Length"] = str(len(body))
            headers["Connection"] = "close"
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            return response.status, response.reason, response.getheaders(), payload
        finally:
            conn.close()

    def _hold(self) -> None:
        """Keep the connection open and silent until the client closes it, the proxy stops, or time is up."""
        deadline = time.monotonic() + self.server.owner.hold_seconds
        while time.monotonic() < deadline and not self.server.owner._stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return  # the client gave up and closed its end
                except OSError:
                    return
                self.server.owner._stopping.wait(0.05)  # it sent more instead: keep holding, without spinning

    def _answer(self, status: int, body: object, headers: dict[str, str]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
