"""The start of the window: no cyclic garbage collection until the first paint, then what the start made frozen.

A start allocates hundreds of thousands of objects that all live on (modules, Qt
wrappers, the items); collecting while they are made walks them again and again.
:func:`begin` (called by the launcher, prioritizer/launcher.py, before PySide6 loads)
turns the collector off; :func:`end` (ui/app.py, once the matrix has painted) freezes
what the start made (``gc.freeze``), so later collections, during a drag say, do not
walk it either, and turns the collector back on.
"""

from __future__ import annotations

import gc

_started: list[bool] = []  # whether the collector was on, from begin to end


def begin() -> None:
    """Turn the collector off until :func:`end` (a second call changes nothing)."""
    if _started:
        return
    _started.append(gc.isenabled())
    gc.disable()


def end() -> None:
    """The first paint is done: freeze what the start made and turn the collector back on (once)."""
    if not _started:
        return
    collecting = _started.pop()
    gc.freeze()
    if collecting:
        gc.enable()
