"""Child processes for the restore tests: a long-running writer, and a restore to be killed.

``python tests/restore_child.py writer DB STOPFILE``: opens the real ``Service``
once (its connection stays open, like a window's or a long script's) and adds
items ``w-1``, ``w-2``, ... in a loop until STOPFILE exists. After each commit
returned it prints ``{"committed": TITLE, "id": ID}`` as one line (one ``write``,
flushed), so every title it printed is one the user was told was saved. A write
that fails prints ``{"failed": TITLE, "error": TEXT}`` and the loop goes on.

``python tests/restore_child.py restore DB BACKUP``: prints ``go`` once its
imports are done, then restores BACKUP into DB through ``backup.restore`` and
prints ``done``. The parent kills it at a random moment after ``go``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _say(line: str) -> None:
    os.write(1, (line + "\n").encode())  # one write: a kill never leaves half a line


def writer(db: str, stop: Path) -> None:
    """Add items until ``stop`` exists, reporting each commit."""
    from prioritizer.services.service import ItemDraft, Service

    svc = Service.open(db)
    seq = 0
    try:
        while not stop.exists():
            seq += 1
            title = f"w-{seq}"
            try:
                item_id = svc.add(ItemDraft(title=title)).value
            except Exception as exc:  # noqa: BLE001 - reported, not committed; the parent counts it
                _say(json.dumps({"failed": title, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}))
                continue
            _say(json.dumps({"committed": title, "id": item_id}))
    finally:
        svc.close()


def restorer(db: str, backup: str) -> None:
    """Restore ``backup`` into ``db``."""
    from prioritizer.safety.backup import restore

    _say("go")
    restore(db, Path(backup))
    _say("done")


if __name__ == "__main__":
    mode, first, second = sys.argv[1:4]
    if mode == "writer":
        writer(first, Path(second))
    else:
        restorer(first, second)
