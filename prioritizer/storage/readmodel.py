"""The one read model: item views and the stored policy, read in SQL through SQLAlchemy Core.

Writes go through the ORM inside ``Service.unit()``; reads of items as the window
and the command line show them come from here (the reports read through their own
modules). Every function takes a ``Connection`` in the caller's transaction, so a
list, its minutes and the policy it was placed under come from one snapshot.

The SQL is plain text with bound parameters (``text()``) and runs unchanged on
SQLite and PostgreSQL. Instants are read as the stored integer microseconds and
made aware UTC datetimes here (``schema.from_micros``, which clamps an old file's
out-of-range value). Every view is placed by ``rules.place`` at ``now``: the cached
placement in the row serves the SQL (the open list's index order, what changes
next); ``cache_holds`` says when a reader that skips the rules may trust it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, text

from prioritizer.domain import rules
from prioritizer.domain.values import Importance, ItemFacts, ItemView, Kind, Policy, Quadrant, Status
from prioritizer.storage.ordering import ORDER_BY
from prioritizer.storage.schema import from_micros, to_micros

# The columns every item view is built from, in row order (instants as integer microseconds).
LIST_COLUMNS = (
    "id", "kind", "title", "notes", "importance", "due", "estimate_minutes", "strategic", "delegated_to", "status",
    "created_at", "updated_at", "closed_at", "start", "end", "severity", "customer", "key_customer",
    "pinned_quadrant", "pinned_at", "quadrant", "urgent", "important", "placed_at", "changes_at", "version",
)  # fmt: skip
COLUMN = {name: i for i, name in enumerate(LIST_COLUMNS)}
INSTANT_COLUMNS = frozenset({"due", "created_at", "updated_at", "closed_at", "start", "end", "pinned_at", "placed_at", "changes_at"})
_SELECT = "SELECT " + ", ".join(f'items."{n}"' if n == "end" else f"items.{n}" for n in LIST_COLUMNS) + " FROM items"

# Minutes spent per item and whether its timer runs: a running entry counts up to now.
_MINUTES_SQL = (
    'SELECT item_id, CAST(sum(coalesce("end", :now) - start) AS BIGINT), '
    'max(CASE WHEN "end" IS NULL THEN 1 ELSE 0 END) FROM time_entries '
    "WHERE item_id IN ({ids}) GROUP BY item_id"
)
_QUADRANT_ORDER = {q: i for i, q in enumerate(Quadrant)}


def _instant(value: int | None) -> datetime | None:
    return None if value is None else from_micros(value)


# ------------------------------------------------------------------ policy
def _minutes_delta(value: str) -> timedelta:
    return timedelta(minutes=float(value))


def _weekdays(value: str) -> tuple[int, ...]:
    return tuple(int(d) for d in value.split(",") if d)


POLICY_PREFIX = "policy."
POLICY_PATTERN = POLICY_PREFIX + "%"  # the stored policy's keys, for LIKE
# stored key (after "policy.") -> (Policy attribute, parse the stored text, the text to store)
POLICY_KEYS: dict[str, tuple[str, Callable[[str], object], Callable[[Policy], object]]] = {
    "urgency_horizon_minutes": ("urgency_horizon", _minutes_delta, lambda p: p.urgency_horizon.total_seconds() / 60),
    "proactive_target": ("proactive_target", float, lambda p: p.proactive_target),
    "work_start_minute": ("work_start_minute", int, lambda p: p.work_start_minute),
    "work_end_minute": ("work_end_minute", int, lambda p: p.work_end_minute),
    "work_days": ("work_days", _weekdays, lambda p: ",".join(map(str, p.work_days))),
    "forgotten_timer_minutes": ("forgotten_timer", _minutes_delta, lambda p: p.forgotten_timer.total_seconds() / 60),
}


def policy_from(stored: Mapping[str, str]) -> Policy:
    """The Policy from the stored ``policy.*`` settings (missing or unreadable keys keep their defaults).

    An unreadable value (text where a number belongs, a span past any date) would otherwise
    stop every command and the window with Python's own words; setting it again stores a good one.
    """
    values: dict[str, object] = {}
    for key, (attr, parse, _) in POLICY_KEYS.items():
        if POLICY_PREFIX + key in stored:
            try:
                values[attr] = parse(stored[POLICY_PREFIX + key])
            except (ValueError, TypeError, OverflowError):
                continue
    return Policy(**values)  # type: ignore[arg-type]


def policy_settings(policy: Policy) -> dict[str, str]:
    """The settings rows (key, text) that store ``policy``."""
    return {POLICY_PREFIX + key: str(dump(policy)) for key, (_, _, dump) in POLICY_KEYS.items()}


def read_policy(conn: Connection) -> Policy:
    """The stored policy."""
    rows = conn.execute(text("SELECT key, value FROM settings WHERE key LIKE :pattern"), {"pattern": POLICY_PATTERN})
    return policy_from({key: value for key, value in rows})


# --------------------------------------------------------------- placement
_KINDS = {k.value: k for k in Kind}
_IMPORTANCES = {i.value: i for i in Importance}
_STATUSES = {s.value: s for s in Status}
_QUADRANTS = {q.value: q for q in Quadrant}


def _facts(
    kind: str, title: str, importance: str, due: datetime | None, strategic: bool, severity: int | None,
    key_customer: bool, start: datetime | None, end: datetime | None, created_at: datetime | None,
    pinned_quadrant: str | None, pinned_at: datetime | None, status: str,
) -> ItemFacts:  # fmt: skip
    """The one place an item's stored fields become placement facts (enums from their stored texts)."""
    return ItemFacts(
        kind=_KINDS[kind],
        title=title,
        importance=_IMPORTANCES[importance],
        due=due,
        strategic=bool(strategic),
        severity=severity,
        key_customer=bool(key_customer),
        start=start,
        end=end,
        created_at=created_at,
        pinned_quadrant=_QUADRANTS[pinned_quadrant] if pinned_quadrant else None,
        pinned_at=pinned_at,
        status=_STATUSES[status],
    )


