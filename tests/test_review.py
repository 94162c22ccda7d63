"""The weekly review against a hand-computed week, and the aged-into-crisis rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from prioritizer.domain.values import Importance, IncidentSummary, Kind, Quadrant
from prioritizer.reports.review import REPEAT_ESCALATIONS, build_review, review_text, review_to_json
from prioritizer.services.service import ItemDraft, Service

BERLIN = ZoneInfo("Europe/Berlin")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def monday_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Weeks start on Monday whatever the machine's locale."""
    monkeypatch.setenv("LC_ALL", "C")


def at(service: Service, moment: datetime) -> None:
    service.clock = lambda: moment


@pytest.fixture
def week(service: Service) -> dict[str, int]:
    """Week 47 (Mon 16 - Sun 22 Nov 2026) and two weeks before it, reviewed on Fri 20 09:00."""
    ids: dict[str, int] = {}
    # Earlier weeks: week 45 (2-8 Nov) all firefighting, week 46 (9-15 Nov) half proactive.
    at(service, local(2, 8))
    ids["p"] = service.add(ItemDraft(title="Escalation playbook", strategic=True)).value
    ids["q"] = service.add(ItemDraft(title="Globex: outage", kind=Kind.ESCALATION, severity=1, customer="Globex")).value
    at(service, local(9, 8))
    ids["g"] = service.add(ItemDraft(title="Old deadline", importance=Importance.HIGH, due=local(13, 12))).value  # ages Thu 12 Nov
    # Week 47.
    at(service, local(16, 8))
    ids["a"] = service.add(ItemDraft(title="Strategy doc", strategic=True)).value
    ids["c"] = service.add(ItemDraft(title="Newsletter", importance=Importance.LOW)).value
    ids["m"] = service.add(ItemDraft(title="Vendor status call", kind=Kind.MEETING, start=local(17, 14), end=local(17, 15))).value
    at(service, local(16, 9))
    ids["d"] = service.add(ItemDraft(title="Refund backlog", importance=Importance.LOW, due=local(17, 17), delegated_to="Sam")).value
    at(service, local(16, 10))
    ids["e"] = service.add(ItemDraft(title="QBR slides", importance=Importance.HIGH, due=local(19, 12))).value  # ages Wed 12:00
    ids["f"] = service.add(ItemDraft(title="Hiring plan", importance=Importance.HIGH)).value
    at(service, local(16, 13))
    ids["b"] = service.add(
        ItemDraft(title="ACME checkout down", kind=Kind.ESCALATION, severity=1, customer="ACME", key_customer=True)
    ).value
    at(service, local(17, 10))
    service.move(ids["f"], Quadrant.DO)  # the user's move: not "aged"
    ids["b2"] = service.add(ItemDraft(title="ACME refunds stuck", kind=Kind.ESCALATION, severity=3, customer="ACME")).value
    at(service, local(17, 16))
    service.done(ids["b"])
    at(service, local(18, 11))
    ids["b3"] = service.add(ItemDraft(title="ACME invoices wrong", kind=Kind.ESCALATION, severity=2, customer="ACME")).value
    ids["h"] = service.add(ItemDraft(title="Globex: slow export", kind=Kind.ESCALATION, severity=3, customer="Globex")).value
    service.record_incident(
        IncidentSummary(started_at=local(18, 11), ended_at=local(18, 12, 30), title="Checkout outage", captured=(ids["b3"],))
    )
    # Time, logged on Friday morning: the service splits it by the quadrant each item was in then.
    at(service, local(20, 9))
    service.log_time(ids["q"], local(3, 9), local(3, 10))  # week 45: 60 do
    service.log_time(ids["p"], local(10, 10), local(10, 11))  # week 46: 60 schedule
    service.log_time(ids["q"], local(10, 13), local(10, 14))  # week 46: 60 do
    service.log_time(ids["a"], local(16, 10), local(16, 12))  # 120 schedule
    service.log_time(ids["b"], local(16, 13), local(16, 14, 30))  # 90 do
    service.log_time(ids["c"], local(17, 9), local(17, 9, 30))  # 30 eliminate
    service.log_time(ids["d"], local(18, 10), local(18, 10, 45))  # 45 delegate (overdue, low importance)
    # The vendor call (planned, normal importance) counts 60 eliminate by itself once it has ended.
    return ids


