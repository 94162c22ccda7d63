"""Starting the window: the application object, the service, errors as dialogs, never tracebacks."""

from __future__ import annotations

import sys
from datetime import datetime

from PySide6.QtWidgets import QApplication, QMessageBox

from prioritizer.domain import InputError
from prioritizer.services import Service

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
    try:
        service = Service.open(db, now=now)
    except InputError as exc:
        QMessageBox.critical(None, "Prioritizer", f"Cannot open the database: {exc}")
        return 2
    except Exception as exc:  # noqa: BLE001 - a dialog, never a traceback
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        QMessageBox.critical(None, "Prioritizer", f"Cannot open the database: {message}")
        return 1
    from .main_window import MainWindow

    window = MainWindow(service, WindowSettings())
    window.show()
    try:
        return app.exec()
    finally:
        service.close()


def main() -> None:
    """GUI entry point (``prioritizer-gui``)."""
    from prioritizer.cli import main as cli_main

    sys.exit(cli_main(sys.argv[1:]))
