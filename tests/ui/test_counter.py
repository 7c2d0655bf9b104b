"""The length counter: the platform's own count, amber near the limit, red and "N over" past it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from checks import Severity
from checks.platform import Measure
from ui.counter import LengthCounter
from ui.style import SEVERITY_COLOURS


@pytest.fixture
def counter(qtbot: QtBot) -> LengthCounter:
    widget = LengthCounter()
    qtbot.addWidget(widget)
    return widget


def test_counter_shows_used_and_limit(counter: LengthCounter) -> None:
    counter.update_for("Hello there", "mastodon")
    assert counter.text() == "11 / 500"
    assert counter.state() == "ok"
    assert not counter.is_over()
    assert counter.accessibleDescription() == "11 of 500 characters; 489 left"


def test_counter_counts_a_link_as_23_on_x(counter: LengthCounter) -> None:
    text = "New: https://example.com/a/very/long/path/that/goes/on/and/on"
    counted = counter.update_for(text, "x")
    assert counted.used == len("New: ") + 23
    assert counter.text() == f"{len('New: ') + 23} / 280"


def test_counter_turns_red_past_the_limit(counter: LengthCounter) -> None:
    counter.update_for("x" * 305, "bluesky")
    assert counter.is_over()
    assert counter.state() == "over"
    assert counter.text() == "305 / 300 — 5 over"
    assert SEVERITY_COLOURS[Severity.BLOCK] in counter.styleSheet()
    assert "5 over the limit" in counter.accessibleDescription()
    counter.update_for("x" * 10, "bluesky")
    assert not counter.is_over()
    assert counter.styleSheet() == ""


def test_counter_warns_near_the_limit(counter: LengthCounter) -> None:
    counter.update_for("x" * 275, "bluesky")
    assert counter.state() == "near"
    assert SEVERITY_COLOURS[Severity.WARN] in counter.styleSheet()


def test_counter_without_a_limit_shows_the_count_only(counter: LengthCounter) -> None:
    counter.update_for("x" * 5000, "outbox")
    assert counter.text() == "5,000"
    assert not counter.is_over()


def test_counter_accepts_a_precomputed_measure_with_its_unit(counter: LengthCounter) -> None:
    counter.set_measure(Measure(1_000_123, 280))
    assert counter.text() == "1,000,123 / 280 — 999,843 over"
    counter.set_measure(Measure(12, 100, unit="bytes"))
    assert counter.text() == "12 / 100 bytes"
    assert counter.current_measure() == Measure(12, 100, unit="bytes")
    counter.clear()
    assert counter.text() == "" and counter.current_measure() is None
