"""What the window shows when the database cannot be opened safely.

``open_or_recover`` opens the service; when the start-up check finds the file
damaged it shows one dialog naming the problem and offering the newest good
backup. Nothing happens without the user's click: on "Restore" the damaged file
is moved aside untouched (``<name>.damaged-<ts>``) and the backup is copied in
and verified; with no backup the user may move the file aside and start empty.
Never a repair that deletes data. A database from a newer Prioritizer and a
full disk get a plain message instead. All texts are plain text (a path may
contain ``<``).

The window opens with the cheap header check only (``deep_check=False``);
``DataSafety.check_soon`` runs the page check and the automatic backup in a
worker thread after the first paint and emits ``damaged`` when the pages are
damaged, so the same dialog comes up (ARCHITECTURE.md, "What keeps the start fast").

While the window runs, ``DataSafety`` backs up at most every 15 minutes while the
data changes (it looks every minute; ``backup.maybe_backup`` decides), when an
incident ends (it listens to the window's ``IncidentController.ended``) and when
the window closes (``DataSafety.stop``), each time only if the data changed since
the newest backup.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from prioritizer.ui.dialogs.storage_errors import _tell
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMainWindow, QMessageBox, QPushButton, QWidget

from prioritizer.domain.values import InputError
from prioritizer.safety.backup import BackupError, backup_dir, backup_now, maybe_backup_quietly, restore
from prioritizer.safety.damage import DatabaseDamagedError, damaged_error, quarantine
from prioritizer.safety.health import check_database
from prioritizer.services.service import Service
from prioritizer.storage.engine import SchemaTooNewError, StorageError, resolve_location, sqlite_path

log = logging.getLogger(__name__)


class Choice(Enum):
    """What the user chose in the recovery dialog."""

    RESTORE = "restore"
    START_EMPTY = "start-empty"
    QUIT = "quit"


def build_dialog(error: DatabaseDamagedError, parent: QWidget | None = None) -> tuple[QMessageBox, dict[Choice, QPushButton]]:
    """The recovery dialog for a damaged database, and its buttons by choice."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Prioritizer: the database is damaged")
    box.setTextFormat(Qt.TextFormat.PlainText)
    problem = error.health.detail if error.health is not None else str(error)
    box.setText(f"Prioritizer cannot open your data safely: {problem}.")
    buttons: dict[Choice, QPushButton] = {}
    if error.backup is not None:
        when = error.backup.taken_at.astimezone().strftime("%A %d %B %Y, %H:%M")
        box.setInformativeText(
            f"The newest good backup is from {when}.\n\n"
            "Restore it? The damaged file is kept aside, untouched, next to it "
            f"({error.path.name}.damaged-…). Changes made after the backup are not in it."
        )
        buttons[Choice.RESTORE] = box.addButton(f"Restore the backup from {when}", QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText(
            "No good backup was found. The file has not been changed.\n\n"
            "You can move it aside (kept, untouched) and start with an empty database, or quit and keep it as it is."
        )
        buttons[Choice.START_EMPTY] = box.addButton("Move it aside and start empty", QMessageBox.ButtonRole.DestructiveRole)
    buttons[Choice.QUIT] = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(next(iter(buttons.values())))
    box.setEscapeButton(buttons[Choice.QUIT])
    box.setDetailedText(f"Database: {error.path}\nBackup: {error.backup.path if error.backup else 'none'}")
    return box, buttons


def ask(error: DatabaseDamagedError, parent: QWidget | None = None) -> Choice:
    """Show the dialog modally and return the choice."""
    box, buttons = build_dialog(error, parent)
    box.exec()
    clicked = box.clickedButton()
    for choice, button in buttons.items():
        if button is clicked:
            return choice
    return Choice.QUIT


def recover(location: str, error: DatabaseDamagedError, choice: Choice) -> str:
    """Carry out a choice; returns a line for the status bar (empty for QUIT)."""
    if choice is Choice.RESTORE and error.backup is not None:
        result = restore(location, error.backup.path)
        return (
            f"Restored the backup from {error.backup.taken_at.astimezone():%Y-%m-%d %H:%M}; the damaged file is kept at {result.kept_aside}"
        )
    if choice is Choice.START_EMPTY:
        aside = quarantine(error.path)
        return f"Started an empty database; the damaged file is kept at {aside}"
    return ""


def carry_out(location: str, error: DatabaseDamagedError, choice: Choice, show: Callable[[str, str], None]) -> str | None:
    """``recover`` with its failure shown; None when the user quit or the restore failed (nothing deleted)."""
    if choice is Choice.QUIT:
        return None
    try:
        return recover(location, error, choice)
    except (BackupError, OSError) as exc:
        show("Prioritizer: restore failed", f"The backup could not be restored: {exc}. Nothing was deleted.")
        return None


def open_or_recover(
    db: str | None,
    now: datetime | None = None,
    parent: QWidget | None = None,
    choose: Callable[[DatabaseDamagedError], Choice] | None = None,
    tell: Callable[[str, str], None] | None = None,
    *,
    deep_check: bool = True,
) -> tuple[Service | None, str]:
    """Open the service, offering recovery when the file is damaged.

    Returns ``(service, note)``; ``service`` is None when the user quit or the
    database cannot be opened (the reason was shown). ``note`` says what the
    recovery did, for the status bar. ``deep_check=False``: the header check only
    (the window; ``DataSafety.check_soon`` checks the pages after the first paint).
    """
    location = resolve_location(db)
    pick = choose or (lambda err: ask(err, parent))
    show = tell or (lambda title, text: _tell(parent, title, text))
    note = ""
    for _ in range(3):  # a restore is verified; a second damage report means something else is wrong
        try:
            return Service.open(location, now=now, deep_check=deep_check), note
        except DatabaseDamagedError as err:
            done = carry_out(location, err, pick(err), show)
            if done is None:
                return None, ""
            note = done
        except SchemaTooNewError as err:
            show("Prioritizer: newer database", f"{err}.")
            return None, ""
        except StorageError as err:
            show("Prioritizer: cannot write", f"{err}.")
            return None, ""
    return None, ""


# ------------------------------------------------------------- while the window runs
# A look every minute: maybe_backup backs up when 15 minutes passed and the data changed
# (a look costs a folder listing and a stat while nothing changed: fingerprints are
# remembered). A 15-minute timer would not do: Qt's coarse timers may fire 5 % early,
# the look would find 14:15 passed and the backup would wait for the next one, at 30.
AUTO_BACKUP_CHECK_MS = 60 * 1000
INCIDENT_END = "incident-end"
WINDOW_CLOSE = "window-close"


class DataSafety(QObject):
    """Backups while the window runs: what File → "Back up now" and "Show backups" do, and the automatic ones.

    Automatic: every 15 minutes at most while the data changes, when an incident
    ends, when the window closes (``stop``); never of a damaged file.

    Also the start-up checks moved past the first paint (``check_soon``): the page
    check of the database, then the automatic backup, in a worker thread with its
    own SQLite connections, so the window paints and answers meanwhile.

    Signals:
        damaged(DatabaseDamagedError): the page check found the file damaged.
        finished(): a background check or automatic backup ended (for tests).

    Attributes:
        timer: the look every minute for a due automatic backup.
    """

    damaged = Signal(object)
    finished = Signal()
    _done = Signal(object, object)  # from the worker: (DatabaseDamagedError | None, backup Path | None)

    def __init__(self, window: QMainWindow, location: str) -> None:
        super().__init__(window)
        self.window = window
        self.location = resolve_location(location)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_BACKUP_CHECK_MS)
        self.timer.timeout.connect(self.auto_backup)
        self.timer.start()
        self._checked = False
        self._stopped = False
        self._damage_seen = False
        self._pending: str | None = None  # an event backup asked for while the worker was busy
        self._worker: threading.Thread | None = None
        self._done.connect(self._finish)
        incident = getattr(window, "incident", None)  # the main window's IncidentController
        ended = getattr(incident, "ended", None)
        if ended is not None:
            ended.connect(self._incident_ended)

    def back_up_now(self) -> str:
        """Make a backup now; tells the user where, or why not."""
        try:
            path = backup_now(self.location, "manual")
        except (BackupError, InputError, OSError) as exc:
            box = QMessageBox(
                QMessageBox.Icon.Warning, "Prioritizer: backup failed", f"{exc}.", QMessageBox.StandardButton.Close, self.window
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.open()
            return ""
        self.window.statusBar().showMessage(f"Backed up and verified: {path}", 10_000)
        return str(path)

    def show_backups(self) -> None:
        """Open the backups folder in the file manager."""
        folder = backup_dir(self.location)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def auto_backup(self) -> None:
        """The periodic automatic backup (a window may stay open for days), in the worker thread."""
        self._start(deep=False)

    def back_up_soon(self, reason: str) -> None:
        """A backup in the worker thread if the data changed since the newest backup, however recent (an event)."""
        if self._stopped:
            return
        if self.busy():
            self._pending = reason  # after the running check: its backup may predate the change
            return
        self._start(deep=False, reason=reason)

    def _incident_ended(self, _summary: object) -> None:
        self.back_up_soon(INCIDENT_END)

    def check_soon(self) -> None:
        """The start-up checks, once: the page check of the database, then the automatic backup (worker thread)."""
        if self._checked:
            return
        self._checked = True
        self._start(deep=True)

    def busy(self) -> bool:
        """True while the worker runs."""
        return self._worker is not None and self._worker.is_alive()

    def _start(self, deep: bool, reason: str | None = None) -> None:
        if self.busy():
            return
        self._worker = threading.Thread(target=self._work, args=(deep, reason), name="prioritizer-data-safety")
        self._worker.start()

    def _work(self, deep: bool, reason: str | None = None) -> None:
        """In the worker thread: its own SQLite connections, nothing of Qt but the signal."""
        damage: DatabaseDamagedError | None = None
        path = None
        try:
            file = sqlite_path(self.location)
            if deep and file is not None and file.is_file():
                health = check_database(file, thorough=True)
                if not health.ok:
                    damage = damaged_error(self.location, health)
            if damage is None and reason is None:
                path = maybe_backup_quietly(self.location)
            elif damage is None and reason is not None:
                path = maybe_backup_quietly(self.location, interval=timedelta(0), reason=reason)
        except Exception as exc:  # noqa: BLE001 - a check that cannot run (busy, vanished) is not damage
            log.warning("start-up check skipped: %s", exc)
        try:
            self._done.emit(damage, path)
        except RuntimeError:  # the window is gone already
            pass

    def _finish(self, damage: DatabaseDamagedError | None, path: object) -> None:
        if damage is not None:
            self._damage_seen = True
            self.damaged.emit(damage)
        elif path is not None:
            self.window.statusBar().showMessage(f"Automatic backup: {getattr(path, 'name', path)}", 10_000)
        self.finished.emit()
        if self._pending is not None and not self._stopped and damage is None:
            reason, self._pending = self._pending, None
            self._start(deep=False, reason=reason)

    def stop(self, wait_s: float = 30.0) -> Path | None:
        """Stop the timers, let a running check or backup finish, then the backup of the window's close.

        The window is gone by then (``run_app`` calls this after the event loop): the
        backup (about a second for a five-year database) delays only the process's exit.
        Returns it, or None (nothing changed since the newest backup, damage, or stopped before).
        """
        if self._stopped:
            return None
        self._stopped = True
        self.timer.stop()
        self._checked = True
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(wait_s)  # a backup half made is no backup
        if self._damage_seen:
            return None  # never a backup of a damaged file (backup_now would refuse it too)
        return maybe_backup_quietly(self.location, interval=timedelta(0), reason=WINDOW_CLOSE)
