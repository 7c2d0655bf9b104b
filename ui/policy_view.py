"""The organisation's social media policy, readably: the written document, then the rules the checks enforce."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from checks.policy import Policy
from checks.workspace import Account

RULES_HEADING = "Rules the checks enforce"
NO_DOCUMENT = "This workspace has no written policy document; these are the rules the checks enforce."

# What each severity means for the person writing, in the words the composer uses.
SEVERITY_WORDS = {
    "block": "Block: cannot be posted as written",
    "warn": "Warn: must be acknowledged before posting",
    "info": "Note: shown, never in the way",
    "off": "Off: not checked",
}
TERM_LISTS = (
    ("banned", "Banned terms", "never on brand or client accounts"),
    ("competitors", "Competitors", "not named on brand or client accounts"),
    ("confidential", "Confidential terms", "code names and internal words"),
    ("public_names", "Public names", "people who may be named publicly"),
    ("public_contacts", "Public contacts", "the organisation's own emails and phone numbers"),
)


class _LocalBrowser(QTextBrowser):
    """A text browser that never fetches anything: widgets do no I/O, and a policy document's
    images or links must not make the app read files or go online."""

    def loadResource(self, type: int, name: QUrl | str) -> object:  # noqa: N802 (Qt's name)
        return None


class PolicyView(QWidget):
    """Shows the policy in force: the written document (Markdown or plain text) if there is one,
    then every check with its severity and summary, the term lists, review and publishing rules,
    and how each account differs from the organisation. Read-only.

    Signals:
        None; the view only displays what :meth:`set_policy` gives it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Social media policy")
        self.browser = _LocalBrowser()
        self.browser.setAccessibleName("Social media policy")
        self.browser.setOpenLinks(False)  # following a link would replace the policy with a file
        self.browser.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.browser.setPlainText("No policy loaded yet.")

    def set_policy(
        self,
        policy: Policy,
        accounts: Sequence[Account],
        document: str | None,
        check_summaries: Mapping[str, str],
        *,
        document_is_markdown: bool = True,
    ) -> None:
        """Render ``policy`` (the organisation's, before per-account tables) for ``accounts``.

        ``document`` is the written policy, Markdown unless ``document_is_markdown`` is False;
        ``check_summaries`` maps each check id to its one-line summary.
        """
        doc = QTextDocument(self.browser)
        if document and document.strip() and document_is_markdown:
            # Raw HTML in the document is shown as text, never interpreted.
            doc.setMarkdown(
                document,
                QTextDocument.MarkdownFeature.MarkdownDialectGitHub | QTextDocument.MarkdownFeature.MarkdownNoHTML,
            )
            cursor = QTextCursor(doc)
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertHtml("<hr/>" + rules_html(policy, accounts, check_summaries))
        else:
            if document and document.strip():
                intro = f"<p style='white-space:pre-wrap'>{html.escape(document)}</p><hr/>"
            else:
                intro = f"<p><i>{html.escape(NO_DOCUMENT)}</i></p>"
            doc.setHtml(intro + rules_html(policy, accounts, check_summaries))
        self.browser.setDocument(doc)

    def plain_text(self) -> str:
        """Everything shown, as plain text (for tests and copying)."""
        return self.browser.toPlainText()


