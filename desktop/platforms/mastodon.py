"""A small Mastodon client API client: sign in (OAuth, out-of-band code), say who is signed in, post exactly once.

Posting exactly once rests on two things. Every try of one post carries the same ``Idempotency-Key``, which
Mastodon (and mastodon-mock) answer with the status it already created for that key. And after a try whose
outcome is unknown (the connection dropped after sending, a timeout, a 5xx), the client first looks for the
text among the account's recent statuses (``find_posted``) and only sends again when it is not there: a
server's idempotency record is written only once the status exists, so a retry racing a slow first try could
otherwise slip through.

The access token is sent only in the Authorization header of API requests to the server itself. It never
appears in ``repr``, in logs or in exception messages.
"""

from __future__ import annotations

import html.parser
import ipaddress
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlencode, urlsplit

import requests

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

__all__ = ["MastodonClient", "normalize_server", "normalize_text", "status_text"]

log = logging.getLogger(__name__)

OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"
# read:statuses as well as the brief's two: reconciliation reads the account's own statuses, which
# Mastodon refuses (403) to a token that carries scopes but not read:statuses.
SCOPES = "read:accounts read:statuses write:statuses"
USER_AGENT = "SecondLook/0.1 (+desktop)"
VISIBILITIES = ("public", "unlisted", "private", "direct")
AVATAR_MAX_BYTES = 2 * 1024 * 1024
# When reconciling, a recent status counts as this post only if it was created after the post was started,
# less this much for the difference between our clock and the server's.
CLOCK_SKEW = timedelta(minutes=2)
_LOOPBACK_NAMES = {"localhost"}


def normalize_server(server: str) -> str:
    """``server`` as a base URL ("https://host[:port]"), or ``InvalidServerError`` saying what is wrong.

    A bare host ("mastodon.social") means https. Plain http is allowed only for loopback (tests, local mocks).
    """
    example = "Enter the server's address, for example https://mastodon.social"
    raw = (server or "").strip()
    if not raw:
        raise InvalidServerError(f"No server address was given. {example}.")
    if "://" not in raw:
        if raw.startswith("@"):
            raise InvalidServerError(f"'{raw}' looks like an account name, not a server address. {example}.")
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        host = parts.hostname
        port = parts.port
    except ValueError:
        raise InvalidServerError(f"'{server.strip()}' is not a server address. {example}.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidServerError(f"'{server.strip()}' is not a server address. {example}.")
    if parts.username or parts.password or parts.query or parts.fragment or parts.path.strip("/"):
        raise InvalidServerError(f"'{server.strip()}' has more than a server address in it. {example}.")
    if not _valid_host(host):
        raise InvalidServerError(f"'{host}' is not a valid server name. {example}.")
    if parts.scheme == "http" and not _is_loopback(host):
        raise InvalidServerError(
            f"'{server.strip()}' uses an unencrypted connection (http). Use https:// instead, for example "
            "https://mastodon.social."
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}"


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


class _TextExtractor(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def status_text(content: str) -> str:
    """The plain text of a status's HTML ``content``: tags dropped, entities decoded, <br> a newline,
    paragraphs separated by a blank line."""
    parser = _TextExtractor()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts).strip()


_REMOTE_MENTION = re.compile(r"(?<![\w@])@(\w+)@[\w.-]*\w(?::\d+)?")


def normalize_text(text: str) -> str:
    """Text reduced to what survives Mastodon's rendering: NFC, whitespace runs as one space, and
    "@user@host" mentions as "@user" (servers display mentions without the host)."""
    text = unicodedata.normalize("NFC", text)
    text = _REMOTE_MENTION.sub(r"@\1", text)
    return " ".join(text.split())


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def download_image(
    session: requests.Session, url: str, dest: Path, *, timeout: float, max_bytes: int = AVATAR_MAX_BYTES
) -> Path | None:
    """Download an avatar image to ``dest`` (at most ``max_bytes``); None if that is not possible.

    Sent without any token: avatars are public and often served from another host. Any platform's
    avatar can be fetched with it (Bluesky's too).
    """
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname or "")):
        return None
    partial = dest.with_name(dest.name + ".part")
    try:
        with session.get(url, headers={"User-Agent": USER_AGENT}, timeout=timeout, stream=True) as response:
            kind = response.headers.get("Content-Type", "")
            length = response.headers.get("Content-Length", "")
            if response.status_code != 200 or not kind.startswith("image/"):
                return None
            if length.isdigit() and int(length) > max_bytes:
                return None
            size = 0
            dest.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as out:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        break
                    out.write(chunk)
        if size > max_bytes or size == 0:
            partial.unlink(missing_ok=True)
            return None
        partial.replace(dest)
        return dest
    except (requests.RequestException, OSError) as error:
        log.info("avatar download failed: %s", type(error).__name__)
        partial.unlink(missing_ok=True)
        return None


