"""The organisation's policy: terms, severities, review rules; overridable per account.

Three layers, each validated on load: the built-in ``resources/default_policy.toml``, the
workspace's ``policy.toml``, and its ``[account.<id>]`` tables. Tables merge key by key; a value set
in a later layer replaces the earlier one (lists are replaced, not appended).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import phonenumbers

from checks.errors import ConfigError
from checks.findings import Severity
from checks.registry import known_categories, known_check_ids
from checks.resources import resource_path
from checks.toml_source import KeyPath, TomlSource, load_toml

SEVERITY_VALUES = ("info", "warn", "block", "off")  # "off" turns a check off


@dataclass(frozen=True)
class Terms:
    banned: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    public_names: tuple[str, ...] = ()  # people who may be named publicly (spokespeople)
    confidential: tuple[str, ...] = ()  # code names and internal words
    public_contacts: tuple[str, ...] = ()  # the organisation's own emails and phone numbers


@dataclass(frozen=True)
class Policy:
    """The rules in force for one account (or the organisation, before per-account overrides)."""

    terms: Terms
    severity: Mapping[str, str]  # check id or category -> info | warn | block | off
    review_required_for: tuple[str, ...]  # check ids or categories whose warnings need a reviewer
    undo_seconds: int
    allow_override: bool
    phone_regions: tuple[str, ...]
    overrides: Mapping[str, Mapping[str, Any]]  # account id -> raw override tables
    sources: tuple[Path, ...] = ()

    def severity_of(self, check_id: str) -> Severity | None:
        """The severity for ``check_id``, or None when the policy turns it off."""
        value = self.severity.get(check_id) or self.severity.get(check_id.split(".", 1)[0]) or "warn"
        return None if value == "off" else Severity(value)

    def needs_review(self, check_id: str) -> bool:
        return check_id in self.review_required_for or check_id.split(".", 1)[0] in self.review_required_for

    def for_account(self, account_id: str) -> Policy:
        """The policy with ``[account.<account_id>]`` applied."""
        return self._per_account.get(account_id, self)

    @cached_property
    def _per_account(self) -> dict[str, Policy]:
        return {
            account_id: _build(_merge(self._as_layer(), tables), self.sources, {})
            for account_id, tables in self.overrides.items()
        }

    def _as_layer(self) -> dict[str, Any]:
        return {
            "terms": {k: list(getattr(self.terms, k)) for k in _TERM_KEYS},
            "severity": dict(self.severity),
            "review": {"required_for": list(self.review_required_for)},
            "publish": {"undo_seconds": self.undo_seconds, "allow_override": self.allow_override},
            "phone": {"regions": list(self.phone_regions)},
        }


_TERM_KEYS = ("banned", "competitors", "public_names", "confidential", "public_contacts")


def default_policy_path() -> Path:
    return resource_path("default_policy.toml")


def load_policy(path: Path | None, account_ids: Iterable[str] = ()) -> Policy:
    """Load the default policy, then ``path`` on top of it (if given), validating both."""
    default = load_toml(default_policy_path())
    layer = _validate(default, account_ids=None)
    sources = [default.path]
    overrides: dict[str, dict[str, Any]] = {}
    if path is not None:
        source = load_toml(path)
        workspace_layer = _validate(source, account_ids=set(account_ids))
        overrides = workspace_layer.pop("account", {})
        layer = _merge(layer, workspace_layer)
        sources.append(source.path)
    return _build(layer, tuple(sources), overrides)


def _build(layer: dict[str, Any], sources: tuple[Path, ...], overrides: dict[str, Any]) -> Policy:
    terms = layer.get("terms", {})
    return Policy(
        terms=Terms(**{k: tuple(terms.get(k, ())) for k in _TERM_KEYS}),
        severity=dict(layer.get("severity", {})),
        review_required_for=tuple(layer.get("review", {}).get("required_for", ())),
        undo_seconds=int(layer.get("publish", {}).get("undo_seconds", 10)),
        allow_override=bool(layer.get("publish", {}).get("allow_override", True)),
        phone_regions=tuple(layer.get("phone", {}).get("regions", ("US",))),
        overrides=overrides,
        sources=sources,
    )


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for key, value in top.items():
        if key == "severity":
            out[key] = _merge_severity(out.get(key, {}), value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _merge_severity(base: Mapping[str, str], top: Mapping[str, str]) -> dict[str, str]:
    """A category set in a later layer wins over check ids of that category set earlier (the
    workspace's ``"personal_data" = "info"`` beats the default's ``"personal_data.email"``); within
    one layer, a check id beats its category."""
    categories = {key for key in top if "." not in key}
    kept = {k: v for k, v in base.items() if k.split(".", 1)[0] not in categories or "." not in k}
    return {**kept, **top}


# --- validation -------------------------------------------------------------------------------

_TABLES = ("terms", "severity", "review", "publish", "phone")


def _validate(source: TomlSource, account_ids: set[str] | None) -> dict[str, Any]:
    """Check every key and value of a policy file; return it as a layer. ``account_ids`` is None
    for the built-in default, which may not hold per-account tables."""
    data = source.data
    allowed = _TABLES + (("account",) if account_ids is not None else ())
    for key in data:
        if key not in allowed:
            raise source.error((key,), f"unknown table; expected one of {', '.join(allowed)}")
    layer = {name: _validate_table(source, (name,), data[name]) for name in _TABLES if name in data}
    if account_ids is not None and "account" in data:
        accounts = _require_table(source, ("account",), data["account"])
        layer["account"] = {}
        for account_id, tables in accounts.items():
            path: KeyPath = ("account", account_id)
            if account_id not in account_ids:
                raise source.error(
                    path, f"no account '{account_id}' in accounts.toml; accounts: {', '.join(sorted(account_ids))}"
                )
            account_tables = _require_table(source, path, tables)
            for key in account_tables:
                if key not in _TABLES:
                    raise source.error((*path, key), f"unknown table; expected one of {', '.join(_TABLES)}")
            layer["account"][account_id] = {
                name: _validate_table(source, (*path, name), account_tables[name])
                for name in _TABLES
                if name in account_tables
            }
    return layer


def _require_table(source: TomlSource, path: KeyPath, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise source.error(path, f"expected a table, got {value!r}")
    return value


def _validate_table(source: TomlSource, path: KeyPath, value: Any) -> dict[str, Any]:
    table = _require_table(source, path, value)
    name = path[-1]
    if name == "terms":
        return {key: _string_list(source, (*path, key), v) for key, v in _known(source, path, table, _TERM_KEYS)}
    if name == "severity":
        out = {}
        for key, v in table.items():
            _known_check(source, (*path, key), key, allow_category=True)
            if v not in SEVERITY_VALUES:
                raise source.error((*path, key), f"expected one of {', '.join(SEVERITY_VALUES)}, got {v!r}")
            out[key] = v
        return out
    if name == "review":
        out_review: dict[str, Any] = {}
        for key, v in _known(source, path, table, ("required_for",)):
            items = _string_list(source, (*path, key), v)
            for item in items:
                _known_check(source, (*path, key), item, allow_category=True)
            out_review[key] = items
        return out_review
    if name == "publish":
        out_publish: dict[str, Any] = {}
        for key, v in _known(source, path, table, ("undo_seconds", "allow_override")):
            if key == "undo_seconds" and (isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 300):
                raise source.error((*path, key), f"expected a whole number of seconds from 0 to 300, got {v!r}")
            if key == "allow_override" and not isinstance(v, bool):
                raise source.error((*path, key), f"expected true or false, got {v!r}")
            out_publish[key] = v
        return out_publish
    # phone
    out_phone: dict[str, Any] = {}
    for key, v in _known(source, path, table, ("regions",)):
        regions = _string_list(source, (*path, key), v)
        bad = [r for r in regions if r.upper() not in phonenumbers.SUPPORTED_REGIONS]
        if bad:
            raise source.error(
                (*path, key), f'unknown region {bad[0]!r}; expected two-letter codes like "US", "GB", "DE"'
            )
        out_phone[key] = [r.upper() for r in regions]
    return out_phone


def _known(source: TomlSource, path: KeyPath, table: dict[str, Any], keys: tuple[str, ...]) -> list[tuple[str, Any]]:
    for key in table:
        if key not in keys:
            raise source.error((*path, key), f"unknown key; expected one of {', '.join(keys)}")
    return list(table.items())


def _string_list(source: TomlSource, path: KeyPath, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise source.error(path, f"expected a list of non-empty strings, got {value!r}")
    return [v.strip() for v in value]


def _known_check(source: TomlSource, path: KeyPath, name: str, *, allow_category: bool) -> None:
    ids = known_check_ids()
    choices = set(ids) | (known_categories() if allow_category else set())
    if name in choices:
        return
    close = difflib.get_close_matches(name, sorted(choices), n=1)
    hint = f"; did you mean {close[0]}?" if close else f"; known checks: {', '.join(sorted(ids))}"
    raise source.error(path, f"unknown check '{name}'{hint}")


__all__ = ["ConfigError", "Policy", "Terms", "default_policy_path", "load_policy"]
