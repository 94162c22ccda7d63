"""What the window shows when the database cannot be opened safely.

``open_or_recover`` opens the service; when the start-up check finds the file
damaged it shows one dialog naming the problem and offering the newest good
backup. Nothing happens without the user's click: on "Restore" the damaged file
is moved aside untouched (``<name>.damaged-<ts>``) and the backup is copied in
and verified; with no backup the user may move the file aside and start empty.
Never a repair that deletes data. A database from a newer Prioritizer and a
full disk get a plain message instead. All texts are plain text (a path may
contain ``<``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QPushButton, QWidget

from prioritizer.backup import BackupError, backup_dir, backup_now, maybe_backup_quietly, restore
from prioritizer.db import SchemaTooNewError, StorageError, resolve_location
from prioritizer.domain import InputError
from prioritizer.integrity import DatabaseDamagedError, quarantine
from prioritizer.services import Service


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


def _tell(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def open_or_recover(
    db: str | None,
    now: datetime | None = None,
    parent: QWidget | None = None,
    choose: Callable[[DatabaseDamagedError], Choice] | None = None,
    tell: Callable[[str, str], None] | None = None,
) -> tuple[Service | None, str]:
    """Open the service, offering recovery when the file is damaged.

    Returns ``(service, note)``; ``service`` is None when the user quit or the
    database cannot be opened (the reason was shown). ``note`` says what the
    recovery did, for the status bar.
    """
    location = resolve_location(db)
    pick = choose or (lambda err: ask(err, parent))
    show = tell or (lambda title, text: _tell(parent, title, text))
    note = ""
    for _ in range(3):  # a restore is verified; a second damage report means something else is wrong
        try:
            return Service.open(location, now=now), note
        except DatabaseDamagedError as err:
            choice = pick(err)
            if choice is Choice.QUIT:
                return None, ""
            try:
                note = recover(location, err, choice)
            except (BackupError, OSError) as exc:
                show("Prioritizer: restore failed", f"The backup could not be restored: {exc}. Nothing was deleted.")
                return None, ""
        except SchemaTooNewError as err:
            show("Prioritizer: newer database", f"{err}.")
            return None, ""
        except StorageError as err:
            show("Prioritizer: cannot write", f"{err}.")
            return None, ""
    return None, ""


# ------------------------------------------------------------- while the window runs
AUTO_BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly look; maybe_backup itself waits for 6 h and a change


class DataSafety(QObject):
    """Backups while the window runs: File → "Back up now", "Show backups", and the hourly automatic check.

    Attributes:
        backup_action / show_action: the two menu actions.
    """

    def __init__(self, window: QMainWindow, location: str) -> None:
        super().__init__(window)
        self.window = window
        self.location = resolve_location(location)
        self.backup_action = QAction("Back up &now", self)
        self.backup_action.setStatusTip("Make a verified backup of the database now")
        self.backup_action.triggered.connect(self.back_up_now)
        self.show_action = QAction("Show &backups…", self)
        self.show_action.setStatusTip("Open the folder that holds the backups")
        self.show_action.triggered.connect(self.show_backups)
        self._insert_into_file_menu()
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_BACKUP_CHECK_MS)
        self.timer.timeout.connect(self.auto_backup)
        self.timer.start()

    def _insert_into_file_menu(self) -> None:
        for menu_action in self.window.menuBar().actions():
            menu = menu_action.menu()
            if isinstance(menu, QMenu) and menu.title().replace("&", "") == "File":
                actions = menu.actions()
                before = actions[-1] if actions else None  # keep Quit last
                separator = menu.insertSeparator(before) if before is not None else menu.addSeparator()
                menu.insertActions(separator, [self.backup_action, self.show_action])
                return

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
        """The periodic automatic backup (a window may stay open for days)."""
        path = maybe_backup_quietly(self.location)
        if path is not None:
            self.window.statusBar().showMessage(f"Automatic backup: {path.name}", 10_000)


def show_storage_errors(parent: Callable[[], QWidget | None] = lambda: None) -> None:
    """Show a StorageError escaping any slot as a plain dialog instead of a traceback on stderr.

    The operation was rolled back by then; the message says so (see db.storage_errors).
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if isinstance(value, StorageError):
            _tell(parent(), "Prioritizer: not saved", f"{value}.")
            return
        previous(kind, value, tb)

    sys.excepthook = hook
