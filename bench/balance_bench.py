"""Benchmark: the balance of a week and of a year over 100,000 time entries.

Builds (or reuses) a database with 2,000 items and 100,000 time entries spread
over five years of working days, then times ``balance.balance`` in-process for
the last full week and the last year: median, min and max over several runs.
Targets: 30 ms for a week, 150 ms for a year.

    /work/venv/bin/python bench/balance_bench.py [--db PATH] [--runs N] [--entries N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("TZ", "Europe/Berlin")

from sqlalchemy import insert  # noqa: E402

from prioritizer.domain.clock import local_midnight  # noqa: E402
from prioritizer.domain.values import Kind, Quadrant  # noqa: E402
from prioritizer.reports.balance import balance, weekly_trend  # noqa: E402
from prioritizer.services.service import Service  # noqa: E402
from prioritizer.storage.schema import Item, TimeEntry  # noqa: E402

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
YEARS = 5


def build(service: Service, entries: int, items: int = 2000, seed: int = 7) -> None:
    """Fill an empty database: items of every kind, entries on working days over five years."""
    rng = random.Random(seed)
    kinds = [Kind.TASK.value] * 6 + [Kind.ESCALATION.value] * 3 + [Kind.MEETING.value]
    quadrants = [q.value for q in Quadrant]
    first_day = NOW.date() - timedelta(days=365 * YEARS)
    with service.unit() as session:
        session.execute(
            insert(Item),
            [
                {
                    "kind": rng.choice(kinds),
                    "title": f"Item {n}",
                    "notes": "",
                    "importance": "normal",
                    "strategic": False,
                    "status": "done",
                    "created_at": NOW - timedelta(days=365 * YEARS + 1),
                    "updated_at": NOW,
                    "skipped": False,
                    "key_customer": False,
                    "quadrant": rng.choice(quadrants),
                    "urgent": False,
                    "important": False,
                }
                for n in range(items)
            ],
        )
        rows = []
        workdays = [first_day + timedelta(days=d) for d in range(365 * YEARS) if (first_day + timedelta(days=d)).weekday() < 5]
        per_day = entries / len(workdays)
        for n in range(entries):
            day = workdays[min(int(n / per_day), len(workdays) - 1)]
            start = local_midnight(day) + timedelta(minutes=rng.randrange(7 * 60, 18 * 60))
            length = timedelta(minutes=rng.choice((15, 25, 30, 45, 60, 90, 120)))
            rows.append(
                {
                    "item_id": rng.randrange(1, items + 1),
                    "start": start,
                    "end": start + length,
                    "quadrant": rng.choice(quadrants),
                    "source": "timer",
                    "note": "",
                }
            )
        session.execute(insert(TimeEntry), rows)


def timed(func: object, runs: int) -> tuple[float, float, float]:
    """Median, min, max milliseconds of ``runs`` calls (after one warm-up)."""
    assert callable(func)
    func()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main() -> int:
    """Build or reuse the database, time the balances, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to build (or reuse if it has the entries)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"prioritizer-balance-bench-{args.entries}.sqlite3"
    service = Service.open(str(path), now=NOW)
    with service.unit() as session:
        count = session.query(TimeEntry).count()
    if count != args.entries:
        if count:
            print(f"{path} holds {count} entries, not {args.entries}: remove it or pass another --db", file=sys.stderr)
            return 1
        t0 = time.perf_counter()
        build(service, args.entries)
        print(f"built {args.entries} entries in {time.perf_counter() - t0:.1f} s: {path}")
    today = NOW.date()
    week_start = today - timedelta(days=today.weekday() + 7)
    last_week = (week_start, week_start + timedelta(days=6))
    last_year = (today - timedelta(days=364), today)
    results = {
        "week": timed(lambda: balance(service, *last_week), args.runs),
        "year": timed(lambda: balance(service, *last_year), args.runs),
        "8-week trend": timed(lambda: weekly_trend(service, today), args.runs),
        "week, 2 years ago": timed(lambda: balance(service, *(d - timedelta(weeks=104) for d in last_week)), args.runs),
    }
    year = balance(service, *last_year)
    print(f"{args.entries} entries; year total {year.total_minutes / 60:.0f} h, proactive {year.proactive_share:.0%}")
    print(f"{'balance of':<20}{'median ms':>10}{'min ms':>10}{'max ms':>10}  target")
    targets = {"week": 30.0, "year": 150.0}
    for name, (med, lo, hi) in results.items():
        target = targets.get(name)
        verdict = "" if target is None else f"{target:.0f} ms {'ok' if med <= target else 'MISSED'}"
        print(f"{name:<20}{med:>10.1f}{lo:>10.1f}{hi:>10.1f}  {verdict}")
    service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

