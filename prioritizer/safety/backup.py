"""Verified backups: when, where, how they thin out, and how one is restored.

Where: ``<data dir>/backups/`` for the default database, ``<db dir>/<db name>.backups/``
for any other file (so two databases never mix their backups). The folder is
owner-only (0700), every backup file 0600.

How a backup is made: the health check first (``health.check_database``,
read-only): a damaged file is never copied as a backup, and never opened
read-write or checkpointed (that would merge a foreign ``-wal`` and delete it).
Then SQLite's online backup API from a read-only connection (a consistent
snapshot even while the window writes) into a temporary file, switched to a
self-contained rollback journal, fsynced, verified (``PRAGMA integrity_check`` ==
ok, the file exactly as long as its pages, every table of the schema present, a
readable schema version), and only then renamed into place. Only after a new
backup verifies do older ones thin out, so a failed backup never costs a good one.

When (``maybe_backup``): the data changed since the newest backup and at least
``DEFAULT_INTERVAL`` (15 minutes) passed. "Changed" compares a content fingerprint
(a hash of every row of every table) of the database and of the newest backup.
We chose that over ``PRAGMA data_version`` (per connection, useless across
processes), ``max(updated_at)`` (stopping a timer or editing a setting does not
touch it) and a ``last_change`` settings key (every writer in every module would
have to remember to bump it): the fingerprint needs no cooperation from the rest
of the code. Fingerprints are remembered per process, keyed by the file's
(inode, size, mtime) and its WAL's, so an idle window that looks every minute does
not hash the data again. Who asks: the window every minute, when an incident ends
and when it closes (``ui/recovery.py``, ``backup_if_changed`` for the last two),
the command line after a command that wrote, once its output is out
(``prioritizer.cli``), before every migration (``pre_migration_hook``), and the
user (``prioritizer backup``).

Thinning (``keep_set``): every backup of the last day, the newest of each UTC day
of the last 30 days, the newest of each ISO week of the last four years, the
newest backup whatever its age, and every pre-migration backup (the way back from
an upgrade). With a backup every 15 minutes that is at most 96 + 30 + 208 files.

Restore (``restore``) never leaves the user without a database:

* The live file is healthy: the backup is verified, then copied INTO the live
  file with the backup API, which is one write transaction under SQLite's own
  write lock. Other processes' open connections see the restored data when it
  commits (no writer keeps writing into a file moved aside); a kill or a full
  disk rolls it back and leaves the live file as it was. The current data is kept
  first as a verified copy, ``<name>.before-restore-<ts>``, made from a snapshot
  taken while the restore already holds the write lock: no write can fall between
  the copy and the restore.
* The live file is damaged (writing into it is unsafe): the backup is copied and
  verified into a temporary file next to it, the damaged file gets a second name
  ``<name>.damaged-<ts>`` (a hard link, so the live path is never empty), its
  ``-wal``/``-shm`` follow it byte for byte, and the verified copy is renamed over
  the live path atomically.

On any failure the live file is untouched and the message says where the
database, the backup and any copy are.

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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from prioritizer.domain.values import InputError
from prioritizer.safety.health import check_database
from prioritizer.storage.errors import is_disk_full
from prioritizer.storage.files import fsync_folder, pid_alive
from prioritizer.storage.location import DB_FILENAME, sqlite_path, sqlite_uri
from prioritizer.storage.location import (  # re-exported: callers import them from here too
    FileState as FileState,
)
from prioritizer.storage.location import (
    default_data_dir as default_data_dir,
)
from prioritizer.storage.location import (
    file_state as file_state,
)
from prioritizer.storage.location import (
    peek_location as peek_location,
)
from prioritizer.storage.version import SCHEMA_VERSION

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = timedelta(minutes=15)
KEEP_ALL_FOR = timedelta(days=1)
KEEP_DAILY_FOR = timedelta(days=30)
KEEP_WEEKLY_FOR = timedelta(weeks=52 * 4)
# The tables every schema version has had (since version 1). A copy without one of
# them is incomplete and never counts as a backup; a migration that adds a table
# need not add it here (older pre-migration backups rightly lack it).
EXPECTED_TABLES = ("incidents", "items", "settings", "time_entries", "triage_log")
RESTORE_BUSY_LIMIT_S = 60.0  # how long restore waits for other writers to let go of the write lock
SUFFIX = ".sqlite3"
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9-]+)\.sqlite3$")
_REASON = re.compile(r"^[a-z0-9-]+$")
_RESTORE_HINT = "run 'prioritizer restore --latest' to put the newest good backup back"
_SQLITE_OK, _SQLITE_BUSY, _SQLITE_LOCKED = 0, 5, 6


class BackupError(RuntimeError):
    """A backup could not be made or did not verify, or a restore failed; nothing older was removed."""


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


# ------------------------------------------------------------------ connections
def _read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection: it never writes the file, never checkpoints, never deletes a WAL.

    ``immutable`` is for self-contained files nobody writes (our backups): no locks,
    no ``-wal``/``-shm`` created next to them. A live database is opened without it,
    so SQLite's locks give a consistent snapshot while others write.
    """
    conn = sqlite3.connect(sqlite_uri(path, "ro", immutable=immutable), uri=True, isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _problem(conn: sqlite3.Connection, path: Path, *, whole_schema: bool) -> str | None:
    """What is wrong with a self-contained copy (None: nothing): pages, length, tables."""
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        first = " ".join(str(result[0]).replace("*** in database main ***", "").split())[:160]
        return f"is damaged ({first})"
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = path.stat().st_size  # a stat, not an open: the connection's locks stay
    if size != page_size * pages:
        # A file cut short reads as zeros where its last bytes were: integrity_check may not see it.
        return f"is truncated or padded ({size} bytes for {pages} pages of {page_size})"
    if whole_schema:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in EXPECTED_TABLES if t not in tables]
        if missing:
            return f"is incomplete (no table {', '.join(missing)})"
    return None


