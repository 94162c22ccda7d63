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


def test_paired_ratio_is_shown_beside_the_ratio_of_medians_which_decides() -> None:
    """Runs taken side by side also give each run's own ratio; the verdict stays median over median."""
    sys.path.insert(0, str(REPO))
    from bench.measure import Sample
    from bench.report import rows, table, to_json
    from bench.suite import Figure

    # The host slowed down between the two medians: run 2 of the baseline was fast, run 2 of ours slow.
    paired = Figure("startup_time", "start", "s", Sample([1.0, 3.0, 3.1]), "bare", Sample([1.0, 1.1, 3.0]), "ratio", 2.0, paired=True)
    alone = Figure("drop_repaint", "drop", "s", Sample([0.010, 0.012]), "frame", Sample([1 / 60]), "max", 0.016)
    assert paired.ratio == 3.0 / 1.1 and paired.passed is False
    assert abs(paired.paired_ratio - 3.1 / 3.0) < 1e-9  # pairs 1.0, 2.73, 1.03
    assert alone.paired_ratio is None
    cells = rows([paired, alone])
    assert cells[0][5:8] == ("2.73x", "1.03x", "<= 2x") and cells[0][-1] == "MISS"
    assert cells[1][6] == "-"
    assert "paired: the median of each run's ratio" in table([paired, alone])
    entry = to_json([paired], {}, {})["measurements"]["startup_time"]
    assert entry["ratio"] == round(3.0 / 1.1, 4) and entry["paired_ratio"] == round(3.1 / 3.0, 4)
