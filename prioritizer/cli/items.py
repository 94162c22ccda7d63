"""Item commands: add, list, show, edit, move, unpin, done, drop."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from prioritizer.cli.common import entry_json, event_json, item_id, item_json, minutes_arg, open_service, print_json, when
from prioritizer.domain.rules import sentence
from prioritizer.domain.values import Importance, InputError, ItemView, Kind, Quadrant, Status
from prioritizer.text.humanize import countdown, local_stamp, minutes_text

if TYPE_CHECKING:
    from prioritizer.services.service import ItemDraft, Service

NONE_WORDS = ("none", "")
NOTHING_LISTED = "Nothing here. Add something: prioritizer add 'Sev1 ACME checkout down due 2h'"


def _severity(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"severity must be 1 to 4, not {text!r}") from None
    if not 1 <= value <= 4:
        raise argparse.ArgumentTypeError(f"severity {value} is out of range: use 1 (worst) to 4")
    return value


def _item_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    parser.add_argument("--kind", choices=[k.value for k in Kind])
    parser.add_argument("--due", metavar="WHEN", help="deadline: ISO 8601, 2h, 'tomorrow 10:00', fri" + (", or none" if editing else ""))
    parser.add_argument("--importance", choices=[i.value for i in Importance])
    parser.add_argument("--severity", type=_severity, metavar="1-4", help="escalation severity, 1 is worst")
    parser.add_argument("--customer", metavar="NAME")
    parser.add_argument("--estimate", type=minutes_arg, metavar="MIN", help="estimated minutes")
    parser.add_argument("--start", metavar="WHEN", help="meeting start")
    end = parser.add_mutually_exclusive_group()
    end.add_argument("--end", metavar="WHEN", help="meeting end")
    end.add_argument("--duration", type=minutes_arg, metavar="MIN", help="meeting length in minutes")
    parser.add_argument("--delegate", metavar="NAME", help="delegate to someone" + (" (none to clear)" if editing else ""))
    parser.add_argument("--notes", metavar="TEXT")
    if editing:
        parser.add_argument("--title", metavar="TEXT")
        parser.add_argument("--key-customer", action=argparse.BooleanOptionalAction, default=None)
        parser.add_argument("--strategic", action=argparse.BooleanOptionalAction, default=None)
        parser.add_argument("--skipped", action=argparse.BooleanOptionalAction, default=None, help="a meeting that did not happen")
    else:
        parser.add_argument("--key-customer", action="store_true", default=None, help="escalation for a key customer")
        parser.add_argument("--strategic", action="store_true", default=None, help="proactive, strategic work")


def register(sub: Any) -> None:
    """Add the item commands to the sub-parser set."""
    p = sub.add_parser("add", help="add an item (quick-add text; options override it); prints the new id")
    p.add_argument("text", nargs="+", metavar="TEXT")
    _item_options(p, editing=False)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="open items by quadrant, most pressing first")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quadrant", choices=[q.value for q in Quadrant])
    p.add_argument("--all", action="store_true", help="include done and dropped items")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="one item with its reasons, time and triage history")
    p.add_argument("id", type=item_id)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("edit", help="change fields of an item")
    p.add_argument("id", type=item_id)
    _item_options(p, editing=True)
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("move", help="pin an item to a quadrant")
    p.add_argument("id", type=item_id)
    p.add_argument("quadrant", choices=[q.value for q in Quadrant])
    p.set_defaults(func=cmd_move)

    for name, func, text in (
        ("unpin", cmd_unpin, "clear a pin: let the rules decide"),
        ("done", cmd_done, "mark an item done"),
        ("drop", cmd_drop, "drop an item (kept for the record)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("id", type=item_id)
        p.set_defaults(func=func)


def _apply_options(service: Service, draft: ItemDraft, args: argparse.Namespace, *, editing: bool) -> ItemDraft:
    """Options override what quick add (or the stored item) says."""
    changes: dict[str, Any] = {}
    if args.kind:
        changes["kind"] = Kind(args.kind)
    if args.importance:
        changes["importance"] = Importance(args.importance)
    if args.due is not None:
        changes["due"] = None if editing and args.due.strip().lower() in NONE_WORDS else when(service, args.due)
    if args.severity is not None:
        changes["severity"] = args.severity
        if not args.kind:
            changes["kind"] = Kind.ESCALATION
    if args.customer is not None:
        changes["customer"] = args.customer or None
    if args.key_customer is not None:
        changes["key_customer"] = args.key_customer
    if args.strategic is not None:
        changes["strategic"] = args.strategic
    if args.estimate is not None:
        changes["estimate_minutes"] = args.estimate
    if args.delegate is not None:
        changes["delegated_to"] = None if args.delegate.strip().lower() in NONE_WORDS else args.delegate
    if args.notes is not None:
        changes["notes"] = args.notes
    if editing:
        if args.title is not None:
            changes["title"] = args.title
        if args.skipped is not None:
            changes["skipped"] = args.skipped
    start = when(service, args.start, end_of_day=False) if args.start else None
    if start is not None:
        changes["start"] = start
        if not args.kind and draft.kind is Kind.TASK:
            changes["kind"] = Kind.MEETING
    base_start = start or draft.start
    if args.end:
        changes["end"] = when(service, args.end, end_of_day=False)
    elif args.duration is not None:
        if base_start is None:
            raise InputError("--duration needs a start (--start WHEN)")
        if args.duration == 0:
            raise InputError("--duration must be at least 1 minute")
        try:
            changes["end"] = base_start + timedelta(minutes=args.duration)
        except OverflowError:  # past the end of the calendar
            raise InputError(f"--duration {args.duration} min is out of range: the meeting would end after year 9999") from None
    elif start is not None and draft.end is not None and draft.start is not None:
        changes["end"] = start + (draft.end - draft.start)  # moving a meeting keeps its length
    elif start is not None and draft.end is None:
        changes["end"] = start + timedelta(minutes=30)
    return replace(draft, **changes)


def cmd_add(args: argparse.Namespace, now: datetime | None) -> int:
    """Add an item from quick-add text and options; print its id."""
    # Here, not at the top: `list` (this module) runs without SQLAlchemy and the quick-add parser.
    from prioritizer.services.service import ItemDraft
    from prioritizer.text.quickadd import parse_quick_add

    service = open_service(args, now)
    text = " ".join(args.text)
    quick = parse_quick_add(text, service.now(), service.tz)
    draft = ItemDraft.from_quick_add(quick)
    draft = _apply_options(service, draft, args, editing=False)
    result = service.add(draft)
    print(result.value)
    return 0


def _item_line(view: ItemView, now: datetime, tz: tzinfo) -> str:
    """One item's line: id, kind, title and what a glance needs."""
    line = f"  {view.id:>5}  {view.kind.value[:3]}  {view.title}"
    if view.severity:
        line += f" [Sev {view.severity}]"
    if view.due:
        line += f" ({countdown(view.due, now)})"
    if view.kind is Kind.MEETING and view.start:
        line += f" @ {local_stamp(view.start, tz, now)}"
    if view.delegated_to:
        line += f" -> {view.delegated_to}"
    if view.placement.pinned:
        line += " [pinned]"
    if view.status is not Status.OPEN:
        line += f" [{view.status.value}]"
    return line