def verify_backup(path: Path) -> int:
    """Open a backup read-only and check it; returns its schema version or raises BackupError.

    Checked: every page (``integrity_check``), the file's length against its page
    count, every table of the schema (``EXPECTED_TABLES``), a readable schema version.
    """
    if not path.is_file():
        raise BackupError(f"the backup {str(path)!r} does not exist")
    try:
        conn = _read_only(path, immutable=True)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup {path.name} cannot be opened: {exc}") from exc
    try:
        problem = _problem(conn, path, whole_schema=True)
        if problem is not None:
            raise BackupError(f"the backup {path.name} {problem}")
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


# A backup or a restore writes whole files: below 1 MiB free, an I/O error is the disk being full.
_COPY_MARGIN = 1024 * 1024


@contextlib.contextmanager
def _sqlite_errors(what: str, where: Callable[[], str] | None = None, folders: tuple[Path, ...] = ()) -> Iterator[None]:
    """Turn SQLite/OS failures (disk full above all) into one clear BackupError.

    ``where`` adds where everything is (for a failed restore); ``folders`` are where
    the failing writes went (to tell a full disk behind an I/O error).
    """
    try:
        yield
    except BackupError as exc:
        if where is None:
            raise
        raise BackupError(f"{exc}. {where()}") from exc
    except (sqlite3.Error, OSError) as exc:
        tail = f". {where()}" if where is not None else ""
        if is_disk_full(exc, folders, _COPY_MARGIN):
            raise BackupError(f"{what} failed: the disk is full; free some space and try again{tail}") from exc
        text = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
        raise BackupError(f"{what} failed: {text}{tail}") from exc


