"""Benchmark: the weekly review over a year holding 100,000 time entries.

Reuses the shared generator (``bench/datagen.py``): 10,000 items and 100,000
time entries, all within ONE year of working days (a heavy year: about 400
entries a working day), with a matching triage log. Times, in-process:

* ``build_review`` of the last full week (what the window and ``review`` do);
* a year's review: ``build_review_range`` over the last 52 weeks (one call);
* the JSON, HTML and CSV renderings of one review.

    /work/venv/bin/python bench/review_bench.py [--runs N] [--entries N] [--fresh]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("TZ", "Europe/Berlin")
os.environ.setdefault("LC_ALL", "C.UTF-8")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datagen import NOW, LargeParams, large_db, working_copy  # noqa: E402
from prioritizer.domain.clock import local_date  # noqa: E402
from prioritizer.io.exports import review_csv, review_html  # noqa: E402
from prioritizer.reports.review import build_review, build_review_range, review_to_json  # noqa: E402
from prioritizer.services.service import Service  # noqa: E402


def timed(func: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median, min, max) seconds over ``runs`` calls."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples), max(samples)


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached data set")
    parser.add_argument("--years", type=int, default=2, help="years the entries are spread over (one year holds at most ~64,000)")
    args = parser.parse_args()
    params = LargeParams(entries=args.entries, years=args.years)
    t0 = time.perf_counter()
    source, info, built = large_db(params, fresh=args.fresh)
    print(f"data: {info} ({'built' if built else 'cached'} in {time.perf_counter() - t0:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        path = working_copy(source, Path(tmp))
        service = Service.open(str(path), now=NOW)
        service.refresh()  # the first refresh materialises ended meetings once; not part of a review
        last_week = local_date(NOW, service.tz) - timedelta(days=7)
        review = build_review(service, last_week)
        print(
            f"week {review.label}: {review.total_minutes / 60:.0f} h tracked, {len(review.done)} done, "
            f"{len(review.carry_over)} carried over, {len(review.aged_into_crisis)} aged into crisis"
        )
        med, lo, hi = timed(lambda: build_review(service, last_week), args.runs)
        print(f"build_review, one week:        median {med * 1000:7.1f} ms  (min {lo * 1000:.1f}, max {hi * 1000:.1f})")
        first_day = last_week - timedelta(weeks=51)
        med, lo, hi = timed(lambda: build_review_range(service, first_day, last_week), args.runs)
        print(f"a year's review (52 weeks):    median {med * 1000:7.1f} ms  (min {lo * 1000:.1f}, max {hi * 1000:.1f}; one call)")
        for name, render in (("json", review_to_json), ("html", review_html), ("csv", review_csv)):
            med, lo, hi = timed(lambda r=render: r(review), args.runs)  # type: ignore[misc]
            print(f"render {name:<4}:                  median {med * 1000:7.1f} ms")
        service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
