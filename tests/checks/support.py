"""Helpers for the check tests: what a checker says about one draft, narrowed to what a test is about."""

from checks import Checker
from checks.findings import Finding


def found(checker: Checker, text: str, check: str, account: str = "acme") -> list[str]:
    """The quoted text of each finding of ``check``."""
    return [f.text for f in checker.check(text, account).findings if f.check == check]


def in_category(category: str, checker: Checker, text: str, account: str = "acme") -> list[Finding]:
    """The findings of one category."""
    return [f for f in checker.check(text, account).findings if f.category == category]
