"""The weekly review: where the time went and what the week did to the matrix.

``build_review(service, week_of)`` gathers, for the local week holding ``week_of``:

* time by quadrant, kind and day, and the proactive share against the target
  and against the four weeks before - all from ``balance`` (one concept, one
  place: this module never sums time entries itself);
* the ten items that took the most time (the minutes per item of ``balance.period_time``);
* what was done; what carries over (work still open at the end of the week);
* what **aged into crisis**: a change made by the rules from Schedule to Do
  inside the week - the item waited in Schedule until its deadline entered the
  urgency horizon (user moves and first placements do not count);
* what was delegated and is still open at the end of the week, with its age;
* escalations per customer, with a suggestion to schedule prevention work for a
  customer with ``REPEAT_ESCALATIONS`` or more escalations in the week;
* the incidents of the week.

"End of the week" is the earlier of the week's end and now, so the review of
the current week is a progress report and a past week reads as it was closed.

``build_review_range(service, start, end)`` (and ``build_year_review(service,
year)``) give the same content for any range of days, e.g. a year: the time
figures from ``balance.period_time`` (the days, the minutes per item), and a
few SQL queries for the lists. Lists that can hold thousands of rows (what carries over, what
is delegated; for a range also done and aged into crisis) show at most
``LIST_ROWS`` rows and keep their full count (``Review.carry_over_count`` ...,
``section_title``).

Speed: ``Service.refresh`` runs once per review, then everything is read in one
read transaction (one snapshot) with plain SQL on its own connection; counts and
capped lists are computed in SQL, never from ORM objects.
``review_to_json``, ``review_tables`` and ``review_text`` give the same content to
the command line and the exports; the window and the PDF draw it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from prioritizer.domain.clock import day_bounds, to_local
from prioritizer.domain.values import Actor, IncidentSummary, Kind, Quadrant, Status
from prioritizer.reports.balance import Balance, Run, first_weekday, period_time, session_run, week_range
from prioritizer.services.service import Service
from prioritizer.storage.schema import from_micros, to_micros
from prioritizer.text.humanize import minutes_text

__all__ = [
    "LIST_ROWS",
    "PREVIOUS_WEEKS",
    "REPEAT_ESCALATIONS",
    "TOP_ITEMS",
    "AgedItem",
    "CarryItem",
    "ChartsData",
    "CustomerEscalations",
    "DelegatedItem",
    "DoneItem",
    "Review",
    "TopItem",
    "WeekShare",
    "build_review",
    "build_review_range",
    "build_year_review",
    "review_charts_data",
    "review_tables",
    "section_title",
    "review_text",
    "review_to_json",
]

TOP_ITEMS = 10
# The review lists at most this many rows of what carries over and what is
# delegated (a busy backlog holds thousands); the full counts are kept.
LIST_ROWS = 15
DAY_US = 86_400_000_000
PREVIOUS_WEEKS = 4
# Three escalations from one customer in one week is a pattern, not bad luck.
REPEAT_ESCALATIONS = 3
# A delegated item older than this is flagged in the headlines.
STALE_DELEGATION_DAYS = 7
# A range review (a year) names at most this many repeat-escalation customers in its headlines.
RANGE_ESCALATION_HEADLINES = 3
QUADRANT_RANK = {q: i for i, q in enumerate(Quadrant)}


@dataclass(frozen=True)
class TopItem:
    """An item and the minutes tracked on it this week."""

    id: int
    title: str
    minutes: float


@dataclass(frozen=True)
class DoneItem:
    """An item marked done during the week."""

    id: int
    title: str
    kind: Kind
    quadrant: Quadrant
    closed_at: datetime
    minutes_this_week: float


@dataclass(frozen=True)
class CarryItem:
    """Work still open at the end of the week."""

    id: int
    title: str
    kind: Kind
    quadrant: Quadrant
    due: datetime | None
    delegated_to: str | None
    age_days: int


@dataclass(frozen=True)
class AgedItem:
    """An item the rules moved from Schedule to Do during the week: it waited too long."""

    id: int
    title: str
    kind: Kind
    at: datetime
    due: datetime | None
    status: Status


@dataclass(frozen=True)
class DelegatedItem:
    """A delegated item still open at the end of the week."""

    id: int
    title: str
    delegated_to: str
    created_at: datetime
    age_days: int
    quadrant: Quadrant
    due: datetime | None


@dataclass(frozen=True)
class CustomerEscalations:
    """The escalations one customer raised during the week.

    Attributes:
        customer: the customer's name, or "(no customer)".
        worst_severity: the lowest severity number (1 is worst), None if none was set.
        still_open: how many of them are open at the end of the week.
        suggestion: what to do about it, for a customer that escalated repeatedly.
    """

    customer: str
    count: int
    worst_severity: int | None
    key_customer: bool
    still_open: int
    item_ids: tuple[int, ...]
    suggestion: str | None


@dataclass(frozen=True)
class WeekShare:
    """The proactive share of one week (None when nothing was tracked)."""

    week_start: date
    proactive_share: float | None
    total_minutes: float
    proactive_minutes: float


@dataclass(frozen=True)
class Review:
    """Everything the weekly review shows.

    Attributes:
        week_start / week_end: first and last local day of the week.
        start / end: the week as UTC instants [start, end).
        as_of: the end of the week, or now for the current week.
        balance: time by quadrant, kind and day (from ``balance``).
        trend: the four previous weeks and this one, oldest first (a range review:
            each week of the range).
        headlines: the few sentences a manager should read first.
        period: "week", "year" or "period" (a range review of other length).
        done_total / carry_over_total / aged_total / delegated_open_total: the full
            counts of lists that may show only their first rows (see ``LIST_ROWS``).
        stale_delegated: delegated items open for STALE_DELEGATION_DAYS or more.
    """

    week_start: date
    week_end: date
    start: datetime
    end: datetime
    as_of: datetime
    generated_at: datetime
    tz: tzinfo
    target_share: float
    balance: Balance
    trend: tuple[WeekShare, ...]
    top_items: tuple[TopItem, ...]
    done: tuple[DoneItem, ...]
    carry_over: tuple[CarryItem, ...]
    aged_into_crisis: tuple[AgedItem, ...]
    delegated_open: tuple[DelegatedItem, ...]
    escalations: tuple[CustomerEscalations, ...]
    incidents: tuple[IncidentSummary, ...]
    headlines: tuple[str, ...]
    period: str = "week"
    done_total: int = 0
    carry_over_total: int = 0
    aged_total: int = 0
    delegated_open_total: int = 0
    stale_delegated: int = 0

    @property
    def done_count(self) -> int:
        """How many items were done in the period (the list may show fewer)."""
        return max(self.done_total, len(self.done))

    @property
    def carry_over_count(self) -> int:
        """How many items carry over (the list shows at most ``LIST_ROWS``)."""
        return max(self.carry_over_total, len(self.carry_over))

    @property
    def aged_count(self) -> int:
        """How many items aged into crisis in the period (the list may show fewer)."""
        return max(self.aged_total, len(self.aged_into_crisis))

    @property
    def delegated_open_count(self) -> int:
        """How many delegated items are still open (the list shows at most ``LIST_ROWS``)."""
        return max(self.delegated_open_total, len(self.delegated_open))

    @property
    def title(self) -> str:
        """'Weekly review', 'Year review' or 'Review'."""
        return {"week": "Weekly review", "year": "Year review"}.get(self.period, "Review")

    @property
    def label(self) -> str:
        """'Week 47, 16-22 Nov 2026'; 'Year 2025'; '01 Jan - 31 Mar 2025'."""
        if self.period == "year":
            return f"Year {self.week_start.year}"
        if self.period != "week":
            return f"{self.week_start:%d %b %Y} - {self.week_end:%d %b %Y}"
        iso_week = self.week_start.isocalendar().week
        if self.week_start.month == self.week_end.month:
            span = f"{self.week_start.day}-{self.week_end.day} {self.week_end:%b %Y}"
        else:
            span = f"{self.week_start:%d %b} - {self.week_end:%d %b %Y}"
        return f"Week {iso_week}, {span}"

    @property
    def total_minutes(self) -> float:
        """Every minute tracked in the week."""
        return self.balance.total_minutes

    @property
    def firefighting_minutes(self) -> float:
        """Minutes on urgent items (Do + Delegate)."""
        return self.balance.firefighting_minutes

    @property
    def proactive_minutes(self) -> float:
        """Minutes on Schedule items."""
        return self.balance.proactive_minutes

    @property
    def low_value_minutes(self) -> float:
        """Minutes on Eliminate items."""
        return self.balance.low_value_minutes

    @property
    def proactive_share(self) -> float | None:
        """Proactive share of the week, None when nothing was tracked."""
        return self.balance.proactive_share if self.total_minutes > 0 else None

    @property
    def previous_average_share(self) -> float | None:
        """The average proactive share of the previous weeks that had tracked time."""
        shares = [w.proactive_share for w in self.trend[:-1] if w.proactive_share is not None]
        return sum(shares) / len(shares) if shares else None


def _instant(micros: int | None) -> datetime | None:
    return None if micros is None else from_micros(micros)


def _week_share(week_start: date, bal: Balance) -> WeekShare:
    total = bal.total_minutes
    return WeekShare(week_start, bal.proactive_share if total > 0 else None, total, bal.proactive_minutes)


def build_review(service: Service, week_of: date, *, rows: int | None = LIST_ROWS) -> Review:
    """The review of the local week holding ``week_of``.

    ``rows`` caps the lists that grow with the whole backlog (what carries over,
    what is delegated and still open); their full counts are kept in the review.
    ``None`` lists everything. Done and aged-into-crisis are listed in full.
    """
    first, last = week_range(week_of)
    return _read_review(service, first, last, "week", rows, None, weeks_before=PREVIOUS_WEEKS)


def build_review_range(service: Service, start: date, end: date, *, rows: int | None = LIST_ROWS) -> Review:
    """The review of the local days ``start`` to ``end`` (both included), e.g. a year.

    The same content as the weekly review, aggregated over the whole range in a
    few SQL queries; the trend is the proactive share of each week of the range
    (weeks cut at the range's ends). ``rows`` caps every item list (done, carries
    over, aged into crisis, delegated); the full counts are kept in the review.
    """
    return _read_review(service, start, end, _period_of(start, end), rows, rows)


def build_year_review(service: Service, year: int, *, rows: int | None = LIST_ROWS) -> Review:
    """The review of one calendar year (1 January to 31 December, local days)."""
    return build_review_range(service, date(year, 1, 1), date(year, 12, 31), rows=rows)


def _period_of(start: date, end: date) -> str:
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return "year"
    return "period"


def _range_trend(bal: Balance) -> tuple[WeekShare, ...]:
    """The proactive share of each (local) week of a balance's range, from its per-day figures."""
    first = first_weekday()
    weeks: dict[date, list[float]] = {}
    for day in bal.by_day:
        begin = max(week_range(day.day, first)[0], bal.start)
        slot = weeks.setdefault(begin, [0.0, 0.0])
        slot[0] += day.total_minutes
        slot[1] += day.proactive_minutes
    return tuple(
        WeekShare(begin, proactive / total if total > 0 else None, total, proactive) for begin, (total, proactive) in weeks.items()
    )


