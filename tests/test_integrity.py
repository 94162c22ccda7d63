"""Damaged databases are detected at start, kept aside untouched and recovered from a backup on request.

Also: a full disk rolls the operation back with a plain message and loses nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, text

from prioritizer.cli import main
from prioritizer.safety import backup as bk
from prioritizer.safety.damage import DatabaseDamagedError
from prioritizer.safety.health import Problem, check_database
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.engine import StorageError
from tests.conftest import NOW


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _truncate(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb+") as fh:
        fh.truncate(size // 2)


def _garbage_in_a_page(path: Path) -> None:
    page = 4096
    with open(path, "rb+") as fh:
        fh.seek(page * 2)  # page 3: a b-tree page of the schema
        fh.write(os.urandom(page))


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _not_a_database(path: Path) -> None:
    path.write_text("id,title\n1,this is a CSV export someone saved over the database\n", encoding="utf-8")


def _garbage_header(path: Path) -> None:
    with open(path, "rb+") as fh:
        fh.seek(16)
        fh.write(b"\xff" * 84)


DAMAGE: dict[str, tuple[Callable[[Path], None], set[Problem], str]] = {
    "truncated": (_truncate, {Problem.TRUNCATED}, "truncated"),
    "garbage-in-a-page": (_garbage_in_a_page, {Problem.DAMAGED}, "damaged"),
    "zero-bytes": (_zero_bytes, {Problem.ZERO_BYTES}, "empty (0 bytes)"),
    "not-a-database": (_not_a_database, {Problem.NOT_A_DATABASE}, "not a database"),
    "garbage-header": (_garbage_header, {Problem.DAMAGED, Problem.NOT_A_DATABASE}, ""),
}


def _make_database_with_backup(db_path: Path, items: int = 60) -> Path:
    svc = Service.open(str(db_path), now=NOW)
    for n in range(items):
        svc.add(ItemDraft(title=f"Item {n}", notes="notes " * 50))
    svc.start_timer(1)
    backup = bk.backup_now(str(db_path), "manual")
    svc.add(ItemDraft(title="After the backup"))
    svc.close()  # last connection: the WAL is checkpointed into the file
    assert not db_path.with_name(db_path.name + "-wal").exists()
    return backup


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damage_is_detected_kept_aside_and_recovered(kind: str, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damage, problems, words = DAMAGE[kind]
    backup = _make_database_with_backup(db_path)
    assert check_database(db_path).ok
    damage(db_path)
    damaged = _digest(db_path)

    health = check_database(db_path)
    assert health.problem in problems, health
    with pytest.raises(DatabaseDamagedError) as caught:
        Service.open(str(db_path), now=NOW)
    message = str(caught.value)
    assert words in message and str(backup) in message and "prioritizer restore --latest" in message
    assert caught.value.backup is not None and caught.value.backup.path == backup

    # The command line: one line, exit 1, the hint; the file is not touched.
    assert main(["--db", str(db_path), "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "restore --latest" in err and "Traceback" not in err
    assert _digest(db_path) == damaged

    # Restore on request: the damaged bytes are kept aside, the backup's data is back.
    assert main(["--db", str(db_path), "restore", "--latest"]) == 0
    asides = list(db_path.parent.glob(db_path.name + ".damaged-*"))
    assert len(asides) == 1 and _digest(asides[0]) == damaged
    svc = Service.open(str(db_path), now=NOW)
    titles = [v.title for v in svc.list_items()]
    assert len(titles) == 60 and "After the backup" not in titles
    running = svc.running()
    assert running is not None and running.item_id == 1  # the timer's exact start came back with it
    svc.close()


def test_damaged_database_without_backup_says_so_and_is_untouched(db_path: Path) -> None:
    svc = Service.open(str(db_path), now=NOW)
    svc.add(ItemDraft(title="x"))
    svc.close()
    _truncate(db_path)
    before = _digest(db_path)
    with pytest.raises(DatabaseDamagedError, match="no good backup"):
        Service.open(str(db_path), now=NOW)
    assert _digest(db_path) == before
    assert not list(db_path.parent.glob("*.damaged-*"))


def test_a_damaged_newest_backup_is_skipped_for_an_older_good_one(db_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    good = _make_database_with_backup(db_path, items=3)
    newer = bk.backup_now(str(db_path), "manual", datetime.now(UTC) + timedelta(hours=1))
    _garbage_in_a_page(newer)
    assert bk.newest_good_backup(str(db_path)) is not None
    assert bk.newest_good_backup(str(db_path)).path == good  # type: ignore[union-attr]


def test_a_killed_first_start_never_leaves_a_zero_byte_database(db_path: Path) -> None:
    """The file is created whole (valid header) and linked into place: no 0-byte window."""
    from prioritizer.storage.engine import make_engine

    make_engine(str(db_path)).dispose()
    assert db_path.stat().st_size > 0 and check_database(db_path).ok
    assert not list(db_path.parent.glob(".*creating*"))


# ---------------------------------------------------------------- disk full
def _limit_pages(svc: Service) -> None:
    """Every new connection may not grow the file: the disk is 'full'."""
    svc.engine.dispose()

    @event.listens_for(svc.engine, "connect")
    def _full(dbapi_conn: object, _record: object) -> None:
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count={pages}")
        cur.close()


def test_disk_full_rolls_back_says_so_and_loses_nothing(db_path: Path) -> None:
    svc = Service.open(str(db_path), now=NOW)
    for n in range(5):
        svc.add(ItemDraft(title=f"Saved {n}"))
    svc.start_timer(2)
    before = [(v.id, v.title, v.status) for v in svc.list_items()]
    with svc.engine.connect() as conn:
        logs_before = conn.execute(text("SELECT count(*) FROM triage_log")).scalar()
    _limit_pages(svc)
    with pytest.raises(StorageError, match="the disk is full: nothing was saved"):
        svc.add(ItemDraft(title="Too big", notes="x" * 200_000))
    with pytest.raises(StorageError, match="disk is full"):
        svc.edit(1, ItemDraft(title="Saved 0", notes="y" * 200_000))
    # Nothing half-done, nothing earlier lost; the running timer kept its start.
    assert [(v.id, v.title, v.status) for v in svc.list_items()] == before
    with svc.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM triage_log")).scalar() == logs_before
        assert conn.execute(text("SELECT count(*) FROM items WHERE title = 'Too big'")).scalar() == 0
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    running = svc.running()
    assert running is not None and running.item_id == 2 and running.start == NOW
    svc.close()
    # Space again: everything works and nothing was lost.
    svc = Service.open(str(db_path), now=NOW)
    svc.add(ItemDraft(title="Too big", notes="x" * 200_000))
    assert len(svc.list_items()) == 6
    svc.close()


def test_disk_full_on_the_command_line_is_one_plain_line(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "add", "Saved"]) == 0
    real_open = Service.open.__func__  # type: ignore[attr-defined]

    def full_open(cls: type[Service], *args: object, **kwargs: object) -> Service:
        svc = real_open(cls, *args, **kwargs)
        _limit_pages(svc)
        return svc

    monkeypatch.setattr(Service, "open", classmethod(full_open))
    assert main(["--db", str(db_path), "add", "x" * 900, "--notes", "n" * 300_000]) == 1
    err = capsys.readouterr().err
    assert err == "prioritizer: error: the disk is full: nothing was saved; free some space and try again\n"
    monkeypatch.undo()
    svc = Service.open(str(db_path), now=NOW)
    assert [v.title for v in svc.list_items()] == ["Saved"]
    svc.close()


# ------------------------------------------------------------ the window's dialog
def test_recovery_dialog_offers_the_newest_good_backup(qtbot: object, db_path: Path) -> None:
    from prioritizer.ui.dialogs.recovery import Choice, build_dialog

    backup = _make_database_with_backup(db_path, items=2)
    _truncate(db_path)
    with pytest.raises(DatabaseDamagedError) as caught:
        Service.open(str(db_path), now=NOW)
    box, buttons = build_dialog(caught.value)
    assert "truncated" in box.text()
    assert set(buttons) == {Choice.RESTORE, Choice.QUIT}
    assert "Restore the backup from" in buttons[Choice.RESTORE].text()
    assert str(backup) in box.detailedText()


def test_window_restores_only_when_asked(qtbot: object, db_path: Path) -> None:
    from prioritizer.ui.dialogs.recovery import Choice, open_or_recover

    _make_database_with_backup(db_path, items=2)
    _garbage_in_a_page(db_path)
    damaged = _digest(db_path)
    svc, note = open_or_recover(str(db_path), NOW, choose=lambda err: Choice.QUIT, tell=lambda *_: None)
    assert svc is None and _digest(db_path) == damaged and not list(db_path.parent.glob("*.damaged-*"))
    svc, note = open_or_recover(str(db_path), NOW, choose=lambda err: Choice.RESTORE, tell=lambda *_: None)
    assert svc is not None and "Restored the backup" in note
    assert [v.title for v in svc.list_items()] == ["Item 0", "Item 1"]
    svc.close()
    (aside,) = db_path.parent.glob(db_path.name + ".damaged-*")
    assert _digest(aside) == damaged


def test_window_without_backup_can_start_empty_keeping_the_file(qtbot: object, db_path: Path) -> None:
    from prioritizer.ui.dialogs.recovery import Choice, build_dialog, open_or_recover

    _not_a_database(db_path)
    original = _digest(db_path)
    with pytest.raises(DatabaseDamagedError) as caught:
        Service.open(str(db_path), now=NOW)
    _, buttons = build_dialog(caught.value)
    assert set(buttons) == {Choice.START_EMPTY, Choice.QUIT}
    svc, note = open_or_recover(str(db_path), NOW, choose=lambda err: Choice.START_EMPTY, tell=lambda *_: None)
    assert svc is not None and svc.list_items() == []
    svc.close()
    (aside,) = db_path.parent.glob(db_path.name + ".damaged-*")
    assert _digest(aside) == original and str(aside) in note


def test_window_start_on_a_damaged_database_offers_the_restore(qtbot: object, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prioritizer.ui.app import application, run_app
    from prioritizer.ui.dialogs import recovery
    from PySide6.QtWidgets import QApplication

    _make_database_with_backup(db_path, items=2)
    _zero_bytes(db_path)
    asked: list[DatabaseDamagedError] = []

    def choose(err: DatabaseDamagedError, parent: object = None) -> recovery.Choice:
        asked.append(err)
        return recovery.Choice.RESTORE

    monkeypatch.setattr(recovery, "ask", choose)
    app = application()

    def fake_exec() -> int:
        for widget in QApplication.topLevelWidgets():
            widget.close()
        return 0

    monkeypatch.setattr(app, "exec", fake_exec)
    assert run_app(str(db_path), NOW) == 0
    assert len(asked) == 1 and "empty (0 bytes)" in str(asked[0])
    svc = Service.open(str(db_path), now=NOW)
    assert [v.title for v in svc.list_items()] == ["Item 0", "Item 1"]
    svc.close()
    (aside,) = db_path.parent.glob(db_path.name + ".damaged-*")
    assert aside.stat().st_size == 0


def test_a_storage_error_in_the_window_is_a_dialog_not_a_traceback(qtbot: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from prioritizer.ui import crash
    from prioritizer.ui.dialogs import storage_errors

    shown: list[str] = []
    passed_on: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: passed_on.append(value))
    monkeypatch.setattr(storage_errors, "_tell", lambda parent, title, text: shown.append(text))
    hook = crash.install()
    error = StorageError("the disk is full: nothing was saved; free some space and try again")
    try:
        sys.excepthook(StorageError, error, None)
        sys.excepthook(ValueError, ValueError("other"), None)  # any other error: the crash dialog (ui/crash.py)
    finally:
        hook.uninstall()
    assert shown == ["the disk is full: nothing was saved; free some space and try again."]
    assert passed_on == [] and hook.dialog is not None and "ValueError: other" in hook.dialog.summary.text()
    hook.dialog.close()
