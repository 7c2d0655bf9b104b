"""The one place checks are registered.

A check is a small pure function over a :class:`CheckContext` that yields :class:`Hit` objects in
the coordinates of the normalised text; the engine maps them back to the original characters,
applies the policy's severities and builds :class:`~checks.findings.Finding` objects. Adding a check
means one decorated function (plus its word list in ``resources/lexicons``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from checks.policy import Policy
    from checks.workspace import Account

# Every category a policy may name, including those whose checks arrive in later releases.
CATEGORIES = (
    "personal_data",
    "secret",
    "confidential",
    "personal_voice",
    "off_brand",
    "platform",
    "account_fit",
    "crisis",
)

# Modules that register checks when imported. A new module of checks is added here.
CHECK_MODULES = (
    "checks.personal_data",
    "checks.secrets",
    "checks.confidential",
    "checks.platform",
    "checks.account_fit",
    "checks.personal_voice",
    "checks.off_brand",
)


@dataclass(frozen=True)
class Hit:
    """What a check found, in the coordinates of ``CheckContext.text`` (or of ``doc.text``)."""

    start: int
    end: int
    message: str
    suggestion: str | None = None
    confidence: float = 1.0
    in_original: bool = False  # start/end index CheckContext.original instead of text


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at. ``text`` is normalised; ``doc`` is spaCy's parse of it
    (only for checks registered with ``pipes``, and then ``text`` is ``doc.text``)."""

    text: str
    account: Account
    accounts: tuple[Account, ...]
    policy: Policy
    doc: Doc | None = None
    # The draft exactly as typed, for checks that must count what the platform will receive
    # (zero-width characters and emoji joiners count on Mastodon and Bluesky). Spans still index
    # ``text``.
    original: str = ""


CheckFunction = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class RegisteredCheck:
    id: str  # "<category>.<name>"
    run: CheckFunction
    pipes: tuple[str, ...]  # spaCy components the check reads (empty: a rule-based check)
    version: int
    summary: str  # one line for the docs

    @property
    def needs_model(self) -> bool:
        return bool(self.pipes)

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def component_name(self) -> str:
        """The spaCy factory name, versioned so pipelines that pin a version keep working."""
        return f"secondlook_{self.id.replace('.', '_')}_v{self.version}"


_REGISTRY: dict[str, RegisteredCheck] = {}


def register(
    check_id: str, *, summary: str, pipes: tuple[str, ...] = (), version: int = 1
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check. ``pipes`` names the spaCy components whose annotations it reads (e.g.
    ``("ner",)``); the engine runs only the components some active check needs."""
    category, _, name = check_id.partition(".")
    if category not in CATEGORIES or not name:
        raise ValueError(f"check id {check_id!r} must be '<category>.<name>' with a category from {CATEGORIES}")

    def decorate(fn: CheckFunction) -> CheckFunction:
        if check_id in _REGISTRY and _REGISTRY[check_id].run is not fn:
            raise ValueError(f"check {check_id!r} is registered twice")
        _REGISTRY[check_id] = RegisteredCheck(check_id, fn, pipes, version, summary)
        return fn

    return decorate


@cache
def all_checks() -> tuple[RegisteredCheck, ...]:
    for module in CHECK_MODULES:
        importlib.import_module(module)
    return tuple(_REGISTRY[k] for k in sorted(_REGISTRY))


def known_check_ids() -> tuple[str, ...]:
    return tuple(c.id for c in all_checks())


def known_categories() -> set[str]:
    return set(CATEGORIES)
