"""The strip across the top of the composer that says, unmistakably, which account is about to speak."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractAnimation, QEasingCurve, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from checks.workspace import Account
from ui.style import (
    KIND_BADGES,
    account_colour,
    contrast_text,
    followers,
    initials,
    mix,
)

# What the banner says about the voice the post will have. Organisation accounts speak for someone
# else, so their wording names that; a personal account says plainly that it is the author's own.
KIND_WORDING: dict[str, str] = {
    "brand": "Speaking as the organisation",
    "client": "Speaking for a client",
    "personal": "Your personal account",
}

_FLASH_COLOUR = "#FFD54F"  # a warm yellow that stands out against every account colour
_FLASH_MS = 1200
_BORDER = 3
_RADIUS = 8


class _Avatar(QLabel):
    """A round badge with the account's initials in its colour, ringed so it shows on any background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fill = "#888888"
        self._ring = "#FFFFFF"
        self.setFixedSize(48, 48)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.setFont(font)

    def set_colours(self, fill: str, ring: str) -> None:
        self._fill, self._ring = fill, ring
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(self._ring), 2))
        painter.setBrush(QColor(self._fill))
        painter.drawEllipse(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.setPen(QColor(contrast_text(self._fill)))
        painter.setFont(self.font())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()


class AccountBanner(QWidget):
    """Who is about to speak: avatar, name, handle, platform, kind, audience, and a way to switch.

    Organisation accounts (brand, client) are a solid band in the account's colour; personal ones a
    pale tint with a dashed border and "Your personal account", so the two cannot be mistaken for
    each other at a glance. The banner never changes account by itself: choosing from "Switch
    account…" only asks, and the window answers with :meth:`set_account`. A change of account
    flashes the banner and updates its accessible description ("Now posting as ...").

    Signals:
        account_change_requested(str): the id of the account the person chose from the switch menu
            (never the current one).
    """

    account_change_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._account: Account | None = None
        self._accounts: tuple[Account, ...] = ()
        self._background = "#EEEEEE"
        self._border = "#BBBBBB"
        self._border_style = Qt.PenStyle.SolidLine
        self._text = contrast_text(self._background)
        self._flash = 0.0

        self.setAccessibleName("Posting account")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # Painted by paintEvent; this keeps the band opaque under any style.
        self.setAutoFillBackground(False)

        self._build_labels()
        self._build_switch()
        self._arrange()
        self._build_flash()
        self._show_nobody()

    def _build_labels(self) -> None:
        self._avatar = _Avatar(self)
        self._avatar.setAccessibleName("Account initials")

        self._wording = QLabel(self)
        self._wording.setAccessibleName("Account voice")
        self._name = QLabel(self)
        self._name.setAccessibleName("Account name")
        name_font = self._name.font()
        name_font.setBold(True)
        name_font.setPointSizeF(name_font.pointSizeF() * 1.6)
        self._name.setFont(name_font)
        self._name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._badge = QLabel(self)
        self._badge.setAccessibleName("Account kind")
        badge_font = self._badge.font()
        badge_font.setBold(True)
        badge_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.0)
        self._badge.setFont(badge_font)
        self._handle = QLabel(self)
        self._handle.setAccessibleName("Account handle and platform")
        self._handle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._audience = QLabel(self)
        self._audience.setAccessibleName("Audience")
        for label in (self._wording, self._name, self._badge, self._handle, self._audience):
            label.setTextFormat(Qt.TextFormat.PlainText)  # names and handles are data, never markup

    def _build_switch(self) -> None:
        # A push button reserves room for its menu arrow, which a tool button draws over its text.
        self._switch = QPushButton(self)
        self._switch.setText("&Switch account…")  # Alt+S: an explicit act, one keystroke away
        self._switch.setAccessibleName("Switch account")
        self._switch.setToolTip("Choose another account to post as")
        self._switch.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._menu = QMenu(self._switch)
        self._menu.setAccessibleName("Accounts")
        self._menu.aboutToShow.connect(self._sync_checks)
        self._switch.setMenu(self._menu)

    def _arrange(self) -> None:
        name_row = QHBoxLayout()
        name_row.setSpacing(10)
        name_row.addWidget(self._name)
        name_row.addWidget(self._badge, 0, Qt.AlignmentFlag.AlignVCenter)
        name_row.addStretch(1)
        detail_row = QHBoxLayout()
        detail_row.setSpacing(16)
        detail_row.addWidget(self._handle)
        detail_row.addWidget(self._audience)
        detail_row.addStretch(1)
        text_column = QVBoxLayout()
        text_column.setSpacing(2)
        text_column.addWidget(self._wording)
        text_column.addLayout(name_row)
        text_column.addLayout(detail_row)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.setSpacing(12)
        outer.addWidget(self._avatar, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(text_column, 1)
        outer.addWidget(self._switch, 0, Qt.AlignmentFlag.AlignVCenter)

    def _build_flash(self) -> None:
        self._animation = QVariantAnimation(self)
        self._animation.setDuration(_FLASH_MS)
        # Up, down, up, down: two pulses catch the eye without lingering.
        self._animation.setStartValue(0.0)
        self._animation.setKeyValueAt(0.25, 1.0)
        self._animation.setKeyValueAt(0.5, 0.2)
        self._animation.setKeyValueAt(0.75, 0.8)
        self._animation.setEndValue(0.0)
        self._animation.setEasingCurve(QEasingCurve.Type.InOutSine)
        self._animation.valueChanged.connect(self._on_flash)

    # --- public API -------------------------------------------------------------------------------

    def set_account(self, account: Account, accounts: Sequence[Account]) -> None:
        """Show ``account`` as the one about to speak; ``accounts`` fill the switch menu.

        A change from a different account flashes the banner; the first account shown does not.
        """
        changed = self._account is not None and self._account.id != account.id
        self._account = account
        self._accounts = tuple(accounts)
        self._apply_look(account)
        self._rebuild_menu()
        summary = account.describe()
        if changed:
            self.setAccessibleDescription(f"Now posting as {summary}")
            self._animation.stop()
            self._animation.start()
        else:
            self.setAccessibleDescription(f"Posting as {summary}")
        self._switch.setAccessibleDescription(f"Currently posting as {account.name} ({account.handle})")

    def account(self) -> Account | None:
        return self._account

    def title_text(self) -> str:
        return self._name.text()

    def kind_text(self) -> str:
        return self._badge.text()

    def wording_text(self) -> str:
        return self._wording.text()

    def handle_text(self) -> str:
        return self._handle.text()

    def audience_text(self) -> str:
        return self._audience.text()

    def initials_text(self) -> str:
        return self._avatar.text()

    def background_colour(self) -> str:
        """The band's colour (without the flash), as ``#RRGGBB``."""
        return self._background

    def text_colour(self) -> str:
        return self._text

    def border_style(self) -> Qt.PenStyle:
        """Solid for organisation accounts, dashed for personal ones."""
        return self._border_style

    def switch_button(self) -> QPushButton:
        return self._switch

    def switch_menu(self) -> QMenu:
        return self._menu

    def is_flashing(self) -> bool:
        return self._animation.state() == QAbstractAnimation.State.Running

    # --- look ---------------------------------------------------------------------------------------

    def _show_nobody(self) -> None:
        self._wording.setText("No account chosen")
        self._name.setText("Choose an account to post as")
        self._badge.setText("")
        self._badge.hide()
        self._handle.setText("")
        self._audience.setText("")
        self._avatar.setText("?")
        self._avatar.set_colours("#888888", "#FFFFFF")
        self._switch.setEnabled(False)
        self.setAccessibleDescription("No account chosen")
        self._restyle_labels()

    def _apply_look(self, account: Account) -> None:
        colour = account_colour(account)
        if account.is_organisation:
            # A solid band in the brand's colour: this post speaks for an organisation.
            self._background = colour
            self._border = mix(colour, "#000000", 0.35)
            self._border_style = Qt.PenStyle.SolidLine
            avatar_ring = contrast_text(colour)
        else:
            # Pale and dashed: the person's own voice, as different from a brand band as it can be.
            self._background = mix(colour, "#FFFFFF", 0.86)
            self._border = colour
            self._border_style = Qt.PenStyle.DashLine
            avatar_ring = "#FFFFFF"
        self._text = contrast_text(self._background)

        self._wording.setText(KIND_WORDING.get(account.kind, account.kind))
        self._name.setText(account.name)
        self._name.setToolTip(account.describe())
        self._badge.setText(KIND_BADGES.get(account.kind, account.kind.upper()))
        self._badge.show()
        self._handle.setText(f"{account.handle}  ·  {account.platform_name}")
        self._audience.setText(followers(account.audience))
        self._avatar.setText(initials(account.name))
        self._avatar.set_colours(colour, avatar_ring)
        self._switch.setEnabled(True)
        self._restyle_labels()
        self.update()

    def _restyle_labels(self) -> None:
        text = self._text
        for label in (self._wording, self._name, self._handle, self._audience):
            label.setStyleSheet(f"color: {text}; background: transparent;")
        # The badge inverts the band's colours so the kind reads as a label, not as more text.
        self._badge.setStyleSheet(
            f"color: {self._background}; background: {text}; border-radius: 4px; padding: 1px 6px;"
        )

    def _on_flash(self, value: object) -> None:
        self._flash = float(value) if isinstance(value, (int, float)) else 0.0
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = mix(self._background, _FLASH_COLOUR, 0.75 * self._flash) if self._flash else self._background
        pen = QPen(QColor(self._border), _BORDER + (2 if self._flash else 0))
        pen.setStyle(self._border_style)
        painter.setPen(pen)
        painter.setBrush(QColor(fill))
        inset = pen.widthF() / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), _RADIUS, _RADIUS)
        painter.end()

    # --- switch menu --------------------------------------------------------------------------------

    def _rebuild_menu(self) -> None:
        self._menu.clear()
        accounts = self._accounts
        if self._account is not None and all(a.id != self._account.id for a in accounts):
            accounts = (self._account, *accounts)
        for account in accounts:
            action = QAction(
                f"{account.name} ({account.handle}) — {account.kind} on {account.platform_name}", self._menu
            )
            action.setCheckable(True)
            action.setData(account.id)
            action.triggered.connect(lambda _checked=False, account_id=account.id: self._choose(account_id))
            self._menu.addAction(action)
        self._sync_checks()

    def account_actions(self) -> list[QAction]:
        """The switch menu's entries, one per account, in workspace order."""
        return [a for a in self._menu.actions() if not a.isSeparator()]

    def _sync_checks(self) -> None:
        # Checkable actions toggle themselves when chosen; the tick must follow the account actually
        # shown, which only the window changes.
        current = self._account.id if self._account is not None else None
        for action in self.account_actions():
            action.setChecked(action.data() == current)

    def _choose(self, account_id: str) -> None:
        self._sync_checks()
        if self._account is None or account_id != self._account.id:
            self.account_change_requested.emit(account_id)
