"""SQLAlchemy 2 typed models: items, time entries, the triage log and settings.

Instants are stored by ``UTCDateTime`` as integer microseconds since the Unix
epoch (UTC): exact round trips, plain integer arithmetic for aggregation in SQL,
and the same on SQLite and PostgreSQL. Naive datetimes are refused.

Each item also caches its current placement (``quadrant``, ``urgent``,
``important``, ``placed_at``, ``changes_at``) so the open list is one indexed
query; the rules in ``rules.py`` stay the single source of truth for it.

``Item.version`` is the row version of what people set (fields, pin, status): the
window passes the version it read with every write and ``Service`` refuses one
made on a stale copy (``StaleItemError``). It is SQLAlchemy's ``version_id_col``
(every ORM UPDATE also checks the version it loaded), set here only when a row is
added or a column people set changed: the rules re-placing an item (the cached
placement) and time entries do not make the window's copy stale. A new version is
the highest stored one plus one (read once per write transaction, which holds the
write lock), so versions only grow across the whole table and "what changed since
version N" is one indexed range (``watch.py``, ``ix_items_version``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, event, inspect, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, object_session, relationship
from sqlalchemy.types import TypeDecorator

from prioritizer.domain.values import EPOCH, clamp_micros
from prioritizer.storage.ordering import COVERED_COLUMNS, ORDER_EXPRESSIONS


def to_micros(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r} refused: every instant must carry a time zone")
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    """The aware UTC datetime for microseconds since the epoch, within the app's years.

    A value an older version stored outside them (a year-9999 meeting) reads clamped
    (``domain.clamp_micros``): every view can show it, none fails on it.
    """
    return EPOCH + timedelta(microseconds=clamp_micros(value))


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC microseconds; naive values are refused."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> int | None:
        """Aware datetime to UTC microseconds."""
        return None if value is None else to_micros(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """UTC microseconds to an aware datetime."""
        return None if value is None else from_micros(int(value))


class Base(DeclarativeBase):
    """Declarative base with the UTC datetime mapping."""

    type_annotation_map = {datetime: UTCDateTime}


class Item(Base):
    """A task, meeting or escalation."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    importance: Mapped[str] = mapped_column(String(16), default="normal")
    due: Mapped[datetime | None]
    estimate_minutes: Mapped[int | None] = mapped_column(Integer)
    strategic: Mapped[bool] = mapped_column(Boolean, default=False)
    delegated_to: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # Meetings
    start: Mapped[datetime | None]
    end: Mapped[datetime | None]
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    uid: Mapped[str | None] = mapped_column(Text, unique=True)  # calendar UID for re-imports
    # Escalations
    severity: Mapped[int | None] = mapped_column(Integer)
    customer: Mapped[str | None] = mapped_column(Text)
    key_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    # Pin
    pinned_quadrant: Mapped[str | None] = mapped_column(String(16))
    pinned_at: Mapped[datetime | None]
    # Cached placement (see module docstring)
    quadrant: Mapped[str] = mapped_column(String(16), default="eliminate")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    placed_at: Mapped[datetime | None]
    changes_at: Mapped[datetime | None]
    # Row version of what people set (module docstring); schema 3.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    entries: Mapped[list[TimeEntry]] = relationship(back_populates="item", cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_items_status_quadrant", "status", "quadrant"),
        Index("ix_items_status_changes_at", "status", "changes_at"),
        Index("ix_items_closed_at", "closed_at"),
        # Ended meetings not yet counted as time: a range over meetings, not a table scan.
        Index("ix_items_kind_end", "kind", "end"),
        # The open list in rules.rank's order, read from the index alone: no sort (ordering.py).
        Index("ix_items_open_rank", "status", *(text(f"({e})") for e in ORDER_EXPRESSIONS), *COVERED_COLUMNS),
        # What changed since version N (watch.py), and the next version (max + 1): both read the index alone.
        Index("ix_items_version", "version"),
    )
    # The application sets the version (_bump_version); the ORM still checks the loaded one on UPDATE.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