# The review's reads, in plain SQL on the read transaction's own connection: the ORM's
# statement building cost more than these reads (a week's review: 8 statements). The
# constants inlined are our own enum values; instants are UTC microseconds, as stored.
_OPEN_THEN = (
    "created_at < :as_of AND (closed_at IS NULL OR closed_at >= :as_of) "
    f"AND status != '{Status.DROPPED.value}' AND kind != '{Kind.MEETING.value}'"
)
_DONE_SQL = (
    "SELECT id, title, kind, quadrant, closed_at FROM items "  # noqa: S608 - our constants
    f"WHERE status = '{Status.DONE.value}' AND closed_at >= :start AND closed_at < :end ORDER BY closed_at, id"
)
_DELEGATED = "(delegated_to IS NOT NULL AND delegated_to != '')"
_AGE_DAYS = f"((:as_of - created_at) / {DAY_US})"  # whole days (created before :as_of, so truncation is floor)
# One scan counts what carries over, what of it is delegated, and how much of that is stale.
_OPEN_COUNTS_SQL = (
    f"SELECT count(*), IFNULL(SUM({_DELEGATED}), 0), IFNULL(SUM({_DELEGATED} AND {_AGE_DAYS} >= {STALE_DELEGATION_DAYS}), 0) "
    f"FROM items WHERE {_OPEN_THEN}"  # noqa: S608 - our constants
)
_OPEN_COLUMNS = "id, title, kind, quadrant, due, delegated_to, created_at"
_QUADRANT_ORDER = (
    "CASE quadrant " + " ".join(f"WHEN '{q.value}' THEN {n}" for q, n in QUADRANT_RANK.items()) + f" ELSE {len(QUADRANT_RANK)} END"
)
# What carries over, in placement order: quadrant, dated first by due, then id (a LIMIT of -1 is none).
_CARRY_SQL = (
    f"SELECT {_OPEN_COLUMNS} FROM items WHERE {_OPEN_THEN} "  # noqa: S608 - our constants
    f"ORDER BY {_QUADRANT_ORDER}, due IS NULL, due, id LIMIT :most"
)
# Delegated and still open, oldest first (in whole days, as listed), then by id.
_DELEGATED_SQL = (
    f"SELECT {_OPEN_COLUMNS} FROM items WHERE {_OPEN_THEN} AND {_DELEGATED} "  # noqa: S608 - our constants
    f"ORDER BY {_AGE_DAYS} DESC, id LIMIT :most"
)
# Aged into crisis: the rules moved it from Schedule to Do inside the period (first time each).
_AGED_SQL = f"""
    SELECT f.item_id, f.at, i.title, i.kind, i.due, i.status
    FROM (
        SELECT item_id, MIN(at) AS at, MIN(id) AS log_id FROM triage_log
        WHERE at >= :start AND at < :end AND actor = '{Actor.RULES.value}'
          AND from_quadrant = '{Quadrant.SCHEDULE.value}' AND to_quadrant = '{Quadrant.DO.value}'
        GROUP BY item_id
    ) AS f JOIN items AS i ON i.id = f.item_id
    ORDER BY f.at, f.log_id
"""  # noqa: S608 - our constants
_ESCALATIONS_SQL = (
    "SELECT id, customer, severity, key_customer, closed_at FROM items "  # noqa: S608 - our constants
    f"WHERE kind = '{Kind.ESCALATION.value}' AND created_at >= :start AND created_at < :end ORDER BY created_at, id"
)


