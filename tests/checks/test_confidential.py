"""Confidential material: internal-only notes, embargoes and the demo policy's code names.

The demo policy lists "Project Falcon" and "Trailhead 2" as confidential and sends every
confidential warning to a second person for review.
"""

from __future__ import annotations

import pytest

from checks import Checker, Severity, Verdict
from tests.checks.support import found, in_category

# --- confidential.marker -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, marker",
    [
        ("INTERNAL ONLY: launch copy v3", "INTERNAL ONLY"),
        ("Launch copy (internal-only) below", "internal-only"),
        ("Confidential - first look at the new tent", "Confidential"),
        ("Please do not share yet, but the tent is amazing", "Please do not share"),
        ("Don’t share: pricing for the new range", "Don’t share"),
        ("Not for distribution. New colours drop Monday.", "Not for distribution"),
        ("Partner deck (under NDA) says we win", "under NDA"),
        ("DRAFT - NOT FOR PUBLICATION. Fresh tracks ahead!", "DRAFT - NOT FOR PUBLICATION"),
        ("[internal] check the tone", "[internal]"),
    ],
)
def test_marker_quotes_the_note(rules_checker: Checker, text: str, marker: str) -> None:
    assert found(rules_checker, text, "confidential.marker") == [marker]


def test_marker_needs_review_under_demo_policy(rules_checker: Checker) -> None:
    report = rules_checker.check("Internal use only: our winter plan", "acme")
    (finding,) = in_category("confidential", rules_checker, "Internal use only: our winter plan")
    assert finding.check == "confidential.marker"
    assert finding.severity is Severity.WARN
    assert "internal" in finding.message
    assert report.verdict is Verdict.NEEDS_REVIEW


def test_marker_found_through_zero_width_space(rules_checker: Checker) -> None:
    text = "confi\u200bdential: new tent colours"
    assert found(rules_checker, text, "confidential.marker") == ["confi\u200bdential"]


def test_marker_is_a_whole_word(rules_checker: Checker) -> None:
    text = "Confidentiality matters to us. Honda, agenda and internals of a jacket."
    assert found(rules_checker, text, "confidential.marker") == []


# --- confidential.embargo ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, note",
    [
        ("EMBARGOED UNTIL 9:00 GMT TUESDAY. Acme wins award", "EMBARGOED UNTIL 9:00 GMT TUESDAY"),
        ("Embargoed until 12 March: big news", "Embargoed until 12 March"),
        ("Under embargo - new trail shoe", "Under embargo"),
        ("The embargo lifts at noon; new shoe!", "embargo lifts"),
        ("Hold for release. Acme opens in Denver", "Hold for release"),
        ("New shoe, not before Monday please", "not before Monday"),
        ("Not before 9am on launch day: our new tent", "Not before 9am"),
        ("Do not publish before the launch. New tent!", "Do not publish before"),
    ],
)
def test_embargo_quotes_the_note(rules_checker: Checker, text: str, note: str) -> None:
    assert found(rules_checker, text, "confidential.embargo") == [note]


def test_embargo_blocks(rules_checker: Checker) -> None:
    report = rules_checker.check("Under embargo: Acme wins Gear of the Year", "harbor")
    (finding,) = in_category("confidential", rules_checker, "Under embargo: Acme wins Gear of the Year", "harbor")
    assert finding.check == "confidential.embargo"
    assert finding.severity is Severity.BLOCK
    assert "embargo lifts" in finding.message
    assert report.verdict is Verdict.BLOCKED


@pytest.mark.parametrize(
    "text",
    [
        "We'll be back before long, not before we test every seam.",
        "For immediate release: Acme opens in Denver.",
        "Hold on tight, winter is coming.",
        "Post your trail photos before Friday!",
    ],
)
def test_embargo_ignores_ordinary_timing_words(rules_checker: Checker, text: str) -> None:
    assert found(rules_checker, text, "confidential.embargo") == []


# --- confidential.code_name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "Project Falcon",
        "project falcon",
        "PROJECT FALCON",
        "Project-Falcon",
        "project  falcon",
        "ProjectFalcon",
        "Trailhead 2",
        "trailhead-2",
        "Trailhead2",
    ],
)
def test_code_name_matches_whatever_the_spacing_or_case(rules_checker: Checker, spelling: str) -> None:
    text = f"Big news about {spelling} soon!"
    assert found(rules_checker, text, "confidential.code_name") == [spelling]


def test_code_name_in_hashtag_is_found(rules_checker: Checker) -> None:
    assert found(rules_checker, "Coming soon #ProjectFalcon", "confidential.code_name") == ["ProjectFalcon"]


def test_code_name_blocks_and_names_the_policy_term(rules_checker: Checker) -> None:
    report = rules_checker.check("Sneak peek at project-falcon!", "acme")
    (finding,) = [f for f in report.findings if f.check == "confidential.code_name"]
    assert finding.severity is Severity.BLOCK
    assert finding.message.startswith("“Project Falcon” is on your organisation's list of confidential names")
    assert report.verdict is Verdict.BLOCKED


def test_code_name_found_through_fullwidth_and_zero_width(rules_checker: Checker) -> None:
    text = "Ｐｒｏｊｅｃｔ Fal\u200bcon is close"
    assert found(rules_checker, text, "confidential.code_name") == ["Ｐｒｏｊｅｃｔ Fal\u200bcon"]


def test_code_name_is_a_whole_word(rules_checker: Checker) -> None:
    text = "Falcon sightings on Trailhead 20 and the Trailhead 2nd loop; projects falcon-style."
    assert found(rules_checker, text, "confidential.code_name") == []


def test_code_name_uses_the_workspace_policy(rules_checker: Checker, make_workspace) -> None:  # type: ignore[no-untyped-def]
    from checks import load_workspace

    folder = make_workspace(policy='[terms]\nconfidential = ["Blue Heron"]\n')
    checker = Checker(load_workspace(folder), use_model=False)
    assert found(checker, "blue-heron is real", "confidential.code_name") == ["blue-heron"]
    assert found(checker, "Project Falcon is not on this list", "confidential.code_name") == []


# --- the whole category --------------------------------------------------------------------------


@pytest.mark.parametrize("account", ["acme", "sam", "harbor"])
def test_ordinary_posts_have_no_confidential_findings(rules_checker: Checker, account: str) -> None:
    text = (
        "Fresh tracks ahead! The Acme Outdoor winter collection is in stores now. Everything you need to "
        "know is on our blog; share your trail photos before Sunday and tell us what to release next. "
        "The falcon we spotted at the trailhead was a highlight. #AcmeOutdoor"
    )
    assert in_category("confidential", rules_checker, text, account) == []
