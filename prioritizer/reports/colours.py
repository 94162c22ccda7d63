"""The chart colours time is drawn in: one per quadrant, one per kind, and the target line.

The window (``ui/palette.py``, in its light shades), the HTML review (``exports``)
and the PDF review read them here, so time looks the same everywhere. A module of
its own so the window's first paint imports these colours without the exports.
"""

from __future__ import annotations

from prioritizer.domain.values import Quadrant

QUADRANT_COLOURS = {
    Quadrant.DO: "#d64541",
    Quadrant.SCHEDULE: "#2e9e62",
    Quadrant.DELEGATE: "#f0a030",
    Quadrant.ELIMINATE: "#9aa0a6",
}
KIND_COLOURS = {"task": "#4c7bd9", "meeting": "#8e6ccf", "escalation": "#b5527f"}
TARGET_COLOUR = "#1f4e8c"