def test_time_figures_match_the_hand_computed_week(service: Service, week: dict[str, int]) -> None:
    review = build_review(service, date(2026, 11, 18))
    assert (review.week_start, review.week_end) == (date(2026, 11, 16), date(2026, 11, 22))
    bal = review.balance
    assert bal.by_quadrant == pytest.approx({"do": 90, "schedule": 120, "delegate": 45, "eliminate": 30 + 60})
    assert bal.by_kind == pytest.approx({"task": 120 + 30 + 45, "meeting": 60, "escalation": 90})
    assert review.total_minutes == pytest.approx(345)
    assert review.firefighting_minutes == pytest.approx(135)
    assert review.proactive_share == pytest.approx(120 / 345)
    assert review.target_share == pytest.approx(0.30)
    by_day = {d.day.day: (d.firefighting_minutes, d.proactive_minutes, d.low_value_minutes) for d in bal.by_day}
    assert by_day[16] == pytest.approx((90, 120, 0))
    assert by_day[17] == pytest.approx((0, 0, 90))
    assert by_day[18] == pytest.approx((45, 0, 0))
    assert by_day[19] == by_day[20] == (0, 0, 0)
    # Against the four weeks before: 26 Oct and 2 Nov, 9 Nov ... oldest first.
    assert [w.week_start.day for w in review.trend] == [19, 26, 2, 9, 16]
    assert [w.proactive_share for w in review.trend[:4]] == [None, None, 0.0, 0.5]
    assert review.previous_average_share == pytest.approx(0.25)
    assert [(t.title, round(t.minutes)) for t in review.top_items] == [
        ("Strategy doc", 120),
        ("ACME checkout down", 90),
        ("Vendor status call", 60),
        ("Refund backlog", 45),
        ("Newsletter", 30),
    ]


def test_aged_into_crisis_is_a_rules_move_from_schedule_to_do_inside_the_week(service: Service, week: dict[str, int]) -> None:
    review = build_review(service, date(2026, 11, 18))
    assert [(a.id, a.at) for a in review.aged_into_crisis] == [(week["e"], local(18, 12))]
    # Not the user's move of "Hiring plan", not last week's "Old deadline", not "Refund backlog" (Eliminate -> Delegate).
    previous = build_review(service, date(2026, 11, 10))
    assert [(a.id, a.at) for a in previous.aged_into_crisis] == [(week["g"], local(12, 12))]


def test_done_carry_over_and_delegated(service: Service, week: dict[str, int]) -> None:
    review = build_review(service, date(2026, 11, 18))
    assert [(d.id, round(d.minutes_this_week)) for d in review.done] == [(week["b"], 90)]
    carried = {c.id for c in review.carry_over}
    assert carried == {week[k] for k in ("p", "q", "g", "a", "c", "d", "e", "f", "b2", "b3", "h")}
    assert [(d.id, d.delegated_to, d.age_days) for d in review.delegated_open] == [(week["d"], "Sam", 4)]  # Mon 09:00 -> Fri 09:00


def test_escalations_per_customer_and_prevention_suggestion(service: Service, week: dict[str, int]) -> None:
    review = build_review(service, date(2026, 11, 18))
    rows = [(c.customer, c.count, c.worst_severity, c.key_customer, c.still_open) for c in review.escalations]
    assert rows == [("ACME", 3, 1, True, 2), ("Globex", 1, 3, False, 1)]
    assert REPEAT_ESCALATIONS == 3
    acme, globex = review.escalations
    assert acme.suggestion is not None and "schedule prevention work with ACME" in acme.suggestion
    assert globex.suggestion is None
    assert any(line.startswith("ACME:") for line in review.headlines)
    # Once prevention work is planned, the review points at it instead.
    planned = service.add(ItemDraft(title="Root-cause review with ACME", strategic=True)).value
    again = build_review(service, date(2026, 11, 18))
    assert again.escalations[0].suggestion is not None and f"#{planned}" in again.escalations[0].suggestion


def test_incidents_and_headlines(service: Service, week: dict[str, int]) -> None:
    review = build_review(service, date(2026, 11, 18))
    assert [i.title for i in review.incidents] == ["Checkout outage"]
    assert review.headlines[0] == ("Proactive work took 35 % of the tracked time (on target of 30 %); the 4 weeks before averaged 25 %.")
    assert "1 item aged into crisis" in review.headlines[1]


def test_json_and_text_outputs(service: Service, week: dict[str, int]) -> None:
    review = build_review(service, date(2026, 11, 18))
    data = review_to_json(review)
    assert data["from"] == "2026-11-16" and data["to"] == "2026-11-22"
    assert data["proactive_minutes"] == 120 and data["firefighting_minutes"] == 135
    # Each day under the review's key and the balance's: a script reads either report's days alike.
    assert [(d["day"], d["date"]) for d in data["by_day"]] == [(f"2026-11-{n}", f"2026-11-{n}") for n in range(16, 23)]
    assert data["aged_into_crisis"][0]["title"] == "QBR slides"
    assert data["escalations_by_customer"][0]["customer"] == "ACME"
    assert data["delegated_open"][0]["age_days"] == 4
    text = review_text(review)
    assert "AGED INTO CRISIS (1)" in text and "QBR slides" in text


