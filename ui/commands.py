"""Undoable commands: every user change to items goes through one of these.

Each command calls the core through the :class:`~ui.bus.Bus` (so the views refresh
from what changed) and knows how to put things back:

- add: undo deletes the item; redo adds it again (under a new id, recorded as an alias);
- edit: undo edits back to the old draft;
- move / unpin: undo restores each item's exact previous pin with ``set_pin``;
- done / drop: undo reopens.

:func:`execute` runs a command once before pushing it, so a refused operation
(``InputError``) never lands on the undo stack.

No stale write: a command's first run expects the versions the window showed
(``seen``, from the store); each undo and redo expects the version this window
wrote last, and only while the item is still in the run of versions the command
belongs to (:meth:`Bus.continuing`). An undo or redo the core refuses (changed
elsewhere, or an add whose item has tracked time) leaves the stack (Qt's
"obsolete" command) and says why in one line through ``Bus.failed``: it cannot
be done later either, and the commands below it stay undoable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from prioritizer.ui.bus import Bus
from PySide6.QtGui import QUndoCommand, QUndoStack

from prioritizer.domain.drafts import ItemDraft, Result
from prioritizer.domain.values import Changes, InputError, ItemView, Quadrant

PinState = tuple[Quadrant | None, datetime | None]


def pin_states(views: Iterable[ItemView]) -> dict[int, PinState]:
    """Each item's exact pin (quadrant or None, and when), to restore on undo."""
    return {v.id: (v.quadrant if v.placement.pinned else None, v.pinned_at) for v in views}


def _plural(ids: list[int], what: str = "item") -> str:
    return f"{len(ids)} {what}s" if len(ids) != 1 else f"1 {what}"


class ServiceCommand(QUndoCommand):
    """Base: holds the bus; ``redo`` skips the first call when :func:`execute` already ran it.

    Attributes:
        stamps: by the command's item ids, the version its last run left (before the first
            run: the version the window showed), which the next run expects.
    """

    def __init__(self, bus: Bus, text: str, seen: Mapping[int, int] | None = None) -> None:
        super().__init__(text)
        self.bus = bus
        self._already_done = False
        self._ran = False
        self.stamps: dict[int, int | None] = dict(seen or {})

    def do(self) -> None:
        """Perform the change (raises InputError if the core refuses)."""
        raise NotImplementedError

    def undo_change(self) -> None:
        """Put things back."""
        raise NotImplementedError

    def expect(self, ids: Iterable[int]) -> dict[int, int]:
        """The versions this run expects, by current id (StaleItemError when an undo or redo may not run)."""
        if not self._ran:  # the first run: what the window showed, checked by the core
            return {self.bus.resolve(i): v for i in ids if (v := self.stamps.get(i)) is not None}
        return self.bus.continuing({i: self.stamps.get(i) for i in ids})

    def call(
        self, operation: Callable[..., Result[Any]], *args: Any, ids: Iterable[int], single: bool = False, **kwargs: Any
    ) -> Result[Any]:
        """Run a service write on ``ids`` expecting their versions; keep the versions it made.

        ``single``: the operation takes one ``version`` instead of ``versions``.
        """
        ids = list(ids)
        expected = self.expect(ids)
        if single:
            kwargs["version"] = expected.get(self.bus.resolve(ids[0]))
        else:
            kwargs["versions"] = expected
        result = self.bus.run(operation, *args, seen=expected, **kwargs)
        self.remember(ids, result.changes)
        return result

    def remember(self, ids: Iterable[int], changes: Changes) -> None:
        """Keep the versions a run made, as the next run's stamps."""
        self._ran = True
        for item_id in ids:
            version = changes.versions.get(self.bus.resolve(item_id))
            if version is not None:
                self.stamps[item_id] = version

    def _refused(self, exc: InputError, what: str) -> None:
        # The stack drops an obsolete command after this call returns (QUndoStack::undo/redo):
        # it cannot run later either, and Qt would otherwise count it as done.
        self.setObsolete(True)
        self.bus.failed.emit(f"{what}: {exc}")

    def redo(self) -> None:  # noqa: D102
        if self._already_done:
            self._already_done = False
            return
        try:
            self.do()
        except InputError as exc:  # never through Qt's C++ (the stack would count it as done)
            self._refused(exc, "Not redone")
        except Exception:
            # Failed otherwise (a busy or full disk): Qt moves its index past the command anyway, so it
            # leaves the stack rather than count as done; the error goes on to the window's error hook.
            self.setObsolete(True)
            raise

    def undo(self) -> None:  # noqa: D102
        try:
            self.undo_change()
        except InputError as exc:
            self._refused(exc, "Not undone")
        except Exception:
            self.setObsolete(True)  # as in redo
            raise


def execute(stack: QUndoStack, command: ServiceCommand) -> None:
    """Run ``command`` now and, if the core accepted it, push it on ``stack``."""
    command.do()
    command._already_done = True
    stack.push(command)


