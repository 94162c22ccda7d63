"""Commands: balance (firefighting versus proactive time), entries, entry-edit, entry-delete, target.

``balance`` prints a table per local day, or the JSON whose keys are part of the
command line's contract (README.md, "The command line": ``from, to,
firefighting_minutes, proactive_minutes, low_value_minutes, proactive_share,
target_share, by_day[], by_quadrant{}``, plus ``by_kind{}``).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from prioritizer.cli.common import entry_id, entry_json, item_id, open_service, print_json, report_day, when
from prioritizer.domain.clock import local_date, local_tz, utcnow, week_range
from prioritizer.domain.values import InputError
from prioritizer.reports.balance import Balance, balance, day_json
from prioritizer.text.humanize import local_stamp, minutes_text


def register(sub: Any) -> None:
    """Add the balance and time-entry commands."""
    p = sub.add_parser("balance", help="firefighting versus proactive time, per day (default: this week)")
    span = p.add_mutually_exclusive_group()
    span.add_argument("--week", metavar="DATE", help="the week holding DATE (YYYY-MM-DD)")
    span.add_argument("--from", dest="start", metavar="DATE", help="first local day, included (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last local day, included (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_balance)

    p = sub.add_parser("entries", help="the time entries of an item, with their ids")
    p.add_argument("id", type=item_id)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_entries)

    p = sub.add_parser("entry-edit", help="change the span or note of a time entry")
    p.add_argument("entry", type=entry_id, metavar="ENTRY")
    p.add_argument("--from", dest="start", metavar="WHEN")
    p.add_argument("--to", dest="end", metavar="WHEN")
    p.add_argument("--note", metavar="TEXT")
    p.set_defaults(func=cmd_entry_edit)

    p = sub.add_parser("entry-delete", help="delete a time entry")
    p.add_argument("entry", type=entry_id, metavar="ENTRY")
    p.set_defaults(func=cmd_entry_delete)

    p = sub.add_parser("target", help="show or set the proactive target (percent of tracked time)")
    p.add_argument("percent", nargs="?", type=float, metavar="PERCENT")
    p.set_defaults(func=cmd_target)


def parse_day(text: str, option: str) -> date:
    """A local date YYYY-MM-DD; InputError naming the option otherwise."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"cannot read {option} {text!r}: use a date like 2026-11-23") from None
    return report_day(value, option)


def balance_json(value: Balance) -> dict[str, Any]:
    """The balance as the JSON of the contract (minutes rounded to 0.01, shares to 0.0001)."""

    def m(x: float) -> float:
        return round(x, 2)

    return {
        "from": value.start.isoformat(),
        "to": value.end.isoformat(),
        "firefighting_minutes": m(value.firefighting_minutes),
        "proactive_minutes": m(value.proactive_minutes),
        "low_value_minutes": m(value.low_value_minutes),
        "proactive_share": round(value.proactive_share, 4),
        "target_share": round(value.target_share, 4),
        "by_day": [day_json(d, 2) for d in value.by_day],
        "by_quadrant": {k: m(v) for k, v in value.by_quadrant.items()},
        "by_kind": {k: m(v) for k, v in value.by_kind.items()},
    }


def _range(args: argparse.Namespace, current: date) -> tuple[date, date]:
    if args.week:
        if args.end:
            raise InputError("--to goes with --from, not with --week")
        return week_range(parse_day(args.week, "--week"))
    if args.start or args.end:
        if not (args.start and args.end):
            raise InputError("--from and --to go together (both local dates, both included)")
        start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
        if end < start:
            raise InputError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
        return start, end
    return week_range(current)


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def cmd_balance(args: argparse.Namespace, now: datetime | None) -> int:
    """Print the balance of a range of local days."""
    tz = local_tz()
    current = now if now is not None else utcnow()
    start, end = _range(args, local_date(current, tz))
    service = open_service(args, now)
    value = balance(service, start, end)
    if args.json:
        print_json(balance_json(value))
        return 0
    total = value.total_minutes
    print(f"Balance {start.isoformat()} to {end.isoformat()}: {minutes_text(total)} tracked")
    print(f"{'day':<14}{'firefighting':>14}{'proactive':>12}{'low value':>12}")
    for d in value.by_day:
        print(
            f"{d.day.strftime('%a %Y-%m-%d'):<14}{minutes_text(d.firefighting_minutes):>14}"
            f"{minutes_text(d.proactive_minutes):>12}{minutes_text(d.low_value_minutes):>12}"
        )
    print(
        f"{'total':<14}{minutes_text(value.firefighting_minutes):>14}"
        f"{minutes_text(value.proactive_minutes):>12}{minutes_text(value.low_value_minutes):>12}"
    )
    if total:
        print(
            f"{'share':<14}{_pct(value.share('firefighting')):>14}{_pct(value.proactive_share):>12}{_pct(value.share('low_value')):>12}"
        )
    verdict = "on target" if value.on_target else "below target"
    print(f"Proactive {_pct(value.proactive_share)} against a target of {_pct(value.target_share)}: {verdict}")
    _forgotten_hint(service)
    return 0


