"""Static resources of the window: SVG icons and the .desktop file.

Installed as ``prioritizer.resources``; read them with :func:`path` so they work from a
source checkout and from an installed wheel alike.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(name: str) -> Path:
    """The file ``name`` inside the resources folder (``icons/pin.svg``, ``prioritizer.desktop``)."""
    return ROOT / name
