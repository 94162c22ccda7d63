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

from . import rules
from .clock import day_bounds, local_date
from .domain import ItemFacts, ItemView, Kind, Quadrant, Status
from .services import Service

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


def _facts(view: ItemView) -> ItemFacts:
    """The placement facts of a view, so the rules can be asked about another moment."""
    pinned = view.placement.pinned
    return ItemFacts(
        kind=view.kind,
        title=view.title,
        importance=view.importance,
        due=view.due,
        strategic=view.strategic,
        severity=view.severity,
        key_customer=view.key_customer,
        start=view.start,
        end=view.end,
        created_at=view.created_at,
        pinned_quadrant=view.quadrant if pinned else None,
        pinned_at=view.pinned_at if pinned else None,
        status=view.status,
    )


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


def plan_day(service: Service, day: date | None = None) -> DayPlan:
    """The plan of a local day (default: today) as of the service's clock.

    For today, capacity counts from now; for a later day the items are placed
    as the rules will place them when that working day starts.
    """
    now = service.now()
    tz = service.tz
    today = local_date(now, tz)
    day = day or today
    policy = service.policy()
    working_day = day.isoweekday() in policy.work_days
    day_start, day_end = day_bounds(day, tz)
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

    views = service.list_items(include_closed=True)
    meetings: list[MeetingSlot] = []
    do_items: list[PlanItem] = []
    schedule: list[ItemView] = []
    forecast: list[ForecastItem] = []
    forecast_until = day_bounds(day + timedelta(days=1), tz)[1]
    for view in views:
        if view.kind is Kind.MEETING and view.start is not None:
            end = view.end or view.start + timedelta(minutes=30)
            if view.start < day_end and end > day_start and view.status is not Status.DROPPED and not _is_skipped(service, view):
                meetings.append(MeetingSlot(view.id, view.title, view.start, end, view.quadrant, view.status, False))
        if view.status is not Status.OPEN:
            continue
        placement = view.placement if reference == now else rules.place(_facts(view), reference, policy)
        if view.kind is not Kind.MEETING:
            if placement.quadrant is Quadrant.DO:
                do_items.append(_plan_item(view, Quadrant.DO, rules.explain_rank(_facts(view), reference)))
            elif placement.quadrant is Quadrant.SCHEDULE:
                schedule.append(view)
        changes_at = placement.changes_at
        if changes_at is not None and changes_at <= forecast_until:
            later = rules.place(_facts(view), changes_at, policy)
            if later.quadrant is not placement.quadrant:
                forecast.append(
                    ForecastItem(
                        id=view.id,
                        title=view.title,
                        kind=view.kind,
                        at=changes_at,
                        from_quadrant=placement.quadrant,
                        to_quadrant=later.quadrant,
                        due=view.due,
                        reason=rules.sentence(tuple(r for r in later.reasons if r.startswith(("due", "overdue")))) or "deadline approaches",
                    )
                )
    meetings.sort(key=lambda m: (m.start, m.id))
    by_id = {v.id: v for v in views}
    do_items.sort(key=lambda p: rules.rank(_facts(by_id[p.id]), reference))
    forecast.sort(key=lambda f: (f.at, f.id))

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
    ordered_schedule = sorted(schedule, key=lambda v: rules.rank(_facts(v), reference))
    for start, end in gaps[:MAX_FREE_BLOCKS]:
        length = _minutes(end - start)
        pick = None
        for view in ordered_schedule:
            if view.id in used:
                continue
            item = _plan_item(view, Quadrant.SCHEDULE, rules.explain_rank(_facts(view), reference))
            if 0 < item.remaining_minutes <= length:
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


def _is_skipped(service: Service, view: ItemView) -> bool:
    """ItemView does not carry ``skipped``; the draft does (one cheap read per meeting of the day)."""
    return service.draft_of(view.id).skipped
