"""Window settings (size, position, splitters, panels) in one INI file.

The file lives in the platformdirs config folder (``…/prioritizer/window.ini``);
``PRIORITIZER_CONFIG`` moves it: a path ending in ``.ini`` is the file itself,
anything else is a folder to put ``window.ini`` in.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

FILE_NAME = "window.ini"


def config_path() -> Path:
    """Where the window settings are kept."""
    override = os.environ.get("PRIORITIZER_CONFIG", "").strip()
    if override:
        path = Path(override).expanduser()
        return path if path.suffix.lower() == ".ini" else path / FILE_NAME
    return platformdirs.user_config_path("prioritizer") / FILE_NAME


class WindowSettings:
    """Reads and writes the window's layout."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def value(self, key: str, default: object = None) -> object:
        """A stored value, or ``default``."""
        return self.qsettings.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        """Store a value."""
        self.qsettings.setValue(key, value)

    def flag(self, key: str, default: bool) -> bool:
        """A stored boolean (INI stores text)."""
        value = self.qsettings.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def save(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
        """Remember geometry, toolbar/dock state and splitter positions."""
        self.qsettings.setValue("window/geometry", window.saveGeometry())
        self.qsettings.setValue("window/state", window.saveState())
        for name, splitter in splitters.items():
            self.qsettings.setValue(f"splitters/{name}", splitter.saveState())
        self.qsettings.sync()

    def restore(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
        """Put the window back as it was; False when nothing was stored yet."""
        geometry = self.qsettings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
        state = self.qsettings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            window.restoreState(state)
        for name, splitter in splitters.items():
            saved = self.qsettings.value(f"splitters/{name}")
            if isinstance(saved, QByteArray) and not saved.isEmpty():
                splitter.restoreState(saved)
        return isinstance(geometry, QByteArray) and not geometry.isEmpty()

    def sync(self) -> None:
        """Write to disk now."""
        self.qsettings.sync()
