"""Verified backups: when, where, how they rotate, and how one is restored.

Where: ``<data dir>/backups/`` for the default database, ``<db dir>/<db name>.backups/``
for any other file (so two databases never mix their backups). The folder is
owner-only (0700), every backup file 0600.

How: SQLite's online backup API (a consistent snapshot even while the window
writes), into a temporary file that is switched to a self-contained rollback
journal, fsynced, renamed into place, then verified (read-only open,
``PRAGMA integrity_check`` == ok, schema version readable). Only after a new
backup verifies do older ones rotate out, so a failed backup never costs a good one.

When (``maybe_backup``): the data changed since the newest backup and at least
``interval`` (default 6 h) passed. "Changed" compares a content fingerprint (a
hash of every row of every table) of the database and of the newest backup.
We chose that over ``PRAGMA data_version`` (per connection, useless across
processes), ``max(updated_at)`` (stopping a timer or editing a setting does not
touch it) and a ``last_change`` settings key (every writer in every module would
have to remember to bump it): the fingerprint needs no cooperation from the rest
of the code and is only computed when the interval has passed. Who asks: the
window, in a worker thread after its first paint and hourly (``ui/recovery.py``),
and the command line after a command that wrote, once its output is out
(``file_state`` before and after; ``prioritizer.cli``), never on the way to the
first paint (ARCHITECTURE.md, "What keeps the start fast"). Also before every
migration (``pre_migration_hook``), and on request (``prioritizer backup``).

Rotation keeps the 3 newest, the newest of each of the last 7 days with a backup,
the newest of each of the last 5 ISO weeks with a backup, and every
pre-migration backup (they are the way back from an upgrade).

File names: ``<db stem>-<UTC YYYYmmddTHHMMSSZ>-<reason>.sqlite3``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import db as _db
from .db import DB_FILENAME, sqlite_path
from .domain import InputError
from .location import (  # re-exported: callers import them from here too
    FileState as FileState,
)
from .location import (
    default_data_dir as default_data_dir,
)
from .location import (
    file_state as file_state,
)
from .location import (
    peek_location as peek_location,
)

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = timedelta(hours=6)
KEEP_NEWEST = 3
KEEP_DAILY = 7
KEEP_WEEKLY = 5
SUFFIX = ".sqlite3"
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9-]+)\.sqlite3$")
_REASON = re.compile(r"^[a-z0-9-]+$")


class BackupError(RuntimeError):
    """A backup could not be made or did not verify; nothing older was removed."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    taken_at: datetime  # aware UTC, from the file name
    reason: str
    size: int


def _db_file(location: str) -> Path:
    path = sqlite_path(location)
    if path is None:
        raise InputError("backups are for SQLite database files; back up a server database with its own tools")
    return path.expanduser().absolute()


_default_data_dir = default_data_dir


def backup_dir(location: str) -> Path:
    """The folder holding a database's backups (not created here)."""
    db = _db_file(location)
    if db.parent == _default_data_dir() and db.name == DB_FILENAME:
        return db.parent / "backups"
    return db.parent / f"{db.name}.backups"


def _ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)  # mkdir's mode is masked by umask and ignored for an existing folder
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stem(location: str) -> str:
    return _db_file(location).stem or "db"


