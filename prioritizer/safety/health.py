"""Start-up health check of the database file, and keeping a damaged file aside.

``check_database`` names what is wrong with a file: zero bytes, not a database
at all, truncated, another application's database, a write-ahead log (``-wal``)
that belongs to another file, or damaged pages (SQLite's ``quick_check``, or the
slower ``integrity_check`` that also compares every index with its table). It
reads only: SQLite is opened read-only, so not even a WAL checkpoint touches the file.

No plain descriptor while SQLite has the file open: POSIX locks belong to the
process, and closing *any* descriptor of the file drops every lock SQLite holds
on it (SQLite's "How To Corrupt An SQLite Database File", section 2.2). The
header is read with ``open()`` only when this process has no descriptor of the
database or its ``-wal`` (``_open_in_this_process``); otherwise the pages are
checked through SQLite alone, which shares its locks between connections.

A leaf: it inspects files and names what it finds, and knows nothing of backups,
engines or migrations. A damaged database is never repaired automatically (a
"repair" that drops the pages it cannot read deletes the user's data): with this
verdict ``Service.open`` raises ``DatabaseDamagedError`` (``safety/damage.py``),
which names the newest good backup; the command line prints it with the hint
``prioritizer restore --latest``, the window offers the restore
(``ui/dialogs/recovery.py``).

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

import enum
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from prioritizer.storage.errors import disk_error
from prioritizer.storage.location import sqlite_uri
from prioritizer.storage.version import APPLICATION_ID

MAGIC = b"SQLite format 3\x00"
WAL_MAGIC = (0x377F0682, 0x377F0683)


class Problem(enum.StrEnum):
    """What is wrong with a database file."""

    OK = "ok"
    ZERO_BYTES = "zero-bytes"
    NOT_A_DATABASE = "not-a-database"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"
    FOREIGN_WAL = "foreign-wal"
    NOT_PRIORITIZER = "not-prioritizer"


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


def _companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _companion_size(path: Path, suffix: str) -> int:
    try:
        return _companion(path, suffix).stat().st_size
    except OSError:
        return 0


def _open_in_this_process(*paths: Path) -> bool:
    """True when this process has a descriptor of any of these files, or cannot tell.

    Reading such a file with ``open()`` would drop SQLite's locks when the descriptor
    closes. Linux lists the process's descriptors in /proc/self/fd; ``os.stat`` follows
    each link without opening anything. Elsewhere the answer is "cannot tell": True.
    """
    wanted = set()
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        wanted.add((st.st_dev, st.st_ino))
    if not wanted:
        return False
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return True
    for fd in descriptors:
        try:
            st = os.stat(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor, among others)
        if (st.st_dev, st.st_ino) in wanted:
            return True
    return False


def check_database(path: Path, *, thorough: bool = False) -> Health:
    """Examine an existing database file without changing it: header, identity, then every page.

    ``quick_check`` by default; ``thorough`` runs ``integrity_check``, which also finds
    index entries without rows (several times slower: the window runs it in a worker
    thread after its first paint, backups run it on every copy).
    """
    health = check_header(path)
    if health is not None:
        return health
    return check_identity(path) or _sqlite_check(path, thorough)


def check_header(path: Path) -> Health | None:
    """The cheap part of ``check_database``: size and header only (no SQLite).

    Returns the verdict when these settle it (damaged), or None when the pages
    still have to be checked (the header looks sound, or only SQLite can tell).
    Reads nothing while this process has the file open (module docstring).
    """
    size = path.stat().st_size
    wal = _companion_size(path, "-wal")
    if size == 0:
        if wal == 0:
            return Health(path, Problem.ZERO_BYTES, f"the database file {path} is empty (0 bytes)")
        # A brand-new database can live entirely in its WAL until the first checkpoint.
        return None
    wal_path = _companion(path, "-wal")
    if _open_in_this_process(path, wal_path):
        return None  # already open here: SQLite checks it (the header was checked when it was opened)
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
    application_id = int.from_bytes(header[68:72], "big")
    if application_id not in (0, APPLICATION_ID):
        return Health(
            path, Problem.NOT_PRIORITIZER, f"{path} is another application's SQLite database (application id {application_id:#x})"
        )
    if wal >= 32:
        with open(wal_path, "rb") as fh:
            wal_header = fh.read(32)
        wal_page_size = int.from_bytes(wal_header[8:12], "big")
        if int.from_bytes(wal_header[:4], "big") in WAL_MAGIC and wal_page_size != page_size:
            return Health(
                path,
                Problem.FOREIGN_WAL,
                f"the write-ahead log {wal_path.name} does not belong to {path} (its pages are {wal_page_size} bytes, "
                f"the database's {page_size}); both files were left as they are",
            )
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


def _identity(conn: sqlite3.Connection) -> str:
    """What a connection sees: "ours", "empty" (no table yet) or "foreign" (sqlite3 errors propagate)."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    if application_id == APPLICATION_ID:
        return "ours"
    if application_id != 0:
        return "foreign"
    if not tables:
        return "empty"
    if "settings" in tables and conn.execute("SELECT 1 FROM settings WHERE key = 'schema_version'").fetchone():
        return "ours"
    return "foreign"


