"""The team-channel webhook client against a real HTTP server on loopback (tests/support/webhook_server.py).

Posting is at most once: a message is sent again only when it certainly never arrived (connection refused)
or the server refused it (429). These tests count what the server received after each fault.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from desktop.platforms import AuthError, Identity, InvalidServerError, PlatformError, RejectedError, UnreachableError
from desktop.platforms.webhook import KINDS, MAX_CHARACTERS, WebhookClient, detect_kind, normalize_webhook
from desktop.records import WEBHOOK_KINDS
from tests.support.mastodon_server import free_port
from tests.support.webhook_server import (
    DISCORD_AVATAR,
    DISCORD_CHANNEL_ID,
    DISCORD_TOKEN,
    DISCORD_WEBHOOK_ID,
    GROUPME_BOT_ID,
    SLACK_TOKEN,
    TEAMS_SIG,
    TEAMS_WORKFLOW,
    WebhookServer,
    webhook_server,
)

__all__ = ["webhook_server"]  # the fixture, imported so pytest finds it

MakeClient = Callable[..., WebhookClient]

SECRETS = (SLACK_TOKEN, TEAMS_WORKFLOW, TEAMS_SIG, DISCORD_TOKEN, DISCORD_WEBHOOK_ID, GROUPME_BOT_ID)


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff delays the client asked for, recorded instead of slept."""
    return []


