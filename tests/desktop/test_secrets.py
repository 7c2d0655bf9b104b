"""desktop.secrets with an in-memory keyring pinned: secrets round-trip, and never leak into errors or logs."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.errors
import pytest

from desktop import secrets
from desktop.secrets import KINDS, SERVICE, SecretRedactor, SecretStoreError
from tests.keyring_backends import MemoryKeyring, memory_keyring

__all__ = ["memory_keyring"]  # the fixture, imported for pytest

TOKEN = "tok-8f3Kq9Zr2LmW7xYv4Bn6Cd1Ep5Gh0Jk"


@contextmanager
def _pinned(backend: MemoryKeyring) -> Iterator[None]:
    """Pin a backend of the test's own for a ``with`` block."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def redaction_installed() -> Iterator[None]:
    """:func:`secrets.install_log_redaction` on the root logger (caplog's handler included), undone after."""
    root = logging.getLogger()
    secrets.install_log_redaction()
    try:
        yield
    finally:
        for filterer in (root, *root.handlers):
            filterer.removeFilter(secrets.REDACTOR)


def test_round_trip_under_the_app_name_and_account(memory_keyring: MemoryKeyring) -> None:
    secrets.store_secret("acme", "token", TOKEN)

    assert secrets.load_secret("acme", "token") == TOKEN
    assert memory_keyring.entries == {(SERVICE, "acme/token"): TOKEN}
    assert secrets.load_secret("acme", "app_password") is None
    assert secrets.load_secret("someone-else", "token") is None


def test_storing_again_replaces(memory_keyring: MemoryKeyring) -> None:
    secrets.store_secret("acme", "webhook_url", "https://hooks.example/one-abcdefgh")
    secrets.store_secret("acme", "webhook_url", "https://hooks.example/two-abcdefgh")

    assert secrets.load_secret("acme", "webhook_url") == "https://hooks.example/two-abcdefgh"


def test_delete_removes_every_kind_of_that_account_only(memory_keyring: MemoryKeyring) -> None:
    for kind in KINDS:
        secrets.store_secret("acme", kind, f"{kind}-secret-value-1234")
    secrets.store_secret("other", "token", "other-token-value-1234")

    assert secrets.delete_secrets("acme") == list(KINDS)

    assert all(secrets.load_secret("acme", kind) is None for kind in KINDS)
    assert secrets.load_secret("other", "token") == "other-token-value-1234"
    assert memory_keyring.entries == {(SERVICE, "other/token"): "other-token-value-1234"}


def test_delete_with_nothing_stored_is_fine(memory_keyring: MemoryKeyring) -> None:
    secrets.store_secret("acme", "app_password", "abcd-efgh-ijkl-mnop")

    assert secrets.delete_secrets("acme") == ["app_password"]
    assert secrets.delete_secrets("acme") == []
    assert secrets.delete_secrets("never-stored") == []


@pytest.mark.parametrize("account_id", ["", "  ", "a/b", "/token"])
def test_invalid_account_ids_are_refused(memory_keyring: MemoryKeyring, account_id: str) -> None:
    with pytest.raises(ValueError, match="account id"):
        secrets.store_secret(account_id, "token", TOKEN)
    with pytest.raises(ValueError, match="account id"):
        secrets.load_secret(account_id, "token")
    with pytest.raises(ValueError, match="account id"):
        secrets.delete_secrets(account_id)
    assert memory_keyring.entries == {}


@pytest.mark.parametrize("kind", ["", "password", "Token", "token/x"])
def test_unknown_kinds_are_refused(memory_keyring: MemoryKeyring, kind: str) -> None:
    with pytest.raises(ValueError, match="unknown secret kind"):
        secrets.store_secret("acme", kind, TOKEN)
    with pytest.raises(ValueError, match="unknown secret kind"):
        secrets.load_secret("acme", kind)
    assert memory_keyring.entries == {}


