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


def _nearly_full(path: Path) -> bool:
    try:
        st = os.statvfs(path.parent if path.parent != Path() else Path.cwd())
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < FULL_MARGIN


def disk_error(error: BaseException, path: Path | None = None) -> StorageError | None:
    """The plain StorageError for SQLite's or the system's words of a refused write, or None for anything else.

    A full disk often reaches SQLite as "disk I/O error" (its -shm cannot grow): with
    the file's disk nearly full that is said as a full disk, never as damage.
    """
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return StorageError("the disk is full: nothing was saved; free some space and try again")
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).lower()
    io_error = "disk i/o error" in text or "unable to open database file" in text
    if "database or disk is full" in text or (io_error and path is not None and _nearly_full(path)):
        return StorageError("the disk is full: nothing was saved; free some space and try again")
    if "disk i/o error" in text:
        return StorageError("the disk refused the write (I/O error): nothing was saved; check the disk and try again")
    if "readonly" in text:
        return StorageError("the database file is read-only: nothing was saved; check its permissions")
    return None
