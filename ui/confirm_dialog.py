"""The last question before a post goes out: "Post publicly as Acme Outdoor, … to 48,000 followers?".

The dialog shows who is about to speak, the exact text, and what the checks found, and asks for
whatever the :class:`~checks.gate.PublishGate` requires (an acknowledgement, a typed handle, a
written override reason). It decides nothing itself: Publish is enabled exactly when
``gate.problems(attempt)`` is empty, so the window and the command line cannot disagree.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from checks.findings import Finding, Report, Severity
from checks.gate import Attempt, PublishGate
from checks.workspace import Account

ACKNOWLEDGE_TEXT = "I have read these warnings and still want to post"
REASON_PROMPT = "Why is it right to post this anyway? The reason is stored with the post."
_FALLBACK_COLOUR = "#57606A"  # neutral grey for accounts without a colour of their own


class ConfirmDialog(QDialog):
    """Asks the person to confirm publishing ``text`` as ``gate.account``.

    ``exec()`` returns ``QDialog.Accepted`` only when Publish was pressed with an attempt the gate
    allows; read what was entered with :meth:`attempt`. Enter never publishes: it cancels (or, in
    the handle field, does nothing), so a habitual keystroke cannot send a post.

    Signals:
        accepted(): Publish was pressed and the gate allows the attempt.
        rejected(): Cancel, Escape, Enter, or the window was closed.
        finished(int): after either, with the result code.
    """

    def __init__(self, gate: PublishGate, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if Report.hash_text(text) != gate.report.text_sha256:
            # The preview must be the checked text, or the findings would describe another post.
            raise ValueError("the gate's report was made for a different text than the one to publish")
        self._gate = gate
        self._text = text
        account = gate.account
        self.setWindowTitle(f"Publish as {account.name}?")
        self.setAccessibleName(f"Confirm publishing as {account.name}")
        self.setModal(True)
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.addWidget(_identity_banner(account))
        self.question_label = _question_label(gate.question)
        layout.addWidget(self.question_label)
        self.preview = self._add_preview(layout, text)
        findings = _findings_panel(gate)
        if findings is not None:
            layout.addWidget(findings, 1)

        self.acknowledge: QCheckBox | None = None
        if gate.warnings:
            self.acknowledge = QCheckBox(ACKNOWLEDGE_TEXT)
            self.acknowledge.setAccessibleName(ACKNOWLEDGE_TEXT)
            self.acknowledge.toggled.connect(self._refresh)
            layout.addWidget(self.acknowledge)
        self.reason: QPlainTextEdit | None = None
        self.no_override_label: QLabel | None = None
        if gate.blocking and gate.override_allowed:
            self.reason = self._add_reason(layout)
        elif gate.blocking:
            self.no_override_label = wrapped_label(
                "The policy does not allow publishing past these findings. Cancel, edit the draft, and check it again."
            )
            layout.addWidget(self.no_override_label)
        self.handle_field: QLineEdit | None = None
        if gate.handle_required:
            self.handle_field = self._add_handle_field(layout, account)

        self.missing_label = wrapped_label("")
        layout.addWidget(self.missing_label)
        self.publish_button, self.cancel_button = self._add_buttons(layout, account)
        self._set_tab_order()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refresh()

    def _add_preview(self, layout: QVBoxLayout, text: str) -> QPlainTextEdit:
        return add_preview(layout, "Exactly what will be posted:", text, "Text to be posted", max_height=160)

    def _add_reason(self, layout: QVBoxLayout) -> QPlainTextEdit:
        return add_reason_field(
            layout,
            REASON_PROMPT,
            name="Reason for overriding the blocking findings",
            description=REASON_PROMPT,
            placeholder="For example: the number is our public support line.",
            on_change=self._refresh,
        )

    def _add_handle_field(self, layout: QVBoxLayout, account: Account) -> QLineEdit:
        label = wrapped_label(
            f"This reads like a personal post, or a post for another account, not {account.name} speaking. "
            f"To confirm {account.name} is the right account, type its handle, {account.handle}:"
        )
        field = QLineEdit()
        field.setPlaceholderText(f"Type {account.handle} to confirm")
        field.setAccessibleName(f"Type {account.handle} to confirm")
        field.textChanged.connect(self._refresh)
        label.setBuddy(field)
        layout.addWidget(label)
        layout.addWidget(field)
        return field

    def _add_buttons(self, layout: QVBoxLayout, account: Account) -> tuple[QPushButton, QPushButton]:
        name = f"Publish as {account.name}"
        return add_safe_buttons(self, layout, name, action_name=name, cancel_name="Cancel, don't publish")

    # --- API -----------------------------------------------------------------------------------

    @property
    def gate(self) -> PublishGate:
        return self._gate

    @property
    def text(self) -> str:
        return self._text

    def attempt(self) -> Attempt:
        """What the person has entered so far (also after the dialog closed)."""
        return Attempt(
            acknowledged=self.acknowledge.isChecked() if self.acknowledge is not None else False,
            typed_handle=self.handle_field.text() if self.handle_field is not None else "",
            override_reason=self.reason.toPlainText() if self.reason is not None else "",
        )

    def problems(self) -> list[str]:
        """What still stands between the current attempt and publishing (empty: Publish is enabled)."""
        return self._gate.problems(self.attempt())

    def accept(self) -> None:
        # Re-asks the gate, so nothing (a stray signal, a script) can accept an attempt it refuses.
        if not self._gate.allows(self.attempt()):
            self._refresh()
            return
        super().accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Enter never publishes. In the handle field it is swallowed (people press Enter after
            # typing, and losing the dialog then would be a surprise); anywhere else it cancels.
            if self.handle_field is not None and self.focusWidget() is self.handle_field:
                event.accept()
                return
            event.accept()
            self.reject()
            return
        super().keyPressEvent(event)

    # --- internals -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        problems = self.problems()
        self.publish_button.setEnabled(not problems)
        if problems:
            text = "Before you can publish:\n" + "\n".join(f"• {p}" for p in problems)
        else:
            text = f"Ready. Publish posts this as {self._gate.account.name}."
        self.missing_label.setText(text)
        self.missing_label.setAccessibleName(text)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.preview]
        chain += [w for w in (self.acknowledge, self.reason, self.handle_field) if w is not None]
        chain += [self.publish_button, self.cancel_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)


def add_preview(
    layout: QVBoxLayout, caption: str, text: str, accessible_name: str, *, max_height: int
) -> QPlainTextEdit:
    """A read-only, labelled view of a post's exact text, added to ``layout``."""
    label = QLabel(caption)
    preview = QPlainTextEdit()
    preview.setPlainText(text)
    preview.setReadOnly(True)
    preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    # Selectable from the keyboard so a screen reader user can read it; Tab still moves on.
    preview.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
    )
    preview.setTabChangesFocus(True)
    preview.setAccessibleName(accessible_name)
    preview.setMaximumHeight(max_height)
    label.setBuddy(preview)
    layout.addWidget(label)
    layout.addWidget(preview)
    return preview


