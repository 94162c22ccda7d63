"""Shared pieces of the command modules: opening the service, reading WHEN, JSON shapes."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from prioritizer.domain.values import FIRST_YEAR, LAST_YEAR, InputError, ItemView, TimeEntryView, TriageEvent

if TYPE_CHECKING:  # services imports SQLAlchemy: imported when a command opens one
    from prioritizer.services.service import Service

_OPENED: list[Service] = []
CREATING_COMMANDS = frozenset({"add", "import", "demo"})
MAX_ID = 2**63 - 1  # the largest id SQLite stores


def open_service(args: argparse.Namespace, now: datetime | None) -> Service:
    """The service on the database named by ``--db`` / ``PRIORITIZER_DB`` / the default.

    ``close_services`` (called by ``main`` when the command ends) releases it.
    """
    from prioritizer.services.service import Service  # here: SQLAlchemy only for commands that open a Service

    # Only the commands that add data create a missing database; the others say there is none.
    service = Service.open(args.db, now=now, create=getattr(args, "command", None) in CREATING_COMMANDS)
    _OPENED.append(service)
    return service


def close_services() -> None:
    """Close every service the command opened (checkpoints the WAL)."""
    while _OPENED:
        _OPENED.pop().close()


def when(service: Service, text: str, *, end_of_day: bool = True) -> datetime:
    """A WHEN option relative to the service's clock and zone."""
    from prioritizer.text.when import parse_when  # here: only commands that take a WHEN load the parser

    return parse_when(text, service.now(), service.tz, end_of_day=end_of_day)


def _positive_id(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} must be a number, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{what} must be positive, not {value}")
    if value > MAX_ID:  # SQLite's INTEGER would overflow: no such id can exist
        raise argparse.ArgumentTypeError(f"{what} {value} is out of range (at most {MAX_ID})")
    return value


def item_id(text: str) -> int:
    """An item id argument; exits 2 with a clear line for anything else."""
    return _positive_id(text, "item id")


def entry_id(text: str) -> int:
    """A time entry id argument; exits 2 with a clear line for anything else."""
    return _positive_id(text, "entry id")


# The app's years (domain.FIRST_YEAR..LAST_YEAR): a report cannot hold anything outside them.
FIRST_REPORT_DAY = date(FIRST_YEAR, 1, 1)
LAST_REPORT_DAY = date(LAST_YEAR, 12, 31)


def report_day(value: date, option: str) -> date:
    """A day a balance or review can be cut around; InputError naming the option otherwise."""
    if not FIRST_REPORT_DAY <= value <= LAST_REPORT_DAY:
        raise InputError(
            f"{option} {value.isoformat()} is out of range: use a date from {FIRST_REPORT_DAY.isoformat()} to {LAST_REPORT_DAY.isoformat()}"
        )
    return value


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return value.isoformat() if value is not None else None


def item_json(view: ItemView) -> dict[str, Any]:
    """The contract keys of list/show, plus a few extras."""
    return {
        "id": view.id,
        "kind": view.kind.value,
        "title": view.title,
        "quadrant": view.quadrant.value,
        "urgent": view.placement.urgent,
        "important": view.placement.important,
        "pinned": view.placement.pinned,
        "reasons": list(view.placement.reasons),
        "due": iso(view.due),
        "importance": view.importance.value,
        "severity": view.severity,
        "status": view.status.value,
        "minutes_spent": view.minutes_spent,
        "changes_at": iso(view.placement.changes_at),
        "order_reason": view.order_reason,
        "estimate_minutes": view.estimate_minutes,
        "strategic": view.strategic,
        "delegated_to": view.delegated_to,
        "customer": view.customer,
        "key_customer": view.key_customer,
        "start": iso(view.start),
        "end": iso(view.end),
        "notes": view.notes,
        "created_at": iso(view.created_at),
        "closed_at": iso(view.closed_at),
        "timer_running": view.timer_running,
    }


def entry_json(entry: TimeEntryView) -> dict[str, Any]:
    """A time entry as JSON."""
    return {
        "id": entry.id,
        "item_id": entry.item_id,
        "start": iso(entry.start),
        "end": iso(entry.end),
        "quadrant": entry.quadrant.value,
        "source": entry.source.value,
        "note": entry.note,
    }


def event_json(event: TriageEvent) -> dict[str, Any]:
    """A triage log event as JSON."""
    return {
        "at": iso(event.at),
        "from": event.from_quadrant.value if event.from_quadrant else None,
        "to": event.to_quadrant.value,
        "by": event.actor.value,
        "note": event.note,
    }


def print_json(value: Any) -> None:
    """Pretty JSON on stdout, non-ASCII kept readable."""
    import json  # only here: ~2 ms of every command that prints none

    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def minutes_arg(text: str) -> int:
    """A whole number of minutes (0 or more)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole minutes, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"minutes cannot be negative ({value})")
    return value
