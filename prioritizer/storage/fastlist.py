"""Item views from rows, and the ``prioritizer list`` read path that needs no SQLAlchemy.

Two parts, both free of SQLAlchemy imports (importing it costs ~0.4 s, most of a
whole ``list`` command):

* ``row_view`` turns one row of ``LIST_COLUMNS`` into an ``ItemView``. Both
  ``Service.list_items`` and the read path below use it, so both show the same.
  An open item whose placement cache holds at ``now`` (placed at or before now,
  changing after it, consistent with its pin) takes quadrant, urgency and
  importance from the cache; its reasons are worked out by ``rules.place`` only
  when first read (``CachedPlacement``). Anything else is placed by the rules.
* ``read_list`` reads the open list straight from a SQLite file with the standard
  ``sqlite3`` module, reading only (see ``connect_reading``). It returns None, and the caller takes the
  ``Service`` path, whenever that path would do more than read: a database URL, a
  missing file, another schema version, a placement change or an ended meeting
  waiting for ``Service.refresh``, a file SQLite's ``quick_check`` (the pages
  check of the start-up damage check) does not call ok, and any sqlite3 error:
  the Service path then runs the whole start-up check and reports the damage. Reading
  commands take no automatic backup (the command line backs up after writes).
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from prioritizer.domain import rules
from prioritizer.domain.clock import UTC
from prioritizer.domain.values import (
    EARLIEST_MICROS,
    LATEST_MICROS,
    Importance,
    ItemFacts,
    ItemView,
    Kind,
    Placement,
    Policy,
    Quadrant,
    Status,
    clamp_micros,
)
from prioritizer.storage.location import sqlite_uri
from prioritizer.storage.ordering import ORDER_BY
from prioritizer.storage.version import SCHEMA_VERSION

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # models.EPOCH (models imports SQLAlchemy)
_LO, _HI = EARLIEST_MICROS, LATEST_MICROS  # the app's years (domain.clamp_micros)

# The columns every item view is built from, in row order. Instants are raw integer
# microseconds (no per-value type processing); row_view converts them.
LIST_COLUMNS = (
    "id", "kind", "title", "notes", "importance", "due", "estimate_minutes", "strategic", "delegated_to", "status",
    "created_at", "updated_at", "closed_at", "start", "end", "severity", "customer", "key_customer",
    "pinned_quadrant", "pinned_at", "quadrant", "urgent", "important", "placed_at", "changes_at", "version",
)  # fmt: skip
TIME_COLUMNS = frozenset({"due", "created_at", "updated_at", "closed_at", "start", "end", "pinned_at", "placed_at", "changes_at"})
NO_TIME = (0, False)
QUADRANT_ORDER = {q: i for i, q in enumerate(Quadrant)}

# Stored text to enum, for the row readers here and in listtext.py.
KINDS = {k.value: k for k in Kind}
IMPORTANCES = {i.value: i for i in Importance}
QUADRANTS = {q.value: q for q in Quadrant}
_STATUSES = {s.value: s for s in Status}
_OPEN = Status.OPEN
_QUADRANT_VALUE_OF = {(u, i): Quadrant.of(u, i).value for u in (False, True) for i in (False, True)}
_PLACEMENT_FIELDS = ("quadrant", "urgent", "important", "pinned", "reasons", "changes_at")


def to_micros(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (models.to_micros)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r} refused: every instant must carry a time zone")
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(value: int | None, _epoch: datetime = EPOCH, _td: type[timedelta] = timedelta) -> datetime | None:
    """UTC microseconds (as stored) to an aware datetime; defaults bound as locals: this runs per column.

    A value outside the app's years (an old file's year-9999 meeting) reads clamped, as ``models.from_micros``.
    """
    return None if value is None else _epoch + _td(0, 0, value if _LO <= value <= _HI else clamp_micros(value))


def _new(cls: type[Any], values: dict[str, Any]) -> Any:
    """An instance of a frozen dataclass from every field's value, without its __init__.

    The generated __init__ of a frozen dataclass sets each field through
    object.__setattr__ (~10 us for ItemView here): this fills the same __dict__ at
    once. ``values`` must name every field (the ones used here have no __post_init__).
    """
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


def row_facts(row: Sequence[Any], _epoch: datetime = EPOCH, _td: type[timedelta] = timedelta) -> ItemFacts:
    """The placement facts of one LIST_COLUMNS row (hot path: instants converted inline, as from_us)."""
    (_, kind, title, _, importance, due, _, strategic, _, status, created_at, _, _, start, end, severity, _,
     key_customer, pinned_q, pinned_at) = row[:20]  # fmt: skip
    facts: ItemFacts = _new(
        ItemFacts,
        {
            "kind": KINDS[kind],
            "title": title,
            "importance": IMPORTANCES[importance],
            "due": None if due is None else _epoch + _td(0, 0, due if _LO <= due <= _HI else clamp_micros(due)),
            "strategic": bool(strategic),
            "severity": severity,
            "key_customer": bool(key_customer),
            "start": None if start is None else _epoch + _td(0, 0, start if _LO <= start <= _HI else clamp_micros(start)),
            "end": None if end is None else _epoch + _td(0, 0, end if _LO <= end <= _HI else clamp_micros(end)),
            "created_at": None if created_at is None else (
                _epoch + _td(0, 0, created_at if _LO <= created_at <= _HI else clamp_micros(created_at))
            ),
            "pinned_quadrant": QUADRANTS[pinned_q] if pinned_q else None,
            "pinned_at": None if pinned_at is None else (
                _epoch + _td(0, 0, pinned_at if _LO <= pinned_at <= _HI else clamp_micros(pinned_at))
            ),
            "status": _STATUSES[status],
        },
    )
    return facts


class _StandsFor:
    """Equality and hash of a lazily filled subclass: those of the dataclass it stands for.

    ``_plain`` is that dataclass, ``_compared`` the fields its ``__eq__`` compares (read
    through ``getattr``, so a lazy field is filled first).
    """

    _plain: type[Any]
    _compared: tuple[str, ...]

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._compared)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, self._plain):
            return self._fields() == tuple(getattr(other, f) for f in self._compared)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())


class CachedPlacement(_StandsFor, Placement):
    """A placement read from the cache; ``reasons`` is filled by ``rules.place`` when first read.

    It equals (and hashes like) the Placement with the same fields; copies and
    pickles are plain Placements.
    """

    _plain = Placement
    _compared = _PLACEMENT_FIELDS

    def __getattr__(self, name: str) -> Any:  # only called for attributes not yet set
        if name != "reasons":
            raise AttributeError(name)
        row, now, policy = self.__dict__.pop("_source")
        reasons = rules.placement_fields(row_facts(row), now, policy)[4]
        object.__setattr__(self, "reasons", reasons)
        return reasons

    def __reduce__(self) -> tuple[Any, ...]:
        return (Placement, self._fields())


class _OrderReason:
    """``ReadItemView.order_reason``: the sentence made on first read, then kept in the view's own dict.

    Only ``__get__``: a value in the instance dict (set there on first read, or by the
    dataclass ``__init__`` of a copy) comes first.
    """

    def __get__(self, view: Any, owner: type[Any] | None = None) -> Any:
        if view is None:
            return ""  # the field's default, as on ItemView
        reason = rules.explain_rank_of(*view.__dict__.pop("_order_source"))
        view.__dict__["order_reason"] = reason
        return reason


class ReadItemView(_StandsFor, ItemView):
    """An ItemView read from a row; ``order_reason`` is worked out when first read.

    Most views are never asked why they sit where they do in their quadrant (the
    details panel asks for one): the sentence cost ~4 us per view, a fifth of making
    it. It equals (and hashes like) the ItemView with the same fields; copies and
    pickles are plain ItemViews.
    """

    _plain = ItemView
    _compared = tuple(f.name for f in fields(ItemView) if f.compare)
    order_reason = _OrderReason()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_plain_view, (tuple(getattr(self, f) for f in _VIEW_FIELDS),))


def _plain_view(values: tuple[Any, ...]) -> ItemView:
    return ItemView(**dict(zip(_VIEW_FIELDS, values, strict=True)))


_VIEW_FIELDS = tuple(f.name for f in fields(ItemView))


def row_view(
    row: Sequence[Any],
    now: datetime,
    now_us: int,
    policy: Policy,
    minutes: tuple[int, bool],
    _epoch: datetime = EPOCH,
    _td: type[timedelta] = timedelta,
) -> ItemView:
    """An ItemView from one LIST_COLUMNS row (hot path: one call per listed item).

    An open item whose placement cache holds at ``now`` (placed at or before it,
    changing after it, consistent with its pin) takes its placement from the
    cache, with the reasons worked out when first read; anything else is placed
    by ``rules.place`` now.
    """
    (item_id, kind, title, notes, importance, due, estimate, strategic, delegated_to, status,
     created_at, updated_at, closed_at, start, end, severity, customer, key_customer, pinned_q, pinned_at,
     quadrant, urgent, important, placed_at, changes_at, version) = row  # fmt: skip
    kind_e = KINDS[kind]
    importance_e = IMPORTANCES[importance]
    due_dt = None if due is None else _epoch + _td(0, 0, due if _LO <= due <= _HI else clamp_micros(due))
    start_dt = None if start is None else _epoch + _td(0, 0, start if _LO <= start <= _HI else clamp_micros(start))
    created = _epoch + _td(0, 0, created_at if _LO <= created_at <= _HI else clamp_micros(created_at))
    placement: Placement | None = None
    if status == "open" and placed_at is not None and placed_at <= now_us and (changes_at is None or changes_at > now_us):
        urgent, important = bool(urgent), bool(important)
        if (
            (quadrant == pinned_q and changes_at is None)
            if pinned_q
            else (quadrant == _QUADRANT_VALUE_OF[urgent, important] and not (urgent and changes_at is not None))
        ):
            placement = _new(CachedPlacement, {
                "quadrant": QUADRANTS[quadrant], "urgent": urgent, "important": important, "pinned": bool(pinned_q),
                "changes_at": None if changes_at is None else (
                    _epoch + _td(0, 0, changes_at if _LO <= changes_at <= _HI else clamp_micros(changes_at))
                ),
                "_source": (row, now, policy),
            })  # fmt: skip
    if placement is None:
        placement = rules.place(row_facts(row), now, policy)
    view: ItemView = _new(
        ReadItemView,
        {
            "id": item_id,
            "kind": kind_e,
            "title": title,
            "notes": notes,
            "importance": importance_e,
            "due": due_dt,
            "estimate_minutes": estimate,
            "strategic": bool(strategic),
            "delegated_to": delegated_to,
            "status": _STATUSES[status],
            "created_at": created,
            "updated_at": created if updated_at is None else (
                _epoch + _td(0, 0, updated_at if _LO <= updated_at <= _HI else clamp_micros(updated_at))
            ),
            "closed_at": None if closed_at is None else (
                _epoch + _td(0, 0, closed_at if _LO <= closed_at <= _HI else clamp_micros(closed_at))
            ),
            "start": start_dt,
            "end": None if end is None else _epoch + _td(0, 0, end if _LO <= end <= _HI else clamp_micros(end)),
            "severity": severity,
            "customer": customer,
            "key_customer": bool(key_customer),
            "placement": placement,
            "pinned_at": None if pinned_at is None else (
                _epoch + _td(0, 0, pinned_at if _LO <= pinned_at <= _HI else clamp_micros(pinned_at))
            ),
            "minutes_spent": minutes[0],
            "timer_running": minutes[1],
            "version": version,
            "rank": rules.rank_of(kind_e, importance_e, due_dt, severity, start_dt, created, now),
            "_order_source": (kind_e, importance_e, due_dt, severity, start_dt, now),
        },
    )
    return view


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: building 10,000 acyclic views otherwise runs it ~150 times."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_views(
    rows: Sequence[Sequence[Any]],
    now: datetime,
    policy: Policy,
    minutes: dict[int, tuple[int, bool]],
    quadrant: Quadrant | None = None,
) -> list[ItemView]:
    """Views of rows, ordered by open first, quadrant, then ``rules.rank``."""
    now_us = to_micros(now)
    get = minutes.get
    with paused_gc():
        keyed = _keyed_views(rows, now, now_us, policy, get, quadrant)
    keyed.sort(key=_first)
    return [view for _, view in keyed]


def _keyed_views(
    rows: Sequence[Sequence[Any]], now: datetime, now_us: int, policy: Policy, get: Any, quadrant: Quadrant | None
) -> list[tuple[Any, ItemView]]:
    keyed = []
    for row in rows:
        view = row_view(row, now, now_us, policy, get(row[0], NO_TIME))
        q = view.placement.quadrant
        if quadrant is not None and q is not quadrant:
            continue  # the cache said yes, the clock (moved back by --now) says no
        keyed.append(((view.status is not _OPEN, QUADRANT_ORDER[q], *view.rank), view))
    return keyed


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


# --------------------------------------------------------------- policy text
def _minutes_delta(value: str) -> timedelta:
    return timedelta(minutes=float(value))


def _weekdays(value: str) -> tuple[int, ...]:
    return tuple(int(d) for d in value.split(",") if d)


# stored key (after "policy.") -> (Policy attribute, parse stored text). Service stores them.
POLICY_PARSERS: dict[str, tuple[str, Any]] = {
    "urgency_horizon_minutes": ("urgency_horizon", _minutes_delta),
    "proactive_target": ("proactive_target", float),
    "work_start_minute": ("work_start_minute", int),
    "work_end_minute": ("work_end_minute", int),
    "work_days": ("work_days", _weekdays),
    "forgotten_timer_minutes": ("forgotten_timer", _minutes_delta),
}


POLICY_SQL = "SELECT key, value FROM settings WHERE key LIKE 'policy.%'"  # also Service.policy_in's read


def read_policy(conn: sqlite3.Connection) -> Policy:
    """The stored policy, read with sqlite3 (the snapshot readers)."""
    return policy_from(dict(conn.execute(POLICY_SQL).fetchall()))


def policy_from(stored: dict[str, str]) -> Policy:
    """The Policy from the stored ``policy.*`` settings (missing or unreadable keys keep their defaults).

    An unreadable value (text where a number belongs, a span past any date) would otherwise
    stop every command and the window with Python's own words; setting it again stores a good one.
    """
    values: dict[str, object] = {}
    for key, (attr, parse) in POLICY_PARSERS.items():
        if f"policy.{key}" in stored:
            try:
                values[attr] = parse(stored[f"policy.{key}"])
            except (ValueError, TypeError, OverflowError):
                continue
    return Policy(**values)  # type: ignore[arg-type]


# ------------------------------------------------------------------ SQL text
def column_sql(name: str) -> str:
    """An items column as SQL (``end`` is a keyword: quoted)."""
    return f'items."{name}"' if name == "end" else f"items.{name}"


LIST_SELECT = "SELECT " + ", ".join(column_sql(n) for n in LIST_COLUMNS) + " FROM items"
# Minutes spent per item, in two reads: the closed entries summed (an open entry's NULL end adds
# nothing), then the running ones, which count up to now. One sum(coalesce("end", :now) - start)
# with a max() for the timer cost a third more on the 33,000 entries of 2,000 open items.
MINUTES_SQL = 'SELECT item_id, sum("end" - start) FROM time_entries WHERE item_id IN ({ids}) GROUP BY item_id'
RUNNING_SQL = 'SELECT item_id, start FROM time_entries WHERE "end" IS NULL AND item_id IN ({ids})'
# Service._refresh_pending in SQL: a placement change due, or an ended meeting not yet counted.
PENDING_SQL = (
    "SELECT 1 FROM items WHERE status = 'open' AND changes_at <= :now "
    'UNION ALL SELECT 1 FROM items WHERE kind = \'meeting\' AND "end" IS NOT NULL AND "end" <= :now '
    "AND skipped = 0 AND status != 'dropped' "
    "AND NOT EXISTS (SELECT time_entries.id FROM time_entries WHERE time_entries.item_id = items.id) LIMIT 1"
)


def read_minutes(conn: sqlite3.Connection, ids: str, params: dict[str, Any], now_us: int) -> dict[int, tuple[int, bool]]:
    """Minutes spent and timer state of the items ``ids`` (SQL selecting item ids) names, as Service._minutes."""
    spent: dict[int, int | None] = dict(conn.execute(MINUTES_SQL.format(ids=ids), params).fetchall())
    running = set()
    for item_id, start in conn.execute(RUNNING_SQL.format(ids=ids), params):
        spent[item_id] = (spent.get(item_id) or 0) + now_us - start
        running.add(item_id)
    return {item_id: (round((micros or 0) / 60_000_000), item_id in running) for item_id, micros in spent.items()}


# ------------------------------------------------------------- the read path
@dataclass(frozen=True)
class FastList:
    """What ``read_list`` read: the views, and the clock and zone they were made with."""

    views: list[ItemView]
    now: datetime
    tz: tzinfo


def database_file(option: str | None) -> Path | None:
    """The database file a command would open, or None for a URL (as db.resolve_location)."""
    location = option or os.environ.get("PRIORITIZER_DB") or ""
    if not location:
        import platformdirs

        return platformdirs.user_data_path("prioritizer") / "prioritizer.sqlite3"
    if "://" in location:
        return None
    return Path(location).expanduser()


def connect_reading(path: Path) -> sqlite3.Connection | None:
    """A connection that only reads and leaves the files as it found them; None to take the Service path.

    With a -wal file present (a writer has the database open) the connection is
    read-only (``mode=ro``). Without one, a read-only connection would create
    -wal and -shm and leave them behind (only a writer removes them), which the
    command line takes for a write (and backs up): then the file is opened
    read-write (``mode=rw`` never creates it) with ``PRAGMA query_only``, so, like
    the Service path, the last connection removes them on close; the WAL it made
    is empty, so closing writes nothing to the database. A rollback journal left
    by a crash: the Service path (its start-up check runs before anything writes).
    """
    if path.with_name(path.name + "-journal").exists():
        return None
    mode = "ro" if path.with_name(path.name + "-wal").exists() else "rw"
    try:
        conn = sqlite3.connect(sqlite_uri(path, mode), uri=True, timeout=5, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only=ON")
    except sqlite3.Error:
        conn.close()
        return None
    return conn


def schema_is_current(conn: sqlite3.Connection) -> bool:
    """Whether the file has this version's schema (anything else: the Service path migrates or refuses it)."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'schema_version'").fetchone()
    return bool(row == (str(SCHEMA_VERSION),))