def add_reason_field(
    layout: QVBoxLayout, caption: str, *, name: str, description: str, placeholder: str, on_change: Callable[[], None]
) -> QPlainTextEdit:
    """A short, labelled field for a written reason, added to ``layout``; Tab leaves it."""
    label = wrapped_label(caption)
    field = QPlainTextEdit()
    field.setAccessibleName(name)
    field.setAccessibleDescription(description)
    field.setPlaceholderText(placeholder)
    field.setTabChangesFocus(True)  # Tab must leave the field, not insert a tab
    field.setMaximumHeight(90)
    field.textChanged.connect(on_change)
    label.setBuddy(field)
    layout.addWidget(label)
    layout.addWidget(field)
    return field


def add_safe_buttons(
    dialog: QDialog, layout: QVBoxLayout, action: str, *, action_name: str, cancel_name: str
) -> tuple[QPushButton, QPushButton]:
    """The action and Cancel buttons of a dialog whose action cannot be taken back: Cancel is the default."""
    act = QPushButton(action)
    act.setAccessibleName(action_name)
    # Never the default: only a deliberate click or Space on the focused button acts.
    act.setAutoDefault(False)
    act.setDefault(False)
    act.clicked.connect(dialog.accept)
    cancel = QPushButton("Cancel")
    cancel.setAccessibleName(cancel_name)
    cancel.setAutoDefault(True)
    cancel.setDefault(True)
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(act)
    row.addWidget(cancel)
    layout.addLayout(row)
    return act, cancel


