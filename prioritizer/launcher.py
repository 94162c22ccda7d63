"""The one door from the core to the window (``prioritizer.ui``): open it, save a screenshot, render a review PDF.

No other module of the core imports ``prioritizer.ui`` (the import-linter contracts in
pyproject.toml check it), so the core runs, and is tested, without Qt; PySide6 loads
only when one of these functions is called.
"""

from __future__ import annotations

import importlib
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prioritizer.reports.review import Review
    from prioritizer.services.service import Service

# The Qt-free modules the first paint needs, imported before PySide6: PySide6 installs an
# import hook (shibokensupport.feature) that reads the whole source of every module imported
# after it (through linecache, which keeps it). SQLAlchemy, the models and the Service load
# after the first paint (ui/app.py).
CORE_BEFORE_QT = (
    "prioritizer.services.service",  # SQLAlchemy, the models, the read model, the rules: the first paint opens it
    "prioritizer.safety.health",
    "prioritizer.domain.drafts",
    "prioritizer.safety.lock",
    "prioritizer.text.humanize",
    "platformdirs",
    "getpass",
)


def _import_core_first() -> None:
    """Import ``CORE_BEFORE_QT`` (nothing to gain once PySide6 is loaded: its hook is in place by then)."""
    if "PySide6" in sys.modules:
        return
    for name in CORE_BEFORE_QT:
        try:
            importlib.import_module(name)
        except ImportError:  # a module renamed or gone: only the start gets slower
            continue


def open_window(db: str | None, now: datetime | None) -> int:
    """Open the main window on the database and run it until it closes; returns the exit code."""
    _import_core_first()
    try:
        from prioritizer.ui import startup

        startup.begin()  # no garbage collection until the first paint
        from prioritizer.ui.app import run_app
    except ImportError as exc:
        print(f"prioritizer: error: the window needs PySide6 ({exc})", file=sys.stderr)
        return 1
    return int(run_app(db, now))


def parse_size(text: str) -> tuple[int, int]:
    """A screenshot's ``WIDTHxHEIGHT``; InputError for anything else."""
    from prioritizer.ui.screenshot import parse_size as parse

    return parse(text)  # type: ignore[no-any-return]


def save_screenshot(service: Service, file: Path, *, view: str, size: tuple[int, int], theme: str) -> Path:
    """Render the window on ``service`` offscreen (unless a display is set) and save it as a PNG."""
    from prioritizer.ui.screenshot import save_screenshot as save

    return save(service, file, view=view, size=size, theme=theme)  # type: ignore[no-any-return]


def review_pdf_bytes(review: Review) -> bytes:
    """The weekly review as a PDF, rendered by Qt offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from prioritizer.ui.tabs.review_pdf import review_pdf_bytes as render

    return render(review)  # type: ignore[no-any-return]
