"""Data commands: ``demo`` (import and export are in reviewcmds.py, backup and restore in safetycmds.py)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from prioritizer.cli.common import open_service
from prioritizer.services.demo import fill_demo


def register(sub: Any) -> None:
    """Add the data commands."""
    p = sub.add_parser("demo", help="fill an empty database with a believable week of a customer-service manager")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace, now: datetime | None) -> int:
    """Fill the database with demo data."""
    service = open_service(args, now)
    summary = fill_demo(service)
    print(f"demo data added: {summary.open_items} open items, {summary.done_items} done, {summary.time_entries} time entries")
    return 0
