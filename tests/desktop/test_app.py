"""Starting the app: the written policy document and the choice of workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import demo_workspace_path
from desktop.app import choose_workspace, read_policy_document
from desktop.records import AppState
from desktop.settings import save_state


def test_the_demo_workspace_has_a_written_policy() -> None:
    document = read_policy_document(demo_workspace_path())
    assert document is not None and "Who speaks for Acme" in document


def test_no_document_gives_none_and_a_broken_one_says_why(tmp_path: Path) -> None:
    assert read_policy_document(tmp_path) is None
    (tmp_path / "policy.md").write_bytes(b"\xff\xfe not utf-8")
    assert "could not be read" in (read_policy_document(tmp_path) or "")
    (tmp_path / "policy.md").write_text("x" * 1_000_001, encoding="utf-8")
    assert "over 1 MB" in (read_policy_document(tmp_path) or "")


def test_a_last_workspace_that_no_longer_loads_falls_back_to_the_demo_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECONDLOOK_HOME", str(tmp_path / "home"))
    save_state(AppState(last_workspace=str(tmp_path / "gone")))
    workspace, problem = choose_workspace(None)
    assert workspace.path is not None and workspace.path.resolve() == demo_workspace_path().resolve()
    assert problem is not None and "demo is open" in problem