def _new_file(path: Path) -> None:
    """Create an empty owner-only file (fails if it exists): SQLite then writes into it."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _fsync_file(path: Path) -> None:
    # Only for files this process has no SQLite connection to any more (a plain close
    # would drop SQLite's POSIX locks on them otherwise).
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_from(src: sqlite3.Connection, target: Path) -> None:
    """Copy what ``src`` sees into a new self-contained file (rollback journal), fsynced."""
    _new_file(target)
    dst = sqlite3.connect(str(target), isolation_level=None)
    try:
        src.backup(dst)  # one step: a consistent snapshot of the source
        # The copy inherits WAL mode from the source header; a copy kept apart must be a
        # single self-contained file, so switch it to a rollback journal.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
    _fsync_file(target)


def _copy(source: Path, target: Path, *, immutable: bool = False) -> None:
    """Copy a database into a new file through the backup API, reading the source read-only."""
    src = _read_only(source, immutable=immutable)
    try:
        _copy_from(src, target)
    finally:
        src.close()


_COMPANION = r"(?:-journal|-wal|-shm)?"
_PARTIAL = re.compile(r"^\.partial-(?P<pid>\d+)-\d+" + _COMPANION + "$")


def _clean_partials(folder: Path, glob: str = ".partial-*", name: re.Pattern[str] = _PARTIAL) -> None:
    """Remove half-written copies (and their journals) left by a killed process: its pid is in the name."""
    for path in folder.glob(glob):
        match = name.match(path.name)
        if match is None:
            continue
        pid = int(match["pid"])
        if not pid_alive(pid) or pid == os.getpid():
            path.unlink(missing_ok=True)


def _damage(path: Path) -> str | None:
    """What the health check finds wrong with a live database (None: nothing); read-only, nothing is written.

    Besides ``health.check_database``: a file that is not a whole number of pages.
    SQLite writes whole pages only, and reads a page cut short as zeros, so a copy of a
    file truncated by a byte verifies; the header check cannot tell while a ``-wal``
    is beside it (the file may be shorter than its page count then, never ragged).
    """
    health = check_database(path)
    if not health.ok:
        return health.message
    conn = _read_only(path)  # the page size through SQLite: no plain open of a file others may have open
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    size = path.stat().st_size
    if page_size and size % page_size:
        return f"the database file {path} is truncated ({size} bytes, not a whole number of {page_size}-byte pages)"
    return None


def _refuse_if_damaged(source: Path) -> None:
    """Raise BackupError when the health check finds the file damaged."""
    try:
        problem = _damage(source)
    except sqlite3.Error as exc:
        raise BackupError(f"the database {source} cannot be checked ({exc}): not backed up") from exc
    if problem is not None:
        raise BackupError(f"{problem}: not backed up (a damaged file is never a backup); {_RESTORE_HINT}")


def backup_now(location: str, reason: str = "manual", now: datetime | None = None, *, rotate_after: bool = True) -> Path:
    """Make a verified backup and thin out older ones; returns its path.

    Raises BackupError (nothing older removed, nothing written next to the
    database) if the database is damaged, or the copy or its verification fails.
    """
    if not _REASON.match(reason):
        raise ValueError(f"backup reason {reason!r} must be lowercase letters, digits and dashes")
    source = _db_file(location)
    if not source.is_file():
        raise InputError(f"there is no database at {str(source)!r} to back up")
    when = (now or datetime.now(UTC)).astimezone(UTC)
    with _sqlite_errors("the backup", folders=(backup_dir(location),)):
        _refuse_if_damaged(source)
        folder = _ensure_dir(backup_dir(location))
        _clean_partials(folder)
        partial = folder / f".partial-{os.getpid()}-{time.monotonic_ns()}"
        try:
            _copy(source, partial)
            # Verified before it gets a backup's name: a bad copy never counts, even for a moment.
            _verify_copy_of(source, partial)
            final = _free_name(folder, _stem(location), when, reason)
            os.rename(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        fsync_folder(folder)
    if rotate_after:
        rotate(location, when)
    return final


def _verify_copy_of(source: Path, copy: Path) -> None:
    """Verify a fresh copy; its problems are the source's (the copy is faithful)."""
    try:
        version = verify_backup(copy)
    except BackupError as exc:
        text = str(exc).replace(f"the backup {copy.name}", f"the database {source}")
        raise BackupError(f"{text}: not backed up; {_RESTORE_HINT}") from exc
    if version > SCHEMA_VERSION:
        raise BackupError(f"the database has schema version {version}, newer than this Prioritizer; not backed up")


def _free_name(folder: Path, stem: str, when: datetime, reason: str) -> Path:
    stamp = when.strftime(_STAMP)
    candidate = folder / f"{stem}-{stamp}-{reason}{SUFFIX}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{stamp}-{n}-{reason}{SUFFIX}"
    return candidate


