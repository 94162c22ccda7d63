"""The open items the window shows, kept in step with the core one change at a time.

:class:`ItemStore` loads every open item once, then on each :attr:`Bus.changed`
reloads only the ids that changed (``service.list_items(ids=...)``) and tells the
quadrant models which items were updated and which left. Items whose placement
was due to change by itself are swept in at the same moment, so a re-sort the core
applied during another read is never missed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from prioritizer.ui.bus import Bus
from PySide6.QtCore import QObject, Signal

from prioritizer.domain.values import Changes, ItemView, Status


class ItemStore(QObject):
    """Every open item by id, refreshed from what changed.

    Signals:
        reloaded(): everything was loaded again; models rebuild.
        updated(list[ItemView], list[int]): these open items changed or appeared; these ids left.
        placements_moved(list[tuple[ItemView, ItemView]]): (before, after) for items the rules moved by themselves.
    """

    reloaded = Signal()
    updated = Signal(object, object)
    placements_moved = Signal(object)

    def __init__(self, bus: Bus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self._views: dict[int, ItemView] = {}
        # No loaded item's placement changes before this (a lower bound, None when none will):
        # each change then skips the walk over every open item looking for ones that fell due.
        self._quiet_until: datetime | None = None
        bus.changed.connect(self.apply)

    # ------------------------------------------------------------------ reads
    def views(self) -> Iterable[ItemView]:
        """The open items (no particular order)."""
        return self._views.values()

    def get(self, item_id: int) -> ItemView | None:
        """One open item, or None if it is not open (or unknown)."""
        return self._views.get(item_id)

    def __len__(self) -> int:
        return len(self._views)

    def next_change(self) -> datetime | None:
        """The earliest moment a loaded item's placement changes by itself (as the core's next_change)."""
        moments = [v.placement.changes_at for v in self._views.values() if v.placement.changes_at is not None]
        return min(moments) if moments else None

    # ---------------------------------------------------------------- updates
    def reload(self) -> None:
        """Load every open item again."""
        self._views = {v.id: v for v in self.bus.service.list_items()}
        self._quiet_until = self.next_change()
        self.reloaded.emit()

    def apply(self, changes: Changes) -> None:
        """Reload what ``changes`` names (and any item whose placement fell due)."""
        if changes.policy:
            self.reload()
            return
        self._fetch(changes.items | changes.added | changes.removed, announce=False)

    def sweep_due(self, moved_ids: Iterable[int] = ()) -> list[tuple[ItemView, ItemView]]:
        """Reload items the core re-placed by itself; return (before, after) for those that moved."""
        return self._fetch(frozenset(moved_ids), announce=True)

    def _due_ids(self) -> set[int]:
        now = self.bus.service.now()
        if self._quiet_until is None or now < self._quiet_until:
            return set()
        due = {v.id for v in self._views.values() if v.placement.changes_at is not None and v.placement.changes_at <= now}
        # Until they are reloaded the due ones keep the bound where it is: the next change looks again.
        self._quiet_until = now if due else self.next_change()
        return due

    def _expect(self, view: ItemView) -> None:
        """Lower the bound for a view just stored."""
        at = view.placement.changes_at
        if at is not None and (self._quiet_until is None or at < self._quiet_until):
            self._quiet_until = at

    def _fetch(self, ids: frozenset[int], *, announce: bool) -> list[tuple[ItemView, ItemView]]:
        due = self._due_ids()
        wanted = set(ids) | due
        if not wanted:
            return []
        fresh = {v.id: v for v in self.bus.service.list_items(ids=sorted(wanted), include_closed=True, refresh=False)}
        updated: list[ItemView] = []
        gone: list[int] = []
        moved: list[tuple[ItemView, ItemView]] = []
        for item_id in wanted:
            view = fresh.get(item_id)
            before = self._views.get(item_id)
            if view is None or view.status is not Status.OPEN:
                if self._views.pop(item_id, None) is not None:
                    gone.append(item_id)
                continue
            self._views[item_id] = view
            self._expect(view)
            updated.append(view)
            by_rules = announce or (item_id in due and item_id not in ids)
            if by_rules and before is not None and before.quadrant is not view.quadrant:
                moved.append((before, view))
        if updated or gone:
            self.updated.emit(updated, gone)
        if moved:
            self.placements_moved.emit(moved)
        return moved
