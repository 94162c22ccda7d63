"""Demo data: a believable two weeks of a customer-service manager.

``fill_demo`` fills an empty database with about forty open items spread over
every kind and all four quadrants (escalations of each severity, 1:1s, a staff
meeting, an outage bridge call, strategic work, delegated chores and low-value
noise), about fifteen items finished during the last two weeks, and two weeks
of time entries with a firefighting-heavy balance.

Everything is placed relative to ``service.now()`` (which ``--now`` may fix)
and cut into local days with ``service.tz``. The past is replayed in order:
the service clock is moved to each moment an item is created, worked on or
closed, so the triage log, the meeting time and the quadrant of every time
entry come out exactly as if the week had really happened. The clock is
restored afterwards. The same ``now`` always gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import Any

from prioritizer.domain import rules
from prioritizer.domain.clock import UTC, local_date, to_local
from prioritizer.domain.values import Importance, InputError, ItemFacts, Kind, Policy, Quadrant, Status
from prioritizer.services.service import ItemDraft, Service

SEED = 42
WORK_START = 9 * 60  # minutes after local midnight
WORK_END = 17 * 60 + 30
LUNCH_START = 12 * 60
MIN_ENTRY = 15  # minutes
#: Wished share of logged minutes per bucket: firefighting (Do + Delegate), Schedule, Eliminate.
TARGETS = {"fire": 0.60, "schedule": 0.22, "eliminate": 0.18}
#: What a manager writes on a time entry, when the item brings no notes of its own.
DEFAULT_NOTES = {
    Kind.ESCALATION: (
        "Call with the customer",
        "Went through the logs with Tier 2",
        "Status update to the account manager",
        "Drafted the customer update",
        "Chased engineering for an ETA",
    ),
    Kind.TASK: ("", "Worked on it", "Follow-up emails", "Picked it up again"),
}


@dataclass(frozen=True)
class DemoSummary:
    """What ``fill_demo`` added."""

    open_items: int
    done_items: int
    time_entries: int


@dataclass
class _Spec:
    """One demo item and its life: when it appears, when it is closed, how it is worked on."""

    draft: ItemDraft
    created_at: datetime
    closed_at: datetime | None = None
    weight: float = 1.0
    work_notes: tuple[str, ...] = ()
    pin: Quadrant | None = None
    item_id: int = 0
    minutes: float = 0.0

    @property
    def loggable(self) -> bool:
        """Whether manual time is logged on it (meetings count their own time)."""
        return self.draft.kind is not Kind.MEETING

    def facts(self) -> ItemFacts:
        """What the rules need to place it (never pinned in the past)."""
        return self.draft.facts(self.created_at)


@dataclass(order=True)
class _Event:
    """A moment of the replay; ties run adds, then meeting ends, then work, then closes."""

    at: datetime
    order: int
    seq: int
    action: Callable[[], None] = field(compare=False)


class _FixedClock:
    """A settable clock for the replay."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _bucket(quadrant: Quadrant) -> str:
    return "fire" if quadrant.urgent else quadrant.value


def fill_demo(service: Service) -> DemoSummary:
    """Fill an empty database with demo data relative to ``service.now()``.

    Raises InputError when the database already holds items.
    """
    existing = len(service.list_items(include_closed=True))
    if existing:
        raise InputError(f"the database already has {existing} items; demo fills an empty database only (use --db to pick another file)")
    builder = _DemoWeek(service)
    builder.build()
    saved = service.clock
    try:
        builder.replay()
    finally:
        service.clock = saved
    for spec in builder.specs:
        if spec.pin is not None:
            service.move(spec.item_id, spec.pin)
    service.refresh()
    views = service.list_items(include_closed=True)
    return DemoSummary(
        open_items=sum(v.status is Status.OPEN for v in views),
        done_items=sum(v.status is Status.DONE for v in views),
        time_entries=sum(len(service.entries(v.id)) for v in views),
    )


