"""Render a window offscreen and save it as a PNG (``prioritizer screenshot``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from prioritizer.domain.values import InputError
from prioritizer.io.atomic import write_atomically
from prioritizer.services.service import Service

_SIZE = re.compile(r"^\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*$")


def parse_size(text: str) -> tuple[int, int]:
    """'1280x800' -> (1280, 800); InputError for anything else."""
    match = _SIZE.match(text)
    if not match:
        raise InputError(f"cannot read --size {text!r}: use WIDTHxHEIGHT like 1280x800")
    width, height = int(match.group(1)), int(match.group(2))
    if not (320 <= width <= 10_000 and 240 <= height <= 10_000):
        raise InputError(f"--size {width}x{height} is out of range: use 320x240 to 10000x10000")
    return width, height


def save_screenshot(service: Service, file: Path, view: str = "matrix", size: tuple[int, int] = (1280, 800), theme: str = "system") -> Path:
    """Open the main window on ``service``, show ``view`` at ``size`` and save it to ``file``."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from prioritizer.ui.app import application
    from prioritizer.ui.main_window import MainWindow
    from prioritizer.ui.theme import apply_theme
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtWidgets import QApplication

    app = application()
    if theme != "system":
        apply_theme(app, theme)
    window = MainWindow(service, settings=None)
    try:
        window.show_view(view)
        window.resize(*size)
        window.show()
        for _ in range(3):
            QApplication.processEvents()
        window.matrix.focus_active()
        QApplication.processEvents()
        png = QByteArray()
        buffer = QBuffer(png)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not window.grab().save(buffer, "PNG"):
            raise OSError(f"cannot make the picture for {file}")
        buffer.close()
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(file, bytes(png.data()))
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return file
