"""Files the app must refuse without touching them, and damage it must name: the user's bytes are kept.

A write-ahead log that belongs to another file, another application's SQLite file,
a path with no database for a command that only reads, a full disk, index entries
without their rows, and SQLite's "malformed" met in the middle of a command.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import DatabaseError

from prioritizer.cli import main
from prioritizer.domain.drafts import ItemDraft
from prioritizer.safety.health import Problem, check_database
from prioritizer.services.service import Service

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _database(path: Path, titles: int = 5) -> None:
    svc = Service.open(str(path), now=NOW)
    for n in range(titles):
        svc.add(ItemDraft(title=f"Item {n}"))
    svc.close()


def _foreign_wal(path: Path, tmp_path: Path) -> None:
    """Put the WAL of another, live SQLite database next to ``path`` (its writer then dies without a checkpoint)."""
    other = tmp_path / "other-app.db"
    script = (
        "import os, shutil, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute('CREATE TABLE notes(t)'); c.execute(\"INSERT INTO notes VALUES ('hello')\")\n"
        "shutil.copy(sys.argv[1] + '-wal', sys.argv[2] + '-wal')\n"
        "os._exit(0)\n"
    )
    subprocess.run(["python3", "-c", script, str(other), str(path)], check=True, timeout=60)


def test_a_wal_of_another_file_is_refused_and_both_files_kept(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _database(db_path)
    _foreign_wal(db_path, tmp_path)
    wal = db_path.with_name(db_path.name + "-wal")
    before = (_digest(db_path), _digest(wal))
    assert check_database(db_path).problem is Problem.FOREIGN_WAL
    for command in (["list"], ["list", "--json"], ["add", "New"], ["show", "1"]):
        assert main(["--db", str(db_path), *command]) == 1
    err = capsys.readouterr().err
    assert "does not belong to" in err and "restore --latest" in err and "Traceback" not in err
    assert (_digest(db_path), _digest(wal)) == before  # never applied, never checkpointed, never rewritten
    # Moving the stranger aside gives the user's data back, all of it.
    wal.rename(tmp_path / "stranger-wal")
    db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)
    svc = Service.open(str(db_path), now=NOW)
    assert len(svc.list_items()) == 5
    svc.close()


def test_another_applications_file_is_refused_not_adopted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes(t)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    os.chmod(other, 0o644)
    before = _digest(other)
    for command in (["list"], ["add", "x"], ["balance"]):
        assert main(["--db", str(other), *command]) == 2
    assert "another application's" in capsys.readouterr().err
    assert _digest(other) == before
    assert oct(other.stat().st_mode & 0o777) == oct(0o644)  # not made ours (0600), no WAL switched on
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_read_command_on_a_missing_path_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "db.sqlite3"
    for command in (["list"], ["show", "1"], ["balance"], ["review"], ["done", "1"], ["export", "--csv", str(tmp_path / "x.csv")]):
        assert main(["--db", str(missing), *command]) == 2, command
    assert "there is no database at" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()
    assert main(["--db", str(missing), "add", "First thing"]) == 0  # adding creates it
    assert missing.is_file()


def test_the_default_location_is_not_created_by_a_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "fresh-home" / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("PRIORITIZER_DB", raising=False)
    assert main(["list"]) == 2
    assert "there is no database at" in capsys.readouterr().err
    assert not data.exists()


def test_index_entries_without_rows_are_found_by_the_thorough_check(db_path: Path) -> None:
    _database(db_path, titles=40)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_items_status_quadrant'").fetchone()
    conn.execute("PRAGMA writable_schema=ON")
    # Rows leave the table behind the index's back (what a lost lock did to a user's file):
    # while SQLite takes the index for an empty partial one, deletes do not touch it.
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'ix_items_status_quadrant'", (sql + " WHERE 0",))
    conn.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DELETE FROM items WHERE id <= 2")
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'ix_items_status_quadrant'", (sql,))
    conn.close()
    assert check_database(db_path).ok  # quick_check cannot see it
    health = check_database(db_path, thorough=True)
    assert health.problem is Problem.DAMAGED and "ix_items_status_quadrant" in health.detail


def test_full_disk_is_said_as_a_full_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        db = mount / "db.sqlite3"
        assert main(["--db", str(db), "add", "Before the disk filled"]) == 0
        filler = mount / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass  # full
        finally:
            os.close(fd)
        outcomes = [main(["--db", str(db), "add", f"Item {n}", "--notes", "x" * 3000]) for n in range(5)]
        err = capsys.readouterr().err
        assert set(outcomes) == {1}
        assert "the disk is full: nothing was saved" in err
        assert "damaged" not in err
        filler.unlink()
        assert main(["--db", str(db), "add", "After space came back"]) == 0
        conn = sqlite3.connect(db)
        titles = [r[0] for r in conn.execute("SELECT title FROM items ORDER BY id")]
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
        assert titles == ["Before the disk filled", "After space came back"]
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_malformed_met_during_a_command_names_the_way_out(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _database(db_path)

    def malformed(*args: object, **kwargs: object) -> None:
        raise DatabaseError("SELECT ...", {}, Exception("database disk image is malformed"))

    monkeypatch.setattr(Service, "done", malformed)
    assert main(["--db", str(db_path), "done", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "damaged" in err and "prioritizer restore --latest" in err
