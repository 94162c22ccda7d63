"""Planning one day: meetings, the Do list, capacity, free blocks and what turns urgent next.

``plan_day(service, day)`` answers the morning questions of a manager:

* which meetings eat the day (a timeline);
* what is on fire (the open Do items, tasks and escalations; meetings in Do are
  already on the timeline and their time already counted as meeting time);
* how much working time is left once the meetings are taken out, set against
  what the Do items still need (estimate minus time already spent) - with an
  overcommitted flag when the Do list does not fit;
* the largest free blocks, each with the most pressing Schedule item that fits;
* what will become urgent by the end of tomorrow, read from each placement's
  ``changes_at`` (the rules say exactly when an item crosses the urgency horizon).

Qt-free: the Today view draws this, tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, or_, select, type_coerce

from prioritizer.domain import rules
from prioritizer.domain.clock import day_bounds, local_date
from prioritizer.domain.values import ItemFacts, ItemView, Kind, Policy, Quadrant, Status
from prioritizer.services.service import Service
from prioritizer.storage.readmodel import COLUMN, INSTANT_COLUMNS, LIST_COLUMNS, cache_holds, row_facts
from prioritizer.storage.schema import Item, from_micros, to_micros

__all__ = [
    "DEFAULT_ESTIMATE_MINUTES",
    "MIN_FREE_BLOCK_MINUTES",
    "DayPlan",
    "ForecastItem",
    "FreeBlock",
    "MeetingSlot",
    "PlanItem",
    "plan_day",
]

# A Do item without an estimate still takes time; counting it as zero would
# hide overcommitment. The plan says how many minutes came from this default.
DEFAULT_ESTIMATE_MINUTES = 30
# A gap shorter than this is not a block anyone can do focused work in.
MIN_FREE_BLOCK_MINUTES = 30
MAX_FREE_BLOCKS = 4
# A meeting without an end is drawn 30 minutes long.
MEETING_DEFAULT_MINUTES = 30
# Schedule items get full views (estimate, minutes spent) this many at a time, most pressing first.
SCHEDULE_BATCH = 24


@dataclass(frozen=True)
class MeetingSlot:
    """A meeting on the day's timeline (start/end aware UTC, clipped to nothing)."""

    id: int
    title: str
    start: datetime
    end: datetime
    quadrant: Quadrant
    status: Status
    skipped: bool

    @property
    def minutes(self) -> int:
        """Length in minutes."""
        return round((self.end - self.start).total_seconds() / 60)


@dataclass(frozen=True)
class PlanItem:
    """An item in the plan: a Do item, or a suggestion for a free block.

    Attributes:
        estimate_minutes: the item's estimate, None when it has none.
        remaining_minutes: what is still needed: estimate minus time spent, or the default.
        reason: why it is where it is, in a few words.
    """

    id: int
    title: str
    kind: Kind
    quadrant: Quadrant
    estimate_minutes: int | None
    minutes_spent: int
    remaining_minutes: int
    due: datetime | None
    severity: int | None
    customer: str | None
    reason: str


@dataclass(frozen=True)
class FreeBlock:
    """A gap in the working day without meetings, and what could fill it."""

    start: datetime
    end: datetime
    suggestion: PlanItem | None

    @property
    def minutes(self) -> int:
        """Length in minutes."""
        return round((self.end - self.start).total_seconds() / 60)


@dataclass(frozen=True)
class ForecastItem:
    """An item whose placement changes by itself before the forecast horizon."""

    id: int
    title: str
    kind: Kind
    at: datetime
    from_quadrant: Quadrant
    to_quadrant: Quadrant
    due: datetime | None
    reason: str


