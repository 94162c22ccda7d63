"""Backups: verified copies, when they happen, rotation, restore, the commands, owner-only files."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.safety import backup as bk
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.engine import DB_FILENAME, SCHEMA_VERSION
from prioritizer.storage.location import sqlite_uri
from tests.conftest import NOW


def _titles(path: Path) -> list[str]:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM items ORDER BY id")]
    finally:
        conn.close()


def _filled(db_path: Path, *titles: str) -> Service:
    svc = Service.open(str(db_path), now=NOW)
    for title in titles:
        svc.add(ItemDraft(title=title))
    return svc


def test_backup_is_a_verified_owner_only_copy(db_path: Path) -> None:
    old = os.umask(0o022)
    try:
        svc = _filled(db_path, "Alpha", "Beta")
        path = bk.backup_now(str(db_path), "manual")
        svc.add(ItemDraft(title="After the backup"))
        svc.close()
    finally:
        os.umask(old)
    assert path.parent == db_path.parent / f"{db_path.name}.backups"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert _titles(path) == ["Alpha", "Beta"]
    assert bk.verify_backup(path) == SCHEMA_VERSION
    # A backup is one self-contained file: no WAL next to it.
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    info = bk.list_backups(str(db_path))
    assert [b.path for b in info] == [path] and info[0].reason == "manual"


def test_default_database_backs_up_into_the_data_folder() -> None:
    import platformdirs

    svc = Service.open(None, now=NOW)
    svc.add(ItemDraft(title="x"))
    svc.close()
    path = bk.backup_now(str(platformdirs.user_data_path("prioritizer") / DB_FILENAME))
    assert path.parent == platformdirs.user_data_path("prioritizer") / "backups"


def test_automatic_backup_only_when_changed_and_due(db_path: Path) -> None:
    svc = Service.open(str(db_path), now=NOW)
    loc = str(db_path)
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert bk.maybe_backup(loc, t0) is None  # empty database: nothing to protect
    svc.add(ItemDraft(title="One"))
    first = bk.maybe_backup(loc, t0)
    assert first is not None
    svc.add(ItemDraft(title="Two"))
    assert bk.maybe_backup(loc, t0 + timedelta(minutes=14)) is None  # changed, but too soon
    second = bk.maybe_backup(loc, t0 + timedelta(minutes=15))  # at most every 15 minutes while there are changes
    assert second is not None and _titles(second) == ["One", "Two"]
    assert bk.maybe_backup(loc, t0 + timedelta(hours=20)) is None  # due, but unchanged
    # A change that does not touch items (stopping a timer) still counts.
    svc.start_timer(1)
    assert bk.maybe_backup(loc, t0 + timedelta(hours=20, minutes=1)) is not None
    svc.close()


def test_a_command_that_writes_makes_the_automatic_backup(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The automatic backup moved off the start (ARCHITECTURE.md, "What keeps the start fast"):
    # Service.open no longer takes it; the command line takes it after a command that wrote,
    # once its output is out; reading commands never pay for it.
    _filled(db_path, "Keep me").close()
    assert bk.list_backups(str(db_path)) == []
    Service.open(str(db_path), now=NOW).close()
    assert bk.list_backups(str(db_path)) == []  # opening alone backs up nothing
    assert main(["--db", str(db_path), "list"]) == 0
    assert bk.list_backups(str(db_path)) == []  # a read: no backup
    capsys.readouterr()
    assert main(["--db", str(db_path), "add", "Second"]) == 0
    assert capsys.readouterr().out.strip().isdigit()
    backups = bk.list_backups(str(db_path))
    assert len(backups) == 1 and backups[0].reason == "auto"
    assert _titles(backups[0].path) == ["Keep me", "Second"]
    assert main(["--db", str(db_path), "add", "Third"]) == 0
    assert len(bk.list_backups(str(db_path))) == 1  # not due again
    assert main(["--db", str(db_path), "add", ""]) == 2  # bad input writes nothing, backs up nothing
    assert len(bk.list_backups(str(db_path))) == 1


def test_the_window_backs_up_after_its_first_paint(qtbot: object, db_path: Path) -> None:
    from prioritizer.ui.dialogs.recovery import DataSafety
    from PySide6.QtWidgets import QMainWindow

    _filled(db_path, "Keep me").close()
    window = QMainWindow()
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    safety = DataSafety(window, str(db_path))
    assert bk.list_backups(str(db_path)) == []  # nothing before the first paint
    with qtbot.waitSignal(safety.finished, timeout=10_000):  # type: ignore[attr-defined]
        safety.check_soon()  # what run_app calls once the matrix has painted
    backups = bk.list_backups(str(db_path))
    assert len(backups) == 1 and backups[0].reason == "auto"
    assert "Automatic backup" in window.statusBar().currentMessage()
    safety.stop()


def test_thinning_keeps_a_day_of_everything_then_dailies_then_weeklies_and_pre_migration(db_path: Path) -> None:
    _filled(db_path, "x").close()
    loc = str(db_path)
    start = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)  # a Tuesday
    # Two backups a day for 45 days, without thinning, plus one pre-migration one.
    for day in range(45):
        for hour in (0, 12):
            bk.backup_now(loc, "auto", start + timedelta(days=day, hours=hour), rotate_after=False)
    pre = bk.backup_now(loc, "pre-migration-v1", start + timedelta(days=1), rotate_after=False)
    now = start + timedelta(days=45)
    newest = bk.backup_now(loc, "manual", now)  # thins the others out
    kept = bk.list_backups(loc)
    assert pre in {b.path for b in kept} and kept[0].path == newest
    regular = [b for b in kept if not b.reason.startswith("pre-migration")]
    last_day = [b for b in regular if now - b.taken_at < timedelta(days=1)]
    assert [b.taken_at for b in last_day] == [now, now - timedelta(hours=12)]  # everything of the last day
    month = [b for b in regular if timedelta(days=1) <= now - b.taken_at < timedelta(days=30)]
    # One a day, the newest of it (the 12:00 one; the other is at 00:00 UTC), for each day one to thirty days old.
    assert [b.taken_at for b in month] == [start + timedelta(days=d) for d in range(44, 15, -1)]
    older = [b for b in regular if now - b.taken_at >= timedelta(days=30)]
    weeks = [b.taken_at.isocalendar()[:2] for b in older]
    assert len(weeks) == len(set(weeks)) == 3  # one a week (ISO weeks 36, 37 and 38 of 2026)
    assert [b.taken_at for b in older] == [start + timedelta(days=15), start + timedelta(days=12), start + timedelta(days=5)]
    for b in kept:
        assert bk.verify_backup(b.path) == SCHEMA_VERSION


def test_a_backup_that_fails_verification_rotates_nothing_out(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _filled(db_path, "x").close()
    loc = str(db_path)
    start = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    for day in range(30):
        bk.backup_now(loc, "auto", start + timedelta(days=day), rotate_after=False)
    before = {b.path for b in bk.list_backups(loc)}

    def broken(path: Path) -> int:
        raise bk.BackupError("simulated: the copy does not verify")

    monkeypatch.setattr(bk, "verify_backup", broken)
    with pytest.raises(bk.BackupError, match="does not verify"):
        bk.backup_now(loc, "auto", start + timedelta(days=40))
    assert {b.path for b in bk.list_backups(loc)} == before  # nothing rotated, bad copy removed


def test_restore_keeps_the_current_file_aside(db_path: Path) -> None:
    svc = _filled(db_path, "Before")
    good = bk.backup_now(str(db_path))
    svc.add(ItemDraft(title="Oops"))
    svc.close()
    result = bk.restore(str(db_path), good)
    assert result.kept_aside is not None and ".before-restore-" in result.kept_aside.name
    assert _titles(result.kept_aside) == ["Before", "Oops"]
    assert stat.S_IMODE(result.kept_aside.stat().st_mode) == 0o600
    svc = Service.open(str(db_path), now=NOW)
    assert [v.title for v in svc.list_items()] == ["Before"]
    svc.close()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    _filled(db_path, "Precious").close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = db_path.read_bytes()
    with pytest.raises(bk.BackupError):
        bk.restore(str(db_path), bad)
    assert db_path.read_bytes() == before
    assert main(["--db", str(db_path), "restore", str(bad)]) == 2  # a file that is no good backup is bad input


def test_backup_and_restore_commands(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(db_path)
    assert main(["--db", db, "add", "First"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "backup"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.is_file() and _titles(path) == ["First"]
    assert main(["--db", db, "backup", "--list"]) == 0
    listing = capsys.readouterr().out
    assert str(path) in listing and "manual" in listing and str(path.parent) in listing
    assert main(["--db", db, "add", "Second"]) == 0
    assert main(["--db", db, "restore", "--latest"]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "kept at" in out
    assert _titles(db_path) == ["First"]
    assert main(["--db", db, "restore", str(path)]) == 0
    assert main(["--db", db, "restore"]) == 2
    assert main(["--db", db, "restore", "/no/such/backup.sqlite3"]) == 2
    err = capsys.readouterr().err
    assert "name a backup FILE or use --latest" in err and "no backup file" in err


def test_restore_latest_without_backups_is_a_clear_error(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Service.open(str(db_path)).close()  # a database, never backed up
    assert main(["--db", str(db_path), "restore", "--latest"]) == 2
    assert "no good backup" in capsys.readouterr().err


def test_backup_when_the_disk_is_full_keeps_older_backups(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = _filled(db_path, "x")
    first = bk.backup_now(str(db_path))

    def full(source: Path, target: Path) -> None:
        target.write_bytes(b"half")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(bk, "_copy", full)
    with pytest.raises(bk.BackupError, match="the disk is full"):
        bk.backup_now(str(db_path), now=datetime.now(UTC) + timedelta(days=3))
    assert [b.path for b in bk.list_backups(str(db_path))] == [first]
    assert not list(first.parent.glob(".partial-*"))
    svc.close()


def test_window_menu_entry_backs_up_now(qtbot: object, db_path: Path) -> None:
    from prioritizer.ui.actions import ActionId
    from prioritizer.ui.dialogs.recovery import DataSafety
    from prioritizer.ui.main_window import MainWindow

    svc = _filled(db_path, "From the window")
    window = MainWindow(svc)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts == ["&Quick add", "New item with &details…", "", "Back up &now", "Show &backups…", "", "&Quit"]
    back_up = window.actions[ActionId.BACK_UP]
    assert not back_up.isEnabled()  # until the window has its data safety (the database open)
    safety = DataSafety(window, str(db_path))
    window.use_data_safety(safety)
    assert back_up.isEnabled() and window.actions[ActionId.SHOW_BACKUPS].isEnabled()
    back_up.trigger()
    (made,) = bk.list_backups(str(db_path))
    assert made.reason == "manual" and _titles(made.path) == ["From the window"]
    assert "Backed up and verified" in window.statusBar().currentMessage()
    assert safety.timer.isActive()
    safety.stop()
    svc.close()


def test_restore_of_a_file_that_is_no_backup_is_bad_input(tmp_path, capsys):  # type: ignore[no-untyped-def]
    from prioritizer.cli import main

    db = tmp_path / "r.sqlite3"
    assert main(["--db", str(db), "add", "keep me"]) == 0
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    capsys.readouterr()
    assert main(["--db", str(db), "restore", str(junk)]) == 2
    assert "not a database" in capsys.readouterr().err
    assert main(["--db", str(db), "list", "--json"]) == 0
    assert "keep me" in capsys.readouterr().out


# ------------------------------------------------------------------ a damaged file is never a backup

def test_backup_of_a_file_truncated_by_one_byte_is_refused_and_changes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _filled(db_path, *(f"Item {n}" for n in range(30))).close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[:-1])  # no connection is open to it
    before = db_path.read_bytes()
    capsys.readouterr()
    assert main(["--db", str(db_path), "backup"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "truncated" in err and "prioritizer restore --latest" in err and "Traceback" not in err
    assert bk.list_backups(str(db_path)) == []
    assert not list(bk.backup_dir(str(db_path)).glob(".partial-*"))
    assert db_path.read_bytes() == before
    assert bk.maybe_backup_quietly(str(db_path), changed=True) is None  # nor automatically


def test_backup_of_a_database_with_a_table_missing_is_refused(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _filled(db_path, "Alpha").close()
    good = bk.backup_now(str(db_path), now=datetime.now(UTC) - timedelta(days=1))
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TABLE time_entries")  # quick_check finds nothing wrong with that
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["--db", str(db_path), "backup"]) == 1
    err = capsys.readouterr().err
    assert "incomplete (no table time_entries)" in err and "prioritizer restore --latest" in err and err.count("\n") == 1
    assert [b.path for b in bk.list_backups(str(db_path))] == [good]
    info = bk.newest_good_backup(str(db_path))
    assert info is not None and info.path == good


def test_a_truncated_or_incomplete_file_in_the_backups_is_never_the_newest_good_backup(db_path: Path) -> None:
    _filled(db_path, "Alpha").close()
    good = bk.backup_now(str(db_path), now=datetime.now(UTC) - timedelta(days=2))
    truncated = bk.backup_now(str(db_path), now=datetime.now(UTC) - timedelta(days=1))
    truncated.write_bytes(truncated.read_bytes()[:-1])
    incomplete = bk.backup_now(str(db_path))
    conn = sqlite3.connect(incomplete)
    conn.execute("DROP TABLE incidents")
    conn.commit()
    conn.close()
    with pytest.raises(bk.BackupError, match="truncated"):
        bk.verify_backup(truncated)
    with pytest.raises(bk.BackupError, match="incomplete"):
        bk.verify_backup(incomplete)
    info = bk.newest_good_backup(str(db_path))
    assert info is not None and info.path == good
    assert main(["--db", str(db_path), "restore", "--latest"]) == 0
    assert _titles(db_path) == ["Alpha"]


def _database_with_a_wal_left_behind(db_path: Path) -> None:
    """A database whose last commits are only in its -wal, as a killed writer leaves it."""
    _filled(db_path, "In the file").close()
    code = (
        "import sqlite3, os, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute(\"UPDATE items SET title = 'Only in the WAL'\")\n"
        "os._exit(0)\n"  # no close: no checkpoint, the -wal stays with the commit in it
    )
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True)
    assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0


def test_backup_reads_the_database_without_changing_a_byte_of_it_or_its_wal(db_path: Path) -> None:
    _database_with_a_wal_left_behind(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    main_bytes, wal_bytes = db_path.read_bytes(), wal.read_bytes()
    first = bk.maybe_backup(str(db_path))  # _has_user_data, then the backup
    assert first is not None and _titles(first) == ["Only in the WAL"]
    second = bk.backup_now(str(db_path), now=datetime.now(UTC) + timedelta(hours=1))
    assert bk.maybe_backup(str(db_path), now=datetime.now(UTC) + timedelta(hours=2)) is None  # fingerprints: unchanged
    assert _titles(second) == ["Only in the WAL"]
    # Read-only throughout: nothing checkpointed the WAL into the file or deleted it.
    assert db_path.read_bytes() == main_bytes and wal.read_bytes() == wal_bytes


# ------------------------------------------------------------------ restore, in place
def test_restore_is_seen_by_a_connection_that_stays_open(db_path: Path) -> None:
    svc = _filled(db_path, "Before")
    good = bk.backup_now(str(db_path))
    svc.add(ItemDraft(title="Oops"))
    inode = db_path.stat().st_ino
    result = bk.restore(str(db_path), good)  # the service keeps its connection throughout
    assert [v.title for v in svc.list_items()] == ["Before"]
    svc.add(ItemDraft(title="Written after the restore"))
    svc.close()
    assert db_path.stat().st_ino == inode  # the same file: written into, never replaced
    assert _titles(db_path) == ["Before", "Written after the restore"]
    assert result.kept_aside is not None and _titles(result.kept_aside) == ["Before", "Oops"]


def test_restore_where_the_database_is_gone_puts_the_backup_there(db_path: Path) -> None:
    _filled(db_path, "Before").close()
    good = bk.backup_now(str(db_path))
    db_path.unlink()
    result = bk.restore(str(db_path), good)
    assert result.kept_aside is None and _titles(db_path) == ["Before"]
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_restore_of_a_damaged_file_keeps_it_and_its_wal_byte_for_byte(db_path: Path) -> None:
    _filled(db_path, *(f"Item {n}" for n in range(40))).close()
    good = bk.backup_now(str(db_path))
    _database_with_a_wal_left_behind(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    with db_path.open("r+b") as fh:  # no connection is open to it
        fh.seek(4096 * 2)
        fh.write(b"\xff" * 4096)
    main_bytes, wal_bytes = db_path.read_bytes(), wal.read_bytes()
    result = bk.restore(str(db_path), good)
    assert result.kept_aside is not None and ".damaged-" in result.kept_aside.name
    assert result.kept_aside.read_bytes() == main_bytes
    assert result.kept_aside.with_name(result.kept_aside.name + "-wal").read_bytes() == wal_bytes
    assert _titles(db_path) == [f"Item {n}" for n in range(40)]


def test_backup_of_a_file_truncated_by_one_byte_beside_its_wal_is_refused(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _database_with_a_wal_left_behind(db_path)
    db_path.write_bytes(db_path.read_bytes()[:-1])  # no connection is open to it
    wal = db_path.with_name(db_path.name + "-wal")
    main_bytes, wal_bytes = db_path.read_bytes(), wal.read_bytes()
    capsys.readouterr()
    assert main(["--db", str(db_path), "backup"]) == 1
    err = capsys.readouterr().err
    assert "truncated" in err and "prioritizer restore --latest" in err and err.count("\n") == 1
    assert bk.list_backups(str(db_path)) == []
    assert db_path.read_bytes() == main_bytes and wal.read_bytes() == wal_bytes


def test_backup_beside_a_wal_of_another_database_keeps_both_files_byte_for_byte(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess
    import sys

    _filled(db_path, *(f"Item {n}" for n in range(57))).close()
    other = tmp_path / "other.sqlite3"
    code = (
        "import sqlite3, os, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA journal_mode=WAL')\n"
        "c.execute('CREATE TABLE notes (body TEXT)')\n"
        "c.execute(\"INSERT INTO notes VALUES ('another program')\")\n"
        "os._exit(0)\n"  # its -wal stays, with its commits in it
    )
    subprocess.run([sys.executable, "-c", code, str(other)], check=True)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(other.with_name(other.name + "-wal").read_bytes())  # no connection is open to either
    main_bytes, wal_bytes = db_path.read_bytes(), wal.read_bytes()
    capsys.readouterr()
    assert main(["--db", str(db_path), "backup"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "prioritizer restore --latest" in err and "Traceback" not in err
    assert bk.list_backups(str(db_path)) == []
    assert db_path.read_bytes() == main_bytes and wal.read_bytes() == wal_bytes  # nothing merged, nothing deleted
