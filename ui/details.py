"""The details panel: every field of the selected item, why it is where it is, its time and history.

Read-only on purpose: editing happens in :class:`~ui.item_dialog.ItemDialog`
(Enter/F2 or the Edit button), so there is one place with validation.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain import Changes, ItemView, Kind
from prioritizer.humanize import countdown, local_stamp, minutes_text
from prioritizer.rules import sentence

from .bus import Bus
from .quadrant_view import QUADRANT_COLORS


def _label(text: str = "", *, muted: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setObjectName("detailsMuted")
    return label


class DetailsPanel(QScrollArea):
    """Shows one item in full; refreshes itself when the bus says it changed."""

    def __init__(self, bus: Bus, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.item_id: int | None = None
        self.setObjectName("details")
        self.setAccessibleName("Item details")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(260)
        body = QWidget(self)
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(8)
        self.empty = _label(
            "Select a card to see all its fields, why it sits in its quadrant, its time and its triage history.", muted=True
        )
        layout.addWidget(self.empty)
        self.content = QWidget(body)
        layout.addWidget(self.content)
        layout.addStretch(1)
        box = QVBoxLayout(self.content)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        self.title = _label()
        self.title.setAccessibleName("Item title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.where = _label()
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for action in actions:
            button = QToolButton(self.content)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.setAutoRaise(True)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.why = _label()
        self.why.setAccessibleName("Why is this here")
        self.order = _label(muted=True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.time = _label()
        self.time.setAccessibleName("Time entries")
        self.history = _label()
        self.history.setAccessibleName("Triage history")
        box.addWidget(self.title)
        box.addWidget(self.where)
        box.addLayout(buttons)
        box.addWidget(self._heading("Why is this here?"))
        box.addWidget(self.why)
        box.addWidget(self.order)
        box.addWidget(self._heading("Fields"))
        box.addLayout(self.form)
        box.addWidget(self._heading("Time spent"))
        box.addWidget(self.time)
        box.addWidget(self._heading("Triage history"))
        box.addWidget(self.history)
        self.content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._reload_soon = QTimer(self)
        self._reload_soon.setSingleShot(True)
        self._reload_soon.setInterval(0)
        self._reload_soon.timeout.connect(self.reload)
        bus.changed.connect(self._changed)
        self.show_item(None)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def _changed(self, changes: Changes) -> None:
        if self.item_id is None:
            return
        if self.item_id in (changes.items | changes.added | changes.removed):
            self._reload_soon.start()  # after the cards have been repainted

    def flush(self) -> None:
        """Reload now if a reload is waiting."""
        if self._reload_soon.isActive():
            self._reload_soon.stop()
            self.reload()

    def reload(self) -> None:
        """Read the shown item again."""
        if self.item_id is None:
            return
        views = self.bus.service.list_items(ids=[self.item_id], include_closed=True)
        self.show_item(views[0] if views else None)

    def show_item(self, view: ItemView | None) -> None:
        """Show ``view`` (None: the hint)."""
        self.item_id = view.id if view is not None else None
        self._reload_soon.stop()
        self.empty.setVisible(view is None)
        self.content.setVisible(view is not None)
        if view is None:
            return
        service = self.bus.service
        now, tz = service.now(), service.tz
        self.title.setText(view.title)
        where = f"{view.quadrant.label} — {view.quadrant.meaning}"
        if view.status.value != "open":
            where = f"{view.status.value.capitalize()} {local_stamp(view.closed_at, tz, now)}"
        self.where.setText(where)
        self.where.setStyleSheet(f"color: {QUADRANT_COLORS[view.quadrant]}; font-weight: 600;")
        reasons = sentence(view.placement.reasons) or "No rule makes it urgent or important."
        if view.placement.pinned:
            reasons += "\nPinned: it stays here until you let the rules decide (0)."
        elif view.placement.changes_at is not None:
            reasons += f"\nMoves by itself {local_stamp(view.placement.changes_at, tz, now)}."
        self.why.setText(reasons)
        self.order.setText(f"Order in the quadrant: {view.order_reason}" if view.order_reason else "")
        while self.form.rowCount():
            self.form.removeRow(0)
        rows: list[tuple[str, str]] = [("Kind", view.kind.value.capitalize()), ("Importance", view.importance.value)]
        if view.due is not None:
            rows.append(("Due", f"{local_stamp(view.due, tz, now)} ({countdown(view.due, now)})"))
        if view.kind is Kind.ESCALATION:
            rows.append(("Severity", f"Sev {view.severity}" if view.severity else "not set"))
        if view.customer:
            rows.append(("Customer", view.customer + (" (key customer)" if view.key_customer else "")))
        if view.kind is Kind.MEETING and view.start is not None:
            end = f" – {local_stamp(view.end, tz, now)}" if view.end else ""
            rows.append(("Meeting", f"{local_stamp(view.start, tz, now)}{end}"))
        if view.delegated_to:
            rows.append(("Delegated to", view.delegated_to))
        if view.estimate_minutes is not None:
            rows.append(("Estimate", minutes_text(view.estimate_minutes)))
        rows.append(("Time spent", minutes_text(view.minutes_spent) + (" — timer running" if view.timer_running else "")))
        if view.strategic:
            rows.append(("Strategic", "yes"))
        rows.append(("Created", local_stamp(view.created_at, tz, now)))
        if view.notes:
            rows.append(("Notes", view.notes))
        for name, value in rows:
            self.form.addRow(name, _label(value))
        entries = service.entries(view.id)
        if entries:
            lines = []
            for entry in entries[-12:]:
                end = "running" if entry.end is None else local_stamp(entry.end, tz, now)
                span = (entry.end or now) - entry.start
                spent = minutes_text(span.total_seconds() / 60)
                lines.append(f"{local_stamp(entry.start, tz, now)} → {end}  {spent}  ({entry.quadrant.label}, {entry.source.value})")
            if len(entries) > 12:
                lines.insert(0, f"… {len(entries) - 12} earlier entries")
            self.time.setText("\n".join(lines))
        else:
            self.time.setText("No time logged yet. Space starts the timer.")
        events = service.history(view.id)
        lines = []
        for event in events[-12:]:
            origin = f"{event.from_quadrant.label} → " if event.from_quadrant else ""
            who = "you" if event.actor.value == "user" else "rules"
            note = f" — {event.note}" if event.note else ""
            lines.append(f"{local_stamp(event.at, tz, now)}  {origin}{event.to_quadrant.label} ({who}){note}")
        self.history.setText("\n".join(lines) if lines else "No placement changes yet.")