def wrapped_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _question_label(question: str) -> QLabel:
    label = wrapped_label(question)
    label.setObjectName("question")
    heading = QFont(label.font())
    heading.setBold(True)
    heading.setPointSizeF(heading.pointSizeF() * 1.25)
    label.setFont(heading)
    label.setAccessibleName(question)
    return label


def _identity_banner(account: Account) -> QFrame:
    """Who is about to speak, in the account's colour: the thing a person must not miss."""
    colour = QColor(account.colour or _FALLBACK_COLOUR)
    banner = QFrame()
    banner.setObjectName("identity")
    # The colour is a stripe and the name, never the only cue: the name and handle are text too.
    stripe = QFrame()
    stripe.setFixedWidth(8)
    stripe.setAutoFillBackground(True)
    palette = stripe.palette()
    palette.setColor(QPalette.ColorRole.Window, colour)
    stripe.setPalette(palette)
    name = QLabel(account.name)
    name.setObjectName("accountName")
    name.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(name.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.6)
    name.setFont(font)
    name_palette = name.palette()
    name_palette.setColor(QPalette.ColorRole.WindowText, colour)
    name.setPalette(name_palette)
    audience = f"{account.audience:,} followers" if account.audience else "audience unknown"
    details = QLabel(f"{account.handle} · {account.kind} account on {account.platform_name} · {audience}")
    details.setObjectName("accountDetails")
    details.setTextFormat(Qt.TextFormat.PlainText)
    details.setWordWrap(True)
    column = QVBoxLayout()
    column.addWidget(name)
    column.addWidget(details)
    row = QHBoxLayout(banner)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(stripe)
    row.addLayout(column, 1)
    banner.setAccessibleName(f"Posting as {account.describe()}")
    return banner


def _findings_panel(gate: PublishGate) -> QScrollArea | None:
    """The findings, blocking first, then warnings, then notes; None when there are none."""
    notes = tuple(f for f in gate.report.findings if f.severity is Severity.INFO)
    groups = [
        (
            "Blocking: can only go out with a written reason"
            if gate.override_allowed
            else "Blocking: must be fixed before publishing",
            gate.blocking,
        ),
        ("Warnings: read and acknowledge", gate.warnings),
        ("Notes", notes),
    ]
    if not any(findings for _, findings in groups):
        return None
    body = QWidget()
    box = QVBoxLayout(body)
    box.setContentsMargins(0, 0, 0, 0)
    for title, findings in groups:
        lines = _finding_lines(findings)
        if not lines:
            continue
        heading = QLabel(f"{title} ({len(lines)})")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(heading.font())
        bold.setBold(True)
        heading.setFont(bold)
        box.addWidget(heading)
        for line in lines:
            label = QLabel(f"• {line}")
            label.setTextFormat(Qt.TextFormat.PlainText)  # finding text comes from the draft: never rich text
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            box.addWidget(label)
    box.addStretch(1)
    area = QScrollArea()
    area.setObjectName("findings")
    area.setWidget(body)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setAccessibleName("What the checks found")
    return area


def _finding_lines(findings: Iterable[Finding]) -> list[str]:
    # Several checks can report the same span with the same words; the person needs each once.
    seen: set[tuple[str, str]] = set()
    lines: list[str] = []
    for f in findings:
        key = (f.text, f.message)
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"“{f.text}”: {f.message}" if f.text.strip() else f.message)
    return lines
