"""What the user is told when the database refused a write: plain messages, never a traceback.

- A full disk, an I/O error, a read-only file (``StorageError``): a plain "not saved" dialog.
- A busy database (``DatabaseBusyError``, or SQLite's own SQLITE_BUSY before the core names it):
  :data:`BUSY_MESSAGE` in the status bar and in a small box that blocks nothing.

The hook that routes an error escaping a slot here is ``ui/crash.py`` (one hook for every error).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from prioritizer.domain.values import DatabaseBusyError

if TYPE_CHECKING:  # the widgets are imported when a message is shown: the window's start does without them
    from PySide6.QtWidgets import QMessageBox, QWidget

BUSY_MESSAGE = "Another program is writing to the database (an import?); nothing was changed: try again in a moment"
WAITING_MESSAGE = "Waiting for another program's write…"


def _tell(parent: QWidget | None, title: str, text: str) -> None:
    """A plain-text error dialog (recovery.py's messages use it too)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it was raised from or during (``__cause__``, ``__context__``, SQLAlchemy's ``orig``)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                todo.append(linked)


def is_busy(exc: BaseException) -> bool:
    """True when another connection held the write lock past the busy timeout (nothing was written)."""
    for error in causes(exc):
        if isinstance(error, DatabaseBusyError):
            return True
        if isinstance(error, sqlite3.OperationalError) and str(getattr(error, "sqlite_errorname", "")).startswith("SQLITE_BUSY"):
            return True
    return False


_busy_boxes: list[QMessageBox] = []  # the one busy notice on screen (shown again, not stacked)


def tell_busy(parent: QWidget | None) -> QMessageBox:
    """Say :data:`BUSY_MESSAGE` in the status bar and in a box that blocks nothing (no nested event loop)."""
    from PySide6.QtWidgets import QMainWindow, QMessageBox

    if isinstance(parent, QMainWindow):
        parent.statusBar().showMessage(BUSY_MESSAGE, 10_000)
    for box in _busy_boxes:
        if box.parent() is parent:
            box.show()
            box.raise_()
            return box
    box = QMessageBox(QMessageBox.Icon.Warning, "Prioritizer: database busy", BUSY_MESSAGE, QMessageBox.StandardButton.Close, parent)
    box.setObjectName("busyNotice")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.destroyed.connect(lambda *_: _busy_boxes.remove(box) if box in _busy_boxes else None)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _busy_boxes.append(box)
    box.show()
    return box