def test_an_empty_secret_is_refused_without_echoing_anything(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        secrets.store_secret("acme", "token", "")
    assert memory_keyring.entries == {}


class EchoingKeyring(MemoryKeyring):
    """A backend that fails the way a careless one might: with the secret in the exception, and chained."""

    def __init__(self, error: type[keyring.errors.KeyringError]) -> None:
        super().__init__()
        self.error = error

    def _fail(self, detail: str) -> None:
        try:
            raise RuntimeError(f"inner failure while handling {detail}")
        except RuntimeError as inner:
            raise self.error(f"could not handle {detail}") from inner

    def set_password(self, service: str, username: str, password: str) -> None:
        self._fail(f"{username}={password}")

    def get_password(self, service: str, username: str) -> str | None:
        if (service, username) in self.entries:
            self._fail(f"{username}={self.entries[service, username]}")
        return None

    def delete_password(self, service: str, username: str) -> None:
        self._fail(f"{username}={self.entries.get((service, username))}")


def chain(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def assert_clean(error: SecretStoreError, secret: str) -> None:
    assert secret not in str(error)
    assert list(chain(error)) == [error], "the backend's exception must not ride along as cause or context"
    assert error.__cause__ is None and error.__context__ is None
    assert secret not in "".join(traceback.format_exception(error))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (keyring.errors.KeyringLocked, "locked or unavailable"),
        (keyring.errors.InitError, "locked or unavailable"),
        (keyring.errors.PasswordSetError, "check that the keyring is unlocked"),
        (keyring.errors.NoKeyringError, "No system keyring is available"),
    ],
)
def test_a_failing_backend_gives_an_error_without_the_secret(
    error: type[keyring.errors.KeyringError], expected: str
) -> None:
    backend = EchoingKeyring(error)
    with _pinned(backend), pytest.raises(SecretStoreError) as raised:
        secrets.store_secret("acme", "token", TOKEN)

    assert expected in str(raised.value)
    assert "token of account 'acme'" in str(raised.value) or "No system keyring" in str(raised.value)
    assert error.__name__ in str(raised.value)
    assert "try again" in str(raised.value)
    assert_clean(raised.value, TOKEN)


def test_reading_and_deleting_through_a_failing_backend_do_not_leak_either() -> None:
    backend = EchoingKeyring(keyring.errors.KeyringLocked)
    backend.entries[(SERVICE, "acme/token")] = TOKEN
    with _pinned(backend):
        with pytest.raises(SecretStoreError, match="Could not read the token of account 'acme'") as read:
            secrets.load_secret("acme", "token")
        assert_clean(read.value, TOKEN)
        with pytest.raises(SecretStoreError) as deleted:
            secrets.delete_secrets("acme")
        assert_clean(deleted.value, TOKEN)


def test_a_delete_that_fails_is_reported_while_the_secret_remains() -> None:
    class StuckKeyring(MemoryKeyring):
        def delete_password(self, service: str, username: str) -> None:
            raise keyring.errors.PasswordDeleteError(f"cannot delete {self.entries[service, username]}")

    backend = StuckKeyring()
    with _pinned(backend):
        secrets.store_secret("acme", "session", json.dumps({"refreshJwt": "eyJhbGciOi.refresh.jwt-value"}))
        with pytest.raises(SecretStoreError, match="Could not delete the session of account 'acme'") as raised:
            secrets.delete_secrets("acme")
    assert_clean(raised.value, "eyJhbGciOi.refresh.jwt-value")


def test_store_and_load_log_nothing_secret(memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets.store_secret("acme", "token", TOKEN)
    secrets.load_secret("acme", "token")
    secrets.delete_secrets("acme")

    assert "Saved the token of account 'acme'" in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.usefixtures("redaction_installed")
def test_the_redactor_scrubs_log_lines(memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture) -> None:
    secrets.store_secret("acme", "token", TOKEN)  # registers it with REDACTOR
    log = logging.getLogger("secondlook.test.publisher")

    log.warning("Posting with token %s to %s", TOKEN, "example.social")
    log.error(f"Server said: invalid_token {TOKEN}")
    try:
        raise RuntimeError(f"HTTP 401 for Bearer {TOKEN}")
    except RuntimeError:
        log.exception("Publishing failed")

    assert TOKEN not in caplog.text
    assert "Posting with token [secret] to example.social" in caplog.text
    assert "Server said: invalid_token [secret]" in caplog.text
    assert "HTTP 401 for Bearer [secret]" in caplog.text
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_a_loaded_secret_is_registered_too(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "acme/app_password", "zzzz-loaded-only-yyyy")

    assert secrets.load_secret("acme", "app_password") == "zzzz-loaded-only-yyyy"
    assert secrets.redact("error: zzzz-loaded-only-yyyy rejected") == "error: [secret] rejected"


def test_redact_covers_json_secrets_and_their_parts() -> None:
    redactor = SecretRedactor()
    session = json.dumps({"did": "did:plc:abc", "refreshJwt": "eyJhbGciOiJIUzI1NiJ9.payload.sig"})
    redactor.add(session)
    redactor.add("short-ab")

    assert redactor.redact(f"stored {session}") == "stored [secret]"
    assert redactor.redact("refresh eyJhbGciOiJIUzI1NiJ9.payload.sig failed") == "refresh [secret] failed"
    assert redactor.redact("did:plc:abc and short-ab") == "did:plc:abc and [secret]"
    assert redactor.redact("nothing here") == "nothing here"


def test_a_standalone_redactor_filters_a_handler() -> None:
    redactor = SecretRedactor()
    redactor.add("s3cr3t-webhook-path")
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "calling %s (%d)", ("https://h/s3cr3t-webhook-path", 2), None
    )

    assert redactor.filter(record) is True
    assert record.getMessage() == "calling https://h/[secret] (2)"


def test_backend_name_describes_the_pinned_backend(memory_keyring: MemoryKeyring) -> None:
    assert secrets.backend_name() == "keyring backends MemoryKeyring (priority -1)"
