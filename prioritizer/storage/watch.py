"""Changes committed elsewhere (the command line beside the window, later other people): one poll.

``ChangeWatcher.poll()`` returns what others committed since the last poll as a
``Changes`` value (``elsewhere=True``), or None when nothing changed. The window
announces it on its bus like one of its own operations, so every view reloads
only its part; the Qt side owns only the timer that calls ``poll``. A server
database will feed the same ``poll`` from LISTEN/NOTIFY payloads (team mode);
``watcher_for`` returns None for one until then.

SQLite (``SQLiteWatcher``): ``PRAGMA data_version`` changes on a connection when
another connection commits, and only then. It is read on a connection of the
Service's pool (in the window's one-thread use, the one its writes use, so its own
commits do not wake the watcher); the value seen is kept with that connection,
because each connection counts for itself. Nothing else is read while it stays
the same: one pragma per poll, no query. When it moved, one read transaction finds
what changed from high-water marks, each an indexed range:

- items whose version is above the highest seen, or whose id is (added, edited,
  pinned, done, dropped, reopened: ``models.Item.version`` only grows);
- items with triage-log rows after the last seen one (placed again by the rules
  or the policy in the other process);
- items with time entries after the last seen one, and the running timer compared
  with the one seen (started, stopped, logged elsewhere);
- the stored policy compared with the one seen.

What it does not see at once: a finished time entry edited in place elsewhere
(``entry-edit``), which shows at the next reload of its item. Changes this process
made itself may be reported again when another connection's commit wakes the
watcher; reloading them again is harmless.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Protocol

from prioritizer.domain.values import Changes
from prioritizer.storage.readmodel import POLICY_PATTERN

if TYPE_CHECKING:
    from sqlalchemy import Engine

_SEEN = "prioritizer.data_version"  # key of the value seen, in the pooled connection's info

_MARKS_SQL = (
    "SELECT (SELECT coalesce(max(version), 0) FROM items), (SELECT coalesce(max(id), 0) FROM items), "
    "(SELECT coalesce(max(id), 0) FROM triage_log), (SELECT coalesce(max(id), 0) FROM time_entries)"
)
_ITEMS_SQL = "SELECT id FROM items WHERE version > ? UNION SELECT id FROM items WHERE id > ?"
_PLACED_SQL = "SELECT DISTINCT item_id FROM triage_log WHERE id > ?"
_LOGGED_SQL = "SELECT DISTINCT item_id FROM time_entries WHERE id > ?"
_RUNNING_SQL = 'SELECT id, item_id FROM time_entries WHERE "end" IS NULL'
_POLICY_SQL = "SELECT key, value FROM settings WHERE key LIKE ?"  # the stored policy's rows (readmodel.read_policy)


class ChangeWatcher(Protocol):
    """Finds what others committed since the last poll."""

    def poll(self) -> Changes | None:
        """What changed elsewhere since the last poll (``elsewhere=True``), or None."""

    def close(self) -> None:
        """Stop watching (releases what it holds)."""


class SQLiteWatcher:
    """A ChangeWatcher for a SQLite file (see the module docstring).

    The marks are taken when it is made: changes committed before are the caller's to read.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._marks: tuple[int, int, int, int] = (0, 0, 0, 0)
        self._running: frozenset[tuple[int, int]] = frozenset()
        self._policy: list[tuple[str, str]] = []
        self._closed = False
        self._read(None)

    def poll(self) -> Changes | None:
        """What others committed since the last poll; None (after one pragma) when nothing."""
        if self._closed:
            return None
        pooled = self._engine.raw_connection()
        try:
            raw = pooled.driver_connection
            assert isinstance(raw, sqlite3.Connection)  # noqa: S101 - a SQLite engine
            version = raw.execute("PRAGMA data_version").fetchone()[0]
            if pooled.info.get(_SEEN) == version:
                return None
            pooled.info[_SEEN] = version
        finally:
            pooled.close()
        changes = self._read(self._marks)
        return None if changes.empty else changes

    def close(self) -> None:
        """Stop watching (the pool keeps its connections; nothing else is held)."""
        self._closed = True

    def _read(self, marks: tuple[int, int, int, int] | None) -> Changes:
        """Read the new marks and, given the old ones, what changed since them (one snapshot)."""
        pooled = self._engine.raw_connection()
        try:
            raw = pooled.driver_connection
            assert isinstance(raw, sqlite3.Connection)  # noqa: S101 - a SQLite engine
            if marks is None:
                pooled.info[_SEEN] = raw.execute("PRAGMA data_version").fetchone()[0]
            raw.execute("BEGIN")  # deferred: a read snapshot that never takes the write lock
            try:
                new_marks = raw.execute(_MARKS_SQL).fetchone()
                running = frozenset(raw.execute(_RUNNING_SQL).fetchall())
                policy = sorted(raw.execute(_POLICY_SQL, (POLICY_PATTERN,)).fetchall())
                ids: set[int] = set()
                logged: set[int] = set()
                if marks is not None:
                    version, item_id, log_id, entry_id = marks
                    ids.update(row[0] for row in raw.execute(_ITEMS_SQL, (version, item_id)))
                    ids.update(row[0] for row in raw.execute(_PLACED_SQL, (log_id,)))
                    logged.update(row[0] for row in raw.execute(_LOGGED_SQL, (entry_id,)))
            finally:
                raw.execute("COMMIT")
        finally:
            pooled.close()
        timer = {item for _, item in running ^ self._running}
        policy_changed = marks is not None and policy != self._policy
        self._marks = (int(new_marks[0]), int(new_marks[1]), int(new_marks[2]), int(new_marks[3]))
        self._running, self._policy = running, policy
        if marks is None:
            return Changes()
        time = bool(logged or timer)
        return Changes(items=frozenset(ids | logged | timer), time=time, policy=policy_changed, elsewhere=True)


def watcher_for(engine: Engine) -> ChangeWatcher | None:
    """The watcher for the engine's database, or None where none exists yet (a server database)."""
    if engine.dialect.name != "sqlite":
        return None
    return SQLiteWatcher(engine)
