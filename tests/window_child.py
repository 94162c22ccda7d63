"""A real window process on one database, driven line by line from its standard input (tests/test_side_by_side.py).

It starts the window exactly as ``prioritizer --db FILE`` does (``run_app``), waits until
the work after the first paint is done (the Service opened, the page check and the
automatic backup finished), then prints ``ready`` and obeys one command per line:

``add TITLE``   types TITLE into quick add and presses Enter; prints ``ok TITLE`` when the
                window shows the new card, ``fail MESSAGE`` otherwise.
``quit``        closes the window (as Ctrl+Q does); the process exits with run_app's code.
"""

from __future__ import annotations

import sys
import threading

from prioritizer.ui import app as ui_app
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


class Driver(QObject):
    """Reads commands in a thread and carries them out on the GUI thread."""

    line = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.window = None
        self.line.connect(self.obey, Qt.ConnectionType.QueuedConnection)
        self.poll = QTimer(self)
        self.poll.setInterval(50)
        self.poll.timeout.connect(self.wait_ready)
        self.poll.start()

    def wait_ready(self) -> None:
        from prioritizer.ui.main_window import MainWindow

        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows:
            return
        window = windows[0]
        safety = [o for o in window.findChildren(QObject) if type(o).__name__ == "DataSafety"]
        if not safety or safety[0].busy() or not safety[0]._checked:
            return
        self.poll.stop()
        self.window = window
        print("ready", flush=True)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        for text in sys.stdin:
            self.line.emit(text.rstrip("\n"))

    def obey(self, text: str) -> None:
        window = self.window
        assert window is not None
        command, _, rest = text.partition(" ")
        if command == "add":
            window.quick_add.line.setText(rest)
            QTest.keyClick(window.quick_add.line, Qt.Key.Key_Return)
            shown = [v for v in window.store.views() if v.title == rest]
            print(f"ok {rest}" if shown else f"fail {window.statusBar().currentMessage()}", flush=True)
        elif command == "quit":
            window.close()
            QApplication.quit()


def main() -> int:
    """Run the window on the database named by the first argument."""
    ui_app.application()
    driver = Driver()  # noqa: F841 - lives as long as the event loop
    return ui_app.run_app(sys.argv[1], None)


if __name__ == "__main__":
    sys.exit(main())