# ------------------------------------------------------------------ thinning
def keep_set(backups: list[BackupInfo], now: datetime | None = None) -> set[Path]:
    """Which backups thinning keeps (see the module docstring); ``now`` defaults to the newest backup's time."""
    ordered = sorted(backups, key=lambda b: (b.taken_at, b.path.name), reverse=True)
    keep: set[Path] = {b.path for b in ordered if b.reason.startswith("pre-migration")}
    regular = [b for b in ordered if not b.reason.startswith("pre-migration")]
    if not regular:
        return keep
    current = now or regular[0].taken_at
    keep.add(regular[0].path)  # the newest, whatever its age
    days: dict[date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    for b in regular:  # newest first: the first seen per day/week is the newest of it
        age = current - b.taken_at
        if age < KEEP_ALL_FOR:
            keep.add(b.path)
        elif age < KEEP_DAILY_FOR:
            days.setdefault(b.taken_at.date(), b.path)
        elif age < KEEP_WEEKLY_FOR:
            iso = b.taken_at.isocalendar()
            weeks.setdefault((iso.year, iso.week), b.path)
    keep.update(days.values())
    keep.update(weeks.values())
    return keep


def rotate(location: str, now: datetime | None = None) -> list[Path]:
    """Delete backups outside the keep set; returns what was deleted.

    Called only after a new backup verified. The newest backup is always kept.
    """
    backups = list_backups(location)
    keep = keep_set(backups, now)
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


# ------------------------------------------------------------------ when
def fingerprint(path: Path, *, immutable: bool = False) -> str:
    """A hash of every row of every table: equal fingerprints mean equal data (read-only, one snapshot)."""
    digest = hashlib.sha256()
    conn = _read_only(path, immutable=immutable)
    try:
        conn.execute("BEGIN")  # one snapshot for all tables
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        ]
        for table in tables:
            digest.update(f"\x00table {table}\x00".encode())
            quoted = '"' + table.replace('"', '""') + '"'
            cursor = conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid")  # noqa: S608 - names from sqlite_master
            # Rows hashed a few thousand at a time (a fixed count, so equal data makes equal chunks):
            # half the time of one update per row on a five-year database (0.55 -> 0.28 s).
            while rows := cursor.fetchmany(2000):
                digest.update(repr(rows).encode("utf-8", "surrogatepass"))
        conn.execute("COMMIT")
    finally:
        conn.close()
    return digest.hexdigest()


_FINGERPRINTS: dict[tuple[object, ...], str] = {}


def _remembered(key: tuple[object, ...], compute: Callable[[], str]) -> str:
    """A fingerprint remembered for this process under a key that changes when the file does."""
    found = _FINGERPRINTS.get(key)
    if found is None:
        found = compute()
        if len(_FINGERPRINTS) > 64:
            _FINGERPRINTS.clear()
        _FINGERPRINTS[key] = found
    return found


def _live_fingerprint(path: Path) -> str:
    state = file_state(str(path))
    if state is None:
        return fingerprint(path)
    return _remembered(("live", str(path), state), lambda: fingerprint(path))


def _backup_fingerprint(path: Path) -> str:
    st = path.stat()  # a backup never changes after it is made; a new one has a new name and inode
    return _remembered(("backup", str(path), st.st_ino, st.st_size, st.st_mtime_ns), lambda: fingerprint(path, immutable=True))


def _has_user_data(path: Path) -> bool:
    conn = _read_only(path)
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


def _changed_since(path: Path, newest: BackupInfo) -> bool:
    try:
        return _live_fingerprint(path) != _backup_fingerprint(newest.path)
    except (OSError, sqlite3.Error):
        return True  # an unreadable newest backup is one more reason to make a new one


def maybe_backup(
    location: str,
    now: datetime | None = None,
    interval: timedelta = DEFAULT_INTERVAL,
    *,
    reason: str = "auto",
    changed: bool | None = None,
) -> Path | None:
    """Back up when the data changed since the newest backup and ``interval`` has passed.

    ``changed``: the caller knows whether the data changed since the newest backup (True
    skips the fingerprints). A database without a backup yet is backed up once it holds data.
    Returns the new backup, or None when none was due (or the location is not a file).
    """
    path = sqlite_path(location)
    if path is None or not path.is_file():
        return None
    current = (now or datetime.now(UTC)).astimezone(UTC)
    backups = list_backups(location)
    newest = backups[0] if backups else None
    if newest is not None and current - newest.taken_at < interval:
        return None
    with _sqlite_errors("comparing with the newest backup"):
        if newest is None:
            changed = _has_user_data(path)  # a new, empty database: nothing to protect yet
        elif changed is None:
            changed = _changed_since(path, newest)
    if not changed:
        return None
    return backup_now(location, reason, current)


def backup_if_changed(location: str, reason: str, now: datetime | None = None) -> Path | None:
    """A backup now if the data changed since the newest one, whenever that was (an incident ended, the window closes)."""
    return maybe_backup(location, now, timedelta(0), reason=reason)


def maybe_backup_quietly(
    location: str, *, interval: timedelta = DEFAULT_INTERVAL, reason: str = "auto", changed: bool | None = None
) -> Path | None:
    """``maybe_backup`` for the window and the command line: a failed automatic backup never stops the work."""
    try:
        return maybe_backup(location, interval=interval, reason=reason, changed=changed)
    except (BackupError, InputError, OSError, sqlite3.Error) as exc:
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
            if verify_backup(b.path) <= SCHEMA_VERSION:
                return b
        except BackupError:
            continue
    return None


