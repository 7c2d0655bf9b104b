"""Errors a person can act on: each names the file, the line or key, and what was expected."""

from __future__ import annotations

from pathlib import Path


class SecondLookError(Exception):
    """Base class for errors that are the user's to fix; ``str()`` is a complete, plain message."""

    code = "SL000"


class ConfigError(SecondLookError):
    """A workspace or policy file that cannot be used as written.

    ``str(error)`` reads like ``policy.toml, line 7, key 'severity."personal_data.phon"': unknown
    check; did you mean personal_data.phone?``
    """

    code = "SL100"

    def __init__(
        self,
        path: Path | str | None,
        problem: str,
        *,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        self.key = key
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.key is not None:
            where.append(f"key '{self.key}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.problem}" if prefix else self.problem


class UnknownAccountError(SecondLookError):
    code = "SL200"

    def __init__(self, account_id: str, known: list[str], source: Path | None) -> None:
        self.account_id = account_id
        where = f" in {source}" if source else ""
        choices = ", ".join(known) if known else "none"
        super().__init__(f"There is no account '{account_id}'{where}. Accounts: {choices}.")
