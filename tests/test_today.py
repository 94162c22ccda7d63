"""Planning the day: timeline, capacity against the Do list, free blocks with suggestions, forecast."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from prioritizer.domain.values import Importance, Kind, Quadrant
from prioritizer.reports.today import DEFAULT_ESTIMATE_MINUTES, plan_day
from prioritizer.services.service import ItemDraft, Service

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = date(2026, 11, 20)  # the fixture's NOW is Fri 09:00 Berlin


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def meeting(service: Service, title: str, start: datetime, minutes: int) -> int:
    draft = ItemDraft(title=title, kind=Kind.MEETING, start=start, end=start + timedelta(minutes=minutes))
    return service.add(draft, created_at=local(16, 9)).value  # planned on Monday: not short notice


@pytest.fixture
def busy_friday(service: Service) -> dict[str, int]:
    ids = {
        "m1": meeting(service, "Staff meeting", local(20, 10), 60),
        "m2": meeting(service, "Escalation review", local(20, 10, 30), 60),  # overlaps m1
        "m3": meeting(service, "1:1 Dana", local(20, 14), 30),
        "thu": meeting(service, "Yesterday's call", local(19, 14), 60),
        "x": service.add(ItemDraft(title="ACME down", kind=Kind.ESCALATION, severity=1, customer="ACME", estimate_minutes=120)).value,
        "y": service.add(ItemDraft(title="Board deck", importance=Importance.HIGH, due=local(20, 16), estimate_minutes=300)).value,
        "z": service.add(ItemDraft(title="Call back Initech", importance=Importance.HIGH, due=local(20, 12))).value,
        "s1": service.add(ItemDraft(title="KB rewrite", strategic=True, estimate_minutes=240)).value,
        "s2": service.add(ItemDraft(title="Q1 hiring plan", strategic=True, due=local(23, 9), estimate_minutes=90)).value,
        "s3": service.add(ItemDraft(title="Coaching plan", importance=Importance.HIGH, estimate_minutes=45)).value,
        "w": service.add(ItemDraft(title="SLA report", importance=Importance.HIGH, due=local(21, 12))).value,
        "v": service.add(ItemDraft(title="Audit export", importance=Importance.HIGH, due=local(23, 10))).value,
    }
    return ids


def test_meetings_capacity_and_overcommitment(service: Service, busy_friday: dict[str, int]) -> None:
    plan = plan_day(service, FRIDAY)
    assert [m.title for m in plan.meetings] == ["Staff meeting", "Escalation review", "1:1 Dana"]
    assert plan.work_start == local(20, 9) and plan.work_end == local(20, 17)
    # 09:00-17:00 = 480 min; meetings 10:00-11:30 (merged) and 14:00-14:30 = 120 min.
    assert plan.meeting_minutes == 120
    assert plan.capacity_minutes == 360
    assert [p.title for p in plan.do_items] == ["Call back Initech", "Board deck", "ACME down"]
    # 120 + 300 + 30 (no estimate: the default) = 450 > 360.
    assert plan.planned_minutes == 120 + 300 + DEFAULT_ESTIMATE_MINUTES
    assert plan.unestimated == 1 and plan.assumed_minutes == DEFAULT_ESTIMATE_MINUTES
    assert plan.overcommitted and plan.over_by_minutes == 90


def test_time_already_spent_reduces_what_is_needed(service: Service, busy_friday: dict[str, int]) -> None:
    now = service.now()
    service.log_time(busy_friday["y"], now - timedelta(hours=3), now - timedelta(hours=1))  # 120 of 300 done
    plan = plan_day(service, FRIDAY)
    deck = next(p for p in plan.do_items if p.title == "Board deck")
    assert deck.remaining_minutes == 180
    assert plan.planned_minutes == 120 + 180 + 30 and not plan.overcommitted


def test_free_blocks_get_a_schedule_item_that_fits(service: Service, busy_friday: dict[str, int]) -> None:
    plan = plan_day(service, FRIDAY)
    blocks = [(b.start, b.end, b.suggestion.title if b.suggestion else None) for b in plan.free_blocks]
    # Schedule items by pressure: SLA report (due Sat, default 30 min), Q1 hiring plan (Mon 09:00, 90),
    # Audit export (Mon 10:00, default 30), then no deadline: Coaching plan (high, 45), KB rewrite (240).
    assert blocks == [
        (local(20, 11, 30), local(20, 14), "SLA report"),  # 150 min, longest first; earlier start wins the tie
        (local(20, 14, 30), local(20, 17), "Q1 hiring plan"),  # 150 min
        (local(20, 9), local(20, 10), "Audit export"),  # 60 min
    ]
    service.done([busy_friday["w"], busy_friday["v"]])
    plan = plan_day(service, FRIDAY)
    blocks = [(b.start, b.suggestion.title if b.suggestion else None) for b in plan.free_blocks]
    # KB rewrite (240 min) fits no block; the 60-min block has nothing left that fits.
    assert blocks == [(local(20, 11, 30), "Q1 hiring plan"), (local(20, 14, 30), "Coaching plan"), (local(20, 9), None)]


def test_capacity_counts_from_now_later_in_the_day(service: Service, busy_friday: dict[str, int]) -> None:
    service.clock = lambda: local(20, 13)
    plan = plan_day(service, FRIDAY)
    assert plan.window_start == local(20, 13)
    assert plan.capacity_minutes == 240 - 30  # 13:00-17:00 minus the 1:1


def test_forecast_lists_what_turns_urgent_by_the_end_of_tomorrow(service: Service, busy_friday: dict[str, int]) -> None:
    plan = plan_day(service, FRIDAY)
    assert [(f.title, f.at, f.to_quadrant) for f in plan.forecast] == [("SLA report", local(20, 12), Quadrant.DO)]
    # "Audit export" (due Mon 10:00) turns urgent on Sunday: after tomorrow.
    monday = plan_day(service, date(2026, 11, 21))
    assert ("Audit export", local(22, 10)) in [(f.title, f.at) for f in monday.forecast]


def test_a_day_off_has_no_capacity(service: Service, busy_friday: dict[str, int]) -> None:
    plan = plan_day(service, date(2026, 11, 21))
    assert not plan.working_day and plan.capacity_minutes == 0 and plan.free_blocks == ()


def test_future_day_places_items_as_they_will_be(service: Service, busy_friday: dict[str, int]) -> None:
    plan = plan_day(service, date(2026, 11, 23))  # Monday
    titles = [p.title for p in plan.do_items]
    assert "Q1 hiring plan" in titles and "Audit export" in titles  # due Monday: urgent by then


def test_skipped_meetings_leave_the_timeline(service: Service, busy_friday: dict[str, int]) -> None:
    from dataclasses import replace

    draft = service.draft_of(busy_friday["m3"])
    service.edit(busy_friday["m3"], replace(draft, skipped=True))
    plan = plan_day(service, FRIDAY)
    assert "1:1 Dana" not in [m.title for m in plan.meetings]
    assert plan.capacity_minutes == 390
