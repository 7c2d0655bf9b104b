"""`secondlook check`, run in-process (fast) for output and exit status."""

import json
from pathlib import Path

import pytest

from checks.resources import resource_path
from desktop.cli import main

DRAFTS = resource_path("demo_workspace", "drafts")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # The command's own behaviour is the point here; the model has its own tests.
    monkeypatch.setenv("SECONDLOOK_MODEL", "none")


def test_check_blocked_draft_names_account_verdict_and_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--account", "acme", str(DRAFTS / "oops.txt"))
    assert status == 2
    assert "Account: Acme Outdoor (@acme@mastodon.social), brand account on Mastodon, 48,000 followers" in out
    assert "Verdict: BLOCKED" in out
    assert '"(303) 555-0147"' in out
    assert "Not checked: personal_data.person" in out


def test_check_clear_draft_exits_zero(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "ok.txt"
    draft.write_text("Our winter collection is in stores now.", encoding="utf-8")
    status, out, _ = run(capsys, "--account", "acme", str(draft))
    assert status == 0
    assert "Verdict: CLEAR" in out


def test_check_warning_exits_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "warn.txt"
    draft.write_text("mail me: sam@example.org", encoding="utf-8")
    status, _, _ = run(capsys, "--account", "acme", str(draft))
    assert status == 1


def test_check_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--account", "acme", "--json", str(DRAFTS / "oops.txt"))
    data = json.loads(out)
    assert status == 2
    assert data["account"] == "acme" and data["verdict"] == "blocked"
    phone = next(f for f in data["findings"] if f["check"] == "personal_data.phone")
    assert set(phone) == {"check", "category", "severity", "start", "end", "text", "message", "suggestion"}
    text = (DRAFTS / "oops.txt").read_text(encoding="utf-8")
    assert text[phone["start"] : phone["end"]] == phone["text"] == "(303) 555-0147"


def test_unknown_account_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--account", "nope", str(DRAFTS / "oops.txt"))
    assert status == 3 and out == ""
    assert "There is no account 'nope'" in err and "acme, sam, harbor" in err


def test_missing_account_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, str(DRAFTS / "oops.txt"))
    assert status == 3
    assert "Add --account ID (accounts: acme, sam, harbor)" in err


def test_bad_option_is_usage_error_3_not_argparse_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--acount", "acme"])
    assert exited.value.code == 3


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "--account", "acme", str(tmp_path / "nope.txt"))
    assert status == 3 and "nope.txt: file not found" in err


def test_binary_garbage_is_refused_clearly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "garbage.bin"
    draft.write_bytes(bytes(range(256)) * 4)
    status, _, err = run(capsys, "--account", "acme", str(draft))
    assert status == 3 and "binary data" in err


def test_invalid_utf8_names_the_offset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "latin1.txt"
    draft.write_bytes("Café au lait".encode("latin-1"))
    status, _, err = run(capsys, "--account", "acme", str(draft))
    assert status == 3 and "is not UTF-8 text (byte 0xe9 at offset 3)" in err


def test_broken_policy_is_reported_with_file_and_line(capsys: pytest.CaptureFixture[str], make_workspace) -> None:  # type: ignore[no-untyped-def]
    folder = make_workspace(policy='[severity]\n"personal_data.phone" = "loud"\n')
    status, _, err = run(capsys, "--workspace", str(folder), "--account", "acme", str(DRAFTS / "oops.txt"))
    assert status == 3
    assert f"{folder / 'policy.toml'}, line 2, key 'severity.\"personal_data.phone\"'" in err


def test_rtl_and_emoji_draft_quotes_exactly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = "שלום 👩🏽‍💻 call 303-555-0147 مرحبا 🇺🇦"
    draft = tmp_path / "rtl.txt"
    draft.write_text(text, encoding="utf-8")
    status, out, _ = run(capsys, "--account", "sam", "--json", str(draft))
    finding = json.loads(out)["findings"][0]
    assert status == 1
    assert text[finding["start"] : finding["end"]] == finding["text"] == "303-555-0147"


def write_calendar(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "calendar.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_calendar_json_lines_with_row_numbers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_calendar(
        tmp_path,
        'date,account,text\n2026-12-01,acme,"Winter sale starts now!"\n2026-12-02,harbor,"Mail sam@example.org"\n',
    )
    status, out, _ = run(capsys, "--csv", str(path), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 1  # the worst row: a warning on the client account
    assert [(r["row"], r["account"], r["verdict"]) for r in rows] == [(2, "acme", "clear"), (3, "harbor", "confirm")]


def test_calendar_default_account_and_blocked_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_calendar(tmp_path, "text\nhello\ncard 4111 1111 1111 1111\n")
    status, out, _ = run(capsys, "--csv", str(path), "--account", "acme")
    assert status == 2
    assert "row 3: Account: Acme Outdoor" in out
    assert "Checked 2 of 2 rows" in out


def test_calendar_bad_rows_are_reported_and_exit_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_calendar(tmp_path, "account,text\nacme,hello\nacmee,hi\n,hey\n")
    status, out, _ = run(capsys, "--csv", str(path))
    assert status == 3
    assert "row 3: no account 'acmee'" in out
    assert "row 4: no account: fill the 'account' column" in out
    assert "Checked 1 of 3 rows" in out


def test_calendar_without_text_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_calendar(tmp_path, "account,body\nacme,hello\n")
    status, _, err = run(capsys, "--csv", str(path))
    assert status == 3 and "needs a 'text' column (found: account, body)" in err