def list_text(views: Sequence[ItemView], now: datetime, tz: tzinfo, quadrant: Quadrant | None = None) -> str:
    """The text of ``list``: open items by quadrant with their reasons, then closed ones."""
    groups: dict[Quadrant, list[str]] = {q: [] for q in Quadrant}
    closed = []
    for view in views:
        if view.status is Status.OPEN:
            groups[view.quadrant] += (_item_line(view, now, tz), "         " + sentence(view.placement.reasons))
        else:
            closed.append(_item_line(view, now, tz))
    out: list[str] = []
    for q, lines in groups.items():
        if quadrant is not None and q is not quadrant:
            continue
        out.append(f"{q.label.upper()} ({len(lines) // 2}) - {q.meaning}")
        out += lines
        out.append("")
    if closed:
        out.append(f"CLOSED ({len(closed)})")
        out += closed
    out.append("")
    return "\n".join(out)


def cmd_list(args: argparse.Namespace, now: datetime | None) -> int:
    """Print the matrix, grouped by quadrant."""
    quadrant = Quadrant(args.quadrant) if args.quadrant else None
    service = open_service(args, now)
    views = service.list_items(quadrant=quadrant, include_closed=args.all)
    if args.json:
        print_json([item_json(v) for v in views])
        return 0
    if not views:
        print(NOTHING_LISTED)
        return 0
    sys.stdout.write(list_text(views, service.now(), service.tz, quadrant))
    return 0


