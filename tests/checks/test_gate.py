"""The confirmation rules (checks.gate): what a post needs before it may go out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks import Checker, Workspace
from checks.gate import Attempt, gate_for, handle_matches

PHONE = "Ring our new volunteer on +1 415 555 0134 for details."
PERSONAL = "my wife and I got totally hammered last night lol, gonna be a long day"
CONFIDENTIAL = "Project Falcon is nearly ready, more soon!"


def gate(checker: Checker, text: str, account: str, **policy_changes: object):  # type: ignore[no-untyped-def]
    workspace = checker.workspace
    policy = replace(workspace.policy, **policy_changes) if policy_changes else workspace.policy
    return gate_for(checker.check(text, account), workspace.account(account), policy)


def test_question_names_the_account_in_full(rules_checker: Checker) -> None:
    g = gate(rules_checker, "New trail maps are out.", "acme")
    assert g.question == "Post publicly as Acme Outdoor, @acme@mastodon.social, to 48,000 followers on Mastodon?"
    assert g.allows(Attempt())


def test_blocking_finding_needs_a_written_reason_when_overrides_are_allowed(rules_checker: Checker) -> None:
    g = gate(rules_checker, PHONE, "acme")
    assert g.blocking and g.override_allowed
    assert any("written reason" in p for p in g.problems(Attempt(acknowledged=True)))
    assert not g.allows(Attempt(acknowledged=True, override_reason="   "))
    assert g.allows(Attempt(acknowledged=True, override_reason="Volunteer asked us to share it"))


def test_blocking_finding_cannot_be_overridden_when_the_policy_says_so(rules_checker: Checker) -> None:
    g = gate(rules_checker, PHONE, "acme", allow_override=False)
    assert not g.allows(Attempt(acknowledged=True, override_reason="please"))
    assert "does not allow" in g.problems(Attempt(override_reason="please"))[0]


def test_personal_voice_on_a_brand_account_requires_the_typed_handle(rules_checker: Checker) -> None:
    g = gate(rules_checker, PERSONAL, "acme")
    assert g.handle_required and g.warnings
    assert not g.allows(Attempt(acknowledged=True))
    assert not g.allows(Attempt(acknowledged=True, typed_handle="@acme@mastodon.socia"))
    assert g.allows(Attempt(acknowledged=True, typed_handle=" acme@Mastodon.social "))


def test_the_same_text_on_the_personal_account_needs_no_handle(rules_checker: Checker) -> None:
    g = gate(rules_checker, PERSONAL, "sam")
    assert not g.handle_required


def test_warnings_must_be_acknowledged(rules_checker: Checker) -> None:
    g = gate(rules_checker, "This trail is fucking gorgeous.", "sam")  # profanity is a warning for Sam
    assert g.warnings and not g.blocking
    assert "Acknowledge the 1 warning first." in g.problems(Attempt())
    assert g.allows(Attempt(acknowledged=True))


def test_a_warning_the_policy_sends_to_review_is_held_back_like_a_block(demo: Workspace) -> None:
    checker = Checker(demo, use_model=False)
    report = checker.check(CONFIDENTIAL, "acme")
    g = gate_for(report, demo.account("acme"), demo.policy)
    assert g.blocking and all(f.category == "confidential" for f in g.blocking)
    assert not g.allows(Attempt(acknowledged=True))


def test_undo_seconds_come_from_the_policy(rules_checker: Checker) -> None:
    assert gate(rules_checker, "Hello", "acme", undo_seconds=3).undo_seconds == 3


@pytest.mark.parametrize(
    ("typed", "ok"),
    [("@acme@mastodon.social", True), ("ACME@mastodon.social", True), ("", False), ("@", False), ("acme", False)],
)
def test_handle_matching(typed: str, ok: bool) -> None:
    assert handle_matches(typed, "@acme@mastodon.social") is ok