@contextmanager
def read_snapshot(option: str | None, now_us: int) -> Iterator[sqlite3.Connection | None]:
    """A read transaction on the database file with every Service-path precondition met, or None.

    None (take the Service path) for: a URL or missing file, a crash journal, a damaged
    file (``quick_check``, as the start-up check), another schema version, or work
    that ``Service.refresh`` would do first (placement changes due, meetings to count).
    """
    path = database_file(option)
    conn = connect_reading(path) if path is not None and path.is_file() else None
    if conn is None:
        yield None
        return
    try:
        conn.execute("BEGIN")  # one snapshot for every read
        ok = (
            conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            and schema_is_current(conn)
            and conn.execute(PENDING_SQL, {"now": now_us}).fetchone() is None
        )
    except sqlite3.Error:
        ok = False
    try:
        yield conn if ok else None
    finally:
        conn.close()


def read_list(
    option: str | None,
    now: datetime | None,
    tz: tzinfo,
    quadrant: Quadrant | None = None,
    include_closed: bool = False,
) -> FastList | None:
    """The list ``Service.list_items`` would return, read with sqlite3; None to take the Service path."""
    current = now if now is not None else datetime.now(UTC)
    now_us = to_micros(current)
    with read_snapshot(option, now_us) as conn:
        if conn is None:
            return None
        try:
            views = read_views(conn, current, quadrant, include_closed)
        except (sqlite3.Error, KeyError, ValueError, TypeError, OverflowError):
            return None  # damaged, locked, unexpected contents: the Service path says what is wrong
    return FastList(views, current, tz)


