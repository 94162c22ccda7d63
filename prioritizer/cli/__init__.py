"""The ``prioritizer`` command: global options, dispatch, exit codes.

Exit codes: 0 success, 2 bad input (one line naming the problem, nothing
changed), 1 anything else. Each command group lives in its own module with a
``register(subparsers)`` function; ``COMMAND_MODULES`` lists them in help order.
``COMMANDS`` says which module registers which command, so a command line imports
the module of its command only (the others import SQLAlchemy, or Qt, for nothing);
``prioritizer`` with no command imports none and opens the window. A line that names
no known command (``--help``, a typo) gets the full parser, so every message is the same.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from prioritizer.domain.clock import to_utc
from prioritizer.domain.values import RANGE_TEXT, InputError, OutOfRangeError, check_instant

COMMAND_MODULES = ("items", "timecmds", "balancecmds", "reviewcmds", "datacmds", "safetycmds", "guicmds")

# Which module registers which command. A command missing here still works (it gets the
# full parser); tests/test_startup.py checks this table against what the modules register.
COMMANDS = {
    "add": "items", "list": "items", "show": "items", "edit": "items", "move": "items", "unpin": "items",
    "done": "items", "drop": "items",
    "start": "timecmds", "stop": "timecmds", "log": "timecmds",
    "balance": "balancecmds", "entries": "balancecmds", "entry-edit": "balancecmds", "entry-delete": "balancecmds",
    "target": "balancecmds",
    "review": "reviewcmds", "import": "reviewcmds", "export": "reviewcmds",
    "demo": "datacmds",
    "backup": "safetycmds", "restore": "safetycmds",
    "screenshot": "guicmds",
}  # fmt: skip

# Commands that manage backups themselves: no automatic backup after them.
_NO_AUTO_BACKUP = frozenset({"backup", "restore"})


EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    """Raised instead of argparse's print-usage-and-exit, so the message stays one line."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Raise instead of printing usage: main() prints one line and exits 2."""
        raise UsageError(message)


def parse_now(text: str) -> datetime:
    """The ``--now`` value: ISO 8601; without an offset it is local time."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"cannot read --now {text!r}: use ISO 8601 like 2026-11-23T09:00 or 2026-11-23T09:00+01:00") from None
    try:
        moment = to_utc(value)
    except OverflowError:  # year 1 east of UTC, year 9999 west of it
        raise OutOfRangeError(f"--now {text.strip()} is outside {RANGE_TEXT}") from None
    # Every write stamps now (created, updated, placed): it must lie where every instant lies.
    return check_instant(moment, "--now")


def _global_options(parser: Parser) -> None:
    parser.add_argument("--db", metavar="PATH|URL", help="database file or URL (default: PRIORITIZER_DB or the user data folder)")
    parser.add_argument("--now", metavar="ISO-8601", help="fix the clock for this command (tests, demos, 'what will Friday look like?')")


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> Parser:
    """The argument parser with the commands of ``modules`` (default: every command module)."""
    parser = Parser(prog="prioritizer", description="Eisenhower matrix for customer-service managers.")
    _global_options(parser)
    parser.add_argument("--version", action=_Version, help="show the version and the log folder, then exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _version() -> str:
    from prioritizer import __version__

    return __version__


class _Version(argparse.Action):
    """``--version``: the version, and the folder of the log file that holds the details of any error."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None) -> None:
        from prioritizer.safety.logs import log_dir  # platformdirs: only when asked

        print(f"{parser.prog} {_version()}\nlog folder: {log_dir()}", file=sys.stdout)
        parser.exit()


def _command_name(args: Sequence[str]) -> str | None:
    """The first word of the line that is not a global option or its value (None: there is none).

    ``--help``, ``--version`` or an unknown option before the command is that word too: it
    names no command, and gets the full parser.
    """
    globals_only = Parser(add_help=False)
    _global_options(globals_only)
    try:
        _, rest = globals_only.parse_known_args(args)
    except UsageError:  # a global option without its value: no command known, the full parser says so
        return ""
    return rest[0] if rest else None


