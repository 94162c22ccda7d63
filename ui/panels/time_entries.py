"""An item's time entries: list, add, edit, delete, and overlaps shown and resolved.

Meant for the item's details (or its own dialog). Every write goes through the
bus to ``prioritizer.services.timekeeping`` / ``Service.log_time``, which validate and
attribute each minute to the quadrant the item was in then; this widget only
shows and asks. An entry that claims minutes another entry also claims is
marked "⚠ overlaps #12"; "Keep this one" trims the others.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from prioritizer.ui.bus import Bus
from prioritizer.ui.dialogs.forgotten_timer import qt_zone
from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, QPersistentModelIndex, Qt, QTimeZone
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain.clock import UTC, to_local
from prioritizer.domain.values import Changes, InputError, TimeEntryView
from prioritizer.text.humanize import minutes_text


def _timekeeping() -> ModuleType:
    """prioritizer.services.timekeeping, imported when first used: it imports SQLAlchemy, which the start-up does not wait for."""
    from prioritizer.services import timekeeping

    return timekeeping

WARNING = QColor("#d9822b")


class EntriesModel(QAbstractTableModel):
    """Rows of time entries with their overlaps."""

    HEADERS = ("Start", "End", "Time", "Quadrant", "Source", "Note", "Overlaps")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[TimeEntryView] = []
        self.overlapping: dict[int, list[int]] = {}
        self.now = datetime.now(UTC)
        self.tz: Any = None

    def set_entries(self, entries: list[TimeEntryView], overlapping: dict[int, list[int]], now: datetime, tz: Any) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.entries, self.overlapping, self.now, self.tz = list(entries), dict(overlapping), now, tz
        self.endResetModel()

    def entry(self, row: int) -> TimeEntryView:
        """The entry on a row."""
        return self.entries[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, D102, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, D102, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def _text(self, entry: TimeEntryView, column: int) -> str:
        if column == 0:
            return to_local(entry.start, self.tz).strftime("%a %Y-%m-%d %H:%M")
        if column == 1:
            return to_local(entry.end, self.tz).strftime("%H:%M") if entry.end else "running"
        if column == 2:
            return minutes_text(((entry.end or max(self.now, entry.start)) - entry.start).total_seconds() / 60)
        if column == 3:
            return entry.quadrant.label
        if column == 4:
            return entry.source.value
        if column == 5:
            return entry.note
        others = self.overlapping.get(entry.id, [])
        return "⚠ overlaps " + ", ".join(f"#{o}" for o in others) if others else ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 6 and entry.id in self.overlapping:
            return WARNING
        if role == Qt.ItemDataRole.ToolTipRole and entry.id in self.overlapping:
            return "These minutes are also claimed by another entry. Select it and choose “Keep this one” to trim the others."
        if role == Qt.ItemDataRole.UserRole:
            return entry.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102, N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None


def _to_qt(value: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000), QTimeZone.utc())


def _from_qt(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, UTC)


class EntryDialog(QDialog):
    """Start, end and note of one entry (a new one or an existing one)."""

    def __init__(self, tz: Any, start: datetime, end: datetime | None, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Time entry")
        form = QFormLayout(self)
        self.start_edit = QDateTimeEdit(self)
        self.end_edit = QDateTimeEdit(self)
        for edit in (self.start_edit, self.end_edit):
            edit.setTimeZone(qt_zone(tz))
            edit.setDisplayFormat("ddd yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.start_edit.setDateTime(_to_qt(start))
        self.running = end is None
        self.end_edit.setDateTime(_to_qt(end or start))
        self.end_edit.setEnabled(not self.running)
        self.note_edit = QLineEdit(note, self)
        form.addRow("Start", self.start_edit)
        form.addRow("End", self.end_edit if not self.running else QLabel("running", self))
        form.addRow("Note", self.note_edit)
        self.error = QLabel(self)
        self.error.setVisible(False)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[datetime, datetime | None, str]:
        """(start, end or None while running, note)."""
        end = None if self.running else _from_qt(self.end_edit.dateTime())
        return _from_qt(self.start_edit.dateTime()), end, self.note_edit.text()


class TimeEntriesWidget(QWidget):
    """The time entries of one item with Add, Edit, Delete and Keep-this-one (resolve overlaps)."""

    def __init__(self, bus: Bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.item_id: int | None = None
        self.setAccessibleName("Time entries")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = EntriesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        layout.addWidget(self.table)
        self.summary = QLabel(self)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.delete_button = QPushButton("Delete", self)
        self.keep_button = QPushButton("Keep this one", self)
        self.keep_button.setToolTip("Trim every entry that overlaps the selected one")
        for button in (self.add_button, self.edit_button, self.delete_button, self.keep_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_entry)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.keep_button.clicked.connect(self.keep_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        bus.changed.connect(self.on_changes)
        self._update_buttons()

    def set_item(self, item_id: int | None) -> None:
        """Show the entries of an item (None: nothing)."""
        self.item_id = item_id
        self.refresh()

    def on_changes(self, changes: Changes) -> None:
        """Refresh when time changed (possibly on another item that overlaps this one's)."""
        if self.item_id is not None and (changes.time or self.item_id in changes.items):
            self.refresh()

    def refresh(self) -> None:
        """Re-read the entries and their overlaps."""
        service = self.bus.service
        if self.item_id is None:
            self.model.set_entries([], {}, service.now(), service.tz)
        else:
            try:
                entries = service.entries(self.item_id)
            except InputError:  # the item was deleted (undo of an add)
                entries = []
            overlaps = _timekeeping().entry_overlaps(service, self.item_id) if entries else {}
            self.model.set_entries(entries, overlaps, service.now(), service.tz)
        count = len(self.model.overlapping)
        self.summary.setText(f"⚠ {count} entr{'ies overlap' if count != 1 else 'y overlaps'} other time" if count else "")
        self._update_buttons()

    def selected(self) -> TimeEntryView | None:
        """The selected entry."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        entry = self.selected()
        self.add_button.setEnabled(self.item_id is not None)
        self.edit_button.setEnabled(entry is not None)
        self.delete_button.setEnabled(entry is not None)
        self.keep_button.setEnabled(entry is not None and entry.id in self.model.overlapping)

    def _report(self, exc: InputError) -> None:
        self.bus.failed.emit(str(exc))

    def add_entry(self) -> None:
        """Log a manual entry (ending now, 30 minutes long by default)."""
        if self.item_id is None:
            return
        now = self.bus.service.now()
        dialog = EntryDialog(self.bus.service.tz, now - timedelta(minutes=30), now, "", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            start, end, note = dialog.values()
            assert end is not None
            try:
                self.bus.run(self.bus.service.log_time, self.item_id, start, end, note)
            except InputError as exc:
                self._report(exc)

    def edit_selected(self) -> None:
        """Edit the selected entry's span and note."""
        entry = self.selected()
        if entry is None:
            return
        dialog = EntryDialog(self.bus.service.tz, entry.start, entry.end, entry.note, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            start, end, note = dialog.values()
            try:
                self.bus.run(_timekeeping().edit_entry, self.bus.service, entry.id, start, end, note)
            except InputError as exc:
                self._report(exc)

    def delete_selected(self) -> None:
        """Delete the selected entry."""
        entry = self.selected()
        if entry is not None:
            try:
                self.bus.run(_timekeeping().delete_entry, self.bus.service, entry.id)
            except InputError as exc:
                self._report(exc)

    def keep_selected(self) -> None:
        """Trim every entry that overlaps the selected one."""
        entry = self.selected()
        if entry is None:
            return
        for other in list(self.model.overlapping.get(entry.id, [])):
            try:
                self.bus.run(_timekeeping().resolve_overlap, self.bus.service, entry.id, other)
            except InputError as exc:
                self._report(exc)
