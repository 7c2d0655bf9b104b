"""One helper for slow work: run a function off the GUI thread, deliver its result on the GUI thread.

    background.run("storage", lambda: store.save_draft(...), on_success=self._saved, on_failure=self._failed)

Four lanes, each a thread pool:

- ``"storage"``: one thread, so database calls never interleave;
- ``"checks"``: one thread, so the language model is never used from two threads at once;
- ``"model"``: one thread that loads the language model, so rule-based checks go on meanwhile;
- ``"network"``: a few threads, for publishing.

Never touch a widget inside the background function: it runs on a worker thread. The callbacks run
on the GUI thread, so they may. A failure reaches ``on_failure`` with the exception (never a
traceback dialog); without ``on_failure`` it is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
Lane = Literal["storage", "checks", "model", "network"]
_THREADS: dict[Lane, int] = {"storage": 1, "checks": 1, "model": 1, "network": 4}


class _Relay(QObject):
    """Lives on the GUI thread; a queued signal carries the worker's outcome back to it.

    Signals:
        finished(bool, object): (succeeded, result or exception), emitted from the worker thread.
    """

    finished = Signal(bool, object)

    def __init__(
        self,
        owner: Background,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self._owner = owner
        self._on_success = on_success
        self._on_failure = on_failure
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        self._owner._relays.discard(self)
        if self._owner.closed:
            return  # the window is gone; nothing left to update
        if ok:
            if self._on_success is not None:
                self._on_success(value)
        elif self._on_failure is not None:
            self._on_failure(value)  # type: ignore[arg-type]
        else:
            log.error("background work failed", exc_info=value)  # type: ignore[arg-type]


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to on_failure; a worker thread must not die silently
            self._relay.finished.emit(False, exc)
        else:
            self._relay.finished.emit(True, result)


class Background:
    """The app's background lanes. Create one per window; call :meth:`shutdown` when it closes."""

    def __init__(self) -> None:
        self._pools: dict[Lane, QThreadPool] = {}
        for lane, threads in _THREADS.items():
            pool = QThreadPool()
            pool.setMaxThreadCount(threads)
            self._pools[lane] = pool
        self._relays: set[_Relay] = set()
        self.closed = False

    def run(
        self,
        lane: Lane,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn()`` on ``lane``; then ``on_success(result)`` or ``on_failure(error)`` on the GUI thread."""
        relay = _Relay(self, on_success, on_failure)
        self._relays.add(relay)  # keeps the relay alive until it has delivered
        self._pools[lane].start(_Job(fn, relay))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every lane is idle (for shutdown and tests). True if they all finished."""
        return all(pool.waitForDone(msecs) for pool in self._pools.values())

    def busy(self) -> bool:
        return bool(self._relays)

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Let queued work finish (a pending draft save must land), then drop further deliveries."""
        finished = self.wait(msecs)
        self.closed = True
        return finished
