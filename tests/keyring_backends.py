"""A keyring backend for tests, and the fixture that pins it.

Tests never rely on keyring's auto-detection (it would pick the developer's real keyring, or none in CI):
they pin a backend explicitly, this in-memory one unless they test the real Secret Service.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest

from tests.conftest import skip_or_fail


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Keeps secrets in a dict for the life of the instance."""

    # Below the "fail" backend's 0, so keyring's auto-detection never chooses it (nor chains it):
    # it is only ever used when a test pins it with keyring.set_keyring.
    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("No such password!") from None


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Pin a fresh :class:`MemoryKeyring` for one test; the backend in place before is restored after."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def real_secret_service() -> keyring.backend.KeyringBackend:
    """The real Secret Service backend (GNOME Keyring over D-Bus); skips (fails in CI) without one.

    Run under ``.ci/keyring-session``, which starts a private session bus and an unlocked, throwaway keyring.
    """
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        skip_or_fail("needs a D-Bus session bus with a Secret Service: run under .ci/keyring-session")
    try:
        import keyring.backends.SecretService

        backend = keyring.backends.SecretService.Keyring()
        priority = backend.priority
    except Exception as error:
        skip_or_fail(f"the Secret Service is not usable ({type(error).__name__}: {error})")
    if not priority > 0:
        skip_or_fail(f"the Secret Service backend has priority {priority}")
    return backend


@pytest.fixture
def secret_service() -> Iterator[keyring.backend.KeyringBackend]:
    """The real Secret Service backend, pinned for the test; the previous backend is restored after."""
    backend = real_secret_service()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
