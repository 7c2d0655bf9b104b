"""How the composer window feels: launch, model, keystroke to findings, GUI stalls, memory.

Prints, for the real app on the demo workspace (the real language model, a throwaway data folder):

- launch to first paint: from just before the process starts to the window's first paint event,
  through the same ``desktop.app.run`` that ``secondlook`` uses (a fresh process per run);
- launch to model ready: the same process, until the language model has loaded;
- keystroke to updated findings, median and p99: a 500-character draft typed one key at a time at
  10 keys per second with the model warm; a key's latency ends when findings for a text that
  includes it are shown;
- the longest stall of the GUI thread while typing: the largest gap between ticks of a 5 ms timer,
  minus 5 ms;
- peak memory (maximum resident set size) of that process.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_speed.py [--launches 5] [--chars 500]

Targets (issue 4): first paint under 1 s; median keystroke-to-findings under 16 ms and p99 under
50 ms once the model is warm; no GUI stall over 50 ms; under 300 MB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO_ROOT, peak_rss_mb, percentile

DEMO = REPO_ROOT / "resources" / "demo_workspace"
# 500 characters of an ordinary brand post with names, places and a date: the kind of draft the
# checks work hardest on (every sentence may hold a name, so the entity recogniser runs on each).
DRAFT = (
    "Big news from Acme Outdoor! Our Denver store reopens on Saturday 14 June with a new climbing wall, "
    "a repair bench and free coffee from Harbor Coffee all morning. Maria Gonzalez and the trail team "
    "will lead short guided walks along the Bear Creek trail at 10am and 2pm; no booking needed, just "
    "bring water and good shoes. Members get 20% off rental gear all weekend. Tell us which trail you "
    "want us to map next, and tag a friend who still needs boots before the summer. See you there, "
    "rain or shine, friends!"
)[:500]


def launch_probe() -> None:
    """Child process: report first paint and model-ready times (seconds since SECONDLOOK_BENCH_T0)."""
    t0 = float(os.environ["SECONDLOOK_BENCH_T0"])
    from PySide6.QtCore import QEvent, QObject

    from desktop import app

    times: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and "paint" not in times:
                times["paint"] = time.time() - t0
            return False

    def shown(window) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QApplication

        watcher = FirstPaint(window)
        QApplication.instance().installEventFilter(watcher)  # type: ignore[union-attr]

        def ready(ok: bool) -> None:
            times["model"] = time.time() - t0
            times["model_ok"] = ok
            print(json.dumps(times), flush=True)
            window.close()
            QApplication.quit()

        window.model_ready.connect(ready)

    app.run(DEMO, on_shown=shown)


def launches(count: int) -> tuple[list[float], list[float]]:
    paints, models = [], []
    for _ in range(count):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "SECONDLOOK_HOME": home, "SECONDLOOK_BENCH_T0": repr(time.time())}
            out = subprocess.run(
                [sys.executable, __file__, "--probe-launch"], env=env, capture_output=True, text=True, check=True
            )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if not result.get("model_ok"):
            sys.exit("error: the language model did not load in the probe")
        paints.append(result["paint"])
        models.append(result["model"])
    return paints, models


def warm_window():  # type: ignore[no-untyped-def]
    """The real window on the demo workspace, shown, with the model loaded and used once."""
    from PySide6.QtWidgets import QApplication

    from checks import load_workspace
    from desktop.app import services_for
    from desktop.storage import Store
    from ui.composer_window import ComposerWindow

    app = QApplication.instance() or QApplication([])
    workspace = load_workspace(DEMO)
    home = tempfile.mkdtemp()
    store = Store(Path(home) / "bench.db")
    services = services_for(workspace, store)
    window = ComposerWindow(workspace, str(DEMO), services)
    window.show()
    loaded: list[bool] = []
    window.model_ready.connect(loaded.append)
    while not loaded:
        app.processEvents()
        time.sleep(0.01)
    # Warm up: one full check of the whole draft, so the model's first-call costs are not counted.
    services.checker.check(DRAFT, "acme")
    return app, window, store


def typing(chars: int) -> tuple[list[float], float]:
    """Type ``chars`` characters at 10 keys/s into a warm window; key latencies (ms) and worst stall (ms)."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtTest import QTest

    app, window, store = warm_window()

    text = DRAFT[:chars]
    pressed: list[float] = []
    latencies: list[float] = []
    clock = QElapsedTimer()
    clock.start()

    def shown(_report: object) -> None:
        assert window.last is not None
        now = clock.nsecsElapsed() / 1e6
        covered = len(window.last.text)
        while len(latencies) < min(covered, len(pressed)):
            latencies.append(now - pressed[len(latencies)])

    window.checked.connect(shown)
    ticks: list[float] = []
    ticker = QTimer(interval=5)
    ticker.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
    ticker.start()
    next_key = 0.0
    for char in text:
        while clock.nsecsElapsed() / 1e6 < next_key:
            app.processEvents()
            time.sleep(0.001)
        pressed.append(clock.nsecsElapsed() / 1e6)
        QTest.keyClicks(window.editor, char)
        next_key += 100.0  # 10 keys per second
    deadline = clock.nsecsElapsed() / 1e6 + 5_000
    while len(latencies) < len(text) and clock.nsecsElapsed() / 1e6 < deadline:
        app.processEvents()
        time.sleep(0.001)
    ticker.stop()
    stall = max((b - a for a, b in itertools.pairwise(ticks)), default=0.0) - 5.0
    window.close()
    store.close()
    return latencies, max(0.0, stall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--launches", type=int, default=5, help="fresh processes to time (default 5)")
    parser.add_argument("--chars", type=int, default=500, help="characters to type (default 500, at 10/s)")
    parser.add_argument("--probe-launch", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.probe_launch:
        launch_probe()
        return

    print(f"# The composer window (Qt platform: {os.environ['QT_QPA_PLATFORM']})")
    paints, models = launches(args.launches)
    print(
        f"launch to first paint:  median {percentile(paints, 50) * 1000:7.0f} ms   max {max(paints) * 1000:7.0f} ms"
        f"   ({args.launches} launches; target < 1000 ms)"
    )
    print(f"launch to model ready:  median {percentile(models, 50) * 1000:7.0f} ms   max {max(models) * 1000:7.0f} ms")
    os.environ["SECONDLOOK_HOME"] = tempfile.mkdtemp()
    latencies, stall = typing(args.chars)
    print(f"keystroke to findings ({len(latencies)} keys of a {args.chars}-character draft at 10 keys/s, model warm):")
    print(
        f"  median {percentile(latencies, 50):6.1f} ms   p99 {percentile(latencies, 99):6.1f} ms   "
        f"max {max(latencies):6.1f} ms   (targets: median < 16 ms, p99 < 50 ms)"
    )
    print(f"longest GUI-thread stall while typing: {stall:6.1f} ms   (target: none over 50 ms)")
    print(f"peak memory (max RSS of the typing process): {peak_rss_mb():6.0f} MB   (target < 300 MB)")


if __name__ == "__main__":
    main()