# What the rules and the clock write by themselves: a change of these alone is not a new version.
_NOT_VERSIONED = frozenset({"id", "version", "updated_at", "quadrant", "urgent", "important", "placed_at", "changes_at"})
VERSIONED_COLUMNS = tuple(c.key for c in Item.__table__.columns if c.key not in _NOT_VERSIONED)
_VERSIONED = frozenset(VERSIONED_COLUMNS)


_NEXT_VERSION = "prioritizer.next_version"  # Session.info key: (transaction, the version its writes get)


def _next_version(connection: Connection, item: Item) -> int:
    """The version every item written in this transaction gets: the highest stored one plus one."""
    session = object_session(item)
    transaction = session.get_transaction() if session is not None else None
    cached = session.info.get(_NEXT_VERSION) if session is not None else None
    if cached is not None and cached[0] is transaction:
        return int(cached[1])
    # Driver SQL: no statement to build or look up (a drop writes one item; this runs once per write).
    value = int(connection.exec_driver_sql("SELECT max(version) FROM items").scalar() or 0) + 1
    if session is not None:
        session.info[_NEXT_VERSION] = (transaction, value)
    return value


@event.listens_for(Item, "before_insert")
def _first_version(_mapper: Mapper[Item], connection: Connection, item: Item) -> None:
    """A new item's version: above every stored one, so a watcher finds it by version too."""
    item.version = _next_version(connection, item)


@event.listens_for(Item, "before_update")
def _bump_version(_mapper: Mapper[Item], connection: Connection, item: Item) -> None:
    """A new row version when a column people set changed (the UPDATE is then made with it).

    ``committed_state`` holds the value before the first change of each attribute set since
    the load: only those few are compared (a value set back to what it was is no change).
    """
    before = inspect(item).committed_state
    if any(name in _VERSIONED and before[name] != getattr(item, name) for name in before):
        item.version = _next_version(connection, item)


class TimeEntry(Base):
    """A span of work on an item, attributed to the quadrant it was in then."""

    __tablename__ = "time_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    start: Mapped[datetime]
    end: Mapped[datetime | None]
    quadrant: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[Item] = relationship(back_populates="entries")

    __table_args__ = (
        Index("ix_entries_start", "start"),
        # Covering index: minutes per item are summed from the index alone.
        Index("ix_entries_item_span", "item_id", "start", "end"),
        Index("ix_entries_running", "end"),
        # balance.py: MAX("end" - start) bounds how far back an entry overlapping a day can start.
        # Parenthesised: PostgreSQL takes an expression key only in parentheses; SQLite reads
        # both forms as the same expression, so files made with the bare form keep their index.
        Index("ix_entries_span", text('("end" - start)')),
    )


class TriageLog(Base):
    """Every placement change: when, from, to, and whether the rules or the user made it."""

    __tablename__ = "triage_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    from_quadrant: Mapped[str | None] = mapped_column(String(16))
    to_quadrant: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str | None] = mapped_column(String(16))  # a TriageAction for the user's changes (schema 4)

    __table_args__ = (Index("ix_triage_item_at", "item_id", "at"), Index("ix_triage_at", "at"))


class Incident(Base):
    """An incident-mode session, kept for the weekly review.

    The id lists are JSON arrays of item ids (small, read whole, never queried inside).
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    title: Mapped[str] = mapped_column(Text, default="")
    captured_ids: Mapped[str] = mapped_column(Text, default="[]")
    moved_ids: Mapped[str] = mapped_column(Text, default="[]")
    delegated_ids: Mapped[str] = mapped_column(Text, default="[]")
    done_ids: Mapped[str] = mapped_column(Text, default="[]")
    minutes_logged: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_incidents_started", "started_at"),)


class Setting(Base):
    """Key/value settings stored with the data (the policy, the schema version)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
