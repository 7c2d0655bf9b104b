"""Post to a team channel (Slack, Microsoft Teams Workflows, Discord, GroupMe) through its incoming webhook.

A webhook address is itself the credential: whoever has it can post to the channel. So the address, and any
part of it that carries the secret (a token path segment, a GroupMe bot id, a Teams signature), never
appears in ``repr``, in logs or in exception messages. Messages describe the webhook by kind and host only
("the Slack webhook at hooks.slack.com"), and server text quoted in them is shortened and redacted.

Posting is AT MOST ONCE. Team channels have no idempotency key and cannot be asked whether a message
arrived, so a message is sent again only when the earlier try certainly did not reach the server (the
connection was never made) or the server refused it outright (429, too many requests). After a timeout, a
connection dropped after sending or a 5xx, the outcome is unknown: ``UnreachableError(maybe_sent=True)``
asks the person to look in the channel before sending again. A duplicate in a team channel is worse than a
message the person re-sends by hand.

Only Discord can say who a webhook is (``verify``) and delete a message it posted; for the other kinds
``verify`` checks nothing beyond the address's shape.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

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
from desktop.platforms.mastodon import _is_loopback
from desktop.records import WEBHOOK_KINDS

__all__ = ["KINDS", "MAX_CHARACTERS", "WebhookClient", "detect_kind", "normalize_webhook"]

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("slack", "teams", "discord", "groupme")
if set(KINDS) != set(WEBHOOK_KINDS):
    raise ImportError("webhook.KINDS must match desktop.records.WEBHOOK_KINDS")

USER_AGENT = "SecondLook/0.1 (+desktop)"
GROUPME_POST_URL = "https://api.groupme.com/v3/bots/post"

# The longest message each kind takes, in characters (len() of the text). Checked before sending so a
# refusal never leaves the outcome unknown. Approximate where the platform counts differently:
# Discord counts characters of "content" (2000); GroupMe refuses bot messages over 1000 characters;
# Slack truncates "text" beyond 40,000 characters; Teams limits the whole request to about 28 KB, so
# 28,000 characters is an upper bound that holds for plain ASCII only (the card's JSON and multi-byte
# characters take more room, and the server may still refuse a message somewhat shorter than this).
MAX_CHARACTERS: Mapping[str, int] = {"slack": 40_000, "teams": 28_000, "discord": 2_000, "groupme": 1_000}

# How each kind's address is named in messages ("the Slack webhook at hooks.slack.com").
_NOUN = {"slack": "Slack webhook", "teams": "Teams workflow", "discord": "Discord webhook", "groupme": "GroupMe bot"}
# The platform's own name, for sentences ("Slack refused ...").
_PLATFORM = {"slack": "Slack", "teams": "Teams", "discord": "Discord", "groupme": "GroupMe"}
# Where to get a good address, for messages about one that does not fit.
_WHERE = {
    "slack": "Copy the webhook address again from Slack; it starts with https://hooks.slack.com/services/",
    "teams": "Copy the HTTP POST address again from the Teams workflow (Workflows app); it is on "
    "…logic.azure.com or …powerautomate.com",
    "discord": "Copy the webhook address again from Discord (channel settings, Integrations); it starts with "
    "https://discord.com/api/webhooks/",
    "groupme": "Enter the bot id from dev.groupme.com, or the bot's address "
    "https://api.groupme.com/v3/bots/post?bot_id=…",
}

_DISCORD_HOSTS = {"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}
_TEAMS_SUFFIXES = (".logic.azure.com", ".powerautomate.com", ".webhook.office.com", ".api.powerplatform.com")
_DISCORD_UNKNOWN_WEBHOOK = 10015  # Discord's error code for a deleted webhook (10008 is a message already gone)
_DISCORD_PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/\d+/[\w-]+/?$")
_BOT_ID = re.compile(r"^[A-Za-z0-9]+$")
# Path segments and query keys that name an endpoint rather than carry a secret; everything else is redacted.
_PUBLIC_PARTS = {
    "",
    "api",
    "v1",
    "v2",
    "v3",
    "v10",
    "webhooks",
    "services",
    "triggers",
    "workflows",
    "manual",
    "paths",
    "invoke",
    "bots",
    "post",
    "messages",
    "slack",
    "teams",
    "discord",
    "groupme",
    "powerautomate",
    "automations",
    "direct",
    "run",
    "webhookb2",
    "incomingwebhook",
    "api-version",
    "sp",
    "sv",
    "2016-06-01",
    "1.0",
    # Teams' "sp" value, as sent and as decoded
    "%2Ftriggers%2Fmanual%2Frun",
    "/triggers/manual/run",
}
_REDACTED = "[secret]"
_MAX_SERVER_TEXT = 200


def _host_kind(host: str) -> str | None:
    """The kind whose webhooks live on ``host`` (lower case), or None."""
    if host == "hooks.slack.com":
        return "slack"
    if host in _DISCORD_HOSTS:
        return "discord"
    if any(host.endswith(suffix) for suffix in _TEAMS_SUFFIXES):
        return "teams"
    if host == "api.groupme.com":
        return "groupme"
    return None


def detect_kind(url: str) -> str | None:
    """The kind of webhook an address belongs to, judged by its host (and Discord's path), or None."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    kind = _host_kind(host)
    if kind == "discord" and not re.match(r"^/api(?:/v\d+)?/webhooks/", parts.path):
        return None
    return kind


def normalize_webhook(kind: str, secret: str) -> str:
    """The address to post to for a ``kind`` webhook, or ``InvalidServerError`` saying what is wrong.

    https is required except on loopback hosts (tests, local mocks). For GroupMe, ``secret`` may be a bare
    bot id; the normalized form is then ``https://api.groupme.com/v3/bots/post?bot_id=ID`` (the client moves
    the bot id into the JSON body when posting). No message ever quotes ``secret``: the address is the
    credential, so it is described by kind and host only.
    """
    if kind not in KINDS:
        names = ", ".join(WEBHOOK_KINDS[known] for known in KINDS)
        raise InvalidServerError(f"That is not a kind of team channel Second Look can post to ({names}).")
    name = _PLATFORM[kind]
    noun = f"the {_NOUN[kind]} address"
    example = _WHERE[kind]
    raw = (secret or "").strip()
    if not raw:
        raise InvalidServerError(f"No {_NOUN[kind]} address was given. {example}.")
    if any(char.isspace() for char in raw):
        raise InvalidServerError(f"{_sentence(noun)} has spaces or line breaks inside it. {example}.")
    if kind == "groupme" and _BOT_ID.match(raw):
        return f"{GROUPME_POST_URL}?{urlencode({'bot_id': raw})}"
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        raise InvalidServerError(f"{_sentence(noun)} is not a web address. {example}.") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidServerError(f"{_sentence(noun)} is not a web address. {example}.")
    if parts.username is not None or parts.password is not None:
        raise InvalidServerError(f"{_sentence(noun)} has a user name or password in it. {example}.")
    loopback = _is_loopback(host)
    if parts.scheme.lower() == "http" and not loopback:
        raise InvalidServerError(
            f"{_sentence(noun)} at {host} uses an unencrypted connection (http). Use the https:// address {name} shows."
        )
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not loopback:
        detected = _host_kind(host)
        if detected is not None and detected != kind:
            raise InvalidServerError(
                f"This is {_article(_NOUN[detected])} address ({host}), not {_article(_NOUN[kind])} address. "
                f"Choose {WEBHOOK_KINDS[detected]} as the kind, or copy the address from {name}."
            )
        if detected is None:
            raise InvalidServerError(f"{host} is not a {name} webhook address. {example}.")
        if kind == "slack" and not parts.path.startswith("/services/"):
            raise InvalidServerError(f"{_sentence(noun)} at {host} is incomplete. {example}.")
        if kind == "discord" and not _DISCORD_PATH.match(parts.path):
            raise InvalidServerError(f"{_sentence(noun)} at {host} is incomplete. {example}.")
        if kind == "groupme" and parts.path.rstrip("/") != "/v3/bots/post":
            raise InvalidServerError(f"{_sentence(noun)} at {host} is not a bot's posting address. {example}.")
    if kind == "groupme":
        bot_ids = [value for key, value in query if key == "bot_id"]
        if len(bot_ids) != 1 or not _BOT_ID.match(bot_ids[0]):
            raise InvalidServerError(f"{_sentence(noun)} at {host} has no valid bot id in it. {example}.")
        query = [("bot_id", bot_ids[0])]
    if kind == "discord":
        query = [(key, value) for key, value in query if key != "wait"]  # the client asks for wait=true itself
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    url = f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}"
    return f"{url}?{urlencode(query)}" if query else url


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0].lower() in "aeiou" else f"a {noun}"


