"""The command line's last line of defence: no Python or SQL wording reaches the user.

Issue 16, section 6: ``invalid literal for int()``, ``no such table`` and ``[Errno 2] ...``
were printed as they came. Each case here is one a user can meet with a file another
program (or an older version, or a hand edit) changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from prioritizer.cli import error_line, main
from tests.conftest import NOW

RAW = ("invalid literal", "Errno", "sqlite3.", "Background on this error", "Traceback", "could not convert")


def _run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--now", NOW.isoformat(), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _tamper(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(sql)
    conn.close()


@pytest.fixture
def filled(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert _run(db_path, capsys, "add", "Refund backlog", "--due", "fri")[0] == 0
    assert _run(db_path, capsys, "target", "40")[0] == 0
    return db_path


def test_an_unreadable_policy_value_keeps_its_default_and_every_command_runs(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tamper(filled, "UPDATE settings SET value = 'forty' WHERE key = 'policy.proactive_target'")
    for args in (["list"], ["show", "1"], ["balance"], ["review"], ["add", "Another"]):
        code, _, err = _run(filled, capsys, *args)
        assert (code, err) == (0, ""), args
    assert "against a target of 30 %" in _run(filled, capsys, "balance")[1]  # the default, until set again
    assert _run(filled, capsys, "target", "40")[0] == 0
    assert "against a target of 40 %" in _run(filled, capsys, "balance")[1]


@pytest.mark.parametrize(
    "sql,needle",
    [
        ("DROP TABLE items", "the database has no table 'items': it is not a Prioritizer database, or it is damaged"),
        ("UPDATE settings SET value = 'x' WHERE key = 'schema_version'", "a value could not be read (ValueError in "),
        ("UPDATE items SET kind = 'robot'", "a value could not be read (KeyError in "),
    ],
)
def test_a_file_changed_behind_the_apps_back_gets_one_line_in_its_words(
    filled: Path, capsys: pytest.CaptureFixture[str], sql: str, needle: str
) -> None:
    _tamper(filled, sql)
    for args in (["list", "--all"], ["show", "1"], ["export", "--csv", str(filled.parent / "out.csv")]):
        code, out, err = _run(filled, capsys, *args)
        assert code == 1, args
        assert err.startswith("prioritizer: error: ") and len(err.strip().splitlines()) == 1, err
        assert needle in err, args
        assert not any(raw in err for raw in RAW), err


def test_os_errors_give_their_reason_and_file_not_their_number() -> None:
    assert error_line(FileNotFoundError(2, "No such file or directory", "/gone/x.csv")) == "no such file or directory: /gone/x.csv"
    assert error_line(OSError(28, "No space left on device")) == "no space left on device"
