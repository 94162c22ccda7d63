"""The ``prioritizer`` command: global options, dispatch, exit codes.

Exit codes: 0 success, 2 bad input (one line naming the problem, nothing
changed), 1 anything else. Each command group lives in its own module with a
``register(subparsers)`` function; ``COMMAND_MODULES`` lists them in help order.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from datetime import datetime

from ..clock import to_utc
from ..domain import InputError

COMMAND_MODULES = ("items", "timecmds", "balancecmds", "reviewcmds", "datacmds", "safetycmds", "guicmds")

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
    return to_utc(value)


def build_parser() -> Parser:
    """The full argument parser, built from every command module."""
    parser = Parser(prog="prioritizer", description="Eisenhower matrix for customer-service managers.")
    parser.add_argument("--db", metavar="PATH|URL", help="database file or URL (default: PRIORITIZER_DB or the user data folder)")
    parser.add_argument("--now", metavar="ISO-8601", help="fix the clock for this command (tests, demos, 'what will Friday look like?')")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(sub)
    return parser


def _version() -> str:
    from .. import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    os.umask(0o077)  # database, WAL, backups and exports stay owner-only
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
        now = parse_now(args.now) if args.now else None
        handler = getattr(args, "func", None)
        if handler is None:
            from .guicmds import open_window

            return open_window(args.db, now)
        return int(handler(args, now) or 0)
    except (UsageError, InputError) as exc:  # bad input: one line, exit 2
        print(f"prioritizer: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the user gets one line, never a traceback
        if os.environ.get("PRIORITIZER_DEBUG"):
            raise
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"prioritizer: error: {message}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        from .common import close_services

        close_services()


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
