"""The Sent view: what went out, as whom, and why an override was allowed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from checks import Workspace
from desktop.records import SentPost
from ui.sent_view import EMPTY_TEXT, NO_REASON, SentView, first_line, format_local_time

# The offscreen platform (headless tests) warns on every window it shows; that says nothing about the widget.


def post(post_id: int, account_id: str, text: str, sent_at: datetime, reason: str | None = None) -> SentPost:
    return SentPost(
        id=post_id,
        workspace="/ws",
        account_id=account_id,
        text=text,
        sent_at=sent_at,
        destination="outbox",
        override_reason=reason,
        overridden=("personal_data.phone: This looks like a phone number.",) if reason else (),
    )


@pytest.fixture
def view(qtbot: QtBot) -> SentView:
    v = SentView()
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_empty_state(view: SentView, demo: Workspace) -> None:
    view.set_posts([], {a.id: a for a in demo.accounts})
    assert view.empty_label.text() == EMPTY_TEXT
    assert view.empty_label.isVisible()
    assert not view.table.isVisible()


def test_rows_newest_first_with_account_text_and_override_reason(view: SentView, demo: Workspace) -> None:
    now = datetime.now(UTC)
    posts = [
        post(1, "acme", "Older post", now - timedelta(days=3)),
        post(2, "harbor", "First line\nsecond line", now - timedelta(minutes=5), reason="Our public support line."),
        post(3, "gone", "From an account since removed", now - timedelta(days=1)),
    ]
    view.set_posts(posts, {a.id: a for a in demo.accounts})
    assert view.table.isVisible() and not view.empty_label.isVisible()
    assert view.table.rowCount() == 3
    assert [p.id for p in view.posts()] == [2, 3, 1]

    assert view.cell_text(0, "Account") == "Harbor Coffee (@HarborCoffeeCo)"
    assert view.cell_text(0, "Text") == "First line …"
    assert view.cell_text(0, "Destination") == "outbox"
    assert view.cell_text(0, "Override reason") == "Our public support line."
    assert view.cell_text(0, "Sent").startswith("Today ")
    assert "second line" in view.table.item(0, 2).toolTip()
    assert "personal_data.phone" in view.table.item(0, 4).toolTip()

    assert view.cell_text(1, "Account") == "gone (no longer in this workspace)"
    assert view.cell_text(2, "Account") == "Acme Outdoor (@acme@mastodon.social)"
    assert view.cell_text(2, "Override reason") == NO_REASON


def test_tooltips_show_html_as_text(view: SentView, demo: Workspace) -> None:
    view.set_posts([post(1, "acme", "<b>bold?</b>", datetime.now(UTC))], {a.id: a for a in demo.accounts})
    assert "&lt;b&gt;bold?&lt;/b&gt;" in view.table.item(0, 2).toolTip()
    assert view.cell_text(0, "Text") == "<b>bold?</b>"


def test_local_time_is_readable() -> None:
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC).astimezone()
    assert format_local_time(now, now).startswith("Today ")
    assert format_local_time(now - timedelta(days=1), now).startswith("Yesterday ")
    older = format_local_time(now - timedelta(days=30), now)
    assert "2025" in older and not older.startswith(("Today", "Yesterday"))


def test_first_line() -> None:
    assert first_line("\n  hello  \nworld") == "hello …"
    assert first_line("   ") == "(empty)"
    assert first_line("one") == "one"
