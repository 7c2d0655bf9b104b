"""Personal voice on brand and client accounts: the Red Cross and KitchenAid incidents, and the
brand's own voice (customer care, announcements) left alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from checks import Checker, load_workspace
from tests.checks.support import found, in_category

ACCOUNTS = """
[[account]]
id = "acme"
platform = "mastodon"
handle = "@acme@mastodon.social"
name = "Acme Outdoor"
kind = "brand"

[[account]]
id = "harbor"
platform = "x"
handle = "@HarborCoffeeCo"
name = "Harbor Coffee"
kind = "client"

[[account]]
id = "sam"
platform = "bluesky"
handle = "@samtaylor.bsky.social"
name = "Sam Taylor"
kind = "personal"
"""
POLICY = '[severity]\n"personal_voice" = "warn"\n'

RED_CROSS = (
    "Ryan found two more 4 bottle packs of Dogfish Head's Midas Touch beer.... "
    "when we drink we do it right #gettngslizzerd"
)
KITCHENAID = "Obamas gma even knew it was going 2 b bad! 'She died 3 days b4 he became president'"
CARE_REPLY = "We're sorry to hear that! Please DM us your order number and we'll look into it."


@pytest.fixture
def checker(make_workspace: Callable[..., Path]) -> Checker:
    return Checker(load_workspace(make_workspace(ACCOUNTS, POLICY)), use_model=False)


def voice(checker: Checker, text: str, account: str = "acme") -> list[tuple[str, str]]:
    return [(f.check, f.text) for f in in_category("personal_voice", checker, text, account)]


# --- the incidents --------------------------------------------------------------------------------


def test_red_cross_beer_tweet_fires_on_drinking(checker: Checker) -> None:
    assert found(checker, RED_CROSS, "personal_voice.drinking") == ["when we drink", "#gettngslizzerd"]


def test_kitchenaid_joke_fires_on_politics_and_slang(checker: Checker) -> None:
    assert found(checker, KITCHENAID, "personal_voice.politics") == ["Obamas", "became president"]
    assert found(checker, KITCHENAID, "personal_voice.slang") == ["gma", "2 b", "b4"]


def test_incident_message_quotes_every_cue(checker: Checker) -> None:
    (finding, *_) = in_category("personal_voice", checker, KITCHENAID)
    assert "Reads like a personal post, not Acme Outdoor speaking" in finding.message
    for cue in ("“Obamas”", "“gma”", "“2 b”", "“b4”", "“became president”"):
        assert cue in finding.message


@pytest.mark.parametrize("text", [RED_CROSS, KITCHENAID, "I'm so hungover, my wife is mad lol"])
def test_incidents_are_clear_on_a_personal_account(checker: Checker, text: str) -> None:
    assert voice(checker, text, "sam") == []


def test_incidents_fire_on_a_client_account(checker: Checker) -> None:
    assert voice(checker, RED_CROSS, "harbor") != []


# --- life, family, health, work -------------------------------------------------------------------


def test_life_quotes_family_and_hangover(checker: Checker) -> None:
    text = "I'm so hungover, my wife is mad lol"
    assert voice(checker, text) == [
        ("personal_voice.life", "I'm so"),
        ("personal_voice.drinking", "hungover"),
        ("personal_voice.life", "my wife"),
        ("personal_voice.slang", "lol"),
    ]


def test_life_job_complaint_fires(checker: Checker) -> None:
    text = "Honestly my boss is the worst, can't wait for friday"
    assert found(checker, text, "personal_voice.life") == ["my boss"]


def test_life_first_person_complaint_fires(checker: Checker) -> None:
    assert found(checker, "I just got billed twice for the free trial", "personal_voice.life") == ["I just"]


def test_life_first_person_in_quotes_is_not_a_cue(checker: Checker) -> None:
    text = 'Pick "I still need help" and we will call you back.'
    assert voice(checker, text) == []


# --- the brand's own voice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        CARE_REPLY,
        "I'm sorry to hear that, DM us your order number ^JS",
        "I hope this helps! Let us know if the steps don't work. ^SA",
        "My apologies for the wait. Can you tell me the address of that branch? -Karla",
        "Our new tents are here: lighter, warmer and made to last. See them in store this weekend!",
        "Happy Friday! What's your favourite trail? Tell us below #AcmeOutdoor",
        "Ready for winter? Our down jackets are 20% off until Sunday. Shop now: https://acme.example/my-jacket",
        "The U.S. team, i.e. the folks in R&D, tested it w/o mercy.",
        "Vote for your favourite colour: forest, sand or slate?",
    ],
)
def test_brand_voice_is_clear(checker: Checker, text: str) -> None:
    assert voice(checker, text) == []


def test_agent_signature_in_capitals_is_not_slang(checker: Checker) -> None:
    assert voice(checker, "Please send us an email and remember to attach your Transaction ID. ^AF") == []


def test_one_weak_cue_alone_is_clear(checker: Checker) -> None:
    assert voice(checker, "Yeah, the new range lands on Monday.") == []


# --- evasions -------------------------------------------------------------------------------------


def test_slang_found_through_zero_width_space(checker: Checker) -> None:
    text = "we r gonna be l\u200bo\u200bl so late"
    assert found(checker, text, "personal_voice.slang") == ["gonna", "l\u200bo\u200bl"]


def test_swearing_with_repeated_letters_is_slang(checker: Checker) -> None:
    assert found(checker, "this update is fuuuucked", "personal_voice.slang") == ["fuuuucked"]


def test_hashtag_spelling_is_matched(checker: Checker) -> None:
    assert found(checker, "Friday night #GettngSlizzerd", "personal_voice.drinking") == ["#GettngSlizzerd"]


# --- the demo workspace ---------------------------------------------------------------------------


def test_demo_brand_posts_are_clear(rules_checker: Checker) -> None:
    """The demo's brand accounts' past posts are the organisations' voice."""
    for account in ("acme", "harbor"):
        samples = rules_checker.workspace.account(account).voice_samples
        assert samples is not None
        for line in samples.read_text(encoding="utf-8").splitlines():
            if line.strip():
                assert in_category("personal_voice", rules_checker, line, account) == [], line
