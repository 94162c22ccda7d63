"""Every window action, defined once: text, icon, shortcut (Picard-style registry).

:data:`ACTIONS` maps an :class:`ActionId` to its :class:`ActionSpec`. The main
window builds one ``QAction`` per entry with :func:`build_actions`, connected to the
callable its ``HANDLERS`` table (ui/main_window.py) gives for the entry, and the menus,
the toolbar, the card context menu and the shortcuts sheet are all read from
:data:`MENUS`, :data:`TOOLBAR` and :data:`CONTEXT_MENU`, so an action has exactly
one text and one shortcut.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from prioritizer.ui.icons import icon
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

Key = QKeySequence.StandardKey


class ActionId(enum.Enum):
    """The actions of the main window."""

    QUICK_ADD = "quick_add"
    FILTER = "filter"
    NEW_ITEM = "new_item"
    EDIT = "edit"
    TO_DO = "to_do"
    TO_SCHEDULE = "to_schedule"
    TO_DELEGATE = "to_delegate"
    TO_ELIMINATE = "to_eliminate"
    UNPIN = "unpin"
    TIMER = "timer"
    DONE = "done"
    DROP = "drop"
    UNDO = "undo"
    REDO = "redo"
    INCIDENT = "incident"
    DETAILS = "details"
    SHORTCUTS = "shortcuts"
    ABOUT = "about"
    BACK_UP = "back_up"
    SHOW_BACKUPS = "show_backups"
    QUIT = "quit"


@dataclass(frozen=True)
class ActionSpec:
    """One action.

    Attributes:
        text: menu text (with & mnemonic).
        icon: icon name in resources/icons, or "".
        shortcuts: key sequences (strings or standard keys), the first one is shown.
        tip: status/tool tip.
        checkable: a toggle.
        on_cards: only makes sense with selected cards (disabled otherwise); its shortcuts work
            only while the matrix has the focus, so typing in a text field never triggers it.
    """

    text: str
    icon: str = ""
    shortcuts: tuple[str | Key, ...] = ()
    tip: str = ""
    checkable: bool = False
    on_cards: bool = False


ACTIONS: dict[ActionId, ActionSpec] = {
    ActionId.QUICK_ADD: ActionSpec("&Quick add", "add", ("Ctrl+L", Key.New), "Type a new item in one line"),
    ActionId.FILTER: ActionSpec("&Filter…", "filter", (Key.Find,), "Filter the cards by words, kind, deadline"),
    ActionId.NEW_ITEM: ActionSpec("New item with &details…", "edit", ("Ctrl+Shift+N",), "Add an item filling every field"),
    ActionId.EDIT: ActionSpec("&Edit…", "edit", ("F2",), "Edit the selected item (or press Enter)", on_cards=True),
    ActionId.TO_DO: ActionSpec("Move to &Do now", "q-do", ("1",), "Pin the selection to Do now", on_cards=True),
    ActionId.TO_SCHEDULE: ActionSpec("Move to &Schedule", "q-schedule", ("2",), "Pin the selection to Schedule", on_cards=True),
    ActionId.TO_DELEGATE: ActionSpec("Move to De&legate", "q-delegate", ("3",), "Pin the selection to Delegate", on_cards=True),
    ActionId.TO_ELIMINATE: ActionSpec("Move to &Eliminate", "q-eliminate", ("4",), "Pin the selection to Eliminate", on_cards=True),
    ActionId.UNPIN: ActionSpec("Let the &rules decide", "unpin", ("0",), "Clear the pin: the rules place the item", on_cards=True),
    ActionId.TIMER: ActionSpec("Start/stop &timer", "timer", ("Space",), "Track time on the selected item", on_cards=True),
    ActionId.DONE: ActionSpec("Mark d&one", "done", ("Ctrl+D",), "Mark the selection done", on_cards=True),
    ActionId.DROP: ActionSpec("D&rop", "drop", ("Del",), "Drop the selection (kept for the record)", on_cards=True),
    ActionId.UNDO: ActionSpec("&Undo", "undo", (Key.Undo,), "Undo the last change"),
    ActionId.REDO: ActionSpec("&Redo", "redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo what was undone"),
    ActionId.INCIDENT: ActionSpec(
        "&Incident mode", "incident", ("Ctrl+I",), "Start or end an incident: clock, banner, escalations first", checkable=True
    ),
    ActionId.DETAILS: ActionSpec("Show &details", "details", ("Ctrl+Shift+D",), "Show or hide the details panel", checkable=True),
    ActionId.SHORTCUTS: ActionSpec("&Keyboard shortcuts", "keyboard", ("F1", "Ctrl+/"), "Every shortcut on one sheet"),
    ActionId.ABOUT: ActionSpec("&About Prioritizer", "info", (), "Version and licence"),
    # Enabled once the database is open (ui/app.py hands the window its DataSafety).
    ActionId.BACK_UP: ActionSpec("Back up &now", "", (), "Make a verified backup of the database now"),
    ActionId.SHOW_BACKUPS: ActionSpec("Show &backups…", "", (), "Open the folder that holds the backups"),
    ActionId.QUIT: ActionSpec("&Quit", "quit", (Key.Quit, "Ctrl+Q"), "Close the window"),
}

MENUS: tuple[tuple[str, tuple[ActionId | None, ...]], ...] = (
    ("&File", (ActionId.QUICK_ADD, ActionId.NEW_ITEM, None, ActionId.BACK_UP, ActionId.SHOW_BACKUPS, None, ActionId.QUIT)),
    ("&Edit", (ActionId.UNDO, ActionId.REDO, None, ActionId.EDIT, ActionId.FILTER)),
    (
        "&Item",
        (
            ActionId.TO_DO, ActionId.TO_SCHEDULE, ActionId.TO_DELEGATE, ActionId.TO_ELIMINATE, ActionId.UNPIN, None,
            ActionId.TIMER, ActionId.DONE, ActionId.DROP,
        ),
    ),
    ("&View", (ActionId.INCIDENT, ActionId.DETAILS)),
    ("&Help", (ActionId.SHORTCUTS, None, ActionId.ABOUT)),
)
TOOLBAR: tuple[ActionId | None, ...] = (ActionId.UNDO, ActionId.REDO, None, ActionId.INCIDENT, None, ActionId.DETAILS, ActionId.SHORTCUTS)
CONTEXT_MENU: tuple[ActionId | None, ...] = (
    ActionId.EDIT, ActionId.TIMER, None,
    ActionId.TO_DO, ActionId.TO_SCHEDULE, ActionId.TO_DELEGATE, ActionId.TO_ELIMINATE, ActionId.UNPIN, None,
    ActionId.DONE, ActionId.DROP,
)


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The shortcuts of an action as key sequences (standard keys expanded, duplicates removed)."""
    found: list[QKeySequence] = []
    for shortcut in spec.shortcuts:
        sequences = QKeySequence.keyBindings(shortcut) if isinstance(shortcut, Key) else [QKeySequence(shortcut)]
        for sequence in sequences:
            if not sequence.isEmpty() and sequence not in found:
                found.append(sequence)
    return found


