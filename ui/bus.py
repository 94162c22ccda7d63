"""The one place the window runs core operations and announces what changed.

Like Anki's ``operation_did_execute``: every write goes through :meth:`Bus.run`,
which calls the service and emits :attr:`Bus.changed` with the core's
:class:`~prioritizer.domain.values.Changes`. Each view listens and refreshes only its part;
no widget reaches into another. Changes committed elsewhere (``watch.ChangeWatcher``)
arrive through :meth:`Bus.announce`, the same path.

No stale write: a write refused because the item changed elsewhere
(``StaleItemError``) makes the bus announce those items, so the views reload them
before the caller shows the one-line reason. The bus also keeps, per item, the run
of versions this window wrote itself with nothing from elsewhere in between
(:meth:`continuing`): an undo or redo may only act on an item still inside the run
its command belongs to, so it never puts back a copy older than a change made
elsewhere, even one the window has seen since.

A write that meets another program's write lock (a long import on the command line)
is not dropped and does not freeze the window: the window's connections wait only
a moment for the lock (``ui/app.py`` sets a short busy timeout), and :meth:`Bus.run`
then tries again every :data:`RETRY_MS` for up to :data:`WAIT_S` seconds, with the
event loop running (the window repaints; the status bar says "Waiting for another
program's write…"; the user's keys and clicks wait, Escape gives up). Still locked
after that: ``DatabaseBusyError``, which the error hook shows as one line
(``ui/crash.py``). Nothing was written by an attempt that met the lock (every write
unit begins with ``BEGIN IMMEDIATE``), so trying it again is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from prioritizer.ui.dialogs.storage_errors import BUSY_MESSAGE, WAITING_MESSAGE, is_busy
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from prioritizer.domain.drafts import Result
from prioritizer.domain.values import Changes, DatabaseBusyError, InputError, StaleItemError

if TYPE_CHECKING:  # services imports SQLAlchemy, which the start-up does not wait for
    from prioritizer.services.service import Service

T = TypeVar("T")

RETRY_MS = 200  # between two tries of a write that met the lock
WAIT_S = 10.0  # then the write is refused with one line (nothing was changed)


class Bus(QObject):
    """Runs service operations and re-emits what they changed.

    Attributes:
        service: the core service of the open database.

    Signals:
        changed(Changes): an operation changed data.
        failed(str): an operation was refused; the one-line reason.
        waiting(str): a write waits for another program's lock (the line to show); "" when it ended.
    """

    changed = Signal(object)
    failed = Signal(str)
    waiting = Signal(str)

    def __init__(self, service: Service, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._aliases: dict[int, int] = {}
        # item id -> (first, last) version of the run this window wrote with nothing from elsewhere between.
        self._runs: dict[int, tuple[int, int]] = {}
        self._waiting = False

    def run(
        self, operation: Callable[..., Result[T]], *args: Any, seen: Mapping[int, int] | None = None, **kwargs: Any
    ) -> Result[T]:
        """Call ``operation(*args, **kwargs)`` (a service method) and announce its changes.

        ``seen``: the versions (by current id) the operation was told to expect; with the
        versions it made they extend this window's runs. ``InputError`` propagates to the
        caller, which decides how to show it; for a ``StaleItemError`` the items that
        changed elsewhere are announced first, so the views show what is there now. A busy
        database is waited for (see the module docstring), then ``DatabaseBusyError``.
        """
        try:
            result = self.call(operation, *args, **kwargs)
        except StaleItemError as exc:
            self.announce(Changes(items=exc.ids, time=exc.timer, elsewhere=True))
            raise
        self._extend_runs(seen or {}, result.changes.versions)
        if not result.changes.empty:
            self.changed.emit(result.changes)
        return result

    def call(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``operation(*args, **kwargs)``, tried again while another program holds the write lock."""
        try:
            return operation(*args, **kwargs)
        except Exception as exc:
            if not is_busy(exc) or self._waiting:  # one wait at a time: a write started meanwhile is refused
                raise
        return self._wait_for_lock(lambda: operation(*args, **kwargs))

    def _wait_for_lock(self, attempt: Callable[[], T]) -> T:
        """Try ``attempt`` every RETRY_MS with the event loop running, for up to WAIT_S seconds."""
        deadline = time.monotonic() + WAIT_S
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(RETRY_MS)
        gate = _InputGate(loop)
        outcome: list[tuple[bool, Any]] = []

        def again() -> None:
            try:
                outcome.append((True, attempt()))
            except Exception as exc:  # noqa: BLE001 - handed to the caller below
                if is_busy(exc) and time.monotonic() < deadline and not gate.cancelled:
                    return  # still locked: the next tick tries again
                outcome.append((False, exc))
            loop.quit()

        timer.timeout.connect(again)
        app = QCoreApplication.instance()
        self._waiting = True
        self.waiting.emit(WAITING_MESSAGE)
        if app is not None:
            app.installEventFilter(gate)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            timer.start()
            loop.exec()
        finally:
            timer.stop()
            QApplication.restoreOverrideCursor()
            if app is not None:
                app.removeEventFilter(gate)
            self._waiting = False
            self.waiting.emit("")
        if not outcome:  # the loop ended without an answer (the application is quitting)
            raise DatabaseBusyError(BUSY_MESSAGE)
        done, value = outcome[0]
        if done:
            return value  # type: ignore[no-any-return]
        if is_busy(value):
            raise DatabaseBusyError(BUSY_MESSAGE) from value
        raise value

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


_USER_INPUT = frozenset((
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut,
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
    QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop, QEvent.Type.Close, QEvent.Type.ContextMenu,
))  # fmt: skip


class _InputGate(QObject):
    """While a write waits for the lock: the user's input waits too (no second change starts
    on top of the first); Escape gives up the wait. Painting and timers go on."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.cancelled = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802, D102
        if event.type() not in _USER_INPUT:
            return False
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.cancelled = True
        if event.type() == QEvent.Type.Close:
            event.ignore()
        return True
