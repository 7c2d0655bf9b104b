"""Second Look's checks: drafts in, findings out.

A pure library (no Qt, no app layers). The usual entry point is :class:`checks.engine.Checker`::

    from checks import Checker, load_workspace
    checker = Checker(load_workspace())  # the demo workspace, or load_workspace("folder")
    report = checker.check("Call me on +44 20 7946 0958", account_id="acme")
    report.verdict       # Verdict.BLOCKED: the demo policy blocks phone numbers on "acme"
    report.findings[0]   # Finding(check="personal_data.phone", start=11, end=27, ...)
"""

from checks.engine import Checker
from checks.findings import Finding, Report, Severity, Verdict
from checks.workspace import Account, Workspace, demo_workspace_path, load_workspace

__all__ = [
    "Account",
    "Checker",
    "Finding",
    "Report",
    "Severity",
    "Verdict",
    "Workspace",
    "demo_workspace_path",
    "load_workspace",
]
