"""The wrong account: another client's brand named, or a draft in another account's voice."""

from collections.abc import Callable
from pathlib import Path

import pytest

from checks import Checker, Verdict, load_workspace
from checks.account_fit import learn_profiles, profiles_for, read_voice_samples
from checks.errors import ConfigError
from tests.checks.support import found


def test_agency_case_other_clients_brand_on_a_brand_account(rules_checker: Checker) -> None:
    report = rules_checker.check("Try the Harbor Coffee autumn blend, now with #HarborCoffee mugs!", "acme")
    fit = [f for f in report.findings if f.check == "account_fit.other_brand"]
    assert [f.text for f in fit] == ["Harbor Coffee", "#HarborCoffee"]
    assert "belongs to Harbor Coffee (@HarborCoffeeCo)" in fit[0].message
    assert report.verdict is Verdict.CONFIRM


def test_own_brand_terms_are_fine(rules_checker: Checker) -> None:
    assert found(rules_checker, "Come to Harbor Coffee for #HarborCoffee", "account_fit.other_brand", "harbor") == []


def test_personal_account_may_name_the_brands_it_works_for(rules_checker: Checker) -> None:
    assert found(rules_checker, "Proud of the Acme Outdoor team today", "account_fit.other_brand", "sam") == []


def test_personal_post_on_brand_account_reads_like_sam(rules_checker: Checker) -> None:
    report = rules_checker.check("Great weekend, went hiking with my sister and her dog", "acme")
    fit = [f for f in report.findings if f.check == "account_fit.voice"]
    assert fit, "a personal post on the brand account should read like Sam's"
    assert fit[0].message.startswith("This reads like Sam Taylor's posts (@samtaylor.bsky.social), not Acme Outdoor's")
    assert "48,000 followers" in fit[0].message


def test_same_post_on_the_personal_account_is_clear(rules_checker: Checker) -> None:
    assert (
        found(rules_checker, "Great weekend, went hiking with my sister and her dog", "account_fit.voice", "sam") == []
    )


def test_coffee_promotion_on_the_outdoor_brand_reads_like_harbor(rules_checker: Checker) -> None:
    text = "Cold brew season is here! Our baristas recommend a pour-over of our new single-origin beans."
    fit = [f for f in rules_checker.check(text, "acme").findings if f.check == "account_fit.voice"]
    assert fit and "Harbor Coffee's posts" in fit[0].message
    assert all(text[f.start : f.end] == f.text for f in fit)


def test_ordinary_brand_post_fits_its_account(rules_checker: Checker) -> None:
    text = "Our winter collection is in stores now, come to the Denver store this Saturday"
    assert [f for f in rules_checker.check(text, "acme").findings if f.category == "account_fit"] == []


def test_short_drafts_say_nothing_about_voice(rules_checker: Checker) -> None:
    assert found(rules_checker, "lol ok", "account_fit.voice") == []


def test_profiles_learn_from_few_samples_and_separate_accounts() -> None:
    profiles = learn_profiles(
        {
            "a": ["new tents and packs in store", "trail shoes on sale", "our winter jackets are back"],
            "b": ["espresso and latte art", "fresh beans roasted today", "cold brew on tap"],
        }
    )
    vector = profiles.vector("latte and espresso with fresh beans")
    assert profiles.similarity(vector, "b") > 3 * profiles.similarity(vector, "a")


def write_workspace(folder: Path, samples_a: str, samples_b: str | None) -> Path:
    folder.mkdir(exist_ok=True)
    accounts = ""
    for account_id, samples in (("a", samples_a), ("b", samples_b)):
        line = ""
        if samples is not None:
            (folder / f"{account_id}.txt").write_text(samples, encoding="utf-8")
            line = f'voice_samples = "{account_id}.txt"\n'
        accounts += (
            f'[[account]]\nid = "{account_id}"\nplatform = "outbox"\nhandle = "@{account_id}"\n'
            f'name = "{account_id.upper()}"\nkind = "brand"\n{line}\n'
        )
    (folder / "accounts.toml").write_text(accounts, encoding="utf-8")
    (folder / "policy.toml").write_text("", encoding="utf-8")
    return folder


def test_no_samples_means_only_the_brand_term_rule(tmp_path: Path) -> None:
    workspace = load_workspace(write_workspace(tmp_path / "ws", "tents and packs\nboots", None))
    assert profiles_for(workspace.accounts) is None  # one account with samples: nothing to compare


def test_profiles_are_learned_again_when_samples_change(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "ws", "tents and packs\nboots on sale", "espresso bar\nfresh beans")
    workspace = load_workspace(folder)
    first = profiles_for(workspace.accounts)
    assert first is profiles_for(workspace.accounts)  # cached while nothing changes
    (folder / "b.txt").write_text("espresso bar\nfresh beans\nlatte art class", encoding="utf-8")
    second = profiles_for(workspace.accounts)
    assert second is not first and second is not None
    assert "latte" in second.idf


def test_csv_voice_samples_read_the_text_column(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text('date,text\n2026-01-01,"First post, with a comma"\n2026-01-02,Second\n', encoding="utf-8")
    assert read_voice_samples(path) == ["First post, with a comma", "Second"]


def test_missing_voice_samples_file_is_a_clear_error(make_workspace: Callable[..., Path]) -> None:
    accounts = (
        '[[account]]\nid = "a"\nplatform = "outbox"\nhandle = "@a"\nname = "A"\nkind = "brand"\n'
        'voice_samples = "missing.txt"\n'
    )
    with pytest.raises(ConfigError, match=r"line 7, key 'account\[1\].voice_samples': no file 'missing.txt'"):
        load_workspace(make_workspace(accounts=accounts))