def _secret_parts(url: str) -> list[str]:
    """The strings of ``url`` that must never be shown, longest first: the address itself, its path,
    and every path segment and query value that is not a well-known word."""
    parts = urlsplit(url)
    found = {url, url.split("?", 1)[0], parts.path, parts.query}
    if parts.path.strip("/"):
        found.add(parts.path.strip("/"))
    found.update(parts.path.split("/"))
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if value not in _PUBLIC_PARTS:
            found.add(value)
            found.add(quote(value, safe=""))
        if key not in _PUBLIC_PARTS:
            found.add(key)
    return sorted((part for part in found if len(part) >= 3 and part not in _PUBLIC_PARTS), key=len, reverse=True)


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _REDACTED)
    return text


# Secrets of the clients that are open, so that a third-party debug log line (urllib3 logs each request's
# path at DEBUG) cannot leak a webhook address either.
_LIVE_CLIENTS: weakref.WeakSet[WebhookClient] = weakref.WeakSet()


class _RedactWebhookSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        secrets = [secret for client in list(_LIVE_CLIENTS) for secret in client._secrets]
        if secrets:
            try:
                message = record.getMessage()
            except (TypeError, ValueError):
                return True
            redacted = _redact(message, secrets)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


_FILTER = _RedactWebhookSecrets()
for _name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry", "requests"):
    if _FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_FILTER)