def facts_of(item: Any) -> ItemFacts:
    """The placement facts of anything with an item's stored fields and aware datetimes (an ORM ``Item``)."""
    return _facts(
        item.kind, item.title, item.importance, item.due, item.strategic, item.severity, item.key_customer,
        item.start, item.end, item.created_at, item.pinned_quadrant, item.pinned_at, item.status,
    )  # fmt: skip


def row_facts(row: Sequence[Any]) -> ItemFacts:
    """The placement facts of one ``LIST_COLUMNS`` row (instants as stored integers)."""
    return _row(row)[1]


def _row(row: Sequence[Any]) -> tuple[tuple[Any, ...], ItemFacts]:
    """A ``LIST_COLUMNS`` row with its instants as aware datetimes, and its placement facts."""
    (item_id, kind, title, notes, importance, due, estimate, strategic, delegated_to, status, created_at,
     updated_at, closed_at, start, end, severity, customer, key_customer, pinned_q, pinned_at) = row[:20]  # fmt: skip
    due, start, end, created_at = _instant(due), _instant(start), _instant(end), _instant(created_at)
    pinned_at = _instant(pinned_at)
    facts = _facts(kind, title, importance, due, strategic, severity, key_customer, start, end, created_at, pinned_q,
                   pinned_at, status)  # fmt: skip
    values = (item_id, notes, estimate, delegated_to, created_at, _instant(updated_at), _instant(closed_at), customer,
              pinned_at, row[COLUMN["version"]])  # fmt: skip
    return values, facts


def cache_holds(row: Sequence[Any], now_us: int) -> bool:
    """Whether the placement cached in a ``LIST_COLUMNS`` row is the rules' answer at ``now_us``.

    The rules wrote it at ``placed_at`` for the span until ``changes_at``; it holds for an
    open item inside that span whose cached quadrant is the one its pin or its urgency and
    importance give (a pin never changes by itself).
    """
    status, quadrant, pinned = row[COLUMN["status"]], row[COLUMN["quadrant"]], row[COLUMN["pinned_quadrant"]]
    placed_at, changes_at = row[COLUMN["placed_at"]], row[COLUMN["changes_at"]]
    if status != Status.OPEN.value or placed_at is None or placed_at > now_us:
        return False
    if changes_at is not None and changes_at <= now_us:
        return False
    if pinned:
        return bool(quadrant == pinned and changes_at is None)
    urgent, important = bool(row[COLUMN["urgent"]]), bool(row[COLUMN["important"]])
    return bool(quadrant == Quadrant.of(urgent, important).value)


