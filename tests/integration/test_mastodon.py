"""The Mastodon client against a real mastodon-mock server over loopback, with a fault proxy in between.

mastodon-mock (``mastodon_mock serve``) is started once per session with a config file that seeds the
account Second Look signs in as (``secondlook``, with a fixed access token) and one follower. Each test
starts from that seed again (``POST /api/v1/_mock/reset``), so "exactly one post" is counted on the server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from desktop.platforms import (
    RETRY_DELAYS,
    AuthError,
    InvalidServerError,
    Posted,
    RejectedError,
    UnreachableError,
)
from desktop.platforms.mastodon import MastodonClient, normalize_server, normalize_text, status_text
from tests.support.fault_proxy import FaultProxy
from tests.support.mastodon_server import TOKEN, MockServer, free_port


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff delays the client asked for, recorded instead of slept."""
    return []


@pytest.fixture
def client(server: MockServer, sleeps: list[float]) -> Iterator[MastodonClient]:
    with MastodonClient(server.url, TOKEN, sleep=sleeps.append) as mastodon:
        yield mastodon


@pytest.fixture
def proxied(proxy: FaultProxy, sleeps: list[float]) -> Iterator[MastodonClient]:
    """A client that talks to the server through the fault proxy. Its timeout is short for the timeout
    tests, and still ample for a loopback server."""
    with MastodonClient(proxy.url, TOKEN, sleep=sleeps.append, timeout=2.0) as mastodon:
        yield mastodon


def _statuses(client: MastodonClient) -> list[tuple[Posted, str]]:
    return client.recent_statuses(limit=40)


def _posts(proxy: FaultProxy) -> list[str | None]:
    """The Idempotency-Key of every POST /api/v1/statuses that reached the proxy."""
    return [r.idempotency_key for r in proxy.requests if r.method == "POST" and r.path == "/api/v1/statuses"]


# --- signing in ---


def test_oauth_out_of_band_flow_gives_a_working_token(server: MockServer) -> None:
    with MastodonClient(server.url) as mastodon:
        client_id, client_secret = mastodon.register_app()
        url = mastodon.authorize_url(client_id)
        assert url.startswith(f"{server.url}/oauth/authorize?")
        assert "redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob" in url
        assert "response_type=code" in url

        # The person's part, done here by hand: the mock's sign-in page lists accounts; choosing one
        # shows the code to paste back (the out-of-band flow).
        page = requests.get(url, timeout=10)
        assert page.status_code == 200 and 'value="secondlook"' in page.text
        shown = requests.post(
            f"{server.url}/oauth/authorize",
            data={"username": "secondlook", "client_id": client_id, "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"},
            timeout=10,
        )
        match = re.search(r"Authorization code: (\S+?)<", shown.text)
        assert match, shown.text
        token = mastodon.exchange_code(client_id, client_secret, f"  {match.group(1)}\n")

        assert token and token != TOKEN
        assert mastodon.verify().handle == f"@secondlook@localhost:{server.port}"


def test_a_refused_authorization_code_is_rejected_without_leaking_secrets(server: MockServer) -> None:
    with MastodonClient(server.url) as mastodon:
        client_id, client_secret = mastodon.register_app()
        with pytest.raises(RejectedError) as caught:
            mastodon.exchange_code(client_id, client_secret, "made-up-code-123")
    message = str(caught.value)
    assert "sign in again" in message
    assert client_secret not in message and "made-up-code-123" not in message


# --- who is signed in, what the server allows ---


def test_verify_returns_the_seeded_identity(client: MastodonClient, server: MockServer) -> None:
    identity = client.verify()
    assert identity.display_name == "Second Look QA"
    assert identity.handle == f"@secondlook@localhost:{server.port}"  # the mock's domain is localhost:<port>
    assert identity.followers == 1
    assert identity.profile_url == f"http://localhost:{server.port}/@secondlook"
    assert identity.avatar_url is not None and identity.avatar_url.endswith("/secondlook.svg")


def test_max_characters_from_v2_instance(client: MastodonClient) -> None:
    assert client.max_characters() == 500


def test_max_characters_falls_back_to_v1_instance(proxy: FaultProxy, proxied: MastodonClient) -> None:
    proxy.inject("GET", "/api/v2/instance", "404", times=2)
    assert proxied.max_characters() == 500
    assert proxied.local_domain().startswith("localhost:")  # from v1's "uri"
    assert [r.path for r in proxy.requests] == ["/api/v2/instance", "/api/v1/instance"] * 2


