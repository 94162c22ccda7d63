"""Tests for prioritizer.services.demo: the demo week fills an empty database believably."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from prioritizer.domain.clock import local_date, to_local
from prioritizer.domain.values import InputError, ItemView, Kind, Quadrant, Status, TimeEntryView
from prioritizer.services.demo import DemoSummary, fill_demo
from prioritizer.services.service import Service

# Friday 20 November 2026, 09:00 in Berlin (the zone conftest.py fixes).
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
# Other moments: a Tuesday afternoon, a Sunday evening, and a week spanning the end of DST.
OTHER_NOWS = [
    datetime(2026, 11, 24, 14, 20, tzinfo=UTC),
    datetime(2026, 11, 22, 19, 0, tzinfo=UTC),
    datetime(2026, 10, 29, 10, 45, tzinfo=UTC),
]


def _open(path: Path, now: datetime) -> Service:
    return Service.open(str(path), now=now)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, DemoSummary]]:
    """One demo database shared by the read-only checks (filling it takes about a second)."""
    service = _open(tmp_path_factory.mktemp("demo") / "d.sqlite3", NOW)
    summary = fill_demo(service)
    yield service, summary
    service.close()


def _items(service: Service) -> list[ItemView]:
    return service.list_items(include_closed=True)


def _entries(service: Service) -> list[TimeEntryView]:
    return sorted((e for v in _items(service) for e in service.entries(v.id)), key=lambda e: e.start)


def _minutes(entry: TimeEntryView) -> float:
    assert entry.end is not None
    return (entry.end - entry.start).total_seconds() / 60


def _check_invariants(service: Service, now: datetime) -> None:
    items = _items(service)
    open_items = [v for v in items if v.status is Status.OPEN]
    assert 35 <= len(open_items) <= 45
    assert {v.kind for v in open_items} == set(Kind)
    for quadrant in Quadrant:
        assert sum(v.quadrant is quadrant for v in open_items) >= 5, quadrant
    entries = _entries(service)
    total = sum(_minutes(e) for e in entries)
    fire = sum(_minutes(e) for e in entries if e.quadrant in (Quadrant.DO, Quadrant.DELEGATE))
    assert 0.5 <= fire / total <= 0.7
    for before, after in zip(entries, entries[1:], strict=False):
        assert before.end is not None and before.end <= after.start, (before, after)
    assert all(e.end is not None and e.end <= now for e in entries)
    assert len({local_date(e.start, service.tz) for e in entries}) >= 8


def test_open_items_cover_every_kind_and_quadrant(filled: tuple[Service, DemoSummary]) -> None:
    service, summary = filled
    open_items = service.list_items()
    assert 35 <= len(open_items) <= 45
    assert summary.open_items == len(open_items)
    assert {v.kind for v in open_items} == set(Kind)
    for quadrant in Quadrant:
        assert sum(v.quadrant is quadrant for v in open_items) >= 5, quadrant


def test_escalations_of_every_severity_pins_and_delegation(filled: tuple[Service, DemoSummary]) -> None:
    service, _ = filled
    open_items = service.list_items()
    assert {v.severity for v in open_items if v.kind is Kind.ESCALATION} == {1, 2, 3, 4}
    assert all(v.customer for v in open_items if v.kind is Kind.ESCALATION)
    assert any(v.key_customer for v in open_items)
    assert any(v.due is not None and v.due < NOW for v in open_items)  # some overdue
    assert any(v.placement.pinned for v in open_items)
    assert sum(v.delegated_to is not None for v in open_items) >= 3
    assert any(v.delegated_to == "Sam" for v in open_items)
    assert sum(v.estimate_minutes is not None for v in open_items if v.kind is Kind.TASK) >= 10
    assert any(v.notes for v in open_items)


def test_meetings_placed_by_notice(filled: tuple[Service, DemoSummary]) -> None:
    service, _ = filled
    meetings = {v.title: v for v in service.list_items() if v.kind is Kind.MEETING}
    bridge = next(v for title, v in meetings.items() if title.startswith("Bridge call"))
    assert bridge.quadrant is Quadrant.DO
    assert bridge.start is not None and bridge.start - bridge.created_at == timedelta(minutes=30)
    assert meetings["Weekly staff meeting"].quadrant is Quadrant.ELIMINATE
    assert all(v.quadrant is Quadrant.SCHEDULE for title, v in meetings.items() if title.startswith("1:1"))


def test_done_items_from_the_past_two_weeks(filled: tuple[Service, DemoSummary]) -> None:
    service, summary = filled
    done = [v for v in _items(service) if v.status is Status.DONE]
    assert 10 <= len(done) <= 20
    assert summary.done_items == len(done)
    for view in done:
        assert view.closed_at is not None and NOW - timedelta(days=14) <= view.closed_at <= NOW


def test_time_entries(filled: tuple[Service, DemoSummary]) -> None:
    service, summary = filled
    entries = _entries(service)
    assert summary.time_entries == len(entries)
    _check_invariants(service, NOW)
    total = sum(_minutes(e) for e in entries)
    schedule = sum(_minutes(e) for e in entries if e.quadrant is Quadrant.SCHEDULE)
    assert 0.15 <= schedule / total <= 0.3
    per_day: dict[object, float] = {}
    for entry in entries:
        start, end = to_local(entry.start, service.tz), to_local(entry.end or entry.start, service.tz)
        assert start.isoweekday() <= 5
        assert start.date() == end.date()
        assert 9 * 60 <= start.hour * 60 + start.minute and end.hour * 60 + end.minute <= 17 * 60 + 30
        per_day[start.date()] = per_day.get(start.date(), 0.0) + _minutes(entry)
    today = local_date(NOW, service.tz)
    assert all(4 * 60 <= minutes <= 7 * 60 for day, minutes in per_day.items() if day != today)


def test_items_exist_before_their_time(filled: tuple[Service, DemoSummary]) -> None:
    service, _ = filled
    for view in _items(service):
        for entry in service.entries(view.id):
            assert entry.start >= view.created_at


def test_refuses_a_database_with_items(filled: tuple[Service, DemoSummary]) -> None:
    service, _ = filled
    count = len(_items(service))
    with pytest.raises(InputError, match=f"already has {count} items"):
        fill_demo(service)
    assert len(_items(service)) == count


def test_clock_is_restored(tmp_path: Path) -> None:
    service = _open(tmp_path / "d.sqlite3", NOW)
    clock = service.clock
    fill_demo(service)
    assert service.clock is clock
    assert service.now() == NOW
    service.close()


def test_deterministic(tmp_path: Path, filled: tuple[Service, DemoSummary]) -> None:
    service, summary = filled
    other = _open(tmp_path / "again.sqlite3", NOW)
    assert fill_demo(other) == summary

    def shape(svc: Service) -> list[tuple[object, ...]]:
        return [(v.title, v.quadrant, v.status, v.due, v.start) for v in _items(svc)] + [
            (e.item_id, e.start, e.end, e.quadrant, e.note) for e in _entries(svc)
        ]

    assert shape(other) == shape(service)
    other.close()


@pytest.mark.parametrize("now", OTHER_NOWS, ids=lambda n: n.strftime("%a-%Y-%m-%d-%H%M"))
def test_other_moments(tmp_path: Path, now: datetime) -> None:
    service = _open(tmp_path / "d.sqlite3", now)
    fill_demo(service)
    _check_invariants(service, now)
    service.close()