class _DemoWeek:
    """Builds the item specs and the work schedule, then replays them through the service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.now: datetime = service.now().astimezone(UTC)
        self.tz: tzinfo = service.tz
        self.policy: Policy = service.policy()
        self.rng = random.Random(SEED)
        self.today: date = local_date(self.now, self.tz)
        # The ten working days of the last two weeks, oldest first.
        self.days = [d for d in (self.today - timedelta(days=n) for n in range(14, 0, -1)) if d.isoweekday() <= 5]
        self.specs: list[_Spec] = []
        self.meetings: dict[date, list[tuple[int, int]]] = {}  # local minutes busy with past meetings
        self.totals = {bucket: 0.0 for bucket in TARGETS}

    # ------------------------------------------------------------ time helpers
    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """The UTC instant of a local wall-clock time."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz).astimezone(UTC)

    def wd(self, index: int, hour: int, minute: int = 0) -> datetime:
        """A time on one of the last ten working days (0 = oldest, 9 = the latest)."""
        return self.at(self.days[index], hour, minute)

    def rel(self, hours: float) -> datetime:
        """``now`` plus some hours, rounded to a quarter hour."""
        moment = self.now + timedelta(hours=hours)
        return moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0)

    def tomorrow(self, hour: int, minute: int = 0) -> datetime:
        """Tomorrow at a local time."""
        return self.at(self.today + timedelta(days=1), hour, minute)

    def workday_in(self, days: int, hour: int, minute: int = 0) -> datetime:
        """A local time ``days`` from today, moved forward off the weekend."""
        day = self.today + timedelta(days=days)
        while day.isoweekday() > 5:
            day += timedelta(days=1)
        return self.at(day, hour, minute)

    def next_weekday(self, iso_weekday: int, hour: int, minute: int = 0) -> datetime:
        """The next local day after today with that ISO weekday, at a local time."""
        ahead = (iso_weekday - self.today.isoweekday() - 1) % 7 + 1
        return self.at(self.today + timedelta(days=ahead), hour, minute)

    # ------------------------------------------------------------------ specs
    def add(
        self,
        draft: ItemDraft,
        created_at: datetime,
        *,
        closed_at: datetime | None = None,
        weight: float = 1.0,
        work_notes: tuple[str, ...] = (),
        pin: Quadrant | None = None,
        **fields: Any,
    ) -> _Spec:
        """Record an item: its draft (``fields`` change the draft) and its life."""
        spec = _Spec(replace(draft, **fields), min(created_at, self.now), closed_at, weight, work_notes, pin)
        self.specs.append(spec)
        return spec

    def escalation(self, title: str, severity: int, customer: str, created_at: datetime, *, key: bool = False, **kwargs: Any) -> _Spec:
        """An escalation; worse severities get more of the firefighting time."""
        draft = ItemDraft(title=f"{customer}: {title}", kind=Kind.ESCALATION, severity=severity, customer=customer, key_customer=key)
        kwargs.setdefault("weight", 4.0 - severity * 0.5)
        return self.add(draft, created_at, **kwargs)

    def task(self, title: str, created_at: datetime, **kwargs: Any) -> _Spec:
        """A task."""
        return self.add(ItemDraft(title=title, kind=Kind.TASK), created_at, **kwargs)

    def meeting(self, title: str, start: datetime, minutes: int, created_at: datetime, **kwargs: Any) -> _Spec:
        """A meeting; one that already started is a past one: its span is busy and it gets closed."""
        end = start + timedelta(minutes=minutes)
        if start < self.now:
            local = to_local(start, self.tz)
            first = local.hour * 60 + local.minute
            self.meetings.setdefault(local.date(), []).append((first, first + minutes))
            kwargs.setdefault("closed_at", end + timedelta(minutes=5))
        return self.add(ItemDraft(title=title, kind=Kind.MEETING, start=start, end=end), created_at, **kwargs)

    def planned(self, start: datetime) -> datetime:
        """When a planned-ahead meeting was put in the calendar."""
        return start - timedelta(days=14)

    def build(self) -> None:
        """Create every item spec."""
        self._past_meetings()
        self._done_work()
        self._open_do()
        self._open_schedule()
        self._open_delegate()
        self._open_eliminate()

    def _past_meetings(self) -> None:
        last_week = self.today - timedelta(days=7)
        for day in self.days:
            iso = day.isoweekday()
            if iso == 1:
                start = self.at(day, 9, 30)
                self.meeting("Weekly staff meeting", start, 60, self.planned(start))
            if iso == 2:
                start = self.at(day, 11)
                self.meeting("1:1 with Priya (Tier 1 lead)", start, 30, self.planned(start), importance=Importance.HIGH)
            if day >= last_week and iso == 2:
                start = self.at(day, 14)
                self.meeting("1:1 with Marcus (Tier 2 lead)", start, 30, self.planned(start), importance=Importance.HIGH)
            if day >= last_week and iso == 4:
                start = self.at(day, 10)
                self.meeting("1:1 with Elena (escalations lead)", start, 30, self.planned(start), importance=Importance.HIGH)
            if day >= last_week and iso == 3:
                start = self.at(day, 15)
                self.meeting(
                    "Vendor call: Aircall telephony quarterly review",
                    start,
                    45,
                    self.planned(start),
                    importance=Importance.HIGH,
                    notes="Ask about the March dropped-call incident and the credit they promised.",
                )

    def _bridge_start(self, day: date) -> tuple[int, int]:
        """A bridge-call slot on ``day`` that does not clash with the day's meetings."""
        busy = self.meetings.get(day, [])
        for hour, minute in ((13, 15), (15, 30), (10, 45), (16, 15)):
            first = hour * 60 + minute
            if all(first + 60 <= s or first >= e for s, e in busy):
                return hour, minute
        return 16, 30

    def _done_work(self) -> None:
        hour, minute = self._bridge_start(self.days[3])
        bridge = self.wd(3, hour, minute)
        self.meeting(
            "Bridge call: Globex live chat outage",
            bridge,
            60,
            bridge - timedelta(minutes=30),
            importance=Importance.CRITICAL,
        )
        self.escalation(
            "live chat widget down on checkout pages",
            1,
            "Globex",
            bridge - timedelta(minutes=35),
            key=True,
            closed_at=self.wd(4, 11),
            work_notes=("Opened the incident with engineering", "Customer update every 30 min", "Root-cause summary for Globex"),
        )
        self.escalation(
            "SSO login failures for agents",
            2,
            "Contoso",
            self.wd(0, 9, 20),
            key=True,
            due=self.wd(0, 17),
            closed_at=self.wd(1, 15, 30),
        )
        self.task(
            "Approve the weekly refund batch",
            self.wd(0, 9),
            delegated_to="Sam",
            due=self.wd(1, 12),
            estimate_minutes=30,
            closed_at=self.wd(1, 11, 45),
            work_notes=("Checked Sam's list", "Approved the batch"),
        )
        self.task(
            "Monthly CSAT report for the director",
            self.wd(0, 10),
            importance=Importance.HIGH,
            due=self.wd(4, 17),
            estimate_minutes=180,
            closed_at=self.wd(4, 16),
            work_notes=("Pulled the survey data", "Wrote the commentary", "Charts and summary"),
        )
        self.task(
            "Onboarding plan for two new Tier 1 agents",
            self.wd(0, 11),
            importance=Importance.HIGH,
            strategic=True,
            estimate_minutes=240,
            closed_at=self.wd(6, 15),
            work_notes=("Shadowing schedule", "Training checklist", "Buddy assignments"),
        )
        self.escalation(
            "duplicate charges on online orders",
            2,
            "ACME Retail",
            self.wd(5, 9, 50),
            key=True,
            closed_at=self.wd(7, 14),
            notes="Payments team deployed a fix on day two; refunds issued by Sam.",
        )
        self.escalation(
            "shipping notifications sent in the wrong language",
            3,
            "Northwind",
            self.wd(6, 10, 30),
            delegated_to="Marcus",
            due=self.wd(8, 12),
            closed_at=self.wd(8, 11, 30),
            work_notes=("Handed over to Marcus", "Checked the template fix"),
        )
        self.task(
            "Inbox clean-up: old CC threads",
            self.wd(0, 8, 45),
            importance=Importance.LOW,
            estimate_minutes=45,
            closed_at=self.wd(2, 17),
        )

    def _open_do(self) -> None:
        self.escalation(
            "POS checkout outage, card payments failing in 40 stores",
            1,
            "ACME Retail",
            self.now - timedelta(minutes=50),
            key=True,
            due=self.rel(2),
            notes="Store ops hotline is flooded. Engineering incident INC-4821.",
        )
        self.escalation(
            "data export API returning 500s",
            1,
            "Contoso",
            self.now - timedelta(minutes=25),
            key=True,
            due=self.rel(1.5),
        )
        self.escalation("order sync delayed by more than 6 hours", 2, "Northwind", self.wd(8, 10, 20), due=self.rel(-3))
        self.escalation("patient portal login errors", 2, "Umbrella Health", self.wd(9, 16, 10), key=True, due=self.rel(5))
        self.escalation("bulk ticket import failing", 3, "Globex", self.wd(7, 11, 5), key=True, due=self.tomorrow(10))
        self.escalation(
            "invoice format rejected by their AP system",
            4,
            "Initech",
            self.wd(5, 14, 30),
            key=True,
            due=self.rel(-24),
            notes="Their finance director copied our CEO.",
        )
        bridge = self.now.replace(second=0, microsecond=0) + timedelta(minutes=30)
        self.meeting(
            "Bridge call: ACME Retail POS outage",
            bridge,
            60,
            bridge - timedelta(minutes=30),
            importance=Importance.CRITICAL,
            notes="Dial-in in the incident channel. Engineering, store ops and the ACME account manager.",
        )
        self.task(
            "Call back the Initech CTO about outage credits",
            self.wd(9, 15),
            importance=Importance.HIGH,
            customer="Initech",
            due=self.rel(4),
            estimate_minutes=30,
        )
        self.task(
            "Approve overtime for weekend on-call cover",
            self.wd(9, 9, 30),
            importance=Importance.HIGH,
            due=self.rel(6),
            estimate_minutes=15,
        )
        self.task(
            "Talking points for the ACME Retail QBR call",
            self.wd(6, 10),
            importance=Importance.HIGH,
            customer="ACME Retail",
            due=self.tomorrow(9),
            estimate_minutes=60,
        )
        self.task(
            "SLA report for the director",
            self.wd(4, 9, 15),
            importance=Importance.HIGH,
            due=self.tomorrow(12),
            estimate_minutes=120,
            notes="First-response and resolution SLAs per tier; explain the Sev 1 misses.",
            work_notes=("Exported the SLA numbers", "Breakdown per tier", "Wrote the misses section"),
        )
        self.task(
            "Reply to the Globex procurement security questionnaire",
            self.wd(8, 13, 40),
            customer="Globex",
            due=self.rel(8),
            estimate_minutes=90,
            pin=Quadrant.DO,
        )

    def _open_schedule(self) -> None:
        for weekday, hour, title in (
            (2, 11, "1:1 with Priya (Tier 1 lead)"),
            (2, 14, "1:1 with Marcus (Tier 2 lead)"),
            (4, 10, "1:1 with Elena (escalations lead)"),
        ):
            start = self.next_weekday(weekday, hour)
            self.meeting(title, start, 30, self.planned(start), importance=Importance.HIGH)
        start = self.next_weekday(3, 15)
        self.meeting("Vendor call: Aircall contract renewal", start, 45, self.wd(2, 16), importance=Importance.HIGH)
        self.task(
            "Q1 hiring plan",
            self.wd(1, 8, 50),
            importance=Importance.HIGH,
            strategic=True,
            due=self.workday_in(10, 17),
            estimate_minutes=240,
            notes="Two Tier 1 agents, one Tier 2 specialist; budget approved up to 3 FTE.",
            work_notes=("Headcount model", "Job descriptions", "Interview loop"),
        )
        self.task(
            "Knowledge-base rewrite: top 50 articles",
            self.wd(0, 9, 5),
            strategic=True,
            estimate_minutes=900,
            work_notes=("Rewrote returns articles", "Reviewed drafts from Tier 2", "Search-term analysis"),
        )
        self.task(
            "QA review: 20 Tier 1 tickets", self.wd(5, 9), importance=Importance.HIGH, due=self.workday_in(4, 17), estimate_minutes=120
        )
        self.task(
            "QA review: escalated Tier 2 tickets",
            self.wd(7, 9),
            importance=Importance.HIGH,
            due=self.workday_in(3, 17),
            estimate_minutes=90,
        )
        self.escalation("gift card balances do not match", 3, "ACME Retail", self.wd(9, 11, 20), key=True, due=self.workday_in(3, 12))
        self.escalation("request for an audit log export", 4, "Umbrella Health", self.wd(8, 10), key=True, due=self.workday_in(5, 17))
        self.task(
            "Update the on-call rotation for Q2",
            self.wd(6, 14),
            importance=Importance.HIGH,
            due=self.workday_in(6, 17),
            estimate_minutes=60,
        )
        self.task("Coaching plan for the two newest Tier 1 agents", self.wd(3, 16), estimate_minutes=120, pin=Quadrant.SCHEDULE)

    def _open_delegate(self) -> None:
        self.task(
            "Refund backlog: 37 pending refunds",
            self.wd(7, 9, 30),
            delegated_to="Sam",
            due=self.rel(6),
            estimate_minutes=240,
            notes="Oldest first; anything over 500 EUR needs my approval.",
            work_notes=("Checked in with Sam", "Approved the large refunds"),
        )
        self.escalation("bulk export is slow", 3, "Globex", self.wd(9, 14), delegated_to="Priya", due=self.rel(3))
        self.escalation("password reset emails delayed", 4, "Contoso", self.wd(6, 16), delegated_to="Marcus", due=self.rel(-5))
        self.task("Chase IT for headset replacements", self.wd(8, 11), delegated_to="Jordan", due=self.rel(5), estimate_minutes=15)
        self.task("Weekly backlog numbers for finance", self.wd(9, 10), delegated_to="Elena", due=self.rel(8), estimate_minutes=30)
        self.task(
            "Send Northwind a copy of invoice 2024-118",
            self.wd(9, 12),
            importance=Importance.LOW,
            customer="Northwind",
            delegated_to="Priya",
            due=self.rel(-2),
            estimate_minutes=10,
        )
        start = self.rel(2)
        self.meeting("Ad-hoc sync with the billing team", start, 30, self.now)
        self.task("Shift swap form for Saturday", self.wd(9, 9, 10), importance=Importance.LOW, due=self.rel(10), estimate_minutes=10)

    def _open_eliminate(self) -> None:
        start = self.next_weekday(1, 9, 30)
        self.meeting("Weekly staff meeting", start, 60, start - timedelta(days=28))
        start = self.workday_in(3, 16)
        self.meeting("Optional webinar: AI in customer service", start, 60, self.wd(2, 13), importance=Importance.LOW)
        low = Importance.LOW
        self.task("Read the support-ops newsletter", self.wd(6, 8, 30), importance=low, estimate_minutes=20)
        self.task("Tidy the shared drive", self.wd(0, 9, 30), importance=low, estimate_minutes=60, work_notes=("Archived 2022 folders", ""))
        self.task("Update email signature with the new logo", self.wd(4, 9), importance=low, estimate_minutes=10)
        self.escalation("feature request: dark mode in the portal", 4, "Initech", self.wd(3, 11), due=self.workday_in(7, 17))
        self.task("Sort out the team's Slack channels", self.wd(2, 10), importance=low, estimate_minutes=30)
        self.task("Skim the vendor's marketing deck", self.wd(8, 15), importance=low, estimate_minutes=20)
        self.task("Expense report for the support conference", self.wd(5, 16, 30), importance=low, estimate_minutes=20)

    # --------------------------------------------------------------- schedule
    def _free(self, busy: list[tuple[int, int]], end: int) -> list[tuple[int, int]]:
        """Free stretches of the working day (local minutes) between busy spans."""
        free: list[tuple[int, int]] = []
        cursor = WORK_START
        for s, e in sorted(busy):
            if s > cursor:
                free.append((cursor, min(s, end)))
            cursor = max(cursor, e)
        free.append((cursor, end))
        return [(s, e) for s, e in free if e - s >= MIN_ENTRY]

    def _day_slots(self, day: date, end: int, budget: int) -> list[tuple[datetime, datetime]]:
        """Spans of manual work on a day, around its meetings and lunch, about ``budget`` minutes."""
        meetings = self.meetings.get(day, [])
        lunch = LUNCH_START + self.rng.choice((0, 15, 30))
        busy = meetings + [(lunch, lunch + self.rng.choice((30, 45)))]
        free = self._free(busy, end)
        remaining = budget - sum(e - s for s, e in meetings)
        free_total = sum(e - s for s, e in free)
        gap_mean = max(0.0, (free_total - remaining) / (remaining / 45 + 1))
        slots: list[tuple[datetime, datetime]] = []
        for first, last in free:
            cursor = first + 5 * self.rng.randint(0, 2)
            while remaining >= MIN_ENTRY and last - cursor >= MIN_ENTRY:
                length = min(self.rng.choice((20, 25, 30, 40, 45, 50, 60, 75, 90)), last - cursor, remaining)
                if length < MIN_ENTRY:
                    break
                slots.append((self.at(day, cursor // 60, cursor % 60), self.at(day, (cursor + length) // 60, (cursor + length) % 60)))
                remaining -= length
                cursor += length + 5 * round(self.rng.uniform(0, 2 * gap_mean) / 5)
        return slots

    def _slots(self) -> list[tuple[datetime, datetime]]:
        slots: list[tuple[datetime, datetime]] = []
        for day in self.days:
            slots += self._day_slots(day, WORK_END, self.rng.randint(270, 390))
        local_now = to_local(self.now, self.tz)
        if self.today.isoweekday() <= 5:
            end = min(WORK_END, (local_now.hour * 60 + local_now.minute) // 5 * 5 - 5)
            if end - WORK_START >= 60:
                budget = round(self.rng.randint(270, 390) * (end - WORK_START) / (WORK_END - WORK_START))
                slots += self._day_slots(self.today, end, budget)
        return slots

    # ----------------------------------------------------------------- replay
    def replay(self) -> None:
        """Run every creation, meeting, span of work and close in time order."""
        clock = _FixedClock(self.now)
        self.service.clock = clock
        events: list[_Event] = []

        def push(at: datetime, order: int, action: Callable[[], None]) -> None:
            events.append(_Event(at, order, len(events), action))

        for spec in self.specs:
            push(spec.created_at, 0, partial(self._create, spec))
            if spec.draft.kind is Kind.MEETING and spec.closed_at is not None:
                assert spec.draft.end is not None
                push(spec.draft.end, 1, partial(self._count_meeting, spec))
            if spec.closed_at is not None:
                push(spec.closed_at, 3, partial(self._close, spec))
        for start, end in self._slots():
            push(end, 2, partial(self._work, start, end))
        for event in sorted(events):
            clock.at = min(event.at, self.now)
            event.action()

    def _create(self, spec: _Spec) -> None:
        spec.item_id = self.service.add(spec.draft, created_at=spec.created_at).value

    def _close(self, spec: _Spec) -> None:
        self.service.done(spec.item_id)

    def _count_meeting(self, spec: _Spec) -> None:
        self.service.refresh()
        for entry in self.service.entries(spec.item_id):
            assert entry.end is not None
            self.totals[_bucket(entry.quadrant)] += (entry.end - entry.start).total_seconds() / 60

    def _work(self, start: datetime, end: datetime) -> None:
        """Log one span on the item the balance calls for."""
        length = (end - start).total_seconds() / 60
        total = sum(self.totals.values()) + length
        middle = start + (end - start) / 2
        alive = [s for s in self.specs if s.loggable and s.created_at <= start and (s.closed_at is None or s.closed_at >= end)]
        by_bucket: dict[str, list[_Spec]] = {bucket: [] for bucket in TARGETS}
        for spec in alive:
            by_bucket[_bucket(rules.place(spec.facts(), middle, self.policy).quadrant)].append(spec)
        for bucket in sorted(TARGETS, key=lambda b: self.totals[b] - TARGETS[b] * total):
            candidates = by_bucket[bucket]
            if candidates:
                break
        else:
            return
        weights = [c.weight / (1 + c.minutes / 90) for c in candidates]
        spec = self.rng.choices(candidates, weights=weights)[0]
        notes = spec.work_notes or DEFAULT_NOTES[spec.draft.kind]
        for entry in self.service.log_time(spec.item_id, start, end, self.rng.choice(notes)).value:
            assert entry.end is not None
            minutes = (entry.end - entry.start).total_seconds() / 60
            self.totals[_bucket(entry.quadrant)] += minutes
            spec.minutes += minutes
