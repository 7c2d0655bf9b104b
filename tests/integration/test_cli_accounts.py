"""``secondlook accounts`` and ``secondlook publish`` end to end, in-process, against mastodon-mock.

The real AccountManager, store, checks and publisher run; only the keyring is the in-memory test backend
(the real Secret Service is test_no_secret_leaks.py's), and standard input is a string.
"""

from __future__ import annotations

import getpass
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop import cli_accounts, cli_publish
from desktop.accounts import CONNECTED_PLATFORMS
from desktop.cli import main
from desktop.records import SentPost
from desktop.storage import Store
from tests.keyring_backends import MemoryKeyring, memory_keyring
from tests.support.fault_proxy import FaultProxy
from tests.support.mastodon_server import TOKEN, MockServer, statuses_count

__all__ = ["memory_keyring"]

POLICY = """
[severity]
"personal_data.phone" = "block"

[publish]
undo_seconds = 0
"""
TEXT = "Trail maps for the spring are out"


def piped(text: str) -> io.TextIOWrapper:
    """Standard input from a pipe or a file (with the bytes underneath, as `secondlook check` reads them)."""
    return io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")


class Terminal(io.TextIOWrapper):
    """Standard input as a person at a terminal types it."""

    def __init__(self, typed: str) -> None:
        super().__init__(io.BytesIO(typed.encode("utf-8")), encoding="utf-8")

    def isatty(self) -> bool:
        return True


def write_workspace(folder: Path, handle: str, policy: str = POLICY) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "accounts.toml").write_text(
        f'[[account]]\nid = "acme"\nplatform = "mastodon"\nhandle = "{handle}"\nname = "Acme"\nkind = "brand"\n',
        encoding="utf-8",
    )
    (folder / "policy.toml").write_text(policy, encoding="utf-8")
    return folder


@dataclass
class Laptop:
    """A data folder and a workspace in tmp, the server, and ``secondlook`` run in this process."""

    home: Path
    workspace: Path
    server: MockServer
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    @property
    def handle(self) -> str:
        """mastodon-mock's seeded account, as the platform names it and accounts.toml configures it."""
        return f"@secondlook@localhost:{self.server.port}"

    def run(self, *argv: str, stdin: str | io.TextIOWrapper = "") -> tuple[int, str, str]:
        """``secondlook ARGS``: (exit status, standard output, standard error)."""
        self.monkeypatch.setattr(sys, "stdin", stdin if isinstance(stdin, io.TextIOWrapper) else piped(stdin))
        status = main(list(argv))
        out, err = self.capsys.readouterr()
        return status, out, err

    def add(self, server_url: str | None = None, token: str = TOKEN) -> tuple[int, str, str]:
        return self.run(
            "accounts", "add", "--workspace", str(self.workspace), "--id", "acme", "--platform", "mastodon",
            "--server", server_url or self.server.url, stdin=token + "\n",
        )  # fmt: skip

    def publish(self, *args: str, stdin: str | io.TextIOWrapper = "") -> tuple[int, str, str]:
        return self.run("publish", "--workspace", str(self.workspace), "--account", "acme", *args, stdin=stdin)

    def sent_posts(self) -> list[SentPost]:
        with Store(self.home / "secondlook.db") as store:
            return store.sent_posts(str(self.workspace.resolve()))

    def on_server(self) -> int:
        return statuses_count(self.server.url)


