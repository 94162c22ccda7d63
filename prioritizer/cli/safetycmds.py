"""Commands: backup, restore.

Neither opens the database through ``Service.open``: ``restore`` must work on a
file the start-up check refuses, and ``backup`` runs the health check itself
(read-only) and refuses a damaged file with the way out (``restore --latest``).
``restore`` writes into the live file under SQLite's write lock, so command-line
writers running meanwhile carry on in the restored data; it still asks for the
window to be closed (its screen and undo history would describe the old data).
"""

from __future__ import annotations

import argparse
import errno
from datetime import datetime
from pathlib import Path
from typing import Any

from prioritizer.domain.values import InputError
from prioritizer.safety.backup import (
    BackupError,
    backup_dir,
    backup_now,
    describe,
    list_backups,
    newest_good_backup,
    restore,
    verify_backup,
)
from prioritizer.safety.lock import AlreadyRunningError, InstanceLock
from prioritizer.storage.engine import resolve_location


def register(sub: Any) -> None:
    """Add the backup and restore commands."""
    p = sub.add_parser("backup", help="make a verified backup now and print its path (--list: show the backups)")
    p.add_argument("--list", action="store_true", help="list the backups, newest first, and where they live")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a backup back (the current file is kept aside); asks nothing")
    which = p.add_mutually_exclusive_group()
    which.add_argument("file", nargs="?", metavar="FILE", help="a backup file (see: prioritizer backup --list)")
    which.add_argument("--latest", action="store_true", help="the newest backup that verifies")
    p.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace, now: datetime | None) -> int:
    """Back up now, or list the backups."""
    location = resolve_location(args.db)
    if args.list:
        backups = list_backups(location)
        print(f"backups of {location} in {backup_dir(location)}:")
        if not backups:
            print(
                "  none yet (one is made automatically at most every 15 minutes while the data changes, when an incident"
                " ends, when the window closes, and before every upgrade)"
            )
        for info in backups:
            print("  " + describe(info))
        return 0
    print(backup_now(location, "manual"))
    return 0


def cmd_restore(args: argparse.Namespace, now: datetime | None) -> int:
    """Restore a backup in place of the database."""
    location = resolve_location(args.db)
    if args.latest:
        info = newest_good_backup(location)
        if info is None:
            raise InputError(f"there is no good backup of {location} to restore (looked in {backup_dir(location)})")
        source = info.path
    elif args.file:
        source = Path(args.file).expanduser()
        if not source.is_file():
            raise InputError(f"no backup file at {args.file!r} (see: prioritizer backup --list)")
        try:
            verify_backup(source)  # a file that is not a good backup is bad input: refuse before the lock
        except BackupError as exc:
            raise InputError(str(exc)) from None
    else:
        raise InputError("name a backup FILE or use --latest (see: prioritizer backup --list)")
    lock = InstanceLock(location)
    try:
        # The window must be closed: its screen and undo history would describe the old data.
        lock.acquire()
    except AlreadyRunningError as exc:
        raise RuntimeError(f"{exc}: close the window, then restore") from None
    except OSError as exc:  # the lock file could not be written (a full disk above all)
        why = "the disk is full; free some space and try again" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise RuntimeError(f"the restore failed: {why}. Nothing was changed: your data is still in {location}") from None
    try:
        result = restore(location, source)
    finally:
        lock.release()
    print(f"restored {result.restored_from}")
    if result.kept_aside is not None:
        print(f"the previous data is kept at {result.kept_aside}")
    return 0
