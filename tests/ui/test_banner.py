"""The account banner: who is about to speak, how kinds differ, and switching only on request."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from checks import Account, Workspace
from ui.banner import AccountBanner
from ui.style import contrast_text, followers, initials


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
