"""The main window: quick add and filter on top, the views in tabs, details on the side.

It wires the parts together and owns the undo stack; every change to items goes
through an undoable command (:mod:`ui.commands`) and every refresh comes from the
bus's ``changed`` signal. It also runs the live re-sort: a single-shot timer set to
the core's ``next_change()`` moment re-places items exactly when their placement
changes by itself, and says so in the status bar.

Changes made elsewhere (the command line beside the window): a timer polls the
core's ``watch.ChangeWatcher`` every :data:`WATCH_MS` while the window is shown
(one pragma when nothing changed) and announces what it found on the bus, so the
cards, the details, the balance and the running timer reload only what changed.
Every write passes what the window showed (versions, the running timer); a write
the core refuses because the item changed elsewhere reloads it and says so in one
status line ("Refund backlog was changed elsewhere; nothing was overwritten").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from prioritizer.ui import commands
from prioritizer.ui.actions import ACTIONS, CONTEXT_MENU, MENUS, TOOLBAR, ActionId, build_actions, key_sequences
from prioritizer.ui.bus import Bus
from prioritizer.ui.dialogs.forgotten_timer import ForgottenTimerWatcher
from prioritizer.ui.dialogs.item_dialog import ItemDialog
from prioritizer.ui.dialogs.storage_errors import is_busy
from prioritizer.ui.elided_label import ElidedLabel, Eliding
from prioritizer.ui.icons import icon
from prioritizer.ui.matrix.empty_state import EmptyState
from prioritizer.ui.matrix.item_store import ItemStore
from prioritizer.ui.matrix.matrix_view import MatrixView
from prioritizer.ui.panels.balance_status import BalanceStatus
from prioritizer.ui.panels.details import DetailsPanel
from prioritizer.ui.panels.filter_bar import FilterBar, ItemFilter
from prioritizer.ui.panels.incident import IncidentBanner, IncidentController, summary_text
from prioritizer.ui.panels.quick_add import QuickAddBar
from prioritizer.ui.settings import WindowSettings
from prioritizer.ui.tabs.views import build_view, registered_views
from prioritizer.ui.tooltips import plain_tooltip
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeySequence, QResizeEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from prioritizer import __version__
from prioritizer.domain.drafts import ItemDraft
from prioritizer.domain.values import Changes, IncidentSummary, InputError, ItemView, Kind, Quadrant, StaleItemError
from prioritizer.text.humanize import minutes_text

if TYPE_CHECKING:  # services imports SQLAlchemy, which the start-up does not wait for
    from prioritizer.ui.dialogs.recovery import DataSafety

    from prioritizer.services.service import Service
    from prioritizer.storage.watch import ChangeWatcher

NARROW_WIDTH = 1000  # below this window width the quick add and the filter stack, so quick add keeps room
MAX_TIMER_MS = 6 * 3600 * 1000  # re-check at least every 6 h (a laptop may sleep through a change)
WATCH_MS = 750  # changes made elsewhere show within this (and the time to reload them): well inside 2 s
RESORT_WHEN_BUSY_MS = 2000  # the live re-sort met another program's write: try again then
EXTRA_KEYS = (
    ("Arrows", "Move between cards; past the edge, to the next quadrant"),
    ("Shift+Arrows / Ctrl+click", "Select several cards"),
    ("Enter", "Edit the selected card"),
    ("Drag and drop", "Pin cards to a quadrant (drop where the rules agree: unpin)"),
    ("Escape", "Clear quick add or the filter; again: back to the cards"),
)


class ElidedBalanceStatus(Eliding, BalanceStatus):
    """Today's balance in the status bar, shortened with "…" when the window is narrow (whole in the tooltip)."""

    elide_minimum = 120

    def refresh(self) -> None:
        """Re-read today's balance; the tooltip carries the whole line."""
        super().refresh()
        self.setToolTip(f"{self.text()}\n{self.toolTip()}")