def test_a_revoked_token_raises_auth_error_without_the_token(server: MockServer, sleeps: list[float]) -> None:
    secret = "revoked-token-SECRET-4821"
    with MastodonClient(server.url, secret, sleep=sleeps.append) as mastodon:
        with pytest.raises(AuthError) as on_verify:
            mastodon.verify()
        with pytest.raises(AuthError) as on_post:
            mastodon.post("Hello", "key-auth")
        assert secret not in repr(mastodon)
    for error in (on_verify.value, on_post.value):
        assert "reconnect the account" in str(error)
        assert secret not in str(error) and secret not in repr(error)
    assert sleeps == []  # 401 is not retried


# --- posting exactly once ---


def test_post_creates_one_status_and_the_same_key_does_not_create_another(client: MastodonClient) -> None:
    first = client.post("Launch day! Our new release is out.", "key-once")
    again = client.post("Launch day! Our new release is out.", "key-once")

    assert again.id == first.id  # mastodon-mock honours Idempotency-Key
    statuses = _statuses(client)
    assert [(posted.id, text) for posted, text in statuses] == [(first.id, "Launch day! Our new release is out.")]
    assert first.url and first.uri and first.created_at

    other = client.post("Launch day! Our new release is out.", "key-other")  # a new key is a new post
    assert other.id != first.id
    assert len(_statuses(client)) == 2


def test_a_500_then_success_posts_once(proxy: FaultProxy, proxied: MastodonClient, sleeps: list[float]) -> None:
    proxy.inject("POST", "/api/v1/statuses", "500", times=1)

    posted = proxied.post("After a server hiccup", "key-500")

    assert [p.id for p, _ in _statuses(proxied)] == [posted.id]
    assert _posts(proxy) == ["key-500", "key-500"]
    assert sleeps == [RETRY_DELAYS[0]]
    assert proxy.pending() == 0


def test_a_dropped_answer_is_reconciled_not_resent(proxy: FaultProxy, proxied: MastodonClient) -> None:
    proxy.inject("POST", "/api/v1/statuses", "drop_after_forward", times=1)

    posted = proxied.post("The server got this, we never heard back", "key-drop")

    assert [p.id for p, _ in _statuses(proxied)] == [posted.id]
    assert _posts(proxy) == ["key-drop"]  # found among the recent statuses: no second POST


def test_a_dropped_answer_with_reconciliation_down_retries_with_the_same_key(
    proxy: FaultProxy, proxied: MastodonClient
) -> None:
    proxy.inject("POST", "/api/v1/statuses", "drop_after_forward", times=1)
    proxy.inject("GET", "/api/v1/accounts/", "500", times=1)  # the reconciliation's first request fails

    posted = proxied.post("Dropped, and the check failed too", "key-drop-2")

    assert [p.id for p, _ in _statuses(proxied)] == [posted.id]  # the server's Idempotency-Key kept it single
    assert _posts(proxy) == ["key-drop-2", "key-drop-2"]


def test_a_timeout_is_reconciled_not_resent(proxy: FaultProxy, proxied: MastodonClient) -> None:
    proxy.inject("POST", "/api/v1/statuses", "timeout", times=1)

    posted = proxied.post("Slow answer", "key-timeout")

    assert [p.id for p, _ in _statuses(proxied)] == [posted.id]
    assert _posts(proxy) == ["key-timeout"]


def test_a_timeout_with_reconciliation_down_retries_with_the_same_key(
    proxy: FaultProxy, proxied: MastodonClient
) -> None:
    proxy.inject("POST", "/api/v1/statuses", "timeout", times=1)
    proxy.inject("GET", "/api/v1/accounts/", "500", times=1)

    posted = proxied.post("Slow answer, check failed", "key-timeout-2")

    assert [p.id for p, _ in _statuses(proxied)] == [posted.id]
    assert _posts(proxy) == ["key-timeout-2", "key-timeout-2"]


def test_persistent_server_errors_end_with_an_honest_maybe_sent(
    proxy: FaultProxy, proxied: MastodonClient, sleeps: list[float]
) -> None:
    proxy.inject("POST", "/api/v1/statuses", "503", times=len(RETRY_DELAYS) + 1)

    with pytest.raises(UnreachableError) as caught:
        proxied.post("Never arrives", "key-503")

    # A 5xx may come after the server acted (a gateway timing out), so the client cannot rule it out.
    assert caught.value.maybe_sent is True
    assert "may have been published" in str(caught.value)
    assert sleeps == list(RETRY_DELAYS)
    assert _statuses(proxied) == []


def test_rate_limit_waits_as_asked(proxy: FaultProxy, proxied: MastodonClient, sleeps: list[float]) -> None:
    proxy.inject("POST", "/api/v1/statuses", "429", retry_after=3)

    posted = proxied.post("Patience", "key-429")

    assert sleeps == [3.0]
    assert [p.id for p, _ in _statuses(proxied)] == [posted.id]


