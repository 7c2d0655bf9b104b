"""Bluesky over the AT Protocol's XRPC API: sign in with an app password, check who is signed in, post
exactly once.

Exactly once: the client chooses each post's record key (a TID, :meth:`BlueskyClient.new_record_key`)
before sending, and the app stores it with the post. A retry after a dropped connection, a timeout or a
5xx sends the same key, and first asks the server whether a record under that key already exists; so
does a call after a crash (:meth:`BlueskyClient.post` with the stored key, or
:meth:`BlueskyClient.find_posted`). The server cannot hold two records under one key, so however often
the post is sent, it exists at most once.

Sessions: ``login`` trades the handle and app password for an access token and a refresh token; the app
password is not kept. An expired access token is refreshed once, automatically, and the request sent
again; ``on_session_changed`` gets every new pair so the app can keep the refresh token in the keyring.

Nothing here puts a password or token in an exception message, a repr or a log line.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final, Self, TypeVar, cast
from urllib.parse import quote, urlsplit

import regex
import requests

from checks.platform import measure
from desktop.platforms import (
    RETRY_DELAYS,
    TRANSIENT_ERRORS,
    AuthError,
    Identity,
    InvalidServerError,
    PlatformError,
    Posted,
    RejectedError,
    UnreachableError,
    request_may_have_arrived,
    with_retries,
)
from desktop.platforms.facets import facets

__all__ = [
    "DEFAULT_SERVICE",
    "POST_COLLECTION",
    "BlueskyClient",
    "SessionTokens",
    "is_tid",
    "tid",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_SERVICE: Final = "https://bsky.social"
POST_COLLECTION: Final = "app.bsky.feed.post"
PROFILE_COLLECTION: Final = "app.bsky.actor.profile"
WEB_APP: Final = "https://bsky.app"
USER_AGENT: Final = "SecondLook/0.1 (+desktop)"

# Errors (the XRPC "error" field) that mean the sign-in itself is no longer good.
_AUTH_ERRORS: Final = frozenset(
    {"AuthenticationRequired", "InvalidToken", "ExpiredToken", "AccountTakedown", "AuthMissing", "AuthRequired"}
)
_JWT: Final = regex.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
_APP_PASSWORD: Final = regex.compile(r"\b[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}\b", regex.IGNORECASE)

# --- record keys (TIDs) ---

_BASE32_SORTABLE: Final = "234567abcdefghijklmnopqrstuvwxyz"
_TID: Final = regex.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
_CLOCK_ID: Final = secrets.randbelow(1024)


def tid(micros: int, clock_id: int) -> str:
    """The TID for ``micros`` microseconds since 1970 and a 10-bit clock id: 13 base32-sortable characters
    (atproto's record-key timestamp format), so later TIDs sort after earlier ones as text."""
    if not 0 <= micros < 1 << 53 or not 0 <= clock_id < 1 << 10:
        raise ValueError("a TID holds a 53-bit timestamp and a 10-bit clock id")
    value = micros << 10 | clock_id
    return "".join(_BASE32_SORTABLE[(value >> shift) & 31] for shift in range(60, -1, -5))


def is_tid(text: str) -> bool:
    return _TID.fullmatch(text) is not None


class _TidClock:
    """Makes TIDs for now, each strictly after every other this process made, whatever the clock does."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self, now_micros: Callable[[], int]) -> str:
        with self._lock:
            self._last = max(now_micros(), self._last + 1)
            return tid(self._last, _CLOCK_ID)


_TIDS: Final = _TidClock()


# --- sessions ---


@dataclass(frozen=True)
class SessionTokens:
    """A signed-in session. The tokens are secrets: they never appear in the repr."""

    access_jwt: str = field(repr=False)
    refresh_jwt: str = field(repr=False)
    did: str
    handle: str


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _PostState:
    """What the attempts at one post learned: whether any of them may have reached the server."""

    def __init__(self) -> None:
        self.maybe_sent = False


class BlueskyClient:
    """One Bluesky account on one service (its PDS, or ``https://bsky.social``).

    Every method that talks to the server retries temporary failures (``RETRY_DELAYS``) and raises a
    ``PlatformError`` subclass with a message for the person: ``AuthError`` (sign in again),
    ``RejectedError`` (the server refused: sending again will not help) or ``UnreachableError`` (no answer;
    ``maybe_sent`` says whether a post may have gone out anyway).
    """

    def __init__(
        self,
        service: str = DEFAULT_SERVICE,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        delays: Sequence[float] = RETRY_DELAYS,
        on_session_changed: Callable[[SessionTokens], None] | None = None,
        clock: Callable[[], int] | None = None,
    ) -> None:
        self.service = _check_service(service)
        self._http = session if session is not None else requests.Session()
        self._owns_http = session is None
        self._timeout = timeout
        self._sleep = sleep
        self._delays = tuple(delays)
        self.on_session_changed = on_session_changed
        self._now_micros = clock or (lambda: time.time_ns() // 1000)
        self._lock = threading.RLock()
        self._tokens: SessionTokens | None = None
        self._secrets: set[str] = set()  # everything to blank out of server text quoted in messages

    def __repr__(self) -> str:
        tokens = self._tokens
        who = f"@{tokens.handle}" if tokens else "signed out"
        return f"BlueskyClient({self.service!r}, {who})"

    def close(self) -> None:
        """Close the HTTP connections, unless the session was handed in by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- sessions ---

    @property
    def tokens(self) -> SessionTokens | None:
        """The current session, or None before ``login`` / ``use_session``."""
        return self._tokens

    def use_session(self, tokens: SessionTokens) -> None:
        """Continue a session stored earlier (for example the refresh token from the keyring)."""
        with self._lock:
            self._tokens = tokens
            self._secrets |= {tokens.access_jwt, tokens.refresh_jwt}

    def login(self, identifier: str, app_password: str) -> SessionTokens:
        """Sign in with a handle (or email, or DID) and an app password (com.atproto.server.createSession)."""
        identifier = identifier.strip().removeprefix("@")
        self._secrets.add(app_password)
        try:
            response = self._with_retries(
                lambda: self._request(
                    "POST",
                    "com.atproto.server.createSession",
                    body={"identifier": identifier, "password": app_password},
                    auth=False,
                )
            )
            name = _error_name(response)
            if name == "AccountTakedown":
                raise AuthError("Bluesky has suspended this account, so Second Look cannot post for it.")
            if name == "AuthFactorTokenRequired":
                raise AuthError(
                    "This Bluesky account asks for an email code at sign-in. Sign in with an app password "
                    "instead (Bluesky: Settings → Privacy and security → App passwords)."
                )
            if response.status_code in (400, 401):
                raise AuthError(
                    f"Bluesky did not accept the handle '{identifier}' with this app password. Check both; "
                    "you can make a new app password in Bluesky under Settings → Privacy and security → "
                    "App passwords."
                )
            data = self._check(response, action="sign in")
        finally:
            self._secrets.discard(app_password)
        tokens = _tokens_from(data)
        self._set_tokens(tokens)
        return tokens

    def refresh(self, refresh_jwt: str | None = None) -> SessionTokens:
        """Trade the refresh token (the current session's, or ``refresh_jwt``) for a new session
        (com.atproto.server.refreshSession)."""
        token = refresh_jwt or self._require_tokens().refresh_jwt
        self._secrets.add(token)
        return self._with_retries(lambda: self._refresh_once(token))

    def _refresh_once(self, refresh_jwt: str) -> SessionTokens:
        """One refresh request; a 5xx or 429 is raised as _TemporaryAnswerError for the retry loop."""
        response = self._send("POST", "com.atproto.server.refreshSession", None, None, refresh_jwt)
        if response.status_code >= 500 or response.status_code == 429:
            raise _TemporaryAnswerError(response)
        if response.status_code in (400, 401) or _error_name(response) in _AUTH_ERRORS:
            raise AuthError(
                "Bluesky ended this sign-in (it expired or the app password was revoked). "
                "Sign in again with an app password."
            )
        tokens = _tokens_from(self._json(response))
        self._set_tokens(tokens)
        return tokens

    def _set_tokens(self, tokens: SessionTokens) -> None:
        self.use_session(tokens)
        callback = self.on_session_changed
        if callback is not None:
            try:
                callback(tokens)
            except Exception as exc:  # storing the tokens must not lose the post being sent
                log.warning("Bluesky: saving the new session failed (%s)", type(exc).__name__)

    def _require_tokens(self) -> SessionTokens:
        tokens = self._tokens
        if tokens is None:
            raise AuthError("Not signed in to Bluesky. Sign in with your handle and an app password.")
        return tokens

    # --- who is signed in ---

    def verify(self) -> Identity:
        """Who the session speaks for: com.atproto.server.getSession, then app.bsky.actor.getProfile.

        A PDS without an AppView cannot answer getProfile; then the profile record itself is read
        (com.atproto.repo.getRecord app.bsky.actor.profile/self), and the follower count is 0 (unknown).
        """
        session = self._check(self._with_retries(lambda: self._request("GET", "com.atproto.server.getSession")))
        did = str(session.get("did") or "")
        handle = str(session.get("handle") or "")
        if not did or not handle:
            raise PlatformError("Bluesky's answer about the signed-in account was incomplete. Try again later.")
        tokens = self._require_tokens()
        if tokens.handle != handle or tokens.did != did:
            self._set_tokens(SessionTokens(tokens.access_jwt, tokens.refresh_jwt, did, handle))
        try:
            response = self._with_retries(
                lambda: self._request("GET", "app.bsky.actor.getProfile", params={"actor": did})
            )
        except UnreachableError:
            response = None
        if response is not None and response.ok:
            profile = self._json(response)
            avatar = profile.get("avatar")
            return Identity(
                display_name=str(profile.get("displayName") or "").strip() or handle,
                handle=f"@{profile.get('handle') or handle}",
                avatar_url=str(avatar) if avatar else None,
                followers=int(profile.get("followersCount") or 0),
                profile_url=f"{WEB_APP}/profile/{handle}",
            )
        if response is not None and (response.status_code == 401 or _error_name(response) in _AUTH_ERRORS):
            self._check(response)  # raises AuthError
        log.info("Bluesky: no profile view on %s; reading the profile record", self.service)
        record = self._get_record(did, PROFILE_COLLECTION, "self")
        value: dict[str, Any] = record.get("value", {}) if record else {}
        return Identity(
            display_name=str(value.get("displayName") or "").strip() or handle,
            handle=f"@{handle}",
            avatar_url=self._blob_url(did, value.get("avatar")),
            followers=0,
            profile_url=f"{WEB_APP}/profile/{handle}",
        )

    def _blob_url(self, did: str, blob: object) -> str | None:
        if not isinstance(blob, dict):
            return None
        ref = blob.get("ref")
        cid = ref.get("$link") if isinstance(ref, dict) else blob.get("cid")
        if not isinstance(cid, str) or not cid:
            return None
        return f"{self.service}/xrpc/com.atproto.sync.getBlob?did={quote(did)}&cid={quote(cid)}"

    def resolve_handle(self, handle: str) -> str | None:
        """The DID of ``handle`` (com.atproto.identity.resolveHandle), or None when it does not resolve."""
        response = self._with_retries(
            lambda: self._request(
                "GET", "com.atproto.identity.resolveHandle", params={"handle": handle.removeprefix("@")}, auth=False
            )
        )
        if not response.ok:  # 4xx: unknown or invalid handle (with_retries answers 5xx and 429 itself)
            return None
        did = self._json(response).get("did")
        return did if isinstance(did, str) and did.startswith("did:") else None

    # --- posts ---

    def new_record_key(self) -> str:
        """A fresh record key (TID) for the next post. Store it with the post before calling ``post``."""
        return _TIDS.next(self._now_micros)

    def post(
        self, text: str, rkey: str, *, langs: Iterable[str] | None = None, created_at: str | None = None
    ) -> Posted:
        """Publish ``text`` under record key ``rkey`` (com.atproto.repo.createRecord), at most once.

        Links, mentions (resolved to DIDs) and hashtags become facets. If a post already exists under
        ``rkey`` (an earlier attempt got through), that post is returned and nothing new is created; if a
        different text already holds the key, ``RejectedError``.
        """
        if not is_tid(rkey):
            raise ValueError(f"not a record key from new_record_key(): {rkey!r}")
        tokens = self._require_tokens()
        record: dict[str, Any] = {"$type": POST_COLLECTION, "text": text, "createdAt": created_at or _now_iso()}
        try:
            found = facets(text, self.resolve_handle)
        except UnreachableError as error:  # nothing was posted: only a handle lookup failed
            raise UnreachableError(
                f"{error.message} (while looking up the people mentioned; the post was not sent)", maybe_sent=False
            ) from None
        if found:
            record["facets"] = found
        if langs:
            record["langs"] = list(langs)
        body = {"repo": tokens.did, "collection": POST_COLLECTION, "rkey": rkey, "record": record}
        state = _PostState()

        def attempt() -> requests.Response | Posted:
            if state.maybe_sent:  # an earlier attempt may have created it: look before sending again
                existing = self._lookup(rkey, text)
                if existing is not None:
                    return existing
            try:
                response = self._request("POST", "com.atproto.repo.createRecord", body=body)
            except TRANSIENT_ERRORS as exc:
                state.maybe_sent = state.maybe_sent or request_may_have_arrived(exc)
                raise
            if response.status_code >= 500 or _is_conflict(response):
                # Also what a PDS answers when the key is taken: the post may be there already.
                state.maybe_sent = True
                existing = self._lookup(rkey, text)
                if existing is not None:
                    response.close()
                    return existing
            return response

        try:
            result = self._with_retries(attempt)
        except UnreachableError as error:
            maybe_sent = error.maybe_sent or state.maybe_sent
            if maybe_sent:
                message = (
                    f"{error.message} The post may have been published anyway; Second Look checks Bluesky "
                    "for it before sending it again."
                )
            else:
                message = f"{error.message} The post was not published."
            raise UnreachableError(message, maybe_sent=maybe_sent) from None
        if isinstance(result, Posted):
            return result
        if result.status_code == 400 and _is_too_long(result):
            length = measure(text, "bluesky")  # the composer's counter: the same count, the same limit
            raise RejectedError(
                f"Bluesky allows {length.limit} graphemes (characters as you see them); this post has "
                f"{length.used}. Shorten it and try again.",
                status=400,
                server_text=self._server_text(result),
            )
        data = self._check(result, action="publish the post")
        uri = str(data.get("uri") or f"at://{tokens.did}/{POST_COLLECTION}/{rkey}")
        return self._posted(rkey, uri, str(record["createdAt"]))

    def find_posted(self, rkey: str) -> Posted | None:
        """The post stored under ``rkey``, or None if there is none (com.atproto.repo.getRecord).

        For reconciling after a crash: a post that was being sent is either here or not sent at all.
        """
        tokens = self._require_tokens()
        record = self._get_record(tokens.did, POST_COLLECTION, rkey)
        if record is None:
            return None
        value = record.get("value", {})
        created = value.get("createdAt") if isinstance(value, dict) else None
        return self._posted(rkey, str(record.get("uri") or ""), str(created) if created else None)

    def delete(self, rkey: str) -> None:
        """Delete the post under ``rkey`` (com.atproto.repo.deleteRecord). Deleting a missing post is fine."""
        tokens = self._require_tokens()
        body = {"repo": tokens.did, "collection": POST_COLLECTION, "rkey": rkey}
        self._check(
            self._with_retries(lambda: self._request("POST", "com.atproto.repo.deleteRecord", body=body)),
            action="delete the post",
        )

    def _posted(self, rkey: str, uri: str, created_at: str | None) -> Posted:
        tokens = self._require_tokens()
        return Posted(
            id=rkey,
            url=f"{WEB_APP}/profile/{tokens.handle}/post/{rkey}",
            uri=uri or f"at://{tokens.did}/{POST_COLLECTION}/{rkey}",
            created_at=created_at,
        )

    def _lookup(self, rkey: str, text: str) -> Posted | None:
        """One look for the post under ``rkey``: the Posted if it is there with ``text``, else None (not
        there, or the server could not say). Sending again after None is safe: the key cannot be taken twice.
        """
        tokens = self._require_tokens()
        response = self._request(
            "GET",
            "com.atproto.repo.getRecord",
            params={"repo": tokens.did, "collection": POST_COLLECTION, "rkey": rkey},
        )
        if not response.ok:
            response.close()
            return None
        record = self._json(response)
        value = record.get("value")
        if not isinstance(value, dict) or value.get("text") != text:
            raise RejectedError(
                f"Another post already uses the record key {rkey}; this one was not published. Send it as a new post."
            )
        created = value.get("createdAt")
        return self._posted(rkey, str(record.get("uri") or ""), str(created) if created else None)

    def _get_record(self, repo: str, collection: str, rkey: str) -> dict[str, Any] | None:
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        response = self._with_retries(lambda: self._request("GET", "com.atproto.repo.getRecord", params=params))
        if _error_name(response) == "RecordNotFound" or response.status_code == 404:
            return None
        return self._check(response)

    # --- HTTP ---

    def _with_retries(self, call: Callable[[], T]) -> T:
        """``with_retries`` for this client: Bluesky's retry delays and sleep, and every requests failure
        (not only the temporary ones) turned into ``UnreachableError``."""

        def guarded() -> T | requests.Response:
            try:
                return call()
            except _TemporaryAnswerError as answer:  # a 5xx or 429 met inside a call that returns something else
                return answer.response

        try:
            result = with_retries(guarded, self._delays, self._sleep, what="Bluesky")
        except requests.RequestException as exc:  # an invalid URL, too many redirects, ...
            raise UnreachableError(
                f"Could not talk to Bluesky at {self.service} ({type(exc).__name__}).",
                maybe_sent=request_may_have_arrived(exc),
            ) from None
        # with_retries hands back a response only below 500 and not 429: never a _TemporaryAnswerError's.
        return cast(T, result)

    def _request(
        self,
        method: str,
        nsid: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> requests.Response:
        """One XRPC request. With ``auth`` it carries the session's access token, and an ExpiredToken
        answer refreshes the session once and sends the request again."""
        access = self._require_tokens().access_jwt if auth else None
        response = self._send(method, nsid, params, body, access)
        if access is not None and _error_name(response) == "ExpiredToken":
            response.close()
            with self._lock:
                current = self._require_tokens()
                if current.access_jwt == access:  # nobody refreshed it meanwhile
                    log.info("Bluesky: access token expired; refreshing the session")
                    current = self._refresh_once(current.refresh_jwt)
            response = self._send(method, nsid, params, body, current.access_jwt)
        return response

    def _send(
        self,
        method: str,
        nsid: str,
        params: dict[str, str] | None,
        body: dict[str, Any] | None,
        bearer: str | None,
    ) -> requests.Response:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        return self._http.request(
            method, f"{self.service}/xrpc/{nsid}", params=params, json=body, headers=headers, timeout=self._timeout
        )

    def _json(self, response: requests.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise PlatformError(
                f"Bluesky sent an answer Second Look cannot read (HTTP {response.status_code}). Try again later."
            )
        return data

    def _server_text(self, response: requests.Response) -> str:
        try:
            data = response.json()
        except ValueError:
            data = None
        text = str(data.get("message") or data.get("error") or "") if isinstance(data, dict) else response.text
        return self._redact(text)

    def _redact(self, text: str) -> str:
        for secret in self._secrets | _token_set(self._tokens):
            if secret:
                text = text.replace(secret, "[hidden]")
        text = _JWT.sub("[hidden]", text)
        text = _APP_PASSWORD.sub("[hidden]", text)
        return text[:300]

    def _check(self, response: requests.Response, *, action: str = "do that") -> dict[str, Any]:
        """The JSON of a 2xx answer; otherwise the matching PlatformError."""
        if response.ok:
            return self._json(response)
        status = response.status_code
        name = _error_name(response)
        said = self._server_text(response)
        if status in (401, 403) or name in _AUTH_ERRORS:
            raise AuthError(
                f"Bluesky refused the sign-in (HTTP {status}{': ' + said if said else ''}). "
                "Sign in again with an app password."
            )
        if 400 <= status < 500:
            raise RejectedError(
                f"Bluesky refused to {action} (HTTP {status}{': ' + said if said else ''}).",
                status=status,
                server_text=said,
            )
        raise PlatformError(f"Bluesky sent an unexpected answer (HTTP {status}). Try again later.")


class _TemporaryAnswerError(Exception):
    """A 5xx or 429 met inside a call that returns something other than the response."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _check_service(service: str) -> str:
    service = service.strip().rstrip("/")
    if "://" not in service:
        service = "https://" + service
    parts = urlsplit(service)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme not in ("https", "http") or not parts.hostname or (parts.scheme == "http" and not loopback):
        raise InvalidServerError(
            f"'{service}' is not a Bluesky server address. Use https://bsky.social or your PDS's https:// address."
        )
    if parts.query or parts.fragment:
        raise InvalidServerError(f"'{service}' is not a Bluesky server address: leave out '?' and '#'.")
    return service


def _token_set(tokens: SessionTokens | None) -> set[str]:
    return {tokens.access_jwt, tokens.refresh_jwt} if tokens else set()


def _tokens_from(data: dict[str, Any]) -> SessionTokens:
    try:
        return SessionTokens(
            access_jwt=str(data["accessJwt"]),
            refresh_jwt=str(data["refreshJwt"]),
            did=str(data["did"]),
            handle=str(data["handle"]),
        )
    except KeyError:
        raise PlatformError("Bluesky's sign-in answer was incomplete. Try again later.") from None


def _error_name(response: requests.Response) -> str | None:
    if response.ok or "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    name = data.get("error") if isinstance(data, dict) else None
    return name if isinstance(name, str) else None


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return message if isinstance(message, str) else ""


def _is_conflict(response: requests.Response) -> bool:
    if response.status_code == 409:
        return True
    if response.status_code != 400:
        return False
    message = _message(response).lower()
    return "already exists" in message or _error_name(response) in ("RecordAlreadyExists", "InvalidSwap")


def _is_too_long(response: requests.Response) -> bool:
    message = _message(response).lower()
    return "grapheme" in message or ("text" in message and ("too long" in message or "longer than" in message))
