"""Refusing a file the health check found wrong: the error that names the newest good backup.

``health.py`` only inspects files; ``backup.py`` only makes, lists and restores
backups. This module puts the two together for the one moment that needs both:
a damaged database, and the way back. ``Service.open``, the command line and the
window all build their damage error here, so it reads the same everywhere.
"""

from __future__ import annotations

from pathlib import Path

from prioritizer.safety.backup import BackupInfo, move_aside
from prioritizer.safety.backup import newest_good_backup as _newest_backup
from prioritizer.safety.health import Health, Problem, check_database, is_malformed
from prioritizer.storage.errors import ForeignDatabaseError
from prioritizer.storage.location import sqlite_path


class DatabaseDamagedError(RuntimeError):
    """The database file is damaged; nothing was changed.

    Attributes:
        path: the damaged file.
        health: what is wrong with it.
        backup: the newest good backup, if any.
    """

    def __init__(self, message: str, path: Path, health: Health | None = None, backup: BackupInfo | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.health = health
        self.backup = backup


def newest_good_backup(location: str) -> BackupInfo | None:
    """The newest backup that verifies, or None (also when the backups cannot be read)."""
    try:
        return _newest_backup(location)
    except (OSError, ValueError):
        return None


def damaged_error(location: str, health: Health) -> DatabaseDamagedError:
    """The error for a damaged file: the problem, the newest good backup, the way out."""
    backup = newest_good_backup(location)
    if backup is not None:
        when = backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        tail = (
            f"; the newest good backup is from {when} ({backup.path}): run 'prioritizer restore --latest' to put it back "
            "(the damaged file is kept aside)"
        )
    else:
        tail = (
            "; no good backup was found, so 'prioritizer restore --latest' has nothing to put back. "
            "The file was not changed: keep a copy of it before trying anything else"
        )
    return DatabaseDamagedError(health.detail + tail, health.path, health, backup)


def refusal(location: str, health: Health) -> Exception:
    """The error that refuses a file the check found wrong.

    ForeignDatabaseError (bad input, exit 2) for another application's file;
    DatabaseDamagedError, naming the newest good backup, for anything else.
    """
    if health.problem is Problem.NOT_PRIORITIZER:
        return ForeignDatabaseError(f"{health.detail}: it was not changed; give --db the path of a Prioritizer database")
    return damaged_error(location, health)


def raise_if_damaged(location: str, path: Path) -> None:
    """Run the whole check now and raise DatabaseDamagedError if the file is damaged (else return)."""
    health = check_database(path, thorough=True)
    if not health.ok:
        raise damaged_error(location, health)


def damage_behind(location: str, exc: BaseException) -> DatabaseDamagedError | None:
    """The damage an error met while reading points to (SQLite's "malformed"), after the whole check; else None.

    Call it with every connection of this process to the file closed (the check reads its header).
    """
    if isinstance(exc, DatabaseDamagedError):
        return exc
    path = sqlite_path(location)
    if not is_malformed(exc) or path is None or not path.is_file():
        return None
    health = check_database(path, thorough=True)
    return None if health.ok else damaged_error(location, health)


def quarantine(path: Path) -> Path:
    """Move a damaged file (and its -wal/-shm) aside untouched, as ``<name>.damaged-<ts>``."""
    return move_aside(path, "damaged")
