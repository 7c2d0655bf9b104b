"""A keyring backend for tests, and the fixture that pins it.

Tests never rely on keyring's auto-detection (it would pick the developer's real keyring, or none in CI):
they pin a backend explicitly, this in-memory one unless they test the real Secret Service.
"""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest


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
