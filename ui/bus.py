"""The one place the window runs core operations and announces what changed.

Like Anki's ``operation_did_execute``: every write goes through :meth:`Bus.run`,
which calls the service and emits :attr:`Bus.changed` with the core's
:class:`~prioritizer.domain.Changes`. Each view listens and refreshes only its part;
no widget reaches into another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from prioritizer.domain import Changes
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

    def run(self, operation: Callable[..., Result[T]], *args: Any, **kwargs: Any) -> Result[T]:
        """Call ``operation(*args, **kwargs)`` (a service method) and announce its changes.

        ``InputError`` propagates to the caller, which decides how to show it.
        """
        result = operation(*args, **kwargs)
        if not result.changes.empty:
            self.changed.emit(result.changes)
        return result

    def announce(self, changes: Changes) -> None:
        """Emit ``changed`` for changes found outside :meth:`run` (the live re-sort)."""
        if not changes.empty:
            self.changed.emit(changes)

    # Undo of an add deletes the item; redo adds it again under a new id. Commands
    # keep the ids they were created with and resolve them through these aliases.
    def alias(self, old_id: int, new_id: int) -> None:
        """Record that the item first known as ``old_id`` now lives as ``new_id``."""
        if old_id != new_id:
            self._aliases[old_id] = new_id

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
