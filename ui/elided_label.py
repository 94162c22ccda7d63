"""Labels that shrink by eliding their text ("Today: 2 h 10 firefighting · 45…") instead of widening the window.

:class:`Eliding` is a mixin for any ``QLabel`` subclass (the status bar's balance
label uses it); :class:`ElidedLabel` is the plain label. The text stays whole in
``text()`` (and for accessibility); only the painting is shortened.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class Eliding:
    """Mixin for a single-line plain-text ``QLabel``: elide on the right, minimum width ``elide_minimum``."""

    elide_minimum = 60

    def elided(self) -> bool:
        """True when the text does not fit and is shown shortened."""
        label = self._label()
        return label.fontMetrics().horizontalAdvance(label.text()) > label.contentsRect().width()

    def _label(self) -> QLabel:
        assert isinstance(self, QLabel)
        return self

    def minimumSizeHint(self) -> QSize:  # noqa: D102, N802
        hint = QLabel.minimumSizeHint(self._label())
        return QSize(min(hint.width(), self.elide_minimum), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: D102, N802
        label = self._label()
        rect = label.contentsRect()
        text = label.fontMetrics().elidedText(label.text().replace("\n", " "), Qt.TextElideMode.ElideRight, rect.width())
        painter = QPainter(label)
        label.style().drawItemText(
            painter, rect, int(label.alignment()), label.palette(), label.isEnabled(), text, label.foregroundRole()
        )
        painter.end()


class ElidedLabel(Eliding, QLabel):
    """A one-line plain-text label that elides instead of growing past its space."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        QLabel.__init__(self, text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