class MastodonClient:
    """One Mastodon server, optionally with an account's access token.

    ``sleep`` and ``retry_delays`` exist for tests: backoff without waiting.
    """

    def __init__(
        self,
        server: str,
        token: str | None = None,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.server = normalize_server(server)
        self.host = urlsplit(self.server).netloc
        self._token = token or None
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self.timeout = timeout
        self._sleep = sleep
        self._delays = tuple(retry_delays)
        self._account_id: str | None = None
        self._domain: str | None = None
        self._extra_secrets: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"MastodonClient(server={self.server!r}, signed_in={self._token is not None})"

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def signed_in(self) -> bool:
        return self._token is not None

    # --- OAuth (out-of-band code: the person copies the code from the browser into the app) ---

    def register_app(self, client_name: str = "Second Look", website: str | None = None) -> tuple[str, str]:
        """Register Second Look with the server; returns (client_id, client_secret)."""
        data = {"client_name": client_name, "redirect_uris": OOB_REDIRECT, "scopes": SCOPES}
        if website:
            data["website"] = website
        body = self._json_object(self._call("POST", "/api/v1/apps", data=data, auth=False), "registering the app")
        client_id, client_secret = body.get("client_id"), body.get("client_secret")
        if not isinstance(client_id, str) or not isinstance(client_secret, str) or not client_id or not client_secret:
            raise PlatformError(f"{self.host} did not return app credentials. Check that it is a Mastodon server.")
        return client_id, client_secret

    def authorize_url(self, client_id: str) -> str:
        """The page where the person signs in and approves Second Look; it shows a code to paste back."""
        query = urlencode(
            {"client_id": client_id, "response_type": "code", "redirect_uri": OOB_REDIRECT, "scope": SCOPES}
        )
        return f"{self.server}/oauth/authorize?{query}"

    def exchange_code(self, client_id: str, client_secret: str, code: str) -> str:
        """Trade the pasted authorization code for an access token. The client then uses that token."""
        code = code.strip()
        if not code:
            raise RejectedError("No authorization code was entered. Paste the code the server showed.")
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": OOB_REDIRECT,
            "scope": SCOPES,
        }
        self._extra_secrets = (client_secret, code)
        try:
            response = self._call("POST", "/oauth/token", data=data, auth=False, check=False)
            if response.status_code in (400, 401):
                raise RejectedError(
                    f"{self.host} did not accept the authorization code ({self._server_text(response)}). "
                    "It may have expired or been used already: sign in again to get a new code.",
                    status=response.status_code,
                    server_text=self._server_text(response),
                )
            self._check(response, "signing in")
            token = self._json_object(response, "signing in").get("access_token")
        finally:
            self._extra_secrets = ()
        if not isinstance(token, str) or not token:
            raise PlatformError(f"{self.host} did not return an access token. Try signing in again.")
        self._token = token
        self._account_id = None
        return token

    # --- Account and server ---

    def verify(self) -> Identity:
        """Who the token speaks for. Raises ``AuthError`` if the token is no longer accepted."""
        account = self._json_object(self._call("GET", "/api/v1/accounts/verify_credentials"), "checking the account")
        acct, account_id = account.get("acct"), account.get("id")
        if not isinstance(acct, str) or not acct or account_id is None:
            raise PlatformError(f"{self.host} answered without an account. Check that it is a Mastodon server.")
        self._account_id = str(account_id)
        handle = f"@{acct}" if "@" in acct else f"@{acct}@{self.local_domain()}"
        followers = account.get("followers_count")
        return Identity(
            display_name=_str_or_none(account.get("display_name")) or str(account.get("username") or acct),
            handle=handle,
            avatar_url=_str_or_none(account.get("avatar")),
            followers=followers if isinstance(followers, int) and followers >= 0 else 0,
            profile_url=_str_or_none(account.get("url")),
        )

    def local_domain(self) -> str:
        """The domain in the server's account handles ("@user@domain"). Usually the host of the server
        address, but a server may serve example.social's accounts from mastodon.example.social; the
        instance information says which. Falls back to the address's host."""
        if self._domain is None:
            domain: str | None = None
            try:
                version, instance = self._instance()
                raw = instance.get("domain") if version == 2 else instance.get("uri")
                if isinstance(raw, str) and raw.strip():
                    domain = raw.strip().removeprefix("https://").removeprefix("http://").strip("/").lower()
            except PlatformError as error:
                log.info("%s: instance information unavailable (%s); using the address's host", self.host, error)
            self._domain = domain or self.host
        return self._domain

    def max_characters(self) -> int | None:
        """The longest status the server accepts, or None when it does not say."""
        version, instance = self._instance()
        if version == 1 and isinstance(instance.get("max_toot_chars"), int):
            return int(instance["max_toot_chars"])
        configuration = instance.get("configuration")
        statuses = configuration.get("statuses") if isinstance(configuration, dict) else None
        limit = statuses.get("max_characters") if isinstance(statuses, dict) else None
        return limit if isinstance(limit, int) and limit > 0 else None

    def _instance(self) -> tuple[int, dict[str, Any]]:
        """(2, /api/v2/instance) or, on servers older than Mastodon 4.0, (1, /api/v1/instance)."""
        response = self._call("GET", "/api/v2/instance", auth=False, check=False)
        if response.status_code in (404, 410):
            response.close()
            return 1, self._json_object(self._call("GET", "/api/v1/instance", auth=False), "reading server settings")
        self._check(response, "reading server settings")
        return 2, self._json_object(response, "reading server settings")

    # --- Posting ---

    def post(self, text: str, idempotency_key: str, visibility: str = "public") -> Posted:
        """Publish ``text`` once. Every try sends the same ``idempotency_key``; after a try with an unknown
        outcome, the recent statuses are checked for the text before trying again.

        Raises ``RejectedError`` (e.g. too long: not posted), ``AuthError``, or ``UnreachableError`` whose
        ``maybe_sent`` says whether the post may exist although it could not be confirmed.
        """
        if not text.strip():
            raise RejectedError("The post is empty.")
        if not idempotency_key.strip():
            raise ValueError("idempotency_key must not be empty")
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}, not {visibility!r}")
        started = datetime.now(UTC)
        ambiguous = False

        def attempt() -> requests.Response | Posted:
            nonlocal ambiguous
            if ambiguous:
                found = self._reconcile(text, started)
                if found is not None:
                    log.info("%s: the earlier try had posted it; not sending again", self.host)
                    return found
            try:
                response = self._send(
                    "POST",
                    "/api/v1/statuses",
                    data={"status": text, "visibility": visibility},
                    headers={"Idempotency-Key": idempotency_key},
                )
            except TRANSIENT_ERRORS as exc:
                ambiguous = ambiguous or request_may_have_arrived(exc)
                raise
            if response.status_code >= 500:
                ambiguous = True
            return response

        try:
            result = with_retries(attempt, self._delays, self._sleep, what=self.host)
        except UnreachableError as error:
            found = self._reconcile(text, started) if ambiguous else None
            if found is not None:
                return found
            if ambiguous:
                raise UnreachableError(
                    f"Could not confirm the post on {self.host}: {error.message} It may have been published: "
                    "look at the account before posting it again.",
                    maybe_sent=True,
                ) from None
            raise UnreachableError(f"The post was not sent. {error.message}", maybe_sent=error.maybe_sent) from None
        except requests.RequestException as exc:
            raise PlatformError(f"The post was not sent: {self._describe(exc)}.") from None
        if isinstance(result, Posted):
            return result
        self._check(result, "posting")
        return self._posted(self._json_object(result, "posting"))

    def _reconcile(self, text: str, started: datetime) -> Posted | None:
        """``find_posted`` for one post in progress, in one try; any failure counts as "not found"."""
        try:
            return self.find_posted(text, since=started - CLOCK_SKEW, retry=False)
        except (PlatformError, requests.RequestException) as error:
            log.info("%s: could not check recent statuses (%s)", self.host, type(error).__name__)
            return None

    def recent_statuses(self, limit: int = 20, *, retry: bool = True) -> list[tuple[Posted, str]]:
        """The account's latest statuses (boosts left out), newest first, each with its plain text."""
        account_id = self._own_account_id(retry=retry)
        response = self._call(
            "GET",
            f"/api/v1/accounts/{quote(account_id, safe='')}/statuses",
            params={"limit": max(1, min(limit, 40)), "exclude_reblogs": "true"},
            retry=retry,
        )
        body = self._json(response, "reading recent posts")
        if not isinstance(body, list):
            raise PlatformError(f"{self.host} sent an unexpected answer while reading recent posts.")
        statuses: list[tuple[Posted, str]] = []
        for item in body:
            if isinstance(item, dict) and item.get("id") is not None and not item.get("reblog"):
                content = item.get("content")
                statuses.append((self._posted(item), status_text(content if isinstance(content, str) else "")))
        return statuses

    def find_posted(self, text: str, *, since: datetime | None = None, retry: bool = True) -> Posted | None:
        """The newest recent status whose text is ``text`` (compared after ``normalize_text``), or None.
        With ``since``, only statuses created at or after it count (statuses without a time still count)."""
        wanted = normalize_text(text)
        for posted, plain in self.recent_statuses(retry=retry):
            if normalize_text(plain) != wanted:
                continue
            created = _parse_time(posted.created_at)
            if since is not None and created is not None and created < since:
                continue
            return posted
        return None

    def delete(self, status_id: str) -> None:
        """Delete a status. One that is already gone (404) counts as deleted."""
        if not status_id:
            raise ValueError("status_id must not be empty")
        response = self._call("DELETE", f"/api/v1/statuses/{quote(status_id, safe='')}", check=False)
        if response.status_code == 404:
            response.close()
            return
        self._check(response, "deleting the post")
        response.close()

    def fetch_avatar(self, url: str, dest: Path, *, max_bytes: int = AVATAR_MAX_BYTES) -> Path | None:
        """Download an avatar image to ``dest`` (see :func:`download_image`), on this client's connections."""
        return download_image(self._session, url, dest, timeout=self.timeout, max_bytes=max_bytes)

    # --- HTTP plumbing ---

    def _own_account_id(self, *, retry: bool) -> str:
        if self._account_id is None:
            account = self._json_object(
                self._call("GET", "/api/v1/accounts/verify_credentials", retry=retry), "checking the account"
            )
            if account.get("id") is None:
                raise PlatformError(f"{self.host} answered without an account. Check that it is a Mastodon server.")
            self._account_id = str(account["id"])
        return self._account_id

    def _send(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """One HTTP request, no retries."""
        all_headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
        if auth:
            if self._token is None:
                raise AuthError(f"No account on {self.host} is connected. Connect the account first.")
            all_headers["Authorization"] = f"Bearer {self._token}"
        return self._session.request(
            method, self.server + path, headers=all_headers, timeout=self.timeout, allow_redirects=False, **kwargs
        )

    def _call(
        self, method: str, path: str, *, retry: bool = True, check: bool = True, **kwargs: Any
    ) -> requests.Response:
        """A request with retries (unless ``retry`` is False); with ``check``, a non-2xx answer raises."""
        try:
            if retry:
                response = with_retries(
                    lambda: self._send(method, path, **kwargs), self._delays, self._sleep, what=self.host
                )
            else:
                response = self._send(method, path, **kwargs)
        except UnreachableError:
            raise
        except TRANSIENT_ERRORS as exc:
            raise UnreachableError(
                f"Could not reach {self.host} ({self._describe(exc)}). Check the internet connection and try again.",
                maybe_sent=method != "GET" and request_may_have_arrived(exc),
            ) from None
        except requests.RequestException as exc:
            raise PlatformError(f"The request to {self.host} failed: {self._describe(exc)}.") from None
        if check:
            self._check(response, "the request")
        return response

    def _check(self, response: requests.Response, doing: str) -> None:
        """Raise the error a non-2xx answer means."""
        status = response.status_code
        if 200 <= status < 300:
            return
        text = self._server_text(response)
        response.close()
        if status in (401, 403):
            raise AuthError(
                f"{self.host} did not accept the account's access token (HTTP {status}: {text}). "
                "Access may have been revoked: reconnect the account in Second Look."
            )
        if 300 <= status < 400:
            raise PlatformError(
                f"{self.host} redirected the request elsewhere (HTTP {status}) while {doing}. Check the server address."
            )
        if 400 <= status < 500:
            raise RejectedError(
                f"{self.host} refused this while {doing} (HTTP {status}: {text}). Sending it again will not help; "
                "change it first.",
                status=status,
                server_text=text,
            )
        raise UnreachableError(
            f"{self.host} had a problem while {doing} (HTTP {status}). Try again later.", maybe_sent=status >= 500
        )

    def _server_text(self, response: requests.Response) -> str:
        """The server's own explanation from an error answer, redacted and shortened."""
        text = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            parts = [body.get("error"), body.get("error_description")]
            text = " ".join(part for part in parts if isinstance(part, str) and part)
        if not text:
            kind = response.headers.get("Content-Type", "")
            text = response.text if kind.startswith("text/plain") else (response.reason or "no explanation")
        return self._redact(" ".join(text.split()))[:300]

    def _redact(self, text: str) -> str:
        for secret in (self._token, *self._extra_secrets):
            if secret:
                text = text.replace(secret, "[redacted]")
        return re.sub(r"(?i)bearer\s+\S+", "Bearer [redacted]", text)

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, requests.Timeout):
            return "no answer in time"
        if isinstance(exc, requests.exceptions.SSLError):
            return "the secure connection failed"
        if isinstance(exc, requests.ConnectionError):
            return "the connection failed" if not request_may_have_arrived(exc) else "the connection was dropped"
        return type(exc).__name__

    def _json(self, response: requests.Response, doing: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise PlatformError(
                f"{self.host} sent an answer that is not JSON while {doing}. Check that it is a Mastodon server."
            ) from None

    def _json_object(self, response: requests.Response, doing: str) -> dict[str, Any]:
        body = self._json(response, doing)
        if not isinstance(body, dict):
            raise PlatformError(f"{self.host} sent an unexpected answer while {doing}.")
        return body

    def _posted(self, status: Mapping[str, Any]) -> Posted:
        if status.get("id") is None:
            raise PlatformError(f"{self.host} answered without a post id. The post may not have been published.")
        return Posted(
            id=str(status["id"]),
            url=_str_or_none(status.get("url")),
            uri=_str_or_none(status.get("uri")),
            created_at=_str_or_none(status.get("created_at")),
        )
