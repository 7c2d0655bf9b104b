"""Off-brand content: profanity and slurs (and their disguises), hostility, the policy's banned and
competitor terms, shouting.

The demo policy bans "guaranteed cure" and "risk-free" and names Northpeak and Summit Gear Co as
competitors. Until ``checks.off_brand`` is listed in ``CHECK_MODULES`` it is imported here, and every
off_brand check runs at the built-in "warn".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from checks import Checker, Severity, Verdict, load_workspace
from checks.findings import Finding
from checks.registry import CheckContext, all_checks
from tests.checks.support import found, in_category

all_checks.cache_clear()  # in case another module listed the checks before this one registered

CHRYSLER = "I find it ironic that Detroit is known as the #motorcity and yet no one here knows how to f***ing drive"


def off_brand(checker: Checker, text: str, account: str = "acme") -> list[Finding]:
    return in_category("off_brand", checker, text, account)


# --- off_brand.profanity --------------------------------------------------------------------------


def test_profanity_chrysler_2011_on_brand_account_needs_confirming(rules_checker: Checker) -> None:
    report = rules_checker.check(CHRYSLER, "acme")
    (finding,) = off_brand(rules_checker, CHRYSLER)
    assert finding.check == "off_brand.profanity"
    assert finding.text == "f***ing"
    assert "Acme Outdoor is a brand account with 48,000 followers" in finding.message
    assert report.verdict in (Verdict.CONFIRM, Verdict.NEEDS_REVIEW, Verdict.BLOCKED)


def test_profanity_chrysler_2011_on_personal_account_is_still_flagged(rules_checker: Checker) -> None:
    # Profanity is reported on every kind of account (a person may want to know too); the policy
    # decides how much it matters there. Hostility, banned terms and shouting stay brand-only.
    assert found(rules_checker, CHRYSLER, "off_brand.profanity", account="sam") == ["f***ing"]
    (finding,) = off_brand(rules_checker, CHRYSLER, account="sam")
    assert "Sam Taylor is a personal account" in finding.message


def test_profanity_blocks_when_policy_says_so(make_workspace: Callable[..., Path]) -> None:
    checker = Checker(load_workspace(make_workspace(policy='[severity]\n"off_brand" = "block"\n')), use_model=False)
    report = checker.check(CHRYSLER, "acme")
    assert report.verdict is Verdict.BLOCKED
    assert [f.severity for f in report.findings if f.category == "off_brand"] == [Severity.BLOCK]


@pytest.mark.parametrize(
    "text, typed",
    [
        ("that was sh1t service", "sh1t"),
        ("what a $hit day", "$hit"),
        ("oh f*ck it", "f*ck"),
        ("a f**king great deal", "f**king"),
        ("f@#k this weather", "f@#k"),
        ("well f u c k that", "f u c k"),
        ("this is s.h.i.t. honestly", "s.h.i.t"),
        ("f-u-c-k-i-n-g rain", "f-u-c-k-i-n-g"),
        ("fuuuuck the rain", "fuuuuck"),
        ("Shiiiit, sold out", "Shiiiit"),
        ("total BULLSHIT", "BULLSHIT"),
        ("sh!t!", "sh!t"),
        ("#fuckmondays at the office", "fuckmondays"),
        ("what an a55hole", "a55hole"),
    ],
)
def test_profanity_sees_through_leetspeak_masking_spacing_and_repeats(
    rules_checker: Checker, text: str, typed: str
) -> None:
    assert found(rules_checker, text, "off_brand.profanity") == [typed]


def test_profanity_quotes_the_zero_width_spelling_as_typed(rules_checker: Checker) -> None:
    text = "Our new jacket is f\u200bu\u200bc\u200bking warm"
    assert found(rules_checker, text, "off_brand.profanity") == ["f\u200bu\u200bc\u200bking"]


def test_profanity_quotes_look_alike_letters_as_typed(rules_checker: Checker) -> None:
    text = "this is bull\u0455hit"  # Cyrillic dze for the s
    assert found(rules_checker, text, "off_brand.profanity") == ["bull\u0455hit"]


def test_profanity_slur_is_named_a_slur(rules_checker: Checker) -> None:
    (finding,) = off_brand(rules_checker, "stop acting like a f@ggot")
    assert finding.text == "f@ggot"
    assert "slur" in finding.message


def test_profanity_suggests_a_masked_form(rules_checker: Checker) -> None:
    (finding,) = off_brand(rules_checker, "That storm was shit.")
    assert finding.suggestion == "s***"


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United play at home on Saturday",
        "We assess every tent for a classic cocktail of wind and rain",
        "Reading Dickens by the fire; our therapist recommends it",
        "Shiitake risotto at the Shiite-run cafe in Penistone",
        "Pass the glass, grab your class-leading bass boat",
        "Cockburn, Hancock and Dick's Sporting Goods are on the map",  # names, not insults
        "Contact hello@acme.example or call *now* for 20% off",
        "Tit-for-tat pricing? Never. See the great tit at the hide.",
    ],
)
def test_profanity_ignores_innocent_words_containing_profanity(rules_checker: Checker, text: str) -> None:
    assert found(rules_checker, text, "off_brand.profanity") == []


# --- off_brand.hostility --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("@dave you idiot, read the label", "idiot"),
        ("What a moron.", "moron"),
        ("Oh shut up already", "shut up"),
        ("you're so stupid if you think that", "you're so stupid"),
        ("All liberals are the same", "All liberals are"),
        ("Millennials are so lazy and entitled", None),  # not an insult word on our list: no finding
        ("Boomers are just useless", "Boomers are just useless"),
    ],
)
def test_hostility_finds_insults_and_generalisations(rules_checker: Checker, text: str, quoted: str | None) -> None:
    assert found(rules_checker, text, "off_brand.hostility") == ([quoted] if quoted else [])


def test_hostility_is_clear_on_a_personal_account(rules_checker: Checker) -> None:
    assert found(rules_checker, "you idiot", "off_brand.hostility", account="sam") == []


def test_hostility_ignores_insult_words_not_aimed_at_anyone(rules_checker: Checker) -> None:
    text = "Our idiot-proof tent goes up in a minute. No stupid mistakes, no useless straps."
    assert found(rules_checker, text, "off_brand.hostility") == []


# --- off_brand.banned_term ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("Try it risk-free for 30 days", "risk-free"),
        ("Try it risk free for 30 days", "risk free"),
        ("Try it RISK FREE", "RISK FREE"),
        ("Our balm is a guaranteed cure for blisters", "guaranteed cure"),
        ("Guaranteed cures for every ache!", "Guaranteed cures"),
        ("guaranteed-cure formula", "guaranteed-cure"),
    ],
)
def test_banned_term_matches_forms_spacing_and_case(rules_checker: Checker, text: str, quoted: str) -> None:
    assert found(rules_checker, text, "off_brand.banned_term") == [quoted]


def test_banned_term_names_the_policy_term(rules_checker: Checker) -> None:
    (finding,) = [f for f in off_brand(rules_checker, "Guaranteed cures!") if f.check == "off_brand.banned_term"]
    assert "“guaranteed cure”" in finding.message


def test_banned_term_is_a_whole_word_and_brand_only(rules_checker: Checker) -> None:
    assert found(rules_checker, "a guaranteed curett" + "e set", "off_brand.banned_term") == []
    assert found(rules_checker, "Try it risk-free", "off_brand.banned_term", account="sam") == []


# --- off_brand.competitor -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("Better than Northpeak", "Northpeak"),
        ("Northpeak's new jacket", "Northpeak's"),
        ("#northpeak fans, look here", "northpeak"),
        ("unlike Summit-Gear Co", "Summit-Gear Co"),
        ("unlike summit gear co.", "summit gear co"),
    ],
)
def test_competitor_matches_forms_hyphens_and_case(rules_checker: Checker, text: str, quoted: str) -> None:
    assert found(rules_checker, text, "off_brand.competitor") == [quoted]


def test_competitor_message_names_competitor_and_account(rules_checker: Checker) -> None:
    (finding,) = off_brand(rules_checker, "Our boots beat Northpeak boots")
    assert "Northpeak" in finding.message and "Acme Outdoor" in finding.message


def test_competitor_is_clear_on_personal_account_and_whole_word(rules_checker: Checker) -> None:
    assert found(rules_checker, "Northpeak boots are comfy", "off_brand.competitor", account="sam") == []
    assert found(rules_checker, "Northpeaked ridges", "off_brand.competitor") == []


# --- off_brand.shouting ---------------------------------------------------------------------------


def test_shouting_finds_a_long_capital_run(rules_checker: Checker) -> None:
    (finding,) = off_brand(rules_checker, "Big news. OUR WINTER SALE STARTS NOW at the Acme store")
    assert finding.check == "off_brand.shouting"
    assert finding.text == "OUR WINTER SALE STARTS NOW"
    assert finding.suggestion == "Our winter sale starts now"


def test_shouting_finds_a_mostly_capital_draft(rules_checker: Checker) -> None:
    assert found(rules_checker, "WHY IS NOBODY talking ABOUT THIS PRICE drop", "off_brand.shouting") != []


def test_shouting_ignores_acronyms_hashtags_handles_and_brand_terms(rules_checker: Checker) -> None:
    text = "NASA and the USA team at #ACME #WINTERSALE with @NASA: ACME OUTDOOR gear, ok?"
    assert found(rules_checker, text, "off_brand.shouting") == []
    assert found(rules_checker, "WE ARE SO EXCITED TODAY", "off_brand.shouting", account="sam") == []


# --- ordinary posts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Our new Trailhead tent is here: 2.1 kg, sets up in 90 seconds. Visit acme.example/tents #AcmeOutdoor",
        "Thanks for the kind words, Jo! We're glad the boots kept you dry on the Pennine Way.",
        "Sorry to hear your order was late. DM us your order number and we'll sort it out today.",
        "Weekend forecast: rain in the hills. Pack a shell, check the map, and tell someone your route.",
        "Classic cocktail hour at the lodge: assess your gear, then relax. Scunthorpe store opens at 9am.",
        "Happy 10th birthday to our Manchester shop! Cake at 3pm, and a free brew for every visitor.",
    ],
)
def test_ordinary_brand_posts_have_no_off_brand_findings(rules_checker: Checker, text: str) -> None:
    assert off_brand(rules_checker, text) == []
    assert off_brand(rules_checker, text, account="harbor") == []


def test_checks_are_fast_on_a_500_character_draft(demo) -> None:  # type: ignore[no-untyped-def]
    # Not a benchmark: a guard against an accidental slow path (the budget is well under 1 ms).
    text = ("Our new tent is out, f*ck yeah! NOT BAD AT ALL for Northpeak fans, risk-free. " * 7)[:500]
    account = demo.account("acme")
    context = CheckContext(text, account, demo.accounts, demo.policy.for_account("acme"))
    ours = [c for c in all_checks() if c.category == "off_brand"]
    assert len(ours) == 5
    for check in ours:
        list(check.run(context))  # warm the caches
    started = time.perf_counter()
    for _ in range(50):
        for check in ours:
            list(check.run(context))
    assert (time.perf_counter() - started) / 50 < 0.005
