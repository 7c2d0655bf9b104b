from collections.abc import Callable
from pathlib import Path

import pytest
import spacy

from checks import Checker, Severity, Verdict, load_workspace
from checks.engine import MODEL_CHUNK_CHARS
from checks.errors import UnknownAccountError
from checks.model import load_english

MODEL_CHECKS = {"personal_data.person", "personal_data.location", "personal_data.organization"}


def test_clear_draft_is_clear(rules_checker: Checker) -> None:
    report = rules_checker.check("Fresh tracks ahead! Our winter collection is in stores now.", "acme")
    assert report.verdict is Verdict.CLEAR
    assert report.findings == []


def test_empty_text_is_clear(rules_checker: Checker) -> None:
    assert rules_checker.check("", "acme").verdict is Verdict.CLEAR


def test_unknown_account_is_a_clear_error(rules_checker: Checker) -> None:
    with pytest.raises(UnknownAccountError, match="no account 'nope'"):
        rules_checker.check("hi", "nope")


def test_review_policy_turns_warning_into_needs_review(make_workspace: Callable[..., Path]) -> None:
    folder = make_workspace(policy='[review]\nrequired_for = ["personal_data.email"]\n')
    checker = Checker(load_workspace(folder), use_model=False)
    assert checker.check("mail sam@example.org", "acme").verdict is Verdict.NEEDS_REVIEW


def test_info_findings_leave_the_draft_clear(make_workspace: Callable[..., Path]) -> None:
    folder = make_workspace(policy='[severity]\n"personal_data" = "info"\n')
    report = Checker(load_workspace(folder), use_model=False).check("mail sam@example.org", "acme")
    assert report.verdict is Verdict.CLEAR
    assert [f.severity for f in report.findings] == [Severity.INFO]


def test_card_number_is_not_also_reported_as_phone(rules_checker: Checker) -> None:
    report = rules_checker.check("call 4111 1111 1111 1111", "acme")
    assert [f.check for f in report.findings] == ["personal_data.card"]


def test_missing_model_reports_skipped_checks_instead_of_failing(demo) -> None:  # type: ignore[no-untyped-def]
    status = load_english(packages=("no_such_model_package",))
    assert status.nlp is None and "not installed" in (status.problem or "")
    checker = Checker(demo, use_model=False)
    report = checker.check("Maria Gonzalez: 303-555-0147", "acme")
    assert report.verdict is Verdict.BLOCKED  # the rule-based phone check still ran
    assert {s.check for s in report.skipped} == MODEL_CHECKS


def test_model_env_switch_turns_model_off(demo, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SECONDLOOK_MODEL", "none")
    report = Checker(demo).check("Maria Gonzalez said hi", "acme")
    assert {s.check for s in report.skipped} == MODEL_CHECKS
    assert all("SECONDLOOK_MODEL=none" in s.reason for s in report.skipped)


def test_findings_point_at_original_characters_through_zero_width_tricks(rules_checker: Checker) -> None:
    text = "mail m\u200ba\u200bria@gm\u200dail.com now"
    (finding,) = rules_checker.check(text, "sam").findings
    assert finding.text == "m\u200ba\u200bria@gm\u200dail.com"
    assert text[finding.start : finding.end] == finding.text


def test_long_paste_is_checked_in_pieces_with_right_offsets(model_checker: Checker) -> None:
    filler = "The trail was quiet and the weather held all day long. " * (3 * MODEL_CHUNK_CHARS // 55)
    text = filler + "Then Maria Gonzalez called from 303-555-0147."
    report = model_checker.check(text, "acme")
    quoted = {f.check: f.text for f in report.findings}
    assert quoted["personal_data.phone"] == "303-555-0147"
    assert quoted["personal_data.person"] == "Maria Gonzalez"
    assert all(text[f.start : f.end] == f.text for f in report.findings)


def test_check_many_matches_check(model_checker: Checker) -> None:
    drafts = [("Maria Gonzalez: 303-555-0147", "acme"), ("Nice day!", "sam"), ("born 2/7/1961", "harbor")]
    batch = [r.to_dict() for r in model_checker.check_many(drafts, batch_size=2)]
    single = [model_checker.check(t, a).to_dict() for t, a in drafts]
    assert batch == single


def test_spacy_component_annotates_docs(nlp) -> None:  # type: ignore[no-untyped-def]
    pipeline = spacy.load(nlp.path)
    pipeline.add_pipe("secondlook_checks_v1", config={"account": "acme"})
    doc = pipeline("Maria Gonzalez: 303-555-0147")
    assert {(s.label_, s.text) for s in doc.spans["secondlook"]} == {
        ("personal_data.person", "Maria Gonzalez"),
        ("personal_data.phone", "303-555-0147"),
    }


def test_single_model_check_is_a_versioned_component(nlp) -> None:  # type: ignore[no-untyped-def]
    pipeline = spacy.load(nlp.path)
    pipeline.add_pipe("secondlook_personal_data_person_v1", config={"account": "acme"})
    doc = pipeline("Maria Gonzalez: 303-555-0147")
    assert [(s.label_, s.text) for s in doc.spans["secondlook"]] == [("personal_data.person", "Maria Gonzalez")]


def test_check_many_in_two_processes_matches_one(model_checker: Checker) -> None:
    drafts = [(f"Row {i}: Maria Gonzalez, 303-555-01{i:02d}, see www.example.org", "acme") for i in range(30)]
    drafts += [("Nice day on the trail!", "sam"), ("born 2/7/1961", "harbor")]
    serial = [r.to_dict() for r in model_checker.check_many(drafts, batch_size=8)]
    parallel = [r.to_dict() for r in model_checker.check_many(drafts, batch_size=8, processes=2)]
    assert parallel == serial


def test_check_many_in_processes_rejects_unknown_account_first(rules_checker: Checker) -> None:
    with pytest.raises(UnknownAccountError):
        list(rules_checker.check_many([("hi", "acme"), ("hi", "nope")], processes=2))


def test_typing_reparses_only_the_sentence_that_changed(demo, nlp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    checker = Checker(demo, nlp=nlp)
    parsed: list[str] = []
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        parsed.extend(texts)
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting_pipe)
    first = "Maria Gonzalez joins the Denver team.\n\nOur Boulder store opens at nine. Bring Tom"
    checker.check(first, "acme")
    parsed.clear()
    edited = first + " Baker"
    report = checker.check(edited, "acme")
    assert parsed == ["Bring Tom Baker"]  # the two unchanged sentences come from the cache
    fresh = Checker(demo, nlp=nlp).check(edited, "acme")
    assert report.findings == fresh.findings
