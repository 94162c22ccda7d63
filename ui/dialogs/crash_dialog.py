"""The crash dialog: what failed in one line, the log file's path, "Copy details" (``ui/crash.py`` shows it).

Imported at the first error only: the window's start does without its widgets.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

AFTER = {  # what happens next: the window stays after an error in a slot; a failed start has no window
    True: "The window is still open: carry on, or save your work and restart it.",
    False: "Prioritizer could not start.",
}


class CrashDialog(QDialog):
    """What failed in one line, where the details are, and "Copy details".

    Attributes:
        summary: the label with the one line. log_label: the log file's path.
        copy_button: copies :attr:`details` to the clipboard. details: the text it copies.
    """

    def __init__(
        self, summary: str, details_text: str, log_path: Path | None, parent: QWidget | None = None, *, window_open: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("Prioritizer: something went wrong")
        self.details = details_text
        self._more = 0
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size, size))
        self.summary = self._plain(summary)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        if log_path is not None:
            where = f"{AFTER[window_open]} The details are in the log file:"
            self.log_label = self._plain(str(log_path))
            self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        else:
            where = f"{AFTER[window_open]} The details could not be written to a log file: use Copy details."
            self.log_label = self._plain("")
            self.log_label.hide()
        self.more_label = self._plain("")
        self.more_label.hide()
        text = QVBoxLayout()
        text.addWidget(self.summary)
        text.addWidget(self._plain(where))
        text.addWidget(self.log_label)
        text.addWidget(self.more_label)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text, 1)
        buttons = QDialogButtonBox(self)
        # An action role: the dialog stays open after copying (a QMessageBox button would close it).
        self.copy_button: QPushButton = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _plain(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)  # an error may quote a title with "<b>"
        label.setWordWrap(True)
        return label

    def copy_details(self) -> None:
        """Put the details (the traceback) on the clipboard."""
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")

    def another(self, summary: str, details_text: str) -> None:
        """A further error while this dialog is open: counted here, its details added (no second dialog)."""
        self._more += 1
        self.details += f"\n--- and then: {summary}\n{details_text}"
        self.more_label.setText(f"{self._more} more error{'s' if self._more != 1 else ''} since; each is in the log file.")
        self.more_label.show()
