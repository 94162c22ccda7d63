"""Stand-in for ``bench/drop_latency.py``: drop to repaint on the real matrix, in one process.

Used only while ``bench/drop_latency.py`` (owned by the window engineer) is absent.
The matrix (Bus, ItemStore, MatrixView in a main window, offscreen) is loaded on
the database; each drop hands a card's id to the target quadrant model's
``dropMimeData`` (what Qt calls on a real drop), the window's handler pins it
through ``Bus.run(service.move, ...)`` (as the app does), the store and the models
take the change, and the timer stops when the repaint that follows has been
painted (``window.repaint()`` then the posted events). Drops alternate a card between
Do and Schedule so every drop moves it.

    QT_QPA_PLATFORM=offscreen python -m bench.drop_standin --db FILE --now ISO --runs N
Prints JSON: {"seconds": [...], "open_items": n}.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    """Measure ``runs`` drops after two warm-up drops."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", metavar="FILE", help="write a pyinstrument profile of the timed drops here")
    args = parser.parse_args(argv)

    from prioritizer.ui.bus import Bus
    from prioritizer.ui.matrix.item_store import ItemStore
    from prioritizer.ui.matrix.matrix_view import MatrixView
    from prioritizer.ui.matrix.quadrant_model import encode_ids
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QMainWindow

    from prioritizer.cli import parse_now
    from prioritizer.domain.values import Quadrant
    from prioritizer.services.service import Service

    app = QApplication(sys.argv[:1])
    service = Service.open(args.db, now=parse_now(args.now))
    bus = Bus(service)
    store = ItemStore(bus)
    window = QMainWindow()
    matrix = MatrixView(store, window)
    window.setCentralWidget(matrix)
    window.resize(1280, 800)
    store.reload()
    for model in matrix.models.values():
        model.items_dropped.connect(lambda ids, q: bus.run(service.move, ids, q))
    window.show()
    app.processEvents()

    source = matrix.models[Quadrant.DO]
    if source.rowCount() == 0:
        source = matrix.models[Quadrant.SCHEDULE]
    item_id = source.views()[0].id
    targets = [Quadrant.SCHEDULE, Quadrant.DO] if source.quadrant is Quadrant.DO else [Quadrant.DO, Quadrant.SCHEDULE]

    def drop(n: int) -> float:
        target = matrix.models[targets[n % 2]]
        gc.collect()
        start = time.perf_counter()
        target.dropMimeData(encode_ids([item_id]), Qt.DropAction.MoveAction, -1, -1, QModelIndex())
        window.repaint()
        app.processEvents()
        elapsed = time.perf_counter() - start
        assert store.get(item_id) is not None and store.get(item_id).quadrant is target.quadrant  # type: ignore[union-attr]
        return elapsed

    for n in range(2):
        drop(n)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    seconds = [drop(n) for n in range(args.runs)]
    if profiler is not None:
        profiler.stop()
        with open(args.profile, "w") as handle:
            handle.write(profiler.output_text(unicode=True, show_all=False))
    print(json.dumps({"seconds": seconds, "open_items": len(store)}), flush=True)
    service.close()
    # Skip interpreter teardown: PySide6 can crash while deallocating at exit, after the figures are out.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
