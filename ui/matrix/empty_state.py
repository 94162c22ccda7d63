"""What a new database shows: how to add the first item, with examples to click."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

EXAMPLES = (
    "Sev1 ACME checkout down due 2h",
    "Q1 staffing plan !high due fri #strategic",
    "+Sam refund backlog due today",
    "meeting 1:1 Dana tomorrow 10:00 30m",
)


class EmptyState(QFrame):
    """A friendly card teaching quick add.

    Signals:
        example_chosen(str): the user clicked an example line.
    """

    example_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setStyleSheet("QFrame#emptyState { border: 1px dashed palette(mid); border-radius: 8px; }")
        self.setAccessibleName("Getting started")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        heading = QLabel("Your matrix is empty — add what is on your plate.")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        heading.setFont(font)
        text = QLabel(
            "Type one line in quick add above and press Enter: it lands in the right quadrant by itself. "
            "Drag cards (or press 1–4) to overrule the rules, Ctrl+Z undoes anything. Try one:"
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        row = QGridLayout()
        row.setHorizontalSpacing(6)
        row.setVerticalSpacing(4)
        for n, example in enumerate(EXAMPLES):
            button = QPushButton(example)
            button.setFlat(False)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip("Put this line in quick add")
            button.clicked.connect(lambda _checked=False, line=example: self.example_chosen.emit(line))
            row.addWidget(button, n // 2, n % 2)
        row.setColumnStretch(2, 1)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addLayout(row)
