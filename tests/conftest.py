"""Shared fixtures. Tests that need the spaCy model use ``nlp``; everything else runs without it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# Widget tests run without a screen; the screenshot script and the subprocess test choose their own.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from checks import Checker, Workspace, load_workspace
from checks.model import load_english


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine that lacks a part; fail in CI, which installs every part."""
    if os.environ.get("SECONDLOOK_REQUIRE_ALL"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def demo() -> Workspace:
    return load_workspace()


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    status = load_english()
    if status.nlp is None:
        skip_or_fail(f"needs the spaCy model: {status.problem}")
    return status.nlp


@pytest.fixture(scope="session")
def rules_checker(demo: Workspace) -> Checker:
    """The demo workspace without the language model: rule-based checks only."""
    return Checker(demo, use_model=False)


@pytest.fixture(scope="session")
def model_checker(demo: Workspace, nlp) -> Checker:  # type: ignore[no-untyped-def]
    return Checker(demo, nlp=nlp)


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., Path]:
    """Write a workspace folder from TOML strings and return its path."""

    def make(accounts: str | None = None, policy: str | None = "") -> Path:
        folder = tmp_path / "ws"
        folder.mkdir(exist_ok=True)
        (folder / "accounts.toml").write_text(
            accounts
            if accounts is not None
            else '[[account]]\nid = "acme"\nplatform = "mastodon"\nhandle = "@acme@example.social"\n'
            'name = "Acme"\nkind = "brand"\naudience = 100\nbrand_terms = ["Acme"]\n',
            encoding="utf-8",
        )
        if policy is not None:
            (folder / "policy.toml").write_text(policy, encoding="utf-8")
        return folder

    return make
