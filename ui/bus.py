"""The one place the window runs core operations and announces what changed.

Like Anki's ``operation_did_execute``: every write goes through :meth:`Bus.run`,
which calls the service and emits :attr:`Bus.changed` with the core's
:class:`~prioritizer.domain.Changes`. Each view listens and refreshes only its part;
no widget reaches into another. Changes committed elsewhere (``watch.ChangeWatcher``)
arrive through :meth:`Bus.announce`, the same path.

No stale write: a write refused because the item changed elsewhere
(``StaleItemError``) makes the bus announce those items, so the views reload them
before the caller shows the one-line reason. The bus also keeps, per item, the run
of versions this window wrote itself with nothing from elsewhere in between
(:meth:`continuing`): an undo or redo may only act on an item still inside the run
its command belongs to, so it never puts back a copy older than a change made
elsewhere, even one the window has seen since.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from prioritizer.domain import Changes, InputError, StaleItemError
from prioritizer.drafts import Result

if TYPE_CHECKING:  # services imports SQLAlchemy, which the start-up does not wait for
    from prioritizer.services import Service

T = TypeVar("T")


class Bus(QObject):
    """Runs service operations and re-emits what they changed.

    Attributes:
        service: the core service of the open database.

    Signals:
        changed(Changes): an operation changed data.
        failed(str): an operation was refused; the one-line reason.
        notified(str): something worth a short unobtrusive message happened.
    """

    changed = Signal(object)
    failed = Signal(str)
    notified = Signal(str)

    def __init__(self, service: Service, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._aliases: dict[int, int] = {}
        # item id -> (first, last) version of the run this window wrote with nothing from elsewhere between.
        self._runs: dict[int, tuple[int, int]] = {}

    def run(
        self, operation: Callable[..., Result[T]], *args: Any, seen: Mapping[int, int] | None = None, **kwargs: Any
    ) -> Result[T]:
        """Call ``operation(*args, **kwargs)`` (a service method) and announce its changes.

        ``seen``: the versions (by current id) the operation was told to expect; with the
        versions it made they extend this window's runs. ``InputError`` propagates to the
        caller, which decides how to show it; for a ``StaleItemError`` the items that
        changed elsewhere are announced first, so the views show what is there now.
        """
        try:
            result = operation(*args, **kwargs)
        except StaleItemError as exc:
            self.announce(Changes(items=exc.ids, time=exc.timer, elsewhere=True))
            raise
        self._extend_runs(seen or {}, result.changes.versions)
        if not result.changes.empty:
            self.changed.emit(result.changes)
        return result

    def announce(self, changes: Changes) -> None:
        """Emit ``changed`` for changes found outside :meth:`run` (the live re-sort)."""
        if not changes.empty:
            self.changed.emit(changes)

    # ------------------------------------------------------------- version runs
    def _extend_runs(self, seen: Mapping[int, int], made: Mapping[int, int]) -> None:
        for item_id, version in made.items():
            run = self._runs.get(item_id)
            expected = seen.get(item_id)
            if run is not None and expected is not None and run[1] == expected:
                self._runs[item_id] = (run[0], version)  # checked against our own last write: the run goes on
            else:
                # Based on a copy read (or nothing checked): a new run; what came before it is not ours to undo.
                self._runs[item_id] = (expected if expected is not None else version, version)

    def continuing(self, stamps: Mapping[int, int | None]) -> dict[int, int]:
        """The versions an undo or redo must expect, by current id, for the items of ``stamps``.

        ``stamps`` maps a command's item ids to the version its last action left. Raises
        StaleItemError (announcing the items) when one of them is outside the item's current
        run: changed elsewhere since, so undoing or redoing on it would overwrite that.
        """
        expected: dict[int, int] = {}
        stale: list[int] = []
        for item_id, stamp in stamps.items():
            current = self.resolve(item_id)
            run = self._runs.get(current)
            if run is None or stamp is None or stamp < run[0]:
                stale.append(current)
            else:
                expected[current] = run[1]
        if stale:
            titles = []
            for current in stale:
                try:
                    titles.append(self.service.get(current).title)
                except InputError:
                    titles.append(f"item {current} (deleted)")
            self.announce(Changes(items=frozenset(stale), elsewhere=True))
            raise StaleItemError.changed(titles, frozenset(stale))
        return expected

    # Undo of an add deletes the item; redo adds it again under a new id. Commands
    # keep the ids they were created with and resolve them through these aliases.
    def alias(self, old_id: int, new_id: int) -> None:
        """Record that the item first known as ``old_id`` now lives as ``new_id``."""
        if old_id != new_id:
            self._aliases[old_id] = new_id
            old, new = self._runs.get(old_id), self._runs.get(new_id)
            if old is not None and new is not None:
                # The same item added again by this window: its versions before stay in the run.
                self._runs[new_id] = (old[0], new[1])

    def resolve(self, item_id: int) -> int:
        """The current id of an item, following re-adds made by undo/redo."""
        seen = set()
        while item_id in self._aliases and item_id not in seen:
            seen.add(item_id)
            item_id = self._aliases[item_id]
        return item_id

    def resolve_all(self, item_ids: list[int]) -> list[int]:
        """:meth:`resolve` for several ids."""
        return [self.resolve(i) for i in item_ids]