@pytest.fixture
def laptop(
    tmp_path: Path, server: MockServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Laptop:
    """The app's data folder in tmp, and the rule-based checks only (the model is test_command.py's)."""
    home = tmp_path / "home"
    monkeypatch.setenv("SECONDLOOK_HOME", str(home))
    monkeypatch.setenv("SECONDLOOK_MODEL", "none")
    folder = write_workspace(tmp_path / "ws", f"@secondlook@localhost:{server.port}")
    return Laptop(home, folder, server, monkeypatch, capsys)


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(TEXT + "\n", encoding="utf-8")
    return path


# --- accounts add / list / verify / remove -----------------------------------------------------------------


def test_add_reads_the_token_from_stdin_and_list_shows_the_verified_identity(
    laptop: Laptop, memory_keyring: MemoryKeyring
) -> None:
    status, out, err = laptop.add()

    assert status == 0, err
    assert "Second Look QA" in out and laptop.handle in out and "verified" in out
    assert "system keyring" in out
    assert memory_keyring.entries == {("Second Look", "acme/token"): TOKEN}
    assert TOKEN not in out + err

    ws = ("--workspace", str(laptop.workspace))
    status, out, err = laptop.run("accounts", "list", *ws)
    assert status == 0, err
    line = out.splitlines()[0]
    assert line.split()[:3] == ["acme", "Mastodon", laptop.handle]
    assert "Second Look QA" in line and "1 follower" in line and "last verified" in line
    assert "Not verified with Mastodon yet" in out  # a new process: listed, not asked again
    assert "secondlook accounts verify --all" in out

    status, out, _ = laptop.run("accounts", "list", *ws, "--json")
    (entry,) = json.loads(out)
    assert entry["identity"]["handle"] == laptop.handle and entry["identity"]["followers"] == 1
    assert entry["configured_handle"] == laptop.handle and entry["last_verified"]

    status, out, _ = laptop.run("accounts", "verify", *ws, "acme")
    assert status == 0 and "Mastodon confirmed the account" in out


def test_an_empty_secret_or_a_missing_server_is_refused_before_anything_is_saved(
    laptop: Laptop, memory_keyring: MemoryKeyring
) -> None:
    status, _, err = laptop.add(token="  ")
    assert status == 2 and "no access token was given" in err and "standard input" in err

    status, _, err = laptop.run(
        "accounts", "add", "--workspace", str(laptop.workspace), "--id", "acme", "--platform", "mastodon", stdin=TOKEN
    )
    assert status == 2 and "--server" in err
    assert memory_keyring.entries == {}


def test_a_refused_token_is_explained_without_the_token(laptop: Laptop, memory_keyring: MemoryKeyring) -> None:
    status, out, err = laptop.add(token="not-the-right-token-4242")
    assert status == 1 and "Nothing was saved" in err
    assert "not-the-right-token-4242" not in out + err
    assert memory_keyring.entries == {}


@pytest.mark.usefixtures("memory_keyring")
def test_at_a_terminal_the_token_is_asked_for_without_echo(laptop: Laptop, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts: list[str] = []

    def typed(prompt: str = "") -> str:
        prompts.append(prompt)
        return TOKEN

    monkeypatch.setattr(getpass, "getpass", typed)
    status, out, err = laptop.run(
        "accounts", "add", "--workspace", str(laptop.workspace), "--id", "acme", "--platform", "mastodon",
        "--server", laptop.server.url, stdin=Terminal(""),
    )  # fmt: skip
    assert status == 0, err
    assert prompts == ["Access token for 'acme' (not shown as you type): "]
    assert TOKEN not in out + err


def test_a_token_cannot_be_given_as_an_argument(laptop: Laptop) -> None:
    with pytest.raises(SystemExit) as exited:
        laptop.run(
            "accounts", "add", "--workspace", str(laptop.workspace), "--id", "acme", "--platform", "mastodon",
            "--server", laptop.server.url, "--token", TOKEN,
        )  # fmt: skip
    assert exited.value.code == 3  # a usage error, as everywhere in `secondlook`
    assert "unrecognized arguments: --token" in laptop.capsys.readouterr().err
    assert cli_accounts.PLATFORMS == CONNECTED_PLATFORMS


def test_remove_deletes_the_token_from_the_keyring(laptop: Laptop, memory_keyring: MemoryKeyring) -> None:
    laptop.add()
    ws = ("--workspace", str(laptop.workspace))

    status, out, err = laptop.run("accounts", "remove", *ws, "acme")

    assert status == 0, err
    assert "Removed 'acme'" in out and "deleted its credentials" in out and "Second Look QA" in out
    assert memory_keyring.entries == {}
    status, out, _ = laptop.run("accounts", "list", *ws)
    assert "not connected" in out.splitlines()[0]
    status, _, err = laptop.run("accounts", "verify", *ws, "acme")
    assert status == 1 and "nothing to verify" in err and "--platform mastodon" in err


# --- publish ----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("memory_keyring")
def test_publish_with_confirm_posts_and_prints_the_url(laptop: Laptop, draft: Path) -> None:
    laptop.add()

    status, out, err = laptop.publish("--confirm", laptop.handle, str(draft))

    assert status == 0, err
    assert f"Post publicly as Acme, {laptop.handle}, to 1 follower" in out
    assert f"  | {TEXT}\n" in out
    assert laptop.on_server() == 1
    (sent,) = laptop.sent_posts()
    assert sent.url and f"Posted as Acme to {sent.url}." in out
    assert sent.text == TEXT  # the file's last line break is not posted


@pytest.mark.usefixtures("memory_keyring")
def test_publish_from_stdin_needs_confirm_and_a_wrong_one_is_refused(laptop: Laptop) -> None:
    laptop.add()

    status, out, err = laptop.publish("-", stdin=TEXT)
    assert status == 2
    assert TEXT in out  # the confirmation was shown
    assert f"Confirm with --confirm {laptop.handle}" in err and "the text came from standard input" in err

    status, _, err = laptop.publish("--confirm", "@acme@mastodon.social", "-", stdin=TEXT)
    assert status == 2 and "is not the account's handle" in err and laptop.handle in err

    assert laptop.on_server() == 0


@pytest.mark.usefixtures("memory_keyring")
def test_a_blocking_finding_needs_a_reason_and_the_reason_is_stored(laptop: Laptop) -> None:
    laptop.add()
    text = "Call me on 07700 900123"

    status, out, err = laptop.publish("--confirm", laptop.handle, "-", stdin=text)
    assert status == 2
    assert "Blocking: can only go out with a written reason (1):" in out and "07700 900123" in out
    assert "needs a written reason" in err and "--reason" in err
    assert laptop.on_server() == 0

    status, out, err = laptop.publish(
        "--confirm", laptop.handle, "--reason", "Our public support line", "-", stdin=text
    )
    assert status == 0, err
    assert laptop.on_server() == 1
    (sent,) = laptop.sent_posts()
    assert sent.override_reason == "Our public support line"
    assert any(item.startswith("personal_data.phone: ") for item in sent.overridden)


@pytest.mark.usefixtures("memory_keyring")
def test_a_blocking_finding_the_policy_does_not_let_through(laptop: Laptop) -> None:
    write_workspace(laptop.workspace, laptop.handle, policy=POLICY + "allow_override = false\n")
    laptop.add()
    status, out, err = laptop.publish(
        "--confirm", laptop.handle, "--reason", "please", "-", stdin="Call me on 07700 900123"
    )
    assert status == 2
    assert "Blocking: must be fixed before publishing" in out
    assert "the policy does not allow overriding them" in err
    assert laptop.on_server() == 0


@pytest.mark.usefixtures("memory_keyring")
def test_a_handle_changed_in_accounts_toml_blocks_verify_and_publish(laptop: Laptop) -> None:
    laptop.add()
    write_workspace(laptop.workspace, "@acme@mastodon.social")

    status, out, _ = laptop.run("accounts", "verify", "--workspace", str(laptop.workspace), "--all")
    assert status == 2
    assert "handle mismatch" in out and "@acme@mastodon.social" in out and laptop.handle in out

    status, _, err = laptop.publish("--confirm", "@acme@mastodon.social", "-", stdin=TEXT)
    assert status == 2
    assert "Publishing to Acme is blocked: the credentials speak for" in err and "accounts.toml" in err
    assert laptop.on_server() == 0


@pytest.mark.usefixtures("memory_keyring")
def test_a_server_that_fails_every_try_sends_nothing_and_keeps_the_draft(laptop: Laptop, proxy: FaultProxy) -> None:
    laptop.add(proxy.url)
    proxy.inject("POST", "/api/v1/statuses", "500", times=50)

    status, _, err = laptop.publish("--confirm", laptop.handle, "-", stdin=TEXT)

    assert status == 1
    assert "Your draft is kept" in err and "500" in err
    assert laptop.on_server() == 0


@pytest.mark.usefixtures("memory_keyring")
def test_an_unreachable_server_fails_verify_and_publish_before_any_question(laptop: Laptop, proxy: FaultProxy) -> None:
    laptop.add(proxy.url)
    proxy.stop()  # nothing listens at the account's server address any more

    status, out, _ = laptop.run("accounts", "verify", "--workspace", str(laptop.workspace), "acme")
    assert status == 1 and "not verified" in out

    status, out, err = laptop.publish("--confirm", laptop.handle, "-", stdin=TEXT)
    assert status == 1
    assert "Second Look could not confirm who Acme is" in err and "Your draft is kept" in err
    assert out == ""  # nothing was asked: it could not have been sent
    assert laptop.on_server() == 0


# --- at a terminal -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("memory_keyring")
def test_at_a_terminal_the_person_answers_yes(laptop: Laptop, draft: Path) -> None:
    laptop.add()

    status, out, err = laptop.publish(str(draft), stdin=Terminal("no\n"))
    assert status == 2 and 'Type "yes" to publish' in out and 'answer "yes"' in err
    assert laptop.on_server() == 0

    status, out, err = laptop.publish(str(draft), stdin=Terminal("yes\n"))
    assert status == 0, err
    assert laptop.on_server() == 1


@pytest.mark.usefixtures("memory_keyring")
def test_at_a_terminal_a_reason_is_asked_for_and_a_personal_post_needs_the_handle_typed(
    laptop: Laptop, tmp_path: Path
) -> None:
    laptop.add()
    path = tmp_path / "personal.txt"
    path.write_text("Call me on 07700 900123", encoding="utf-8")

    status, out, err = laptop.publish(str(path), stdin=Terminal("The support line\n@acme\n"))
    assert status == 2
    assert cli_publish.REASON_PROMPT in out and f"type its handle, {laptop.handle}" in out
    assert "is not the account's handle" in err

    status, out, err = laptop.publish(str(path), stdin=Terminal(f"The support line\n{laptop.handle.upper()}\n"))
    assert status == 0, err
    (sent,) = laptop.sent_posts()
    assert sent.override_reason == "The support line"
    assert any(item.startswith("personal_voice") for item in sent.acknowledged)


# --- the undo window, and accounts that are not connected -------------------------------------------------


@pytest.mark.usefixtures("memory_keyring")
def test_the_countdown_can_be_cancelled_with_ctrl_c(laptop: Laptop, monkeypatch: pytest.MonkeyPatch) -> None:
    write_workspace(laptop.workspace, "@acme@mastodon.social", policy="[publish]\nundo_seconds = 3\n")

    def ctrl_c(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_publish, "sleep", ctrl_c)
    status, out, err = laptop.publish("--confirm", "acme@mastodon.social", "-", stdin=TEXT)
    assert status == 130
    assert "Sending as Acme in 3 s; Ctrl+C cancels" in err and "Not sent." in err
    assert laptop.sent_posts() == []

    now = [0.0]
    monkeypatch.setattr(cli_publish, "clock", lambda: now[0])
    monkeypatch.setattr(cli_publish, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    status, out, err = laptop.publish("--confirm", "acme@mastodon.social", "-", stdin=TEXT)
    assert status == 0, err
    assert "to the local outbox" in out and "nothing leaves this laptop" in out  # not connected: the outbox
    assert [p.destination for p in laptop.sent_posts()] == ["outbox"]
    assert laptop.on_server() == 0


def test_unknown_account_and_unreadable_text_are_usage_errors(laptop: Laptop, tmp_path: Path) -> None:
    ws = ("--workspace", str(laptop.workspace))
    status, _, err = laptop.run("publish", *ws, "--account", "nope", "--confirm", "x", "-", stdin="Hi")
    assert status == 3 and "There is no account 'nope'" in err
    status, _, err = laptop.publish(str(tmp_path / "missing.txt"))
    assert status == 3 and "file not found" in err
    status, _, err = laptop.publish("-", stdin=" \n")
    assert status == 3 and "nothing to publish" in err


def test_the_account_commands_do_not_load_qt(laptop: Laptop) -> None:
    code = (
        "import sys; from desktop.cli import main; "
        f"status = main(['accounts', 'list', '--workspace', {str(laptop.workspace)!r}]); "
        "assert 'PySide6' not in sys.modules, 'Qt was loaded'; sys.exit(status)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "acme" in done.stdout
