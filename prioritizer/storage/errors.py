"""The storage errors every layer may raise or catch, and SQLite's words for a refused write.

A leaf below the engine, the health check and the backups: each of them turns a
full disk into the same plain ``StorageError`` without importing the others.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from prioritizer.domain.values import InputError, StorageError

FULL_MARGIN = 256 * 1024  # less free than this and SQLite's "I/O error" is the disk being full


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Prioritizer; it is left untouched."""


class ForeignDatabaseError(InputError):
    """The file is another application's SQLite database: refused, never adopted; nothing was changed."""


# SQLite's own names for a full disk: SQLITE_FULL, and a -shm that cannot grow (ENOSPC while
# it is extended: on tmpfs, and wherever the -shm is new, that comes before any write).
FULL_ERRORS = frozenset({"SQLITE_FULL", "SQLITE_IOERR_SHMSIZE"})


def is_disk_full(error: BaseException, folders: tuple[Path, ...], margin: int = FULL_MARGIN) -> bool:
    """Whether a failure means the disk is full: the OS's errno, SQLite's code or words, or an
    I/O error with less than ``margin`` bytes free in one of the ``folders`` the writes went to.
    """
    if isinstance(error, OSError):
        return error.errno == errno.ENOSPC
    orig = getattr(error, "orig", None)  # SQLAlchemy wraps the driver's error
    driver = orig if orig is not None else error
    name = str(getattr(driver, "sqlite_errorname", ""))
    text = str(driver).lower()
    if name in FULL_ERRORS or "database or disk is full" in text:
        return True
    io_error = name.startswith("SQLITE_IOERR") or "disk i/o error" in text or "unable to open database file" in text
    return io_error and any(_free_bytes(folder) < margin for folder in folders)


def _free_bytes(folder: Path) -> int:
    try:
        st = os.statvfs(folder if folder != Path() else Path.cwd())
    except OSError:
        return FULL_MARGIN * 1024  # unknown: plenty
    return st.f_bavail * st.f_frsize


def disk_error(error: BaseException, path: Path | None = None) -> StorageError | None:
    """The plain StorageError for SQLite's or the system's words of a refused write, or None for anything else.

    A full disk often reaches SQLite as "disk I/O error" (its -shm cannot grow): with
    the file's disk nearly full that is said as a full disk, never as damage.
    """
    if is_disk_full(error, (path.parent,) if path is not None else ()):
        return StorageError("the disk is full: nothing was saved; free some space and try again")
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).lower()
    if "disk i/o error" in text:
        return StorageError("the disk refused the write (I/O error): nothing was saved; check the disk and try again")
    if "readonly" in text:
        return StorageError("the database file is read-only: nothing was saved; check its permissions")
    return None
