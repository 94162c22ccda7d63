"""The start-up baseline: a bare PySide6 window that quits right after its first paint.

Run as a whole process (``QT_QPA_PLATFORM=offscreen python bench/bare_window.py``);
its wall time and peak RSS are the floor the app's start is compared with.
"""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


class BareWindow(QWidget):
    """A plain top-level widget the size of the app's window."""

    painted = False

    def paintEvent(self, event):  # noqa: N802, D102
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, QApplication.quit)


def main() -> int:
    """Show the window; the event loop ends after the first paint."""
    app = QApplication(sys.argv)
    window = BareWindow()
    window.setWindowTitle("Prioritizer")
    window.resize(1280, 800)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
