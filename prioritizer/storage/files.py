"""Plain-file chores next to a database: is the process that left a file alive, making a rename durable.

A leaf of the storage layer: the engine (the new-database file), the instance
lock, the backups and the atomic export writes share these instead of each
keeping a copy.
"""

from __future__ import annotations

import os
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (zombies count as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    try:
        # A zombie (killed but not yet reaped) still answers kill(0); it holds nothing.
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def fsync_folder(path: Path) -> None:
    """Make a rename or a new name in ``path`` durable: without it a crash can bring the old entry back."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
