"""The benchmark command: ``python -m bench [--quick] [--runs N] [--out FILE] [--only NAME,...]``.

Builds (or takes from ``bench-results/cache/``) the realistic data, runs every
measurement ``--runs`` times, prints a table of medians with min and max, each
figure with a baseline as a ratio to that baseline measured in the same run, and
writes the same figures as JSON (default ``bench-results/results.json``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

# Every figure is computed in the benchmark's zone, before anything reads it.
os.environ["TZ"] = "Europe/Berlin"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
time.tzset()

from bench import datagen  # noqa: E402
from bench.report import table, to_json, write_json  # noqa: E402
from bench.suite import FAST_IN_PROCESS, MEASUREMENTS, Context, Figure  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data sets: a smoke test, not a measurement")
    parser.add_argument("--runs", type=int, default=11, help="timed runs per measurement (default 11)")
    parser.add_argument("--out", type=Path, default=datagen.RESULTS_DIR / "results.json", help="the JSON file to write")
    parser.add_argument("--only", default="", help=f"comma-separated: {','.join(MEASUREMENTS)} (fast in-process: "
                        f"{','.join(FAST_IN_PROCESS)})")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (database copies) for inspection")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(MEASUREMENTS)
    unknown = [n for n in names if n not in MEASUREMENTS]
    if unknown:
        parser.error(f"unknown measurement(s) {', '.join(unknown)}; choose from {', '.join(MEASUREMENTS)}")
    args.names = names
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the chosen measurements; 0 when everything ran (misses are reported, not fatal), 1 on an error."""
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="prioritizer-bench-"))
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    ctx = Context(quick=args.quick, runs=args.runs, workdir=workdir, log=log)
    figures: list[Figure] = []
    failed = False
    started = time.perf_counter()
    try:
        for name in args.names:
            log(f"- {name}")
            t0 = time.perf_counter()
            try:
                figures += MEASUREMENTS[name](ctx)
            except Exception as exc:  # noqa: BLE001 - one broken measurement must not hide the others
                failed = True
                log(traceback.format_exc())
                figures.append(Figure(name, name, "s", None, error=f"{type(exc).__name__}: {exc}"))
            log(f"  ({time.perf_counter() - t0:.1f} s)")
    finally:
        datasets = {k: v[-1] for k, v in ctx._cache.items()}
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"work folder kept: {workdir}")
    settings = {"quick": args.quick, "runs": args.runs, "only": args.names, "now": datagen.NOW.isoformat(),
                "tz": datagen.TZ_NAME, "seconds": round(time.perf_counter() - started, 1)}
    data = to_json(figures, settings, datasets)
    write_json(args.out, data)
    m = data["machine"]
    print(f"Prioritizer benchmarks{' (QUICK sizes: smoke test only)' if args.quick else ''}: {args.runs} runs each; "
          f"{m.get('cpu_count')} CPUs, Python {m.get('python')}, Qt {m.get('qt', '?')}, load {m.get('load_average')}")
    print(table(figures, markdown=args.markdown))
    print(f"\nJSON: {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
