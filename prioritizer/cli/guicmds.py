"""Window commands: opening the app (no command) and screenshots. Qt is imported only here, lazily.

Importing this module is cheap (no SQLAlchemy, no Qt): ``prioritizer`` with no command
imports it and goes straight to ``open_window``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from prioritizer.domain.values import InputError


def register(sub: Any) -> None:
    """Add ``screenshot``."""
    p = sub.add_parser("screenshot", help="render a window offscreen on the current database and save a PNG")
    p.add_argument("file", metavar="FILE", help="PNG file to write")
    p.add_argument("--view", default="matrix", metavar="NAME", help="which view to show (default: matrix)")
    p.add_argument("--size", default="1280x800", metavar="WxH", help="window size in pixels (default: 1280x800)")
    p.add_argument("--theme", default="system", choices=("system", "light", "dark"), help="colour scheme (default: system)")
    p.set_defaults(func=cmd_screenshot)


def cmd_screenshot(args: argparse.Namespace, now: datetime | None) -> int:
    """Save a PNG of a window."""
    try:
        from prioritizer.ui.screenshot import parse_size, save_screenshot
    except ImportError as exc:
        print(f"prioritizer: error: screenshots need PySide6 ({exc})", file=sys.stderr)
        return 1
    size = parse_size(args.size)
    file = Path(args.file)
    if file.suffix.lower() != ".png":
        raise InputError(f"the screenshot file must end in .png, not {file.name!r}")
    from prioritizer.cli.common import open_service

    service = open_service(args, now)
    try:
        save_screenshot(service, file, view=args.view, size=size, theme=args.theme)
    finally:
        service.close()
    print(f"saved {file}")
    return 0


# The Qt-free modules the first paint needs, imported before PySide6: PySide6 installs an
# import hook (shibokensupport.feature) that reads the whole source of every module imported
# after it (through linecache, which keeps it). The window opens the Service (SQLAlchemy, the
# models, the read model) before its first paint; the quick-add parser and the balance come
# later, and linecache is cleared once the window is built.
CORE_BEFORE_QT = (
    "prioritizer.services.service",  # SQLAlchemy, the models, the read model, the rules
    "prioritizer.safety.health",
    "prioritizer.domain.drafts",
    "prioritizer.safety.lock",
    "prioritizer.text.humanize",
    "platformdirs",
    "getpass",
)


def import_core_first() -> None:
    """Import ``CORE_BEFORE_QT`` (a no-op once PySide6 is loaded: the hook is in place by then)."""
    if "PySide6" in sys.modules:
        return
    import importlib

    for name in CORE_BEFORE_QT:
        try:
            importlib.import_module(name)
        except ImportError:  # a module renamed or gone: only the start gets slower
            continue


def open_window(db: str | None, now: datetime | None) -> int:
    """Open the main window on the database."""
    import_core_first()
    try:
        from prioritizer.ui import startup

        startup.begin()  # PySide6, with quicker Qt enums, no collector and no import hook until the paint
        from prioritizer.ui.app import run_app
    except ImportError as exc:
        print(f"prioritizer: error: the window needs PySide6 ({exc})", file=sys.stderr)
        return 1
    return int(run_app(db, now))
