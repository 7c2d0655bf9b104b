"""The account banner: who is about to speak, how kinds differ, and switching only on request."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from checks import Account, Workspace
from desktop.records import (
    MISMATCH,
    NOT_CONNECTED,
    SIGNED_OUT,
    UNVERIFIED,
    VERIFIED,
    AccountStatus,
    Connection,
)
from ui.banner import WARNING_BACKGROUND, WARNING_TEXT, AccountBanner
from ui.style import contrast_ratio, contrast_text, followers, initials


def _banner(qtbot: QtBot, demo: Workspace, account_id: str) -> AccountBanner:
    banner = AccountBanner()
    qtbot.addWidget(banner)
    banner.set_account(demo.account(account_id), demo.accounts)
    return banner


def test_banner_shows_the_selected_account(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    assert banner.title_text() == "Acme Outdoor"
    assert banner.kind_text() == "BRAND"
    assert banner.audience_text() == "48,000 followers"
    assert "@acme@mastodon.social" in banner.handle_text()
    assert "Mastodon" in banner.handle_text()
    assert banner.initials_text() == "AO"
    assert banner.wording_text() == "Speaking as the organisation"
    assert "Acme Outdoor" in banner.accessibleDescription()


def test_banner_brand_and_personal_look_different(qtbot: QtBot, demo: Workspace) -> None:
    brand = _banner(qtbot, demo, "acme")
    personal = _banner(qtbot, demo, "sam")
    assert personal.kind_text() == "PERSONAL"
    assert personal.wording_text() == "Your personal account"
    assert brand.border_style() == Qt.PenStyle.SolidLine
    assert personal.border_style() == Qt.PenStyle.DashLine
    # A brand band is its own colour; a personal one is a pale tint of it.
    assert brand.background_colour().upper() == "#1F6FEB"
    assert personal.background_colour().upper() != "#8250DF"
    assert QColor(personal.background_colour()).lightness() > 200

    for banner in (brand, personal):
        banner.resize(700, 90)
        image = banner.grab().toImage()
        # Inside the border, left of the avatar: the band's own painted colour.
        assert image.pixelColor(8, 45).name().upper() == banner.background_colour().upper()


def test_banner_text_colour_contrasts_with_its_band(qtbot: QtBot, demo: Workspace) -> None:
    for account_id in ("acme", "sam", "harbor"):
        banner = _banner(qtbot, demo, account_id)
        assert banner.text_colour() == contrast_text(banner.background_colour())


def test_banner_uses_the_kind_colour_when_the_account_has_none(qtbot: QtBot) -> None:
    banner = AccountBanner()
    qtbot.addWidget(banner)
    client = Account(id="c", platform="x", handle="@c", name="Client Co", kind="client", audience=1)
    banner.set_account(client, [client])
    assert banner.kind_text() == "CLIENT"
    assert banner.audience_text() == "1 follower"
    assert banner.background_colour() != "#EEEEEE"


def test_banner_switch_menu_asks_and_does_not_switch(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    actions = banner.account_actions()
    assert [a.data() for a in actions] == ["acme", "sam", "harbor"]
    assert "Sam Taylor" in actions[1].text() and "personal" in actions[1].text()
    assert actions[0].isChecked() and not actions[1].isChecked()

    with qtbot.waitSignal(banner.account_change_requested) as blocker:
        actions[1].trigger()
    assert blocker.args == ["sam"]
    assert banner.title_text() == "Acme Outdoor"  # unchanged until the window decides
    assert actions[0].isChecked() and not actions[1].isChecked()

    with qtbot.assertNotEmitted(banner.account_change_requested):
        actions[0].trigger()  # the current account: nothing to ask


def test_banner_change_of_account_is_noticeable(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    assert not banner.is_flashing()  # the first account shown is not a change
    banner.set_account(demo.account("sam"), demo.accounts)
    assert banner.is_flashing()
    assert banner.accessibleDescription().startswith("Now posting as Sam Taylor")
    assert banner.title_text() == "Sam Taylor"


def test_banner_switch_button_is_keyboard_reachable(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    button = banner.switch_button()
    assert button.isEnabled()
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert button.accessibleName() == "Switch account"


def test_banner_before_any_account(qtbot: QtBot) -> None:
    banner = AccountBanner()
    qtbot.addWidget(banner)
    assert not banner.switch_button().isEnabled()
    assert banner.kind_text() == ""


def test_initials_and_followers() -> None:
    assert initials("Acme Outdoor") == "AO"
    assert initials("sam") == "S"
    assert initials("Harbor & Co") == "HC"
    assert initials("  ") == "?"
    assert initials("Ana María de la Cruz") == "AC"
    assert followers(0) == "0 followers"
    assert followers(12500) == "12,500 followers"


def test_contrast_text_picks_the_readable_colour() -> None:
    assert contrast_text("#FFFFFF") != "#FFFFFF"
    assert contrast_text("#000000") == "#FFFFFF"
    assert contrast_text("#1F4E99") == "#FFFFFF"
    assert contrast_text("#FFD54F") != "#FFFFFF"


# --- the verified identity ----------------------------------------------------------------------

BLOCKED = "Publishing to Acme Outdoor is blocked: the credentials speak for @other@mastodon.social."


def acme_status(state: str, *, identity: bool = True, blocked: str | None = None, detail: str = "") -> AccountStatus:
    connection = Connection(
        "acme",
        "mastodon",
        "https://mastodon.social",
        display_name="Acme Outdoor Co." if identity else None,
        handle="@acme@mastodon.social" if identity else None,
        followers=48_321 if identity else None,
        verified_at=datetime(2025, 3, 10, 12, 0, tzinfo=UTC) if identity else None,
    )
    return AccountStatus(
        "acme", "@acme@mastodon.social", "mastodon", connection, state, detail or f"Acme is {state}.", blocked
    )


def png_bytes(colour: str = "#E53935", size: int = 64) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def test_verified_identity_replaces_the_configured_one(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    banner.set_status(acme_status(VERIFIED))
    assert banner.title_text() == "Acme Outdoor Co."  # the platform's display name, not accounts.toml's
    assert banner.audience_text() == "48,321 followers"
    assert "@acme@mastodon.social" in banner.handle_text()
    assert banner.status_text() == "✓ Verified on Mastodon"
    assert banner.status_tooltip().startswith("Last verified ")
    assert not banner.warning_visible()
    assert banner.kind_text() == "BRAND"  # the kind and colour are the workspace's, as before
    description = banner.accessibleDescription()
    assert "Acme Outdoor Co." in description and "48,321 followers" in description
    assert "Verified on Mastodon" in description


def test_blocked_accounts_show_why_in_the_banner(qtbot: QtBot, demo: Workspace) -> None:
    for state in (MISMATCH, SIGNED_OUT):
        banner = _banner(qtbot, demo, "acme")
        banner.show()
        qtbot.waitExposed(banner)
        banner.set_status(acme_status(state, blocked=BLOCKED), avatar=png_bytes())
        assert banner.warning_visible()
        assert BLOCKED in banner.warning_text()
        assert banner.title_text() == "Acme Outdoor"  # not the identity the credentials turned out to have
        assert not banner.has_avatar()
        assert BLOCKED in banner.accessibleDescription()
        assert banner.status_text() == ""


def test_block_warning_reads_on_every_account_colour(qtbot: QtBot, demo: Workspace) -> None:
    # The warning carries its own light background, so its red text never sits on the band's colour.
    assert contrast_ratio(WARNING_TEXT, WARNING_BACKGROUND) >= 4.5
    for account_id in ("acme", "sam", "harbor"):
        banner = _banner(qtbot, demo, account_id)
        banner.resize(700, 120)
        banner.show()
        qtbot.waitExposed(banner)
        account = demo.account(account_id)
        banner.set_status(AccountStatus(account_id, account.handle, account.platform, None, SIGNED_OUT, "x", BLOCKED))
        assert banner.warning_visible()
        label = banner.findChild(QLabel, "blockWarning")
        assert isinstance(label, QLabel) and label.isVisible()
        inside = label.mapTo(banner, QPoint(3, label.height() // 2))  # within the border, left of the text
        image = banner.grab().toImage()
        assert image.pixelColor(inside).name().upper() == WARNING_BACKGROUND


def test_avatar_bytes_replace_the_initials(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    banner.resize(700, 90)
    banner.show()
    qtbot.waitExposed(banner)
    banner.set_status(acme_status(VERIFIED), avatar=png_bytes("#E53935"))
    assert banner.has_avatar()
    image = banner.grab().toImage()
    # The middle of the round picture, at the banner's left margin (14) plus half the 48-pixel avatar.
    assert image.pixelColor(14 + 24, image.height() // 2).name().upper() == "#E53935"

    banner.set_status(acme_status(VERIFIED), avatar=b"not an image")
    assert not banner.has_avatar()
    assert banner.initials_text() == "AC"  # of the verified name, Acme Outdoor Co.


def test_unverified_shows_the_last_known_identity(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    banner.set_status(acme_status(UNVERIFIED, detail="Not verified: mastodon.social could not be reached."))
    assert banner.title_text() == "Acme Outdoor Co."
    assert banner.status_text() == "Not verified yet"
    assert "could not be reached" in banner.status_tooltip()
    assert not banner.warning_visible()

    banner.set_status(acme_status(UNVERIFIED, identity=False))
    assert banner.title_text() == "Acme Outdoor"  # nothing known yet: the configured identity
    assert banner.status_text() == "Not verified yet"


def test_not_connected_is_a_quiet_note(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "sam")
    assert banner.status() is None
    assert banner.status_text() == "Local outbox: not connected to Bluesky"
    status = AccountStatus("sam", "@samtaylor.bsky.social", "bluesky", None, NOT_CONNECTED, "Not connected.")
    banner.set_status(status)
    assert banner.status_text() == "Local outbox: not connected to Bluesky"
    assert banner.title_text() == "Sam Taylor"
    assert not banner.warning_visible()

    outbox = Account(id="o", platform="outbox", handle="@o", name="Outbox Only", kind="brand")
    banner.set_account(outbox, [outbox])
    assert banner.status_text() == "Local outbox"


def test_set_account_resets_the_status(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "acme")
    banner.set_status(acme_status(VERIFIED), avatar=png_bytes())
    assert banner.has_avatar()
    banner.set_account(demo.account("sam"), demo.accounts)
    assert banner.status() is None
    assert not banner.has_avatar()
    assert banner.title_text() == "Sam Taylor"
    assert banner.initials_text() == "ST"
    assert not banner.warning_visible()
    assert banner.accessibleDescription().startswith("Now posting as Sam Taylor")


def test_a_status_for_another_account_is_ignored(qtbot: QtBot, demo: Workspace) -> None:
    banner = _banner(qtbot, demo, "sam")
    banner.set_status(acme_status(MISMATCH, blocked=BLOCKED))  # a late answer from before a switch
    assert banner.status() is None
    assert not banner.warning_visible()
    assert banner.title_text() == "Sam Taylor"