def rules_html(policy: Policy, accounts: Sequence[Account], check_summaries: Mapping[str, str]) -> str:
    """The enforced rules as HTML; every piece of text from the policy or accounts is escaped."""
    e = html.escape
    parts = [f"<h2>{e(RULES_HEADING)}</h2>"]

    parts.append("<h3>Checks</h3>")
    parts.append(
        "<p>Each draft is checked before it can be published. What a finding means depends on its check:</p><ul>"
    )
    parts += [f"<li>{e(words)}</li>" for words in SEVERITY_WORDS.values()]
    parts.append("</ul>")
    parts.append("<table border='1' cellspacing='0' cellpadding='4'>")
    parts.append(
        "<tr><th align='left'>Check</th><th align='left'>Severity</th><th align='left'>What it looks for</th></tr>"
    )
    for check_id in sorted(check_summaries):
        severity = _severity(policy, check_id)
        if severity == "warn" and policy.needs_review(check_id):
            # Review applies to warnings; blocking findings are held back anyway.
            severity += ", held for review"
        parts.append(f"<tr><td>{e(check_id)}</td><td>{e(severity)}</td><td>{e(check_summaries[check_id])}</td></tr>")
    parts.append("</table>")

    parts.append("<h3>Terms</h3><ul>")
    for key, title, meaning in TERM_LISTS:
        parts.append(f"<li><b>{e(title)}</b> ({e(meaning)}): {_term_list(getattr(policy.terms, key))}</li>")
    parts.append("</ul>")

    parts.append("<h3>Review</h3>")
    if policy.review_required_for:
        parts.append(
            "<p>Warnings from these checks need a second look: "
            f"{_term_list(policy.review_required_for)}. Until review arrives in the app, they are held back "
            "like blocking findings and go out only with a written reason.</p>"
        )
    else:
        parts.append("<p>No check needs a reviewer.</p>")

    parts.append("<h3>Publishing</h3><ul>")
    parts.append(f"<li>{e(_undo_words(policy.undo_seconds))}</li>")
    parts.append(f"<li>{e(_override_words(policy.allow_override))}</li>")
    parts.append("</ul>")

    parts.append("<h3>Accounts</h3><ul>")
    for account in accounts:
        differences = account_differences(policy, account.id, check_summaries)
        parts.append(f"<li><b>{e(account.name)}</b> ({e(account.handle)}, {e(account.kind)} account on ")
        parts.append(f"{e(account.platform_name)}, {account.audience:,} followers): ")
        if differences:
            parts.append("differs from the organisation's rules:<ul>")
            parts += [f"<li>{e(d)}</li>" for d in differences]
            parts.append("</ul></li>")
        else:
            parts.append("the organisation's rules.</li>")
    parts.append("</ul>")

    if policy.sources:
        parts.append("<h3>Where these rules come from</h3><ul>")
        parts += [f"<li>{e(str(path))}</li>" for path in policy.sources]
        parts.append("</ul><p>Later files override earlier ones.</p>")
    return "".join(parts)


def account_differences(policy: Policy, account_id: str, check_ids: Iterable[str]) -> list[str]:
    """How the rules for ``account_id`` differ from the organisation's, one plain sentence each."""
    mine = policy.for_account(account_id)
    if mine is policy:
        return []
    out: list[str] = []
    for check_id in sorted(check_ids):
        org, acct = _severity(policy, check_id), _severity(mine, check_id)
        if org != acct:
            out.append(f"{check_id}: {acct} instead of {org}")
    for key, title, _meaning in TERM_LISTS:
        org_terms, acct_terms = getattr(policy.terms, key), getattr(mine.terms, key)
        if org_terms != acct_terms:
            out.append(f"{title}: {_plain_list(acct_terms)} instead of {_plain_list(org_terms)}")
    if set(mine.review_required_for) != set(policy.review_required_for):
        mine_review, org_review = _plain_list(mine.review_required_for), _plain_list(policy.review_required_for)
        out.append(f"Needs review: {mine_review} instead of {org_review}")
    if mine.undo_seconds != policy.undo_seconds:
        out.append(f"{_undo_words(mine.undo_seconds)} (organisation: {policy.undo_seconds} s)")
    if mine.allow_override != policy.allow_override:
        out.append(_override_words(mine.allow_override))
    return out


def _severity(policy: Policy, check_id: str) -> str:
    severity = policy.severity_of(check_id)
    return "off" if severity is None else severity.value


def _term_list(terms: Sequence[str]) -> str:
    return html.escape(_plain_list(terms))


def _plain_list(terms: Sequence[str]) -> str:
    return ", ".join(f"“{t}”" for t in terms) if terms else "none"


def _undo_words(seconds: int) -> str:
    if seconds == 0:
        return "Posts are sent as soon as they are confirmed; there is no time to cancel."
    return f"After confirming, there are {seconds} seconds to cancel before the post is sent."


def _override_words(allowed: bool) -> str:
    if allowed:
        return "Blocking findings may be overridden with a written reason, which is stored with the post."
    return "Blocking findings cannot be overridden: the draft must be fixed."


__all__ = ["PolicyView", "account_differences", "rules_html"]
