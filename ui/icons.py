"""SVG icons that stay sharp at any scale and follow the palette.

The SVG files draw with ``currentColor``; :func:`icon` recolours them with the
palette's text colour (or a given colour) when they are painted, so the same
files serve the light and the dark palette and every device pixel ratio.
"""

from __future__ import annotations

from functools import cache, lru_cache

from prioritizer.resources import path as resource_path
from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer


@cache
def _svg_text(name: str) -> str:
    return resource_path(f"icons/{name}.svg").read_text(encoding="utf-8")


def _text_color(mode: QIcon.Mode) -> QColor:
    palette = QGuiApplication.palette()
    group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
    role = QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected else QPalette.ColorRole.WindowText
    return palette.color(group, role)


@lru_cache(maxsize=512)
def _renderer(name: str, color: str) -> QSvgRenderer:
    data = _svg_text(name).replace("currentColor", color)
    return QSvgRenderer(QByteArray(data.encode("utf-8")))


class SvgIconEngine(QIconEngine):
    """Paints one SVG icon in the palette colour (or a fixed one) at the requested size."""

    def __init__(self, name: str, color: QColor | None = None) -> None:
        super().__init__()
        self._name = name
        self._color = QColor(color) if color is not None else None

    def _color_for(self, mode: QIcon.Mode) -> str:
        if self._color is not None:
            if mode == QIcon.Mode.Disabled:
                return _text_color(mode).name()
            return self._color.name()
        return _text_color(mode).name()

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:  # noqa: D102
        _renderer(self._name, self._color_for(mode)).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:  # noqa: D102
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return QPixmap.fromImage(image)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:  # noqa: D102
        pixmap = self.pixmap(QSize(round(size.width() * scale), round(size.height() * scale)), mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:  # noqa: D102
        return SvgIconEngine(self._name, self._color)

    def key(self) -> str:  # noqa: D102
        return "prioritizer-svg"


def icon(name: str, color: QColor | str | None = None) -> QIcon:
    """The icon ``resources/icons/<name>.svg``, in the palette text colour unless ``color`` is given."""
    if name == "app":
        return QIcon(str(resource_path("icons/app.svg")))
    return QIcon(SvgIconEngine(name, QColor(color) if color is not None else None))


@lru_cache(maxsize=1024)
def _pixmap(name: str, color: str, width: int, height: int, ratio: float) -> QPixmap:
    image = QImage(max(1, round(width * ratio)), max(1, round(height * ratio)), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _renderer(name, color).render(painter)
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def render(painter: QPainter, name: str, rect: QRectF, color: QColor) -> None:
    """Paint an icon into ``rect``, sharp at the device's pixel ratio (rendered once per size and colour)."""
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    pixmap = _pixmap(name, color.name(), round(rect.width()), round(rect.height()), ratio)
    painter.drawPixmap(rect.topLeft(), pixmap)