def _forgotten_hint(service: Any) -> None:
    """A forgotten timer inflates the balance: say so, with the commands that fix it."""
    # Here, not at the top: `balance` (this module) reads without SQLAlchemy; these commands need the services.
    from prioritizer.services.timekeeping import forgotten_timer

    entry = forgotten_timer(service)
    if entry is not None:
        ran = minutes_text((service.now() - entry.start).total_seconds() / 60)
        print(
            f"Note: the timer on item {entry.item_id} has run {ran} (since {local_stamp(entry.start, service.tz)}). "
            f"Stop it with `prioritizer stop`, or fix its end with `prioritizer entry-edit {entry.id} --to WHEN`."
        )


def cmd_entries(args: argparse.Namespace, now: datetime | None) -> int:
    """List an item's time entries."""
    service = open_service(args, now)
    entries = service.entries(args.id)
    if args.json:
        print_json([entry_json(e) for e in entries])
        return 0
    if not entries:
        print(f"no time entries on {args.id}")
    current = service.now()
    for e in entries:
        end = local_stamp(e.end, service.tz) if e.end else "running"
        minutes = ((e.end or current) - e.start).total_seconds() / 60
        span = f"{local_stamp(e.start, service.tz)} - {end}"
        print(f"{e.id:>6}  {span}  {minutes_text(minutes):>8}  {e.quadrant.label}  ({e.source.value}) {e.note}")
    return 0


def cmd_entry_edit(args: argparse.Namespace, now: datetime | None) -> int:
    """Change a time entry's span or note."""
    # Here, not at the top: `balance` (this module) reads without SQLAlchemy; these commands need the services.
    from prioritizer.services.timekeeping import edit_entry, get_entry

    service = open_service(args, now)
    current = get_entry(service, args.entry)
    start = when(service, args.start, end_of_day=False) if args.start else current.start
    end = when(service, args.end, end_of_day=False) if args.end else current.end
    note = args.note if args.note is not None else current.note
    views = edit_entry(service, args.entry, start, end, note).value
    print(f"entry {args.entry} now {', '.join(local_stamp(v.start, service.tz) + ' - ' + local_stamp(v.end, service.tz) for v in views)}")
    return 0


def cmd_entry_delete(args: argparse.Namespace, now: datetime | None) -> int:
    """Delete a time entry."""
    # Here, not at the top: `balance` (this module) reads without SQLAlchemy; these commands need the services.
    from prioritizer.services.timekeeping import delete_entry

    delete_entry(open_service(args, now), args.entry)
    print(f"entry {args.entry} deleted")
    return 0


def cmd_target(args: argparse.Namespace, now: datetime | None) -> int:
    """Show or set the proactive target."""
    # Here, not at the top: `balance` (this module) reads without SQLAlchemy; these commands need the services.
    from prioritizer.services.timekeeping import set_target

    service = open_service(args, now)
    if args.percent is None:
        print(f"proactive target: {_pct(service.policy().proactive_target)}")
        return 0
    if not 0 <= args.percent <= 100:
        raise InputError(f"the target {args.percent:g} % is out of range: use 0 to 100")
    set_target(service, args.percent / 100)
    print(f"proactive target set to {args.percent:g} %")
    return 0
