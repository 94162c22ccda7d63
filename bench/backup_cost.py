"""Benchmark: what the automatic backups cost on a five-year database (time per backup, disk for the kept set).

Uses the cached ``large_db`` (10,000 items, 100,000 time entries over five years;
``bench/datagen.py``) in a private copy, and times, in-process, median and range
over ``--runs`` runs:

* ``backup_now``: health check, copy through the backup API, verification, thinning
  (what every automatic backup costs once it is due);
* the window's look when due after a change (``maybe_backup``: both fingerprints, then
  the backup) and when idle (fingerprints remembered);
* ``restore`` of a healthy file (the copy of the old data, then the backup written into
  the live file under the write lock), and how long the write lock is held in it.

Disk: the thinning keeps at most 96 backups of the last day (every 15 minutes), 30
dailies and 208 weeklies; the bound is that many copies of today's file, the estimate
assumes the data grew evenly over the five years (a weekly two years old holds 3/5).

    python -m bench.backup_cost [--runs N] [--quick]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.datagen import QUICK_LARGE, LargeParams, large_db, working_copy
from prioritizer.safety import backup as bk
from prioritizer.services.service import ItemDraft, Service

DAY_FILES, DAILY_FILES, WEEKLY_FILES = 96, 30, 208


def _times(runs: int, step: Callable[[int], None], before: Callable[[int], None] | None = None) -> list[float]:
    found = []
    for n in range(runs):
        if before is not None:
            before(n)  # not timed
        started = time.perf_counter()
        step(n)
        found.append(time.perf_counter() - started)
    return found


def _line(name: str, seconds: list[float]) -> str:
    spread = f"min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}, n={len(seconds)}"
    return f"{name:<62} median {statistics.median(seconds) * 1000:7.0f} ms  ({spread})"


def _change(db: Path, n: int) -> None:
    svc = Service.open(str(db))
    try:
        svc.add(ItemDraft(title=f"bench change {n}"))
    finally:
        svc.close()


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the small data set: a smoke test, not a measurement")
    args = parser.parse_args()
    source, info, _built = large_db(QUICK_LARGE if args.quick else LargeParams())
    with tempfile.TemporaryDirectory(prefix="backup-cost-") as work:
        db = working_copy(source, Path(work))
        location = str(db)
        size = db.stat().st_size
        print(f"database: {size / 1e6:.1f} MB ({info.get('items', '?')} items, {info.get('time_entries', '?')} time entries)")
        when = datetime.now(UTC)

        def backup(n: int) -> None:
            bk.backup_now(location, "auto", when + timedelta(minutes=15 * n))

        print(_line("backup_now (check, copy, verify, thin)", _times(args.runs, backup)))
        newest = bk.list_backups(location)[0]
        print(f"one backup file: {newest.size / 1e6:.1f} MB")

        due = when + timedelta(days=1)

        def change(n: int) -> None:
            _change(db, n)
            bk._FINGERPRINTS.clear()  # noqa: SLF001 - nothing remembered: both fingerprints are computed

        def look_after_change(n: int) -> None:
            assert bk.maybe_backup(location, due + timedelta(minutes=15 * n)) is not None

        print(_line("window's look, due, after a change (2 fingerprints + backup)", _times(args.runs, look_after_change, change)))

        def command_line(n: int) -> None:
            assert bk.maybe_backup(location, due + timedelta(hours=12, minutes=15 * n), changed=True) is not None

        print(_line("command line's backup after a write, when due", _times(args.runs, command_line, change)))
        later = due + timedelta(days=2)
        bk.maybe_backup(location, later)  # remembers both fingerprints

        def idle_look(n: int) -> None:
            assert bk.maybe_backup(location, later + timedelta(minutes=n)) is None

        print(_line("window's look, due, nothing changed (remembered)", _times(args.runs, idle_look)))

        target = bk.list_backups(location)[-1].path

        def restore(n: int) -> None:
            result = bk.restore(location, target)
            if result.kept_aside is not None:
                result.kept_aside.unlink()

        print(_line("restore of a healthy file (copy kept, written in place)", _times(max(2, args.runs // 2), restore)))
        held = [_lock_held(db, target) for _ in range(max(2, args.runs // 2))]
        print(_line("  of which the write lock is held", held))
        bound = (DAY_FILES + DAILY_FILES + WEEKLY_FILES) * size
        # Even growth: a backup of age a (in years) holds (5 - a) / 5 of today's data.
        weekly_share = sum(max(0.0, 1 - (30 / 365 + w * 7 / 365) / 5) for w in range(WEEKLY_FILES))
        estimate = (DAY_FILES + DAILY_FILES + weekly_share) * size
        print(
            f"kept set, steady state: at most {DAY_FILES}+{DAILY_FILES}+{WEEKLY_FILES} files = {bound / 1e9:.1f} GB "
            f"(every file as big as today's); {estimate / 1e9:.1f} GB if the data grew evenly over five years; "
            f"a quiet day adds nothing (no change, no backup)"
        )


def _lock_held(db: Path, target: Path) -> float:
    """How long restoring ``target`` into ``db`` holds the write lock: restore's steps, timed from its first page."""
    src = bk._read_only(target, immutable=True)  # noqa: SLF001
    dst = sqlite3.connect(str(db), isolation_level=None, timeout=10)
    first: list[float] = []

    def progress(status: int, remaining: int, total: int) -> None:
        if status == 0 and not first:
            first.append(time.perf_counter())
            aside = bk._keep_copy(db)  # noqa: SLF001 - what restore does under the lock
            aside.unlink()

    try:
        src.backup(dst, pages=1, progress=progress)
    finally:
        dst.close()
        src.close()
    return time.perf_counter() - first[0]


if __name__ == "__main__":
    main()
