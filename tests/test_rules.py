"""Placement rules: every rule, its boundaries, pins, changes_at and ordering."""

from __future__ import annotations

from datetime import timedelta

import pytest

from prioritizer.domain.rules import place, rank, sentence
from prioritizer.domain.values import Importance, ItemFacts, Kind, Policy, Quadrant
from tests.conftest import NOW

H = timedelta(hours=1)
POLICY = Policy()


def task(**kw: object) -> ItemFacts:
    return ItemFacts(kind=Kind.TASK, created_at=NOW - H, **kw)  # type: ignore[arg-type]


def test_plain_task_without_date_is_eliminate() -> None:
    p = place(task(), NOW, POLICY)
    assert p.quadrant is Quadrant.ELIMINATE
    assert not p.urgent and not p.important and not p.pinned
    assert p.changes_at is None
    assert "no deadline" in p.reasons


def test_sev1_escalation_is_do_with_severity_reason() -> None:
    p = place(ItemFacts(kind=Kind.ESCALATION, severity=1, due=NOW + 2 * H), NOW, POLICY)
    assert p.quadrant is Quadrant.DO
    assert p.reasons[0] == "Sev 1 escalation"
    assert "due in 2 h" in p.reasons


@pytest.mark.parametrize("severity,quadrant", [(1, Quadrant.DO), (2, Quadrant.DO), (3, Quadrant.ELIMINATE), (4, Quadrant.ELIMINATE)])
def test_severity_levels(severity: int, quadrant: Quadrant) -> None:
    assert place(ItemFacts(kind=Kind.ESCALATION, severity=severity), NOW, POLICY).quadrant is quadrant


def test_key_customer_escalation_is_important() -> None:
    p = place(ItemFacts(kind=Kind.ESCALATION, severity=3, key_customer=True), NOW, POLICY)
    assert p.quadrant is Quadrant.SCHEDULE
    assert "escalation for a key customer" in p.reasons


def test_low_importance_due_soon_is_delegate() -> None:
    p = place(task(importance=Importance.LOW, due=NOW + 3 * H), NOW, POLICY)
    assert p.quadrant is Quadrant.DELEGATE
    assert "due in 3 h" in p.reasons


@pytest.mark.parametrize("importance", [Importance.HIGH, Importance.CRITICAL])
def test_high_importance_far_deadline_is_schedule(importance: Importance) -> None:
    due = NOW + timedelta(days=10)
    p = place(task(importance=importance, due=due), NOW, POLICY)
    assert p.quadrant is Quadrant.SCHEDULE
    assert p.changes_at == due - POLICY.urgency_horizon


def test_strategic_is_important() -> None:
    assert place(task(strategic=True), NOW, POLICY).quadrant is Quadrant.SCHEDULE


def test_exactly_at_horizon_is_urgent_one_second_past_is_not() -> None:
    at = task(due=NOW + POLICY.urgency_horizon)
    past = task(due=NOW + POLICY.urgency_horizon + timedelta(seconds=1))
    assert place(at, NOW, POLICY).urgent
    assert not place(past, NOW, POLICY).urgent
    assert place(past, NOW, POLICY).changes_at == NOW + timedelta(seconds=1)


def test_overdue_is_urgent_and_says_so() -> None:
    p = place(task(due=NOW - timedelta(days=1)), NOW, POLICY)
    assert p.urgent
    assert p.reasons[0] == "overdue by 1 d"


def test_custom_horizon() -> None:
    policy = Policy(urgency_horizon=timedelta(hours=4))
    item = task(due=NOW + 5 * H)
    assert not place(item, NOW, policy).urgent
    assert place(item, NOW, POLICY).urgent


def test_meeting_planned_ahead_is_not_urgent() -> None:
    week_ago = NOW - timedelta(days=7)
    planned = ItemFacts(kind=Kind.MEETING, importance=Importance.HIGH, start=NOW + 2 * H, end=NOW + 3 * H, created_at=week_ago)
    assert place(planned, NOW, POLICY).quadrant is Quadrant.SCHEDULE
    status = ItemFacts(kind=Kind.MEETING, start=NOW + 2 * H, end=NOW + 3 * H, created_at=NOW - timedelta(days=7))
    assert place(status, NOW, POLICY).quadrant is Quadrant.ELIMINATE


def test_meeting_at_short_notice_is_urgent() -> None:
    bridge = ItemFacts(kind=Kind.MEETING, importance=Importance.HIGH, start=NOW + H / 2, end=NOW + 2 * H, created_at=NOW)
    p = place(bridge, NOW, POLICY)
    assert p.quadrant is Quadrant.DO
    assert any("short notice" in r for r in p.reasons)


def test_pin_wins_and_is_explained() -> None:
    p = place(task(pinned_quadrant=Quadrant.DO, pinned_at=NOW), NOW, POLICY)
    assert p.quadrant is Quadrant.DO and p.pinned
    assert p.reasons[0].startswith("placed here by you on ")
    assert p.changes_at is None


def test_reasons_read_like_a_sentence() -> None:
    p = place(ItemFacts(kind=Kind.ESCALATION, severity=1, due=NOW + 2 * H), NOW, POLICY)
    assert sentence(p.reasons) == "Sev 1 escalation, due in 2 h."


def test_order_overdue_then_deadline_then_severity_then_importance() -> None:
    overdue = task(due=NOW - H)
    soon = task(due=NOW + H)
    later = task(due=NOW + 5 * H)
    sev1 = ItemFacts(kind=Kind.ESCALATION, severity=1)
    sev2 = ItemFacts(kind=Kind.ESCALATION, severity=2)
    critical = task(importance=Importance.CRITICAL)
    high = task(importance=Importance.HIGH)
    shuffled = [high, later, sev2, critical, soon, sev1, overdue]
    ordered = sorted(shuffled, key=lambda f: rank(f, NOW))
    assert ordered == [overdue, soon, later, sev1, sev2, critical, high]