def _view(row: Sequence[Any], now: datetime, policy: Policy, minutes: tuple[int, bool]) -> ItemView:
    (item_id, notes, estimate, delegated_to, created_at, updated_at, closed_at, customer, pinned_at, version), facts = _row(row)
    return ItemView(
        id=item_id,
        kind=facts.kind,
        title=facts.title,
        notes=notes,
        importance=facts.importance,
        due=facts.due,
        estimate_minutes=estimate,
        strategic=facts.strategic,
        delegated_to=delegated_to,
        status=facts.status,
        created_at=created_at,
        updated_at=updated_at or created_at,
        closed_at=closed_at,
        start=facts.start,
        end=facts.end,
        severity=facts.severity,
        customer=customer,
        key_customer=facts.key_customer,
        placement=rules.place(facts, now, policy),
        pinned_at=pinned_at,
        minutes_spent=minutes[0],
        timer_running=minutes[1],
        version=version,
        rank=rules.rank(facts, now),
        order_reason=rules.explain_rank(facts, now),
    )


# ------------------------------------------------------------------ reads
def minutes_spent(conn: Connection, now: datetime, ids_sql: str, params: Mapping[str, Any]) -> dict[int, tuple[int, bool]]:
    """Minutes spent and timer state of the items the SQL ``ids_sql`` selects (its ``params`` bound)."""
    statement = text(_MINUTES_SQL.format(ids=ids_sql))
    if "ids" in params:
        statement = statement.bindparams(bindparam("ids", expanding=True))
    rows = conn.execute(statement, {**params, "now": to_micros(now)})
    return {item_id: (round((micros or 0) / 60_000_000), bool(running)) for item_id, micros, running in rows}


def item_views(
    conn: Connection,
    now: datetime,
    policy: Policy,
    *,
    quadrant: Quadrant | None = None,
    include_closed: bool = False,
    ids: Sequence[int] | None = None,
) -> list[ItemView]:
    """Item views placed at ``now``: open first, by quadrant, then how pressing (``rules.rank``).

    ``quadrant`` keeps one quadrant, ``include_closed`` adds done and dropped items,
    ``ids`` reads only those items. The open list is read in the order of the index
    ``ix_items_open_rank`` (``ordering.ORDER_BY``); the sort here only moves what the
    rules place elsewhere than the cache (a ``--now`` before an item's last placement).
    """
    where: list[str] = []
    params: dict[str, Any] = {}
    if not include_closed:
        where.append("items.status = 'open'")
    if quadrant is not None:
        where.append("items.quadrant = :quadrant")
        params["quadrant"] = quadrant.value
    if ids is not None:
        if not ids:
            return []
        where.append("items.id IN :ids")
        params["ids"] = [int(i) for i in ids]
    condition = (" WHERE " + " AND ".join(where)) if where else ""
    order = "" if include_closed else f" ORDER BY {ORDER_BY}"
    statement = text(_SELECT + condition + order)
    if ids is not None:
        statement = statement.bindparams(bindparam("ids", expanding=True))
    rows = conn.execute(statement, params).all()
    minutes = minutes_spent(conn, now, "SELECT items.id FROM items" + condition, params)
    keyed = []
    for row in rows:
        view = _view(row, now, policy, minutes.get(row[0], (0, False)))
        if quadrant is not None and view.quadrant is not quadrant:
            continue  # the cache said yes, the clock (moved back by --now) says no
        keyed.append(((view.status is not Status.OPEN, _QUADRANT_ORDER[view.quadrant], view.rank), view))
    keyed.sort(key=lambda pair: pair[0])
    return [view for _, view in keyed]