class AddCommand(ServiceCommand):
    """Add an item (quick add or the dialog)."""

    def __init__(self, bus: Bus, draft: ItemDraft) -> None:
        super().__init__(bus, f"Add “{draft.title[:40]}”")
        self.draft = draft
        self.first_id: int | None = None

    @property
    def item_id(self) -> int | None:
        """The current id of the added item (None before it was added)."""
        return self.bus.resolve(self.first_id) if self.first_id is not None else None

    def do(self) -> None:  # noqa: D102
        result = self.bus.run(self.bus.service.add, self.draft)
        new_id = result.value
        if self.first_id is None:
            self.first_id = new_id
        else:
            self.bus.alias(self.bus.resolve(self.first_id), new_id)
        self.remember([self.first_id], result.changes)

    def undo_change(self) -> None:  # noqa: D102
        # The core refuses to delete an item with tracked time (whoever logged it), or one changed elsewhere.
        if self.first_id is not None:
            self.call(self.bus.service.delete, self.bus.resolve(self.first_id), ids=[self.first_id], single=True)


class EditCommand(ServiceCommand):
    """Replace an item's fields.

    ``old`` and ``version``: the draft the edit started from and the version it was read at
    (the dialog's); without them both are read now.
    """

    def __init__(self, bus: Bus, item_id: int, draft: ItemDraft, old: ItemDraft | None = None, version: int | None = None) -> None:
        super().__init__(bus, f"Edit “{draft.title[:40]}”")
        self.item_id = item_id
        self.new = draft
        if old is None or version is None:
            old, version = bus.service.editable(bus.resolve(item_id))
        self.old = old
        self.stamps[item_id] = version

    def do(self) -> None:  # noqa: D102
        self.call(self.bus.service.edit, self.bus.resolve(self.item_id), self.new, ids=[self.item_id], single=True)

    def undo_change(self) -> None:  # noqa: D102
        self.call(self.bus.service.edit, self.bus.resolve(self.item_id), self.old, ids=[self.item_id], single=True)


class _PinCommand(ServiceCommand):
    """Shared undo of move and unpin: restore each item's previous pin."""

    def __init__(
        self, bus: Bus, ids: list[int], text: str, before: dict[int, PinState] | None = None, seen: Mapping[int, int] | None = None
    ) -> None:
        super().__init__(bus, text, seen)
        self.ids = list(ids)
        if before is None:
            views = bus.service.list_items(ids=bus.resolve_all(self.ids), include_closed=True, refresh=False)
            before = pin_states(views)
            if seen is None:
                self.stamps = {v.id: v.version for v in views}
        self.before = before

    def undo_change(self) -> None:  # noqa: D102
        # All the pins back in one unit (all or none), one announcement for the views.
        states = {self.bus.resolve(i): self.before.get(i, (None, None)) for i in self.ids}
        self.call(self.bus.service.set_pins, states, ids=self.ids)


class MoveCommand(_PinCommand):
    """Pin items to a quadrant (a drop or 1/2/3/4); a move where the rules agree clears the pin."""

    def __init__(
        self,
        bus: Bus,
        ids: list[int],
        quadrant: Quadrant,
        before: dict[int, PinState] | None = None,
        seen: Mapping[int, int] | None = None,
    ) -> None:
        super().__init__(bus, ids, f"Move {_plural(ids)} to {quadrant.label}", before, seen)
        self.quadrant = quadrant

    def do(self) -> None:  # noqa: D102
        self.call(self.bus.service.move, self.bus.resolve_all(self.ids), self.quadrant, ids=self.ids, clear_if_rules_agree=True)


class UnpinCommand(_PinCommand):
    """Let the rules decide again."""

    def __init__(
        self, bus: Bus, ids: list[int], before: dict[int, PinState] | None = None, seen: Mapping[int, int] | None = None
    ) -> None:
        super().__init__(bus, ids, f"Let the rules place {_plural(ids)}", before, seen)

    def do(self) -> None:  # noqa: D102
        self.call(self.bus.service.unpin, self.bus.resolve_all(self.ids), ids=self.ids)


class CloseCommand(ServiceCommand):
    """Mark items done or drop them; undo reopens them."""

    def __init__(self, bus: Bus, ids: list[int], *, drop: bool, seen: Mapping[int, int] | None = None) -> None:
        super().__init__(bus, f"{'Drop' if drop else 'Done:'} {_plural(ids)}", seen)
        self.ids = list(ids)
        self.drop = drop

    def do(self) -> None:  # noqa: D102
        operation = self.bus.service.drop if self.drop else self.bus.service.done
        self.call(operation, self.bus.resolve_all(self.ids), ids=self.ids)

    def undo_change(self) -> None:  # noqa: D102
        self.call(self.bus.service.reopen, self.bus.resolve_all(self.ids), ids=self.ids)
