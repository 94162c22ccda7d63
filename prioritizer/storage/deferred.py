"""A Service that opens after the window's first paint: reads before then come from one sqlite3 snapshot.

Importing SQLAlchemy and opening the engine costs about a third of a second and
30 MiB before anything can be shown. The window only needs a few reads to paint
the matrix (the open items, the running timer, the policy), so ``open_snapshot``
reads exactly those with the standard ``sqlite3`` module, and ``DeferredService``
answers them from that snapshot until ``materialize()`` opens the real
``Service`` (the window does once the first paint is done). Any other attribute opens the real Service at once and is
taken from it, so nothing the window does can go wrong: at worst it waits.

``open_snapshot`` returns None (open the Service as before) whenever the real
open would do more than read: a URL, a missing file (created on open), a crash
journal, another schema version (a migration), or a file sqlite3 cannot read
(the damage dialog of ``Service.open``). Placement changes that fell due are
shown as the rules place them now (``fastlist.row_view``); the real Service
records them when the window's re-sort timer fires right after ``materialize``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from prioritizer.domain.clock import utcnow
from prioritizer.domain.values import EntrySource, ItemView, Policy, Quadrant, TimeEntryView
from prioritizer.storage.fastlist import connect_reading, from_us, read_policy, read_views, schema_is_current
from prioritizer.storage.location import sqlite_path

if TYPE_CHECKING:
    from prioritizer.services.service import Service

_RUNNING_SQL = (
    'SELECT id, item_id, start, "end", quadrant, source, note FROM time_entries WHERE "end" IS NULL '
    "ORDER BY start DESC LIMIT 1"
)


class Snapshot:
    """What the first paint reads, read once in one transaction."""

    def __init__(self, views: list[ItemView], running: TimeEntryView | None, policy: Policy):
        self.views = views
        self.running = running
        self.policy = policy


def open_snapshot(location: str, now: datetime | None, tz: tzinfo) -> Snapshot | None:
    """The first paint's reads from a SQLite file, or None when ``Service.open`` must run first (see module doc)."""
    path = sqlite_path(location)
    if path is None or not path.is_file():
        return None
    conn = connect_reading(path)  # None for a crash journal
    if conn is None:
        return None
    current = now if now is not None else utcnow()
    try:
        conn.execute("BEGIN")
        if not schema_is_current(conn):
            return None
        policy = read_policy(conn)
        views = read_views(conn, current, policy=policy)
        running_row = conn.execute(_RUNNING_SQL).fetchone()
        running = None
        if running_row is not None:
            entry_id, item_id, start, _, quadrant, source, note = running_row
            start_dt = from_us(start)
            assert start_dt is not None  # noqa: S101 - NOT NULL column
            running = TimeEntryView(entry_id, item_id, start_dt, None, Quadrant(quadrant), EntrySource(source), note or "")
    except (sqlite3.Error, KeyError, ValueError, TypeError, OverflowError):
        return None  # unreadable or unexpected: Service.open says what is wrong
    finally:
        conn.close()
    return Snapshot(views, running, policy)


class DeferredService:
    """Stands in for a ``Service`` until ``materialize()``; see the module docstring.

    The reads the snapshot holds are answered from it while the Service is not
    open (``list_items`` only for the whole open list, as the window loads it);
    everything else opens the Service (``opener``) and delegates to it.
    """

    def __init__(self, snapshot: Snapshot, opener: Callable[[], Service], now: datetime | None, tz: tzinfo) -> None:
        self._snapshot: Snapshot | None = snapshot
        self._opener = opener
        self._real: Service | None = None
        self._fixed_now = now
        self.tz = tz
        self.materialized: list[Callable[[Service], None]] = []  # called once the Service is open

    @property
    def is_open(self) -> bool:
        """Whether the real Service is open."""
        return self._real is not None

    def materialize(self) -> Service:
        """The real Service, opened now if it is not yet (importing SQLAlchemy)."""
        if self._real is None:
            self._real = self._opener()
            self._snapshot = None
            for callback in self.materialized:
                callback(self._real)
        return self._real

    def close(self) -> None:
        """Release the Service's connections (nothing to do before it opened)."""
        if self._real is not None:
            self._real.close()

    def now(self) -> datetime:
        """The current instant, as the Service will see it."""
        if self._real is not None:
            return self._real.now()
        return self._fixed_now if self._fixed_now is not None else utcnow()

    def policy(self) -> Policy:
        """The stored policy."""
        return self._snapshot.policy if self._snapshot is not None else self.materialize().policy()

    def list_items(
        self, quadrant: Quadrant | None = None, include_closed: bool = False, ids: Any = None, *, refresh: bool = True
    ) -> list[ItemView]:
        """The open list from the snapshot; any other list from the Service."""
        if self._snapshot is not None and quadrant is None and not include_closed and ids is None:
            return list(self._snapshot.views)
        return self.materialize().list_items(quadrant, include_closed, ids, refresh=refresh)

    def running(self) -> TimeEntryView | None:
        """The running timer."""
        return self._snapshot.running if self._snapshot is not None else self.materialize().running()

    def __getattr__(self, name: str) -> Any:
        # Only reached for what this class does not define: the Service has it.
        if name.startswith("__") or name in ("_snapshot", "_opener", "_real", "_fixed_now"):
            raise AttributeError(name)
        return getattr(self.materialize(), name)
