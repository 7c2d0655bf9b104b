"""What must happen before a checked draft may be published: the rules of the confirmation step.

The composer's confirmation dialog and (later) ``secondlook publish`` both ask :func:`gate_for` and
apply its answer, so the window and the terminal can never disagree about what a post needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.findings import Finding, Report, Severity
from checks.policy import Policy
from checks.workspace import Account

# Findings from these categories on a brand or client account mean "this may be the wrong
# account": the person must type the account's handle, not just click.
HANDLE_CATEGORIES = frozenset({"personal_voice", "account_fit"})
MAX_REASON_CHARS = 2_000


@dataclass(frozen=True)
class Attempt:
    """What the person did in the confirmation step."""

    acknowledged: bool = False  # ticked "I have read the warnings"
    typed_handle: str = ""
    override_reason: str = ""


@dataclass(frozen=True)
class PublishGate:
    """The requirements for publishing one report's text on one account."""

    account: Account
    report: Report
    warnings: tuple[Finding, ...]  # must be acknowledged
    blocking: tuple[Finding, ...]  # block findings, and warnings the policy sends to review
    override_allowed: bool
    handle_required: bool
    undo_seconds: int
    # Set when the account itself may not publish (its platform handle is not the configured one, its
    # credentials were refused): no reason, acknowledgement or typed handle gets past it.
    blocked_reason: str | None = None
    to_outbox: bool = False  # the account is not connected: the post stays on this laptop

    @property
    def needs_override(self) -> bool:
        return bool(self.blocking)

    @property
    def question(self) -> str:
        """ "Post publicly as Acme Outdoor, @acme@mastodon.social, to 48,000 followers on Mastodon?"."""
        a = self.account
        if self.to_outbox and a.platform != "outbox":
            return (
                f"Post as {a.name}, {a.handle}, to the local outbox? The account is not connected to "
                f"{a.platform_name}, so nothing leaves this laptop."
            )
        if a.platform == "outbox":
            return f"Post as {a.name}, {a.handle}, to the local outbox?"
        if a.platform == "webhook":
            return f"Post as {a.name}, {a.handle}, to {a.platform_name}?"
        plural = "" if a.audience == 1 else "s"
        audience = f"{a.audience:,} follower{plural}" if a.audience else "its followers"
        return f"Post publicly as {a.name}, {a.handle}, to {audience} on {a.platform_name}?"

    def problems(self, attempt: Attempt) -> list[str]:
        """What still stands between ``attempt`` and publishing, in plain words; empty means go."""
        if self.blocked_reason:
            return [self.blocked_reason]
        out: list[str] = []
        if self.blocking and not self.override_allowed:
            count = _count(len(self.blocking), "finding")
            out.append(f"{count} must be fixed first; the policy does not allow overriding them.")
        elif self.blocking and not attempt.override_reason.strip():
            out.append(f"Overriding {_count(len(self.blocking), 'blocking finding')} needs a written reason.")
        elif len(attempt.override_reason) > MAX_REASON_CHARS:
            length = len(attempt.override_reason)
            out.append(f"The reason is too long ({length:,} characters; {MAX_REASON_CHARS:,} at most).")
        if self.warnings and not attempt.acknowledged:
            out.append(f"Acknowledge the {_count(len(self.warnings), 'warning')} first.")
        if self.handle_required and not handle_matches(attempt.typed_handle, self.account.handle):
            out.append(f"Type the account's handle, {self.account.handle}, to confirm this is the right account.")
        return out

    def allows(self, attempt: Attempt) -> bool:
        return not self.problems(attempt)


def gate_for(
    report: Report,
    account: Account,
    policy: Policy,
    *,
    blocked_reason: str | None = None,
    to_outbox: bool = False,
) -> PublishGate:
    """The gate for ``report`` (checked on ``account``), under the workspace ``policy``.

    ``blocked_reason``: why the account may not publish at all (from the app's account status).
    ``to_outbox``: the account is not connected, so the question says the post stays on this laptop.
    """
    rules = policy.for_account(account.id)
    # Second-person review is not in this release: a finding the policy sends to review is held
    # back like a blocking one (published only through a recorded override), never waved through.
    blocking = tuple(
        f
        for f in report.findings
        if f.severity is Severity.BLOCK or (f.severity is Severity.WARN and rules.needs_review(f.check))
    )
    warnings = tuple(f for f in report.findings if f.severity is Severity.WARN and f not in blocking)
    handle_required = account.is_organisation and any(
        f.category in HANDLE_CATEGORIES and f.severity is not Severity.INFO for f in report.findings
    )
    return PublishGate(
        account=account,
        report=report,
        warnings=warnings,
        blocking=blocking,
        override_allowed=rules.allow_override,
        handle_required=handle_required,
        undo_seconds=rules.undo_seconds,
        blocked_reason=blocked_reason,
        to_outbox=to_outbox,
    )


def handle_matches(typed: str, handle: str) -> bool:
    """Typed handles match ignoring case, surrounding space and a missing leading "@"."""
    want = handle.strip().casefold().lstrip("@")
    return bool(want) and typed.strip().casefold().lstrip("@") == want


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
