"""Drop-to-repaint latency of the matrix window with 2,000 open items.

Builds a temporary database with ``--items`` open items spread over the four
quadrants (one bulk import), opens the main window offscreen, then drops one card
from Schedule onto Delegate and back, ``--runs`` times. "Drop to repaint" runs from
sending the ``QDropEvent`` to the end of the matrix's synchronous repaint with the
card in its new quadrant (``MatrixView.repainted``): the undo command, the core's
move, the store's reload of the changed ids, the model rows and the painting.
"Drop handled" also counts every other listener of the change (details, status
bar, balance…) and the deferred work, until the event loop is idle again.
Prints median, min and max against the 16 ms frame budget.

    python bench/drop_latency.py [--items 2000] [--runs 25] [--json]

Exit code 0 when the median is under the target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MS = 16.0
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def build_database(path: Path, count: int) -> None:
    """``count`` open items: escalations, meetings and tasks in every quadrant."""
    from prioritizer.domain.values import Importance, Kind
    from prioritizer.services.service import ImportRecord, ItemDraft, Service

    service = Service.open(str(path), now=NOW)
    records = []
    for n in range(count):
        shape = n % 4
        if shape == 0:  # Do: urgent and important
            draft = ItemDraft(title=f"Escalation {n}", kind=Kind.ESCALATION, severity=1 + n % 2, due=NOW + timedelta(hours=1 + n % 20))
        elif shape == 1:  # Schedule: important, not urgent
            due = NOW + timedelta(days=3 + n % 30)
            draft = ItemDraft(title=f"Strategic work {n}", importance=Importance.HIGH, due=due, estimate_minutes=30)
        elif shape == 2:  # Delegate: urgent, not important
            draft = ItemDraft(title=f"Hand over {n}", due=NOW + timedelta(hours=2 + n % 20), delegated_to="Sam")
        else:  # Eliminate
            draft = ItemDraft(title=f"Someday {n}", importance=Importance.LOW)
        records.append(ImportRecord(draft=draft, label=f"bench {n}"))
    service.import_items(records)
    service.close()


def measure(path: Path, runs: int) -> list[float]:
    """Milliseconds from drop to repaint, one per run."""
    from prioritizer.ui.app import application
    from prioritizer.ui.main_window import MainWindow
    from prioritizer.ui.matrix.quadrant_model import encode_ids
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from prioritizer.domain.values import Quadrant
    from prioritizer.services.service import Service

    app = application()
    service = Service.open(str(path), now=NOW)
    window = MainWindow(service)
    window.resize(1280, 800)
    window.show()
    for _ in range(5):
        app.processEvents()
    open_items = len(window.store)
    schedule = window.matrix.models[Quadrant.SCHEDULE]
    item_id = schedule.ids()[0]
    timings: list[float] = []
    handled: list[float] = []
    painted: list[float] = []
    window.matrix.repainted.connect(lambda: painted.append(time.perf_counter()))
    target_quadrant = Quadrant.DELEGATE
    for run in range(runs + 2):  # two warm-up runs
        source = Quadrant.SCHEDULE if target_quadrant is Quadrant.DELEGATE else Quadrant.DELEGATE
        viewport = window.matrix.views[target_quadrant].viewport()
        mime = encode_ids([item_id])
        point = QPointF(viewport.rect().center())
        buttons, modifiers, move = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, Qt.DropAction.MoveAction
        QApplication.sendEvent(viewport, QDragEnterEvent(point, move, mime, buttons, modifiers))
        QApplication.sendEvent(viewport, QDragMoveEvent(point, move, mime, buttons, modifiers))
        app.processEvents()
        painted.clear()
        start = time.perf_counter()
        QApplication.sendEvent(viewport, QDropEvent(point, move, mime, buttons, modifiers))
        app.processEvents()
        done = time.perf_counter()
        assert painted, "the matrix did not repaint"
        assert window.matrix.models[target_quadrant].row_of(item_id) >= 0, "the drop did not move the card"
        if run >= 2:
            timings.append((painted[0] - start) * 1000)
            handled.append((done - start) * 1000)
        target_quadrant = source
    print(f"open items in the window: {open_items}", file=sys.stderr)
    print(
        f"drop handled (all listeners, until idle): median {statistics.median(handled):.2f} ms, "
        f"min {min(handled):.2f} ms, max {max(handled):.2f} ms",
        file=sys.stderr,
    )
    window.close()
    window.deleteLater()
    app.processEvents()
    service.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        build_database(path, args.items)
        print(f"built {args.items} items in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        timings = measure(path, args.runs)
    figures = {
        "items": args.items,
        "runs": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "min_ms": round(min(timings), 2),
        "max_ms": round(max(timings), 2),
        "target_ms": TARGET_MS,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"drop-to-repaint with {figures['items']} open items over {figures['runs']} runs: "
            f"median {figures['median_ms']} ms, min {figures['min_ms']} ms, max {figures['max_ms']} ms "
            f"(target < {TARGET_MS:g} ms: {'OK' if figures['median_ms'] < TARGET_MS else 'MISSED'})"
        )
    return 0 if figures["median_ms"] < TARGET_MS else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown: PySide6 can crash collecting Qt objects at exit
