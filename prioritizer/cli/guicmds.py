"""Window commands: opening the app (no command) and screenshots. Qt is imported only here, lazily."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any


def register(sub: Any) -> None:
    """No sub-commands yet besides opening the window."""


def open_window(db: str | None, now: datetime | None) -> int:
    """Open the main window on the database."""
    try:
        from prioritizer.ui.app import run_app
    except ImportError as exc:
        print(f"prioritizer: error: the window needs PySide6 ({exc})", file=sys.stderr)
        return 1
    return int(run_app(db, now))