class _Unconfirmed(Exception):  # noqa: N818 - private signal, never seen outside this module
    """A try may have reached the channel but brought no answer: stop, never send again."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class WebhookClient:
    """One incoming webhook of a team channel.

    ``sleep`` and ``retry_delays`` exist for tests: backoff without waiting.
    """

    def __init__(
        self,
        kind: str,
        url: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        normalized = normalize_webhook(kind, url)
        self.kind = kind
        self.name = _PLATFORM[kind]
        self.host = urlsplit(normalized).netloc
        self._url = normalized
        self._secrets = _secret_parts(normalized)
        raw = (url or "").strip()
        if raw and raw != normalized:
            self._secrets = sorted({*self._secrets, *_secret_parts(raw), raw}, key=len, reverse=True)
        self._what = f"the {_NOUN[kind]} at {self.host}"
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self.timeout = timeout
        self._sleep = sleep
        self._delays = tuple(retry_delays)
        _LIVE_CLIENTS.add(self)

    def __repr__(self) -> str:
        return f"WebhookClient(kind={self.kind!r}, host={self.host!r})"

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        _LIVE_CLIENTS.discard(self)
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def can_delete(self) -> bool:
        """Whether ``delete`` can remove a posted message (Discord only)."""
        return self.kind == "discord"

    @property
    def max_characters(self) -> int:
        return MAX_CHARACTERS[self.kind]

    # --- Posting ---

    def post(self, text: str) -> Posted:
        """Send ``text`` to the channel at most once.

        Returns ``Posted`` whose id is Discord's message id, or for the other kinds a fresh local id (they
        return none). Raises ``RejectedError`` (empty, too long, or refused: not posted), ``AuthError`` (the
        webhook is gone or refused), or ``UnreachableError``: with ``maybe_sent`` True the channel may show
        the message although it did not confirm it, so the person must look before sending again.
        """
        if not text.strip():
            raise RejectedError("The message is empty.")
        limit = MAX_CHARACTERS[self.kind]
        if len(text) > limit:
            raise RejectedError(
                f"The message is too long for {self.name}: {len(text):,} characters, at most {limit:,}. "
                "It was not sent; shorten it and try again."
            )
        url, payload = self._post_request(text)

        def attempt() -> requests.Response:
            try:
                response = self._send("POST", url, json=payload)
            except TRANSIENT_ERRORS as exc:
                if request_may_have_arrived(exc):
                    raise _Unconfirmed(self._describe(exc)) from None
                raise  # the connection was never made: safe to try again
            if response.status_code >= 500:
                response.close()
                raise _Unconfirmed(f"HTTP {response.status_code}")
            return response  # 429 is retried by with_retries: the server refused it, nothing was posted

        try:
            response = with_retries(attempt, self._delays, self._sleep, what=self._what)
        except _Unconfirmed as unconfirmed:
            log.warning("%s: posting not confirmed (%s); not sending again", self._what, unconfirmed.problem)
            raise UnreachableError(
                f"{self.name} did not confirm the message ({unconfirmed.problem}), so it may or may not have "
                "been posted. Look in the channel before sending it again.",
                maybe_sent=True,
            ) from None
        except UnreachableError as error:
            raise UnreachableError(
                f"The message was not sent. {_sentence(error.message)}", maybe_sent=error.maybe_sent
            ) from None
        except requests.RequestException as exc:
            raise PlatformError(f"The message was not sent: {self._describe(exc)}.") from None
        self._check(response, "posting the message")
        return self._posted(response)

    def _post_request(self, text: str) -> tuple[str, dict[str, Any]]:
        """Where to post and what, for this kind."""
        parts = urlsplit(self._url)
        base = f"{parts.scheme}://{parts.netloc}{parts.path}"
        query = parse_qsl(parts.query, keep_blank_values=True)
        if self.kind == "discord":
            url = f"{base}?{urlencode([*query, ('wait', 'true')])}"
            return url, {"content": text, "allowed_mentions": {"parse": []}}
        if self.kind == "groupme":
            bot_id = dict(query)["bot_id"]
            return base, {"bot_id": bot_id, "text": text}
        if self.kind == "teams":
            card = {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [{"type": "TextBlock", "text": text, "wrap": True}],
            }
            attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
            return self._url, {"type": "message", "attachments": [attachment]}
        return self._url, {"text": text}

    def _posted(self, response: requests.Response) -> Posted:
        """The ``Posted`` for a 2xx answer. Only Discord names the message; the others get a local id."""
        message_id: str | None = None
        if self.kind == "discord":
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("id"), str | int) and str(body["id"]).isdigit():
                message_id = str(body["id"])
            else:
                # It was posted (2xx): raising would invite sending it again. It just cannot be deleted later.
                log.warning("%s: posted, but the answer had no message id", self._what)
        response.close()
        return Posted(id=message_id or uuid.uuid4().hex, url=None, uri=None, created_at=None)

    # --- Who the webhook is, deleting ---

    def verify(self) -> Identity:
        """Who the webhook posts as.

        Only Discord can be asked (``GET`` on the webhook address: its name, channel and avatar). Slack,
        Teams and GroupMe webhooks cannot be read without posting to the channel, so for them no request is
        made and only the address's shape has been checked (by ``normalize_webhook``): the identity is the
        kind's display name, and a wrong or deleted address shows up on the first post.
        """
        if self.kind != "discord":
            return Identity(
                display_name=WEBHOOK_KINDS[self.kind], handle="", avatar_url=None, followers=0, profile_url=None
            )
        response = self._call("GET", self._url, doing="checking the webhook")
        try:
            body = response.json()
        except ValueError:
            body = None
        finally:
            response.close()
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise PlatformError(
                f"{self._what} sent an unexpected answer while checking the webhook. Check the webhook address."
            )
        channel_id = body.get("channel_id")
        webhook_id = body.get("id")
        avatar = body.get("avatar")
        avatar_url = (
            f"https://cdn.discordapp.com/avatars/{quote(str(webhook_id), safe='')}/{quote(avatar, safe='')}.png"
            if isinstance(avatar, str) and avatar and webhook_id is not None
            else None
        )
        return Identity(
            display_name=body["name"],
            handle=f"#{channel_id}" if isinstance(channel_id, str | int) and str(channel_id) else "",
            avatar_url=avatar_url,
            followers=0,
            profile_url=None,
        )

    def delete(self, message_id: str) -> None:
        """Delete a message this webhook posted (Discord only). One already gone (404) counts as deleted."""
        if self.kind != "discord":
            raise PlatformError(f"{self.name} webhooks cannot delete a message. Remove it in the channel by hand.")
        if not message_id:
            raise ValueError("message_id must not be empty")
        if not message_id.isdigit():
            raise PlatformError(
                "Discord did not say which message it posted, so Second Look cannot delete it. "
                "Remove it in the channel by hand."
            )
        parts = urlsplit(self._url)
        url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/messages/{quote(message_id, safe='')}"
        if parts.query:
            url += f"?{parts.query}"
        response = self._call("DELETE", url, doing="deleting the message", gone_ok=True)
        if response.status_code == 404 and _json_code(response) == _DISCORD_UNKNOWN_WEBHOOK:
            self._check(response, "deleting the message")  # the webhook is gone, not just the message
        response.close()

    # --- HTTP plumbing ---

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One HTTP request, no retries."""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        return self._session.request(
            method, url, headers=headers, timeout=self.timeout, allow_redirects=False, **kwargs
        )

    def _call(self, method: str, url: str, *, doing: str, gone_ok: bool = False) -> requests.Response:
        """A request that is safe to repeat (GET, DELETE), with retries; a non-2xx answer raises.
        With ``gone_ok``, a 404 is returned rather than raised."""
        try:
            response = with_retries(lambda: self._send(method, url), self._delays, self._sleep, what=self._what)
        except UnreachableError as error:
            raise UnreachableError(error.message, maybe_sent=error.maybe_sent and method != "GET") from None
        except requests.RequestException as exc:
            raise PlatformError(f"The request to {self._what} failed: {self._describe(exc)}.") from None
        if gone_ok and response.status_code == 404:
            return response
        self._check(response, doing)
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
                f"{self.name} refused the webhook while {doing} (HTTP {status}: {text}). It may have been "
                "disabled or lost its permission: add the webhook again in Second Look."
            )
        if status in (404, 410):
            raise AuthError(
                f"{self.name} does not know this webhook (HTTP {status}: {text}): it was deleted or the address "
                "is wrong. Add the webhook again in Second Look."
            )
        if 300 <= status < 400:
            raise PlatformError(
                f"{self._what} redirected the request elsewhere (HTTP {status}) while {doing}; nothing was done. "
                "Check the webhook address."
            )
        if 400 <= status < 500:
            raise RejectedError(
                f"{self.name} refused this while {doing} (HTTP {status}: {text}). Sending it again will not "
                "help; change it first.",
                status=status,
                server_text=text,
            )
        raise UnreachableError(
            f"{self._what} had a problem while {doing} (HTTP {status}). Try again later.", maybe_sent=True
        )

    def _server_text(self, response: requests.Response) -> str:
        """The server's own explanation from an error answer, redacted and at most 200 characters."""
        text = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            text = _explanation(body)
        elif body is None:
            text = response.text[:2000] if response.text.strip() else ""
        if not text:
            text = response.reason or "no explanation"
        text = _redact(" ".join(text.split()), self._secrets)
        return text if len(text) <= _MAX_SERVER_TEXT else text[: _MAX_SERVER_TEXT - 1].rstrip() + "…"

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, requests.Timeout):
            return "no answer in time"
        if isinstance(exc, requests.exceptions.SSLError):
            return "the secure connection failed"
        if isinstance(exc, requests.ConnectionError):
            return "the connection failed" if not request_may_have_arrived(exc) else "the connection was dropped"
        return type(exc).__name__


def _explanation(body: Mapping[str, Any]) -> str:
    """The human part of a JSON error: Discord {"message"}, Teams {"error": {"message"}}, GroupMe
    {"meta": {"errors": [...]}}, or a plain {"error": "..."}."""
    found: list[str] = []
    for key in ("message", "error", "error_description"):
        value = body.get(key)
        if isinstance(value, str) and value:
            found.append(value)
        elif isinstance(value, dict) and isinstance(value.get("message"), str):
            found.append(value["message"])
    meta = body.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("errors"), list):
        found.extend(str(item) for item in meta["errors"] if isinstance(item, str | int))
    if not found:
        return json.dumps(body)[:2000]
    return " ".join(found)


def _json_code(response: requests.Response) -> object:
    """Discord's error "code" from a JSON answer, or None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
