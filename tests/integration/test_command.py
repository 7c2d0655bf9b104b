"""The installed `secondlook` command, as a user runs it: real process, real stdin."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from checks.resources import resource_path


def secondlook(*args: str, stdin: bytes = b"", env_model: str | None = "none") -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which("secondlook") or ""
    command = [exe] if exe else [sys.executable, "-m", "desktop"]
    env = None
    if env_model is not None:
        import os

        env = {**os.environ, "SECONDLOOK_MODEL": env_model}
    return subprocess.run([*command, *args], input=stdin, capture_output=True, timeout=120, env=env, check=False)


def test_stdin_draft_and_exit_status() -> None:
    done = secondlook("check", "--account", "acme", "-", stdin=b"card 4111 1111 1111 1111")
    assert done.returncode == 2, done.stderr
    assert b"BLOCKED" in done.stdout


def test_one_megabyte_paste_gets_an_answer_not_a_traceback() -> None:
    paste = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 18_000).encode()
    assert len(paste) > 1_000_000
    done = secondlook("check", "--account", "acme", "--json", "-", stdin=paste + b" call 303-555-0147")
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    checks = {f["check"] for f in json.loads(done.stdout)["findings"]}
    assert {"personal_data.phone", "platform.length"} <= checks


def test_lone_surrogates_and_garbage_never_traceback() -> None:
    done = secondlook("check", "--account", "acme", "-", stdin=b"\xed\xa0\x80 \xff\xfe garbage")
    assert done.returncode == 3
    assert b"not UTF-8 text" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize("draft", ["launch.txt", "oops.txt"])
def test_demo_drafts_with_the_model(draft: str, nlp) -> None:  # type: ignore[no-untyped-def]
    done = secondlook(
        "check", "--account", "acme", str(resource_path("demo_workspace", "drafts", draft)), env_model=None
    )
    assert b"Not checked" not in done.stdout
    assert done.returncode == (0 if draft == "launch.txt" else 2), done.stdout.decode()


def test_window_without_a_screen_explains_instead_of_aborting() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "desktop.cli"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert "no screen to open the window on" in result.stderr
    assert "Traceback" not in result.stderr
