"""Second Look's checks as spaCy pipeline components, for people who run their own pipelines.

``nlp.add_pipe("secondlook_checks_v1")`` (after ``ner``) runs every check on each ``Doc`` and
stores the findings as spans in ``doc.spans["secondlook"]`` (label = check id) and as
:class:`~checks.findings.Finding` objects in ``doc.user_data["secondlook"]``. Each model-based
check is also registered on its own under a versioned name, e.g.
``secondlook_personal_data_person_v1``. Config: ``workspace`` (a folder; default the demo
workspace) and ``account`` (an account id; default the workspace's first account).

Pure matching lives in the check functions; this module only sets annotations.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from checks.engine import Checker
from checks.findings import Finding
from checks.registry import all_checks
from checks.workspace import load_workspace

SPANS_KEY = "secondlook"
_DEFAULT_CONFIG = {"workspace": "", "account": ""}


class ChecksComponent:
    """Runs the checks (all of them, or ``only`` these ids) for one account of a workspace."""

    def __init__(self, nlp: Language, name: str, workspace: str, account: str, only: tuple[str, ...] = ()) -> None:
        self.name = name
        loaded = load_workspace(Path(workspace) if workspace else None)
        self.account_id = account or loaded.accounts[0].id
        loaded.account(self.account_id)  # an unknown id fails when the pipeline is built, not per Doc
        self.checker = Checker(loaded, nlp=nlp)
        self.only = only

    def __call__(self, doc: Doc) -> Doc:
        report = self.checker.check_doc(doc, self.account_id, self.only)
        _set_annotations(doc, report.findings)
        return doc


def _set_annotations(doc: Doc, findings: list[Finding]) -> None:
    spans = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
    for finding in findings:
        span = doc.char_span(finding.start, finding.end, label=finding.check, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPANS_KEY] = spans
    doc.user_data.setdefault(SPANS_KEY, []).extend(findings)


@Language.factory("secondlook_checks_v1", default_config=_DEFAULT_CONFIG)
def make_checks_component(nlp: Language, name: str, workspace: str, account: str) -> ChecksComponent:
    """All of Second Look's checks for ``account`` of ``workspace``."""
    return ChecksComponent(nlp, name, workspace, account)


def _register_model_checks() -> None:
    for check in all_checks():
        if check.needs_model:

            def make(
                nlp: Language, name: str, workspace: str, account: str, _only: tuple[str, ...] = (check.id,)
            ) -> ChecksComponent:
                return ChecksComponent(nlp, name, workspace, account, _only)

            Language.factory(check.component_name, default_config=_DEFAULT_CONFIG, func=make)
            # A module-level name, so pyproject.toml's spacy_factories entry point can point at it.
            globals()[f"make_{check.component_name}"] = make


_register_model_checks()
