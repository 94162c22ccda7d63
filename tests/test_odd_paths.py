"""A database whose path holds ``#``, ``?``, ``%`` and spaces is the file every command opens.

In an SQLite ``file:`` URI a ``#`` ends the name and a ``?`` starts the options, so a
name written into a URI as is opens another file (``team#2.sqlite3`` opens ``team``).
A decoy database sits at that other name here: any command that reached it would
refuse it as another application's file, or show its rows.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.safety.health import check_database
from prioritizer.storage.location import sqlite_uri

NOW = "2026-11-20T09:00:00+01:00"


@pytest.fixture
def odd_db(tmp_path: Path) -> Path:
    folder = tmp_path / "shared?drive #3"
    folder.mkdir()
    decoy = tmp_path / "shared"  # what "shared?drive #3/..." names once '?' starts the options
    conn = sqlite3.connect(decoy)
    conn.execute("CREATE TABLE decoy (x)")
    conn.commit()
    conn.close()
    (folder / "team").write_bytes(b"")  # what ".../team#2 100%.sqlite3" names once '#' ends it
    return folder / "team#2 100%.sqlite3"


def _run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--now", NOW, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_uri_names_exactly_the_file(odd_db: Path) -> None:
    conn = sqlite3.connect(odd_db)
    conn.execute("CREATE TABLE mine (x)")
    conn.commit()
    conn.close()
    reader = sqlite3.connect(sqlite_uri(odd_db), uri=True)
    try:
        assert reader.execute("SELECT name FROM sqlite_master").fetchall() == [("mine",)]
    finally:
        reader.close()


def test_list_show_backup_restore_and_the_health_check_work_on_an_odd_path(odd_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(odd_db, capsys, "add", "Sev1 ACME checkout down due 2h")
    assert code == 0, err
    item = int(out.strip())
    assert check_database(odd_db, thorough=True).ok

    code, out, err = _run(odd_db, capsys, "list", "--json")
    assert code == 0, err
    assert [row["title"] for row in json.loads(out)] == ["ACME checkout down"]
    code, out, err = _run(odd_db, capsys, "show", str(item), "--json")
    assert code == 0, err
    assert json.loads(out)["quadrant"] == "do"

    code, out, err = _run(odd_db, capsys, "backup")
    assert code == 0, err
    code, out, err = _run(odd_db, capsys, "backup", "--list")
    assert code == 0 and "manual" in out, err

    code, out, err = _run(odd_db, capsys, "add", "Second thoughts")
    assert code == 0, err
    code, out, err = _run(odd_db, capsys, "restore", "--latest")
    assert code == 0, err
    code, out, err = _run(odd_db, capsys, "list", "--json")
    assert code == 0, err
    assert [row["title"] for row in json.loads(out)] == ["ACME checkout down"]
    assert check_database(odd_db, thorough=True).ok
