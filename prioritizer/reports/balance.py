"""Where the time went: firefighting versus proactive work, per local day, aggregated in SQL.

Every minute counts in the quadrant its time entry carries: the quadrant the item
was in while the minute was worked (``services`` splits a running entry when its
item moves). Firefighting is Do + Delegate, proactive is Schedule, low value is
Eliminate.

Days are the user's local days, cut in Python with ``clock.day_bounds`` (a day
with a daylight-saving change lasts 23 or 25 hours) and handed to one SQL query
as a ``VALUES`` table; durations are UTC microsecond differences computed in SQL,
each entry clipped to each day it touches, so an entry longer than a day is split
across days and a running entry counts up to now. Python only reshapes the few
grouped rows the query returns.

Qt-free: the window, the command line and the weekly review all use this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from prioritizer.domain.clock import day_bounds, local_date, week_range
from prioritizer.domain.values import EARLIEST_MICROS, LATEST_MICROS, InputError, Kind, Quadrant
from prioritizer.storage.schema import to_micros

if TYPE_CHECKING:  # SQLAlchemy is imported by the Service path only: `prioritizer balance` may do without it
    from sqlalchemy import TextClause
    from sqlalchemy.orm import Session

    from prioritizer.services.service import Service

# Runs SQL text with named parameters (``:name``) and returns the rows. The SQL of this
# module is plain and portable (SQLite and PostgreSQL), so one text serves every runner.
Run = Callable[[str, dict[str, Any]], list[Any]]


def session_run(session: Session) -> Run:
    """A runner over a SQLAlchemy session: ``text()`` with bound parameters, in the session's transaction.

    Rows are fetched at once (``Result.all``): a year's review reads thousands of them.
    """
    return lambda sql, params: list(session.execute(_text(sql), params).all())


@lru_cache(maxsize=64)
def _text(sql: str) -> TextClause:
    """The ``text()`` of a statement, built once: parsing a year's hundreds of placeholders is work a repeat need not redo."""
    from sqlalchemy import text

    return text(sql)


MICROS_PER_MINUTE = 60_000_000
MAX_RANGE_DAYS = 3700  # about ten years: plenty for a report, bounded for the SQL text

GROUPS: dict[str, tuple[Quadrant, ...]] = {
    "firefighting": (Quadrant.DO, Quadrant.DELEGATE),
    "proactive": (Quadrant.SCHEDULE,),
    "low_value": (Quadrant.ELIMINATE,),
}


@dataclass(frozen=True)
class DayBalance:
    """Minutes tracked on one local day."""

    day: date
    firefighting_minutes: float
    proactive_minutes: float
    low_value_minutes: float
    by_quadrant: dict[str, float] = field(default_factory=dict)

    @property
    def total_minutes(self) -> float:
        """Every tracked minute of the day."""
        return self.firefighting_minutes + self.proactive_minutes + self.low_value_minutes


@dataclass(frozen=True)
class Balance:
    """Minutes tracked over a range of local days (both ends included).

    Attributes:
        start / end: first and last local day of the range.
        proactive_share: proactive / total tracked, 0 when nothing was tracked.
        target_share: the policy's proactive target (0..1).
        by_day: one DayBalance per day of the range, empty days included.
        by_quadrant: minutes per quadrant key (do, schedule, delegate, eliminate).
        by_kind: minutes per item kind (task, meeting, escalation).
    """

    start: date
    end: date
    firefighting_minutes: float
    proactive_minutes: float
    low_value_minutes: float
    proactive_share: float
    target_share: float
    by_day: list[DayBalance]
    by_quadrant: dict[str, float]
    by_kind: dict[str, float]

    @property
    def total_minutes(self) -> float:
        """Every tracked minute of the range."""
        return self.firefighting_minutes + self.proactive_minutes + self.low_value_minutes

    def share(self, group: str) -> float:
        """The share (0..1) of tracked time in a group: firefighting, proactive or low_value."""
        total = self.total_minutes
        return group_minutes(self.by_quadrant, group) / total if total else 0.0

    @property
    def on_target(self) -> bool:
        """Whether the proactive share reaches the target."""
        return self.proactive_share >= self.target_share


