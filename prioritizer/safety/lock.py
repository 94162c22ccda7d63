"""One window per database: a lock file next to the database, taken with ``flock``.

The lock is ``<db>.lock`` (owner-only) and holds the pid, host name and start
time of the holder, for the message the second launch shows. The lock itself is
the ``flock`` on the open file, not the file's existence: the kernel releases it
when the holder dies, even under ``kill -9``, so a killed window never leaves a
real lock behind. A leftover file whose pid is gone is *stale*: it is reported
(``InstanceLock.stale``) and taken over.

Only the window takes this lock. The command line works alongside a running
window through SQLite's own locking (busy timeout + ``BEGIN IMMEDIATE``), except
``restore``, which asks for the window to be closed (its screen would describe the old data).

The lock is taken before the database is opened: a second window must not even
run the start-up checks or migrations on a file another window is using.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from prioritizer.storage.files import pid_alive as pid_alive  # re-exported: callers import it from here too
from prioritizer.storage.location import data_dir, sqlite_path


class AlreadyRunningError(RuntimeError):
    """Another live process holds the instance lock of this database.

    Attributes:
        holder: what the lock file says about that process (may be None).
    """

    def __init__(self, message: str, holder: LockInfo | None) -> None:
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class LockInfo:
    """What a lock file says about its holder."""

    pid: int
    host: str
    started: float  # Unix time the holder took the lock

    def alive(self) -> bool:
        """True when the holder still runs (only knowable on this host)."""
        if self.host != os.uname().nodename:
            return True  # another machine (a shared folder): assume it is alive
        return pid_alive(self.pid)

    def describe(self) -> str:
        """A short human description: process 123 on laptop since 09:14."""
        since = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started))
        return f"process {self.pid} on {self.host} since {since}"


def lock_path_for(location: str) -> Path:
    """``<db>.lock`` for a database file; a file in the data folder for a server URL."""
    path = sqlite_path(location)
    if path is not None:
        return path.with_name(path.name + ".lock")
    import hashlib  # only for a server URL: not on the window's road to the first paint

    digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
    return data_dir() / f"instance-{digest}.lock"


def read_info(path: Path) -> LockInfo | None:
    """The holder recorded in a lock file, or None if empty or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        return LockInfo(int(data["pid"]), str(data["host"]), float(data["started"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


class InstanceLock:
    """The per-database instance lock.

    Attributes:
        path: the lock file.
        stale: after ``acquire``, the dead holder whose leftover file was taken over, if any.
    """

    def __init__(self, location: str) -> None:
        self.path = lock_path_for(location)
        self.stale: LockInfo | None = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        os.fchmod(fd, 0o600)
        previous = read_info(self.path)
        # We hold the flock, so whoever wrote a previous record is gone: its file is stale.
        self.stale = previous if previous is not None and previous.pid != os.getpid() else None
        # os.uname().nodename is gethostname() without importing socket (and selectors) on the way to the window.
        record = json.dumps({"pid": os.getpid(), "host": os.uname().nodename, "started": time.time()})
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, record.encode("utf-8"), 0)
        except OSError:
            os.close(fd)  # a full disk: let go of the flock rather than keep it on a descriptor nobody has
            raise
        self._fd = fd
        return True

    def acquire(self) -> InstanceLock:
        """Take the lock or raise AlreadyRunningError naming the holder."""
        if not self.try_acquire():
            holder = self.holder()
            who = f" ({holder.describe()})" if holder else ""
            raise AlreadyRunningError(f"Prioritizer is already open on this database{who}", holder)
        return self

    def holder(self) -> LockInfo | None:
        """The process recorded in the lock file (meaningful while it is locked)."""
        return read_info(self.path)

    def release(self) -> None:
        """Give the lock back.

        The file is emptied but not deleted: deleting a flocked file races with a
        process that has just opened it and would then lock a file nobody sees.
        """
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing drops the flock

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_locked(location: str) -> LockInfo | None:
    """The live holder of a database's instance lock, or None when nobody holds it.

    Probes with a shared-then-released flock and writes nothing, so a stale
    record stays for the window to report.
    """
    path = lock_path_for(location)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return read_info(path) or LockInfo(0, "?", 0.0)
        raise
    finally:
        os.close(fd)
    return None
