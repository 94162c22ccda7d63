"""Stand-in start-up driver: the real matrix on a database, quitting after its first populated paint.

Used only while ``prioritizer.ui.app`` has no quit-after-first-paint hook (see
``suite.APP_HOOK_ENV``); it has one now, and the benchmark times the real
``prioritizer --db FILE --now ISO``. Kept for bisecting old trees: it takes the
road ``prioritizer`` with no command took then (the command-line parser with
every command module, ``Service.open``, ``MainWindow(service, WindowSettings())``,
show) and quits once every non-empty quadrant of the matrix has painted its cards.

    QT_QPA_PLATFORM=offscreen python -m bench.app_window --db FILE --now ISO
Prints ``painted <rows per quadrant>`` on stderr when PRIORITIZER_BENCH_VERBOSE is set.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    """Open the matrix like the app does, quit after the populated first paint."""
    from prioritizer.cli import build_parser, parse_now

    args = build_parser().parse_args(argv)
    now = parse_now(args.now) if args.now else None

    from PySide6.QtCore import QEvent, QObject, QTimer

    from prioritizer.services.service import Service

    try:  # the real window, as prioritizer.ui.app.run_app builds it
        from prioritizer.ui.app import application
        from prioritizer.ui.main_window import MainWindow
        from prioritizer.ui.settings import WindowSettings
    except ImportError:
        MainWindow = None  # noqa: N806

    if MainWindow is not None:
        app = application()
        service = Service.open(args.db, now=now)
        window = MainWindow(service, WindowSettings())
        matrix = window.matrix
    else:  # early ui/ without a main window: the matrix pieces
        from prioritizer.ui.bus import Bus
        from prioritizer.ui.matrix.item_store import ItemStore
        from prioritizer.ui.matrix.matrix_view import MatrixView
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        service = Service.open(args.db, now=now)
        store = ItemStore(Bus(service))
        window = QMainWindow()
        matrix = MatrixView(store, window)
        window.setCentralWidget(matrix)
        window.resize(1280, 800)
        store.reload()

    waiting = {q for q, model in matrix.models.items() if model.rowCount() > 0}
    viewports = {matrix.views[q].viewport(): q for q in waiting}

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802, D102
            if event.type() == QEvent.Type.Paint and watched in viewports:
                waiting.discard(viewports[watched])
                if not waiting:
                    QTimer.singleShot(0, app.quit)
            return False

    spy = FirstPaint()
    for viewport in viewports:
        viewport.installEventFilter(spy)
    if not waiting:
        QTimer.singleShot(0, app.quit)
    window.show()
    code = app.exec()
    if os.environ.get("PRIORITIZER_BENCH_VERBOSE"):
        print("painted", type(window).__name__, {q.value: m.rowCount() for q, m in matrix.models.items()}, file=sys.stderr)
    service.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown (PySide6 may crash deallocating at exit)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