# ------------------------------------------------------------------ restore
def _aside_name(db: Path, tag: str) -> Path:
    stamp = datetime.now(UTC).strftime(_STAMP)
    candidate = db.with_name(f"{db.name}.{tag}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = db.with_name(f"{db.name}.{tag}-{stamp}-{n}")
    return candidate


def move_aside(db: Path, tag: str) -> Path:
    """Rename a database and its -wal/-shm aside, byte for byte; returns the new main path.

    Only for a file nobody has open (a damaged one at start-up): a process that
    has it open would go on writing into the renamed file.
    """
    target = _aside_name(db, tag)
    for suffix in ("-wal", "-shm"):
        companion = db.with_name(db.name + suffix)
        if companion.exists():
            os.rename(companion, target.with_name(target.name + suffix))
    if db.exists():
        os.rename(db, target)
    fsync_folder(db.parent)
    return target


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    restored_from: Path
    kept_aside: Path | None  # the previous data: a verified copy, or the damaged file untouched (None if there was none)


class _Whereabouts:
    """Where everything is while a restore runs, for the one line a failure prints."""

    def __init__(self, db: Path, backup: Path) -> None:
        self.db, self.backup = db, backup
        self.copy: Path | None = None

    def line(self) -> str:
        kept = f"; a verified copy of it is at {self.copy}" if self.copy is not None else ""
        return f"Nothing was changed: your data is still in {self.db}{kept}; the backup is {self.backup}"


def restore(location: str, backup_path: Path) -> RestoreResult:
    """Put a backup back in place of the database; the previous data is always kept.

    The backup is verified first (refused if it fails). A healthy database gets
    the backup's content written into it under SQLite's write lock, after a
    verified copy of its current data is kept as ``<name>.before-restore-<ts>``;
    other processes that have it open see the restored data. A damaged one is
    kept aside untouched as ``<name>.damaged-<ts>`` (with its -wal/-shm) and a
    verified copy of the backup is renamed into its place. Raises BackupError,
    with the live file untouched, when anything fails.
    """
    db = _db_file(location)
    source = Path(backup_path).expanduser().absolute()
    where = _Whereabouts(db, source)
    with _sqlite_errors("the restore", where.line, folders=(db.parent,)):
        version = verify_backup(source)
        if version > SCHEMA_VERSION:
            raise BackupError(f"the backup {source.name} is from a newer Prioritizer (schema {version}); upgrade first")
        # What a restore killed here left: its copy of the backup, its copy of the old data.
        left = re.compile(rf"^\.{re.escape(db.name)}\.(?:restoring|before-restore-partial)-(?P<pid>\d+)(?:-\d+)?{_COMPANION}$")
        _clean_partials(db.parent, f".{db.name}.*", left)
        if not db.exists():
            _install_copy(db, source, aside_tag=None)
            aside = None
        elif _health_ok(db):
            aside = _restore_into(db, source, where)
        else:
            aside = _install_copy(db, source, aside_tag="damaged")
    problem = _restored_problem(db)
    if problem is not None:
        raise BackupError(f"the restored database does not verify ({problem}); the previous data is at {aside}")
    return RestoreResult(source, aside)


def _restored_problem(db: Path) -> str | None:
    """quick_check of the restored file through SQLite (other connections of this process may be open on it)."""
    try:
        conn = _read_only(db)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)
    return None if rows == ["ok"] else " ".join(str(rows[0]).split())[:160]


def _health_ok(db: Path) -> bool:
    try:
        return _damage(db) is None
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise  # in use, not damaged
        return False  # SQLite cannot even read its page size: damaged, never written into