def list_backups(location: str) -> list[BackupInfo]:
    """The backups of a database, newest first (files we did not name are ignored)."""
    folder = backup_dir(location)
    stem = _stem(location)
    found: list[BackupInfo] = []
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return []
    for path in entries:
        match = _NAME.match(path.name)
        if match is None or match["stem"] != stem or not path.is_file():
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        found.append(BackupInfo(path, taken, match["reason"], path.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def verify_backup(path: Path) -> int:
    """Open a backup read-only and check it; returns its schema version or raises BackupError."""
    if not path.is_file():
        raise BackupError(f"the backup {str(path)!r} does not exist")
    try:
        # immutable=1: read without creating -wal/-shm files or taking locks next to the backup.
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup {path.name} cannot be opened: {exc}") from exc
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise BackupError(f"the backup {path.name} is damaged: {result[0]}")
        row = conn.execute("SELECT value FROM settings WHERE key = 'schema_version'").fetchone()
        if row is None:
            raise BackupError(f"the backup {path.name} has no schema version: not a Prioritizer database")
        return int(row[0])
    except sqlite3.Error as exc:
        raise BackupError(f"the backup {path.name} cannot be read: {exc}") from exc
    except ValueError as exc:
        raise BackupError(f"the backup {path.name} has an unreadable schema version") from exc
    finally:
        conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


@contextlib.contextmanager
def _sqlite_errors(what: str) -> Iterator[None]:
    """Turn SQLite/OS failures (disk full above all) into one clear BackupError."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc)
        if "full" in text:
            raise BackupError(f"{what} failed: the disk is full; free some space and try again") from exc
        raise BackupError(f"{what} failed: {text}") from exc
    except OSError as exc:
        raise BackupError(f"{what} failed: {exc.strerror or exc}") from exc


def _copy(source: Path, target: Path) -> None:
    """Copy a live database into a new file through the backup API."""
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # owner-only from birth
    os.close(fd)
    src = _connect(source)
    try:
        dst = sqlite3.connect(str(target), isolation_level=None)
        try:
            src.backup(dst)  # one step: a consistent snapshot of the source
            # The copy inherits WAL mode from the source header; a backup must be a
            # single self-contained file, so switch it to a rollback journal.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())


def _clean_partials(folder: Path) -> None:
    """Remove half-written backups left by a killed process (their pid is in the name)."""
    from .lock import pid_alive

    for path in folder.glob(".partial-*"):
        try:
            pid = int(path.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if not pid_alive(pid) or pid == os.getpid():
            path.unlink(missing_ok=True)


def backup_now(location: str, reason: str = "manual", now: datetime | None = None, *, rotate_after: bool = True) -> Path:
    """Make a verified backup and rotate older ones; returns its path.

    Raises BackupError (nothing older removed) if the copy or its verification fails.
    """
    if not _REASON.match(reason):
        raise ValueError(f"backup reason {reason!r} must be lowercase letters, digits and dashes")
    source = _db_file(location)
    if not source.is_file():
        raise InputError(f"there is no database at {str(source)!r} to back up")
    when = (now or datetime.now(UTC)).astimezone(UTC)
    with _sqlite_errors("the backup"):
        folder = _ensure_dir(backup_dir(location))
        _clean_partials(folder)
        partial = folder / f".partial-{os.getpid()}-{time.monotonic_ns()}"
        try:
            _copy(source, partial)
            final = _free_name(folder, _stem(location), when, reason)
            os.rename(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        _fsync_dir(folder)
    try:
        version = verify_backup(final)
    except BackupError:
        # Keep the bad copy out of rotation and out of "newest good backup".
        final.unlink(missing_ok=True)
        raise
    if version > _db.SCHEMA_VERSION:
        final.unlink(missing_ok=True)
        raise BackupError(f"the database has schema version {version}, newer than this Prioritizer; not backed up")
    if rotate_after:
        rotate(location, when)
    return final


def _free_name(folder: Path, stem: str, when: datetime, reason: str) -> Path:
    stamp = when.strftime(_STAMP)
    candidate = folder / f"{stem}-{stamp}-{reason}{SUFFIX}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{stamp}-{n}-{reason}{SUFFIX}"
    return candidate


def keep_set(backups: list[BackupInfo]) -> set[Path]:
    """Which backups rotation keeps (see the module docstring)."""
    ordered = sorted(backups, key=lambda b: (b.taken_at, b.path.name), reverse=True)
    keep: set[Path] = {b.path for b in ordered if b.reason.startswith("pre-migration")}
    regular = [b for b in ordered if not b.reason.startswith("pre-migration")]
    keep.update(b.path for b in regular[:KEEP_NEWEST])
    days: dict[object, Path] = {}
    weeks: dict[object, Path] = {}
    for b in regular:  # newest first: the first seen per day/week is the newest of it
        days.setdefault(b.taken_at.date(), b.path)
        weeks.setdefault(b.taken_at.isocalendar()[:2], b.path)
    keep.update(list(days.values())[:KEEP_DAILY])
    keep.update(list(weeks.values())[:KEEP_WEEKLY])
    return keep


def rotate(location: str, now: datetime | None = None) -> list[Path]:
    """Delete backups outside the keep set; returns what was deleted.

    Called only after a new backup verified. The newest backup is always kept.
    """
    backups = list_backups(location)
    keep = keep_set(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def fingerprint(path: Path) -> str:
    """A hash of every row of every table: equal fingerprints mean equal data."""
    digest = hashlib.sha256()
    conn = _connect(path)  # read only by use: a read-only open of a WAL file needs its -shm
    try:
        conn.execute("BEGIN")  # one snapshot for all tables
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        ]
        for table in tables:
            digest.update(f"\x00table {table}\x00".encode())
            quoted = '"' + table.replace('"', '""') + '"'
            for row in conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid"):  # noqa: S608 - names from sqlite_master
                digest.update(repr(row).encode("utf-8", "surrogatepass"))
        conn.execute("COMMIT")
    finally:
        conn.close()
    return digest.hexdigest()


def _has_user_data(path: Path) -> bool:
    conn = _connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            if table == "settings":
                continue
            quoted = '"' + table.replace('"', '""') + '"'
            if conn.execute(f"SELECT 1 FROM {quoted} LIMIT 1").fetchone():  # noqa: S608
                return True
        return False
    finally:
        conn.close()


def maybe_backup(location: str, now: datetime | None = None, interval: timedelta = DEFAULT_INTERVAL) -> Path | None:
    """Back up when the data changed since the newest backup and ``interval`` has passed.

    Returns the new backup, or None when none was due (or the location is not a file).
    """
    path = sqlite_path(location)
    if path is None or not path.is_file():
        return None
    current = (now or datetime.now(UTC)).astimezone(UTC)
    backups = [b for b in list_backups(location)]
    if backups:
        newest = backups[0]
        if current - newest.taken_at < interval:
            return None
        try:
            with _sqlite_errors("comparing with the newest backup"):
                if fingerprint(path) == fingerprint(newest.path):
                    return None
        except BackupError:
            pass  # an unreadable newest backup is one more reason to make a new one
    elif not _has_user_data(path):
        return None  # a new, empty database: nothing to protect yet
    return backup_now(location, "auto", current)


def maybe_backup_quietly(location: str) -> Path | None:
    """``maybe_backup`` for the window and the command line: a failed automatic backup never stops the work."""
    try:
        return maybe_backup(location)
    except (BackupError, OSError, sqlite3.Error) as exc:
        log.warning("automatic backup skipped: %s", exc)
        return None


def pre_migration_hook(location: str) -> Callable[[int], None] | None:
    """The ``before_migration`` callback for ``db.migrate``: a verified backup, or no migration."""
    if sqlite_path(location) is None:
        return None

    def hook(old_version: int) -> None:
        backup_now(location, f"pre-migration-v{old_version}", rotate_after=False)

    return hook


def newest_good_backup(location: str) -> BackupInfo | None:
    """The newest backup that verifies and that this version can open."""
    for b in list_backups(location):
        try:
            if verify_backup(b.path) <= _db.SCHEMA_VERSION:
                return b
        except BackupError:
            continue
    return None


def _aside_name(db: Path, tag: str) -> Path:
    stamp = datetime.now(UTC).strftime(_STAMP)
    candidate = db.with_name(f"{db.name}.{tag}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = db.with_name(f"{db.name}.{tag}-{stamp}-{n}")
    return candidate


def move_aside(db: Path, tag: str) -> Path:
    """Rename a database and its -wal/-shm aside, byte for byte; returns the new main path."""
    target = _aside_name(db, tag)
    for suffix in ("-wal", "-shm"):
        companion = db.with_name(db.name + suffix)
        if companion.exists():
            os.rename(companion, target.with_name(target.name + suffix))
    if db.exists():
        os.rename(db, target)
    _fsync_dir(db.parent)
    return target


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    restored_from: Path
    kept_aside: Path | None  # the previous file, untouched (None if there was none)


def restore(location: str, backup_path: Path) -> RestoreResult:
    """Put a backup back in place of the database.

    The backup is verified first (refused if it fails). The current file is kept
    aside untouched: ``<name>.before-restore-<ts>`` when healthy,
    ``<name>.damaged-<ts>`` when damaged. The caller must hold the instance lock
    (no window may have the file open); ``restore_cli`` does.
    """
    from .integrity import check_database

    db = _db_file(location)
    version = verify_backup(backup_path)
    if version > _db.SCHEMA_VERSION:
        raise BackupError(f"the backup {backup_path.name} is from a newer Prioritizer (schema {version}); upgrade first")
    aside: Path | None = None
    with _sqlite_errors("the restore"):
        if db.exists():
            healthy = check_database(db).ok
            if healthy:
                # Fold the WAL into the file first so the file set aside is whole on its own.
                conn = _connect(db)
                try:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.close()
            aside = move_aside(db, "before-restore" if healthy else "damaged")
        partial = db.with_name(f".{db.name}.restoring-{os.getpid()}")
        partial.unlink(missing_ok=True)
        try:
            _copy(backup_path, partial)
            conn = sqlite3.connect(str(partial), isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")  # the app's mode, as the file had it
            finally:
                conn.close()
            os.rename(partial, db)
        finally:
            partial.unlink(missing_ok=True)
        _fsync_dir(db.parent)
    health = check_database(db)
    if not health.ok:
        raise BackupError(f"the restored database does not verify ({health.message}); the previous file is at {aside}")
    return RestoreResult(backup_path, aside)


def describe(info: BackupInfo) -> str:
    """One line for ``backup --list``: local time, reason, size, path."""
    local = info.taken_at.astimezone()
    return f"{local:%Y-%m-%d %H:%M}  {info.reason:<16} {info.size / 1024:>8.0f} KB  {info.path}"
