"""A quadrant on screen: the card list (:class:`QuadrantView`) under its header (:class:`QuadrantPanel`).

The view accepts drops of item ids from any quadrant and hands them to its model;
arrow keys past its edge ask the matrix to move to the neighbouring quadrant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from prioritizer.ui.elided_label import ElidedLabel
from prioritizer.ui.icons import icon
from prioritizer.ui.matrix.card_delegate import CardDelegate, mix
from prioritizer.ui.matrix.quadrant_model import QuadrantModel, decode_ids
from prioritizer.ui.palette import mute, quadrant_colour
from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QRegion,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain.values import Quadrant
from prioritizer.text.humanize import minutes_text

QUADRANT_ICONS = {
    Quadrant.DO: "q-do",
    Quadrant.SCHEDULE: "q-schedule",
    Quadrant.DELEGATE: "q-delegate",
    Quadrant.ELIMINATE: "q-eliminate",
}
PANEL_RADIUS = 8.0
EMPTY_TEXT = {
    Quadrant.DO: "Nothing on fire.\nUrgent, important items land here.",
    Quadrant.SCHEDULE: "Important work with time to plan lands here.\nProtect time for it.",
    Quadrant.DELEGATE: "Urgent but not yours to do:\nhand these over.",
    Quadrant.ELIMINATE: "Low-value items land here:\ndrop them or park them.",
}


class QuadrantView(QListView):
    """The cards of one quadrant.

    Signals:
        edge_reached(str): an arrow key went past the edge: "left", "right", "up" or "down".
        edit_requested(): Enter was pressed on a card.
        drag_hovered(bool): a drag of items entered (True) or left (False) this quadrant.
    """

    edge_reached = Signal(str)
    edit_requested = Signal()
    drag_hovered = Signal(bool)

    def __init__(self, model: QuadrantModel, now: Callable[[], datetime], tz: tzinfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quadrantView")
        # A viewport of our own, set before anything configures it, like the one Qt made (its
        # name and touch events). Qt's own comes back from viewport() as a QWidget pointer of
        # unknown class: PySide6 then resolves its class among every QWidget subclass, making
        # their Python types and enums (65 of them), ~15 ms of the start. Ours it already knows.
        viewport = QWidget()
        viewport.setObjectName("qt_scrollarea_viewport")
        viewport.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setViewport(viewport)
        # The view reads the rows through a pass-through proxy (no sort, no filter: the same row
        # numbers on both sides). A list layout asks the model for an index per row, and a Python
        # model's index() calls its Python rowCount(): ~3 ms for each 500-card quadrant on every
        # drop. The proxy answers those from its C++ row map.
        rows = QSortFilterProxyModel(self)
        rows.setDynamicSortFilter(False)
        rows.setSourceModel(model)
        self.setModel(rows)
        self.setItemDelegate(CardDelegate(now, tz, self))
        # Every card has the same height: the layout never asks the delegate per row. It is laid
        # out in one pass (the default): a batched layout draws no card at all until its last
        # batch is done, so each quadrant painted empty first, at start and after every drop.
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The cards sit on the panel's colour. Filled from the palette role (not a stylesheet
        # background) the viewport is opaque, so repainting it after a drop paints nothing under it.
        viewport.setBackgroundRole(QPalette.ColorRole.Window)
        viewport.setAutoFillBackground(True)
        self.setAccessibleName(f"{model.quadrant.label} items")
        self.quadrant_model = model
        model.rowsRemoved.connect(self._keep_a_selection)

    def _keep_a_selection(self, *_: object) -> None:
        """After cards leave (triage), select the card that took their place, so triage can go on."""
        if not self.hasFocus() or self.selectionModel().hasSelection():
            return
        current = self.currentIndex()
        if not current.isValid() and self.model().rowCount() > 0:
            current = self.model().index(0, 0)
        if current.isValid():
            self.setCurrentIndex(current)

    def select_first_if_none(self) -> None:
        """Make sure something is current and selected (on entering the quadrant with the keyboard)."""
        if self.model().rowCount() == 0:
            return
        if not self.selectionModel().hasSelection():
            current = self.currentIndex()
            self.setCurrentIndex(current if current.isValid() else self.model().index(0, 0))

    # ------------------------------------------------------------ Qt overrides
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: D102, N802
        key = event.key()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        rows = self.model().rowCount()
        row = self.currentIndex().row() if self.currentIndex().isValid() else -1
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if row >= 0:
                self.edit_requested.emit()
            event.accept()
            return
        if plain and key == Qt.Key.Key_Left:
            self.edge_reached.emit("left")
            return
        if plain and key == Qt.Key.Key_Right:
            self.edge_reached.emit("right")
            return
        if plain and key == Qt.Key.Key_Up and row <= 0:
            self.edge_reached.emit("up")
            return
        if plain and key == Qt.Key.Key_Down and (row < 0 and rows == 0 or row >= rows - 1):
            self.edge_reached.emit("down")
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: D102, N802
        if decode_ids(event.mimeData()) and event.possibleActions() & Qt.DropAction.MoveAction:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.drag_hovered.emit(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: D102, N802
        if decode_ids(event.mimeData()) and event.possibleActions() & Qt.DropAction.MoveAction:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: D102, N802
        self.drag_hovered.emit(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: D102, N802
        self.drag_hovered.emit(False)
        mime = event.mimeData()
        if not decode_ids(mime) or not event.possibleActions() & Qt.DropAction.MoveAction:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.quadrant_model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: D102, N802
        super().paintEvent(event)
        if self.model().rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        palette = self.palette()
        painter.setPen(mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.5))
        text = "No items match the filter." if self.quadrant_model.item_filter().active else EMPTY_TEXT[self.quadrant_model.quadrant]
        area = QRect(self.viewport().rect()).adjusted(12, 12, -12, -12)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        painter.end()


class QuadrantPanel(QFrame):
    """A quadrant's header (name, meaning, count, estimated minutes) over its cards."""

    def __init__(self, model: QuadrantModel, now: Callable[[], datetime], tz: tzinfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        quadrant = model.quadrant
        self.quadrant = quadrant
        self.model = model
        self.setObjectName("quadrantPanel")
        self.setProperty("dropTarget", False)
        # Opaque: the panel paints its rounded corners itself (below), so a repaint inside it (a
        # card, the count, a scroll bar after a drop) stops here instead of painting the window.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setAccessibleName(f"{quadrant.label} quadrant")
        self.setAccessibleDescription(quadrant.meaning)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 9, 9, 5)  # 8, 8, 8, 4 inside the 1-pixel border
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.setSpacing(6)
        badge = QLabel(self)
        badge.setPixmap(icon(QUADRANT_ICONS[quadrant], quadrant_colour(quadrant).name()).pixmap(QSize(18, 18), self.devicePixelRatioF()))
        badge.setAccessibleName(f"{quadrant.label} icon")
        self.title = QLabel(quadrant.label, self)
        self.title.setObjectName("quadrantTitle")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(title_font)
        self.stats = ElidedLabel("", self)  # shortened with "…" in a narrow window (whole in the tooltip)
        self.stats.elide_minimum = 48
        self.stats.setObjectName("quadrantStats")
        mute(self.stats)
        self.stats.setAccessibleName(f"{quadrant.label} count")
        header.addWidget(badge)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.stats, 0, Qt.AlignmentFlag.AlignRight)
        self.meaning = QLabel(quadrant.meaning, self)
        self.meaning.setObjectName("quadrantMeaning")
        mute(self.meaning)
        self.meaning.setTextFormat(Qt.TextFormat.PlainText)
        self.meaning.setToolTip(quadrant.meaning)
        self.meaning.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.view = QuadrantView(model, now, tz, self)
        layout.addLayout(header)
        layout.addWidget(self.meaning)
        layout.addSpacing(4)
        layout.addWidget(self.view, 1)
        model.stats_changed.connect(self.update_stats)
        self.view.drag_hovered.connect(self.set_drop_target)
        self.update_stats()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: D102, N802
        # The whole rect: the corners show the matrix behind (the window's colour), then the rounded
        # border, in the highlight colour while items are dragged over it. From the palette, so it
        # follows light and dark; not a stylesheet rule, which would make the panel transparent.
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        hovered = bool(self.property("dropTarget"))
        width = 2 if hovered else 1
        painter = QPainter(self)
        painter.fillRect(event.rect(), window)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight if hovered else QPalette.ColorRole.Mid), width))
        painter.setBrush(window)
        half = width / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), PANEL_RADIUS, PANEL_RADIUS)
        painter.end()

    def update_stats(self) -> None:
        """Show the count and the estimated minutes of the quadrant."""
        count = self.model.rowCount()
        minutes = self.model.estimated_minutes()
        text = f"{count} item" + ("" if count == 1 else "s")
        if minutes:
            text += f" · {minutes_text(minutes)} est."
        self.stats.setText(text)
        self.stats.setToolTip(text)

    def set_drop_target(self, on: bool) -> None:
        """Outline the panel while items are dragged over it."""
        if self.property("dropTarget") == on:
            return
        self.setProperty("dropTarget", on)
        # Only the border changes: repainting the whole panel would repaint its cards too.
        ring = QRegion(self.rect())
        self.update(ring.subtracted(QRegion(self.rect().adjusted(3, 3, -3, -3))))