def test_a_long_rate_limit_stops_at_once(proxy: FaultProxy, proxied: MastodonClient, sleeps: list[float]) -> None:
    proxy.inject("POST", "/api/v1/statuses", "429", retry_after=600)

    with pytest.raises(UnreachableError) as caught:
        proxied.post("Too eager", "key-429-long")

    assert caught.value.maybe_sent is False
    assert "10 minute" in str(caught.value)
    assert sleeps == []


def test_an_unreachable_server_means_not_sent(sleeps: list[float]) -> None:
    with (
        MastodonClient(f"http://127.0.0.1:{free_port()}", TOKEN, sleep=sleeps.append) as mastodon,
        pytest.raises(UnreachableError) as caught,
    ):
        mastodon.post("Into the void", "key-void")
    assert caught.value.maybe_sent is False  # the connection was refused: nothing reached a server
    assert "not sent" in str(caught.value)
    assert sleeps == list(RETRY_DELAYS)


def test_a_too_long_post_is_rejected_and_not_retried(client: MastodonClient, sleeps: list[float]) -> None:
    with pytest.raises(RejectedError) as caught:
        client.post("x" * 501, "key-long")
    assert caught.value.status == 422
    assert "too long" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert sleeps == []
    assert _statuses(client) == []


# --- reading back, deleting ---


def test_recent_statuses_give_plain_text_and_find_posted_matches_it(client: MastodonClient) -> None:
    text = "Fish & chips <b>tonight</b>\n\nSecond paragraph\nwith a line break https://example.com/menu"
    posted = client.post(text, "key-html")

    [(found, plain)] = _statuses(client)
    assert found == posted
    assert plain == text
    assert (
        client.find_posted("Fish & chips <b>tonight</b>  Second paragraph with a line break https://example.com/menu")
        == posted
    )
    assert client.find_posted("Fish & chips tonight") is None


def test_delete_removes_and_a_second_delete_is_fine(client: MastodonClient) -> None:
    posted = client.post("Posted by mistake", "key-delete")
    client.delete(posted.id)
    assert _statuses(client) == []
    client.delete(posted.id)  # already gone: 404 counts as deleted


def test_fetch_avatar_downloads_within_the_limit(client: MastodonClient, tmp_path: Path) -> None:
    identity = client.verify()
    assert identity.avatar_url is not None
    saved = client.fetch_avatar(identity.avatar_url, tmp_path / "avatar.svg")
    assert saved == tmp_path / "avatar.svg"
    assert saved.read_bytes().lstrip().startswith(b"<")
    assert client.fetch_avatar(identity.avatar_url, tmp_path / "small.svg", max_bytes=10) is None
    assert not (tmp_path / "small.svg").exists() and not (tmp_path / "small.svg.part").exists()


# --- pure helpers ---


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("mastodon.social", "https://mastodon.social"),
        ("https://Mastodon.Social/", "https://mastodon.social"),
        ("  https://example.social:8443 ", "https://example.social:8443"),
        ("http://127.0.0.1:3000/", "http://127.0.0.1:3000"),
        ("http://localhost:3000", "http://localhost:3000"),
    ],
)
def test_server_addresses_are_normalised(entered: str, expected: str) -> None:
    assert normalize_server(entered) == expected


@pytest.mark.parametrize(
    "entered",
    [
        "",
        "   ",
        "http://mastodon.social",
        "ftp://mastodon.social",
        "https://mastodon.social/@alice",
        "@alice@mastodon.social",
        "https://exa mple.social",
        "https://user:pw@example.social",
        "https://",
        "https://example.social:99999",
        "https://-bad-.social",
    ],
)
def test_unusable_server_addresses_are_refused_clearly(entered: str) -> None:
    with pytest.raises(InvalidServerError) as caught:
        MastodonClient(entered, TOKEN)
    assert "https://mastodon.social" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_status_text_and_normalisation() -> None:
    html = (
        '<p>Hi <span class="h-card"><a href="https://x.social/@bob" class="u-url mention">@<span>bob</span></a>'
        '</span> &amp; all</p><p>see <a href="https://example.com/a/long/path"><span class="invisible">https://'
        '</span><span class="ellipsis">example.com/a/lo</span><span class="invisible">ng/path</span></a><br />bye</p>'
    )
    assert status_text(html) == "Hi @bob & all\n\nsee https://example.com/a/long/path\nbye"
    assert normalize_text("Hi @bob@x.social & all\nsee https://example.com/a/long/path bye") == normalize_text(
        status_text(html)
    )
