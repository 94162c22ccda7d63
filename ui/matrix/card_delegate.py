"""Paints each item as a card: kind icon, plain-text title, and a line of facts.

The title is drawn with ``drawText`` (never interpreted as HTML) and elided. The
facts line shows the deadline countdown, the severity badge and customer of an
escalation, the start of a meeting, the delegate, and the time spent. A pin mark
shows a user pin; a running timer tints and outlines the card.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from prioritizer.ui.icons import render
from prioritizer.ui.matrix.quadrant_model import ItemRole
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from prioritizer.domain.values import ItemView, Kind
from prioritizer.text.humanize import countdown, local_stamp, minutes_text

MARGIN_X, MARGIN_Y, PAD, GAP, ICON = 6, 3, 9, 4, 18

SEVERITY_COLORS = {1: "#d32f2f", 2: "#e65100", 3: "#f9a825", 4: "#78909c"}
KIND_COLORS = {Kind.TASK: "#78909c", Kind.MEETING: "#5e6ad2", Kind.ESCALATION: "#e65100"}
OVERDUE = "#e53935"


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """``a`` blended with ``share_of_b`` of ``b``."""
    t = max(0.0, min(1.0, share_of_b))
    return QColor.fromRgbF(
        a.redF() * (1 - t) + b.redF() * t,
        a.greenF() * (1 - t) + b.greenF() * t,
        a.blueF() * (1 - t) + b.blueF() * t,
    )


def kind_color(view: ItemView) -> QColor:
    """The accent of a card: severity for escalations, the kind otherwise."""
    if view.kind is Kind.ESCALATION and view.severity:
        return QColor(SEVERITY_COLORS.get(view.severity, KIND_COLORS[Kind.ESCALATION]))
    return QColor(KIND_COLORS[view.kind])


class CardDelegate(QStyledItemDelegate):
    """Draws item cards; ``now`` and ``tz`` give countdowns and local times."""

    def __init__(self, now: Callable[[], datetime], tz: tzinfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = now
        self.tz = tz
        self._cache: dict[int, tuple[ItemView, tuple[object, ...], QPixmap]] = {}

    # ----------------------------------------------------------------- fonts
    @staticmethod
    def _fonts(option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setWeight(QFont.Weight.DemiBold)
        meta = QFont(option.font)
        size = meta.pointSizeF()
        if size > 0:
            meta.setPointSizeF(max(7.0, size * 0.88))
        return title, meta

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: D102, N802
        title, meta = self._fonts(option)
        height = QFontMetrics(title).height() + GAP + QFontMetrics(meta).height() + 2 * PAD - 6 + 2 * MARGIN_Y
        return QSize(max(120, option.rect.width()), max(height, ICON + 2 * PAD + 2 * MARGIN_Y))

    # ------------------------------------------------------------------ paint
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: D102
        view = index.data(ItemRole)
        if not isinstance(view, ItemView):
            super().paint(painter, option, index)
            return
        # Cards are drawn once into a pixmap and reused until the item, the state, the size,
        # the palette or the minute (countdowns) change: a repaint after a drop redraws only
        # the cards that changed.
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        state = (
            bool(option.state & QStyle.StateFlag.State_Selected),
            bool(option.state & QStyle.StateFlag.State_HasFocus),
            option.rect.width(),
            option.rect.height(),
            ratio,
            QGuiApplication.palette().cacheKey(),
            int(self.now().timestamp() // 60),
        )
        cached = self._cache.get(view.id)
        if cached is not None and cached[0] is view and cached[1] == state:
            painter.drawPixmap(option.rect.topLeft(), cached[2])
            return
        image = QImage(round(option.rect.width() * ratio), round(option.rect.height() * ratio), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        card_painter = QPainter(image)
        local = QStyleOptionViewItem(option)
        local.rect = option.rect.translated(-option.rect.topLeft())
        self._paint_card(card_painter, local, view)
        card_painter.end()
        pixmap = QPixmap.fromImage(image)
        self._cache[view.id] = (view, state, pixmap)
        if len(self._cache) > 600:
            self._cache.pop(next(iter(self._cache)))
        painter.drawPixmap(option.rect.topLeft(), pixmap)

    def _paint_card(self, painter: QPainter, option: QStyleOptionViewItem, view: ItemView) -> None:
        # The application palette: the view's own Base is the panel colour (cards stand out on it).
        palette: QPalette = QGuiApplication.palette()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        muted = mix(text, base, 0.4)
        accent = kind_color(view)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        card = QRectF(option.rect).adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        fill = base
        border = mix(base, text, 0.16)
        if view.timer_running:
            fill = mix(base, QColor("#2e7d32"), 0.14)
            border = QColor("#2e7d32")
        if selected:
            fill = mix(fill, highlight, 0.22)
            border = highlight
        painter.setPen(QPen(border, 2 if (selected or view.timer_running) else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(card.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        if focused and selected:
            painter.setPen(QPen(highlight, 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(card.adjusted(3, 3, -3, -3), 4, 4)
        # accent stripe on the left
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(QRectF(card.left() + 3, card.top() + 5, 3, card.height() - 10), 1.5, 1.5)

        title_font, meta_font = self._fonts(option)
        tfm, mfm = QFontMetrics(title_font), QFontMetrics(meta_font)
        x = card.left() + PAD + 3
        top = card.top() + PAD - 3
        right = card.right() - PAD
        render(painter, view.kind.value, QRectF(x, top + (tfm.height() - ICON) / 2, ICON, ICON), accent)
        x_text = x + ICON + 8
        if view.placement.pinned:
            render(painter, "pin", QRectF(right - 14, top + (tfm.height() - 14) / 2, 14, 14), muted)
            right_title = right - 20
        else:
            right_title = right
        painter.setFont(title_font)
        painter.setPen(text)
        title = tfm.elidedText(view.title, Qt.TextElideMode.ElideRight, int(right_title - x_text))
        single = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.drawText(QRectF(x_text, top, right_title - x_text, tfm.height()), single, title)

        painter.setFont(meta_font)
        y = top + tfm.height() + GAP
        self._facts(painter, view, x_text, y, right, mfm, text, muted, base)
        painter.restore()

    def _facts(
        self, painter: QPainter, view: ItemView, x: float, y: float, right: float,
        fm: QFontMetrics, text: QColor, muted: QColor, base: QColor,
    ) -> None:
        now = self.now()
        height = fm.height()
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine

        def word(value: str, color: QColor) -> bool:
            nonlocal x
            if x >= right - 8:
                return False
            shown = fm.elidedText(value, Qt.TextElideMode.ElideRight, int(right - x))
            painter.setPen(color)
            width = fm.horizontalAdvance(shown)
            painter.drawText(QRectF(x, y, width + 1, height), flags, shown)
            x += width + 10
            return shown == value

        if view.kind is Kind.ESCALATION and view.severity:
            badge = f"Sev {view.severity}"
            width = fm.horizontalAdvance(badge) + 10
            if x + width < right:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(SEVERITY_COLORS.get(view.severity, "#777777")))
                painter.drawRoundedRect(QRectF(x, y, width, height), 4, 4)
                painter.setPen(QColor("white") if view.severity != 3 else QColor("#222222"))
                painter.drawText(QRectF(x, y, width, height), Qt.AlignmentFlag.AlignCenter, badge)
                x += width + 8
        if view.due is not None:
            overdue = view.due < now
            word(countdown(view.due, now), QColor(OVERDUE) if overdue else text)
        if view.kind is Kind.MEETING and view.start is not None:
            word(local_stamp(view.start, self.tz, now), text)
        if view.customer:
            word(view.customer + (" ★" if view.key_customer else ""), muted)
        if view.delegated_to:
            word(f"→ {view.delegated_to}", muted)
        if view.minutes_spent or view.timer_running:
            if x + 14 < right:
                color = QColor("#2e7d32") if view.timer_running else muted
                render(painter, "timer", QRectF(x, y + (height - 13) / 2, 13, 13), color)
                x += 17
                word(minutes_text(view.minutes_spent), color)
        if view.estimate_minutes and not (view.minutes_spent or view.timer_running):
            word(f"~{minutes_text(view.estimate_minutes)}", muted)
