"""Account secrets (tokens, app passwords, webhook URLs) live in the OS keyring and nowhere else.

Each secret is one keyring entry under the service :data:`SERVICE` and the user name ``"{account_id}/{kind}"``.
No secret is ever written to a file, the database, a log line or an exception message:

* keyring failures become :class:`SecretStoreError`, whose message names the backend and the error's type
  but never carries the original exception (its text, or a D-Bus reply, could echo the secret);
* every secret stored or loaded here is registered with :data:`REDACTOR`, a logging filter that replaces
  it with ``[secret]`` in log records (:func:`install_log_redaction`) and in text passed to :func:`redact`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import keyring.backend

SERVICE: Final = "Second Look"
TOKEN: Final = "token"  # Mastodon access token
APP_PASSWORD: Final = "app_password"  # Bluesky app password
SESSION: Final = "session"  # Bluesky session (refresh JWT), as JSON
WEBHOOK_URL: Final = "webhook_url"
CLIENT: Final = "client"  # Mastodon OAuth client id and secret, as JSON
KINDS: Final = (TOKEN, APP_PASSWORD, SESSION, WEBHOOK_URL, CLIENT)

PLACEHOLDER: Final = "[secret]"
# Strings inside a JSON secret at least this long are redacted on their own too (a JWT, a client secret).
_MIN_JSON_PART: Final = 16
# A D-Bus error name such as org.freedesktop.Secret.Error.IsLocked: fixed text, safe to show.
_DBUS_ERROR_NAME = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)+")

log = logging.getLogger(__name__)


class SecretStoreError(Exception):
    """The keyring failed. The message says what failed and what to do; it never contains the secret."""


class SecretRedactor(logging.Filter):
    """Replaces every registered secret with ``[secret]`` in log records and in text given to :meth:`redact`."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()  # longest first, so a secret containing another goes whole

    def add(self, secret: str) -> None:
        """Remember ``secret``; a JSON object's long string values are remembered on their own as well."""
        found = {secret}
        try:
            data = json.loads(secret)
        except ValueError:
            data = None
        if isinstance(data, dict):
            found.update(v for v in data.values() if isinstance(v, str) and len(v) >= _MIN_JSON_PART)
        found.discard("")
        with self._lock:
            self._secrets = tuple(sorted(found.union(self._secrets), key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, PLACEHOLDER)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: logging would print both raw, so scrub them here
            message = f"{record.msg!s} (arguments: {record.args!r})"
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR: Final = SecretRedactor()


def redact(text: str) -> str:
    """``text`` with every secret this process has stored or loaded replaced by ``[secret]``.

    For messages built from server responses or exceptions that may echo a credential.
    """
    return REDACTOR.redact(text)


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Attach :data:`REDACTOR` to ``logger`` (default: the root logger) and to each of its handlers.

    Handler filters see records from every logger that propagates to them; call this again after adding a
    handler. Attaching twice is harmless.
    """
    target = logger or logging.getLogger()
    for filterer in (target, *target.handlers):
        if REDACTOR not in filterer.filters:
            filterer.addFilter(REDACTOR)


def backend_name() -> str:
    """The active keyring backend, for diagnostics: e.g. ``"SecretService Keyring (priority 5)"``."""
    try:
        import keyring  # here, not at the top: `secondlook check` loads this module and never a secret

        backend = keyring.get_keyring()
        return _describe_backend(backend)
    except Exception as error:  # a bad PYTHON_KEYRING_BACKEND or keyringrc.cfg
        return f"none: the keyring backend could not be loaded ({type(error).__name__})"


def store_secret(account_id: str, kind: str, secret: str) -> None:
    """Save ``secret`` as the ``kind`` of ``account_id``, replacing any earlier one."""
    user = _username(account_id, kind)
    if not isinstance(secret, str) or not secret:
        raise ValueError(f"the {kind} of account {account_id!r} must be a non-empty string")
    REDACTOR.add(secret)
    backend, failure = _backend(), ""
    try:
        backend.set_password(SERVICE, user, secret)
    except Exception as error:
        failure = _error_type(error)
    if failure:  # raised outside the except block so the original exception is not even the __context__
        raise _store_error("save", account_id, kind, backend, failure)
    log.debug("Saved the %s of account %r in the keyring (%s).", kind, account_id, _describe_backend(backend))


def load_secret(account_id: str, kind: str) -> str | None:
    """The ``kind`` of ``account_id``, or ``None`` when the keyring has none."""
    user = _username(account_id, kind)
    backend, failure, secret = _backend(), "", None
    try:
        secret = backend.get_password(SERVICE, user)
    except Exception as error:
        failure = _error_type(error)
    if failure:
        raise _store_error("read", account_id, kind, backend, failure)
    if secret:
        REDACTOR.add(secret)
    return secret


def delete_secrets(account_id: str) -> list[str]:
    """Delete every secret of ``account_id`` and return the kinds that were there. Missing ones are fine."""
    deleted = []
    for kind in KINDS:
        if load_secret(account_id, kind) is None:
            continue
        backend, failure = _backend(), ""
        try:
            backend.delete_password(SERVICE, _username(account_id, kind))
        except Exception as error:
            failure = _error_type(error)
        if failure and load_secret(account_id, kind) is not None:
            raise _store_error("delete", account_id, kind, backend, failure)
        deleted.append(kind)
    if deleted:
        log.debug("Deleted the %s of account %r from the keyring.", ", ".join(deleted), account_id)
    return deleted


def _username(account_id: str, kind: str) -> str:
    if not isinstance(account_id, str) or not account_id.strip() or "/" in account_id:
        raise ValueError(f"an account id must be a non-empty string without '/', not {account_id!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown secret kind {kind!r}: expected one of {', '.join(KINDS)}")
    return f"{account_id}/{kind}"


def _backend() -> keyring.backend.KeyringBackend:
    try:
        import keyring

        return keyring.get_keyring()
    except Exception as error:
        failure = _error_type(error)
    raise SecretStoreError(
        f"The keyring backend could not be loaded ({failure}): check PYTHON_KEYRING_BACKEND and keyringrc.cfg."
    )


def _describe_backend(backend: keyring.backend.KeyringBackend) -> str:
    name = str(type(backend).name)
    chained = getattr(backend, "backends", None)  # keyring's ChainerBackend tries several in turn
    if isinstance(chained, list) and chained:
        name += " of " + ", ".join(str(type(b).name) for b in chained)
    try:
        return f"{name} (priority {type(backend).priority:g})"
    except Exception:
        return name


def _error_type(error: BaseException) -> str:
    """The exception's class and, for a D-Bus error, its error name: fixed texts that never hold the secret."""
    module = type(error).__module__
    described = type(error).__qualname__ if module == "builtins" else f"{module}.{type(error).__qualname__}"
    for cause in (error, error.__cause__, error.__context__):
        name = getattr(cause, "name", None)
        if isinstance(name, str) and _DBUS_ERROR_NAME.fullmatch(name):
            return f"{described}: {name}"
    return described


def _store_error(
    action: str, account_id: str, kind: str, backend: keyring.backend.KeyringBackend, failure: str
) -> SecretStoreError:
    where = _describe_backend(backend)
    if "NoKeyringError" in failure:
        return SecretStoreError(
            f"No system keyring is available ({where}; {failure}): install and start one (on Linux a Secret "
            f"Service such as GNOME Keyring or KWallet), then try again."
        )
    if any(word in failure for word in ("Locked", "InitError", "Dismissed", "NotAvailable", "DBus", "dbus")):
        return SecretStoreError(
            f"Could not {action} the {kind} of account {account_id!r}: the system keyring is locked or "
            f"unavailable ({where}; {failure}): unlock it and try again."
        )
    return SecretStoreError(
        f"Could not {action} the {kind} of account {account_id!r} in the system keyring ({where}; {failure}): "
        f"check that the keyring is unlocked and working, then try again."
    )
