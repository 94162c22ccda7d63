"""The quick-add bar: one line typed fast, previewed before it is saved.

As the user types, the bar shows what the core's parser understood (kind, due,
severity, delegate…) and the quadrant the item will land in, computed with the
core's own placement rules. Enter emits :attr:`QuickAddBar.submitted`; Escape
clears. In incident mode a line that names no kind becomes an escalation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from prioritizer.ui.elided_label import ElidedLabel
from prioritizer.ui.icons import icon
from prioritizer.ui.palette import mute, quadrant_colour, text_colour
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from prioritizer.domain import rules
from prioritizer.domain.drafts import ItemDraft
from prioritizer.domain.values import Kind, Policy, Quadrant

if TYPE_CHECKING:  # the parser (its patterns compile on import) loads after the first paint (ui/app.py)
    from prioritizer.text.quickadd import QuickAdd

PREVIEW_TITLE_CHARS = 60  # the line itself shows the whole title; the preview shows what was understood
# Its own stylesheet (the window has none): roomier than a plain field, outlined in the highlight on focus.
LINE_STYLE = (
    "QLineEdit { padding: 6px 8px; border: 1px solid palette(mid); border-radius: 6px; }"
    " QLineEdit:focus { border: 1px solid palette(highlight); }"
)
PLACEHOLDER = "Quick add — e.g.  Sev1 ACME checkout down due 2h  ·  +Sam refund backlog due today  ·  meeting 1:1 Dana tomorrow 10:00 30m"


def read_line(text: str, now: datetime, tz: tzinfo | None, default_kind: Kind = Kind.TASK) -> QuickAdd:
    """Parse a quick-add line; with ``default_kind`` set, a line naming no kind gets that kind."""
    from prioritizer.text.quickadd import parse_quick_add

    parsed = parse_quick_add(text, now, tz)
    words = text.split()
    said_task = bool(words) and words[0].lower() == "task"
    if default_kind is not Kind.TASK and parsed.kind is Kind.TASK and not said_task:
        if default_kind is Kind.ESCALATION or (parsed.start is None and parsed.end is None):
            from dataclasses import replace

            parsed = replace(parsed, kind=default_kind, understood=(default_kind.value, *parsed.understood))
    return parsed


def landing(parsed: QuickAdd, now: datetime, policy: Policy) -> tuple[Quadrant, tuple[str, ...]]:
    """Where the core's rules would place the item right now, and why."""
    placement = rules.place(ItemDraft.from_quick_add(parsed).facts(now), now, policy)
    return placement.quadrant, placement.reasons