@dataclass(frozen=True)
class DayPlan:
    """Everything the Today view shows for one local day.

    Attributes:
        day: the local date planned.
        now: the moment the plan was made.
        work_start / work_end: the working hours of the day (UTC); equal on a day off.
        window_start: where capacity is counted from: now, if the day has begun.
        working_day: whether the policy counts this weekday as a working day.
        meetings: meetings touching the day, by start (skipped and dropped ones excluded).
        meeting_minutes: meeting time inside the counted window (overlaps merged).
        capacity_minutes: the counted window minus meetings.
        do_items: open Do tasks and escalations, most pressing first.
        planned_minutes: what the Do items still need (defaults included).
        assumed_minutes: the part of planned_minutes that comes from DEFAULT_ESTIMATE_MINUTES.
        unestimated: how many Do items have no estimate.
        free_blocks: the largest gaps, longest first, each with a Schedule suggestion.
        forecast: what turns urgent (or otherwise moves by itself) before forecast_until.
        forecast_until: end of tomorrow, local.
    """

    day: date
    now: datetime
    work_start: datetime
    work_end: datetime
    window_start: datetime
    working_day: bool
    meetings: tuple[MeetingSlot, ...]
    meeting_minutes: int
    capacity_minutes: int
    do_items: tuple[PlanItem, ...]
    planned_minutes: int
    assumed_minutes: int
    unestimated: int
    free_blocks: tuple[FreeBlock, ...]
    forecast: tuple[ForecastItem, ...]
    forecast_until: datetime

    @property
    def overcommitted(self) -> bool:
        """True when the Do items need more time than the day has left."""
        return self.planned_minutes > self.capacity_minutes

    @property
    def over_by_minutes(self) -> int:
        """How many minutes too many are planned (0 when it fits)."""
        return max(0, self.planned_minutes - self.capacity_minutes)

    @property
    def load(self) -> float:
        """Planned / capacity (inf when there is no capacity but work)."""
        if self.capacity_minutes <= 0:
            return float("inf") if self.planned_minutes else 0.0
        return self.planned_minutes / self.capacity_minutes


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching spans merged, by start."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _minutes(span: timedelta) -> int:
    return max(0, round(span.total_seconds() / 60))


def _plan_item(view: ItemView, quadrant: Quadrant, reason: str) -> PlanItem:
    if view.estimate_minutes is None:
        remaining = DEFAULT_ESTIMATE_MINUTES
    else:
        remaining = max(0, view.estimate_minutes - view.minutes_spent)
    return PlanItem(
        id=view.id,
        title=view.title,
        kind=view.kind,
        quadrant=quadrant,
        estimate_minutes=view.estimate_minutes,
        minutes_spent=view.minutes_spent,
        remaining_minutes=remaining,
        due=view.due,
        severity=view.severity,
        customer=view.customer,
        reason=reason,
    )


# The read model's columns (instants as stored integers) and its row conversion (readmodel.row_facts).
LIST_SELECT_COLUMNS = tuple(
    type_coerce(Item.__table__.c[name], BigInteger) if name in INSTANT_COLUMNS else Item.__table__.c[name] for name in LIST_COLUMNS
)
_ID, _QUADRANT, _CHANGES_AT = COLUMN["id"], COLUMN["quadrant"], COLUMN["changes_at"]


def _placement_at(row: Any, facts: ItemFacts, reference: datetime, ref_us: int, policy: Policy) -> tuple[Quadrant, datetime | None]:
    """(quadrant, changes_at) at ``reference``: the placement cache when it holds then, else the rules.

    The cache holds as ``readmodel.cache_holds`` says; outside that the rules decide.
    """
    if cache_holds(row, ref_us):
        changes_at = row[_CHANGES_AT]
        return Quadrant(row[_QUADRANT]), None if changes_at is None else from_micros(changes_at)
    placement = rules.place(facts, reference, policy)
    return placement.quadrant, placement.changes_at


