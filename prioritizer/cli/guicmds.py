"""The ``screenshot`` command: a window rendered offscreen on the current database, saved as a PNG.

The window itself is reached through prioritizer/launcher.py, the core's one door to Qt.
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
        from prioritizer.launcher import parse_size, save_screenshot

        size = parse_size(args.size)
    except ImportError as exc:
        print(f"prioritizer: error: screenshots need PySide6 ({exc})", file=sys.stderr)
        return 1
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
