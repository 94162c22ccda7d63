"""Whole-process timing of ``prioritizer import FILE.csv``: ``python -m bench.import_timing``.

Makes the CSV files with ``datagen.write_import_csv`` (10,000 and 100,000 rows by
default, cached under ``bench-results/cache/``), then times the real command,
``python -m prioritizer --db NEW.sqlite3 --now ... import FILE.csv``, from process
start to exit, each size once per round and the sizes interleaved in every round
(so both feel the same machine load). Every run imports into a fresh database
made beforehand (not timed). Prints the median, min and max per size.

``--python`` and ``--pythonpath`` time another interpreter or another copy of the
code (an older commit unpacked with ``git archive``) the same way.

``--lock`` also measures, in every run, the longest time the import keeps other writers
out: a probe process tries ``BEGIN IMMEDIATE`` (busy timeout 0) every 20 ms on the same
database while the import runs, and reports the longest stretch in which it was refused.
Beside it, a writer with the app's 5 s busy timeout fails only if that stretch is longer.
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

from bench import datagen

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
    # Run from a neutral folder: ``-m`` puts the working folder first on sys.path, which would
    # shadow ``--pythonpath`` with the checkout the command was started in.
    command = [python, "-m", "prioritizer", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=tempfile.gettempdir())


# The probe: prints the longest refused stretch (seconds) when its stdin closes.
PROBE = """
import sqlite3, sys, threading, time
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
print("ready", flush=True)
longest, since = 0.0, None
while not stop.is_set():
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        if since is not None:
            longest, since = max(longest, time.perf_counter() - since), None
    except sqlite3.OperationalError:
        since = since if since is not None else time.perf_counter()
    time.sleep(0.02)
if since is not None:
    longest = max(longest, time.perf_counter() - since)
print(f"{longest:.3f}", flush=True)
"""


def time_import(python: str, env: dict[str, str], db: Path, source: Path, *, lock: bool = False) -> tuple[float, float | None]:
    """Seconds of one whole ``import`` process into the (fresh) database ``db``, and the longest lock-out (``lock``)."""
    made = _run(python, env, ["--db", str(db), "--now", NOW_OPTION, "list"])  # creates the empty database
    if made.returncode != 0:
        raise SystemExit(f"could not create {db}: {made.stderr.strip()}")
    probe = None
    if lock:
        probe = subprocess.Popen([sys.executable, "-c", PROBE, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert probe.stdout is not None
        probe.stdout.readline()
    started = time.perf_counter()
    done = _run(python, env, ["--db", str(db), "--now", NOW_OPTION, "import", "--quiet", str(source)])
    elapsed = time.perf_counter() - started
    held = None
    if probe is not None:
        out, _ = probe.communicate("", timeout=60)
        held = float(out.strip())
    if done.returncode != 0:
        raise SystemExit(f"import of {source.name} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, held


def main(argv: list[str] | None = None) -> int:
    """Time the imports and print the medians."""
    parser = argparse.ArgumentParser(prog="python -m bench.import_timing", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000", help="comma-separated sizes (default 10000,100000)")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to time")
    parser.add_argument("--pythonpath", default="", help="PYTHONPATH for the timed processes (another copy of the code)")
    parser.add_argument("--skip-after", type=float, default=0.0,
                        help="stop timing a size after one run longer than this many seconds (0: never)")
    parser.add_argument("--lock", action="store_true", help="also measure how long the import keeps other writers out")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.rows.split(",") if s]
    env = dict(os.environ, TZ=datagen.TZ_NAME)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    files = {rows: csv_file(rows) for rows in sizes}
    times: dict[int, list[float]] = {rows: [] for rows in sizes}
    held: dict[int, list[float]] = {rows: [] for rows in sizes}
    with tempfile.TemporaryDirectory(prefix="import-timing-") as work:
        for round_no in range(args.runs):
            for rows in sizes:
                if args.skip_after and any(t > args.skip_after for t in times[rows]):
                    continue
                db = Path(work) / f"r{round_no}-{rows}.sqlite3"
                elapsed, lock_out = time_import(args.python, env, db, files[rows], lock=args.lock)
                times[rows].append(elapsed)
                note = ""
                if lock_out is not None:
                    held[rows].append(lock_out)
                    note = f", others locked out {lock_out:.2f} s at most"
                print(f"round {round_no + 1}: {rows} rows {elapsed:.2f} s{note}", flush=True)
    for rows in sizes:
        t = times[rows]
        line = f"{rows} rows: median {statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f}, {len(t)} runs)"
        if held[rows]:
            line += f"; longest lock-out median {statistics.median(held[rows]):.2f} s (max {max(held[rows]):.2f})"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