class MainWindow(QMainWindow):
    """The Prioritizer window on one service.

    Attributes:
        bus, store: the operation bus and the open items.
        matrix: the four quadrants. undo_stack: every undoable change.
        actions: the QActions built from the registry.
        resort_timer: the single-shot timer of the live re-sort.
        watch_timer: polls for changes made elsewhere while the window is shown.
    """

    def __init__(self, service: Service, settings: WindowSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Prioritizer")
        self.setWindowIcon(icon("app"))
        self.setAccessibleName("Prioritizer main window")
        self.service = service
        self.settings = settings
        self.bus = Bus(service, self)
        self.store = ItemStore(self.bus, self)
        self.store.reload()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self.incident = IncidentController(self.bus, self)
        self.last_summary: IncidentSummary | None = None
        self._views: dict[str, QWidget] = {}
        self._lazy: set[str] = set()  # views whose tab holds a placeholder until first shown
        self._pages: dict[str, QWidget] = {}
        self._timer_item: int | None = None  # the item the status bar shows the timer running on
        self._watcher: ChangeWatcher | None = None
        self.data_safety: DataSafety | None = None  # backups: set once the database is open (use_data_safety)
        self._build()
        self._connect()
        self._update_actions()
        self._update_empty_state()
        self._update_timer_label()
        self.schedule_resort(ask_core=True)
        self._start_watching()
        self.resize(1280, 800)
        if settings is not None:
            settings.restore(self, self.splitters())
            self.actions[ActionId.DETAILS].setChecked(settings.flag("window/details", True))
        self.toggle_details(self.actions[ActionId.DETAILS].isChecked())

    # ---------------------------------------------------------------- layout
    def _build(self) -> None:
        self.matrix = MatrixView(self.store)
        self.quick_add = QuickAddBar(self.service.now, self.service.tz, self.service.policy())
        self.filter_bar = FilterBar()
        self.details_host = QWidget()
        self.actions = build_actions(self, [self.matrix, self.details_host], HANDLERS)
        for backup_action in (ActionId.BACK_UP, ActionId.SHOW_BACKUPS):
            self.actions[backup_action].setEnabled(False)
        panel_actions = (ActionId.EDIT, ActionId.TIMER, ActionId.DONE, ActionId.DROP, ActionId.UNPIN)
        self.details = DetailsPanel(self.bus, [self.actions[a] for a in panel_actions])
        host_layout = QVBoxLayout(self.details_host)
        host_layout.setContentsMargins(0, 0, 0, 0)
        host_layout.addWidget(self.details)
        self.actions[ActionId.DETAILS].setChecked(True)

        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 8, 10, 4)
        outer.setSpacing(8)
        self.banner = IncidentBanner(self.incident, self.actions[ActionId.INCIDENT], central)
        outer.addWidget(self.banner)
        top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        top.setSpacing(12)
        self.top_row = top  # quick add beside the filter; stacked in a narrow window (see resizeEvent)
        top.addWidget(self.quick_add, 3, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.filter_bar, 2, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)
        self.empty_state = EmptyState(central)
        outer.addWidget(self.empty_state)
        self.tabs = QTabWidget(central)
        self.tabs.setDocumentMode(True)
        self.tabs.setTabBarAutoHide(True)
        self.tabs.setAccessibleName("Views")
        self.add_view("matrix", "Matrix", self.matrix)
        for spec in registered_views():
            if spec.name not in self._views:
                if spec.factory is None:  # built when first shown (start-up does not pay for it)
                    self._lazy.add(spec.name)
                    self.add_view(spec.name, spec.title, QWidget())
                else:
                    self.add_view(spec.name, spec.title, build_view(spec.name, self))
        self.tabs.currentChanged.connect(self._build_current_view)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.details_host)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 320])
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        menubar = self.menuBar()
        for title, entries in MENUS:
            menu = menubar.addMenu(title)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions[entry])
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for entry in TOOLBAR:
            if entry is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions[entry])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

        status = self.statusBar()
        # The status bar's labels elide instead of raising the window's minimum width.
        self.timer_label = ElidedLabel()
        self.timer_label.setAccessibleName("Running timer")
        # The running timer is marked with the app's timer icon, not a "⏱" character: common
        # fonts (DejaVu, the Debian default) have no glyph for it and would show a box.
        self.timer_icon = QLabel()
        self.timer_icon.setAccessibleName("Timer running")
        self.timer_icon.setPixmap(icon("timer", "#2e7d32").pixmap(14, 14))
        self.timer_icon.hide()
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Open items")
        status.addPermanentWidget(self.timer_icon)
        status.addPermanentWidget(self.timer_label)
        # Time tracking: today's balance at a glance (click: the Balance tab), and the
        # forgotten-timer question asked at the next interaction.
        self.balance_label = ElidedBalanceStatus(self.bus)
        self.balance_label.clicked.connect(lambda: self.show_view("balance"))
        status.addPermanentWidget(self.balance_label)
        self.forgotten_timer = ForgottenTimerWatcher(self.bus, self)
        status.addPermanentWidget(self.count_label)

        self.resort_timer = QTimer(self)
        self.resort_timer.setSingleShot(True)
        self._pending = Changes()
        self._after_change = QTimer(self)
        self._after_change.setSingleShot(True)
        self._after_change.setInterval(0)
        self.minute_timer = QTimer(self)
        self.minute_timer.setInterval(60_000)
        self.minute_timer.start()
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(WATCH_MS)

    def _connect(self) -> None:
        for model in self.matrix.models.values():
            model.items_dropped.connect(self.move_items)
        for view in self.matrix.views.values():
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(lambda pos, v=view: self._context_menu(v, pos))
        self.matrix.selection_changed.connect(self._selection_changed)
        self.matrix.edit_requested.connect(self.edit_selected)
        self.quick_add.submitted.connect(self.add_item)
        self.quick_add.escaped.connect(self.matrix.focus_active)
        self.filter_bar.filter_changed.connect(self._filter_changed)
        self.empty_state.example_chosen.connect(self._try_example)
        self.bus.changed.connect(self._changed)
        self.bus.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.bus.waiting.connect(lambda line: self.statusBar().showMessage(line) if line else self.statusBar().clearMessage())
        self.store.placements_moved.connect(self._announce_moves)
        self.store.reloaded.connect(self._update_empty_state)
        self.undo_stack.canUndoChanged.connect(self._update_actions)
        self.undo_stack.canRedoChanged.connect(self._update_actions)
        self.undo_stack.indexChanged.connect(self._update_actions)
        self.resort_timer.timeout.connect(self.resort_now)
        self._after_change.timeout.connect(self._refresh_after_change)
        self.minute_timer.timeout.connect(self._minute_passed)
        self.watch_timer.timeout.connect(self.poll_elsewhere)

    # ------------------------------------------------------------------ views
    def add_view(self, name: str, title: str, widget: QWidget) -> None:
        """Add a view as a tab; ``screenshot --view NAME`` and :meth:`show_view` find it by name.

        Views other than the matrix sit in a scroll area, so a wide view never makes the
        whole window wider than a small laptop screen.
        """
        widget.setObjectName(f"view_{name}")
        if not widget.accessibleName():
            widget.setAccessibleName(f"{title} view")
        self._views[name] = widget
        page: QWidget = widget
        if widget is not self.matrix:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(widget)
            page = scroll
        self._pages[name] = page
        self.tabs.addTab(page, title)

    def view(self, name: str) -> QWidget:
        """The widget of a view (KeyError for an unknown name); a lazy view is built now."""
        if name in self._lazy:
            self._build_view(name)
        return self._views[name]

    def _build_current_view(self, index: int) -> None:
        for name, page in self._pages.items():
            if page is self.tabs.widget(index) and name in self._lazy:
                self._build_view(name)

    def _build_view(self, name: str) -> None:
        """Replace a lazy view's placeholder with the real view."""
        self._lazy.discard(name)
        widget = build_view(name, self)
        widget.setObjectName(f"view_{name}")
        if not widget.accessibleName():
            widget.setAccessibleName(f"{self.tabs.tabText(self.tabs.indexOf(self._pages[name]))} view")
        self._views[name] = widget
        page = self._pages[name]
        assert isinstance(page, QScrollArea)
        page.setWidget(widget)  # deletes the placeholder

    def view_names(self) -> list[str]:
        """The names of the views, in tab order."""
        return list(self._views)

    def show_view(self, name: str) -> None:
        """Bring a view to the front; InputError for an unknown name."""
        if name not in self._views:
            raise InputError(f"unknown view {name!r}: choose one of {', '.join(self._views)}")
        self.tabs.setCurrentWidget(self._pages[name])

    def splitters(self) -> dict[str, QSplitter]:
        """The splitters whose positions are remembered."""
        return {"main": self.splitter}

    # ------------------------------------------------------------- refreshing
    def _changed(self, changes: Changes) -> None:
        # The cards are already updated (the store and models listen first). What follows can wait
        # for the next turn of the event loop, after the cards have been repainted.
        self._pending = self._pending | changes
        self._after_change.start()

    def _refresh_after_change(self) -> None:
        changes, self._pending = self._pending, Changes()
        if changes.policy:
            self.quick_add.policy = self.service.policy()
            self.quick_add.update_preview()
        if changes.time or changes.items:
            self._update_timer_label()
        self._update_empty_state()
        self._update_actions()
        self.schedule_resort()

    def _selection_changed(self) -> None:
        if self.details_host.isVisible():
            self.details.show_item(self.matrix.current_item())
        self._update_actions()

    def _filter_changed(self, item_filter: ItemFilter) -> None:
        self.matrix.set_filter(item_filter)
        self._update_empty_state()

    def _update_actions(self) -> None:
        has_cards = bool(self.matrix.selected_ids())
        for action_id, spec in ACTIONS.items():
            if spec.on_cards:
                self.actions[action_id].setEnabled(has_cards)
        undo, redo = self.actions[ActionId.UNDO], self.actions[ActionId.REDO]
        undo.setEnabled(self.undo_stack.canUndo())
        redo.setEnabled(self.undo_stack.canRedo())
        # The Edit menu and the tooltips name what would be undone; the toolbar buttons keep their
        # short text, so the toolbar never changes width as the undo text changes.
        for action, verb, can, what in (
            (undo, "Undo", self.undo_stack.canUndo(), self.undo_stack.undoText()),
            (redo, "Redo", self.undo_stack.canRedo(), self.undo_stack.redoText()),
        ):
            full = f"{verb} {what}" if can and what else verb
            action.setText("&" + full.replace("&", "&&"))  # a title's "&" is not a mnemonic
            action.setIconText(verb)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(plain_tooltip(f"{full} ({keys})" if keys else full))  # the undo text holds a title
        current = self.matrix.current_item()
        timer = self.actions[ActionId.TIMER]
        timer.setText("Stop &timer" if current is not None and current.timer_running else "Start &timer")
        timer.setIcon(icon("timer-stop" if current is not None and current.timer_running else "timer"))

    def _update_empty_state(self) -> None:
        self.empty_state.setVisible(len(self.store) == 0 and not self.filter_bar.current().active)
        count = len(self.store)
        self.count_label.setText(f"{count} open item{'s' if count != 1 else ''}")

    def _update_timer_label(self) -> None:
        running = self.service.running()
        self._timer_item = running.item_id if running is not None else None  # what Space acts on
        self.timer_icon.setVisible(running is not None)
        if running is None:
            self.timer_label.setText("No timer running")
            return
        view = self.store.get(running.item_id)
        title = view.title if view is not None else f"item {running.item_id}"
        if len(title) > 40:
            title = title[:39] + "…"
        spent = minutes_text((self.service.now() - running.start).total_seconds() / 60)
        self.timer_label.setText(f"{title} — {spent}")

    def _minute_passed(self) -> None:
        self.matrix.repaint_cards()
        self._update_timer_label()

    # ------------------------------------------------------- changed elsewhere
    def _start_watching(self) -> None:
        from prioritizer.storage.watch import watcher_for

        if self._watcher is None:
            self._watcher = watcher_for(self.service.engine)  # None for a server database (LISTEN/NOTIFY later)
        if self._watcher is not None and self.isVisible():
            self.watch_timer.start()

    def poll_elsewhere(self) -> Changes | None:
        """Announce what was committed elsewhere since the last poll (the watch timer; tests)."""
        if self._watcher is None:
            return None
        try:
            changes = self._watcher.poll()
        except sqlite3.OperationalError:
            return None  # busy or locked for a moment: the next tick looks again
        except Exception:
            self.watch_timer.stop()  # damage (or a bug) is reported once, where errors go, not at every tick
            raise
        if changes is not None:
            self.bus.announce(changes)
        return changes

    # ------------------------------------------------------------ live re-sort
    def flush(self) -> None:
        """Run the refreshes deferred after a change now (tests, screenshots)."""
        if self._after_change.isActive():
            self._after_change.stop()
            self._refresh_after_change()
        self.details.flush()

    def schedule_resort(self, *, ask_core: bool = False) -> None:
        """Arm the single-shot timer for the next moment a placement changes by itself.

        The moment is the core's ``next_change()`` at start and after each re-sort; after the
        user's own changes it is read from the loaded items (the same placements, no query).
        """
        upcoming = self.service.next_change() if ask_core else self.store.next_change()
        if upcoming is None:
            self.resort_timer.stop()
            return
        delay = (upcoming - self.service.now()) / timedelta(milliseconds=1)
        self.resort_timer.start(int(min(max(delay, 0) + 50, MAX_TIMER_MS)))

    def resort_now(self) -> None:
        """The timer fired: let the core re-place what fell due, move those cards, say so."""
        try:
            moved_ids = self.service.refresh().value
        except Exception as exc:
            if not is_busy(exc):
                raise
            self.resort_timer.start(RESORT_WHEN_BUSY_MS)  # another program is writing: no user waits on this
            return
        self.store.sweep_due(moved_ids)
        self.schedule_resort(ask_core=True)

    def _announce_moves(self, moved: list[tuple[ItemView, ItemView]]) -> None:
        messages = []
        for before, after in moved:
            if after.placement.urgent and not before.placement.urgent:
                messages.append(f"{after.title} is now urgent")
            else:
                messages.append(f"{after.title} moved to {after.quadrant.label}")
        text = messages[0] if len(messages) == 1 else f"{len(messages)} items moved: " + "; ".join(messages[:3])
        self.statusBar().showMessage(text, 15_000)
        self.matrix.repaint_cards()

    # --------------------------------------------------------------- commands
    def execute(self, command: commands.ServiceCommand) -> bool:
        """Run an undoable command; a refusal is shown in the status bar.

        Changed elsewhere since the window read it: the bus has reloaded the items, and the
        status line says that nothing was overwritten.
        """
        try:
            commands.execute(self.undo_stack, command)
        except InputError as exc:
            self.bus.failed.emit(str(exc))
            return False
        return True

    def _seen(self, ids: list[int]) -> dict[int, int]:
        """The versions of the items as the window shows them (what a new command expects)."""
        return {i: view.version for i in ids if (view := self.store.get(i)) is not None}

    def add_item(self, draft: ItemDraft) -> None:
        """Add an item from quick add."""
        command = commands.AddCommand(self.bus, draft)
        try:
            commands.execute(self.undo_stack, command)
        except InputError as exc:
            self.quick_add.show_error(str(exc))
            return
        self.quick_add.saved()
        view = self.store.get(command.item_id or -1)
        if view is not None:
            self.statusBar().showMessage(f"Added “{view.title}” to {view.quadrant.label}", 6000)

    def _pin_states(self, ids: list[int]) -> dict[int, commands.PinState] | None:
        """Pin states from the store (no query); None when an item is not loaded."""
        views = [self.store.get(i) for i in ids]
        if any(v is None for v in views):
            return None
        return commands.pin_states(v for v in views if v is not None)

    def move_items(self, ids: list[int], quadrant: Quadrant) -> None:
        """Pin items to a quadrant (drop, 1–4)."""
        if ids:
            self.execute(commands.MoveCommand(self.bus, list(ids), quadrant, self._pin_states(ids), self._seen(ids)))

    def _move_selected(self, quadrant: Quadrant) -> None:
        self.move_items(self.matrix.selected_ids(), quadrant)

    # --------------------------------------------------------------- handlers
    def focus_quick_add(self) -> None:
        """Focus the quick-add line."""
        self.quick_add.focus()

    def focus_filter(self) -> None:
        """Focus the filter."""
        self.filter_bar.focus()

    def new_item_dialog(self) -> None:
        """Add an item through the full dialog."""
        kind = Kind.ESCALATION if self.incident.active else Kind.TASK
        dialog = ItemDialog(ItemDraft(title="", kind=kind), self.service.now(), self.service.tz, self, title="New item")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_item(dialog.draft())

    def edit_selected(self) -> None:
        """Edit the selected item in the dialog."""
        ids = self.matrix.selected_ids()
        if not ids:
            return
        item_id = ids[0]
        try:
            draft, version = self.service.editable(item_id)  # OK is refused if the item changes meanwhile
        except InputError as exc:
            self.bus.failed.emit(str(exc))
            return
        dialog = ItemDialog(draft, self.service.now(), self.service.tz, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            new = dialog.draft()
            if new != draft:
                self.execute(commands.EditCommand(self.bus, item_id, new, draft, version))
        self.matrix.focus_active()

    def move_to_do(self) -> None:
        """Pin the selection to Do now."""
        self._move_selected(Quadrant.DO)

    def move_to_schedule(self) -> None:
        """Pin the selection to Schedule."""
        self._move_selected(Quadrant.SCHEDULE)

    def move_to_delegate(self) -> None:
        """Pin the selection to Delegate."""
        self._move_selected(Quadrant.DELEGATE)

    def move_to_eliminate(self) -> None:
        """Pin the selection to Eliminate."""
        self._move_selected(Quadrant.ELIMINATE)

    def unpin_selected(self) -> None:
        """Let the rules place the selection."""
        ids = self.matrix.selected_ids()
        if ids:
            self.execute(commands.UnpinCommand(self.bus, ids, self._pin_states(ids), self._seen(ids)))

    def done_selected(self) -> None:
        """Mark the selection done."""
        ids = self.matrix.selected_ids()
        if ids and self.execute(commands.CloseCommand(self.bus, ids, drop=False, seen=self._seen(ids))):
            self.statusBar().showMessage(f"Done: {len(ids)} item{'s' if len(ids) != 1 else ''} (Ctrl+Z to undo)", 6000)

    def drop_selected(self) -> None:
        """Drop the selection."""
        ids = self.matrix.selected_ids()
        if ids and self.execute(commands.CloseCommand(self.bus, ids, drop=True, seen=self._seen(ids))):
            self.statusBar().showMessage(f"Dropped {len(ids)} item{'s' if len(ids) != 1 else ''} (Ctrl+Z to undo)", 6000)

    def toggle_timer(self) -> None:
        """Start the timer on the selected item, or stop it if it runs there.

        The core is told where the window shows the timer running: if it runs elsewhere now
        (started or stopped by the command line), nothing is stopped or started; the window
        shows the running timer as it is and says so, and Space acts on that the next time.
        """
        current = self.matrix.current_item()
        if current is None:
            return
        seen = self._timer_item
        try:
            if seen == current.id:
                self.bus.run(self.service.stop_timer, running=seen)
                self.statusBar().showMessage(f"Timer stopped on “{current.title}”", 5000)
            else:
                self.bus.run(self.service.start_timer, current.id, running=seen)
                self.statusBar().showMessage(f"Timer started on “{current.title}”", 5000)
        except StaleItemError as exc:
            self._update_timer_label()  # the truth at once (the cards reload through the bus)
            message = str(exc)
            self.bus.failed.emit(message[:1].upper() + message[1:])
        except InputError as exc:
            self.bus.failed.emit(str(exc))
        self._update_actions()

    def undo(self) -> None:
        """Undo the last change."""
        try:
            self.undo_stack.undo()
        except InputError as exc:
            self.bus.failed.emit(f"cannot undo: {exc}")

    def redo(self) -> None:
        """Redo the last undone change."""
        try:
            self.undo_stack.redo()
        except InputError as exc:
            self.bus.failed.emit(f"cannot redo: {exc}")

    def toggle_incident(self, on: bool) -> None:
        """Start or end incident mode."""
        action = self.actions[ActionId.INCIDENT]
        if action.isChecked() != on:
            action.setChecked(on)
        if on:
            self.incident.start()
            self.matrix.set_incident(True)
            self.quick_add.set_default_kind(Kind.ESCALATION)
            self.statusBar().showMessage("Incident started: quick add captures escalations", 6000)
            return
        summary = self.incident.stop()
        self.matrix.set_incident(False)
        self.quick_add.set_default_kind(Kind.TASK)
        if summary is not None:
            self.last_summary = summary
            box = QMessageBox(QMessageBox.Icon.Information, "Incident summary", "Incident ended", QMessageBox.StandardButton.Ok, self)
            box.setObjectName("incidentSummary")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setInformativeText(summary_text(summary, self.incident.titles) + "\n\nKept for the weekly review.")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.summary_box = box

    def toggle_details(self, on: bool) -> None:
        """Show or hide the details panel."""
        self.details_host.setVisible(on)
        if on:
            self.details.show_item(self.matrix.current_item())

    def show_shortcuts(self) -> None:
        """The shortcuts sheet, built from the action registry."""
        dialog = QDialog(self)
        dialog.setObjectName("shortcutsSheet")
        dialog.setWindowTitle("Keyboard shortcuts")
        dialog.setAccessibleName("Keyboard shortcuts")
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        row = 0
        rows: list[tuple[str, str]] = []
        for spec in ACTIONS.values():
            keys = key_sequences(spec)
            if keys:
                text = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys if k.toString())
                rows.append((text, spec.text.replace("&", "").rstrip("…")))
        rows.extend(EXTRA_KEYS)
        for keys_text, what in rows:
            key_label = QLabel(keys_text)
            key_label.setTextFormat(Qt.TextFormat.PlainText)
            font = key_label.font()
            font.setBold(True)
            key_label.setFont(font)
            what_label = QLabel(what)
            what_label.setTextFormat(Qt.TextFormat.PlainText)
            grid.addWidget(key_label, row, 0, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(what_label, row, 1)
            row += 1
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        dialog.resize(560, 560)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.shortcuts_sheet = dialog

    def use_data_safety(self, safety: DataSafety) -> None:
        """Back up now and Show backups act through ``safety`` from now on (the database is open)."""
        self.data_safety = safety
        for backup_action in (ActionId.BACK_UP, ActionId.SHOW_BACKUPS):
            self.actions[backup_action].setEnabled(True)

    def back_up_now(self) -> None:
        """Make a verified backup now (File menu)."""
        if self.data_safety is not None:
            self.data_safety.back_up_now()

    def show_backups(self) -> None:
        """Open the backups folder (File menu)."""
        if self.data_safety is not None:
            self.data_safety.show_backups()

    def show_about(self) -> None:
        """The About box."""
        from prioritizer.safety import logs

        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle("About Prioritizer")
        box.setIconPixmap(icon("app").pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Prioritizer {__version__}")
        box.setInformativeText(
            "An Eisenhower matrix for customer-service managers: automatic triage of tasks, meetings and "
            "escalations, time tracking and a weekly review.\n\nMIT licence. Data: " + str(self.service.engine.url)
            + f"\nLog folder (details of any error): {logs.log_dir()}"
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _try_example(self, line: str) -> None:
        self.quick_add.line.setText(line)
        self.quick_add.focus()
        self.quick_add.line.deselect()

    def _context_menu(self, view: QWidget, pos: QPoint) -> None:
        menu = QMenu(self)
        for entry in CONTEXT_MENU:
            if entry is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions[entry])
        menu.popup(view.mapToGlobal(pos))

    # ------------------------------------------------------------ Qt overrides
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: D102, N802
        super().resizeEvent(event)
        stacked = event.size().width() < NARROW_WIDTH
        direction = QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
        if self.top_row.direction() != direction:
            self.top_row.setDirection(direction)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: D102, N802
        self.forgotten_timer.listen(True)  # again, after a close
        if self._watcher is not None:
            self.watch_timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: D102, N802
        # Polling only while shown: a closed window never touches the database behind a restore. A
        # minimized window gets a (spontaneous) hide too; shown again, its first poll catches up.
        self.watch_timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: D102, N802
        self.watch_timer.stop()
        if self._watcher is not None:
            self._watcher.close()
        self.forgotten_timer.listen(False)  # its filter is on the whole app
        if self.incident.active:
            self.toggle_incident(False)
        if self.settings is not None:
            self.settings.set_value("window/details", self.actions[ActionId.DETAILS].isChecked())
            self.settings.save(self, self.splitters())
        super().closeEvent(event)


# What each action of the registry (ui/actions.py) calls: a MainWindow method, given the
# window (and ``checked`` for a toggle). ui/crash.py names the action of a failed handler from here.
HANDLERS: dict[ActionId, Callable[..., object]] = {
    ActionId.QUICK_ADD: MainWindow.focus_quick_add,
    ActionId.FILTER: MainWindow.focus_filter,
    ActionId.NEW_ITEM: MainWindow.new_item_dialog,
    ActionId.EDIT: MainWindow.edit_selected,
    ActionId.TO_DO: MainWindow.move_to_do,
    ActionId.TO_SCHEDULE: MainWindow.move_to_schedule,
    ActionId.TO_DELEGATE: MainWindow.move_to_delegate,
    ActionId.TO_ELIMINATE: MainWindow.move_to_eliminate,
    ActionId.UNPIN: MainWindow.unpin_selected,
    ActionId.TIMER: MainWindow.toggle_timer,
    ActionId.DONE: MainWindow.done_selected,
    ActionId.DROP: MainWindow.drop_selected,
    ActionId.UNDO: MainWindow.undo,
    ActionId.REDO: MainWindow.redo,
    ActionId.INCIDENT: MainWindow.toggle_incident,
    ActionId.DETAILS: MainWindow.toggle_details,
    ActionId.SHORTCUTS: MainWindow.show_shortcuts,
    ActionId.ABOUT: MainWindow.show_about,
    ActionId.BACK_UP: MainWindow.back_up_now,
    ActionId.SHOW_BACKUPS: MainWindow.show_backups,
    ActionId.QUIT: MainWindow.close,
}