def _read_review(
    service: Service, first: date, last: date, period: str, open_rows: int | None, period_rows: int | None, *, weeks_before: int = 0
) -> Review:
    """The review of the local days ``first`` to ``last``, read in one read transaction at one instant.

    ``weeks_before`` > 0 (a week's review): the trend is that many weeks and this one;
    otherwise it is the share of each week of the range (``_range_trend``).
    """
    service.refresh()  # once, before the read: counts ended meetings
    now = service.now()
    with service.read_unit() as session:  # one read transaction: every figure from the same snapshot
        run = session_run(session)
        target = service.policy_in(session).proactive_target
        bal, weeks, per_item = period_time(run, first, last, service.tz, now, target, days_before=7 * weeks_before)
        trend = tuple(_week_share(b.start, b) for b in (*weeks, bal)) if weeks_before else _range_trend(bal)
        return _build_review(service, session, run, now, first, last, bal, trend, per_item, period, open_rows, period_rows)


def _build_review(
    service: Service,
    session: Session,
    run: Run,
    now: datetime,
    first: date,
    last: date,
    bal: Balance,
    trend: tuple[WeekShare, ...],
    per_item: list[tuple[int, str, float]],
    period: str,
    open_rows: int | None,
    period_rows: int | None,
) -> Review:
    """Everything but the time figures, in a few plain SQL reads on the caller's read transaction.

    ``open_rows`` caps the backlog lists (carry over, delegated), ``period_rows``
    the lists of the period (done, aged into crisis); None lists everything.
    Counted and capped in SQL: a busy backlog holds thousands of open items, and
    fetching them all cost more than three scans.
    """
    tz = service.tz
    start = day_bounds(first, tz)[0]
    end = day_bounds(last, tz)[1]
    minutes_of = {item_id: minutes for item_id, _, minutes in per_item}
    as_of = min(now, end)
    as_of_us = to_micros(as_of)
    span = {"start": to_micros(start), "end": to_micros(end)}

    # Done in the period: in full by closing time, or (capped) the ones that took the most time.
    done_rows = run(_DONE_SQL, span)
    done_total = len(done_rows)
    if period_rows is not None and done_total > period_rows:
        kept = set(sorted(done_rows, key=lambda r: (-minutes_of.get(r[0], 0.0), r[4], r[0]))[:period_rows])
        done_rows = [r for r in done_rows if r in kept]
    done = tuple(DoneItem(i, t, Kind(k), Quadrant(q), from_micros(c), minutes_of.get(i, 0.0)) for i, t, k, q, c in done_rows)

    # Open at the end of the period: what carries over, what of it is delegated, how much of that is stale.
    open_then = {"as_of": as_of_us, "most": -1 if open_rows is None else open_rows}
    ((carry_total, delegated_total, stale),) = run(_OPEN_COUNTS_SQL, open_then)
    carry = tuple(
        CarryItem(i, t, Kind(k), Quadrant(q), _instant(due), who, (as_of_us - created) // DAY_US)
        for i, t, k, q, due, who, created in run(_CARRY_SQL, open_then)
    )
    delegated = tuple(
        DelegatedItem(i, t, who or "", from_micros(created), (as_of_us - created) // DAY_US, Quadrant(q), _instant(due))
        for i, t, _, q, due, who, created in run(_DELEGATED_SQL, open_then)
    )

    aged_rows = run(_AGED_SQL, span)
    aged_total = len(aged_rows)
    if period_rows is not None:
        aged_rows = aged_rows[max(0, aged_total - period_rows) :]  # the latest ones
    aged = tuple(
        AgedItem(item_id, title, Kind(kind), from_micros(at), _instant(due), Status(status))
        for item_id, at, title, kind, due, status in aged_rows
    )

    escalations = _by_customer(run, run(_ESCALATIONS_SQL, span), as_of_us, period)
    incidents = tuple(service.incidents_in(session, start, end))
    review = Review(
        week_start=first,
        week_end=last,
        start=start,
        end=end,
        as_of=as_of,
        generated_at=now,
        tz=tz,
        target_share=bal.target_share,
        balance=bal,
        trend=trend,
        top_items=tuple(TopItem(i, t, m) for i, t, m in per_item[:TOP_ITEMS]),
        done=done,
        carry_over=carry,
        aged_into_crisis=aged,
        delegated_open=delegated,
        escalations=escalations,
        incidents=incidents,
        headlines=(),
        period=period,
        done_total=done_total,
        carry_over_total=carry_total,
        aged_total=aged_total,
        delegated_open_total=delegated_total,
        stale_delegated=stale,
    )
    return _with_headlines(review)


# Open, planned (Schedule) work that is not itself an escalation: where prevention work would be.
_PLANNED_SQL = (
    f"SELECT id, title, customer FROM items WHERE status = '{Status.OPEN.value}' "  # noqa: S608 - our constants
    f"AND quadrant = '{Quadrant.SCHEDULE.value}' AND kind != '{Kind.ESCALATION.value}' ORDER BY id"
)


def _by_customer(run: Run, rows: Sequence[Any], as_of_us: int, period: str) -> tuple[CustomerEscalations, ...]:
    """Escalation rows (id, customer, severity, key_customer, closed_at micros) grouped per customer."""
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(row[1] or "(no customer)", []).append(row)
    planned: Sequence[Any] | None = None
    result = []
    for customer, items in groups.items():
        severities = [sev for _, _, sev, _, _ in items if sev is not None]
        suggestion = None
        if len(items) >= REPEAT_ESCALATIONS and customer != "(no customer)":
            if planned is None:  # read only when some customer escalated repeatedly
                planned = run(_PLANNED_SQL, {})
            needle = customer.casefold()
            already = next(
                ((pid, title) for pid, title, who in planned if (who or "").casefold() == needle or needle in title.casefold()),
                None,
            )
            if already is not None:
                suggestion = f"{len(items)} escalations this {period}; prevention work is planned: #{already[0]} {already[1]}"
            else:
                suggestion = (
                    f"{len(items)} escalations this {period}: schedule prevention work with {customer} "
                    "(root-cause review, a call with their lead)"
                )
        result.append(
            CustomerEscalations(
                customer=customer,
                count=len(items),
                worst_severity=min(severities) if severities else None,
                key_customer=any(bool(key) for _, _, _, key, _ in items),
                still_open=sum(1 for _, _, _, _, closed in items if closed is None or closed >= as_of_us),
                item_ids=tuple(i for i, _, _, _, _ in items),
                suggestion=suggestion,
            )
        )
    result.sort(key=lambda c: (-c.count, c.worst_severity or 9, c.customer.casefold()))
    return tuple(result)


def _with_headlines(review: Review) -> Review:
    from dataclasses import replace

    period = review.period
    lines: list[str] = []
    share = review.proactive_share
    target = review.target_share
    if share is None:
        lines.append(f"No time was tracked this {period}.")
    else:
        gap = (share - target) * 100
        verdict = "on target" if share >= target else f"{-gap:.0f} points below the target"
        line = f"Proactive work took {share * 100:.0f} % of the tracked time ({verdict} of {target * 100:.0f} %)"
        previous = review.previous_average_share if period == "week" else None
        if previous is not None:
            line += f"; the {PREVIOUS_WEEKS} weeks before averaged {previous * 100:.0f} %"
        lines.append(line + ".")
    n = review.aged_count
    if n:
        lines.append(
            f"{n} item{'s' if n != 1 else ''} aged into crisis: "
            f"waited in Schedule until the deadline made {'them' if n != 1 else 'it'} urgent."
        )
    repeated = [c for c in review.escalations if c.suggestion]
    shown = repeated if period == "week" else repeated[:RANGE_ESCALATION_HEADLINES]
    for customer in shown:
        lines.append(f"{customer.customer}: {customer.suggestion}.")
    if len(repeated) > len(shown):
        more = len(repeated) - len(shown)
        lines.append(f"{more} more customer{'s' if more != 1 else ''} escalated {REPEAT_ESCALATIONS} times or more: see the escalations.")
    stale = max(review.stale_delegated, sum(1 for d in review.delegated_open if d.age_days >= STALE_DELEGATION_DAYS))
    if stale:
        lines.append(
            f"{stale} delegated item{'s have' if stale != 1 else ' has'} been open for {STALE_DELEGATION_DAYS} days or more: follow up."
        )
    return replace(review, headlines=tuple(lines))


# ----------------------------------------------------------------- outputs
def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _local(value: datetime | None, tz: tzinfo) -> str:
    return to_local(value, tz).strftime("%a %d %b %H:%M") if value is not None else ""


def _round(minutes: float) -> float:
    return round(minutes, 1)


def review_to_json(review: Review) -> dict[str, Any]:
    """The review as JSON-ready data (minutes rounded to 0.1, instants ISO 8601 UTC)."""
    bal = review.balance
    return {
        "week_start": review.week_start.isoformat(),
        "week_end": review.week_end.isoformat(),
        "from": review.week_start.isoformat(),
        "to": review.week_end.isoformat(),
        "as_of": _iso(review.as_of),
        "generated_at": _iso(review.generated_at),
        "total_minutes": _round(review.total_minutes),
        "firefighting_minutes": _round(bal.firefighting_minutes),
        "proactive_minutes": _round(bal.proactive_minutes),
        "low_value_minutes": _round(bal.low_value_minutes),
        "proactive_share": None if review.proactive_share is None else round(review.proactive_share, 4),
        "target_share": review.target_share,
        "by_quadrant": {k: _round(v) for k, v in bal.by_quadrant.items()},
        "by_kind": {k: _round(v) for k, v in bal.by_kind.items()},
        "by_day": [
            {
                "day": d.day.isoformat(),
                "firefighting_minutes": _round(d.firefighting_minutes),
                "proactive_minutes": _round(d.proactive_minutes),
                "low_value_minutes": _round(d.low_value_minutes),
                "by_quadrant": {k: _round(v) for k, v in d.by_quadrant.items()},
            }
            for d in bal.by_day
        ],
        "trend": [
            {
                "week_start": w.week_start.isoformat(),
                "proactive_share": None if w.proactive_share is None else round(w.proactive_share, 4),
                "total_minutes": _round(w.total_minutes),
            }
            for w in review.trend
        ],
        "top_items": [{"id": t.id, "title": t.title, "minutes": _round(t.minutes)} for t in review.top_items],
        "done": [
            {
                "id": d.id,
                "title": d.title,
                "kind": d.kind.value,
                "quadrant": d.quadrant.value,
                "closed_at": _iso(d.closed_at),
                "minutes_this_week": _round(d.minutes_this_week),
            }
            for d in review.done
        ],
        "carry_over": [
            {
                "id": c.id,
                "title": c.title,
                "kind": c.kind.value,
                "quadrant": c.quadrant.value,
                "due": _iso(c.due),
                "delegated_to": c.delegated_to,
                "age_days": c.age_days,
            }
            for c in review.carry_over
        ],
        "aged_into_crisis": [
            {"id": a.id, "title": a.title, "kind": a.kind.value, "at": _iso(a.at), "due": _iso(a.due), "status": a.status.value}
            for a in review.aged_into_crisis
        ],
        "delegated_open": [
            {
                "id": d.id,
                "title": d.title,
                "delegated_to": d.delegated_to,
                "created_at": _iso(d.created_at),
                "age_days": d.age_days,
                "quadrant": d.quadrant.value,
                "due": _iso(d.due),
            }
            for d in review.delegated_open
        ],
        "escalations_by_customer": [
            {
                "customer": c.customer,
                "count": c.count,
                "worst_severity": c.worst_severity,
                "key_customer": c.key_customer,
                "still_open": c.still_open,
                "item_ids": list(c.item_ids),
                "suggestion": c.suggestion,
            }
            for c in review.escalations
        ],
        "incidents": [
            {
                "id": i.id,
                "title": i.title,
                "started_at": _iso(i.started_at),
                "ended_at": _iso(i.ended_at),
                "minutes": round(i.duration.total_seconds() / 60),
                "captured": len(i.captured),
                "moved": len(i.moved),
                "delegated": len(i.delegated),
                "done": len(i.done),
                "minutes_logged": i.minutes_logged,
            }
            for i in review.incidents
        ],
        "headlines": list(review.headlines),
        "period": review.period,
        "done_total": review.done_count,
        "carry_over_total": review.carry_over_count,
        "aged_into_crisis_total": review.aged_count,
        "delegated_open_total": review.delegated_open_count,
    }


Table = tuple[str, tuple[str, ...], list[tuple[object, ...]]]


def review_tables(review: Review) -> list[Table]:
    """The review as titled tables (title, header, rows): one shape for CSV, HTML and PDF."""
    tz = review.tz
    bal = review.balance
    total = review.total_minutes or 1.0
    tables: list[Table] = [
        (
            "Time by quadrant",
            ("quadrant", "minutes", "share %"),
            [(q.label, round(bal.by_quadrant.get(q.value, 0.0)), round(bal.by_quadrant.get(q.value, 0.0) / total * 100)) for q in Quadrant],
        ),
        (
            "Time by kind",
            ("kind", "minutes", "share %"),
            [(k.value, round(bal.by_kind.get(k.value, 0.0)), round(bal.by_kind.get(k.value, 0.0) / total * 100)) for k in Kind],
        ),
        (
            "Time by day",
            ("day", *(q.label for q in Quadrant), "total"),
            [
                (f"{d.day:%a %d %b}", *(round(d.by_quadrant.get(q.value, 0.0)) for q in Quadrant), round(d.total_minutes))
                for d in bal.by_day
            ],
        ),
        (
            "Proactive share by week",
            ("week", "proactive %", "tracked"),
            [
                (
                    f"{w.week_start:%d %b}",
                    "" if w.proactive_share is None else round(w.proactive_share * 100),
                    minutes_text(w.total_minutes),
                )
                for w in review.trend
            ],
        ),
        ("Top items by time", ("#", "item", "time"), [(t.id, t.title, minutes_text(t.minutes)) for t in review.top_items]),
        (
            "Done",
            ("#", "item", "kind", "quadrant", "closed", "time this week"),
            [
                (d.id, d.title, d.kind.value, d.quadrant.label, _local(d.closed_at, tz), minutes_text(d.minutes_this_week))
                for d in review.done
            ],
        ),
        (
            "Aged into crisis",
            ("#", "item", "moved to Do", "due", "now"),
            [(a.id, a.title, _local(a.at, tz), _local(a.due, tz), a.status.value) for a in review.aged_into_crisis],
        ),
        (
            "Delegated and still open",
            ("#", "item", "delegated to", "age (days)", "due"),
            [(d.id, d.title, d.delegated_to, d.age_days, _local(d.due, tz)) for d in review.delegated_open],
        ),
        (
            "Escalations by customer",
            ("customer", "escalations", "worst severity", "key customer", "still open", "suggestion"),
            [
                (
                    c.customer,
                    c.count,
                    f"Sev {c.worst_severity}" if c.worst_severity else "",
                    c.key_customer,
                    c.still_open,
                    c.suggestion or "",
                )
                for c in review.escalations
            ],
        ),
        (
            "Incidents",
            ("incident", "started", "lasted", "captured", "delegated", "done"),
            [
                (
                    i.title or "(untitled)",
                    _local(i.started_at, tz),
                    minutes_text(i.duration.total_seconds() / 60),
                    len(i.captured),
                    len(i.delegated),
                    len(i.done),
                )
                for i in review.incidents
            ],
        ),
        (
            "Carries over",
            ("#", "item", "kind", "quadrant", "due", "age (days)"),
            [(c.id, c.title, c.kind.value, c.quadrant.label, _local(c.due, tz), c.age_days) for c in review.carry_over],
        ),
    ]
    return tables


def section_title(review: Review, title: str, rows: Sequence[object], key: str | None = None) -> str:
    """A table's heading with its count: 'Done (3)', or 'Carries over (1,834; first 15 shown)' for a capped list.

    ``key`` is the table's title from ``review_tables`` when ``title`` is styled differently.
    """
    totals = {
        "Done": review.done_count,
        "Carries over": review.carry_over_count,
        "Aged into crisis": review.aged_count,
        "Delegated and still open": review.delegated_open_count,
    }
    total = totals.get(key or title, len(rows))
    if total > len(rows):
        return f"{title} ({total:,}; first {len(rows)} shown)"
    return f"{title} ({len(rows)})"


@dataclass(frozen=True)
class ChartsData:
    """The numbers behind the review's charts (minutes), shared by HTML, the window and the PDF."""

    day_labels: list[str]
    day_minutes: dict[Quadrant, list[float]]
    quadrant_minutes: dict[Quadrant, float]
    kind_minutes: list[tuple[str, float]]
    trend_labels: list[str]
    trend_shares: list[float | None]


def review_charts_data(review: Review) -> ChartsData:
    """Chart series of a review."""
    bal = review.balance
    return ChartsData(
        day_labels=[f"{d.day:%a %d}" for d in bal.by_day],
        day_minutes={q: [d.by_quadrant.get(q.value, 0.0) for d in bal.by_day] for q in Quadrant},
        quadrant_minutes={q: bal.by_quadrant.get(q.value, 0.0) for q in Quadrant},
        kind_minutes=[(k.value, bal.by_kind.get(k.value, 0.0)) for k in Kind],
        trend_labels=[f"{w.week_start:%d %b}" for w in review.trend],
        trend_shares=[w.proactive_share for w in review.trend],
    )


def review_text(review: Review) -> str:
    """The plain-text summary printed by ``prioritizer review``."""
    out = [f"{review.title} - {review.label}", ""]
    out.extend(review.headlines)
    out.append("")
    total = review.total_minutes
    out.append(
        f"Tracked {minutes_text(total)}: firefighting {minutes_text(review.firefighting_minutes)}, "
        f"proactive {minutes_text(review.proactive_minutes)}, low value {minutes_text(review.low_value_minutes)}"
    )
    for title, header, rows in review_tables(review):
        out.append("")
        out.append(section_title(review, title.upper(), rows, title))
        if not rows:
            out.append("  nothing")
            continue
        widths = [max(len(str(h)), *(len(_cell(r[i])) for r in rows)) for i, h in enumerate(header)]
        widths = [min(w, 48) for w in widths]
        out.append("  " + "  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        for row in rows:
            out.append("  " + "  ".join(_cell(c)[:w].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(out) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
