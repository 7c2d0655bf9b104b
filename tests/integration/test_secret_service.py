"""desktop.secrets against the real Secret Service (GNOME Keyring over D-Bus), as the app uses it on Linux.

Run under ``.ci/keyring-session`` (CI does), which starts a private session bus and an unlocked, throwaway
gnome-keyring whose files live in a temporary XDG_DATA_HOME. Elsewhere these tests skip (and fail in CI).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from desktop import secrets
from desktop.settings import data_dir
from tests.keyring_backends import secret_service

__all__ = ["secret_service"]  # a fixture, used by name


@pytest.fixture
def account_ids(secret_service: keyring.backend.KeyringBackend) -> Iterator[list[str]]:
    """Unique account ids; whatever a test leaves under them in the keyring is deleted afterwards."""
    ids = [f"test-{uuid.uuid4().hex}" for _ in range(2)]
    try:
        yield ids
    finally:
        for account_id in ids:
            secrets.delete_secrets(account_id)


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []


def test_round_trip_and_delete_through_the_real_secret_service(
    secret_service: keyring.backend.KeyringBackend, account_ids: list[str]
) -> None:
    mine, other = account_ids
    token = f"tok-{uuid.uuid4().hex}"
    secrets.store_secret(mine, "token", token)
    secrets.store_secret(mine, "webhook_url", f"https://hooks.example/{uuid.uuid4().hex}")
    secrets.store_secret(other, "token", "other-" + token)

    assert secrets.load_secret(mine, "token") == token
    assert secret_service.get_password(secrets.SERVICE, f"{mine}/token") == token  # under the app's name
    assert secrets.backend_name().startswith("SecretService Keyring")

    assert secrets.delete_secrets(mine) == ["token", "webhook_url"]

    assert secrets.load_secret(mine, "token") is None
    assert secrets.load_secret(mine, "webhook_url") is None
    assert secrets.load_secret(other, "token") == "other-" + token
    assert secrets.delete_secrets(mine) == []


def test_a_stored_secret_is_in_no_file_in_clear_text(
    secret_service: keyring.backend.KeyringBackend, account_ids: list[str], tmp_path: Path
) -> None:
    token = f"tok-{uuid.uuid4().hex}"
    secrets.store_secret(account_ids[0], "token", token)
    assert secrets.load_secret(account_ids[0], "token") == token

    xdg_data = os.environ.get("XDG_DATA_HOME")
    keyrings = Path(xdg_data or Path.home() / ".local" / "share") / "keyrings"
    folders = [keyrings, data_dir(), tmp_path.parent]
    if xdg_data and "secondlook-keyring" in xdg_data:
        folders.append(Path(xdg_data))  # .ci/keyring-session's throwaway folder: small enough to read whole
        assert _files_under(keyrings), f"gnome-keyring wrote no keyring file under {keyrings}"
    needle = token.encode()
    for path in {file for folder in folders for file in _files_under(folder)}:
        try:
            content = path.read_bytes()
        except OSError:
            continue
        assert needle not in content, f"the token is in {path} in clear text"
