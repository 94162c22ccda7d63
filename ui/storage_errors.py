"""A write the disk refused, escaping a slot, becomes a plain dialog instead of a traceback on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from prioritizer.domain import StorageError


def _tell(parent: QWidget | None, title: str, text: str) -> None:
    """A plain-text error dialog (recovery.py's messages use it too)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def show_storage_errors(parent: Callable[[], QWidget | None] = lambda: None) -> None:
    """Show a StorageError escaping any slot as a plain dialog instead of a traceback on stderr.

    The operation was rolled back by then; the message says so (see db.storage_errors).
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if isinstance(value, StorageError):
            _tell(parent(), "Prioritizer: not saved", f"{value}.")
            return
        previous(kind, value, tb)

    sys.excepthook = hook
