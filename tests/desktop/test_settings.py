"""Where the app keeps its files (desktop.settings), and the state it remembers between runs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import platformdirs
import pytest

from desktop.records import AppState
from desktop.settings import data_dir, default_database_path, load_state, save_state


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "secondlook-home"
    monkeypatch.setenv("SECONDLOOK_HOME", str(folder))
    return folder


def test_secondlook_home_moves_everything(home: Path) -> None:
    assert data_dir() == home
    assert default_database_path() == home / "secondlook.db"


def test_without_secondlook_home_the_os_data_folder_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECONDLOOK_HOME", raising=False)
    assert data_dir() == Path(platformdirs.user_data_dir("secondlook", appauthor=False))
    monkeypatch.setenv("SECONDLOOK_HOME", "")  # set but empty counts as unset
    assert data_dir() == Path(platformdirs.user_data_dir("secondlook", appauthor=False))


def test_no_state_file_gives_the_default_and_creates_nothing(home: Path) -> None:
    assert load_state() == AppState()
    assert not home.exists()


def test_state_round_trips_and_leaves_no_temporary_files(home: Path) -> None:
    state = AppState(last_workspace="/home/pat/caf\udce9 \ud83d\ude00", extra={"window": "maximised", "théme": "dark"})
    save_state(state)
    assert load_state() == state
    save_state(AppState(last_workspace="/elsewhere"))
    assert load_state() == AppState(last_workspace="/elsewhere")
    assert [p.name for p in home.iterdir()] == ["state.json"]


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b""])
def test_a_corrupt_state_file_gives_the_default_with_a_warning(
    home: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    home.mkdir()
    (home / "state.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="desktop.settings"):
        assert load_state() == AppState()
    assert str(home / "state.json") in caplog.text
    save_state(AppState(last_workspace="/ws"))  # the next save replaces the damaged file
    assert load_state() == AppState(last_workspace="/ws")


def test_values_of_the_wrong_type_are_dropped_and_the_rest_kept(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    home.mkdir()
    (home / "state.json").write_text(
        json.dumps({"last_workspace": 42, "extra": {"ok": "yes", "bad": [1]}}), encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING, logger="desktop.settings"):
        assert load_state() == AppState(last_workspace=None, extra={"ok": "yes"})
    assert "wrong type" in caplog.text
