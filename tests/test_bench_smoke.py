"""Smoke test of the benchmark command: quick sizes, one run, the fast in-process measurements."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FAST = ("place_rank", "list_items", "balance_week", "balance_year")
KEYS = ("what", "unit", "median_ms", "min_ms", "max_ms", "runs_ms", "baseline", "ratio", "target", "pass")


def test_bench_quick_writes_the_figures(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = dict(os.environ)
    env["PRIORITIZER_BENCH_RESULTS"] = str(tmp_path / "bench-results")  # private cache: a fresh build of quick data
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--runs", "1", "--only", ",".join(FAST), "--out", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["settings"]["quick"] is True
    for key in ("cpu_count", "python", "qt"):
        assert key in data["machine"]
    for name in FAST:
        figure = data["measurements"][name]
        for key in KEYS:
            assert key in figure, (name, key)
        assert figure["median_ms"] > 0
        if name == "list_items":
            assert figure["target"] is None  # informational: the 10 ms target is place_rank's
        else:
            assert figure["target"]["kind"] == "max"
    assert "list_sql_floor" in data["measurements"]
    assert "median" in proc.stdout and "place_rank" in proc.stdout
