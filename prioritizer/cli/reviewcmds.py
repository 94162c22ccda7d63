"""Commands: review, import, export.

``review [--week DATE] [--json | --csv FILE | --html FILE | --pdf FILE]`` prints a
text summary by default; the file formats are written atomically. ``--pdf``
needs Qt and imports it (through prioritizer/launcher.py) only then, offscreen unless a
platform is already chosen, so the other commands never load Qt.
"""

from __future__ import annotations

import argparse
import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from prioritizer.cli.common import open_service, print_json, report_day, when
from prioritizer.domain.clock import local_date
from prioritizer.domain.values import InputError


def register(sub: Any) -> None:
    """Add the commands of this module to the sub-parser set."""
    p = sub.add_parser("review", help="the weekly review: where the time went, what aged into crisis, what carries over")
    p.add_argument("--week", metavar="DATE", help="any day of the week to review (default: this week)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the review as JSON")
    out.add_argument("--csv", metavar="FILE", help="write the review as CSV")
    out.add_argument("--html", metavar="FILE", help="write the review as a self-contained HTML page")
    out.add_argument("--pdf", metavar="FILE", help="write the review as PDF with its charts")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("import", help="import meetings from a calendar file (.ics) or items from a CSV file (.csv)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--quiet", action="store_true", help="print only the counts, not what was skipped")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export every item as CSV")
    p.add_argument("--csv", metavar="FILE", required=True, help="the CSV file to write")
    p.set_defaults(func=cmd_export)


def _week(service: Any, text: str | None) -> date:
    if not text:
        return local_date(service.now(), service.tz)
    return report_day(local_date(when(service, text, end_of_day=False), service.tz), "--week")


def _target(text: str) -> Path:
    """An output path whose folder exists (checked before any work is done)."""
    path = Path(text).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {text}: the folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"cannot write {text}: it is a folder")
    return path


def cmd_review(args: argparse.Namespace, now: datetime | None) -> int:
    """Build the weekly review and print or write it."""
    # Here, not at the top: review, import and export share this module and each loads only what it uses.
    from prioritizer.io.atomic import write_atomically
    from prioritizer.io.exports import review_csv, review_html
    from prioritizer.reports.review import build_review, review_text, review_to_json

    target = None
    for option in ("csv", "html", "pdf"):
        if getattr(args, option):
            target = _target(getattr(args, option))
    service = open_service(args, now)
    review = build_review(service, _week(service, args.week))
    if args.json:
        print_json(review_to_json(review))
    elif args.csv:
        assert target is not None
        write_atomically(target, review_csv(review))
        print(f"review written to {target}")
    elif args.html:
        assert target is not None
        write_atomically(target, review_html(review).encode("utf-8"))
        print(f"review written to {target}")
    elif args.pdf:
        assert target is not None
        from prioritizer.launcher import review_pdf_bytes  # Qt only for --pdf

        write_atomically(target, review_pdf_bytes(review))
        print(f"review written to {target}")
    else:
        print(review_text(review), end="")
    return 0


def cmd_import(args: argparse.Namespace, now: datetime | None) -> int:
    """Import a .ics or .csv file in one transaction."""
    # Here, not at the top: review, import and export share this module and each loads only what it uses.
    from prioritizer.io.importers import import_file

    service = open_service(args, now)
    report = import_file(service, args.file)
    print(report.summary())
    if not args.quiet:
        for message in report.messages:
            print(f"  {message}")
    return 0


def cmd_export(args: argparse.Namespace, now: datetime | None) -> int:
    """Write every item as CSV."""
    # Here, not at the top: review, import and export share this module and each loads only what it uses.
    from prioritizer.io.atomic import write_atomically
    from prioritizer.io.exports import items_csv

    target = _target(args.csv)
    service = open_service(args, now)
    data = items_csv(service)
    write_atomically(target, data)
    rows = max(0, sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig")))) - 1)
    print(f"{rows} items written to {target}")
    return 0
