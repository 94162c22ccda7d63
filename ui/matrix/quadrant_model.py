"""One list model per quadrant, fed by the item store, with drag-and-drop by id.

The rows are the open items of one quadrant that pass the filter, most pressing
first. A drop never edits rows: :meth:`QuadrantModel.dropMimeData` emits
:attr:`QuadrantModel.items_dropped`; the window turns that into an undoable core
call, and the rows follow from the store's update. ``removeRows`` is deliberately
not implemented (``QAbstractItemView.startDrag`` calls it after a move).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from prioritizer.ui.matrix.item_store import ItemStore
from prioritizer.ui.panels.filter_bar import ItemFilter
from prioritizer.ui.tooltips import plain_tooltip
from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from prioritizer.domain.rules import sentence
from prioritizer.domain.values import Importance, ItemView, Kind, Quadrant
from prioritizer.text.humanize import countdown

MIME_TYPE = "application/x-prioritizer-items"
ItemRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
_FAR = float("inf")

Index = QModelIndex | QPersistentModelIndex


def sort_key(view: ItemView) -> tuple[float, int, int, float, float, int]:
    """How pressing an item is, independent of the current time (smaller first).

    Same order as the core's rank: nearest (or most overdue) deadline, severity,
    importance, meeting start, age.
    """
    due = view.due.timestamp() if view.due is not None else _FAR
    severity = view.severity if view.kind is Kind.ESCALATION and view.severity else 9
    start = view.start.timestamp() if view.start is not None else _FAR
    importance = view.importance if type(view.importance) is Importance else Importance(view.importance)
    return (due, severity, -importance.rank, start, view.created_at.timestamp(), view.id)


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def encode_ids(ids: Sequence[int]) -> QMimeData:
    """A MIME payload carrying item ids."""
    mime = QMimeData()
    mime.setData(MIME_TYPE, json.dumps([int(i) for i in ids]).encode("ascii"))
    return mime


def decode_ids(mime: QMimeData | None) -> list[int]:
    """The item ids in a payload made by :func:`encode_ids` (empty for anything else)."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return []
    try:
        value = json.loads(bytes(mime.data(MIME_TYPE).data()).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(value, list):
        return []
    return [i for i in value if isinstance(i, int) and not isinstance(i, bool)]


class QuadrantModel(QAbstractListModel):
    """The open items of one quadrant that pass the filter.

    Signals:
        items_dropped(list[int], Quadrant): items were dropped here; the window pins them.
        stats_changed(): the row count or the estimated minutes changed.
    """

    items_dropped = Signal(object, object)
    stats_changed = Signal()

    def __init__(self, store: ItemStore, quadrant: Quadrant, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.quadrant = quadrant
        self._filter = ItemFilter()
        self.touched = False  # whether the last store update changed any row here
        self._rows: list[ItemView] = []
        self._ids: list[int] = []  # the rows' ids: list.index finds a row at C speed (a drop asks ~7 times)
        self._keys: list[tuple[float, int, int, float, float, int]] = []
        self.now: Callable[[], datetime] = store.bus.service.now
        self.tz: tzinfo | None = store.bus.service.tz
        store.reloaded.connect(self.rebuild)
        store.updated.connect(self.apply)
        self.rebuild()

    # ------------------------------------------------------------------ state
    def set_filter(self, item_filter: ItemFilter) -> None:
        """Show only items passing ``item_filter``."""
        self._filter = item_filter
        self.rebuild()

    def item_filter(self) -> ItemFilter:
        """The filter in force."""
        return self._filter

    def views(self) -> list[ItemView]:
        """The rows, top to bottom."""
        return list(self._rows)

    def ids(self) -> list[int]:
        """The ids of the rows, top to bottom."""
        return list(self._ids)

    def row_of(self, item_id: int) -> int:
        """The row of an item, or -1."""
        try:
            return self._ids.index(item_id)
        except ValueError:
            return -1

    def estimated_minutes(self) -> int:
        """The minutes estimated for the rows."""
        return sum(v.estimate_minutes or 0 for v in self._rows)

    def _mine(self, views: Iterable[ItemView]) -> list[ItemView]:
        """The views that belong in this quadrant and pass the filter (4 models x 2,000 items at start)."""
        quadrant = self.quadrant
        mine = [v for v in views if v.placement.quadrant is quadrant]
        if mine and self._filter.active:
            now, tz = self.now(), self.tz
            mine = [v for v in mine if self._filter.matches(v, now, tz)]
        return mine

    def rebuild(self) -> None:
        """Rebuild every row from the store."""
        self.beginResetModel()
        keyed = sorted([(sort_key(v), v) for v in self._mine(self.store.views())], key=_first)
        self._rows = [v for _, v in keyed]
        self._ids = [v.id for v in self._rows]
        self._keys = [k for k, _ in keyed]
        self.endResetModel()
        self.stats_changed.emit()

    def apply(self, updated: Sequence[ItemView], gone: Sequence[int]) -> None:
        """Take in the store's update: rows leave, arrive, move or repaint, one at a time."""
        touched = False
        for item_id in gone:
            touched |= self._remove(item_id)
        for view in updated:
            row = self.row_of(view.id)
            if not self._mine((view,)):
                touched |= self._remove(view.id)
                continue
            key = sort_key(view)
            if row >= 0 and self._keys[row] == key:
                self._rows[row] = view
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)
                touched = True
                continue
            if row >= 0:
                self._remove(view.id)
            at = bisect.bisect_left(self._keys, key)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, view)
            self._ids.insert(at, view.id)
            self._keys.insert(at, key)
            self.endInsertRows()
            touched = True
        self.touched = touched
        if touched:
            self.stats_changed.emit()

    def _remove(self, item_id: int) -> bool:
        row = self.row_of(item_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._ids[row]
        del self._keys[row]
        self.endRemoveRows()
        return True

    # ------------------------------------------------------------ Qt overrides
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        view = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.EditRole:
            return view.title
        if role == ItemRole:
            return view
        if role == IdRole:
            return view.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(view.title, sentence(view.placement.reasons))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.spoken(view)
        return None

    def spoken(self, view: ItemView) -> str:
        """The card as one sentence for screen readers."""
        parts = [f"{view.kind.value}: {view.title}"]
        if view.due is not None:
            parts.append(f"due {countdown(view.due, self.now())}")
        if view.severity:
            parts.append(f"severity {view.severity}")
        if view.delegated_to:
            parts.append(f"delegated to {view.delegated_to}")
        if view.placement.pinned:
            parts.append("pinned")
        if view.timer_running:
            parts.append("timer running")
        return ", ".join(parts)

    def flags(self, index: Index) -> Qt.ItemFlag:  # noqa: D102
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def mimeTypes(self) -> list[str]:  # noqa: D102, N802
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: D102, N802
        rows = sorted({i.row() for i in indexes if i.isValid() and 0 <= i.row() < len(self._rows)})
        return encode_ids([self._rows[r].id for r in rows])

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: D102, N802
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: D102, N802
        return Qt.DropAction.MoveAction

    def canDropMimeData(  # noqa: D102, N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return action == Qt.DropAction.MoveAction and bool(decode_ids(data))

    def dropMimeData(  # noqa: D102, N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        self.items_dropped.emit(decode_ids(data), self.quadrant)
        return True
