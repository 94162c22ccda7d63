"""Writing a file all at once: every export goes through ``write_atomically``.

A temporary file in the target's folder (owner-only: exports hold customer names
and notes), written, fsynced, renamed over the target, then the folder fsynced so
the rename itself survives a crash. A crash or a full disk at any moment leaves
the previous file or the new one, never a truncated mix, and no temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from prioritizer.storage.files import fsync_folder


def write_atomically(path: str | os.PathLike[str], content: bytes | Callable[[BinaryIO], None]) -> Path:
    """Put ``content`` at ``path`` in one step; returns the path written.

    ``content`` is the bytes, or a function that writes them into the open file
    (for a large export produced piece by piece).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")  # mkstemp: created 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    try:
        fsync_folder(folder)
    except OSError:
        pass  # a folder that cannot be opened or fsynced (some network file systems): the file itself is whole
    return target