def build_actions(
    owner: QObject, card_scope: object, handlers: Mapping[ActionId, Callable[..., object]]
) -> dict[ActionId, QAction]:
    """One QAction per registry entry, calling ``handlers[action_id](owner)`` (with ``checked`` for a toggle).

    Every entry must have a handler. Card actions get ``WidgetWithChildrenShortcut`` and are
    added to ``card_scope`` (the matrix and the details panel), so 1/2/3/4, Space and Delete
    only act there.
    """
    actions: dict[ActionId, QAction] = {}
    for action_id, spec in ACTIONS.items():
        action = QAction(spec.text, owner)
        action.setObjectName(f"action_{action_id.value}")
        if spec.icon:
            action.setIcon(icon(spec.icon))
        action.setShortcuts(key_sequences(spec))
        tip = spec.tip
        if action.shortcuts():
            tip = f"{spec.tip} ({action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        if spec.on_cards:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in card_scope if isinstance(card_scope, (list, tuple)) else [card_scope]:
                widget.addAction(action)
        handler = handlers[action_id]
        if spec.checkable:
            action.triggered.connect(lambda checked=False, h=handler: h(owner, checked))
        else:
            action.triggered.connect(lambda checked=False, h=handler: h(owner))
        actions[action_id] = action
    return actions
