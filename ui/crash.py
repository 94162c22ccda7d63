"""An error that escapes a slot is never invisible: a dialog, the details in the log file, the window usable.

Qt hands an exception raised in a Python slot or override to ``sys.excepthook`` and
goes on with its event loop. :func:`install` puts the window's one hook there, which
sorts what arrives:

- a busy database (another program holds the write lock): the one line
  ``storage_errors.BUSY_MESSAGE``, in the status bar and a box that blocks nothing;
  never a traceback;
- another ``StorageError`` (disk full, I/O error, read-only file): the plain
  "not saved" dialog;
- damage (SQLite's "database disk image is malformed") when the window gave an
  ``on_damage`` handler: it takes over (``ui/app.py`` closes the window into the
  recovery dialog);
- anything else: :class:`CrashDialog`, naming what failed in one line and the log
  file that holds the traceback (``prioritizer/logs.py``), with "Copy details".
  The window stays open and usable: the slot ended, the event loop did not.

An exception in another thread is logged and shown the same way from the GUI thread.
:func:`show_failure` is the same dialog for a failure while the window is being built
(no event loop yet: it waits for the click).
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from prioritizer.ui.dialogs import storage_errors
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

from prioritizer.domain.values import StorageError
from prioritizer.safety import logs

if TYPE_CHECKING:  # the dialog and its widgets are imported at the first error: the start does without them
    from prioritizer.ui.dialogs.crash_dialog import CrashDialog
    from PySide6.QtWidgets import QWidget

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
MAX_LINE = 200  # the one line of what failed; the whole message is in the details


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, SQLAlchemy's wrapping taken off (the driver's own words)."""
    inner = getattr(exc, "orig", None)
    source = inner if isinstance(inner, BaseException) else exc
    lines = str(source).strip().splitlines()
    return lines[0] if lines else type(source).__name__


def _where(tb: TracebackType | None) -> str:
    """The function Qt called (the slot) or a thread ran, skipping the lambdas that connect actions to it."""
    while tb is not None:
        code = tb.tb_frame.f_code
        name = getattr(code, "co_qualname", code.co_name)
        if not name.endswith("<lambda>") and tb.tb_frame.f_globals.get("__name__") != "threading":
            return str(name).rsplit("<locals>.", 1)[-1]  # a nested function by its own name
        tb = tb.tb_next
    return ""


def _action_text(where: str) -> str:
    """The menu text of the action whose handler ``where`` is ("MainWindow.toggle_timer": "Start/stop timer"), else ""."""
    from prioritizer.ui.actions import ACTIONS  # at an error only
    from prioritizer.ui.main_window import HANDLERS

    texts = [ACTIONS[a].text.replace("&", "").rstrip("…") for a, h in HANDLERS.items() if h.__qualname__ == where]
    return f"“{texts[0]}”" if texts else ""


def what_failed(value: BaseException, tb: TracebackType | None = None) -> str:
    """One line: where it failed (the action the user chose, else the function) and what the error said."""
    where = _where(tb)
    where = _action_text(where) or where
    what = f"{type(value).__name__}: {first_line(value)}"
    line = f"{where} failed: {what}" if where else what
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


def details(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> str:
    """What "Copy details" copies: versions and the whole traceback."""
    from PySide6 import __version__ as pyside_version

    from prioritizer import __version__

    head = f"Prioritizer {__version__}, Python {sys.version.split()[0]}, PySide6 {pyside_version}, {sys.platform}\n"
    return head + "".join(traceback.format_exception(kind, value, tb))


class ErrorHook(QObject):
    """The window's one ``sys.excepthook`` (and ``threading.excepthook``); see the module docstring.

    Attributes:
        parent_widget: returns the window the dialogs belong to (None before there is one).
        on_damage: returns True when it took an error over as damage to the database.
        dialog: the crash dialog on screen, or None.
    """

    _from_thread = Signal(object, object, object)

    def __init__(self, parent_widget: Callable[[], QWidget | None], on_damage: Callable[[BaseException], bool] | None = None) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self.on_damage = on_damage
        self.dialog: CrashDialog | None = None
        self._previous: Hook | None = None
        self._previous_thread: Callable[[threading.ExceptHookArgs], object] | None = None
        self._from_thread.connect(self.__call__, Qt.ConnectionType.QueuedConnection)  # to the GUI thread

    def install(self) -> ErrorHook:
        """Become ``sys.excepthook`` and ``threading.excepthook``."""
        self._previous, self._previous_thread = sys.excepthook, threading.excepthook
        sys.excepthook = self
        threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        """Put the previous hooks back (if nobody replaced this one meanwhile)."""
        if sys.excepthook is self and self._previous is not None:
            sys.excepthook = self._previous
        if threading.excepthook == self._thread_hook and self._previous_thread is not None:
            threading.excepthook = self._previous_thread

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        """Show (and log) one error that escaped a slot."""
        try:
            self._handle(kind, value, tb)
        except Exception:  # noqa: BLE001 - the hook itself failed: print both, never loop
            sys.__excepthook__(kind, value, tb)
            traceback.print_exc()

    def _handle(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(value, Exception):  # KeyboardInterrupt, SystemExit: as before
            (self._previous or sys.__excepthook__)(kind, value, tb)
            return
        logs.setup()  # the first error opens the log file (the start does without logging.handlers)
        parent = self.parent_widget()
        if storage_errors.is_busy(value):
            logs.logger.warning("refused, the database was busy: %s", first_line(value))
            storage_errors.tell_busy(parent)
            return
        if isinstance(value, StorageError):
            logs.logger.warning("not saved: %s", value)
            storage_errors._tell(parent, "Prioritizer: not saved", f"{value}.")
            return
        if self.on_damage is not None and self._took_as_damage(value):
            logs.record(f"damage met during use: {first_line(value)}", (kind, value, tb))
            return
        summary = what_failed(value, tb)
        log_path = logs.record(summary, (kind, value, tb))
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.another(summary, details(kind, value, tb))
            return
        from prioritizer.ui.dialogs.crash_dialog import CrashDialog

        dialog = CrashDialog(summary, details(kind, value, tb), log_path, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()  # window-modal without a nested event loop: the window keeps painting

    def _took_as_damage(self, value: BaseException) -> bool:
        try:
            return self.on_damage is not None and self.on_damage(value)
        except Exception:  # noqa: BLE001 - a failed damage check must not hide the error: the crash dialog shows it
            logs.logger.exception("the damage check failed")
            return False

    def _closed(self, _result: int) -> None:
        self.dialog = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or not isinstance(args.exc_value, Exception):
            if self._previous_thread is not None:
                self._previous_thread(args)
            return
        self._from_thread.emit(args.exc_type, args.exc_value, args.exc_traceback)


def install(
    parent_widget: Callable[[], QWidget | None] = lambda: None, on_damage: Callable[[BaseException], bool] | None = None
) -> ErrorHook:
    """Install the one error hook of the window; ``uninstall()`` the returned hook when the window is gone."""
    if QCoreApplication.instance() is None:
        raise RuntimeError("install the error hook after the QApplication exists")
    return ErrorHook(parent_widget, on_damage).install()


def show_failure(summary: str, exc: BaseException, parent: QWidget | None = None) -> None:
    """The crash dialog for a failure that ends the start (building the window, opening the Service): waits for the click."""
    from prioritizer.ui.dialogs.crash_dialog import CrashDialog

    log_path = logs.record(summary, (type(exc), exc, exc.__traceback__))
    dialog = CrashDialog(summary, details(type(exc), exc, exc.__traceback__), log_path, parent, window_open=False)
    dialog.exec()
