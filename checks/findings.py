"""What the checks say: findings, the verdict that follows from them, and the report of one draft."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    """How much a finding matters. Ordered: ``INFO < WARN < BLOCK``."""

    INFO = "info"
    WARN = "warn"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARN: 1, Severity.BLOCK: 2}


class Verdict(enum.Enum):
    """What happens next with a draft, as the policy maps its findings."""

    CLEAR = "clear"  # publish after the ordinary confirmation
    CONFIRM = "confirm"  # warnings the author must acknowledge
    NEEDS_REVIEW = "needs_review"  # a second person must approve
    BLOCKED = "blocked"  # must not go out as written

    @property
    def exit_status(self) -> int:
        """The command line's exit status for this verdict (0 clear, 1 confirm/review, 2 blocked)."""
        return {Verdict.CLEAR: 0, Verdict.CONFIRM: 1, Verdict.NEEDS_REVIEW: 1, Verdict.BLOCKED: 2}[self]


@dataclass(frozen=True)
class Finding:
    """One thing in a draft that does not belong on the account it is meant for.

    ``start``/``end`` index the *original* text (Python string indices, end exclusive), and ``text``
    is exactly ``original[start:end]``, whatever normalisation the check matched on.
    """

    check: str  # "<category>.<name>", e.g. "personal_data.phone"
    severity: Severity
    start: int
    end: int
    text: str
    message: str  # plain words for a community manager
    suggestion: str | None = None  # replacement text for the span, where one exists
    confidence: float = 1.0

    @property
    def category(self) -> str:
        return self.check.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "category": self.category,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class SkippedCheck:
    """A check that did not run on this draft, and why (for example: the language model is missing)."""

    check: str
    reason: str


@dataclass
class Report:
    """The findings for one exact text on one account, and the verdict that follows."""

    account_id: str
    text_sha256: str
    verdict: Verdict
    findings: list[Finding]
    skipped: list[SkippedCheck] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @staticmethod
    def hash_text(text: str) -> str:
        # surrogatepass: a draft may hold lone surrogates (pasted from broken sources) and still
        # needs a stable identity.
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def counts(self) -> dict[Severity, int]:
        out = {s: 0 for s in Severity}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "account": self.account_id,
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.skipped:
            out["skipped"] = [{"check": s.check, "reason": s.reason} for s in self.skipped]
        return out
