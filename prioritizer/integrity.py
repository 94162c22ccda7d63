"""Start-up health check of the database file, and keeping a damaged file aside.

``check_database`` names what is wrong with a file: zero bytes, not a database
at all, truncated, or damaged pages (SQLite's ``quick_check``). It reads only:
SQLite is opened read-only, so not even a WAL checkpoint touches the file.

A damaged database is never repaired automatically (a "repair" that drops the
pages it cannot read deletes the user's data). Instead ``db.make_engine`` raises
``DatabaseDamagedError`` naming the problem and the newest good backup; the
command line prints it with the hint ``prioritizer restore --latest``, the
window offers the restore (``ui/recovery.py``). ``quarantine`` moves the
damaged file (with its -wal/-shm) aside byte for byte before anything replaces it.

Two depths (ARCHITECTURE.md, "What keeps the start fast"): ``check_header`` reads
the first 100 bytes and the file size (zero bytes, not a database, truncated, a
damaged header) and costs microseconds; ``check_database`` adds SQLite's
``quick_check`` of every page (0.1 s on a 16 MB file). The command line runs both
before opening. The window runs the cheap one before opening (``Service.open(...,
deep_check=False)``) and the deep one in a worker thread right after its first
paint (``ui/recovery.py``), offering the same restore when it finds damage; a
damaged page met before that (SQLite's "malformed") is reported the same way.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .backup import BackupInfo, move_aside
from .backup import newest_good_backup as _newest_backup

MAGIC = b"SQLite format 3\x00"


class Problem(enum.StrEnum):
    """What is wrong with a database file."""

    OK = "ok"
    ZERO_BYTES = "zero-bytes"
    NOT_A_DATABASE = "not-a-database"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"


@dataclass(frozen=True)
class Health:
    """The verdict on one database file.

    Attributes:
        path: the file checked.
        problem: what is wrong (``Problem.OK`` when nothing).
        detail: one human sentence about it.
    """

    path: Path
    problem: Problem
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True when the file is a sound SQLite database."""
        return self.problem is Problem.OK

    @property
    def message(self) -> str:
        """One line for the user."""
        return "the database is sound" if self.ok else self.detail


class DatabaseDamagedError(RuntimeError):
    """The database file is damaged; nothing was changed.

    Attributes:
        path: the damaged file.
        health: what is wrong with it.
        backup: the newest good backup, if any (a ``backup.BackupInfo``).
    """

    def __init__(self, message: str, path: Path, health: Health | None = None, backup: BackupInfo | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.health = health
        self.backup = backup


def _companion_size(path: Path, suffix: str) -> int:
    try:
        return path.with_name(path.name + suffix).stat().st_size
    except OSError:
        return 0


def check_database(path: Path) -> Health:
    """Examine an existing database file without changing it: the header, then every page (quick_check)."""
    health = check_header(path)
    if health is None:
        return _sqlite_check(path)
    return health


def check_header(path: Path) -> Health | None:
    """The cheap part of ``check_database``: size and header only (no SQLite).

    Returns the verdict when these settle it (damaged), or None when the pages
    still have to be checked (the header looks sound, or only SQLite can tell).
    """
    size = path.stat().st_size
    wal = _companion_size(path, "-wal")
    if size == 0:
        if wal == 0:
            return Health(path, Problem.ZERO_BYTES, f"the database file {path} is empty (0 bytes)")
        # A brand-new database can live entirely in its WAL until the first checkpoint.
        return None
    with open(path, "rb") as fh:
        header = fh.read(100)
    if header[:16] != MAGIC:
        if len(header) < 16 and MAGIC.startswith(header):
            return Health(path, Problem.TRUNCATED, f"the database file {path} is truncated ({size} bytes left)")
        return Health(path, Problem.NOT_A_DATABASE, f"{path} is not a database file (it does not start with the SQLite header)")
    if len(header) < 100:
        return Health(path, Problem.TRUNCATED, f"the database file {path} is truncated ({size} bytes left)")
    raw_page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    if page_size < 512 or page_size & (page_size - 1):
        return Health(path, Problem.DAMAGED, f"the database file {path} has a damaged header (page size {raw_page_size})")
    pages = int.from_bytes(header[28:32], "big")
    # The in-header page count is valid only when its change counter matches (SQLite's rule).
    # With a non-empty WAL the file may legitimately be shorter mid-checkpoint: SQLite decides then.
    if pages and header[24:28] == header[92:96] and wal == 0 and size < pages * page_size:
        return Health(
            path,
            Problem.TRUNCATED,
            f"the database file {path} is truncated ({size} bytes; its header says {pages * page_size})",
        )
    return None


def _sqlite_check(path: Path) -> Health:
    # Read-only: a read-only connection never checkpoints, so the file stays byte-identical.
    # Without a -wal file nobody has the database open in WAL mode and every committed
    # page is in the main file: immutable=1 then reads it without creating -wal/-shm
    # files next to a file that may be damaged.
    immutable = "&immutable=1" if not path.with_name(path.name + "-wal").exists() else ""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro{immutable}", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return Health(path, Problem.DAMAGED, f"the database file {path} cannot be opened ({exc})")
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "not a database" in text:
            return Health(path, Problem.NOT_A_DATABASE, f"{path} is not a database file ({text})")
        if "locked" in text or "busy" in text:
            raise  # in use, not damaged: let the caller report it as such
        return Health(path, Problem.DAMAGED, f"the database file {path} is damaged ({text})")
    finally:
        conn.close()
    if rows != ["ok"]:
        # SQLite's report spans lines ("*** in database main ***\nOn tree page 3..."): keep one short line.
        first = " ".join(str(rows[0]).replace("*** in database main ***", "").split())[:160]
        more = f" and {len(rows) - 1} more problems" if len(rows) > 1 else ""
        return Health(path, Problem.DAMAGED, f"the database file {path} has damaged pages ({first}{more})")
    return Health(path, Problem.OK)


def quarantine(path: Path) -> Path:
    """Move a damaged file (and its -wal/-shm) aside untouched, as ``<name>.damaged-<ts>``."""
    return move_aside(path, "damaged")


def newest_good_backup(location: str) -> BackupInfo | None:
    """The newest backup that verifies, or None."""
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
        tail = "; no good backup was found. The file was not changed: keep a copy of it before trying anything else"
    return DatabaseDamagedError(health.detail + tail, health.path, health, backup)


_DEEP: contextvars.ContextVar[bool] = contextvars.ContextVar("prioritizer_deep_check", default=True)


@contextlib.contextmanager
def header_check_only() -> Iterator[None]:
    """Inside this block ``ensure_healthy`` checks only the header (``Service.open(deep_check=False)``)."""
    token = _DEEP.set(False)
    try:
        yield
    finally:
        _DEEP.reset(token)


def ensure_healthy(location: str, path: Path) -> None:
    """Raise DatabaseDamagedError when an existing database file is damaged.

    The whole check (header and pages), or only the header inside ``header_check_only()``.
    """
    health = check_database(path) if _DEEP.get() else check_header(path)
    if health is not None and not health.ok:
        raise damaged_error(location, health)


def is_malformed(exc: BaseException) -> bool:
    """True for SQLite's own words for a damaged file (met while reading, after a header-only check)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text


def raise_if_damaged(location: str, path: Path) -> None:
    """Run the whole check now and raise DatabaseDamagedError if the file is damaged (else return)."""
    health = check_database(path)
    if not health.ok:
        raise damaged_error(location, health)