def _read_only(path: Path, *, without_wal: bool = False) -> sqlite3.Connection:
    # mode=ro never writes the database or its WAL and never checkpoints; immutable=1 reads
    # the main file alone (without its WAL), taking no locks and creating no -wal/-shm.
    immutable = without_wal or not _companion(path, "-wal").exists()
    conn = sqlite3.connect(sqlite_uri(path, "ro", immutable=immutable), uri=True, timeout=10)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _view_of(path: Path, *, without_wal: bool) -> str:
    """The identity of the file as read with (or without) its WAL; "damaged" when SQLite cannot read it."""
    try:
        conn = _read_only(path, without_wal=without_wal)
    except sqlite3.Error as exc:
        _raise_if_disk(exc, path)
        return "damaged"
    try:
        kind = _identity(conn)
        if kind == "ours" and not without_wal:
            return kind
        if kind == "ours" and conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            return "damaged"
        return kind
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        _raise_if_disk(exc, path)
        return "damaged"
    finally:
        conn.close()


def check_identity(path: Path) -> Health | None:
    """Is this a Prioritizer database, and does its WAL belong to it? None when so (or when it is new and empty).

    Cheap (a read of ``sqlite_master``), so every open runs it: a WAL from another file
    would otherwise be applied, show no tables, and a new schema would be written over
    the user's data; another application's file would be adopted.
    """
    wal = _companion_size(path, "-wal")
    seen = _view_of(path, without_wal=False)
    if seen in ("ours", "empty") and not (seen == "empty" and wal and path.stat().st_size):
        return None
    if wal and _view_of(path, without_wal=True) == "ours":
        return Health(
            path,
            Problem.FOREIGN_WAL,
            f"the write-ahead log {_companion(path, '-wal').name} does not belong to {path} (read with it, the database "
            "is not Prioritizer's); both files were left as they are",
        )
    if seen == "damaged":
        return None  # the page check names the damage
    if seen == "empty":
        return None
    return Health(path, Problem.NOT_PRIORITIZER, f"{path} is another application's SQLite database, not Prioritizer's")


def _raise_if_disk(error: sqlite3.Error, path: Path) -> None:
    """A full disk or an I/O error met by a check is said as such (StorageError), never as damage."""
    plain = disk_error(error, path)
    if plain is not None and "read-only" not in str(plain):
        raise plain from error


def _sqlite_check(path: Path, thorough: bool = False) -> Health:
    try:
        conn = _read_only(path)
    except sqlite3.Error as exc:
        _raise_if_disk(exc, path)
        return Health(path, Problem.DAMAGED, f"the database file {path} cannot be opened ({exc})")
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check" if thorough else "PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "not a database" in text:
            return Health(path, Problem.NOT_A_DATABASE, f"{path} is not a database file ({text})")
        if "locked" in text or "busy" in text:
            raise  # in use, not damaged: let the caller report it as such
        _raise_if_disk(exc, path)
        return Health(path, Problem.DAMAGED, f"the database file {path} is damaged ({text})")
    finally:
        conn.close()
    if rows != ["ok"]:
        # SQLite's report spans lines ("*** in database main ***\nOn tree page 3..."): keep one short line.
        first = " ".join(str(rows[0]).replace("*** in database main ***", "").split())[:160]
        more = f" and {len(rows) - 1} more problems" if len(rows) > 1 else ""
        return Health(path, Problem.DAMAGED, f"the database file {path} has damaged pages ({first}{more})")
    return Health(path, Problem.OK)


def check_before_opening(path: Path, *, pages: bool = True) -> Health | None:
    """What must stop an existing file from being opened, or None: header, identity and (with ``pages``) every page.

    ``pages=False`` leaves out the page check (the window runs it in a worker thread
    after its first paint); the header and the identity are always checked.
    """
    health = check_header(path) or check_identity(path)
    if health is None and pages:
        health = _sqlite_check(path)
    return None if health is None or health.ok else health


def is_malformed(exc: BaseException) -> bool:
    """True for SQLite's own words for a damaged file (met while reading, after a header-only check)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text