def read_views(
    conn: sqlite3.Connection,
    now: datetime,
    quadrant: Quadrant | None = None,
    include_closed: bool = False,
    *,
    policy: Policy | None = None,
    ids: Sequence[int] | None = None,
) -> list[ItemView]:
    """``Service.list_items``'s views, read on an open sqlite3 connection (sqlite3 and value errors propagate).

    ``read_list`` (the command line), ``deferred.open_snapshot`` (the window's first paint) and
    ``Service.list_items(ids=...)`` (the window's reload of what a change touched) all read here.
    """
    policy = policy if policy is not None else read_policy(conn)
    now_us = to_micros(now)
    where, params = [], {"now": now_us}
    if not include_closed:
        where.append("items.status = 'open'")
    if quadrant is not None:
        where.append("items.quadrant = :quadrant")
        params["quadrant"] = quadrant.value  # type: ignore[assignment]
    if ids is not None:
        where.append("items.id IN (SELECT value FROM json_each(:ids))")  # one statement text for any number
        params["ids"] = "[" + ",".join(str(int(i)) for i in ids) + "]"  # type: ignore[assignment]  # a JSON array
    condition = (" WHERE " + " AND ".join(where)) if where else ""
    order = "" if include_closed else f" ORDER BY {ORDER_BY}"  # as Service.list_items
    with paused_gc():
        rows = conn.execute(LIST_SELECT + condition + order, params).fetchall()
    minutes = read_minutes(conn, "SELECT items.id FROM items" + condition, params, now_us)
    return build_views(rows, now, policy, minutes, quadrant)
