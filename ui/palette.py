"""The colours that carry meaning, defined once: one per quadrant, one per balance group, one per kind.

The matrix, the quick-add preview, the details panel, the Today timeline, the
Balance charts and the Weekly review charts all read their colours here, so a
quadrant looks the same wherever it appears. The light shades are the core's
chart colours (:mod:`prioritizer.reports.colours`, used by the review's HTML and PDF),
so the window and the exported review agree too; each has a lighter dark-theme
shade that keeps its hue.

Groups: firefighting (Do now + Delegate) red-orange, proactive (Schedule) green,
low value (Eliminate) grey; distinct for the common colour-vision deficiencies,
and every chart writes its numbers as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from prioritizer.ui.theme import is_dark as palette_is_dark
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from prioritizer.domain.values import Kind, Quadrant
from prioritizer.reports.colours import KIND_COLOURS as EXPORT_KIND_COLOURS
from prioritizer.reports.colours import QUADRANT_COLOURS as EXPORT_QUADRANT_COLOURS


@dataclass(frozen=True)
class Shades:
    """One meaning's colour for a light and for a dark window (hex strings)."""

    light: str
    dark: str

    def pick(self, dark: bool | None = None) -> QColor:
        """The shade for the current theme (``dark`` None: ask the application palette)."""
        return QColor(self.dark if (is_dark() if dark is None else dark) else self.light)


QUADRANT_COLOURS: dict[Quadrant, Shades] = {
    Quadrant.DO: Shades(EXPORT_QUADRANT_COLOURS[Quadrant.DO], "#ee6b66"),
    Quadrant.SCHEDULE: Shades(EXPORT_QUADRANT_COLOURS[Quadrant.SCHEDULE], "#4cc285"),
    Quadrant.DELEGATE: Shades(EXPORT_QUADRANT_COLOURS[Quadrant.DELEGATE], "#f5b54f"),
    Quadrant.ELIMINATE: Shades(EXPORT_QUADRANT_COLOURS[Quadrant.ELIMINATE], "#a9afb7"),
}
GROUP_COLOURS: dict[str, Shades] = {
    "firefighting": Shades("#e4572e", "#f07a55"),
    "proactive": QUADRANT_COLOURS[Quadrant.SCHEDULE],
    "low_value": QUADRANT_COLOURS[Quadrant.ELIMINATE],
}
KIND_COLOURS: dict[Kind, Shades] = {
    Kind.TASK: Shades(EXPORT_KIND_COLOURS["task"], "#6f96e6"),
    Kind.MEETING: Shades(EXPORT_KIND_COLOURS["meeting"], "#a68ae0"),
    Kind.ESCALATION: Shades(EXPORT_KIND_COLOURS["escalation"], "#cf739c"),
}


def mute(widget: QWidget) -> None:
    """Draw a label's text in the palette's muted colour (its placeholder-text role), in light and dark."""
    widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def is_dark() -> bool:
    """True when the application's window colour is darker than its text."""
    return palette_is_dark(QGuiApplication.palette())


def quadrant_colour(quadrant: Quadrant, dark: bool | None = None) -> QColor:
    """A quadrant's colour (fills, bars, icons) for the current theme."""
    return QUADRANT_COLOURS[quadrant].pick(dark)


def group_colour(group: str, dark: bool | None = None) -> QColor:
    """A balance group's colour ("firefighting", "proactive", "low_value")."""
    return GROUP_COLOURS[group].pick(dark)


def kind_colour(kind: Kind, dark: bool | None = None) -> QColor:
    """An item kind's colour in the charts."""
    return KIND_COLOURS[kind].pick(dark)


def text_colour(colour: QColor, dark: bool | None = None) -> QColor:
    """``colour`` made readable as text on the window: darker on light windows, as is on dark ones."""
    if is_dark() if dark is None else dark:
        return QColor(colour)
    shade = QColor(colour)
    while _luminance(shade) > 0.22:  # about 4.5:1 against a near-white window
        shade = shade.darker(115)
    return shade


def ink_on(colour: QColor) -> QColor:
    """White or near-black, whichever reads better on a fill of ``colour``."""
    return QColor("#1b1d21") if _luminance(colour) > 0.4 else QColor("white")


def _luminance(colour: QColor) -> float:
    """Relative luminance (WCAG) of a colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())
