"""Automatic placement: a pure function of (item, now, policy), and the order within a quadrant.

``place`` says which quadrant an item belongs in, why (reasons that read like
sentences), and when that answer next changes by itself (``changes_at``), so the
app re-sorts at exactly those moments instead of polling.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import to_local
from .domain import Importance, ItemFacts, Kind, Placement, Policy, Quadrant

URGENT_SEVERITIES = (1, 2)


def describe_span(span: timedelta) -> str:
    """A short human duration: '45 min', '3 h', '2.5 h', '1 d', '1.5 d'."""
    seconds = abs(span.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    value, unit = (seconds / 3600, "h") if seconds < 86400 else (seconds / 86400, "d")
    rounded = round(value, 1)
    text = f"{rounded:.0f}" if rounded >= 10 or rounded == int(rounded) else f"{rounded:.1f}"
    return f"{text} {unit}"


def _stamp(moment: datetime) -> str:
    return to_local(moment).strftime("%a %H:%M")


def _urgency(item: ItemFacts, now: datetime, horizon: timedelta) -> tuple[bool, list[str], datetime | None]:
    """Whether the item is urgent now, why, and when that flips by itself."""
    reasons: list[str] = []
    urgent = False
    changes_at: datetime | None = None
    if item.kind is Kind.ESCALATION and item.severity in URGENT_SEVERITIES:
        urgent = True
        reasons.append(f"Sev {item.severity} escalation")
    if item.due is not None:
        left = item.due - now
        if left < timedelta(0):
            urgent = True
            reasons.append(f"overdue by {describe_span(left)}")
        elif left <= horizon:
            urgent = True
            reasons.append(f"due in {describe_span(left)}")
        else:
            # The deadline enters the horizon at due - horizon: that is when this changes.
            changes_at = item.due - horizon
    if item.kind is Kind.MEETING and item.start is not None and item.created_at is not None:
        notice = item.start - item.created_at
        if notice < horizon:
            urgent = True
            reasons.append(f"meeting called at short notice ({describe_span(notice)} ahead)")
    if urgent:
        changes_at = None  # nothing makes an urgent item less urgent by itself
    return urgent, reasons, changes_at


def _importance(item: ItemFacts) -> tuple[bool, list[str]]:
    reasons: list[str] = []
    if item.importance in (Importance.HIGH, Importance.CRITICAL):
        reasons.append(f"{item.importance.value} importance")
    if item.strategic:
        reasons.append("marked strategic")
    if item.kind is Kind.ESCALATION:
        if item.severity in URGENT_SEVERITIES and not any(r.startswith("Sev") for r in reasons):
            reasons.append(f"Sev {item.severity} escalation")
        if item.key_customer:
            reasons.append("escalation for a key customer")
    return bool(reasons), reasons


DEFAULT_POLICY = Policy()


def place(item: ItemFacts, now: datetime, policy: Policy = DEFAULT_POLICY) -> Placement:
    """Place one item at ``now`` under ``policy`` (its urgency horizon).

    Urgent: overdue, due within the horizon (exactly at the horizon counts), a
    Sev 1-2 escalation, or a meeting put in the calendar less than the horizon
    before it starts. Important: high or critical importance, strategic, a Sev 1-2
    escalation, or an escalation for a key customer. A pin wins over both.
    """
    horizon = policy.urgency_horizon
    urgent, why_urgent, changes_at = _urgency(item, now, horizon)
    important, why_important = _importance(item)
    reasons: list[str] = []
    for reason in why_urgent + why_important:
        if reason not in reasons:
            reasons.append(reason)
    if not urgent:
        reasons.append("no deadline within the next " + describe_span(horizon) if item.due else "no deadline")
    if not important:
        reasons.append(f"{item.importance.value} importance")
    if item.pinned_quadrant is not None:
        when = f" on {_stamp(item.pinned_at)}" if item.pinned_at else ""
        reasons.insert(0, f"placed here by you{when}")
        return Placement(item.pinned_quadrant, urgent, important, True, tuple(reasons), None)
    return Placement(Quadrant.of(urgent, important), urgent, important, False, tuple(reasons), changes_at)


def sentence(reasons: tuple[str, ...]) -> str:
    """The reasons as one sentence: 'Sev 1 escalation, due in 2 h.'"""
    if not reasons:
        return ""
    text = ", ".join(reasons)
    return text[0].upper() + text[1:] + "."


_FAR = 10**12  # seconds: sorts items without a deadline after every dated one


def rank(item: ItemFacts, now: datetime) -> tuple[int, float, int, int, float, float]:
    """Sort key within a quadrant: how pressing the item is (smaller = first).

    Overdue first (most overdue first), then nearest deadline, then severity,
    then importance, then meeting start, then age.
    """
    due = (item.due - now).total_seconds() if item.due is not None else _FAR
    overdue = 0 if due < 0 else 1
    severity = item.severity if item.kind is Kind.ESCALATION and item.severity else 9
    start = (item.start - now).total_seconds() if item.start is not None else _FAR
    created = item.created_at.timestamp() if item.created_at is not None else 0.0
    return (overdue, due, severity, -item.importance.rank, start, created)


def explain_rank(item: ItemFacts, now: datetime) -> str:
    """Why an item sits where it does in its quadrant, in a few words."""
    if item.due is not None:
        left = item.due - now
        if left < timedelta(0):
            return f"overdue by {describe_span(left)}"
        return f"deadline in {describe_span(left)}"
    if item.kind is Kind.ESCALATION and item.severity:
        return f"no deadline; severity {item.severity}"
    if item.start is not None:
        return f"no deadline; {item.importance.value} importance; starts {_stamp(item.start)}"
    return f"no deadline; {item.importance.value} importance"
