"""The composer with real accounts: identity in the banner, the platform's limit, the handle block, delete.

The window runs offscreen with the real AccountManager, the SQLite store, the in-memory test keyring
and mastodon-mock (through the fault proxy, which also serves an instance with its own limit).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from checks import Checker, load_workspace
from desktop.accounts import AccountManager
from desktop.platforms.mastodon import MastodonClient
from desktop.records import MISMATCH, VERIFIED, AccountStatus
from desktop.storage import Store
from tests.keyring_backends import MemoryKeyring, memory_keyring
from tests.support.fault_proxy import FaultProxy
from tests.support.mastodon_server import TOKEN, MockServer
from ui.composer_window import ComposerWindow, Services

__all__ = ["memory_keyring"]

WAIT_MS = 10_000
LIMIT = 5000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


def workspace_folder(tmp_path: Path, handle: str) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir(exist_ok=True)
    (folder / "accounts.toml").write_text(
        f'[[account]]\nid = "acme"\nplatform = "mastodon"\nhandle = "{handle}"\nname = "Acme"\nkind = "brand"\n'
        'audience = 7\n\n[[account]]\nid = "sam"\nplatform = "bluesky"\nhandle = "@sam.bsky.social"\n'
        'name = "Sam"\nkind = "personal"\n'
    )
    (folder / "policy.toml").write_text("[publish]\nundo_seconds = 0\n")
    return folder


def open_window(qtbot: QtBot, store: Store, folder: Path, tmp_path: Path) -> ComposerWindow:
    accounts = AccountManager(store, load_workspace(folder), avatar_dir=tmp_path / "avatars", timeout=3.0, user="sam")
    workspace = accounts.current_workspace()
    services = Services(
        store=store,
        publisher_for=accounts.publisher_for,
        checker=Checker(workspace, use_model=False),
        rules_checker=Checker(workspace, use_model=False),
        accounts=accounts,
    )
    window = ComposerWindow(workspace, str(folder), services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.accounts_verified, timeout=WAIT_MS):
        window.show()
    return window


@pytest.fixture
def connected(
    tmp_path: Path, store: Store, server: MockServer, proxy: FaultProxy, memory_keyring: MemoryKeyring
) -> Path:
    """A workspace whose acme is connected to the mock server (an instance allowing 5,000 characters)."""
    limit = {"configuration": {"statuses": {"max_characters": LIMIT}}}
    proxy.rewrite_json("GET", "/api/v2/instance", lambda instance: {**instance, **limit})
    folder = workspace_folder(tmp_path, f"@secondlook@localhost:{server.port}")
    AccountManager(store, load_workspace(folder), avatar_dir=tmp_path / "avatars").add(
        "acme", "mastodon", proxy.url, TOKEN
    )
    return folder


def statuses_on(server: MockServer) -> list[str]:
    with MastodonClient(server.url, TOKEN) as mastodon:
        return [text for _, text in mastodon.recent_statuses(limit=40)]


def test_the_banner_shows_the_platforms_identity_and_the_counter_its_limit(
    qtbot: QtBot, tmp_path: Path, store: Store, server: MockServer, connected: Path
) -> None:
    window = open_window(qtbot, store, connected, tmp_path)

    status = window.banner.status()
    assert isinstance(status, AccountStatus) and status.state == VERIFIED
    assert "Verified on Mastodon" in window.banner.status_text()
    assert window.banner.title_text() == "Second Look QA"  # the platform's display name, not "Acme"
    assert window.banner.warning_text() == ""
    with qtbot.waitSignal(window.checked, timeout=WAIT_MS):
        qtbot.keyClicks(window.editor, "x" * 600)
    measure = window.counter.current_measure()
    assert measure is not None and measure.limit == LIMIT and not window.counter.is_over()

    # Switching to the account that is not connected says where its posts go.
    window.switch_account("sam")
    assert "outbox" in window.banner.status_text().lower()
    window.close()


def test_a_handle_that_differs_blocks_publishing_in_the_confirmation(
    qtbot: QtBot, tmp_path: Path, store: Store, server: MockServer, connected: Path
) -> None:
    text = (
        (connected / "accounts.toml")
        .read_text()
        .replace(f"@secondlook@localhost:{server.port}", "@acme@elsewhere.social")
    )
    (connected / "accounts.toml").write_text(text)
    window = open_window(qtbot, store, connected, tmp_path)

    assert window.statuses["acme"].state == MISMATCH
    assert "@acme@elsewhere.social" in window.banner.warning_text()
    with qtbot.waitSignal(window.checked, timeout=WAIT_MS):
        qtbot.keyClicks(window.editor, "Trail maps are out.")
    qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(window, "confirm_dialog", None) is not None, timeout=WAIT_MS)
    dialog = window.confirm_dialog
    assert not dialog.publish_button.isEnabled()
    assert any("@acme@elsewhere.social" in problem for problem in dialog.problems())
    dialog.reject()
    assert statuses_on(server) == []
    window.close()


def test_publish_then_delete_from_the_sent_view_and_own_it(
    qtbot: QtBot, tmp_path: Path, store: Store, server: MockServer, connected: Path
) -> None:
    window = open_window(qtbot, store, connected, tmp_path)
    with qtbot.waitSignal(window.checked, timeout=WAIT_MS):
        qtbot.keyClicks(window.editor, "Trail maps are out.")
    qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(window, "confirm_dialog", None) is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(window.published, timeout=WAIT_MS) as published:
        qtbot.mouseClick(window.confirm_dialog.publish_button, Qt.MouseButton.LeftButton)
    receipt = published.args[0]
    assert statuses_on(server) == ["Trail maps are out."]
    assert receipt.post.url and receipt.post.url in window.status.text()

    with qtbot.waitSignal(window.post_deleted, timeout=WAIT_MS) as deleted:
        window.sent.delete_requested.emit(receipt.post.id, "Wrong date in it")
    assert statuses_on(server) == []
    post = deleted.args[0]
    assert (post.deleted_by, post.delete_reason) == ("sam", "Wrong date in it")
    assert [p.deleted for p in store.sent_posts(str(connected))] == [True]

    window.sent.acknowledgement_requested.emit(post)
    assert window.account.id == "acme"
    assert window.editor.draft_text().startswith("We deleted an earlier post")
    window.close()
