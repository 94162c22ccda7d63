"""The details panel: every field of the selected item, why it is where it is, its time and history.

The item's fields are read-only here: editing happens in :class:`~ui.item_dialog.ItemDialog`
(Enter/F2 or the Edit button), so there is one place with validation. Its time
entries are edited in place (:class:`~ui.time_entries.TimeEntriesWidget`: add,
edit, delete, overlaps marked), since a manual entry belongs to the item, not to
its fields. The panel scrolls and wraps; titles and notes are always plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prioritizer.ui.bus import Bus
from prioritizer.ui.palette import mute, quadrant_colour, text_colour
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain.rules import sentence
from prioritizer.domain.values import Changes, ItemView, Kind
from prioritizer.text.humanize import countdown, local_stamp, minutes_text

if TYPE_CHECKING:
    from prioritizer.ui.panels.time_entries import TimeEntriesWidget

MAX_TABLE_ROWS = 8  # more entries scroll inside the table
# The entries table's columns (ui.time_entries.EntriesModel). The narrow panel hides Source,
# and shows Overlaps only while something overlaps.
START, END, SPENT, QUADRANT, SOURCE, NOTE, OVERLAPS = range(7)


class _ShortStart(QStyledItemDelegate):
    """The Start column as the panel's other times read ("Wed 09:00", "today 08:30"), whole date in the tooltip."""

    def __init__(self, panel: DetailsPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: D102, N802
        super().initStyleOption(option, index)
        model = self.panel.entries.model
        if 0 <= index.row() < model.rowCount():
            service = self.panel.bus.service
            option.text = local_stamp(model.entry(index.row()).start, service.tz, service.now())


def _label(text: str = "", *, muted: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Wrapped labels take the panel's width and grow downwards (height for width); they never widen it.
    policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(wrap)
    label.setSizePolicy(policy)
    label.setMinimumWidth(40)
    if muted:
        label.setObjectName("detailsMuted")
        mute(label)
    return label


class DetailsPanel(QScrollArea):
    """Shows one item in full; refreshes itself when the bus says it changed."""

    # Made with the first item shown (_build_content): the window starts with nothing selected.
    content: QWidget
    title: QLabel
    where: QLabel
    why: QLabel
    order: QLabel
    form: QFormLayout
    entries: TimeEntriesWidget
    history: QLabel

    def __init__(self, bus: Bus, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.item_id: int | None = None
        self._actions = actions
        self._built = False
        self.setObjectName("details")
        self.setAccessibleName("Item details")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(260)
        self._body = QWidget(self)
        self.setWidget(self._body)
        layout = QVBoxLayout(self._body)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(8)
        self.empty = _label(
            "Select a card to see all its fields, why it sits in its quadrant, its time and its triage history.", muted=True
        )
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self._reload_soon = QTimer(self)
        self._reload_soon.setSingleShot(True)
        self._reload_soon.setInterval(0)
        self._reload_soon.timeout.connect(self.reload)
        bus.changed.connect(self._changed)

    def _build_content(self) -> None:
        """The fields, buttons, time entries and history: made when the first item is shown.

        The window starts with nothing selected, so its first paint shows only the hint: making
        these (and loading the time-entries module) then cost about 12 ms of the start.
        """
        from prioritizer.ui.panels.time_entries import TimeEntriesWidget

        self._built = True
        self.content = QWidget(self._body)
        layout = self._body.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.content)
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
        for action in self._actions:
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
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.entries = TimeEntriesWidget(self.bus, self.content)
        self.entries.setObjectName("detailsTimeEntries")
        self._fit_entries_table()
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
        box.addWidget(self._heading("Time entries"))
        box.addWidget(self.entries)
        box.addWidget(self._heading("Triage history"))
        box.addWidget(self.history)
        self.content.setVisible(False)

    def _fit_entries_table(self) -> None:
        """Make the entries table fit the narrow panel: short columns, no inner scrolling for a few rows."""
        table = self.entries.table
        table.setColumnHidden(SOURCE, True)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        table.setMinimumWidth(40)
        table.setAlternatingRowColors(True)
        table.setItemDelegateForColumn(START, _ShortStart(self))
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        self.entries.model.modelReset.connect(self._entries_reset)
        self._entries_reset()

    def _entries_reset(self) -> None:
        """Show the Overlaps column and Keep-this-one only when something overlaps; size the table to its rows."""
        model, table = self.entries.model, self.entries.table
        overlaps = bool(model.overlapping)
        table.setColumnHidden(OVERLAPS, not overlaps)
        self.entries.keep_button.setVisible(overlaps)
        self.entries.summary.setVisible(overlaps)
        rows = model.rowCount()
        header = table.horizontalHeader().sizeHint().height()
        row_height = table.verticalHeader().defaultSectionSize()
        scrollbar = table.horizontalScrollBar().sizeHint().height()
        frame = 2 * table.frameWidth()
        height = header + max(1, min(rows, MAX_TABLE_ROWS)) * row_height + frame + scrollbar
        table.setFixedHeight(height)
        table.setToolTip("" if rows else "No time logged yet. Space starts the timer; Add… logs a span you worked.")

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
        if view is None:
            if self._built:
                self.content.setVisible(False)
                self.entries.set_item(None)
            return
        if not self._built:
            self._build_content()
        self.content.setVisible(True)
        service = self.bus.service
        now, tz = service.now(), service.tz
        self.title.setText(view.title)
        where = f"{view.quadrant.label} — {view.quadrant.meaning}"
        if view.status.value != "open":
            where = f"{view.status.value.capitalize()} {local_stamp(view.closed_at, tz, now)}"
        self.where.setText(where)
        self.where.setStyleSheet(f"color: {text_colour(quadrant_colour(view.quadrant)).name()}; font-weight: 600;")
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
        if self.entries.item_id != view.id:
            self.entries.set_item(view.id)  # the widget refreshes itself when time changes
        events = service.history(view.id)
        lines = []
        for event in events[-12:]:
            origin = f"{event.from_quadrant.label} → " if event.from_quadrant else ""
            who = "you" if event.actor.value == "user" else "rules"
            note = f" — {event.note}" if event.note else ""
            lines.append(f"{local_stamp(event.at, tz, now)}  {origin}{event.to_quadrant.label} ({who}){note}")
        self.history.setText("\n".join(lines) if lines else "No placement changes yet.")
