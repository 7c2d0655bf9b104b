"""What the platform clients (Mastodon, Bluesky) share: who is signed in, what was posted, what went wrong.

Errors carry a message written for the person using the app: what happened and what to do next. A message
never contains an access token or any other secret; clients redact server text before quoting it.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import requests
import urllib3.exceptions

__all__ = [
    "MAX_RETRY_AFTER",
    "RETRY_DELAYS",
    "TRANSIENT_ERRORS",
    "AuthError",
    "Identity",
    "InvalidServerError",
    "PlatformError",
    "Posted",
    "RejectedError",
    "UnreachableError",
    "request_may_have_arrived",
    "retry_after_seconds",
    "with_retries",
]

log = logging.getLogger(__name__)

# Seconds to wait before the 1st, 2nd, ... retry: five tries in all, about 7.5 seconds of waiting.
RETRY_DELAYS: tuple[float, ...] = (0.5, 1, 2, 4)
# The longest wait a server may ask for (Retry-After) that is still worth waiting through.
MAX_RETRY_AFTER = 30.0

# Exceptions after which trying again may help. ChunkedEncodingError: the answer was cut off midway.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


@dataclass(frozen=True)
class Identity:
    """The account a token speaks for, as the platform reports it."""

    display_name: str
    handle: str  # "@user@host" on Mastodon, "@handle" on Bluesky
    avatar_url: str | None
    followers: int
    profile_url: str | None


@dataclass(frozen=True)
class Posted:
    """A post as the platform stored it."""

    id: str
    url: str | None
    uri: str | None
    created_at: str | None


class PlatformError(Exception):
    """A platform request failed. ``str(error)`` is a message for a person: what happened, what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthError(PlatformError):
    """The server refused the sign-in (HTTP 401/403): the token was revoked or lacks permission."""


class RejectedError(PlatformError):
    """The server refused the request itself (a 4xx such as 422 "too long"). Sending it again will not help."""

    def __init__(self, message: str, *, status: int | None = None, server_text: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.server_text = server_text  # already redacted


class UnreachableError(PlatformError):
    """No usable answer after retrying: connection problems, timeouts, server errors or rate limiting.

    ``maybe_sent`` is True when a write may have reached the server even though no answer came back:
    the outcome is unknown, and the caller must reconcile before sending again.
    """

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


class InvalidServerError(PlatformError, ValueError):
    """The server address the person entered cannot be used."""


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps (requests wraps urllib3, which wraps socket errors), breadth-first."""
    seen: set[int] = set()
    queue: list[BaseException] = [exc]
    while queue and len(seen) < 20:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        queue.extend(arg for arg in current.args if isinstance(arg, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            queue.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                queue.append(linked)


def request_may_have_arrived(exc: BaseException) -> bool:
    """Whether the server may have received (and acted on) a request that failed with ``exc``.

    False only when the connection itself was never made: refused, name not resolved, TLS failure or a
    connect timeout. A read timeout or a connection dropped after sending leaves the outcome unknown.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return False
    return not any(
        isinstance(cause, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError)
        for cause in _causes(exc)
    )


def retry_after_seconds(response: requests.Response, now: datetime | None = None) -> float | None:
    """How long the server asks us to wait: Retry-After (seconds or an HTTP date), else, on a 429,
    Mastodon's X-RateLimit-Reset (an ISO 8601 time, or epoch seconds). None when it does not say."""
    now = now or datetime.now(UTC)
    raw = response.headers.get("Retry-After", "").strip()
    if raw:
        if raw.isdigit():
            return float(raw)
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - now).total_seconds())
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if response.status_code == 429 and reset:
        try:
            reset_at = (
                datetime.fromtimestamp(float(reset), UTC)
                if reset.replace(".", "", 1).isdigit()
                else datetime.fromisoformat(reset.replace("Z", "+00:00"))
            )
        except (ValueError, OverflowError, OSError):
            return None
        if reset_at.tzinfo is None:
            reset_at = reset_at.replace(tzinfo=UTC)
        return max(0.0, (reset_at - now).total_seconds())
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    if isinstance(exc, requests.exceptions.SSLError):
        return "secure connection failed"
    if not request_may_have_arrived(exc):
        return "could not connect"
    return "the connection was dropped"


T = TypeVar("T")


def with_retries(
    call: Callable[[], T],
    delays: Sequence[float] = RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
    *,
    what: str = "the server",
) -> T:
    """Run ``call``, retrying with bounded backoff while the failure may be temporary.

    Retries on connection errors, timeouts, cut-off answers, 5xx and 429 (waiting as long as Retry-After
    asks, if it asks for at most ``MAX_RETRY_AFTER`` seconds; a longer wait ends the retrying at once).
    Never retries another 4xx: such a response, like any 2xx or 3xx, is returned for the caller to judge.
    ``call`` may return something other than a ``requests.Response``; that is returned as it is.

    After ``len(delays)`` retries, raises ``UnreachableError``; its ``maybe_sent`` says whether any
    attempt may have reached the server (a dropped connection after sending, a timeout or a 5xx).
    """
    maybe_sent = False
    problem = "no answer"
    rate_limited = False
    for attempt in range(len(delays) + 1):
        wait: float | None = None
        try:
            result = call()
        except TRANSIENT_ERRORS as exc:
            maybe_sent = maybe_sent or request_may_have_arrived(exc)
            problem = _describe(exc)
            rate_limited = False
        else:
            if not isinstance(result, requests.Response):
                return result
            status = result.status_code
            if status != 429 and status < 500:
                return result
            rate_limited = status == 429
            maybe_sent = maybe_sent or status >= 500
            problem = f"HTTP {status}"
            wait = retry_after_seconds(result)
            result.close()
            if wait is not None and wait > MAX_RETRY_AFTER:
                minutes = max(1, round(wait / 60))
                raise UnreachableError(
                    f"{what} asks to wait about {minutes} minute(s) before the next request ({problem}). "
                    "Try again later.",
                    maybe_sent=maybe_sent,
                )
        if attempt == len(delays):
            break
        delay = wait if wait is not None else delays[attempt]
        log.info("%s: %s; retry %d of %d in %.1f s", what, problem, attempt + 1, len(delays), delay)
        sleep(delay)
    tries = len(delays) + 1
    if rate_limited:
        message = f"{what} is limiting how many requests it accepts ({problem}, {tries} tries). Try again later."
    elif problem.startswith("HTTP"):
        message = f"{what} kept answering with an error ({problem}, {tries} tries). Try again later."
    else:
        message = f"Could not reach {what} ({problem}, {tries} tries). Check the internet connection and try again."
    raise UnreachableError(message, maybe_sent=maybe_sent)
