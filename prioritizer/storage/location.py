"""Where the database is: the default file, ``--db``/``PRIORITIZER_DB``, paths behind URLs.

Kept free of SQLAlchemy so that commands which only read (``list``) and the
command line's after-write check can find the file without importing it.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

APP_NAME = "prioritizer"
DB_FILENAME = "prioritizer.sqlite3"

FileState = tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]


def default_data_dir() -> Path:
    """The per-user data folder, as platformdirs names it (nothing is created)."""
    import platformdirs  # here: `--db` and PRIORITIZER_DB never need it

    return platformdirs.user_data_path(APP_NAME).absolute()


def data_dir() -> Path:
    """The per-user data folder, created owner-only on first use."""
    path = default_data_dir()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def resolve_location(option: str | None = None) -> str:
    """The database location from the option, the environment or the default."""
    location = option or os.environ.get("PRIORITIZER_DB") or ""
    if not location:
        # Nothing is created here: a command that only reads must not leave an empty folder behind.
        return str(default_data_dir() / DB_FILENAME)
    return location


def is_url(location: str) -> bool:
    """True when the location is a database URL rather than a file path."""
    return "://" in location


def sqlite_path(location: str) -> Path | None:
    """The file behind a location, or None for a server database or memory.

    ``sqlite:///relative.db`` and ``sqlite:////absolute.db`` (any ``sqlite+driver``)
    name files, as in SQLAlchemy; a query string is not part of the path.
    """
    if not is_url(location):
        return Path(location).expanduser()
    scheme, rest = location.split("://", 1)
    if scheme.split("+", 1)[0].lower() != "sqlite":
        return None
    database = rest.split("?", 1)[0]
    database = database[1:] if database.startswith("/") else database
    if not database or database == ":memory:":
        return None
    return Path(database)


def sqlite_uri(path: Path, mode: str = "ro", *, immutable: bool = False) -> str:
    """The ``file:`` URI that opens exactly ``path`` with ``sqlite3.connect(..., uri=True)``.

    Every character outside letters, digits and ``/`` is percent-escaped: in a URI a
    ``?`` starts the options and a ``#`` ends the name, so ``/data/team#2.sqlite3``
    written as is would open ``/data/team``. ``mode`` is SQLite's (``ro``, ``rw``,
    ``rwc``); ``immutable`` reads a file nobody writes without locks or a ``-wal``.
    """
    name = urllib.parse.quote(str(path.expanduser().absolute()), safe="/")
    options = f"mode={mode}&immutable=1" if immutable else f"mode={mode}"
    # An empty authority (file:///...), so a path that starts with // is never read as a host name.
    return f"file://{name}?{options}"


def peek_location(option: str | None) -> str | None:
    """The database file a command will use (as ``resolve_location``), creating nothing; None for a server URL."""
    location = option or os.environ.get("PRIORITIZER_DB") or str(default_data_dir() / DB_FILENAME)
    return location if sqlite_path(location) is not None else None


def file_state(location: str) -> FileState | None:
    """What changes when anything is written: (inode, size, mtime) of the file and of its WAL; None when there is no file.

    The command line compares it before and after a command to back up only after
    commands that wrote (``prioritizer.cli.main``).
    """
    path = sqlite_path(location)
    if path is None:
        return None

    def stamp(p: Path) -> tuple[int, int, int] | None:
        try:
            st = p.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    main = stamp(path.expanduser())
    if main is None:
        return None
    wal = stamp(path.expanduser().with_name(path.name + "-wal"))
    # An empty WAL holds nothing: a reader may leave one behind (or not) without writing.
    return (main, wal if wal is not None and wal[1] > 0 else None)
