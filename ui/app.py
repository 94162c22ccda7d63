"""Starting the window: the application object, the service, errors as dialogs, never tracebacks."""

from __future__ import annotations

import sys
from datetime import datetime

from PySide6.QtWidgets import QApplication, QMessageBox

from prioritizer.domain import InputError

from .icons import icon
from .settings import WindowSettings
from .theme import apply_theme, follow_system


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


def run_app(db: str | None, now: datetime | None) -> int:
    """Open the database and run the window until it closes; returns the exit code."""
    app = application()
    # Data safety (ui/single_instance.py, ui/recovery.py): one window per database, the
    # lock taken before the database is opened; a second launch raises the first window.
    from prioritizer.db import resolve_location

    from .recovery import DataSafety, open_or_recover, show_storage_errors
    from .single_instance import SingleInstance, bring_to_front

    location = resolve_location(db)
    guard = SingleInstance(location)
    if not guard.claim():
        print(guard.message, file=sys.stderr)
        return 0
    try:
        # A damaged file gets the restore dialog; a newer schema or a full disk a plain message.
        opened, note = open_or_recover(location, now)
        if opened is None:
            guard.release()
            return 1
        service = opened
    except InputError as exc:
        QMessageBox.critical(None, "Prioritizer", f"Cannot open the database: {exc}")
        return 2
    except Exception as exc:  # noqa: BLE001 - a dialog, never a traceback
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        QMessageBox.critical(None, "Prioritizer", f"Cannot open the database: {message}")
        return 1
    from .main_window import MainWindow

    window = MainWindow(service, WindowSettings())
    guard.raise_requested.connect(lambda: bring_to_front(window))
    safety = DataSafety(window, location)  # File > Back up now / Show backups, hourly automatic backup
    show_storage_errors(lambda: window)  # "the disk is full: nothing was saved" as a dialog
    if note:
        window.statusBar().showMessage(note, 15_000)
    window.show()
    try:
        return app.exec()
    finally:
        service.close()
        safety.timer.stop()
        guard.release()


def main() -> None:
    """GUI entry point (``prioritizer-gui``)."""
    from prioritizer.cli import main as cli_main

    sys.exit(cli_main(sys.argv[1:]))
