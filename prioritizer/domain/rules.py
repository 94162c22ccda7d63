"""Automatic placement: a pure function of (item, now, policy), and the order within a quadrant.

``place`` says which quadrant an item belongs in, why (reasons that read like
sentences), and when that answer next changes by itself (``changes_at``), so the
app re-sorts at exactly those moments instead of polling.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from prioritizer.domain.clock import to_local
from prioritizer.domain.values import Importance, ItemFacts, Kind, Placement, Policy, Quadrant

URGENT_SEVERITIES = (1, 2)

# Hot path: ``place``, ``rank`` and ``explain_rank`` run once per listed item (10,000 for a
# big list), so they use local names, dict lookups and the enums' own str() instead of
# ``.value`` (an enum property, slow on 3.11). Behaviour, texts and their order are those
# of the plain rules described in each docstring (tests/test_rules.py).
_ZERO = timedelta(0)
_ESCALATION = Kind.ESCALATION
_MEETING = Kind.MEETING
_IMPORTANT_LEVELS = (Importance.HIGH, Importance.CRITICAL)
_IMPORTANCE_RANK = {i: i.rank for i in Importance}
_QUADRANT_OF = {(u, i): Quadrant.of(u, i) for u in (False, True) for i in (False, True)}


def describe_span(span: timedelta) -> str:
    """A short human duration: '45 min', '3 h', '2.5 h', '1 d', '1.5 d'."""
    return describe_seconds(abs(span.total_seconds()))


def describe_seconds(seconds: float) -> str:
    """``describe_span`` of a span of that many seconds (zero or more)."""
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    value, unit = (seconds / 3600, "h") if seconds < 86400 else (seconds / 86400, "d")
    rounded = round(value, 1)
    text = f"{rounded:.0f}" if rounded >= 10 or rounded == int(rounded) else f"{rounded:.1f}"
    return f"{text} {unit}"


@lru_cache(maxsize=16)
def _no_deadline_within(horizon: timedelta) -> str:
    return "no deadline within the next " + describe_span(horizon)


def _stamp(moment: datetime) -> str:
    return to_local(moment).strftime("%a %H:%M")


DEFAULT_POLICY = Policy()


def place(item: ItemFacts, now: datetime, policy: Policy = DEFAULT_POLICY) -> Placement:
    """Place one item at ``now`` under ``policy`` (its urgency horizon).

    Urgent: overdue, due within the horizon (exactly at the horizon counts), a
    Sev 1-2 escalation, or a meeting put in the calendar less than the horizon
    before it starts. Important: high or critical importance, strategic, a Sev 1-2
    escalation, or an escalation for a key customer. A pin wins over both.
    """
    return Placement(*placement_fields(item, now, policy))


def placement_fields(
    item: ItemFacts, now: datetime, policy: Policy = DEFAULT_POLICY
) -> tuple[Quadrant, bool, bool, bool, tuple[str, ...], datetime | None]:
    """``place`` as the tuple of Placement's fields (quadrant, urgent, important, pinned, reasons, changes_at)."""
    return placement_of(
        item.kind, item.importance, item.due, item.strategic, item.severity, item.key_customer, item.start,
        item.created_at, item.pinned_quadrant, item.pinned_at, now, policy.urgency_horizon,
    )  # fmt: skip


def placement_of(
    kind: Kind,
    importance: Importance,
    due: datetime | None,
    strategic: bool,
    severity: int | None,
    key_customer: bool,
    start: datetime | None,
    created_at: datetime | None,
    pinned_quadrant: Quadrant | None,
    pinned_at: datetime | None,
    now: datetime,
    horizon: timedelta,
) -> tuple[Quadrant, bool, bool, bool, tuple[str, ...], datetime | None]:
    """``placement_fields`` from the fields it reads (``prioritizer list`` holds rows, not ItemFacts)."""
    reasons: list[str] = []
    # Urgent: why, and when that flips by itself.
    urgent = False
    changes_at: datetime | None = None
    sev_escalation = kind is _ESCALATION and severity in URGENT_SEVERITIES
    if sev_escalation:
        urgent = True
        reasons.append(f"Sev {severity} escalation")
    if due is not None:
        left = due - now
        if left < _ZERO:
            urgent = True
            reasons.append("overdue by " + describe_span(left))
        elif left <= horizon:
            urgent = True
            reasons.append("due in " + describe_span(left))
        else:
            # The deadline enters the horizon at due - horizon: that is when this changes.
            changes_at = due - horizon
    if kind is _MEETING and start is not None and created_at is not None:
        notice = start - created_at
        if notice < horizon:
            urgent = True
            reasons.append(f"meeting called at short notice ({describe_span(notice)} ahead)")
    if urgent:
        changes_at = None  # nothing makes an urgent item less urgent by itself
    # Important: why (a Sev 1-2 escalation's reason is already there, from urgency).
    important = sev_escalation
    if importance in _IMPORTANT_LEVELS:
        important = True
        reasons.append(f"{importance} importance")
    if strategic:
        important = True
        reasons.append("marked strategic")
    if key_customer and kind is _ESCALATION:
        important = True
        reasons.append("escalation for a key customer")
    if not urgent:
        reasons.append(_no_deadline_within(horizon) if due is not None else "no deadline")
    if not important:
        reasons.append(f"{importance} importance")
    if pinned_quadrant is not None:
        when = f" on {_stamp(pinned_at)}" if pinned_at else ""
        reasons.insert(0, f"placed here by you{when}")
        return (pinned_quadrant, urgent, important, True, tuple(reasons), None)
    return (_QUADRANT_OF[urgent, important], urgent, important, False, tuple(reasons), changes_at)


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
    return rank_of(item.kind, item.importance, item.due, item.severity, item.start, item.created_at, now)


def rank_of(
    kind: Kind,
    importance: Importance,
    due: datetime | None,
    severity: int | None,
    start: datetime | None,
    created_at: datetime | None,
    now: datetime,
) -> tuple[int, float, int, int, float, float]:
    """``rank`` from the fields it reads (for callers that hold them without an ItemFacts)."""
    left = (due - now).total_seconds() if due is not None else _FAR
    return (
        0 if left < 0 else 1,
        left,
        severity if kind is _ESCALATION and severity else 9,
        -_IMPORTANCE_RANK[importance],
        (start - now).total_seconds() if start is not None else _FAR,
        created_at.timestamp() if created_at is not None else 0.0,
    )


def explain_rank(item: ItemFacts, now: datetime) -> str:
    """Why an item sits where it does in its quadrant, in a few words."""
    return explain_rank_of(item.kind, item.importance, item.due, item.severity, item.start, now)


def explain_rank_of(
    kind: Kind, importance: Importance, due: datetime | None, severity: int | None, start: datetime | None, now: datetime
) -> str:
    """``explain_rank`` from the fields it reads."""
    if due is not None:
        left = due - now
        if left < _ZERO:
            return "overdue by " + describe_span(left)
        return "deadline in " + describe_span(left)
    if kind is _ESCALATION and severity:
        return f"no deadline; severity {severity}"
    if start is not None:
        return f"no deadline; {importance} importance; starts {_stamp(start)}"
    return f"no deadline; {importance} importance"
