"""Opening the database: where it lives, connection pragmas, schema version and migrations.

Location, first match wins: the ``--db`` option, ``PRIORITIZER_DB``, then
``platformdirs.user_data_path("prioritizer") / "prioritizer.sqlite3"``. Either
may be a path or a SQLAlchemy URL (``postgresql+psycopg://...``).

Migrations are a numbered list of functions in ``MIGRATIONS`` (see
ARCHITECTURE.md for why not Alembic). Each runs in its own transaction with the
version bump, so a failed step leaves the previous version intact.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from .domain import InputError
from .location import (  # re-exported: callers import them from here too
    APP_NAME as APP_NAME,
)
from .location import (
    DB_FILENAME as DB_FILENAME,
)
from .location import (
    data_dir as data_dir,
)
from .location import (
    is_url as is_url,
)
from .location import (
    resolve_location as resolve_location,
)
from .location import (
    sqlite_path as sqlite_path,
)
from .models import Base, Setting

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SCHEMA_VERSION = 2
READ_ONLY = "prioritizer_read_only"  # execution option of read-only units


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Prioritizer; it is left untouched."""


def _prepare_file(path: Path) -> None:
    """Create the database file owner-only before SQLite opens it (WAL/SHM inherit the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _create_database_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(0o600)


def _create_database_file(path: Path) -> None:
    """Create a new, valid, empty WAL database file atomically (data safety).

    Built under a temporary name and linked into place, so a process killed at
    any moment leaves either no file or a valid one, never the 0-byte file the
    start-up check would rightly call damaged. ``link`` (unlike ``rename``)
    fails if another process created the file meanwhile: nobody is overwritten.
    """
    import sqlite3

    from .lock import pid_alive

    for leftover in path.parent.glob(f".{path.name}.creating-*"):  # from a process killed mid-creation
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)
    partial = path.with_name(f".{path.name}.creating-{os.getpid()}")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        conn = sqlite3.connect(str(partial), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # writes the header page
        finally:
            conn.close()
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(partial, path)
        except FileExistsError:
            pass  # another process won the race; use its file
    finally:
        partial.unlink(missing_ok=True)


from .domain import DatabaseBusyError as DatabaseBusyError  # noqa: E402 - re-exported: callers import it from here too
from .domain import StorageError as StorageError  # noqa: E402 - re-exported: callers import it from here too


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn SQLite's disk-full and I/O errors into one plain StorageError (data safety).

    A write lock held by another process past the busy timeout becomes DatabaseBusyError
    (a StorageError) with one line saying so, never the raw "database is locked".

    SQLite has already rolled the transaction back when these surface, so the
    message can promise that nothing was saved and nothing saved before was lost.
    """
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig if exc.orig is not None else exc).lower()
        if "full" in text:
            raise StorageError("the disk is full: nothing was saved; free some space and try again") from exc
        if "disk i/o error" in text:
            raise StorageError("the disk refused the write (I/O error): nothing was saved; check the disk and try again") from exc
        if "readonly" in text:
            raise StorageError("the database file is read-only: nothing was saved; check its permissions") from exc
        if "database is locked" in text:  # SQLITE_BUSY after the busy timeout (5 s): a long write elsewhere
            raise DatabaseBusyError(DatabaseBusyError.MESSAGE) from exc
        raise


def _sqlite_connect_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Autocommit at the driver level, so these pragmas run outside a transaction
        # and SQLAlchemy's begin event below controls transactions itself.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front: a second process waits (busy
        # timeout) instead of failing half-way when a read turns into a write.
        # Read-only units (execution option READ_ONLY) begin deferred: WAL lets them
        # run beside a writer and they never take the write lock.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_connection(session: Session) -> sqlite3.Connection | None:
    """The session's own sqlite3 connection (in its transaction), or None for another database.

    For reads whose plain SQL on it costs less than SQLAlchemy's statement and row handling.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    raw = connection.connection.driver_connection
    return raw if isinstance(raw, sqlite3.Connection) else None


def make_engine(location: str) -> Engine:
    """An engine for a path or URL, with pragmas set on every SQLite connection."""
    if is_url(location):
        try:
            url = make_url(location)
        except ArgumentError as exc:
            raise InputError(f"cannot read the database URL {location!r}") from exc
    else:
        url = URL.create("sqlite", database=str(Path(location).expanduser()))
    path = sqlite_path(location)
    if path is not None:
        if path.is_dir():
            raise InputError(f"database path {str(path)!r} is a folder, not a file")
        if path.exists():
            # Data safety: refuse a damaged file before anything opens it (never auto-repair).
            from .integrity import ensure_healthy

            ensure_healthy(location, path)
        _prepare_file(path)
    engine = create_engine(url)
    if url.get_backend_name() == "sqlite":
        _sqlite_connect_hooks(engine)
    return engine


def _get_version(conn: Connection) -> int:
    value = conn.scalar(select(Setting.value).where(Setting.key == "schema_version"))
    return int(value) if value is not None else 0


def _set_version(conn: Connection, version: int) -> None:
    conn.execute(
        text("UPDATE settings SET value = :v WHERE key = 'schema_version'"),
        {"v": str(version)},
    )


# version -> step that turns the previous version into this one.
def _add_open_rank_index(conn: Connection) -> None:
    """2: the open list's order as an index (models.Item, ``ix_items_open_rank``)."""
    index = next(i for i in Base.metadata.tables["items"].indexes if i.name == "ix_items_open_rank")
    index.create(conn, checkfirst=True)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _add_open_rank_index}


def schema_version(engine: Engine) -> int:
    """The schema version of a database (0 for an empty one).

    Read in a read-only (deferred) transaction: every command opening a Service reads it,
    and under BEGIN IMMEDIATE a reading command waited for a long import to finish.
    """
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        if not inspect(conn).has_table("settings"):
            return 0
        return _get_version(conn)


def migrate(engine: Engine, before_migration: Callable[[int], None] | None = None) -> int:
    """Create or upgrade the schema; returns the version now in force.

    ``before_migration(old_version)`` runs before any step on an existing
    database (the backup hook). A database from a newer version is refused.
    """
    current = schema_version(engine)
    if current > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"this database has schema version {current}, newer than this Prioritizer "
            f"understands ({SCHEMA_VERSION}): upgrade Prioritizer; the file was not changed"
        )
    if current == 0:
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
            conn.execute(
                text("INSERT INTO settings (key, value) VALUES ('schema_version', :v)"),
                {"v": str(SCHEMA_VERSION)},
            )
        return SCHEMA_VERSION
    if current < SCHEMA_VERSION and before_migration is not None:
        before_migration(current)
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with engine.begin() as conn:
            MIGRATIONS[version](conn)
            _set_version(conn, version)
    return SCHEMA_VERSION
