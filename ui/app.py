"""Starting the window: the application object, the service, errors as dialogs, never tracebacks.

The road to the first paint is kept short (ARCHITECTURE.md, "What keeps the start
fast"): the database is opened with the cheap header check only, and what can
wait (the page check of the file, the automatic backup) starts in a worker thread
once the matrix has painted its cards (:class:`FirstPaint`). When that check finds
the file damaged, the window closes and the recovery dialog of a damaged start
comes up, then the window opens again on the restored data.

``PRIORITIZER_QUIT_AFTER_FIRST_PAINT=1`` quits (exit 0) as soon as every non-empty
quadrant has painted its cards: the start-up benchmark (bench/suite.py) times
the whole ``prioritizer --db FILE --now ISO`` process to that moment.
"""

from __future__ import annotations

import linecache
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from prioritizer.ui import startup
from prioritizer.ui.icons import icon
from prioritizer.ui.theme import apply_theme, follow_system
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from prioritizer.domain.values import InputError

if TYPE_CHECKING:
    from prioritizer.ui.dialogs.recovery import DataSafety
    from prioritizer.ui.main_window import MainWindow
    from prioritizer.ui.single_instance import SingleInstance

    from prioritizer.safety.damage import DatabaseDamagedError
    from prioritizer.services.service import Service

QUIT_AFTER_FIRST_PAINT = "PRIORITIZER_QUIT_AFTER_FIRST_PAINT"
LATEST_AFTER_SHOW_MS = 5000  # what waits for the first paint runs by then anyway (a window started minimized)
WINDOW_BUSY_TIMEOUT_MS = 100  # how long one write of the window waits for another program's lock
_REOPEN = 75  # app.exit code: the check after the first paint found damage; recover and open again


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named and themed."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Prioritizer")
    app.setOrganizationName("prioritizer")
    app.setApplicationDisplayName("Prioritizer")
    app.setDesktopFileName("prioritizer")
    app.setWindowIcon(icon("app"))
    apply_theme(app, "system")
    follow_system(app)
    return app


class FirstPaint(QObject):
    """Emits ``painted`` once the matrix has painted its cards for the first time.

    Watches the viewport of every quadrant that has cards (the whole window when
    there are none, or when the matrix is not the tab shown); ``painted`` comes
    from the event loop right after the last of those paints has finished.
    """

    painted = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        matrix = getattr(window, "matrix", None)
        targets: list[QWidget] = []
        if matrix is not None and matrix.isVisibleTo(window):
            targets = [matrix.views[q].viewport() for q, model in matrix.models.items() if model.rowCount() > 0]
        self._waiting = targets or [window]
        for target in self._waiting:
            target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802, D102
        if event.type() == QEvent.Type.Paint and watched in self._waiting:
            self._waiting.remove(watched)
            watched.removeEventFilter(self)
            if not self._waiting:
                QTimer.singleShot(0, self.painted.emit)  # after this paint is done
        return False


def run_app(db: str | None, now: datetime | None) -> int:
    """Open the database and run the window until it closes; returns the exit code."""
    app = application()
    # Data safety (ui/single_instance.py, ui/recovery.py): one window per database, the
    # lock taken before the database is opened; a second launch raises the first window.
    from prioritizer.ui import crash
    from prioritizer.ui.single_instance import SingleInstance

    from prioritizer.storage.location import resolve_location

    try:
        location = resolve_location(db)
        guard = SingleInstance(location)
        claimed = guard.claim(listen=False)  # the lock now; the "raise" socket after the first paint
    except Exception as exc:  # noqa: BLE001 - a dialog, never only a line on stderr
        startup.end()
        crash.show_failure(f"Cannot open the database: {crash.first_line(exc)}", exc)
        return 1
    if not claimed:
        print(guard.message, file=sys.stderr)
        return 0
    try:
        return _run(app, guard, location, now)
    except Exception as exc:  # noqa: BLE001 - building the window failed: a dialog, never only a line on stderr
        crash.show_failure(f"The window could not be opened: {crash.what_failed(exc)}", exc)
        return 1
    finally:
        startup.end()  # when the window never painted (a dialog instead)
        guard.release()


def damage_in_use(location: str, exc: BaseException) -> DatabaseDamagedError | None:
    """The damage an error met while the window runs points to (SQLite's "malformed"), else None.

    The whole check of the file names the problem; when that check finds nothing (SQLite
    met a damaged index page the check does not read), SQLite's own words are the verdict:
    the recovery dialog changes nothing before the user's click either way.
    """
    from prioritizer.ui.dialogs.storage_errors import causes

    from prioritizer.safety.damage import DatabaseDamagedError, damage_behind, damaged_error
    from prioritizer.safety.health import Health, Problem, is_malformed
    from prioritizer.storage.location import sqlite_path

    for error in causes(exc):
        if isinstance(error, DatabaseDamagedError):
            return error
    malformed = next((error for error in causes(exc) if is_malformed(error)), None)
    path = sqlite_path(location)
    if malformed is None or path is None or not path.exists():
        return None
    try:
        damage = damage_behind(location, malformed)
    except Exception:  # noqa: BLE001 - the check could not run (the file busy, say): SQLite's words decide
        damage = None
    if damage is None:
        from prioritizer.ui.crash import first_line

        damage = damaged_error(location, Health(path, Problem.DAMAGED, f"the database file {path} is damaged ({first_line(malformed)})"))
    return damage


