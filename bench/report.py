"""The table of medians (min, max, baseline, ratio, target, verdict) and the JSON file of the same figures."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.suite import MIB, Figure

COLUMNS = ("what", "median", "min", "max", "baseline median", "ratio", "paired", "target", "result")


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "KiB":
        return f"{value / MIB:.1f} MiB"
    ms = value * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 1000 else f"{value:.2f} s"


def _target(fig: Figure) -> str:
    if fig.target is None:
        return "-"
    if fig.target_kind == "ratio":
        return f"<= {fig.target:g}x"
    if fig.target_kind == "delta":
        return f"<= +{_fmt(fig.target, fig.unit)}"
    return f"<= {_fmt(fig.target, fig.unit)}"


def _ratio(fig: Figure) -> str:
    if fig.target_kind == "delta" and fig.delta is not None:
        return f"+{_fmt(fig.delta, fig.unit)}" if fig.delta >= 0 else f"-{_fmt(-fig.delta, fig.unit)}"
    return f"{fig.ratio:.2f}x" if fig.ratio is not None else "-"


def _verdict(fig: Figure) -> str:
    if fig.error:
        return "n/a"
    return {True: "pass", False: "MISS", None: "info"}[fig.passed]


def rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    """The table's rows as text cells."""
    out = []
    for fig in figures:
        s = fig.sample
        out.append((
            fig.name,
            _fmt(s.median if s else None, fig.unit),
            _fmt(s.min if s else None, fig.unit),
            _fmt(s.max if s else None, fig.unit),
            _fmt(fig.baseline.median if fig.baseline else None, fig.unit),
            _ratio(fig),
            f"{fig.paired_ratio:.2f}x" if fig.paired_ratio is not None else "-",
            _target(fig),
            _verdict(fig),
        ))
    return out


def table(figures: list[Figure], markdown: bool = False) -> str:
    """The table as aligned text (or Markdown), then one line per figure saying what it measures."""
    body = rows(figures)
    head = ("measurement",) + COLUMNS[1:]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    lines = []
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in body]
    else:
        fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))  # noqa: E731
        lines.append(fmt(head))
        lines.append("  ".join("-" * w for w in widths))
        lines += [fmt(r) for r in body]
    lines.append("")
    if any(fig.paired_ratio is not None for fig in figures):
        lines.append("ratio: median / baseline median (the verdict); paired: the median of each run's ratio to the baseline "
                     "run beside it (the same host speed), for the interleaved whole-process rows")
    for fig in figures:
        line = f"{fig.name}: {fig.what}"
        if fig.baseline_what:
            line += f"; baseline: {fig.baseline_what}"
        if fig.note:
            line += f" [{fig.note}]"
        if fig.error:
            line += f" -- NOT MEASURED: {fig.error}"
        lines.append(line)
    return "\n".join(lines)


def _sample_json(sample: Any, unit: str) -> dict[str, Any] | None:
    if sample is None:
        return None
    scale = 1000.0 if unit == "s" else 1 / MIB
    key = "ms" if unit == "s" else "MiB"
    return {
        f"median_{key}": round(sample.median * scale, 4),
        f"min_{key}": round(sample.min * scale, 4),
        f"max_{key}": round(sample.max * scale, 4),
        f"runs_{key}": [round(v * scale, 4) for v in sample.values],
    }


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
    }
    try:
        info["cpu_model"] = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    try:
        import PySide6
        from PySide6 import QtCore

        info["pyside6"] = PySide6.__version__
        info["qt"] = QtCore.qVersion()
    except ImportError:
        pass
    try:
        import sqlite3

        import sqlalchemy

        info["sqlalchemy"] = sqlalchemy.__version__
        info["sqlite"] = sqlite3.sqlite_version
    except ImportError:
        pass
    return info


def to_json(figures: list[Figure], settings: dict[str, Any], datasets: dict[str, Any]) -> dict[str, Any]:
    """The same figures as the table, with every run's value, plus machine and data information."""
    out: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": settings,
        "machine": machine(),
        "datasets": datasets,
        "measurements": {},
    }
    for fig in figures:
        unit = "ms" if fig.unit == "s" else "MiB"
        entry: dict[str, Any] = {
            "what": fig.what,
            "unit": unit,
            **(_sample_json(fig.sample, fig.unit) or {}),
            "baseline": ({"what": fig.baseline_what, **(_sample_json(fig.baseline, fig.unit) or {})} if fig.baseline else None),
            "ratio": round(fig.ratio, 4) if fig.ratio is not None else None,
            "paired_ratio": round(fig.paired_ratio, 4) if fig.paired_ratio is not None else None,
            "target": None,
            "pass": fig.passed if not fig.error else None,
        }
        if fig.target is not None:
            value = fig.target * 1000 if fig.unit == "s" and fig.target_kind != "ratio" else fig.target
            if fig.unit == "KiB":
                value = fig.target / MIB
            entry["target"] = {"kind": fig.target_kind, "value": value, "unit": "x" if fig.target_kind == "ratio" else unit}
        if fig.target_kind == "delta" and fig.delta is not None:
            entry["delta_" + unit] = round(fig.delta / MIB if fig.unit == "KiB" else fig.delta * 1000, 4)
        if fig.note:
            entry["note"] = fig.note
        if fig.error:
            entry["error"] = fig.error
        if fig.extra:
            entry["extra"] = fig.extra
        out["measurements"][fig.name] = entry
    return out


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write the JSON file (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)
