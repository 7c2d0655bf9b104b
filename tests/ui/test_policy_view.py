"""The policy view: the written policy and the rules the checks enforce, readably and safely."""

from __future__ import annotations

import dataclasses

import pytest
from pytestqt.qtbot import QtBot

from checks import Workspace
from checks.registry import all_checks
from ui.policy_view import RULES_HEADING, PolicyView, account_differences

# The offscreen platform (headless tests) warns on every window it shows; that says nothing about the widget.


@pytest.fixture
def summaries() -> dict[str, str]:
    return {c.id: c.summary for c in all_checks()}


@pytest.fixture
def view(qtbot: QtBot) -> PolicyView:
    v = PolicyView()
    qtbot.addWidget(v)
    v.show()
    return v


def test_shows_terms_checks_and_publishing_rules(view: PolicyView, demo: Workspace, summaries: dict[str, str]) -> None:
    view.set_policy(demo.policy, demo.accounts, None, summaries)
    text = view.plain_text()
    assert RULES_HEADING in text
    assert "guaranteed cure" in text  # a banned term
    assert "Northpeak" in text  # a competitor
    assert "Project Falcon" in text  # a confidential term
    phone = next(c for c in all_checks() if c.id == "personal_data.phone")
    assert phone.summary in text
    assert "personal_data.phone\nblock" in text
    assert "confidential.marker\nwarn, held for review" in text
    assert "10 seconds to cancel" in text
    assert "may be overridden with a written reason" in text
    assert "no written policy document" in text


def test_shows_how_accounts_differ(view: PolicyView, demo: Workspace, summaries: dict[str, str]) -> None:
    view.set_policy(demo.policy, demo.accounts, None, summaries)
    text = view.plain_text()
    assert "personal_data.phone: warn instead of block" in text
    assert (
        "Acme Outdoor (@acme@mastodon.social, brand account on Mastodon, 48,000 followers): the organisation's" in text
    )
    assert account_differences(demo.policy, "sam", summaries) == [
        "off_brand.profanity: warn instead of block",
        "personal_data.person: info instead of warn",
        "personal_data.phone: warn instead of block",
    ]
    assert account_differences(demo.policy, "acme", summaries) == []


def test_html_in_terms_is_shown_as_text(view: PolicyView, demo: Workspace, summaries: dict[str, str]) -> None:
    terms = dataclasses.replace(demo.policy.terms, banned=("<b>Boom</b> & <i>co</i>",))
    policy = dataclasses.replace(demo.policy, terms=terms, allow_override=False, undo_seconds=0)
    view.set_policy(policy, demo.accounts, None, summaries)
    text = view.plain_text()
    assert "<b>Boom</b> & <i>co</i>" in text
    assert "cannot be overridden" in text
    assert "sent as soon as they are confirmed" in text


def test_markdown_document_comes_first_and_raw_html_stays_text(
    view: PolicyView, demo: Workspace, summaries: dict[str, str]
) -> None:
    document = (
        "# Acme social media policy\n\nBe **kind** to people. <script>alert(1)</script>\n\n- Never post numbers\n"
    )
    view.set_policy(demo.policy, demo.accounts, document, summaries)
    text = view.plain_text()
    assert text.startswith("Acme social media policy")
    assert "# Acme" not in text and "**" not in text
    assert "<script>alert(1)</script>" in text
    assert "Never post numbers" in text
    assert text.index("Never post numbers") < text.index(RULES_HEADING)


def test_plain_text_document_keeps_its_lines(view: PolicyView, demo: Workspace, summaries: dict[str, str]) -> None:
    view.set_policy(demo.policy, demo.accounts, "Rule one\nRule <two>", summaries, document_is_markdown=False)
    assert view.plain_text().startswith("Rule one\nRule <two>")


def test_the_browser_has_an_accessible_name(view: PolicyView) -> None:
    assert view.browser.accessibleName()
