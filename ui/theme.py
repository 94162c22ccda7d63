"""Light and dark: follow the system colour scheme, allow a forced scheme.

Qt already hands us the system palette where the platform reports one. When the
platform says "dark" but gives a light palette (or a scheme is forced, as the
screenshot command does), :func:`apply_theme` sets Fusion with a dark palette.

There is no application-wide stylesheet: with one, Qt styles every widget through
its stylesheet engine, which cost about 5 % of the start (ARCHITECTURE.md). The
widgets take their colours from palette roles (muted text is ``PlaceholderText``)
and paint their few shapes themselves, so a palette switch reaches them by itself;
the few with a look of their own (the quick-add line, the incident banner) carry a
small stylesheet, which :func:`apply_theme` sets again on a switch.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

SCHEMES = ("system", "light", "dark")


def dark_palette() -> QPalette:
    """A calm dark palette for Fusion."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1f2125",
        QPalette.ColorRole.WindowText: "#e6e7ea",
        QPalette.ColorRole.Base: "#27292e",
        QPalette.ColorRole.AlternateBase: "#2d3036",
        QPalette.ColorRole.ToolTipBase: "#2d3036",
        QPalette.ColorRole.ToolTipText: "#e6e7ea",
        QPalette.ColorRole.Text: "#e6e7ea",
        QPalette.ColorRole.Button: "#2b2e33",
        QPalette.ColorRole.ButtonText: "#e6e7ea",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Highlight: "#4c8dff",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7aa7ff",
        QPalette.ColorRole.PlaceholderText: "#8d929b",
        QPalette.ColorRole.Mid: "#464a52",
        QPalette.ColorRole.Midlight: "#3a3d44",
        QPalette.ColorRole.Dark: "#17181b",
        QPalette.ColorRole.Shadow: "#0c0d0f",
        QPalette.ColorRole.Light: "#50545c",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7b8089"))
    return palette


def light_palette() -> QPalette:
    """Fusion's standard light palette, with a clearer highlight."""
    style = QStyleFactory.create("Fusion")
    palette = style.standardPalette() if style is not None else QPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#2f6fed"))
    palette.setColor(QPalette.ColorRole.Window, QColor("#f3f4f6"))
    return palette


def is_dark(palette: QPalette) -> bool:
    """True when the window colour is darker than the text."""
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(QPalette.ColorRole.WindowText).lightness()


def apply_theme(app: QApplication, scheme: str = "system") -> None:
    """Apply a scheme ("system", "light" or "dark")."""
    hints = QGuiApplication.styleHints()
    if scheme == "system":
        wants_dark = hints.colorScheme() == Qt.ColorScheme.Dark
        if wants_dark and not is_dark(app.palette()):
            app.setStyle("Fusion")
            app.setPalette(dark_palette())
        elif app.style().name().lower() == "fusion" and not wants_dark:
            app.setPalette(light_palette())
    else:
        app.setStyle("Fusion")
        app.setPalette(dark_palette() if scheme == "dark" else light_palette())
    # The new palette reaches the widgets through posted events: deliver them now, then set each
    # widget's own stylesheet again, since it reads palette(...) only when it is set.
    QApplication.sendPostedEvents(None, QEvent.Type.ApplicationPaletteChange)
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


def follow_system(app: QApplication) -> None:
    """Re-apply the theme whenever the system switches between light and dark."""
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app, "system"))
