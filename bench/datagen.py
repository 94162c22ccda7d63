"""Realistic benchmark data, built fast and cached.

Three data sets, each cached under ``bench-results/cache/`` in a file whose name
carries a hash of its parameters, of ``DATAGEN_VERSION``, of the schema version
and of the source of ``rules.py`` and ``models.py`` (a change to the rules or the
schema rebuilds the data, so the cached placements always match the rules):

``large_db``       years of one manager's data: 10,000 items (2,000 open), 100,000 time
                   entries over five years in working hours, non-overlapping, with the
                   placement cache filled by ``rules.place`` and a triage log that matches
                   (first placement, each deadline entering the horizon, each pin).
``tasks_peer``     10,000 open tasks: a Prioritizer database AND a Taskwarrior data folder
                   (``task import`` into a private TASKDATA/TASKRC) with the same tasks.
``intervals_peer`` 50,000 intervals in one year: a Prioritizer database (time entries) AND
                   a Timewarrior database (its documented data files, written directly:
                   Timewarrior 1.4 has no ``import``) with the same intervals and tags.

Rows go in through the real schema (``prioritizer.storage.engine.migrate``) with
``executemany``; building the large database takes a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prioritizer.domain import rules as _rules_module
from prioritizer.domain.rules import place
from prioritizer.domain.values import Importance, ItemFacts, Kind, Quadrant, Status
from prioritizer.storage import schema as _models_module
from prioritizer.storage.engine import SCHEMA_VERSION, make_engine, migrate
from prioritizer.storage.schema import to_micros

DATAGEN_VERSION = 3
REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(os.environ.get("PRIORITIZER_BENCH_RESULTS", REPO / "bench-results"))
CACHE_DIR = RESULTS_DIR / "cache"

# The benchmark's fixed clock and zone: Friday 20 November 2026, 09:00 in Berlin.
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
TZ_NAME = "Europe/Berlin"
TZ = ZoneInfo(TZ_NAME)

CUSTOMERS = [
    "ACME", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne",
    "Soylent", "Massive Dynamic", "Vandelay", "Pied Piper", "Aperture", "Black Mesa", "Oscorp", "Gringotts",
    "Monarch", "Nakatomi", "Dunder Mifflin", "Prestige", "Sterling Cooper", "Virtucon", "Zorg", "Bluth",
    "Krusty", "Duff", "Gekko", "Ollivander",
]
KEY_CUSTOMERS = set(CUSTOMERS[:6])
PEOPLE = ["Sam", "Dana", "Alex", "Priya", "Jonas", "Mei", "Lucas", "Aisha", "Tom", "Inès", "Kofi", "Marta"]
TASK_VERBS = ["Review", "Draft", "Update", "Follow up on", "Prepare", "Answer", "Close", "Audit", "Plan", "Fix", "Write", "Check"]
TASK_OBJECTS = [
    "refund backlog", "SLA breach report", "macro library", "onboarding guide", "QA scorecards", "staffing plan",
    "holiday rota", "knowledge base article", "churn analysis", "CSAT survey results", "escalation runbook",
    "ticket tagging", "chatbot handoff", "billing FAQ", "weekly metrics deck", "training schedule",
    "vendor contract", "tooling budget", "hiring pipeline", "queue routing rules",
]
MEETING_TITLES = [
    "1:1 {p}", "Team standup", "Status meeting", "Quarterly business review with {c}", "Incident bridge {c}",
    "Hiring interview", "Product sync", "Ops review", "Training session", "Customer call {c}",
]
ESCALATION_PROBLEMS = ["checkout down", "data export failing", "login errors", "invoice wrong", "API timeouts",
                       "missing orders", "SSO broken", "slow dashboard", "refund not received", "account locked"]


def _source_hash() -> str:
    h = hashlib.sha256()
    for module in (_rules_module, _models_module):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()[:12]


def cache_key(kind: str, params: dict[str, Any]) -> str:
    """File stem for a data set: kind + hash of params, datagen version, schema version, rules/models source."""
    payload = json.dumps(
        {"kind": kind, "params": params, "datagen": DATAGEN_VERSION, "schema": SCHEMA_VERSION, "src": _source_hash()},
        sort_keys=True,
        default=str,
    )
    return f"{kind}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


# ----------------------------------------------------------------- items
ITEM_COLUMNS = (
    "id", "kind", "title", "notes", "importance", "due", "estimate_minutes", "strategic", "delegated_to", "status",
    "created_at", "updated_at", "closed_at", "start", '"end"', "skipped", "uid", "severity", "customer",
    "key_customer", "pinned_quadrant", "pinned_at", "quadrant", "urgent", "important", "placed_at", "changes_at",
)
ENTRY_COLUMNS = ("id", "item_id", "start", '"end"', "quadrant", "source", "note")
LOG_COLUMNS = ("id", "item_id", "at", "from_quadrant", "to_quadrant", "actor", "note")


@dataclass
class GenItem:
    """One generated item: its facts, life span and the quadrants it went through."""

    id: int
    facts: ItemFacts
    notes: str = ""
    estimate: int | None = None
    delegated_to: str | None = None
    customer: str | None = None
    closed_at: datetime | None = None
    timeline: list[tuple[datetime, Quadrant, str]] | None = None  # (at, quadrant, actor)

    def quadrant_at(self, at: datetime) -> Quadrant:
        """The quadrant the item was in at ``at`` (its first one before it existed)."""
        assert self.timeline
        current = self.timeline[0][1]
        for moment, quadrant, _ in self.timeline:
            if moment <= at:
                current = quadrant
            else:
                break
        return current


def _us(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def _local(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=TZ).astimezone(UTC)


def _working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _importance(rng: random.Random) -> Importance:
    return rng.choices(list(Importance), weights=(15, 50, 28, 7))[0]


def _timeline(item: GenItem, end_of_life: datetime) -> None:
    """First placement at creation, then every change the rules make by themselves, then the pin."""
    facts = item.facts
    unpinned = replace(facts, pinned_quadrant=None, pinned_at=None)
    assert facts.created_at is not None
    at = facts.created_at
    placement = place(unpinned, at)
    timeline = [(at, placement.quadrant, "rules")]
    while placement.changes_at is not None and placement.changes_at <= end_of_life and placement.changes_at > at:
        at = placement.changes_at
        placement = place(unpinned, at)
        if placement.quadrant is not timeline[-1][1]:
            timeline.append((at, placement.quadrant, "rules"))
    if facts.pinned_quadrant is not None and facts.pinned_at is not None:
        # After a pin the rules no longer move the item.
        timeline = [t for t in timeline if t[0] < facts.pinned_at] + [(facts.pinned_at, facts.pinned_quadrant, "user")]
    item.timeline = timeline


def _item_row(item: GenItem, now: datetime) -> tuple[Any, ...]:
    f = item.facts
    at = item.closed_at or now
    p = place(f, at)
    assert f.created_at is not None
    updated = item.closed_at or (f.pinned_at if f.pinned_at else f.created_at)
    return (
        item.id, f.kind.value, f.title, item.notes, f.importance.value, _us(f.due), item.estimate, int(f.strategic),
        item.delegated_to, f.status.value, _us(f.created_at), _us(updated), _us(item.closed_at), _us(f.start),
        _us(f.end), 0, None, f.severity, item.customer, int(f.key_customer),
        f.pinned_quadrant.value if f.pinned_quadrant else None, _us(f.pinned_at), p.quadrant.value, int(p.urgent),
        int(p.important), _us(at), _us(p.changes_at),
    )


def _log_rows(items: list[GenItem], start_id: int = 1) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    log_id = start_id
    for item in items:
        assert item.timeline
        previous: str | None = None
        for n, (at, quadrant, actor) in enumerate(item.timeline):
            note = "added" if n == 0 else ("moved by you" if actor == "user" else "deadline entered the urgency horizon")
            rows.append((log_id, item.id, to_micros(at), previous, quadrant.value, actor, note))
            log_id += 1
            previous = quadrant.value
    return rows


def _write_db(path: Path, items: list[GenItem], entries: list[tuple[Any, ...]], now: datetime) -> None:
    """Create the real schema at ``path`` and bulk-insert items, triage log and entries."""
    if path.exists():
        path.unlink()
    engine = make_engine(str(path))
    migrate(engine)
    engine.dispose()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        with conn:
            conn.executemany(
                f"INSERT INTO items ({', '.join(ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(ITEM_COLUMNS))})",
                (_item_row(i, now) for i in items),
            )
            conn.executemany(
                f"INSERT INTO triage_log ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})",
                _log_rows(items),
            )
            conn.executemany(
                f"INSERT INTO time_entries ({', '.join(ENTRY_COLUMNS)}) VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})",
                entries,
            )
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _task_title(rng: random.Random) -> str:
    title = f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_OBJECTS)}"
    if rng.random() < 0.4:
        title += f" for {rng.choice(CUSTOMERS)}"
    return title


def _make_task(rng: random.Random, item_id: int, created: datetime, closed: datetime | None, now: datetime) -> GenItem:
    importance = _importance(rng)
    due = None
    if rng.random() < 0.6:
        if closed is None:
            due = now + timedelta(hours=rng.uniform(-5 * 24, 60 * 24))
        else:
            due = created + timedelta(hours=rng.uniform(4, 20 * 24))
        due = max(due, created + timedelta(hours=1))
    facts = ItemFacts(
        kind=Kind.TASK, title=_task_title(rng), importance=importance, due=due, strategic=rng.random() < 0.1,
        created_at=created, status=Status.OPEN,
    )
    return GenItem(
        item_id, facts, estimate=rng.choice([None, None, 15, 30, 60, 120, 240]),
        delegated_to=rng.choice(PEOPLE) if rng.random() < 0.1 else None, closed_at=closed,
        notes="" if rng.random() < 0.7 else "Context: " + _task_title(rng) + ".",
    )


def _make_escalation(rng: random.Random, item_id: int, created: datetime, closed: datetime | None, now: datetime) -> GenItem:
    customer = rng.choice(CUSTOMERS)
    severity = rng.choices([1, 2, 3, 4], weights=(10, 25, 40, 25))[0]
    due = None
    if rng.random() < 0.5:
        due = (created if closed else max(created, now - timedelta(days=3))) + timedelta(hours=rng.uniform(2, 96))
    facts = ItemFacts(
        kind=Kind.ESCALATION, title=f"Sev{severity} {customer} {rng.choice(ESCALATION_PROBLEMS)}",
        importance=rng.choices(list(Importance), weights=(5, 45, 40, 10))[0], due=due, severity=severity,
        key_customer=customer in KEY_CUSTOMERS and rng.random() < 0.7, created_at=created, status=Status.OPEN,
    )
    return GenItem(item_id, facts, customer=customer, closed_at=closed,
                   delegated_to=rng.choice(PEOPLE) if rng.random() < 0.15 else None)


def _make_meeting(rng: random.Random, item_id: int, start: datetime, minutes: int, closed: bool, now: datetime) -> GenItem:
    notice = timedelta(hours=rng.uniform(1, 20)) if rng.random() < 0.1 else timedelta(days=rng.uniform(2, 21))
    created = min(start - notice, now - timedelta(minutes=5))
    title = rng.choice(MEETING_TITLES).format(p=rng.choice(PEOPLE), c=rng.choice(CUSTOMERS))
    importance = Importance.HIGH if title.startswith(("1:1", "Quarterly", "Incident")) else rng.choice(
        [Importance.LOW, Importance.NORMAL, Importance.NORMAL, Importance.HIGH])
    facts = ItemFacts(
        kind=Kind.MEETING, title=title, importance=importance, start=start, end=start + timedelta(minutes=minutes),
        strategic=title.startswith("Quarterly") and rng.random() < 0.5, created_at=created, status=Status.OPEN,
    )
    return GenItem(item_id, facts, closed_at=facts.end if closed else None)


# ------------------------------------------------------------- large db
@dataclass(frozen=True)
class LargeParams:
    """Sizes of the large database."""

    items: int = 10_000
    open_items: int = 2_000
    entries: int = 100_000
    years: int = 5
    seed: int = 42


QUICK_LARGE = LargeParams(items=600, open_items=150, entries=4_000, years=1)


def build_large(path: Path, params: LargeParams, now: datetime = NOW) -> dict[str, Any]:
    """Build the large database at ``path``; returns counts."""
    rng = random.Random(params.seed)
    first_day = (now - timedelta(days=365 * params.years)).astimezone(TZ).date()
    last_day = (now.astimezone(TZ) - timedelta(days=1)).date()
    days = _working_days(first_day, last_day)
    n_closed = params.items - params.open_items
    n_meetings_closed = n_closed // 4
    # Meetings first: each takes a free half-hour slot (or two) of a working day.
    busy: dict[date, set[int]] = {}
    items: list[GenItem] = []
    next_id = 1
    meeting_items: list[GenItem] = []
    for _ in range(n_meetings_closed):
        for _attempt in range(20):
            day = rng.choice(days)
            slot = rng.randrange(0, 15)  # 9:00 .. 16:00 local
            length = rng.choice([1, 1, 2])
            taken = busy.setdefault(day, set())
            if not any(s in taken for s in range(slot, slot + length)):
                taken.update(range(slot, slot + length))
                start = _local(day, 9 * 60 + slot * 30)
                meeting = _make_meeting(rng, next_id, start, 30 * length, True, now)
                if rng.random() < 0.1:
                    meeting.facts = replace(meeting.facts, status=Status.DROPPED)
                    taken.difference_update(range(slot, slot + length))
                    meeting.closed_at = start - timedelta(hours=1) if start - timedelta(hours=1) > meeting.facts.created_at else start  # type: ignore[operator]
                else:
                    meeting.facts = replace(meeting.facts, status=Status.DONE)
                meeting_items.append(meeting)
                next_id += 1
                break
    span_start = _local(first_day, 0)
    span = (now - timedelta(days=2) - span_start).total_seconds()
    for _ in range(n_closed - len(meeting_items)):
        created = span_start + timedelta(seconds=rng.uniform(0, span))
        closed = min(created + timedelta(hours=rng.expovariate(1 / (7 * 24)) + 0.5), now - timedelta(hours=1))
        maker = _make_escalation if rng.random() < 0.2 else _make_task
        item = maker(rng, next_id, created, closed, now)
        item.facts = replace(item.facts, status=Status.DONE if rng.random() < 0.85 else Status.DROPPED)
        items.append(item)
        next_id += 1
    items.extend(meeting_items)
    # Open items: a recent inflow plus an old backlog; future meetings.
    for _ in range(params.open_items):
        roll = rng.random()
        if roll < 0.2:
            start = _local(now.astimezone(TZ).date() + timedelta(days=rng.randrange(0, 30)), 9 * 60 + 30 * rng.randrange(0, 16))
            if start <= now:
                start += timedelta(days=7)
            item = _make_meeting(rng, next_id, start, rng.choice([30, 30, 60]), False, now)
        else:
            age = timedelta(days=rng.uniform(0, 60)) if rng.random() < 0.7 else timedelta(days=rng.uniform(60, 730))
            created = now - age - timedelta(minutes=5)
            maker = _make_escalation if roll < 0.32 else _make_task
            item = maker(rng, next_id, created, None, now)
        if rng.random() < 0.05:
            assert item.facts.created_at is not None
            pinned_at = item.facts.created_at + (now - item.facts.created_at) * rng.uniform(0.3, 0.99)
            item.facts = replace(item.facts, pinned_quadrant=rng.choice(list(Quadrant)), pinned_at=pinned_at)
        items.append(item)
        next_id += 1
    items.sort(key=lambda i: i.id)
    for item in items:
        _timeline(item, item.closed_at or now)

    entries = _large_entries(rng, params, days, items, busy, now)
    _write_db(path, items, entries, now)
    return {"items": len(items), "open_items": sum(1 for i in items if i.facts.status is Status.OPEN),
            "time_entries": len(entries), "first_day": first_day.isoformat(), "last_day": last_day.isoformat()}


_WORK_WEIGHT = {Quadrant.DO: 5.0, Quadrant.DELEGATE: 2.0, Quadrant.SCHEDULE: 3.0, Quadrant.ELIMINATE: 1.0}


def _large_entries(
    rng: random.Random, params: LargeParams, days: list[date], items: list[GenItem], busy: dict[date, set[int]], now: datetime
) -> list[tuple[Any, ...]]:
    """Non-overlapping entries in working hours: meetings' own spans, the rest on items alive that day."""
    meetings_by_day: dict[date, list[GenItem]] = {}
    for item in items:
        f = item.facts
        if f.kind is Kind.MEETING and f.status is Status.DONE and f.start is not None:
            meetings_by_day.setdefault(f.start.astimezone(TZ).date(), []).append(item)
    n_meeting_entries = sum(len(v) for v in meetings_by_day.values())
    quota = max(params.entries - n_meeting_entries, 0)
    per_day = [quota // len(days) + (1 if n < quota % len(days) else 0) for n in range(len(days))]
    workable = sorted((i for i in items if i.facts.kind is not Kind.MEETING), key=lambda i: i.facts.created_at)  # type: ignore[arg-type, return-value]
    pointer = 0
    alive: list[GenItem] = []
    entries: list[tuple[Any, ...]] = []
    entry_id = 1
    for n, day in enumerate(days):
        day_start, day_end = _local(day, 9 * 60), _local(day, 17 * 60 + 30)
        while pointer < len(workable) and workable[pointer].facts.created_at <= day_start:  # type: ignore[operator]
            alive.append(workable[pointer])
            pointer += 1
        alive = [i for i in alive if i.closed_at is None or i.closed_at > day_start]
        # Free intervals between meetings.
        meetings = sorted(meetings_by_day.get(day, []), key=lambda m: m.facts.start)  # type: ignore[arg-type, return-value]
        for m in meetings:
            assert m.facts.start is not None and m.facts.end is not None
            entries.append((entry_id, m.id, to_micros(m.facts.start), to_micros(m.facts.end),
                            m.quadrant_at(m.facts.start).value, "meeting", ""))
            entry_id += 1
        free: list[tuple[datetime, datetime]] = []
        cursor = day_start
        for m in meetings:
            if m.facts.start > cursor:  # type: ignore[operator]
                free.append((cursor, m.facts.start))  # type: ignore[arg-type]
            cursor = max(cursor, m.facts.end)  # type: ignore[type-var]
        if cursor < day_end:
            free.append((cursor, day_end))
        k = per_day[n]
        if not alive or k == 0 or not free:
            continue
        total = sum((b - a).total_seconds() for a, b in free)
        slot = total / k
        idx, at = 0, free[0][0]
        for _ in range(k):
            length = timedelta(seconds=max(60.0, slot * rng.uniform(0.5, 0.95)))
            gap = timedelta(seconds=slot * rng.uniform(0.0, 0.05))
            at += gap
            while idx < len(free) and at + timedelta(seconds=60) > free[idx][1]:
                idx += 1
                if idx < len(free):
                    at = max(at, free[idx][0])
            if idx >= len(free):
                break
            end = min(at + length, free[idx][1])
            # Pressing work gets more of the day: pick among a few candidates by their quadrant then.
            candidates = [c for c in (rng.choice(alive) for _ in range(3)) if c.closed_at is None or c.closed_at >= end]
            if not candidates:
                continue
            weights = [_WORK_WEIGHT[c.quadrant_at(at)] for c in candidates]
            item = rng.choices(candidates, weights=weights)[0]
            entries.append((entry_id, item.id, to_micros(at), to_micros(end), item.quadrant_at(at).value,
                            "timer" if rng.random() < 0.7 else "manual", ""))
            entry_id += 1
            at = end
    return entries


# ------------------------------------------------------ peers: tasks
@dataclass(frozen=True)
class TasksParams:
    """Sizes of the open-tasks data set shared with Taskwarrior."""

    tasks: int = 10_000
    seed: int = 7


QUICK_TASKS = TasksParams(tasks=300)


def _gen_tasks(params: TasksParams, now: datetime) -> list[GenItem]:
    rng = random.Random(params.seed)
    items = []
    for n in range(params.tasks):
        age = timedelta(days=rng.uniform(0, 60)) if rng.random() < 0.7 else timedelta(days=rng.uniform(60, 730))
        item = _make_task(rng, n + 1, now - age - timedelta(minutes=5), None, now)
        _timeline(item, now)
        items.append(item)
    return items


_TW_PRIORITY = {Importance.CRITICAL: "H", Importance.HIGH: "H", Importance.NORMAL: None, Importance.LOW: "L"}


def _tw_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def taskwarrior_env(taskdata: Path) -> dict[str, str]:
    """Environment pointing Taskwarrior at a private data folder and rc file."""
    env = dict(os.environ)
    env["TASKDATA"] = str(taskdata)
    env["TASKRC"] = str(taskdata / "taskrc")
    env["TZ"] = TZ_NAME
    return env


def build_tasks(prio_db: Path, taskdata: Path, params: TasksParams, now: datetime = NOW) -> dict[str, Any]:
    """The same open tasks into a Prioritizer database and a Taskwarrior folder."""
    items = _gen_tasks(params, now)
    _write_db(prio_db, items, [], now)
    if taskdata.exists():
        shutil.rmtree(taskdata)
    taskdata.mkdir(parents=True)
    (taskdata / "taskrc").write_text(
        f"data.location={taskdata}\nconfirmation=off\nverbose=nothing\ngc=off\nhooks=off\nnews.version=2.6.0\n"
    )
    tasks = []
    for item in items:
        f = item.facts
        assert f.created_at is not None
        task: dict[str, Any] = {
            "uuid": str(_uuid(item.id)),
            "description": f.title,
            "status": "pending",
            "entry": _tw_date(f.created_at),
            "modified": _tw_date(f.created_at),
            "project": "support",
        }
        if f.due is not None:
            task["due"] = _tw_date(f.due)
        if _TW_PRIORITY[f.importance]:
            task["priority"] = _TW_PRIORITY[f.importance]
        tags = (["strategic"] if f.strategic else []) + (["delegated"] if item.delegated_to else [])
        if tags:
            task["tags"] = tags
        tasks.append(task)
    source = taskdata / "import.json"
    source.write_text(json.dumps(tasks))
    if shutil.which("task") is None:
        raise RuntimeError("taskwarrior is not installed (apt-get install -y taskwarrior)")
    subprocess.run(["task", "import", str(source)], env=taskwarrior_env(taskdata), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    source.unlink()
    return {"tasks": len(items)}


def _uuid(n: int) -> str:
    import uuid

    return str(uuid.UUID(int=(0xB3 << 120) | n, version=4))


# -------------------------------------------------- peers: intervals
@dataclass(frozen=True)
class IntervalsParams:
    """Sizes of the intervals data set shared with Timewarrior."""

    intervals: int = 50_000
    year: int = 2025
    items: int = 400
    seed: int = 11


QUICK_INTERVALS = IntervalsParams(intervals=2_000, items=40)


def timewarrior_env(twdb: Path) -> dict[str, str]:
    """Environment pointing Timewarrior at a private database."""
    env = dict(os.environ)
    env["TIMEWARRIORDB"] = str(twdb)
    env["TZ"] = TZ_NAME
    return env


def build_intervals(prio_db: Path, twdb: Path, params: IntervalsParams, now: datetime = NOW) -> dict[str, Any]:
    """The same intervals (tagged with the item's title and quadrant) for Prioritizer and Timewarrior."""
    rng = random.Random(params.seed)
    created = _local(date(params.year, 1, 1), 0) - timedelta(days=30)
    items: list[GenItem] = []
    for n in range(params.items):
        maker = _make_escalation if rng.random() < 0.15 else _make_task
        item = maker(rng, n + 1, created, None, now)
        # No deadline: the quadrant stays put all year, so a tag can carry it.
        item.facts = replace(item.facts, due=None, status=Status.DONE if rng.random() < 0.8 else Status.OPEN)
        item.closed_at = _local(date(params.year + 1, 1, 2), 0) if item.facts.status is Status.DONE else None
        _timeline(item, now)
        items.append(item)
    days = _working_days(date(params.year, 1, 1), date(params.year, 12, 31))
    per_day = [params.intervals // len(days) + (1 if n < params.intervals % len(days) else 0) for n in range(len(days))]
    entries: list[tuple[Any, ...]] = []
    lines_by_month: dict[str, list[str]] = {}
    tag_counts: dict[str, int] = {}
    entry_id = 1
    for day, k in zip(days, per_day, strict=True):
        day_start, day_end = _local(day, 8 * 60), _local(day, 18 * 60)
        slot = (day_end - day_start).total_seconds() / k
        at = day_start
        for _ in range(k):
            length = timedelta(seconds=int(max(60.0, slot * rng.uniform(0.6, 0.95))))
            end = min(at + length, day_end)
            item = rng.choice(items)
            quadrant = item.quadrant_at(at)
            entries.append((entry_id, item.id, to_micros(at), to_micros(end), quadrant.value, "manual", ""))
            entry_id += 1
            tags = [item.facts.title, quadrant.value]
            for t in tags:
                tag_counts[t] = tag_counts.get(t, 0) + 1
            line = f"inc {_tw_date(at)} - {_tw_date(end)} # " + " ".join(_tw_tag(t) for t in tags)
            lines_by_month.setdefault(at.astimezone(UTC).strftime("%Y-%m"), []).append(line)
            at = at + timedelta(seconds=int(slot))
    _write_db(prio_db, items, entries, now)
    if twdb.exists():
        shutil.rmtree(twdb)
    (twdb / "data").mkdir(parents=True)
    (twdb / "extensions").mkdir()
    (twdb / "timewarrior.cfg").write_text("verbose = off\n")
    for month, lines in sorted(lines_by_month.items()):
        (twdb / "data" / f"{month}.data").write_text("\n".join(lines) + "\n")
    (twdb / "data" / "tags.data").write_text(json.dumps({t: {"count": c} for t, c in sorted(tag_counts.items())}, indent=2))
    return {"intervals": len(entries), "year": params.year, "items": len(items)}


def _tw_tag(tag: str) -> str:
    return f'"{tag}"' if any(c in tag for c in ' "#') else tag


# --------------------------------------------------------------- cache
def _cached(kind: str, params: Any, build: Any, outputs: tuple[str, ...], fresh: bool = False) -> tuple[list[Path], dict[str, Any], bool]:
    """Paths of a cached data set, building it first when missing. Returns (paths, info, built)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    key = cache_key(kind, params.__dict__)
    paths = [CACHE_DIR / f"{key}{suffix}" for suffix in outputs]
    info_path = CACHE_DIR / f"{key}.json"
    if not fresh and info_path.exists() and all(p.exists() for p in paths):
        return paths, json.loads(info_path.read_text()), False
    tmp = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=CACHE_DIR))
    try:
        tmp_paths = [tmp / p.name for p in paths]
        info = build(*tmp_paths, params)
        info["params"] = params.__dict__
        info["cache_key"] = key
        for src, dst in zip(tmp_paths, paths, strict=True):
            if dst.exists():
                shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
            src.rename(dst)
        info_path.write_text(json.dumps(info, indent=2, default=str))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return paths, info, True


def large_db(params: LargeParams, fresh: bool = False) -> tuple[Path, dict[str, Any], bool]:
    """The cached large database (build it if needed)."""
    paths, info, built = _cached("large", params, build_large, (".sqlite3",), fresh)
    return paths[0], info, built


def tasks_peer(params: TasksParams, fresh: bool = False) -> tuple[Path, Path, dict[str, Any], bool]:
    """(Prioritizer db, Taskwarrior data folder) with the same open tasks."""
    paths, info, built = _cached("tasks", params, build_tasks, (".sqlite3", ".taskdata"), fresh)
    return paths[0], paths[1], info, built


def intervals_peer(params: IntervalsParams, fresh: bool = False) -> tuple[Path, Path, dict[str, Any], bool]:
    """(Prioritizer db, Timewarrior database folder) with the same intervals."""
    paths, info, built = _cached("intervals", params, build_intervals, (".sqlite3", ".timew"), fresh)
    return paths[0], paths[1], info, built


def working_copy(source: Path, workdir: Path) -> Path:
    """A private copy of a cached database or folder (a benchmark may write to it: refresh, moves)."""
    target = workdir / source.name
    if target.exists():
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)
    return target


# ------------------------------------------------------------ import CSV
def write_import_csv(path: Path, rows: int, seed: int = 16, now: datetime = NOW) -> Path:
    """A CSV file in the documented import format (``importers.import_csv``) with ``rows`` items.

    The mix of ``large_db``: 70 % tasks (60 % with a deadline), 15 % escalations
    with a severity and a customer, 15 % meetings with a start and an end, ISO
    dates with and without an offset, a few notes with commas and line breaks.
    The same ``rows`` and ``seed`` give the same bytes.
    """
    import csv

    from prioritizer.io.exports import CSV_COLUMNS

    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for n in range(rows):
            row = dict.fromkeys(CSV_COLUMNS, "")
            roll = rng.random()
            if roll < 0.70:
                row["title"] = _task_title(rng)
                row["kind"] = "task"
                row["importance"] = _importance(rng).value
                if rng.random() < 0.6:
                    due = now + timedelta(hours=rng.uniform(-5 * 24, 60 * 24))
                    row["due"] = due.astimezone(TZ).strftime("%Y-%m-%dT%H:%M") if n % 2 else due.isoformat(timespec="minutes")
                row["estimate_minutes"] = str(rng.choice(["", "", 15, 30, 60, 120]))
                row["strategic"] = "yes" if rng.random() < 0.1 else ""
                row["delegated_to"] = rng.choice(PEOPLE) if rng.random() < 0.1 else ""
            elif roll < 0.85:
                customer = rng.choice(CUSTOMERS)
                severity = rng.choices([1, 2, 3, 4], weights=(10, 25, 40, 25))[0]
                row["title"] = f"Sev{severity} {customer} {rng.choice(ESCALATION_PROBLEMS)}"
                row["kind"] = "escalation"
                row["severity"] = str(severity)
                row["customer"] = customer
                row["key_customer"] = "yes" if customer in KEY_CUSTOMERS else "no"
            else:
                start = now + timedelta(minutes=30 * rng.randint(-48, 2000))
                row["title"] = rng.choice(MEETING_TITLES).format(p=rng.choice(PEOPLE), c=rng.choice(CUSTOMERS))
                row["kind"] = "meeting"
                row["start"] = start.isoformat(timespec="minutes")
                row["end"] = (start + timedelta(minutes=rng.choice([15, 30, 45, 60, 90]))).isoformat(timespec="minutes")
            if rng.random() < 0.2:
                row["notes"] = f"Context: {_task_title(rng)}, see ticket #{rng.randint(1000, 99999)}.\nNext: call back."
            writer.writerow(row.values())
    return path


if __name__ == "__main__":  # pragma: no cover - manual use: python -m bench.datagen
    import sys
    import time as _time

    quick = "--quick" in sys.argv
    for name, fn, p in (
        ("large", large_db, QUICK_LARGE if quick else LargeParams()),
        ("tasks", tasks_peer, QUICK_TASKS if quick else TasksParams()),
        ("intervals", intervals_peer, QUICK_INTERVALS if quick else IntervalsParams()),
    ):
        t0 = _time.perf_counter()
        result = fn(p, fresh="--fresh" in sys.argv)  # type: ignore[operator]
        print(name, f"{_time.perf_counter() - t0:.2f}s", result)
