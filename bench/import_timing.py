"""Whole-process timing of ``prioritizer import FILE.csv``: ``python -m bench.import_timing``.

Makes the CSV files with ``datagen.write_import_csv`` (10,000 and 100,000 rows by
default, cached under ``bench-results/cache/``), then times the real command,
``python -m prioritizer --db NEW.sqlite3 --now ... import FILE.csv``, from process
start to exit, each size once per round and the sizes interleaved in every round
(so both feel the same machine load). Every run imports into a fresh database
made beforehand (not timed). Prints the median, min and max per size.

``--python`` and ``--pythonpath`` time another interpreter or another copy of the
code (an older commit unpacked with ``git archive``) the same way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import datagen

NOW_OPTION = datagen.NOW.isoformat()


def csv_file(rows: int) -> Path:
    """The cached CSV file with ``rows`` items (made on first use)."""
    path = datagen.CACHE_DIR / f"import-{rows}-v{datagen.DATAGEN_VERSION}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        datagen.write_import_csv(partial, rows)
        partial.replace(path)
    return path


def _run(python: str, env: dict[str, str], args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, "-m", "prioritizer", *args], env=env, capture_output=True, text=True, check=False)


def time_import(python: str, env: dict[str, str], db: Path, source: Path) -> float:
    """Seconds of one whole ``import`` process into the (fresh) database ``db``."""
    made = _run(python, env, ["--db", str(db), "--now", NOW_OPTION, "list"])  # creates the empty database
    if made.returncode != 0:
        raise SystemExit(f"could not create {db}: {made.stderr.strip()}")
    started = time.perf_counter()
    done = _run(python, env, ["--db", str(db), "--now", NOW_OPTION, "import", "--quiet", str(source)])
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import of {source.name} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Time the imports and print the medians."""
    parser = argparse.ArgumentParser(prog="python -m bench.import_timing", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000", help="comma-separated sizes (default 10000,100000)")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to time")
    parser.add_argument("--pythonpath", default="", help="PYTHONPATH for the timed processes (another copy of the code)")
    parser.add_argument("--skip-after", type=float, default=0.0,
                        help="stop timing a size after one run longer than this many seconds (0: never)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.rows.split(",") if s]
    env = dict(os.environ, TZ=datagen.TZ_NAME)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    files = {rows: csv_file(rows) for rows in sizes}
    times: dict[int, list[float]] = {rows: [] for rows in sizes}
    with tempfile.TemporaryDirectory(prefix="import-timing-") as work:
        for round_no in range(args.runs):
            for rows in sizes:
                if args.skip_after and any(t > args.skip_after for t in times[rows]):
                    continue
                db = Path(work) / f"r{round_no}-{rows}.sqlite3"
                times[rows].append(time_import(args.python, env, db, files[rows]))
                print(f"round {round_no + 1}: {rows} rows {times[rows][-1]:.2f} s", flush=True)
    for rows in sizes:
        t = times[rows]
        print(f"{rows} rows: median {statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f}, {len(t)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