def _restore_into(db: Path, source: Path, where: _Whereabouts) -> Path:
    """Write the backup into the live file in one write transaction; returns the verified copy of the old data."""
    src = _read_only(source, immutable=True)
    try:
        dst = sqlite3.connect(str(db), isolation_level=None, timeout=10)  # read-write: the restore writes here
        try:
            dst.execute("PRAGMA busy_timeout=10000")
            src_size = src.execute("PRAGMA page_size").fetchone()[0]
            dst_size = dst.execute("PRAGMA page_size").fetchone()[0]
            if src_size != dst_size and str(dst.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                # SQLite cannot change a WAL database's page size inside a transaction.
                raise BackupError(
                    f"the backup {source.name} has pages of {src_size} bytes, the database {dst_size}: SQLite cannot restore it in place"
                )
            started = time.monotonic()

            def progress(status: int, remaining: int, total: int) -> None:
                if status in (_SQLITE_BUSY, _SQLITE_LOCKED):
                    if time.monotonic() - started > RESTORE_BUSY_LIMIT_S:
                        raise BackupError(f"another program kept the database busy for {RESTORE_BUSY_LIMIT_S:.0f} s; try again")
                    return
                if status == _SQLITE_OK and where.copy is None:
                    # The first page is copied: this connection holds the write lock until the
                    # restore commits, so a snapshot now is the last state anyone committed.
                    where.copy = _keep_copy(db)

            # One page a step: after the first step the write lock is held and nothing of the
            # restore is committed or (in rollback mode) spilled, so the copy above can read.
            # Raising in ``progress`` aborts the backup, which rolls the transaction back.
            src.backup(dst, pages=1, progress=progress, sleep=0.05)
            if where.copy is None:  # a one-page source commits in its first step; a verified backup has more
                raise BackupError(f"the backup {source.name} is too small to be a Prioritizer database")
            with contextlib.suppress(sqlite3.Error):
                dst.execute("PRAGMA wal_checkpoint(PASSIVE)")  # fold the restore into the file when nobody reads
        finally:
            dst.close()
    finally:
        src.close()
    return where.copy


def _keep_copy(db: Path) -> Path:
    """A verified copy of the live file's last committed state, as ``<name>.before-restore-<ts>``."""
    partial = db.with_name(f".{db.name}.before-restore-partial-{os.getpid()}-{time.monotonic_ns()}")
    try:
        _copy(db, partial)  # a read-only connection: a second connection of this process, SQLite shares its locks
        conn = _read_only(partial, immutable=True)
        try:
            problem = _problem(conn, partial, whole_schema=False)
        finally:
            conn.close()
        if problem is not None:
            raise BackupError(f"the copy of the current data {problem}")
        final = _aside_name(db, "before-restore")
        os.rename(partial, final)
        fsync_folder(db.parent)
        return final
    finally:
        partial.unlink(missing_ok=True)


def _install_copy(db: Path, source: Path, aside_tag: str | None) -> Path | None:
    """Copy and verify the backup next to the live path, then put it there atomically.

    With ``aside_tag`` the file at the live path (damaged: nothing writes into it)
    keeps a name of its own first, its -wal/-shm follow it byte for byte, and the
    copy replaces it with one rename; without, the live path must be free.
    """
    temp = db.with_name(f".{db.name}.restoring-{os.getpid()}")
    temp.unlink(missing_ok=True)
    try:
        _copy(source, temp, immutable=True)
        conn = sqlite3.connect(str(temp), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # the app's mode; closing the only connection removes its -wal
        finally:
            conn.close()
        verify_backup(temp)
        if aside_tag is None:
            os.link(temp, db)  # fails if a database appeared meanwhile: nobody's file is replaced
            fsync_folder(db.parent)
            return None
        return _swap(db, temp, aside_tag)
    finally:
        temp.unlink(missing_ok=True)


def _swap(db: Path, temp: Path, tag: str) -> Path:
    """Give the damaged file at ``db`` (with its -wal/-shm) a name of its own, then rename ``temp`` over ``db``."""
    aside = _aside_name(db, tag)
    try:
        os.link(db, aside)  # the live path is never empty: a kill now leaves the damaged file where it was
        linked = True
    except OSError:
        linked = False  # a file system without hard links: rename below, a moment without a file
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("-wal", "-shm"):
            companion = db.with_name(db.name + suffix)
            if companion.exists():
                target = aside.with_name(aside.name + suffix)
                os.rename(companion, target)
                moved.append((target, companion))
        if not linked:
            os.rename(db, aside)
            moved.append((aside, db))
        os.replace(temp, db)
    except OSError:
        for target, companion in reversed(moved):  # put everything back where it was
            with contextlib.suppress(OSError):
                os.rename(target, companion)
        if linked:
            with contextlib.suppress(OSError):
                aside.unlink()
        raise
    fsync_folder(db.parent)
    return aside


def describe(info: BackupInfo) -> str:
    """One line for ``backup --list``: local time, reason, size, path."""
    local = info.taken_at.astimezone()
    return f"{local:%Y-%m-%d %H:%M}  {info.reason:<16} {info.size / 1024:>8.0f} KB  {info.path}"
