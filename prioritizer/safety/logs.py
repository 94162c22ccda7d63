"""The log file: where the details of an unexpected error go, for the window and the command line.

One rotating file, ``platformdirs.user_log_path("prioritizer") / "prioritizer.log"``
(``~/.local/state/prioritizer/log/`` on Linux), at most :data:`MAX_BYTES` plus
:data:`BACKUPS` older files. The folder is owner-only (0700) and so is every file in
it (0600): a traceback can hold item titles and paths. The user sees one line and
the file's path; the traceback is in the file (``ui/crash.py``, ``prioritizer
--version`` names the folder).

Nothing here imports Qt; :func:`setup` is cheap to call again (once per process in
practice) and never raises: a log that cannot be written must not become the crash.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import TracebackType

from prioritizer.storage.location import APP_NAME

LOG_NAME = "prioritizer.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
logger = logging.getLogger(APP_NAME)  # the parent of every module's logger (prioritizer.ui.dialogs.recovery, ...)

_MARK = "prioritizer_log_file"  # on the handler setup() made, so a second call finds it
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def log_dir() -> Path:
    """The folder of the log files (nothing is created)."""
    import platformdirs  # here: only an error, `--version` or the About box asks where the log is

    return platformdirs.user_log_path(APP_NAME).absolute()


def log_file() -> Path:
    """The current log file (nothing is created)."""
    return log_dir() / LOG_NAME


def _owner_only_file(path: Path) -> None:
    """Create ``path`` as an empty 0600 file if missing, and take group/other bits off an existing one."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    os.close(fd)
    path.chmod(0o600)


def _rotate(source: str, dest: str) -> None:
    """The handler's rotator: rename, then make the new file owner-only before the handler opens it."""
    if os.path.exists(source):
        os.replace(source, dest)
    _owner_only_file(Path(source))


def setup() -> Path | None:
    """Send the ``prioritizer`` loggers to the log file; returns its path, or None when it cannot be written.

    Called again after the user folders changed (tests redirect them), it follows them.
    """
    import logging.handlers  # here, not at import: the window's start does without it (socket, pickle...)

    path = log_file()
    for old in list(logger.handlers):
        if isinstance(old, logging.handlers.RotatingFileHandler) and getattr(old, _MARK, False):
            if old.baseFilename == str(path):
                return path
            logger.removeHandler(old)
            old.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.parent.chmod(0o700)
        _owner_only_file(path)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    setattr(handler, _MARK, True)
    handler.rotator = _rotate
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return path


def record(summary: str, exc_info: ExcInfo | None = None) -> Path | None:
    """Write one error (and its traceback) to the log file; returns the file's path, or None when it cannot be written."""
    path = setup()
    try:
        logger.error(summary, exc_info=exc_info)
    except Exception:  # noqa: BLE001 - the log must never become the crash
        return None
    return path
