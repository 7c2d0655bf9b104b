"""The strip across the top of the composer that says, unmistakably, which account is about to speak."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractAnimation, QEasingCurve, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
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
from desktop.records import (
    MISMATCH,
    NOT_CONNECTED,
    SIGNED_OUT,
    UNVERIFIED,
    VERIFIED,
    WEBHOOK_KINDS,
    AccountStatus,
    Connection,
)
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

# Platform names as a note says them ("✓ Verified on Mastodon"); team channels by their kind (Slack...).
_PLATFORM_TITLES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "x": "X", "linkedin": "LinkedIn"}
# A blocked account's warning carries its own light background, so it reads on every account colour.
WARNING_TEXT = "#B71C1C"
WARNING_BACKGROUND = "#FFEBEE"
_WARNING_STYLE = (
    f"color: {WARNING_TEXT}; background: {WARNING_BACKGROUND}; border: 1px solid {WARNING_TEXT}; "
    "border-radius: 4px; padding: 2px 6px;"
)
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
        self._picture: QPixmap | None = None
        self.setFixedSize(48, 48)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.setFont(font)

    def set_colours(self, fill: str, ring: str) -> None:
        self._fill, self._ring = fill, ring
        self.update()

    def set_picture(self, picture: QPixmap | None) -> None:
        """The account's picture, shown in the circle instead of the initials (None: the initials)."""
        if picture is not None and not picture.isNull():
            size = self.size() * self.devicePixelRatioF()
            picture = picture.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatioByExpanding, Qt.TransformationMode.SmoothTransformation
            )
            picture.setDevicePixelRatio(self.devicePixelRatioF())
            self._picture = picture
        else:
            self._picture = None
        self.update()

    def has_picture(self) -> bool:
        return self._picture is not None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        circle = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        if self._picture is not None:
            path = QPainterPath()
            path.addEllipse(circle)
            painter.save()
            painter.setClipPath(path)
            # Centred: a picture that is not square loses its edges, not its middle.
            width = self._picture.width() / self._picture.devicePixelRatio()
            height = self._picture.height() / self._picture.devicePixelRatio()
            target = QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)
            painter.drawPixmap(target, self._picture, QRectF(self._picture.rect()))
            painter.restore()
            painter.setPen(QPen(QColor(self._ring), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(circle)
            painter.end()
            return
        painter.setPen(QPen(QColor(self._ring), 2))
        painter.setBrush(QColor(self._fill))
        painter.drawEllipse(circle)
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

    :meth:`set_status` adds what the platform says: a verified account shows the platform's own name,
    handle, followers and picture with "✓ Verified on ..."; a blocked one (handle mismatch, signed out)
    a red warning line with the reason; one that is not connected a quiet "Local outbox" note.

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
        self._status: AccountStatus | None = None
        self._picture: QPixmap | None = None
        self._announce = "Posting as"

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
        self._note = QLabel(self)
        self._note.setAccessibleName("Connection")
        self._warning = QLabel(self)
        self._warning.setObjectName("blockWarning")
        self._warning.setAccessibleName("Publishing blocked")
        self._warning.setWordWrap(True)
        self._warning.setStyleSheet(_WARNING_STYLE)
        self._warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        warning_font = self._warning.font()
        warning_font.setBold(True)
        self._warning.setFont(warning_font)
        self._warning.hide()
        for label in (self._wording, self._name, self._badge, self._handle, self._audience, self._note, self._warning):
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
        detail_row.addWidget(self._note)
        detail_row.addStretch(1)
        text_column = QVBoxLayout()
        text_column.setSpacing(2)
        text_column.addWidget(self._wording)
        text_column.addLayout(name_row)
        text_column.addLayout(detail_row)
        text_column.addWidget(self._warning)
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

        A change from a different account flashes the banner; the first account shown does not. The
        connection status is reset: the caller sets the new account's with :meth:`set_status`.
        """
        changed = self._account is not None and self._account.id != account.id
        self._account = account
        self._accounts = tuple(accounts)
        self._status = None
        self._picture = None
        self._announce = "Now posting as" if changed else "Posting as"
        self._apply_look(account)
        self._apply_status()
        self._rebuild_menu()
        if changed:
            self._animation.stop()
            self._animation.start()

    def set_status(self, status: AccountStatus | None, avatar: bytes | None = None) -> None:
        """What the platform says about the account shown: its verified identity, or why publishing is blocked.

        ``avatar`` is the account's picture (PNG or JPEG bytes, read off the GUI thread by the caller); it
        replaces the initials when it decodes and the identity is the platform's. A status for another
        account than the one shown (a late answer after a switch) is ignored.
        """
        if status is not None and (self._account is None or status.account_id != self._account.id):
            return
        self._status = status
        picture = QPixmap()
        self._picture = picture if avatar and picture.loadFromData(avatar) and not picture.isNull() else None
        if self._account is not None:
            self._apply_look(self._account)
            self._apply_status()

    def account(self) -> Account | None:
        return self._account

    def status(self) -> AccountStatus | None:
        return self._status

    def status_text(self) -> str:
        """The connection note: "✓ Verified on Mastodon", "Not verified yet", "Local outbox: ..."."""
        return self._note.text()

    def status_tooltip(self) -> str:
        return self._note.toolTip()

    def warning_text(self) -> str:
        """Why publishing to the account is blocked ("" when it is not)."""
        return self._warning.text()

    def warning_visible(self) -> bool:
        return not self._warning.isHidden()

    def has_avatar(self) -> bool:
        """True when the account's picture is shown instead of its initials."""
        return self._avatar.has_picture()

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
        self._avatar.set_picture(None)
        self._note.setText("")
        self._note.hide()
        self._warning.setText("")
        self._warning.hide()
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
        self._avatar.set_picture(None)
        self._avatar.setAccessibleName("Account initials")
        self._switch.setEnabled(True)
        self._restyle_labels()
        self.update()

    def _apply_status(self) -> None:
        """Overlays the connection status on the configured look, and says it to screen readers."""
        account = self._account
        if account is None:
            return
        status = self._status
        connection = status.connection if status is not None else None
        where = _platform_title(account.platform, connection.server if connection is not None else None)
        identity = account.describe()
        if (
            status is not None
            and status.state in (VERIFIED, UNVERIFIED)
            and connection is not None
            and (connection.display_name or connection.handle)
        ):
            identity = self._show_identity(account, connection, where)
        note, tooltip, warning = _status_lines(account, status, where)
        self._note.setText(note)
        self._note.setToolTip(tooltip)
        self._note.setAccessibleDescription(tooltip)
        self._note.setVisible(bool(note))
        self._warning.setText(warning)
        self._warning.setAccessibleDescription(warning)
        self._warning.setVisible(bool(warning))

        spoken = f"{self._announce} {identity}."
        if warning:
            spoken += f" {warning.removeprefix('⚠ ')}"
        elif note:
            spoken += f" {note.removeprefix('✓ ')}."
        self.setAccessibleDescription(spoken)
        self._switch.setAccessibleDescription(f"Currently posting as {self._name.text()} ({account.handle})")
        self.updateGeometry()

    def _show_identity(self, account: Account, connection: Connection, where: str) -> str:
        """Shows the platform's own answer (who the credentials speak for); returns it as one sentence."""
        name = connection.display_name or account.name
        handle = connection.handle or account.handle
        audience = followers(connection.followers if connection.followers is not None else account.audience)
        self._name.setText(name)
        self._name.setToolTip(f"Configured as {account.name} ({account.handle}); {where} says {name} ({handle})")
        self._handle.setText(f"{handle}  ·  {account.platform_name}")
        self._audience.setText(audience)
        self._avatar.setText(initials(name))
        if self._picture is not None:
            self._avatar.set_picture(self._picture)
            self._avatar.setAccessibleName(f"Picture of {name}")
        return f"{name} ({handle}), {account.kind} account on {account.platform_name}, {audience}"

    def _restyle_labels(self) -> None:
        text = self._text
        for label in (self._wording, self._name, self._handle, self._audience, self._note):
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


def _platform_title(platform: str, server: str | None) -> str:
    """``"Mastodon"``; a team channel by its kind (``"Slack"``) when known."""
    if platform == "webhook":
        return WEBHOOK_KINDS.get(server or "", "a team channel")
    return _PLATFORM_TITLES.get(platform, platform)


def _status_lines(account: Account, status: AccountStatus | None, where: str) -> tuple[str, str, str]:
    """(note, its tooltip, warning) for ``status``: the quiet line beside the audience and the red one below."""
    if status is not None and (status.blocked_reason or status.state in (MISMATCH, SIGNED_OUT)):
        return "", "", f"⚠ {status.blocked_reason or status.detail}"
    if status is None or status.state == NOT_CONNECTED:
        note = "Local outbox" if account.platform == "outbox" else f"Local outbox: not connected to {where}"
        return note, status.detail if status is not None else "Posts go to the local outbox on this computer.", ""
    if status.state == VERIFIED:
        verified_at = status.connection.verified_at if status.connection is not None else None
        when = f"Last verified {verified_at.astimezone():%A %d %B %Y, %H:%M}" if verified_at else status.detail
        return f"✓ Verified on {where}", when, ""
    # UNVERIFIED, or a state this banner does not know yet: say so, with what the service says.
    return "Not verified yet", status.detail, ""
