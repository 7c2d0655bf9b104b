"""The Sent view: what went out, as whom, and why an override was allowed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from checks import Workspace
from desktop.records import SentPost
from ui.delete_dialog import DeleteDialog
from ui.sent_view import (
    COLUMNS,
    EMPTY_TEXT,
    NO_REASON,
    OUTBOX_NOTE,
    SentView,
    acknowledgement_text,
    can_delete,
    first_line,
    format_local_time,
)

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
    assert "second line" in view.table.item(0, COLUMNS.index("Text")).toolTip()
    assert "personal_data.phone" in view.table.item(0, COLUMNS.index("Override reason")).toolTip()
    assert view.cell_text(0, "Status") == "In the outbox"

    assert view.cell_text(1, "Account") == "gone (no longer in this workspace)"
    assert view.cell_text(2, "Account") == "Acme Outdoor (@acme@mastodon.social)"
    assert view.cell_text(2, "Override reason") == NO_REASON


def test_tooltips_show_html_as_text(view: SentView, demo: Workspace) -> None:
    view.set_posts([post(1, "acme", "<b>bold?</b>", datetime.now(UTC))], {a.id: a for a in demo.accounts})
    assert "&lt;b&gt;bold?&lt;/b&gt;" in view.table.item(0, COLUMNS.index("Text")).toolTip()
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


# --- deleting a published post ----------------------------------------------------------------------

URL = "https://mastodon.social/@acme/111222333"


def published(post_id: int, sent_at: datetime, **changes: Any) -> SentPost:
    base = SentPost(
        id=post_id,
        workspace="/ws",
        account_id="acme",
        text=f"Published post {post_id}\nwith a second line",
        sent_at=sent_at,
        destination=URL,
        remote_id="111222333",
        url=URL,
    )
    return dataclasses.replace(base, **changes)


def deleted(post_id: int, sent_at: datetime, reason: str = "Wrong date in the announcement") -> SentPost:
    return published(post_id, sent_at, deleted_at=datetime.now(UTC), deleted_by="sam", delete_reason=reason)


def test_published_post_shows_its_url(view: SentView, demo: Workspace) -> None:
    view.set_posts([published(1, datetime.now(UTC))], {a.id: a for a in demo.accounts})
    assert view.cell_text(0, "Destination") == URL
    assert URL in view.table.item(0, COLUMNS.index("Destination")).toolTip()
    assert view.cell_text(0, "Status") == "Published"


def test_deleted_post_stays_listed_with_who_and_why(view: SentView, demo: Workspace) -> None:
    now = datetime.now(UTC)
    view.set_posts([published(1, now - timedelta(hours=1)), deleted(2, now)], {a.id: a for a in demo.accounts})
    assert view.table.rowCount() == 2
    assert [p.id for p in view.posts()] == [2, 1]
    status = view.cell_text(0, "Status")
    assert status.startswith("Deleted today ")
    assert status.endswith(" by sam: Wrong date in the announcement")
    tooltip = view.table.item(0, COLUMNS.index("Status")).toolTip()
    assert "By: sam" in tooltip and "Why: Wrong date in the announcement" in tooltip
    # The text is still there, struck through; the live post is not.
    assert view.cell_text(0, "Text") == "Published post 2 …"
    assert view.table.item(0, COLUMNS.index("Text")).font().strikeOut()
    assert not view.table.item(1, COLUMNS.index("Text")).font().strikeOut()
    assert not view.table.isRowHidden(0)


def test_long_delete_reason_is_shortened_in_the_cell_but_whole_in_the_tooltip(view: SentView, demo: Workspace) -> None:
    reason = "A very long reason. " * 20
    view.set_posts([deleted(1, datetime.now(UTC), reason=reason)], {a.id: a for a in demo.accounts})
    assert view.cell_text(0, "Status").endswith("…")
    assert "A very long reason. A very long reason." in view.table.item(0, COLUMNS.index("Status")).toolTip()


def test_delete_button_only_for_a_selected_live_platform_post(view: SentView, demo: Workspace) -> None:
    now = datetime.now(UTC)
    outbox = post(1, "acme", "In the outbox", now - timedelta(minutes=3))
    live = published(2, now - timedelta(minutes=2))
    gone = deleted(3, now - timedelta(minutes=1))
    webhook = published(4, now, destination="slack", remote_id=None, url=None)
    view.set_posts([outbox, live, gone, webhook], {a.id: a for a in demo.accounts})
    assert [p.id for p in view.posts()] == [4, 3, 2, 1]
    assert not view.delete_button.isEnabled()  # nothing selected

    view.select_post(1)
    assert not view.delete_button.isEnabled() and not view.delete_action.isEnabled()
    assert view.delete_button.toolTip() == OUTBOX_NOTE
    assert "never left this computer" in view.delete_hint.text()

    view.select_post(3)
    assert not view.delete_button.isEnabled()
    assert "already deleted" in view.delete_button.toolTip()

    view.select_post(4)
    assert not view.delete_button.isEnabled()
    assert "no platform id" in view.delete_button.toolTip()

    view.select_post(2)
    assert view.delete_button.isEnabled() and view.delete_action.isEnabled()
    assert view.delete_hint.text() == ""
    assert [can_delete(p) for p in (outbox, live, gone, webhook)] == [False, True, False, False]


def test_the_row_context_menu_offers_delete(view: SentView, demo: Workspace) -> None:
    assert view.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert view.delete_action in view.table.actions()
    assert view.delete_action.text() == "Delete on platform…"


def test_outbox_post_opens_no_dialog(view: SentView, demo: Workspace) -> None:
    view.set_posts([post(1, "acme", "Outbox", datetime.now(UTC))], {a.id: a for a in demo.accounts})
    view.select_post(1)
    assert view.request_delete() is None
    assert view.delete_dialog is None


def open_dialog(qtbot: QtBot, view: SentView) -> DeleteDialog:
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    dialog = view.delete_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_confirming_the_dialog_emits_delete_requested(qtbot: QtBot, view: SentView, demo: Workspace) -> None:
    view.set_posts([published(5, datetime.now(UTC))], {a.id: a for a in demo.accounts})
    view.select_post(5)
    dialog = open_dialog(qtbot, view)
    assert dialog.post.id == 5
    assert "Acme Outdoor (@acme@mastodon.social)" in dialog.question_label.text()
    assert dialog.preview.toPlainText() == view.posts()[0].text
    qtbot.keyClicks(dialog.reason_field, "  Wrong date  ")
    with qtbot.waitSignal(view.delete_requested, timeout=1000) as blocker:
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [5, "Wrong date"]
    assert view.delete_dialog is None


def test_cancelling_the_dialog_requests_nothing(qtbot: QtBot, view: SentView, demo: Workspace) -> None:
    view.set_posts([published(5, datetime.now(UTC))], {a.id: a for a in demo.accounts})
    view.select_post(5)
    dialog = open_dialog(qtbot, view)
    dialog.reason_field.setPlainText("Wrong date")
    with qtbot.assertNotEmitted(view.delete_requested):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert view.delete_dialog is None


def test_the_delete_key_opens_the_dialog(qtbot: QtBot, view: SentView, demo: Workspace) -> None:
    view.set_posts([published(5, datetime.now(UTC))], {a.id: a for a in demo.accounts})
    view.select_post(5)
    view.delete_action.trigger()
    assert view.delete_dialog is not None
    view.delete_dialog.reject()


def test_refresh_keeps_the_selected_post(view: SentView, demo: Workspace) -> None:
    now = datetime.now(UTC)
    accounts = {a.id: a for a in demo.accounts}
    view.set_posts([published(1, now - timedelta(hours=2)), published(2, now - timedelta(hours=1))], accounts)
    view.select_post(1)
    selected = view.selected_post()
    assert selected is not None and selected.id == 1
    # A newer post arrives at the top: the selection follows post 1, not row 1.
    view.set_posts(
        [published(3, now), published(1, now - timedelta(hours=2)), published(2, now - timedelta(hours=1))], accounts
    )
    selected = view.selected_post()
    assert selected is not None and selected.id == 1
    # Once it is deleted, it stays selected and the button is off.
    view.show_deleted(deleted(1, now - timedelta(hours=2)))
    selected = view.selected_post()
    assert selected is not None and selected.id == 1 and selected.deleted
    assert not view.delete_button.isEnabled()
    assert view.table.rowCount() == 3
    # A post that is gone from the list leaves nothing selected.
    view.set_posts([published(3, now)], accounts)
    assert view.selected_post() is None


def test_acknowledgement_offer_emits_the_post(qtbot: QtBot, view: SentView, demo: Workspace) -> None:
    gone = deleted(1, datetime.now(UTC))
    view.set_posts([gone], {a.id: a for a in demo.accounts})
    assert not view.acknowledgement_bar.isVisible()
    view.offer_acknowledgement(gone)
    assert view.acknowledgement_bar.isVisible()
    assert view.acknowledgement_label.text() == (
        "The post is deleted on Mastodon. Deleting hides a mistake from the timeline; "
        "owning it keeps trust. Draft an acknowledgement?"
    )
    with qtbot.waitSignal(view.acknowledgement_requested, timeout=1000) as blocker:
        qtbot.mouseClick(view.draft_acknowledgement_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [gone]
    assert not view.acknowledgement_bar.isVisible()


def test_not_now_hides_the_offer(qtbot: QtBot, view: SentView, demo: Workspace) -> None:
    gone = deleted(1, datetime.now(UTC))
    view.set_posts([gone], {a.id: a for a in demo.accounts})
    view.offer_acknowledgement(gone)
    with qtbot.assertNotEmitted(view.acknowledgement_requested):
        qtbot.mouseClick(view.not_now_button, Qt.MouseButton.LeftButton)
    assert not view.acknowledgement_bar.isVisible()


def test_acknowledgement_text_quotes_neither_the_post_nor_the_reason() -> None:
    now = datetime.now(UTC)
    reason = "Leaked the Q3 numbers before the embargo"
    text = acknowledgement_text(deleted(1, now, reason=reason))
    assert text == "We deleted an earlier post that should not have gone out. Sorry for the confusion — "
    # The reason was written for the record and the deleted text may hold the mistake: neither goes public.
    assert "Q3" not in text and "Published post" not in text
    assert acknowledgement_text(deleted(1, now, reason="Typo"), personal=True).startswith("I deleted an earlier post")


def test_every_control_has_an_accessible_name(view: SentView) -> None:
    for control in (
        view,
        view.table,
        view.delete_button,
        view.acknowledgement_bar,
        view.draft_acknowledgement_button,
        view.not_now_button,
    ):
        assert control.accessibleName(), control
