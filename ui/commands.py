"""Undoable commands: every user change to items goes through one of these.

Each command calls the core through the :class:`~ui.bus.Bus` (so the views refresh
from what changed) and knows how to put things back:

- add: undo deletes the item; redo adds it again (under a new id, recorded as an alias);
- edit: undo edits back to the old draft;
- move / unpin: undo restores each item's exact previous pin with ``set_pin``;
- done / drop: undo reopens.

:func:`execute` runs a command once before pushing it, so a refused operation
(``InputError``) never lands on the undo stack.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PySide6.QtGui import QUndoCommand, QUndoStack

from prioritizer.domain import Changes, ItemView, Quadrant
from prioritizer.drafts import ItemDraft

from .bus import Bus

PinState = tuple[Quadrant | None, datetime | None]


def pin_states(views: Iterable[ItemView]) -> dict[int, PinState]:
    """Each item's exact pin (quadrant or None, and when), to restore on undo."""
    return {v.id: (v.quadrant if v.placement.pinned else None, v.pinned_at) for v in views}


def _plural(ids: list[int], what: str = "item") -> str:
    return f"{len(ids)} {what}s" if len(ids) != 1 else f"1 {what}"


class ServiceCommand(QUndoCommand):
    """Base: holds the bus; ``redo`` skips the first call when :func:`execute` already ran it."""

    def __init__(self, bus: Bus, text: str) -> None:
        super().__init__(text)
        self.bus = bus
        self._already_done = False

    def do(self) -> None:
        """Perform the change (raises InputError if the core refuses)."""
        raise NotImplementedError

    def undo_change(self) -> None:
        """Put things back."""
        raise NotImplementedError

    def redo(self) -> None:  # noqa: D102
        if self._already_done:
            self._already_done = False
            return
        self.do()

    def undo(self) -> None:  # noqa: D102
        self.undo_change()


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
        new_id = self.bus.run(self.bus.service.add, self.draft).value
        if self.first_id is None:
            self.first_id = new_id
        else:
            self.bus.alias(self.bus.resolve(self.first_id), new_id)

    def undo_change(self) -> None:  # noqa: D102
        if self.item_id is not None:
            self.bus.run(self.bus.service.delete, self.item_id)


class EditCommand(ServiceCommand):
    """Replace an item's fields."""

    def __init__(self, bus: Bus, item_id: int, draft: ItemDraft) -> None:
        super().__init__(bus, f"Edit “{draft.title[:40]}”")
        self.item_id = item_id
        self.new = draft
        self.old = bus.service.draft_of(bus.resolve(item_id))

    def do(self) -> None:  # noqa: D102
        self.bus.run(self.bus.service.edit, self.bus.resolve(self.item_id), self.new)

    def undo_change(self) -> None:  # noqa: D102
        self.bus.run(self.bus.service.edit, self.bus.resolve(self.item_id), self.old)


class _PinCommand(ServiceCommand):
    """Shared undo of move and unpin: restore each item's previous pin."""

    def __init__(self, bus: Bus, ids: list[int], text: str, before: dict[int, PinState] | None = None) -> None:
        super().__init__(bus, text)
        self.ids = list(ids)
        if before is None:
            before = pin_states(bus.service.list_items(ids=bus.resolve_all(self.ids), include_closed=True, refresh=False))
        self.before = before

    def undo_change(self) -> None:  # noqa: D102
        changes = Changes()
        for item_id in self.ids:
            current = self.bus.resolve(item_id)
            quadrant, pinned_at = self.before.get(item_id, (None, None))
            # One announcement for the whole batch keeps the views' work to one refresh.
            changes = changes | self.bus.service.set_pin(current, quadrant, pinned_at).changes
        self.bus.announce(changes)


class MoveCommand(_PinCommand):
    """Pin items to a quadrant (a drop or 1/2/3/4); a move where the rules agree clears the pin."""

    def __init__(self, bus: Bus, ids: list[int], quadrant: Quadrant, before: dict[int, PinState] | None = None) -> None:
        super().__init__(bus, ids, f"Move {_plural(ids)} to {quadrant.label}", before)
        self.quadrant = quadrant

    def do(self) -> None:  # noqa: D102
        self.bus.run(self.bus.service.move, self.bus.resolve_all(self.ids), self.quadrant, clear_if_rules_agree=True)


class UnpinCommand(_PinCommand):
    """Let the rules decide again."""

    def __init__(self, bus: Bus, ids: list[int], before: dict[int, PinState] | None = None) -> None:
        super().__init__(bus, ids, f"Let the rules place {_plural(ids)}", before)

    def do(self) -> None:  # noqa: D102
        self.bus.run(self.bus.service.unpin, self.bus.resolve_all(self.ids))


class CloseCommand(ServiceCommand):
    """Mark items done or drop them; undo reopens them."""

    def __init__(self, bus: Bus, ids: list[int], *, drop: bool) -> None:
        super().__init__(bus, f"{'Drop' if drop else 'Done:'} {_plural(ids)}")
        self.ids = list(ids)
        self.drop = drop

    def do(self) -> None:  # noqa: D102
        operation = self.bus.service.drop if self.drop else self.bus.service.done
        self.bus.run(operation, self.bus.resolve_all(self.ids))

    def undo_change(self) -> None:  # noqa: D102
        self.bus.run(self.bus.service.reopen, self.bus.resolve_all(self.ids))
