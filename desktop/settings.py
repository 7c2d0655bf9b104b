"""Where the app keeps its files, and the small state it remembers between runs.

Everything lives in one folder, :func:`data_dir`, so a person (or a test) can move all of it with
``SECONDLOOK_HOME``. Secrets never go here: account credentials belong in the OS keyring.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import platformdirs

from desktop.records import AppState

HOME_VARIABLE = "SECONDLOOK_HOME"

log = logging.getLogger(__name__)


def data_dir() -> Path:
    """The folder for the drafts database and ``state.json``: ``$SECONDLOOK_HOME``, else the OS's app data folder.

    The folder is not created here; whoever writes into it first creates it.
    """
    override = os.environ.get(HOME_VARIABLE, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("secondlook", appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "secondlook.db"


def state_path() -> Path:
    return data_dir() / "state.json"


def load_state() -> AppState:
    """What the app remembered last time, or a fresh :class:`AppState`.

    Never raises: losing the last workspace is a small inconvenience, refusing to start is not. A file
    that cannot be read or parsed is logged and ignored (it is overwritten by the next save).
    """
    path = state_path()
    try:
        raw = path.read_text(encoding="utf-8", errors="surrogatepass")
    except FileNotFoundError:
        return AppState()
    except (OSError, UnicodeDecodeError) as error:
        log.warning("Ignoring %s, which cannot be read (%s); starting with default settings.", path, error)
        return AppState()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        log.warning("Ignoring %s, which is not valid JSON (%s); starting with default settings.", path, error)
        return AppState()
    if not isinstance(data, dict):
        log.warning("Ignoring %s, which does not hold a JSON object; starting with default settings.", path)
        return AppState()
    last = data.get("last_workspace")
    extra = data.get("extra")
    state = AppState(
        last_workspace=last if isinstance(last, str) else None,
        extra={k: v for k, v in extra.items() if isinstance(v, str)} if isinstance(extra, dict) else {},
    )
    if (last is not None and state.last_workspace is None) or (extra is not None and state.extra != extra):
        log.warning("Ignoring values of the wrong type in %s.", path)
    return state


def save_state(state: AppState) -> None:
    """Write ``state.json`` atomically: a crash mid-write leaves the previous file, never half of one.

    Raises :class:`OSError` when the folder cannot be written; the state is a convenience, so callers
    may log that and carry on.
    """
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not ensure_ascii: json.loads would join the escapes of a split surrogate pair into one character. Lone
    # surrogates (undecodable path bytes) are written with 'surrogatepass' and read back the same way.
    payload = json.dumps({"last_workspace": state.last_workspace, "extra": state.extra}, indent=2, ensure_ascii=False)
    # The temporary file sits next to the target so os.replace is a rename on one file system.
    fd, temp_name = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write(payload + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