def cmd_show(args: argparse.Namespace, now: datetime | None) -> int:
    """Print one item in full."""
    service = open_service(args, now)
    view = service.get(args.id)
    entries = service.entries(args.id)
    history = service.history(args.id)
    if args.json:
        data = item_json(view)
        data["entries"] = [entry_json(e) for e in entries]
        data["history"] = [event_json(e) for e in history]
        print_json(data)
        return 0
    current = service.now()
    tz = service.tz
    print(f"#{view.id} {view.title}")
    print(f"  {view.kind.value}, {view.importance.value} importance, {view.status.value}")
    print(f"  {view.quadrant.label}: {sentence(view.placement.reasons)}")
    if view.placement.changes_at:
        print(f"  changes by itself at {local_stamp(view.placement.changes_at, tz)}")
    rows = [
        ("due", f"{local_stamp(view.due, tz)} ({countdown(view.due, current)})" if view.due else None),
        ("start", local_stamp(view.start, tz) or None),
        ("end", local_stamp(view.end, tz) or None),
        ("severity", view.severity),
        ("customer", (view.customer or "") + (" (key customer)" if view.key_customer else "") or None),
        ("delegated to", view.delegated_to),
        ("estimate", minutes_text(view.estimate_minutes) if view.estimate_minutes is not None else None),
        ("strategic", "yes" if view.strategic else None),
        ("time spent", minutes_text(view.minutes_spent) + (" (timer running)" if view.timer_running else "")),
        ("notes", view.notes or None),
    ]
    for label, value in rows:
        if value is not None:
            print(f"  {label:>12}: {value}")
    if entries:
        print("  time entries:")
        for e in entries:
            end = local_stamp(e.end, tz) if e.end else "running"
            print(f"    {local_stamp(e.start, tz)} - {end}  {e.quadrant.label}  ({e.source.value}) {e.note}")
    if history:
        print("  triage history:")
        for h in history:
            src = h.from_quadrant.label if h.from_quadrant else "new"
            print(f"    {local_stamp(h.at, tz)}  {src} -> {h.to_quadrant.label}  by {h.actor.value}: {h.note}")
    return 0


def cmd_edit(args: argparse.Namespace, now: datetime | None) -> int:
    """Change the given fields of an item."""
    service = open_service(args, now)
    draft = _apply_options(service, service.draft_of(args.id), args, editing=True)
    service.edit(args.id, draft)
    view = service.get(args.id)
    print(f"{view.id} {view.title}: {view.quadrant.label}")
    return 0


def cmd_move(args: argparse.Namespace, now: datetime | None) -> int:
    """Pin an item to a quadrant."""
    service = open_service(args, now)
    service.move(args.id, Quadrant(args.quadrant))
    print(f"{args.id} pinned to {Quadrant(args.quadrant).label}")
    return 0


def cmd_unpin(args: argparse.Namespace, now: datetime | None) -> int:
    """Clear a pin."""
    service = open_service(args, now)
    service.unpin(args.id)
    view = service.get(args.id)
    print(f"{args.id} unpinned: {view.quadrant.label} ({sentence(view.placement.reasons)})")
    return 0


def cmd_done(args: argparse.Namespace, now: datetime | None) -> int:
    """Mark done."""
    open_service(args, now).done(args.id)
    print(f"{args.id} done")
    return 0


def cmd_drop(args: argparse.Namespace, now: datetime | None) -> int:
    """Drop."""
    open_service(args, now).drop(args.id)
    print(f"{args.id} dropped")
    return 0