def _run(app: QApplication, guard: SingleInstance, location: str, now: datetime | None) -> int:
    from prioritizer.ui import crash

    current: list[QWidget] = []
    found: list[DatabaseDamagedError] = []  # damage met while the window ran: recover and open again

    def damaged(error: DatabaseDamagedError) -> None:
        # The first report wins. A later one (the page check's, say) must not exit again: by
        # then the recovery dialog's own event loop may be the one running.
        if not found:
            found.append(error)
            app.exit(_REOPEN)

    def damage_met(exc: BaseException) -> bool:
        if not current:
            return False
        damage = damage_in_use(location, exc)
        if damage is None:
            return False
        damaged(damage)
        return True

    # One hook for every error escaping a slot: busy, disk full, damage, anything else (ui/crash.py).
    hook = crash.install(lambda: current[-1] if current else None, damage_met)
    try:
        return _run_windows(app, guard, location, now, current, found, damaged)
    finally:
        hook.uninstall()


def _run_windows(
    app: QApplication,
    guard: SingleInstance,
    location: str,
    now: datetime | None,
    current: list[QWidget],
    found: list[DatabaseDamagedError],
    damaged: Callable[[DatabaseDamagedError], None],
) -> int:
    from prioritizer.ui import crash
    from prioritizer.ui.single_instance import bring_to_front

    note = ""
    for _attempt in range(3):  # a restore is verified; a third damage report means something else is wrong
        from prioritizer.ui.dialogs import recovery

        try:
            # A damaged file gets the restore dialog; a newer schema or a full disk a plain message.
            # Only the header is checked here: the pages are checked after the first paint.
            opened, opened_note = recovery.open_or_recover(location, now, deep_check=False)
        except InputError as exc:
            from prioritizer.ui.dialogs.storage_errors import _tell

            _tell(None, "Prioritizer", f"Cannot open the database: {exc}")
            return 2
        except Exception as exc:  # noqa: BLE001 - a dialog, never a traceback
            crash.show_failure(f"Cannot open the database: {crash.first_line(exc)}", exc)
            return 1
        if opened is None:
            return 1
        service: Service = opened
        note = opened_note or note
        from prioritizer.ui.main_window import MainWindow
        from prioritizer.ui.settings import WindowSettings

        # PySide6's import hook (shibokensupport.feature) reads the source of every module imported
        # after it into linecache, which keeps it; nothing needs it, a traceback reads its files again.
        linecache.clearcache()

        try:
            window = MainWindow(service, WindowSettings())
        except Exception as exc:
            service.close()
            damage = damage_in_use(location, exc)  # a damaged page met while loading the items
            if damage is None:
                raise
            done = recovery.carry_out(location, damage, recovery.ask(damage), lambda t, x: recovery._tell(None, t, x))
            if done is None:
                return 1
            note = done
            continue
        current.append(window)
        guard.raise_requested.connect(lambda w=window: bring_to_front(w))
        found.clear()
        safety: list[DataSafety] = []  # File > Back up now / Show backups, automatic backups: after the paint

        if note:
            window.statusBar().showMessage(note, 15_000)
        first_paint = FirstPaint(window)
        if os.environ.get(QUIT_AFTER_FIRST_PAINT) == "1":
            first_paint.painted.connect(lambda: app.exit(0))
        else:
            # What can wait starts once the cards are on screen (or a few seconds later at the latest):
            # the page check and the automatic backup (worker thread), the "raise" socket.
            latest = QTimer(window)

            def after_first_paint(
                latest: QTimer = latest,
                service: Service = service,
                window: MainWindow = window,
                safety: list[DataSafety] = safety,
                damaged: Callable[[DatabaseDamagedError], None] = damaged,
            ) -> None:
                latest.stop()
                if safety:
                    return  # once: the paint and the fallback timer may both come
                startup.end()  # the import hook back and the collector on
                from prioritizer.storage.engine import use_busy_timeout

                # A write that meets another program's lock comes back at once and is tried
                # again with the event loop running (ui/bus.py), instead of freezing 5 s.
                use_busy_timeout(service.engine, WINDOW_BUSY_TIMEOUT_MS)
                safety.append(recovery.DataSafety(window, location))
                window.use_data_safety(safety[0])
                safety[0].damaged.connect(damaged)
                guard.listen()
                safety[0].check_soon()

            latest.setSingleShot(True)
            latest.timeout.connect(after_first_paint)
            latest.start(LATEST_AFTER_SHOW_MS)
            first_paint.painted.connect(after_first_paint)
        window.show()
        try:
            code = app.exec()
        finally:
            for keeper in safety:
                keeper.stop()
            service.close()
        if os.environ.get(QUIT_AFTER_FIRST_PAINT) == "1" and not found:
            guard.release()
            _exit_now(code)
        if not found:
            return code
        # The page check after the first paint found damage: the same dialog as a damaged start.
        choice = recovery.ask(found[0], window)
        window.close()
        window.deleteLater()
        current.clear()
        done = recovery.carry_out(location, found[0], choice, lambda t, x: recovery._tell(None, t, x))
        if done is None:
            return 1
        note = done
    return 1


def _exit_now(code: int) -> None:
    """End the benchmark's process without tearing down every Qt object (the lock is released by then)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
