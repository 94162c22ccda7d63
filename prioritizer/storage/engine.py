"""Opening the database: where it lives, connection pragmas, schema version and migrations.

Location, first match wins: the ``--db`` option, ``PRIORITIZER_DB``, then
``platformdirs.user_data_path("prioritizer") / "prioritizer.sqlite3"``. Either
may be a path or a SQLAlchemy URL (``postgresql+psycopg://...``).

Migrations are a numbered list of functions in ``MIGRATIONS`` (see
ARCHITECTURE.md for why not Alembic). Each runs in its own transaction with the
version bump, so a failed step leaves the previous version intact.
"""

from __future__ import annotations

import errno
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

from prioritizer.domain.values import DatabaseBusyError as DatabaseBusyError  # re-exported: callers import it from here too
from prioritizer.domain.values import InputError
from prioritizer.domain.values import StorageError as StorageError  # re-exported: callers import it from here too
from prioritizer.storage.errors import ForeignDatabaseError as ForeignDatabaseError  # re-exported
from prioritizer.storage.errors import SchemaTooNewError as SchemaTooNewError  # re-exported
from prioritizer.storage.errors import disk_error as disk_error  # re-exported
from prioritizer.storage.files import fsync_folder, pid_alive
from prioritizer.storage.location import (  # re-exported: callers import them from here too
    APP_NAME as APP_NAME,
)
from prioritizer.storage.location import (
    DB_FILENAME as DB_FILENAME,
)
from prioritizer.storage.location import (
    data_dir as data_dir,
)
from prioritizer.storage.location import (
    is_url as is_url,
)
from prioritizer.storage.location import (
    resolve_location as resolve_location,
)
from prioritizer.storage.location import (
    sqlite_path as sqlite_path,
)
from prioritizer.storage.schema import Base, Setting
from prioritizer.storage.version import APPLICATION_ID as APPLICATION_ID  # re-exported
from prioritizer.storage.version import SCHEMA_VERSION as SCHEMA_VERSION  # re-exported: migrate reads it from here

if TYPE_CHECKING:
    pass

READ_ONLY = "prioritizer_read_only"  # execution option of read-only units


def _prepare_file(path: Path) -> None:
    """Create the database file owner-only before SQLite opens it (WAL/SHM inherit the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")  # tells our files from other applications'
            conn.execute("PRAGMA journal_mode=WAL")  # writes the header page
        finally:
            conn.close()
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(partial, path)
        except FileExistsError:
            pass  # another process won the race; use its file
        else:
            fsync_folder(path.parent)  # the new name survives a crash too
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def storage_errors(path: Path | None = None) -> Iterator[None]:
    """Turn SQLite's disk-full and I/O errors into one plain StorageError (data safety).

    A write lock held by another process past the busy timeout becomes DatabaseBusyError
    (a StorageError) with one line saying so, never the raw "database is locked".

    SQLite has already rolled the transaction back when these surface, so the
    message can promise that nothing was saved and nothing saved before was lost.
    """
    try:
        yield
    except OperationalError as exc:
        plain = disk_error(exc, path)
        if plain is not None:
            raise plain from exc
        if "database is locked" in str(exc.orig if exc.orig is not None else exc).lower():
            raise DatabaseBusyError(DatabaseBusyError.MESSAGE) from exc  # SQLITE_BUSY after the busy timeout
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


def make_engine(location: str, *, create: bool = True) -> Engine:
    """An engine for a path or URL, with pragmas set on every SQLite connection.

    A missing SQLite file is created (owner-only, with its folder) only when ``create``;
    otherwise InputError says there is no database there. The health check of an
    existing file is ``Service.open``'s, before this.
    """
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
        if not create and not path.exists():
            raise InputError(
                f"there is no database at {str(path)!r}: 'prioritizer add', 'import' and 'demo' create one, and so does the window"
            )
        try:
            _prepare_file(path)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise StorageError("the disk is full: nothing was saved; free some space and try again") from exc
            blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
            reason = f"{str(blocker)!r} is a file, not a folder" if blocker is not None else (exc.strerror or str(exc))
            raise InputError(f"cannot create the database {str(path)!r}: {reason}") from exc
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


def _add_item_version(conn: Connection) -> None:
    """3: the row version of each item (models.Item.version), 1 for every existing row, and its index."""
    conn.exec_driver_sql("ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    index = next(i for i in Base.metadata.tables["items"].indexes if i.name == "ix_items_version")
    index.create(conn)  # no checkfirst: reflecting the expression index of step 2 only warns, and this step runs once


# The notes the user's placement changes were written with before schema 4 (services/service.py).
_ACTION_NOTES = {"move": "moved by you", "unpin": "pin cleared: the rules decide", "undo": "undone", "reopen": "reopened"}


def _add_triage_action(conn: Connection) -> None:
    """4: what the user did, as a field of each triage-log row (models.TriageLog.action), NULL for the rules' rows.

    Earlier rows get theirs from the exact note this code wrote with each action, once,
    here: from now on nothing reads a note to learn what happened.
    """
    conn.exec_driver_sql("ALTER TABLE triage_log ADD COLUMN action VARCHAR(16)")
    for action, note in _ACTION_NOTES.items():
        conn.execute(
            text("UPDATE triage_log SET action = :action WHERE actor = 'user' AND note = :note"), {"action": action, "note": note}
        )


MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _add_open_rank_index, 3: _add_item_version, 4: _add_triage_action}


def schema_version(engine: Engine) -> int:
    """The schema version of a database (0 for an empty one).

    Read in a read-only (deferred) transaction: every command opening a Service reads it,
    and under BEGIN IMMEDIATE a reading command waited for a long import to finish.
    """
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        if not inspect(conn).has_table("settings"):
            return 0
        return _get_version(conn)


def _stamp_application_id(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


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
            # A schema is written only into an empty database: tables without our version
            # mark another application's file (or a WAL that is not this file's).
            if inspect(conn).get_table_names():
                raise ForeignDatabaseError(
                    "the database holds another application's tables, not Prioritizer's: it was not changed; "
                    "give --db the path of a Prioritizer database"
                )
            _stamp_application_id(conn)
            Base.metadata.create_all(conn)
            conn.execute(
                text("INSERT INTO settings (key, value) VALUES ('schema_version', :v)"),
                {"v": str(SCHEMA_VERSION)},
            )
        return SCHEMA_VERSION
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with engine.execution_options(**{READ_ONLY: True}).connect() as conn:  # no write lock for a look
            stamped = conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
        if not stamped:  # a file from a version before the stamp; a read-only file stays as it is
            try:
                with engine.begin() as conn:
                    _stamp_application_id(conn)
            except OperationalError:
                pass
    if current < SCHEMA_VERSION and before_migration is not None:
        before_migration(current)
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with engine.begin() as conn:
            MIGRATIONS[version](conn)
            _set_version(conn, version)
    return SCHEMA_VERSION


def use_busy_timeout(engine: Engine, milliseconds: int) -> None:
    """From now on, wait at most ``milliseconds`` for another connection's write lock (SQLite only).

    The window sets a short one: its thread must not stand still for the default five
    seconds, and it tries a refused write again itself (``ui/bus.py``). Set at every
    checkout, so connections the pool already holds follow it too.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(milliseconds)}")
        cursor.close()
