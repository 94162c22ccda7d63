"""What keeps the start fast (ARCHITECTURE.md), and that the data safety it moved still holds.

- ``prioritizer`` with no command imports no command module and no parser beyond the globals;
  one command imports one module; the table saying which is checked against the modules.
- The window opens with the header check only; the page check and the automatic backup run
  after the first paint, and damage found then gets the same restore dialog as at start.
- ``PRIORITIZER_QUIT_AFTER_FIRST_PAINT=1`` ends the process (exit 0) once the matrix painted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from prioritizer.cli import COMMAND_MODULES, COMMANDS, _command_name, build_parser, main, parser_for
from prioritizer.safety import backup as bk
from prioritizer.safety.health import DatabaseDamagedError, check_database, check_header
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # noqa: SLF001 - argparse keeps its sub-parsers here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def test_the_command_table_matches_what_the_modules_register() -> None:
    registered = {}
    for module in COMMAND_MODULES:
        for name in _commands(build_parser((module,))):
            registered[name] = module
    assert registered == COMMANDS
    assert list(_commands(build_parser())) == list(registered)  # help order unchanged


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_alone_is_parsed_and_helped_as_in_the_full_parser(name: str) -> None:
    """parser_for builds one command's parser only: that parser is the full parser's, option for option."""
    alone = _commands(parser_for([name]))
    assert list(alone) == [name]
    assert alone[name].format_help() == _commands(build_parser())[name].format_help()


@pytest.mark.parametrize(
    "argv",
    [["add", "Sev1 ACME down", "--due", "2h", "--strategic", "--duration", "30"], ["list", "--quadrant", "do"],
     ["edit", "3", "--no-strategic", "--delegate", "none"], ["balance", "--week", "2026-11-16", "--json"],
     ["review", "--csv", "out.csv"], ["log", "4", "--from", "09:00", "--to", "10:00"], ["move", "2", "schedule"]],
    ids=lambda argv: argv[0],
)  # fmt: skip
def test_a_command_line_reads_the_same_with_one_command_built(argv: list[str]) -> None:
    line = ["--db", "x.sqlite3", *argv]
    assert vars(parser_for(line).parse_args(line)) == vars(build_parser().parse_args(line))


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], None),
        (["--db", "x.sqlite3", "--now", "2026-11-20T09:00"], None),
        (["--db=x.sqlite3", "list", "--json"], "list"),
        (["--now", "2026-11-20T09:00", "add", "--help"], "add"),
        (["--db", "list"], None),  # "list" is the value of --db: no command, as argparse reads it
        (["--help"], "\x00full"),
        (["--version"], "\x00full"),
        (["--db"], "\x00full"),  # a missing value: the full parser says so
        (["--d", "x", "list"], "\x00full"),  # an abbreviation: only argparse knows
        (["frobnicate"], "frobnicate"),
    ],
)
def test_the_command_name_is_read_before_any_module_is_imported(argv: list[str], expected: str | None) -> None:
    assert _command_name(argv) == expected


def test_help_and_unknown_commands_still_list_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("prioritizer: error: argument COMMAND: invalid choice: 'frobnicate'") and "screenshot" in err
    assert main(["--db"]) == 2
    assert "argument --db: expected one argument" in capsys.readouterr().err



def test_help_is_as_wide_as_the_terminal_says(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """$COLUMNS (or the terminal) sets the help's width, as argparse's own sizing did."""
    widths = {}
    for columns in (60, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        with pytest.raises(SystemExit):
            main(["add", "--help"])
        widths[columns] = capsys.readouterr().out.splitlines()
    assert len(widths[60]) > len(widths[120])  # the narrow terminal wraps the help text more
    assert max(len(line) for line in widths[120]) > 70  # the wide one uses its width


# ---------------------------------------------------------------- data safety, moved
def _garbage_in_a_page(path: Path, page: int = 3) -> None:
    """Overwrite one page (by default the items' uid index: no read at start touches it)."""
    with open(path, "rb+") as fh:
        fh.seek(4096 * (page - 1))
        fh.write(b"\xff" * 4096)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _database_with_backup(db_path: Path, items: int = 60) -> Path:
    svc = Service.open(str(db_path), now=NOW)
    for n in range(items):
        svc.add(ItemDraft(title=f"Item {n}", notes="notes " * 50))
    backup = bk.backup_now(str(db_path), "manual")
    svc.add(ItemDraft(title="After the backup"))
    svc.close()
    return backup


def test_the_header_check_is_cheap_and_the_command_line_still_checks_every_page(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backup = _database_with_backup(db_path)
    _garbage_in_a_page(db_path)
    assert check_header(db_path) is None  # the header cannot see it
    assert not check_database(db_path).ok
    svc = Service.open(str(db_path), now=NOW, deep_check=False)  # the window's open: header only
    svc.close()
    with pytest.raises(DatabaseDamagedError):
        Service.open(str(db_path), now=NOW)  # the default (command line): every page
    assert main(["--db", str(db_path), "stop"]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and str(backup) in err and "restore --latest" in err


def test_a_damaged_page_met_while_opening_is_reported_as_damage(db_path: Path) -> None:
    _database_with_backup(db_path)
    conn = sqlite3.connect(db_path)
    (settings_page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'settings'").fetchone()
    conn.close()
    _garbage_in_a_page(db_path, page=settings_page)  # read by the schema-version check
    with pytest.raises(DatabaseDamagedError, match="restore --latest"):
        Service.open(str(db_path), now=NOW, deep_check=False)


def test_the_check_after_the_first_paint_finds_damage(qtbot: object, db_path: Path) -> None:
    from prioritizer.ui.dialogs.recovery import DataSafety
    from PySide6.QtWidgets import QMainWindow

    backup = _database_with_backup(db_path)
    _garbage_in_a_page(db_path)
    window = QMainWindow()
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    safety = DataSafety(window, str(db_path))
    with qtbot.waitSignal(safety.damaged, timeout=10_000) as blocker:  # type: ignore[attr-defined]
        safety.check_soon()
    error = blocker.args[0]
    assert isinstance(error, DatabaseDamagedError) and error.backup is not None and error.backup.path == backup
    safety.stop()
    assert [b.path for b in bk.list_backups(str(db_path))] == [backup]  # no automatic backup of a damaged file


def test_the_window_offers_the_restore_when_the_check_after_paint_finds_damage(
    qtbot: object, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prioritizer.ui.app import application, run_app
    from prioritizer.ui.dialogs import recovery
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    _database_with_backup(db_path, items=3)
    _garbage_in_a_page(db_path)
    damaged = _digest(db_path)
    asked: list[DatabaseDamagedError] = []

    def choose(err: DatabaseDamagedError, parent: object = None) -> recovery.Choice:
        asked.append(err)
        return recovery.Choice.RESTORE

    monkeypatch.setattr(recovery, "ask", choose)
    finished = recovery.DataSafety._finish  # noqa: SLF001

    def finish_then_close(self: recovery.DataSafety, damage: object, path: object) -> None:
        finished(self, damage, path)
        if damage is None:  # the reopened window checked out: close it, run_app returns
            # Only the windows run_app made: widgets of earlier tests are not this test's to close.
            QTimer.singleShot(0, lambda: [w.close() for w in QApplication.topLevelWidgets() if w not in before])

    monkeypatch.setattr(recovery.DataSafety, "_finish", finish_then_close)
    app = application()
    before = set(QApplication.topLevelWidgets())
    QTimer.singleShot(20_000, app.quit)  # a safety net: never hang the suite
    assert run_app(str(db_path), NOW) == 0
    assert len(asked) == 1 and "damaged" in str(asked[0])
    (aside,) = db_path.parent.glob(db_path.name + ".damaged-*")
    assert _digest(aside) == damaged
    assert check_database(db_path).ok
    svc = Service.open(str(db_path), now=NOW)
    assert sorted(v.title for v in svc.list_items()) == ["Item 0", "Item 1", "Item 2"]
    svc.close()


def test_quit_after_first_paint_ends_the_real_process(tmp_path: Path) -> None:
    db = tmp_path / "paint.sqlite3"
    svc = Service.open(str(db), now=NOW)
    for n in range(30):
        svc.add(ItemDraft(title=f"Card {n}", due=NOW if n % 2 else None))
    svc.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PRIORITIZER_QUIT_AFTER_FIRST_PAINT="1")
    run = subprocess.run(
        [sys.executable, "-m", "prioritizer", "--db", str(db), "--now", NOW.isoformat()],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "paint.sqlite3.backups").exists()  # nothing deferred ran before the quit