def parser_for(args: Sequence[str]) -> Parser:
    """The parser of the command module this line needs: none without a command, every one for an unknown word."""
    name = _command_name(args)
    if name is None:
        return build_parser(())
    module = COMMANDS.get(name)
    return build_parser() if module is None else build_parser((module,))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    os.umask(0o077)  # database, WAL, backups and exports stay owner-only
    args_list = list(sys.argv[1:] if argv is None else argv)
    after: _AfterWrite | None = None
    code = EXIT_ERROR
    db_option: str | None = None
    try:
        parser = parser_for(args_list)
        args = parser.parse_args(args_list)
        db_option = args.db
        now = parse_now(args.now) if args.now else None
        handler = getattr(args, "func", None)
        if handler is None:
            from prioritizer.launcher import open_window

            return open_window(args.db, now)
        if args.command not in _NO_AUTO_BACKUP:
            after = _AfterWrite(args.db)
        code = int(handler(args, now) or 0)
        return code
    except (UsageError, InputError) as exc:  # bad input: one line, exit 2
        print(f"prioritizer: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:
        after = None
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the user gets one line, never a traceback
        if os.environ.get("PRIORITIZER_DEBUG"):
            raise
        message = _damage_message(exc, db_option) or error_line(exc)
        print(f"prioritizer: error: {message}", file=sys.stderr)
        from prioritizer.safety.logs import record  # the traceback, for a bug report (prioritizer --version names the folder)

        command = _command_name(args_list)
        record(f"{command if command in COMMANDS else 'prioritizer'}: {message}", (type(exc), exc, exc.__traceback__))
        return EXIT_ERROR
    finally:
        if "prioritizer.cli.common" in sys.modules:  # only a command that opened a service imported it
            from prioritizer.cli.common import close_services

            close_services()
        if after is not None and code == EXIT_OK:
            after.back_up_if_written()


def _damage_message(exc: BaseException, option: str | None) -> str | None:
    """The line for SQLite's "malformed" met during a command: what the whole check finds, and the way out.

    The command's connections are closed first, so the check may read the file.
    """
    from prioritizer.safety.health import is_malformed
    from prioritizer.storage.location import peek_location

    if not is_malformed(exc):
        return None
    if "prioritizer.cli.common" in sys.modules:
        from prioritizer.cli.common import close_services

        close_services()
    text = str(getattr(exc, "orig", None) or exc).lower()
    fallback = f"the database is damaged ({text.splitlines()[0]}): run 'prioritizer restore --latest' to put back the newest good backup"
    location = peek_location(option)
    try:
        from prioritizer.safety.damage import damage_behind

        damage = damage_behind(location, exc) if location is not None else None
    except Exception:  # noqa: BLE001 - the check itself failing must not hide the first error
        return fallback
    return str(damage) if damage is not None else fallback


def error_line(exc: BaseException) -> str:
    """One line for an unexpected error, in the app's words rather than Python's or SQL's.

    The core raises its own errors with their own lines (damaged file, full disk, busy
    database...): those pass through. What is left is translated: an OSError gives its
    reason and file ("no such file or directory: /x", not "[Errno 2] ..."); a database
    error the driver's first line without the SQL statement and SQLAlchemy's links, a
    missing table as a sentence; a Python value error (an unreadable stored value, or a
    bug) says where it happened and how to see more, never "invalid literal for int()".
    """
    if isinstance(exc, OSError):
        reason = (exc.strerror or type(exc).__name__).lower()
        return f"{reason}: {exc.filename}" if exc.filename else reason
    # SQLAlchemy wraps the driver's error (``orig``); the fast read paths meet sqlite3's own.
    orig = getattr(exc, "orig", None) if type(exc).__module__.startswith("sqlalchemy") else exc
    if isinstance(orig, Exception) and type(orig).__module__ == "sqlite3":
        text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        if text.lower().startswith(("no such table", "no such column")):
            kind, _, what = text.removeprefix("no such ").partition(":")
            return (
                f"the database has no {kind} {what.strip()!r}: it is not a Prioritizer database, or it is damaged;"
                " 'prioritizer restore --latest' puts the newest backup back"
            )
        return f"the database refused the operation: {text}"
    if isinstance(exc, ValueError | TypeError | KeyError | IndexError | AttributeError | OverflowError | AssertionError):
        import traceback  # only on this path

        ours = [f for f in traceback.extract_tb(exc.__traceback__) if "prioritizer" in f.filename]
        where = f" in {Path(ours[-1].filename).name} line {ours[-1].lineno}" if ours else ""
        return f"a value could not be read ({type(exc).__name__}{where}); PRIORITIZER_DEBUG=1 shows the details"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class _AfterWrite:
    """The automatic backup of the command line: after a command that wrote, once its output is out.

    Reading commands never pay for it. The state of the file (and its WAL) before the
    command is compared with the state after it, once every connection is closed; when
    it changed, the data changed since the newest backup (taken before this command), so
    ``maybe_backup`` only checks the interval (15 minutes since the newest backup) and
    skips the fingerprints (about a second for a five-year database).
    """

    def __init__(self, db: str | None) -> None:
        from prioritizer.storage.location import file_state, peek_location  # no SQLAlchemy: reading commands stay light

        self.location = peek_location(db)
        self.before = file_state(self.location) if self.location is not None else None

    def back_up_if_written(self) -> None:
        """Back up (when due) if the command changed the file."""
        from prioritizer.storage.location import file_state

        if self.location is None or file_state(self.location) in (self.before, None):
            return
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            return
        from prioritizer.safety.backup import maybe_backup_quietly  # only now: it imports SQLAlchemy

        maybe_backup_quietly(self.location, changed=True)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
