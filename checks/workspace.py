"""Workspaces: a folder with ``accounts.toml`` (who can speak) and ``policy.toml`` (the rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.errors import ConfigError, UnknownAccountError
from checks.policy import Policy, load_policy
from checks.resources import resource_path
from checks.toml_source import KeyPath, TomlSource, load_toml

PLATFORMS = ("mastodon", "bluesky", "x", "linkedin", "webhook", "outbox")
KINDS = ("brand", "personal", "client")
ACCOUNT_ID = re.compile(r"[a-z0-9][a-z0-9_\-]{0,63}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

PLATFORM_NAMES = {
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "x": "X",
    "linkedin": "LinkedIn",
    "webhook": "a team channel",
    "outbox": "the local outbox",
}


@dataclass(frozen=True)
class Account:
    """An account someone can post as. Secrets never live here (they are in the OS keyring)."""

    id: str
    platform: str
    handle: str
    name: str
    kind: str
    audience: int = 0
    brand_terms: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # the account's own people, who may be named on it
    colour: str | None = None
    server: str | None = None  # Mastodon instance, Bluesky PDS, webhook kind...
    voice_samples: Path | None = None  # the account's past posts, for the fit check
    # The platform's own length limit, as its server publishes it (Mastodon instances set their own).
    # Not read from accounts.toml: the app fills it in from the verified connection.
    char_limit: int | None = None

    @property
    def is_organisation(self) -> bool:
        """Brand and client accounts speak for an organisation; personal ones for a person."""
        return self.kind in ("brand", "client")

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES[self.platform]

    def describe(self) -> str:
        """``Acme Outdoor (@acme@mastodon.social), brand account on Mastodon, 48,000 followers``."""
        plural = "" if self.audience == 1 else "s"
        who = f"{self.name} ({self.handle}), {self.kind} account on {self.platform_name}"
        return f"{who}, {self.audience:,} follower{plural}"


@dataclass(frozen=True)
class Workspace:
    path: Path | None
    accounts: tuple[Account, ...]
    policy: Policy
    _by_id: dict[str, Account] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({a.id: a for a in self.accounts})

    def account(self, account_id: str) -> Account:
        try:
            return self._by_id[account_id]
        except KeyError:
            source = self.path / "accounts.toml" if self.path else None
            raise UnknownAccountError(account_id, list(self._by_id), source) from None


def demo_workspace_path() -> Path:
    return resource_path("demo_workspace")


def load_workspace(path: Path | str | None = None) -> Workspace:
    """Load and validate a workspace folder (the demo workspace when ``path`` is None)."""
    folder = Path(path) if path is not None else demo_workspace_path()
    if not folder.is_dir():
        raise ConfigError(folder, "is not a folder; a workspace is a folder with accounts.toml and policy.toml")
    accounts = load_accounts(folder / "accounts.toml")
    policy = load_policy(folder / "policy.toml", account_ids=[a.id for a in accounts])
    return Workspace(folder, accounts, policy)


_FIELDS: dict[str, tuple[type, bool, str]] = {
    # key: (type, required, what a person should write)
    "id": (str, True, "a short id of lowercase letters, digits, '-' or '_'"),
    "platform": (str, True, "one of " + ", ".join(PLATFORMS)),
    "handle": (str, True, 'the account\'s handle, e.g. "@acme@mastodon.social"'),
    "name": (str, True, "the display name"),
    "kind": (str, True, "one of " + ", ".join(KINDS)),
    "audience": (int, False, "a whole number of followers"),
    "brand_terms": (list, False, "a list of words, handles and hashtags"),
    "people": (list, False, "a list of people's names"),
    "colour": (str, False, 'a colour like "#1F6FEB"'),
    "server": (str, False, "a server address"),
    "voice_samples": (str, False, "a text file (one post per line) or CSV file (a 'text' column) of past posts"),
}


def load_accounts(path: Path) -> tuple[Account, ...]:
    source = load_toml(path)
    unknown_top = [k for k in source.data if k != "account"]
    if unknown_top:
        raise source.error((unknown_top[0],), "unknown table; accounts.toml holds [[account]] entries only")
    entries = source.data.get("account")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(path, "no accounts: add at least one [[account]] table")
    accounts: list[Account] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        account = _parse_account(source, index, entry)
        if account.id in seen:
            raise source.error(
                ("account", index, "id"), f"duplicate id '{account.id}' (also account {seen[account.id] + 1})"
            )
        seen[account.id] = index
        accounts.append(account)
    return tuple(accounts)


def _parse_account(source: TomlSource, index: int, entry: dict[str, Any]) -> Account:
    base: KeyPath = ("account", index)
    for key in entry:
        if key not in _FIELDS:
            raise source.error((*base, key), f"unknown key; expected one of {', '.join(_FIELDS)}")
    values: dict[str, Any] = {}
    for key, (kind, required, expected) in _FIELDS.items():
        if key not in entry:
            if required:
                raise source.error(base, f"missing key '{key}': expected {expected}")
            continue
        value = entry[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise source.error((*base, key), f"expected {expected}, got {value!r}")
        if kind is str and not (isinstance(value, str) and value.strip()):
            raise source.error((*base, key), f"expected {expected}, got {value!r}")
        if kind is list:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise source.error((*base, key), f"expected {expected} (non-empty strings), got {value!r}")
            value = tuple(v.strip() for v in value)
        values[key] = value
    checks = {
        "id": (ACCOUNT_ID.fullmatch(values["id"]) is not None, _FIELDS["id"][2]),
        "platform": (values["platform"] in PLATFORMS, _FIELDS["platform"][2]),
        "kind": (values["kind"] in KINDS, _FIELDS["kind"][2]),
        "colour": (_COLOUR.fullmatch(values.get("colour", "#000000")) is not None, _FIELDS["colour"][2]),
    }
    for key, (ok, expected) in checks.items():
        if not ok:
            raise source.error((*base, key), f"expected {expected}, got {values[key]!r}")
    samples = values.get("voice_samples")
    if samples and not (source.path.parent / samples).is_file():
        raise source.error((*base, "voice_samples"), f"no file {samples!r} next to accounts.toml")
    return Account(
        id=values["id"],
        platform=values["platform"],
        handle=values["handle"].strip(),
        name=values["name"].strip(),
        kind=values["kind"],
        audience=values.get("audience", 0),
        brand_terms=values.get("brand_terms", ()),
        people=values.get("people", ()),
        colour=values.get("colour"),
        server=values.get("server"),
        voice_samples=(source.path.parent / samples) if samples else None,
    )