def day_json(day: DayBalance, digits: int) -> dict[str, Any]:
    """One day of ``by_day[]`` in the JSON of ``balance --json`` and ``review --json``, minutes rounded to ``digits``.

    The day is under both keys: ``date`` (the balance's) and ``day`` (the review's); DESIGN.md: extend, never rename.
    """
    return {
        "date": day.day.isoformat(),
        "day": day.day.isoformat(),
        "firefighting_minutes": round(day.firefighting_minutes, digits),
        "proactive_minutes": round(day.proactive_minutes, digits),
        "low_value_minutes": round(day.low_value_minutes, digits),
        "by_quadrant": {k: round(v, digits) for k, v in day.by_quadrant.items()},
    }


def group_minutes(by_quadrant: dict[str, float], group: str) -> float:
    """Minutes of a group (firefighting, proactive, low_value) from per-quadrant minutes."""
    return sum(by_quadrant.get(q.value, 0.0) for q in GROUPS[group])


# ------------------------------------------------------------------ days
def today(service: Service) -> date:
    """The service's current local date."""
    return local_date(service.now(), service.tz)


# -------------------------------------------------------------------- SQL
def _check_range(start: date, end: date) -> None:
    if end < start:
        raise InputError(f"the range ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InputError(f"a range of {(end - start).days + 1} days is too long; the limit is {MAX_RANGE_DAYS} days")


def _window_of(days: Sequence[date], tz: tzinfo) -> tuple[int, int]:
    """The UTC microseconds from the start of the first local day to the end of the last."""
    return to_micros(day_bounds(days[0], tz)[0]), to_micros(day_bounds(days[-1], tz)[1])


def longest_span(run: Run, now_us: int) -> int:
    """The longest entry in microseconds (running ones counted up to now).

    It bounds how far before a day an overlapping entry can start, so the main
    query scans ``ix_entries_start`` over a short window instead of the whole
    table. ``ix_entries_span`` (an index on ("end" - start)) answers the first
    MAX without a scan, ``ix_entries_running`` the second.
    """
    closed = run('SELECT MAX("end" - start) FROM time_entries', {})[0][0]
    running = run('SELECT MIN(start) FROM time_entries WHERE "end" IS NULL', {})[0][0]
    longest = int(closed or 0)
    if running is not None:
        longest = max(longest, now_us - int(running))
    # An old file's entry from year 1 to 9999 would overflow SQLite's integers as a bound;
    # no entry can be longer than the app's whole range of years (domain.clamp_micros).
    return min(max(longest, 0), LATEST_MICROS - EARLIEST_MICROS)


def _reach(run: Run, now: datetime) -> dict[str, int]:
    """The parameters every span query takes: now, and the longest entry (``longest_span``)."""
    now_us = to_micros(now)
    return {"now": now_us, "longest": longest_span(run, now_us)}


def _clipped_micros(lo: str, hi: str) -> str:
    """SQL: an entry's (``e``) microseconds inside [lo, hi); a running entry counts up to ``:now``."""
    return (
        f'(CASE WHEN COALESCE(e."end", :now) < {hi} THEN COALESCE(e."end", :now) ELSE {hi} END)'
        f" - (CASE WHEN e.start > {lo} THEN e.start ELSE {lo} END)"
    )


def _positive(expr: str) -> str:
    """SQL: ``expr`` when above zero, else 0 (two-argument MAX is SQLite's, GREATEST PostgreSQL's)."""
    return f"(CASE WHEN {expr} > 0 THEN {expr} ELSE 0 END)"


def _reaches_into(lo: str, hi: str) -> str:
    """SQL: the entry ``e`` overlaps [lo, hi); ``:longest`` bounds how early it can start (``longest_span``)."""
    return f'e.start >= {lo} - :longest AND e.start < {hi} AND (e."end" > {lo} OR (e."end" IS NULL AND :now > {lo}))'


_QUADRANTS = tuple(q.value for q in Quadrant)
_KINDS = tuple(k.value for k in Kind)


def _sums(column: str, keys: Sequence[str], micros: str) -> str:
    """SQL: one text "a,b,..." of the summed ``micros`` per key of ``column`` (0 for none).

    A correlated subquery returns one value, so a day's four quadrant sums travel
    as one text; Python splits it (``_split``). Each sum is cast to BIGINT: PostgreSQL
    sums BIGINTs as NUMERIC, and the text must read as whole microseconds on both.
    """
    return " || ',' || ".join(f"CAST(COALESCE(SUM(CASE WHEN {column} = '{key}' THEN {micros} END), 0) AS BIGINT)" for key in keys)


def _split(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def _window_rows(
    run: Run, windows: Sequence[tuple[int, int]], reach: dict[str, int], what: str, source: str, counted: str
) -> list[Any]:
    """(idx, "a,b,...") per (lo, hi) window of UTC microseconds: ``what`` summed over the entries reaching into it.

    Each window is one correlated subquery over ``ix_entries_start`` with no
    GROUP BY: grouping the clipped entries by day sorted every one of them (a
    temporary B-tree), which cost more than reading them. ``counted`` leaves out
    the span of a meeting marked skipped after it was counted: it never happened.

    The windows are a VALUES list of bound parameters (two per window; a range is at
    most ``MAX_RANGE_DAYS`` days, well inside SQLite's and PostgreSQL's limits), so the
    text depends only on how many windows there are and repeats for every week.
    """
    values = ", ".join(f"({idx}, :lo{idx}, :hi{idx})" for idx in range(len(windows)))
    params: dict[str, Any] = dict(reach)
    for idx, (lo, hi) in enumerate(windows):
        params[f"lo{idx}"], params[f"hi{idx}"] = lo, hi
    sql = f"""
        WITH w(idx, lo, hi) AS (VALUES {values})
        SELECT w.idx, (SELECT {what} FROM {source} WHERE {_reaches_into("w.lo", "w.hi")} AND {counted}) FROM w
    """  # noqa: S608 - the inlined parts are our own placeholders and constants
    return run(sql, params)


def _day_micros(run: Run, days: Sequence[date], tz: tzinfo, reach: dict[str, int]) -> list[list[int]]:
    """Tracked microseconds per quadrant (in ``Quadrant`` order) of each local day, clipped to the day.

    No join to items: only a meeting's entry looks its item up (is it skipped?).
    """
    if not days:
        return []
    micros = _positive(_clipped_micros("w.lo", "w.hi"))
    rows = _window_rows(
        run,
        [_window_of((day,), tz) for day in days],
        reach,
        _sums("e.quadrant", _QUADRANTS, micros),
        "time_entries AS e",
        "NOT (e.source = 'meeting' AND (SELECT skipped FROM items WHERE id = e.item_id))",
    )
    result = [[0] * len(_QUADRANTS) for _ in days]
    for idx, text in rows:
        result[idx] = _split(text)
    return result


def _kind_micros(run: Run, windows: Sequence[tuple[int, int]], reach: dict[str, int]) -> list[dict[str, int]]:
    """Tracked microseconds per item kind in each (lo, hi) window of UTC microseconds.

    Entries in a quadrant the balance does not know are left out, as the days leave them out.
    """
    if not windows:
        return []
    micros = _positive(_clipped_micros("w.lo", "w.hi"))
    known = ", ".join(f"'{q}'" for q in _QUADRANTS)
    rows = _window_rows(
        run,
        windows,
        reach,
        _sums("i.kind", _KINDS, micros),
        "time_entries AS e JOIN items AS i ON i.id = e.item_id",
        f"e.quadrant IN ({known}) AND NOT (e.source = 'meeting' AND i.skipped)",
    )
    result = [dict.fromkeys(_KINDS, 0) for _ in windows]
    for idx, text in rows:
        result[idx] = dict(zip(_KINDS, _split(text), strict=True))
    return result


def _item_rows(
    run: Run, first: date, last: date, tz: tzinfo, reach: dict[str, int], quadrants: Sequence[str] | None, most: int | None
) -> list[Any]:
    """(item_id, title, kind, microseconds) tracked from the start of ``first`` to the end of ``last``, most first.

    The same clipped spans as the days over one window, but summed per item (and per
    meeting-or-not, for skipped meetings) before the join to items, and ordered and
    cut in SQL: a year's top ten items is one pass over its entries and ten rows.
    With every item in the balance's quadrants, the kinds give the range's ``by_kind``
    (``period_time``).
    """
    lo, hi = _window_of((first, last), tz)
    params: dict[str, Any] = {**reach, "lo": lo, "hi": hi}
    kept = ""
    if quadrants is not None:
        params.update({f"q{n}": q for n, q in enumerate(quadrants)})
        kept = " AND e.quadrant IN (" + ", ".join(f":q{n}" for n in range(len(quadrants))) + ")"
    top = "" if most is None else f" LIMIT {int(most)}"
    sql = f"""
        WITH clipped AS (
            SELECT e.item_id AS item_id, e.source = 'meeting' AS meeting,
                   {_clipped_micros(":lo", ":hi")} AS micros
            FROM time_entries AS e
            WHERE {_reaches_into(":lo", ":hi")}{kept}
        ),
        per AS (SELECT item_id, meeting, SUM(micros) AS micros FROM clipped WHERE micros > 0 GROUP BY item_id, meeting)
        SELECT per.item_id, i.title, i.kind, CAST(SUM(per.micros) AS BIGINT) AS micros
        FROM per JOIN items AS i ON i.id = per.item_id
        WHERE NOT (per.meeting AND i.skipped)
        GROUP BY per.item_id, i.title, i.kind
        ORDER BY micros DESC, per.item_id{top}
    """  # noqa: S608 - the inlined parts are our own numbers and placeholders
    return run(sql, params)


def _days_of(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _build(start: date, days: Sequence[date], day_micros: Sequence[Sequence[int]], kind_micros: dict[str, int], target: float) -> Balance:
    """A Balance from each day's microseconds per quadrant (``_day_micros``) and the range's per kind."""
    by_day = []
    for day, micros in zip(days, day_micros, strict=True):
        quads = {q: m / MICROS_PER_MINUTE for q, m in zip(_QUADRANTS, micros, strict=True)}
        by_day.append(
            DayBalance(
                day=day,
                firefighting_minutes=group_minutes(quads, "firefighting"),
                proactive_minutes=group_minutes(quads, "proactive"),
                low_value_minutes=group_minutes(quads, "low_value"),
                by_quadrant=quads,
            )
        )
    by_quadrant = {q: sum(d.by_quadrant[q] for d in by_day) for q in _QUADRANTS}
    firefighting = group_minutes(by_quadrant, "firefighting")
    proactive = group_minutes(by_quadrant, "proactive")
    low_value = group_minutes(by_quadrant, "low_value")
    total = firefighting + proactive + low_value
    return Balance(
        start=days[0] if days else start,
        end=days[-1] if days else start,
        firefighting_minutes=firefighting,
        proactive_minutes=proactive,
        low_value_minutes=low_value,
        proactive_share=proactive / total if total else 0.0,
        target_share=target,
        by_day=by_day,
        by_quadrant=by_quadrant,
        by_kind={k: kind_micros.get(k, 0) / MICROS_PER_MINUTE for k in _KINDS},
    )


def _weeks(days: Sequence[date], day_micros: Sequence[Sequence[int]], kinds: Sequence[dict[str, int]], target: float) -> list[Balance]:
    """A Balance per seven days of ``days``; ``kinds`` holds each week's microseconds per kind."""
    return [_build(days[n], days[n : n + 7], day_micros[n : n + 7], kinds[n // 7], target) for n in range(0, len(days), 7)]


def _read(run: Run, days: Sequence[date], tz: tzinfo, now: datetime, target: float) -> Balance:
    """The balance of ``days`` (contiguous local days): the days' sums, then the kinds over their window."""
    reach = _reach(run, now)
    (by_kind,) = _kind_micros(run, [_window_of(days, tz)], reach)
    return _build(days[0], days, _day_micros(run, days, tz, reach), by_kind, target)


# ------------------------------------------------------------- public API
def balance(service: Service, start: date, end: date, *, refresh: bool = True) -> Balance:
    """The balance of the local days ``start`` to ``end`` (both included).

    Ended meetings are counted first (``Service.refresh``), so a meeting adds
    its scheduled span without any logging. ``refresh=False`` skips that for a
    caller that has just refreshed (the review makes several calls).
    """
    _check_range(start, end)
    if refresh:
        service.refresh()
    days = _days_of(start, end)
    now = service.now()
    with service.read_unit() as session:  # a read: no write lock
        target = service.policy_in(session).proactive_target
        return _read(session_run(session), days, service.tz, now, target)


def period_time(
    run: Run, start: date, end: date, tz: tzinfo, now: datetime, target: float, *, days_before: int = 0
) -> tuple[Balance, list[Balance], list[tuple[int, str, float]]]:
    """A review's time figures in two queries: the balance of ``start`` to ``end``, the
    ``days_before`` days before it in weeks of seven, and the minutes per item, most first.

    The days' sums come from one query over all the days; the per-item minutes from one
    pass over the range, and their kinds give the range's ``by_kind``, so no third pass
    joins the entries to items. The weeks before carry no ``by_kind`` (a trend shows
    shares). ``run`` is the caller's read transaction, so the figures agree.
    """
    _check_range(start - timedelta(days=days_before), end)
    days = _days_of(start - timedelta(days=days_before), end)
    reach = _reach(run, now)
    day_micros = _day_micros(run, days, tz, reach)
    items = _item_rows(run, start, end, tz, reach, _QUADRANTS, None)  # the days' quadrants: the same minutes
    by_kind = dict.fromkeys(_KINDS, 0)
    for _, _, kind, micros in items:
        if kind in by_kind:
            by_kind[kind] += micros
    weeks = _weeks(days[:days_before], day_micros[:days_before], [{}] * (days_before // 7), target)  # shares only
    bal = _build(start, days[days_before:], day_micros[days_before:], by_kind, target)
    return bal, weeks, [(item_id, title, micros / MICROS_PER_MINUTE) for item_id, title, _, micros in items]


def weekly_trend(
    service: Service, week_of: date, weeks: int = 8, first: int | None = None, *, refresh: bool = True
) -> list[tuple[date, Balance]]:
    """The balance of each of the ``weeks`` weeks ending with the week holding ``week_of``.

    Oldest first, each as (first day of the week, Balance); two SQL queries in all
    (the days, then the kinds per week). ``refresh=False`` skips ``Service.refresh``
    (the caller just did it).
    """
    if not 1 <= weeks <= 520:
        raise InputError(f"weeks must be 1 to 520, not {weeks}")
    last_start, _ = week_range(week_of, first)
    first_start = last_start - timedelta(weeks=weeks - 1)
    days = _days_of(first_start, last_start + timedelta(days=6))
    if refresh:
        service.refresh()
    now = service.now()
    tz = service.tz
    with service.read_unit() as session:  # a read: no write lock
        target = service.policy_in(session).proactive_target
        run = session_run(session)
        reach = _reach(run, now)
        day_micros = _day_micros(run, days, tz, reach)
        kinds = _kind_micros(run, [_window_of(days[n : n + 7], tz) for n in range(0, len(days), 7)], reach)
    return [(week.start, week) for week in _weeks(days, day_micros, kinds, target)]


def _quadrants_of(group: str | None) -> tuple[str, ...] | None:
    if group is None:
        return None
    if group in GROUPS:
        return tuple(q.value for q in GROUPS[group])
    try:
        return (Quadrant(group).value,)
    except ValueError:
        raise InputError(f"unknown quadrant group {group!r}: use firefighting, proactive, low_value or a quadrant") from None


def minutes_by_item(
    service: Service,
    start: date,
    end: date,
    limit: int | None = None,
    quadrant_group: str | None = None,
    *,
    refresh: bool = True,
) -> list[tuple[int, str, float]]:
    """(item id, title, minutes) over the local days ``start`` to ``end``, most minutes first.

    ``quadrant_group`` keeps one group (firefighting, proactive, low_value) or one quadrant key.
    ``refresh=False`` skips ``Service.refresh`` (the caller just did it).
    """
    _check_range(start, end)
    wanted = _quadrants_of(quadrant_group)
    if refresh:
        service.refresh()
    now = service.now()
    with service.read_unit() as session:  # a read: no write lock
        run = session_run(session)
        rows = _item_rows(run, start, end, service.tz, _reach(run, now), wanted, limit)
    return [(item_id, title, micros / MICROS_PER_MINUTE) for item_id, title, _, micros in rows]


def items_behind(service: Service, day: date, quadrant_group: str | None) -> list[tuple[int, str, float]]:
    """The items behind one bar of the chart: (id, title, minutes) on that local day, most first."""
    return minutes_by_item(service, day, day, None, quadrant_group)
