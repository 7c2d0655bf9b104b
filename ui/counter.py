"""The length counter under the draft: how much of the platform's limit the post uses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from checks.findings import Severity
from checks.platform import Measure, measure
from ui.style import SEVERITY_COLOURS

# Within this share of the limit the counter turns amber, so the person sees the end coming.
NEAR_SHARE = 0.1


class LengthCounter(QLabel):
    """``123 / 500`` as the platform counts it; amber near the limit, red and "N over" past it.

    :meth:`update_for` measures the text itself (on the GUI thread: fine for ordinary drafts);
    :meth:`set_measure` shows a :class:`~checks.platform.Measure` computed elsewhere, for huge texts.

    Signals:
        none (it only displays).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._measure: Measure | None = None
        self.setAccessibleName("Length")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setToolTip("Length as the platform counts it")
        self.clear()

    def update_for(self, text: str, platform: str) -> Measure:
        """Measure ``text`` for ``platform`` (an account platform id) and show it; returns the measure."""
        counted = measure(text, platform)
        self.set_measure(counted)
        return counted

    def set_measure(self, counted: Measure) -> None:
        self._measure = counted
        unit = "" if counted.unit == "characters" else f" {counted.unit}"
        if counted.limit is None:
            self.setText(f"{counted.used:,}{unit}")
            self.setAccessibleDescription(f"{counted.used:,} {counted.unit}; no length limit")
            self._set_state("ok")
            return
        shown = f"{counted.used:,} / {counted.limit:,}{unit}"
        if counted.over:
            self.setText(f"{shown} — {counted.over:,} over")
            self.setAccessibleDescription(
                f"{counted.used:,} of {counted.limit:,} {counted.unit}: {counted.over:,} over the limit"
            )
            self._set_state("over")
            return
        left = counted.limit - counted.used
        self.setText(shown)
        self.setAccessibleDescription(f"{counted.used:,} of {counted.limit:,} {counted.unit}; {left:,} left")
        self._set_state("near" if left <= counted.limit * NEAR_SHARE else "ok")

    def clear(self) -> None:
        self._measure = None
        self.setText("")
        self.setAccessibleDescription("")
        self._set_state("ok")

    def current_measure(self) -> Measure | None:
        return self._measure

    def is_over(self) -> bool:
        return self._measure is not None and self._measure.over > 0

    def state(self) -> str:
        """``"ok"``, ``"near"`` (within a tenth of the limit) or ``"over"``."""
        value = self.property("lengthState")
        return value if isinstance(value, str) else "ok"

    def _set_state(self, state: str) -> None:
        # A dynamic property as well as the colour, so an application style sheet can restyle it.
        self.setProperty("lengthState", state)
        if state == "over":
            self.setStyleSheet(f"color: {SEVERITY_COLOURS[Severity.BLOCK]}; font-weight: bold;")
        elif state == "near":
            self.setStyleSheet(f"color: {SEVERITY_COLOURS[Severity.WARN]};")
        else:
            self.setStyleSheet("")