@pytest.fixture
def make_client(webhook_server: WebhookServer, sleeps: list[float]) -> Iterator[MakeClient]:
    clients: list[WebhookClient] = []

    def make(kind: str, *, timeout: float = 5.0) -> WebhookClient:
        client = WebhookClient(
            kind, webhook_server.url(kind), timeout=timeout, sleep=sleeps.append, retry_delays=(0, 0)
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked into {text!r}"


# --- Posting each kind ---


def test_slack_posts_text(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    posted = make_client("slack").post("Hello, team")
    assert webhook_server.received == [("slack", {"text": "Hello, team"})]
    assert len(posted.id) == 32 and posted.url is None and posted.uri is None and posted.created_at is None


def test_discord_posts_content_without_mentions(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    posted = make_client("discord").post("Hello @everyone")
    assert webhook_server.received == [("discord", {"content": "Hello @everyone", "allowed_mentions": {"parse": []}})]
    assert posted.id == webhook_server.discord_message_ids()[0]
    method, path = webhook_server.requests[0]
    assert method == "POST" and path.endswith("?wait=true")


def test_teams_posts_an_adaptive_card(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    make_client("teams").post("Hello, Teams")
    assert webhook_server.received == [
        (
            "teams",
            {
                "type": "message",
                "attachments": [
                    {
                        "contentType": "application/vnd.microsoft.card.adaptive",
                        "contentUrl": None,
                        "content": {
                            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                            "type": "AdaptiveCard",
                            "version": "1.4",
                            "body": [{"type": "TextBlock", "text": "Hello, Teams", "wrap": True}],
                        },
                    }
                ],
            },
        )
    ]


def test_groupme_moves_the_bot_id_into_the_body(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    make_client("groupme").post("Hello, group")
    assert webhook_server.received == [("groupme", {"bot_id": GROUPME_BOT_ID, "text": "Hello, group"})]
    method, path = webhook_server.requests[0]
    assert (method, path) == ("POST", "/groupme/v3/bots/post")  # the bot id is not in the address


@pytest.mark.parametrize("kind", KINDS)
def test_too_long_is_refused_before_sending(webhook_server: WebhookServer, make_client: MakeClient, kind: str) -> None:
    client = make_client(kind)
    with pytest.raises(RejectedError, match="too long") as caught:
        client.post("x" * (MAX_CHARACTERS[kind] + 1))
    assert f"{MAX_CHARACTERS[kind]:,}" in str(caught.value)
    assert webhook_server.requests == []
    client.post("x" * MAX_CHARACTERS[kind])
    assert len(webhook_server.received) == 1


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_is_refused(webhook_server: WebhookServer, make_client: MakeClient, text: str) -> None:
    with pytest.raises(RejectedError, match="empty"):
        make_client("slack").post(text)
    assert webhook_server.requests == []


# --- At most once ---


@pytest.mark.parametrize("kind", KINDS)
def test_server_error_is_not_retried(
    webhook_server: WebhookServer, make_client: MakeClient, sleeps: list[float], kind: str
) -> None:
    webhook_server.fail_next("500", times=5)
    with pytest.raises(UnreachableError) as caught:
        make_client(kind).post("Once only")
    assert caught.value.maybe_sent is True
    assert "look in the channel" in str(caught.value).lower()
    assert len(webhook_server.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize("kind", KINDS)
def test_dropped_after_sending_is_not_retried(
    webhook_server: WebhookServer, make_client: MakeClient, kind: str
) -> None:
    webhook_server.fail_next("drop", times=5)
    with pytest.raises(UnreachableError, match="did not confirm") as caught:
        make_client(kind).post("Once only")
    assert caught.value.maybe_sent is True
    assert len(webhook_server.received) == 1
    assert len(webhook_server.requests) == 1


def test_timeout_is_not_retried(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    webhook_server.fail_next("slow", times=5)
    with pytest.raises(UnreachableError, match="no answer in time") as caught:
        make_client("discord", timeout=0.5).post("Once only")
    assert caught.value.maybe_sent is True
    assert len(webhook_server.received) == 1
    assert len(webhook_server.requests) == 1


def test_connection_refused_is_retried_then_not_sent(sleeps: list[float]) -> None:
    url = f"http://127.0.0.1:{free_port()}/slack/T0LOOP/B0LOOP/{SLACK_TOKEN}"
    with WebhookClient("slack", url, sleep=sleeps.append, retry_delays=(0, 0)) as client:
        with pytest.raises(UnreachableError, match="not sent") as caught:
            client.post("Hello")
        assert caught.value.maybe_sent is False
        assert "3 tries" in str(caught.value)
        assert sleeps == [0, 0]
        assert_no_secret(str(caught.value), repr(client))


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limited_then_posted_once(
    webhook_server: WebhookServer, make_client: MakeClient, sleeps: list[float], kind: str
) -> None:
    webhook_server.fail_next("429", retry_after=0)
    make_client(kind).post("After a pause")
    assert len(webhook_server.requests) == 2
    assert len(webhook_server.received) == 1
    assert sleeps == [0.0]


def test_rate_limited_every_time_is_not_sent(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    webhook_server.fail_next("429", times=10)
    with pytest.raises(UnreachableError, match="limiting") as caught:
        make_client("discord").post("Hello")
    assert caught.value.maybe_sent is False
    assert len(webhook_server.requests) == 3
    assert webhook_server.received == []


def test_rate_limit_too_long_stops_at_once(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    webhook_server.fail_next("429", retry_after=3600)
    with pytest.raises(UnreachableError, match="minute") as caught:
        make_client("slack").post("Hello")
    assert caught.value.maybe_sent is False
    assert len(webhook_server.requests) == 1


# --- Refusals ---


@pytest.mark.parametrize("kind", KINDS)
def test_not_found_means_add_it_again(webhook_server: WebhookServer, make_client: MakeClient, kind: str) -> None:
    webhook_server.fail_next("404")
    with pytest.raises(AuthError, match="deleted or the address is wrong") as caught:
        make_client(kind).post("Hello")
    assert "add the webhook again" in str(caught.value).lower()
    assert len(webhook_server.requests) == 1
    assert webhook_server.received == []


def test_wrong_token_is_an_auth_error(webhook_server: WebhookServer) -> None:
    url = webhook_server.url("discord").replace(DISCORD_TOKEN, "wrongToken123")
    with WebhookClient("discord", url, retry_delays=(0, 0)) as client, pytest.raises(AuthError) as caught:
        client.post("Hello")
    assert "wrongToken123" not in str(caught.value)
    assert webhook_server.received == []


def test_other_refusal_is_rejected_with_redacted_server_text(
    webhook_server: WebhookServer, make_client: MakeClient
) -> None:
    webhook_server.fail_next("400")
    with pytest.raises(RejectedError) as caught:
        make_client("slack").post("Hello")
    error = caught.value
    assert error.status == 400
    assert error.server_text is not None and "[secret]" in error.server_text
    assert len(error.server_text) <= 200
    assert_no_secret(str(error), error.server_text)


# --- Secrets never shown ---


@pytest.mark.parametrize("fault", ["500", "404", "400", "429", "drop", "slow", "refused"])
@pytest.mark.parametrize("kind", KINDS)
def test_secret_never_shown(
    webhook_server: WebhookServer, sleeps: list[float], caplog: pytest.LogCaptureFixture, kind: str, fault: str
) -> None:
    caplog.set_level(logging.DEBUG)
    url = webhook_server.url(kind)
    if fault == "refused":
        url = url.replace(f":{webhook_server.port}/", f":{free_port()}/")
    else:
        webhook_server.fail_next(fault, times=10)
    with WebhookClient(kind, url, timeout=0.5, sleep=sleeps.append, retry_delays=(0, 0)) as client:
        with pytest.raises(PlatformError) as caught:
            client.post("Hello")
        texts = [str(caught.value), repr(client), repr(caught.value), caplog.text]
        texts += [record.getMessage() for record in caplog.records]
        if isinstance(caught.value, RejectedError) and caught.value.server_text:
            texts.append(caught.value.server_text)
        assert_no_secret(*texts)
        error = caught.value
        assert error.__cause__ is None and (error.__suppress_context__ or error.__context__ is None)


# --- Verify and delete ---


def test_discord_verify(make_client: MakeClient) -> None:
    identity = make_client("discord").verify()
    assert identity == Identity(
        display_name="Second Look Bot",
        handle=f"#{DISCORD_CHANNEL_ID}",
        avatar_url=f"https://cdn.discordapp.com/avatars/{DISCORD_WEBHOOK_ID}/{DISCORD_AVATAR}.png",
        followers=0,
        profile_url=None,
    )


def test_discord_verify_deleted_webhook(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    webhook_server.fail_next("404")
    with pytest.raises(AuthError) as caught:
        make_client("discord").verify()
    assert_no_secret(str(caught.value))


@pytest.mark.parametrize("kind", ["slack", "teams", "groupme"])
def test_verify_without_a_request(webhook_server: WebhookServer, make_client: MakeClient, kind: str) -> None:
    identity = make_client(kind).verify()
    assert identity == Identity(
        display_name=WEBHOOK_KINDS[kind], handle="", avatar_url=None, followers=0, profile_url=None
    )
    assert webhook_server.requests == []


def test_discord_delete(webhook_server: WebhookServer, make_client: MakeClient) -> None:
    client = make_client("discord")
    assert client.can_delete
    posted = client.post("Oops")
    client.delete(posted.id)
    assert webhook_server.discord_message_ids() == []
    assert webhook_server.requests[-1] == (
        "DELETE",
        f"/discord/api/webhooks/{DISCORD_WEBHOOK_ID}/{DISCORD_TOKEN}/messages/{posted.id}",
    )
    client.delete(posted.id)  # already gone: fine


@pytest.mark.parametrize("kind", ["slack", "teams", "groupme"])
def test_delete_impossible_elsewhere(webhook_server: WebhookServer, make_client: MakeClient, kind: str) -> None:
    client = make_client(kind)
    assert not client.can_delete
    with pytest.raises(PlatformError, match="by hand"):
        client.delete("abc")
    assert webhook_server.requests == []


# --- Addresses ---


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://hooks.slack.com/services/T000/B000/XXXX", "slack"),
        ("https://discord.com/api/webhooks/123/tok", "discord"),
        ("https://discordapp.com/api/webhooks/123/tok", "discord"),
        ("https://discord.com/channels/1/2", None),
        ("https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x", "teams"),
        ("https://default123.environment.api.powerplatform.com/powerautomate/automations/direct/x", "teams"),
        ("https://make.powerautomate.com/flows/1", "teams"),
        ("https://acme.webhook.office.com/webhookb2/abc", "teams"),
        ("https://api.groupme.com/v3/bots/post?bot_id=abc", "groupme"),
        ("https://example.com/hook", None),
        ("not a url", None),
        ("", None),
    ],
)
def test_detect_kind(url: str, kind: str | None) -> None:
    assert detect_kind(url) == kind


@pytest.mark.parametrize(
    ("kind", "secret", "expected"),
    [
        ("slack", "https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/services/T000/B000/XXXX"),
        ("slack", "  https://HOOKS.slack.com/services/T0/B0/X\n", "https://hooks.slack.com/services/T0/B0/X"),
        ("discord", "https://discord.com/api/webhooks/123/tok-en", "https://discord.com/api/webhooks/123/tok-en"),
        ("discord", "https://discord.com/api/webhooks/123/tok?wait=false", "https://discord.com/api/webhooks/123/tok"),
        (
            "teams",
            "https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=s",
            "https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=s",
        ),
        ("groupme", "abc123DEF", "https://api.groupme.com/v3/bots/post?bot_id=abc123DEF"),
        (
            "groupme",
            "https://api.groupme.com/v3/bots/post?bot_id=abc123",
            "https://api.groupme.com/v3/bots/post?bot_id=abc123",
        ),
        ("slack", "http://127.0.0.1:8080/slack/x", "http://127.0.0.1:8080/slack/x"),
        ("slack", "http://localhost:8080/x", "http://localhost:8080/x"),
        ("discord", "http://[::1]:8080/d/api/webhooks/1/t", "http://[::1]:8080/d/api/webhooks/1/t"),
    ],
)
def test_normalize_webhook(kind: str, secret: str, expected: str) -> None:
    assert normalize_webhook(kind, secret) == expected
    assert normalize_webhook(kind, expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("kind", "secret", "message"),
    [
        ("slack", "http://hooks.slack.com/services/T0/B0/SECRETPART", "unencrypted"),
        ("discord", "http://example.com/api/webhooks/1/SECRETPART", "unencrypted"),
        ("slack", "https://hooks.slack.com/services/T0/B0/SECRET PART", "spaces"),
        ("slack", "", "No Slack webhook address"),
        ("slack", "https://discord.com/api/webhooks/1/SECRETPART", "Discord"),
        ("discord", "https://evil.example/api/webhooks/1/SECRETPART", "not a Discord webhook address"),
        ("discord", "https://discord.com/api/webhooks/SECRETPART", "incomplete"),
        ("slack", "https://hooks.slack.com/SECRETPART", "incomplete"),
        ("groupme", "https://api.groupme.com/v3/bots/post", "no valid bot id"),
        ("groupme", "https://api.groupme.com/v3/groups/SECRETPART", "not a bot's posting address"),
        ("groupme", "SECRET-PART", "not a web address"),
        ("teams", "ftp://prod.logic.azure.com/SECRETPART", "not a web address"),
        ("teams", "https://user:SECRETPART@prod.logic.azure.com/x", "user name or password"),
        ("mastodon", "https://hooks.slack.com/services/T0/B0/SECRETPART", "not a kind"),
    ],
)
def test_normalize_webhook_refuses(kind: str, secret: str, message: str) -> None:
    with pytest.raises(InvalidServerError, match=message) as caught:
        normalize_webhook(kind, secret)
    assert "SECRET" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_http_on_a_public_host_is_refused_by_the_client() -> None:
    with pytest.raises(InvalidServerError, match="unencrypted"):
        WebhookClient("slack", "http://hooks.slack.com/services/T0/B0/SECRETPART")


def test_kinds_match_the_records() -> None:
    assert set(KINDS) == set(WEBHOOK_KINDS)


def test_repr_has_no_address(make_client: MakeClient) -> None:
    for kind in KINDS:
        client = make_client(kind)
        assert kind in repr(client)
        assert_no_secret(repr(client))


def test_discord_delete_on_a_deleted_webhook_is_an_auth_error(webhook_server: WebhookServer) -> None:
    url = webhook_server.url("discord").replace(DISCORD_WEBHOOK_ID, "1111111111111111111")
    with (
        WebhookClient("discord", url, retry_delays=(0, 0)) as client,
        pytest.raises(AuthError, match="Add the webhook again") as caught,
    ):
        client.delete("1234567890")
    assert_no_secret(str(caught.value))


def test_library_debug_logs_are_redacted(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # Earlier tests in the same process may have quietened urllib3's own logger: open it up for this one.
    caplog.set_level(logging.DEBUG, logger="urllib3")
    logging.getLogger("urllib3").disabled = False
    logging.getLogger("urllib3.connectionpool").disabled = False
    make_client("slack").post("Hello")
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("urllib3")]
    assert any("[secret]" in line for line in lines), lines  # urllib3 logs each request's path at DEBUG
    assert_no_secret(*lines)