class _Line(QLineEdit):
    """The input line; Escape clears it."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: D102, N802
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class QuickAddBar(QWidget):
    """Input line with a live preview.

    Signals:
        submitted(ItemDraft): Enter on a line with a title.
        escaped(): Escape on an empty line (the window returns focus to the matrix).
    """

    submitted = Signal(object)
    escaped = Signal()

    def __init__(self, now: Callable[[], datetime], tz: tzinfo | None, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = now
        self.tz = tz
        self.policy = policy
        self.default_kind = Kind.TASK
        self.setAccessibleName("Quick add")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.line = _Line(self)
        self.line.setObjectName("quickAdd")
        self.line.setStyleSheet(LINE_STYLE)
        self.line.setPlaceholderText(PLACEHOLDER)
        self.line.setAccessibleName("Quick add line")
        self.line.setAccessibleDescription("Type an item in one line; Enter saves it, Escape clears it")
        self.line.addAction(icon("add"), QLineEdit.ActionPosition.LeadingPosition)
        self.line.setMaxLength(2000)
        preview_row = QHBoxLayout()
        preview_row.setContentsMargins(4, 0, 4, 0)
        preview_row.setSpacing(12)
        # What was understood wraps (it never widens the window and is never cut off); where the
        # item lands keeps its quadrant visible and elides its reasons (whole in the tooltip).
        self.preview = QLabel(self)
        self.preview.setObjectName("quickAddPreview")
        mute(self.preview)  # red when the line cannot be read
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setAccessibleName("Quick add preview")
        self.preview.setWordWrap(True)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.landing = ElidedLabel("", self)
        self.landing.setObjectName("quickAddLanding")
        self.landing.setAccessibleName("Quick add lands in")
        self.landing.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.line.setMinimumWidth(220)
        preview_row.addWidget(self.preview, 3, Qt.AlignmentFlag.AlignTop)  # what was understood comes first
        preview_row.addWidget(self.landing, 1, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.line)
        layout.addLayout(preview_row)
        self.line.textChanged.connect(self.update_preview)
        self.line.returnPressed.connect(self.submit)
        self.line.installEventFilter(self)
        self.update_preview()

    def set_default_kind(self, kind: Kind) -> None:
        """The kind of a line that names none (escalation during an incident)."""
        self.default_kind = kind
        self.update_preview()

    def parsed(self) -> QuickAdd:
        """What the current line says."""
        return read_line(self.line.text(), self.now(), self.tz, self.default_kind)

    def update_preview(self) -> None:
        """Show what was understood and where the item will land."""
        text = self.line.text().strip()
        if not text:
            hint = "Enter saves · Esc clears · tokens: sev1 · due 2h · !high · #strategic · +Delegate · @Customer · meeting … 10:00 30m"
            if self.default_kind is Kind.ESCALATION:
                hint = "Incident: new lines are escalations · " + hint
            self.preview.setText(hint)
            self.preview.setStyleSheet("")
            self._set_landing("", None)
            return
        parsed = self.parsed()
        quadrant, reasons = landing(parsed, self.now(), self.policy)
        understood = " · ".join(parsed.understood) if parsed.understood else "a task"
        title = parsed.title or "(no title yet)"
        if len(title) > PREVIEW_TITLE_CHARS:
            title = title[: PREVIEW_TITLE_CHARS - 1].rstrip() + "…"
        self.preview.setText(f"“{title}” — {understood}")
        self.preview.setStyleSheet("")
        self._set_landing(f"→ {quadrant.label}" + (f"  ({rules.sentence(reasons).rstrip('.')})" if reasons else ""), quadrant)

    def _set_landing(self, text: str, quadrant: Quadrant | None) -> None:
        """Where the item lands: the quadrant always readable, the reasons elided if they do not fit."""
        self.landing.setText(text)
        if quadrant is None:
            self.landing.setStyleSheet("")
            self.landing.setToolTip("")
            self.landing.setMinimumWidth(0)
            self.landing.setVisible(False)
            return
        self.landing.setVisible(True)
        self.landing.setStyleSheet(f"color: {text_colour(quadrant_colour(quadrant)).name()}; font-weight: 600;")
        self.landing.setToolTip(f"{text}\n{quadrant.meaning}")
        bold = self.landing.font()
        bold.setWeight(bold.Weight.DemiBold)
        self.landing.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(f"→ {quadrant.label}  (…)") + 4)

    def submit(self) -> None:
        """Emit the draft for the current line (nothing for an empty line)."""
        parsed = self.parsed()
        if not self.line.text().strip():
            return
        if not parsed.title:
            self.show_error("the title is empty: add a few words besides the tokens")
            return
        self.submitted.emit(ItemDraft.from_quick_add(parsed))

    def saved(self) -> None:
        """The item was added: clear the line for the next one."""
        self.line.clear()

    def show_error(self, message: str) -> None:
        """Say why the line cannot be saved, in place of the preview."""
        self.preview.setText(f"Cannot add: {message}")
        self.preview.setStyleSheet("color: #d32f2f;")
        self._set_landing("", None)

    def focus(self) -> None:
        """Put the cursor in the line."""
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102, N802
        if watched is self.line and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape and not self.line.text():
                self.escaped.emit()
                return True
        return False