def plan_day(service: Service, day: date | None = None) -> DayPlan:
    """The plan of a local day (default: today) as of the service's clock.

    For today, capacity counts from now; for a later day the items are placed
    as the rules will place them when that working day starts.

    Cheap with a large database: due placement changes are applied first
    (``Service.refresh``), then only the day's meetings and the open items that
    can matter (Do or Schedule, or changing before the forecast horizon, or whose
    cached placement does not hold at the planned moment) are read, as plain
    columns; full views (minutes spent) are built only for the Do items and the
    Schedule items tried for the free blocks.
    """
    service.refresh()
    now = service.now()
    tz = service.tz
    today = local_date(now, tz)
    day = day or today
    day_start, day_end = day_bounds(day, tz)
    forecast_until = day_bounds(day + timedelta(days=1), tz)[1]
    with service.read_unit() as session:
        policy = service.policy_in(session)
        working_day = day.isoweekday() in policy.work_days
        # Working hours as local wall-clock times (a DST day keeps 09:00-17:00).
        start_minute = policy.work_start_minute
        work_start = datetime.combine(day, time(start_minute // 60, start_minute % 60), tzinfo=tz).astimezone(day_start.tzinfo)
        end_minute = min(policy.work_end_minute, 24 * 60 - 1)
        work_end = datetime.combine(day, time(end_minute // 60, end_minute % 60), tzinfo=tz).astimezone(day_start.tzinfo)
        if not working_day:
            work_end = work_start
        # "As of" moment: now for today (and past days), the start of work for a later day.
        reference = now if day <= today else min(work_start, day_start + timedelta(hours=12))
        window_start = min(max(work_start, now), work_end) if day == today else (work_end if day < today else work_start)

        start_us, end_us, ref_us = to_micros(day_start), to_micros(day_end), to_micros(reference)
        item_start = type_coerce(Item.start, BigInteger)
        item_end = type_coerce(Item.end, BigInteger)
        # Meetings touching the day (a meeting without an end lasts MEETING_DEFAULT_MINUTES).
        meeting_rows = session.execute(
            select(*LIST_SELECT_COLUMNS).where(
                Item.kind == Kind.MEETING.value,
                Item.start.is_not(None),
                item_start < end_us,
                or_(item_end > start_us, and_(Item.end.is_(None), item_start > start_us - MEETING_DEFAULT_MINUTES * 60_000_000)),
                Item.status != Status.DROPPED.value,
                Item.skipped.is_(False),
            )
        ).all()
        # Open items that can be in Do or Schedule at the reference or move by the forecast horizon.
        changes_us = type_coerce(Item.changes_at, BigInteger)
        placed_us = type_coerce(Item.placed_at, BigInteger)
        open_rows = session.execute(
            select(*LIST_SELECT_COLUMNS).where(
                Item.status == Status.OPEN.value,
                or_(
                    Item.quadrant.in_((Quadrant.DO.value, Quadrant.SCHEDULE.value)),
                    changes_us <= to_micros(forecast_until),
                    Item.placed_at.is_(None),
                    placed_us > ref_us,
                ),
            )
        ).all()

    meetings: list[MeetingSlot] = []
    for row in meeting_rows:
        facts = row_facts(row)
        assert facts.start is not None
        end = facts.end or facts.start + timedelta(minutes=MEETING_DEFAULT_MINUTES)
        if facts.start < day_end and end > day_start:
            quadrant = rules.place(facts, now, policy).quadrant
            meetings.append(MeetingSlot(row[_ID], facts.title, facts.start, end, quadrant, facts.status, False))

    do_facts: dict[int, ItemFacts] = {}
    schedule: list[tuple[Any, int]] = []
    forecast: list[ForecastItem] = []
    for row in open_rows:
        facts = row_facts(row)
        quadrant, changes_at = _placement_at(row, facts, reference, ref_us, policy)
        if facts.kind is not Kind.MEETING:
            if quadrant is Quadrant.DO:
                do_facts[row[_ID]] = facts
            elif quadrant is Quadrant.SCHEDULE:
                schedule.append((rules.rank(facts, reference), row[_ID]))
        if changes_at is not None and changes_at <= forecast_until:
            later = rules.place(facts, changes_at, policy)
            if later.quadrant is not quadrant:
                forecast.append(
                    ForecastItem(
                        id=row[_ID],
                        title=facts.title,
                        kind=facts.kind,
                        at=changes_at,
                        from_quadrant=quadrant,
                        to_quadrant=later.quadrant,
                        due=facts.due,
                        reason=rules.sentence(tuple(r for r in later.reasons if r.startswith(("due", "overdue")))) or "deadline approaches",
                    )
                )
    meetings.sort(key=lambda m: (m.start, m.id))
    forecast.sort(key=lambda f: (f.at, f.id))
    # Views (estimates, minutes spent) only for the Do items.
    views = {v.id: v for v in service.list_items(ids=list(do_facts), refresh=False)} if do_facts else {}
    do_order = sorted(do_facts, key=lambda i: rules.rank(do_facts[i], reference))
    do_items = [_plan_item(views[i], Quadrant.DO, rules.explain_rank(do_facts[i], reference)) for i in do_order if i in views]

    # Capacity: the counted window minus the meetings inside it.
    window_end = work_end
    busy = _merge([(max(m.start, window_start), min(m.end, window_end)) for m in meetings if m.end > window_start and m.start < window_end])
    meeting_minutes = sum(_minutes(e - s) for s, e in busy)
    capacity = _minutes(window_end - window_start) - meeting_minutes if window_end > window_start else 0
    gaps: list[tuple[datetime, datetime]] = []
    cursor = window_start
    for start, end in busy:
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if window_end > cursor:
        gaps.append((cursor, window_end))
    gaps = [g for g in gaps if _minutes(g[1] - g[0]) >= MIN_FREE_BLOCK_MINUTES]
    gaps.sort(key=lambda g: (-(g[1] - g[0]), g[0]))
    blocks: list[FreeBlock] = []
    used: set[int] = set()
    ordered_schedule = [item_id for _, item_id in sorted(schedule)]
    schedule_items: dict[int, PlanItem] = {}  # built in batches, most pressing first, as the blocks need them

    def schedule_item(position: int) -> PlanItem | None:
        item_id = ordered_schedule[position]
        if item_id not in schedule_items:
            batch = [i for i in ordered_schedule[position : position + SCHEDULE_BATCH] if i not in schedule_items]
            for view in service.list_items(ids=batch, refresh=False):
                why = rules.explain_rank_of(view.kind, view.importance, view.due, view.severity, view.start, reference)
                schedule_items[view.id] = _plan_item(view, Quadrant.SCHEDULE, why)
        return schedule_items.get(item_id)

    for start, end in gaps[:MAX_FREE_BLOCKS]:
        length = _minutes(end - start)
        pick = None
        for position, item_id in enumerate(ordered_schedule):
            if item_id in used:
                continue
            item = schedule_item(position)
            if item is not None and 0 < item.remaining_minutes <= length:
                pick = item
                break
        if pick is not None:
            used.add(pick.id)
        blocks.append(FreeBlock(start, end, pick))

    planned = sum(p.remaining_minutes for p in do_items)
    unestimated = sum(1 for p in do_items if p.estimate_minutes is None)
    return DayPlan(
        day=day,
        now=now,
        work_start=work_start,
        work_end=work_end,
        window_start=window_start,
        working_day=working_day,
        meetings=tuple(meetings),
        meeting_minutes=meeting_minutes,
        capacity_minutes=max(0, capacity),
        do_items=tuple(do_items),
        planned_minutes=planned,
        assumed_minutes=unestimated * DEFAULT_ESTIMATE_MINUTES,
        unestimated=unestimated,
        free_blocks=tuple(blocks),
        forecast=tuple(forecast),
        forecast_until=forecast_until,
    )
