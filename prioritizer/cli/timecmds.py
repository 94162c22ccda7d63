"""Time commands: start, stop, log."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from prioritizer.cli.common import item_id, open_service, when
from prioritizer.text.humanize import local_stamp, minutes_text


def register(sub: Any) -> None:
    """Add the time commands."""
    p = sub.add_parser("start", help="start the timer on an item (stops any other)")
    p.add_argument("id", type=item_id)
    p.set_defaults(func=cmd_start)

    p = sub.add_parser("stop", help="stop the running timer")
    p.set_defaults(func=cmd_stop)

    p = sub.add_parser("log", help="record time spent on an item")
    p.add_argument("id", type=item_id)
    p.add_argument("--from", dest="start", required=True, metavar="WHEN")
    p.add_argument("--to", dest="end", required=True, metavar="WHEN")
    p.add_argument("--note", default="", metavar="TEXT")
    p.set_defaults(func=cmd_log)


def cmd_start(args: argparse.Namespace, now: datetime | None) -> int:
    """Start a timer."""
    service = open_service(args, now)
    entry = service.start_timer(args.id).value
    title = service.get(args.id).title
    print(f"timer running on {args.id} {title} since {local_stamp(entry.start, service.tz)}")
    return 0


def cmd_stop(args: argparse.Namespace, now: datetime | None) -> int:
    """Stop the running timer."""
    service = open_service(args, now)
    entry = service.stop_timer().value
    if entry is None:
        print("no timer was running")
        return 0
    assert entry.end is not None
    print(f"timer stopped on {entry.item_id}: {minutes_text((entry.end - entry.start).total_seconds() / 60)}")
    return 0


def cmd_log(args: argparse.Namespace, now: datetime | None) -> int:
    """Log a manual time entry."""
    service = open_service(args, now)
    start = when(service, args.start, end_of_day=False)
    end = when(service, args.end, end_of_day=False)
    entries = service.log_time(args.id, start, end, args.note).value
    total = sum(((e.end or e.start) - e.start).total_seconds() for e in entries) / 60
    print(f"logged {minutes_text(total)} on {args.id}")
    return 0
