from collections.abc import Callable
from pathlib import Path

import pytest

from checks import load_workspace
from checks.errors import ConfigError, UnknownAccountError
from checks.findings import Severity
from checks.policy import default_policy_path
from checks.registry import known_check_ids
from checks.toml_source import load_toml

MakeWorkspace = Callable[..., Path]


def test_demo_workspace_has_brand_personal_and_client_accounts(demo) -> None:  # type: ignore[no-untyped-def]
    kinds = {a.kind for a in demo.accounts}
    assert kinds == {"brand", "personal", "client"}
    assert demo.account("acme").describe() == (
        "Acme Outdoor (@acme@mastodon.social), brand account on Mastodon, 48,000 followers"
    )


def test_default_policy_names_a_severity_for_every_check() -> None:
    severities = load_toml(default_policy_path()).data["severity"]
    assert set(severities) == set(known_check_ids())


def test_policy_account_override_applies_to_that_account_only(demo) -> None:  # type: ignore[no-untyped-def]
    assert demo.policy.for_account("acme").severity_of("personal_data.phone") is Severity.BLOCK
    assert demo.policy.for_account("sam").severity_of("personal_data.phone") is Severity.WARN
    assert demo.policy.for_account("sam").severity_of("personal_data.person") is Severity.INFO


def test_policy_off_turns_a_check_off(make_workspace: MakeWorkspace) -> None:
    ws = load_workspace(make_workspace(policy='[severity]\n"personal_data.email" = "off"\n'))
    assert ws.policy.for_account("acme").severity_of("personal_data.email") is None


def test_policy_unknown_check_names_file_line_and_suggests(make_workspace: MakeWorkspace) -> None:
    folder = make_workspace(
        policy='[terms]\ncompetitors = ["Northpeak"]\n\n[severity]\n"personal_data.phon" = "block"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_workspace(folder)
    message = str(caught.value)
    assert str(folder / "policy.toml") in message
    assert "line 5" in message
    assert "did you mean personal_data.phone?" in message


def test_policy_bad_severity_value_says_what_was_expected(make_workspace: MakeWorkspace) -> None:
    folder = make_workspace(policy='[severity]\n"personal_data" = "high"\n')
    with pytest.raises(ConfigError, match=r"line 2.*expected one of info, warn, block, off, got 'high'"):
        load_workspace(folder)


def test_policy_syntax_error_names_the_line(make_workspace: MakeWorkspace) -> None:
    folder = make_workspace(policy='[terms]\nbanned = ["a", \n\n[severity\n')
    with pytest.raises(ConfigError, match=r"policy.toml, line \d+: is not valid TOML"):
        load_workspace(folder)


def test_policy_for_unknown_account_is_an_error(make_workspace: MakeWorkspace) -> None:
    folder = make_workspace(policy='[account.nope.severity]\n"personal_data" = "info"\n')
    with pytest.raises(ConfigError, match=r"line 1, key 'account.nope': no account 'nope' in accounts.toml"):
        load_workspace(folder)


def test_policy_wrong_type_names_the_key(make_workspace: MakeWorkspace) -> None:
    folder = make_workspace(policy='[terms]\npublic_names = "Alex Rivera"\n')
    with pytest.raises(ConfigError, match=r"line 2, key 'terms.public_names': expected a list of non-empty strings"):
        load_workspace(folder)


def test_missing_policy_file_is_named(make_workspace: MakeWorkspace) -> None:
    folder = make_workspace(policy=None)
    with pytest.raises(ConfigError, match=r"policy.toml: file not found"):
        load_workspace(folder)


def test_accounts_bad_kind_names_the_entry_and_line(make_workspace: MakeWorkspace) -> None:
    accounts = (
        '[[account]]\nid = "a"\nplatform = "outbox"\nhandle = "@a"\nname = "A"\nkind = "brand"\n\n'
        '[[account]]\nid = "b"\nplatform = "outbox"\nhandle = "@b"\nname = "B"\nkind = "brnad"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_workspace(make_workspace(accounts=accounts))
    assert "line 13" in str(caught.value)
    assert "key 'account[2].kind'" in str(caught.value)
    assert "expected one of brand, personal, client, got 'brnad'" in str(caught.value)


def test_accounts_missing_required_key(make_workspace: MakeWorkspace) -> None:
    accounts = '[[account]]\nid = "a"\nplatform = "outbox"\nname = "A"\nkind = "brand"\n'
    with pytest.raises(ConfigError, match=r"line 1, key 'account\[1\]': missing key 'handle'"):
        load_workspace(make_workspace(accounts=accounts))


def test_accounts_unknown_key_is_reported(make_workspace: MakeWorkspace) -> None:
    accounts = '[[account]]\nid = "a"\nplatform = "outbox"\nhandle = "@a"\nname = "A"\nkind = "brand"\nfolowers = 3\n'
    with pytest.raises(ConfigError, match=r"line 7, key 'account\[1\].folowers': unknown key"):
        load_workspace(make_workspace(accounts=accounts))


def test_accounts_duplicate_id(make_workspace: MakeWorkspace) -> None:
    one = '[[account]]\nid = "a"\nplatform = "outbox"\nhandle = "@a"\nname = "A"\nkind = "brand"\n'
    with pytest.raises(ConfigError, match="duplicate id 'a'"):
        load_workspace(make_workspace(accounts=one + one))


def test_accounts_not_utf8_is_reported(make_workspace: MakeWorkspace) -> None:
    folder = make_workspace()
    (folder / "accounts.toml").write_bytes(b'[[account]]\nid = "\xff"\n')
    with pytest.raises(ConfigError, match="line 2: is not UTF-8 text"):
        load_workspace(folder)


def test_workspace_that_is_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a folder"):
        load_workspace(tmp_path / "missing")


def test_unknown_account_lists_the_known_ones(demo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownAccountError, match=r"no account 'acmee'.*Accounts: acme, sam, harbor"):
        demo.account("acmee")