def test_an_empty_week(service: Service) -> None:
    review = build_review(service, date(2026, 11, 18))
    assert review.proactive_share is None and review.top_items == () and review.headlines[0] == "No time was tracked this week."
    assert len(review.balance.by_day) == 7


def test_a_range_review_matches_the_weekly_one_and_caps_long_lists(service: Service, week: dict[str, int]) -> None:
    from prioritizer.reports.review import build_review_range, build_year_review, section_title

    weekly = build_review(service, date(2026, 11, 18))
    ranged = build_review_range(service, date(2026, 11, 16), date(2026, 11, 22))
    assert ranged.period == "period" and ranged.title == "Review"
    assert ranged.balance.by_quadrant == pytest.approx(weekly.balance.by_quadrant)
    assert ranged.top_items == weekly.top_items and ranged.done == weekly.done
    assert ranged.aged_into_crisis == weekly.aged_into_crisis and ranged.escalations[0].customer == "ACME"
    assert [w.week_start for w in ranged.trend] == [date(2026, 11, 16)]
    # Capped lists keep their full counts.
    capped = build_review(service, date(2026, 11, 18), rows=2)
    assert [c.id for c in capped.carry_over] == [c.id for c in weekly.carry_over][:2]
    assert capped.carry_over_count == len(weekly.carry_over) == 11
    assert section_title(capped, "Carries over", capped.carry_over) == "Carries over (11; first 2 shown)"
    assert section_title(weekly, "Done", weekly.done) == "Done (1)"
    assert review_to_json(capped)["carry_over_total"] == 11
    # A year in one call: every week of it in the trend, the whole year's time.
    year = build_year_review(service, 2026)
    assert year.label == "Year 2026" and year.period == "year" and len(year.trend) == 53
    assert year.total_minutes == pytest.approx(60 + 120 + 345)
    assert year.done_count == 1 and year.aged_count == 2
    assert "AGED INTO CRISIS (2)" in review_text(year) and review_text(year).startswith("Year review - Year 2026")


def test_the_reviews_time_figures_are_the_balances_on_awkward_entries(service: Service, week: dict[str, int]) -> None:
    """The review reads its kinds from the per-item minutes, the balance from the entries: the same figures.

    Awkward on purpose: an entry over midnight into the week and one out of it, a meeting
    skipped after it counted, a running timer, a day of the autumn clock change in range.
    """
    from prioritizer.reports.balance import balance, minutes_by_item, weekly_trend
    from prioritizer.reports.review import build_review_range

    at(service, local(20, 9))
    service.log_time(week["f"], local(15, 23), local(16, 1, 30))  # 60 min before the week, 90 inside
    service.log_time(week["a"], local(22, 23), local(23, 2))  # 60 inside, 120 after
    service.log_time(week["c"], datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN), datetime(2026, 10, 25, 4, tzinfo=BERLIN))
    skipped = service.add(ItemDraft(title="Stand-up", kind=Kind.MEETING, start=local(19, 9), end=local(19, 9, 30))).value
    assert balance(service, date(2026, 11, 19), date(2026, 11, 19)).by_kind["meeting"] == 30  # counted once ended
    service.edit(skipped, replace(service.draft_of(skipped), skipped=True))
    service.start_timer(week["e"])
    at(service, local(20, 9, 40))  # 40 minutes on the running timer

    review = build_review(service, date(2026, 11, 18))
    bal = balance(service, date(2026, 11, 16), date(2026, 11, 22))
    assert review.balance.by_kind == pytest.approx(bal.by_kind)
    assert bal.by_kind["meeting"] == 60 and bal.by_kind["task"] == 120 + 30 + 45 + 90 + 60 + 40
    assert [d.by_quadrant for d in review.balance.by_day] == [pytest.approx(d.by_quadrant) for d in bal.by_day]
    trend = weekly_trend(service, date(2026, 11, 18), 5)
    assert [w.proactive_share for w in review.trend] == [b.proactive_share if b.total_minutes else None for _, b in trend]
    assert [(t.id, t.title, t.minutes) for t in review.top_items] == minutes_by_item(service, date(2026, 11, 16), date(2026, 11, 22), 10)

    ranged = build_review_range(service, date(2026, 10, 1), date(2026, 11, 30))
    whole = balance(service, date(2026, 10, 1), date(2026, 11, 30))
    assert ranged.balance.by_kind == pytest.approx(whole.by_kind) and ranged.total_minutes == pytest.approx(whole.total_minutes)
    assert [d.by_quadrant for d in ranged.balance.by_day] == [pytest.approx(d.by_quadrant) for d in whole.by_day]
