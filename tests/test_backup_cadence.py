"""When backups are made (every 15 minutes while the data changes, an incident's end, the window's close) and how they thin out."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prioritizer.cli import main
from prioritizer.safety import backup as bk
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.location import sqlite_uri
from tests.conftest import NOW


# ------------------------------------------------------------------ thinning over years
def _info(at: datetime, reason: str = "auto") -> bk.BackupInfo:
    return bk.BackupInfo(Path(f"/backups/db-{at:%Y%m%dT%H%M%SZ}-{reason}.sqlite3"), at, reason, 1)


def test_five_years_of_backups_every_15_minutes_thin_out_to_a_day_a_month_and_four_years_of_weeks() -> None:
    start = datetime(2021, 11, 20, 8, 0, tzinfo=UTC)
    end = start + timedelta(days=5 * 365)
    pre = _info(start + timedelta(days=3), "pre-migration-v1")
    kept: list[bk.BackupInfo] = [pre]
    taken: list[datetime] = []
    moment = start
    while moment <= end:
        kept.append(_info(moment))
        taken.append(moment)
        if moment.hour == 0 and moment.minute == 0 and moment.weekday() == 0:  # thinning runs after every backup; weekly is the same
            keep = bk.keep_set(kept, moment)
            kept = [b for b in kept if b.path in keep]
        moment += timedelta(minutes=15)
    newest = taken[-1]
    keep = bk.keep_set(kept, newest)
    kept = sorted((b for b in kept if b.path in keep), key=lambda b: b.taken_at, reverse=True)
    regular = [b for b in kept if b.reason == "auto"]
    assert pre in kept  # the way back from an upgrade, even five years on
    assert regular[0].taken_at == newest
    last_day = [b for b in regular if newest - b.taken_at < timedelta(days=1)]
    assert len(last_day) == 96  # every one of the last 24 hours
    month = [b for b in regular if timedelta(days=1) <= newest - b.taken_at < timedelta(days=30)]
    days: dict[date, datetime] = {}
    for t in taken:
        if newest - t >= timedelta(days=1):  # the rest of the youngest day is among the last day's
            days[t.date()] = max(days.get(t.date(), t), t)
    assert len({b.taken_at.date() for b in month}) == len(month) >= 29  # one a day
    assert all(b.taken_at == days[b.taken_at.date()] for b in month)  # the newest of its day
    older = [b for b in regular if newest - b.taken_at >= timedelta(days=30)]
    weeks = [b.taken_at.isocalendar()[:2] for b in older]
    assert len(set(weeks)) == len(weeks)  # one a week
    assert 200 <= len(older) <= 209 and all(newest - b.taken_at < timedelta(weeks=208) for b in older)
    # The steady state the README quotes: at most a day of 96, 30 dailies, 208 weeklies (and pre-migration ones).
    assert len(regular) <= 96 + 30 + 209


def test_the_newest_backup_is_kept_however_old() -> None:
    ancient = _info(datetime(2010, 1, 1, tzinfo=UTC))
    assert bk.keep_set([ancient], datetime(2026, 1, 1, tzinfo=UTC)) == {ancient.path}


# ------------------------------------------------------------------ the command line: 15 minutes
def _age(backup: Path, minutes: int) -> Path:
    """Make a backup look ``minutes`` older (its time is in its name)."""
    info = next(b for b in bk.list_backups(str(backup.parent.parent / backup.parent.name.removesuffix(".backups"))) if b.path == backup)
    older = info.taken_at - timedelta(minutes=minutes)
    target = backup.with_name(backup.name.replace(info.taken_at.strftime("%Y%m%dT%H%M%SZ"), older.strftime("%Y%m%dT%H%M%SZ")))
    os.rename(backup, target)
    return target


def test_the_command_line_backs_up_after_a_write_at_most_every_15_minutes(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(db_path)
    assert main(["--db", db, "add", "First"]) == 0
    (first,) = bk.list_backups(db)
    assert main(["--db", db, "add", "Second"]) == 0
    assert len(bk.list_backups(db)) == 1  # a minute later: not yet
    _age(first.path, 13)
    assert main(["--db", db, "add", "Third"]) == 0
    assert len(bk.list_backups(db)) == 1  # 13 minutes later: not yet
    _age(bk.list_backups(db)[0].path, 3)
    assert main(["--db", db, "add", "Fourth"]) == 0
    backups = bk.list_backups(db)
    assert len(backups) == 2 and backups[0].reason == "auto"  # 16 minutes: the next one
    assert main(["--db", db, "list"]) == 0  # reading never backs up
    assert len(bk.list_backups(db)) == 2
    capsys.readouterr()


# ------------------------------------------------------------------ the window
@pytest.fixture
def safe_window(qtbot: Any, db_path: Path) -> Any:
    """A main window on the test database with its DataSafety, as run_app builds them after the first paint."""
    from prioritizer.ui.dialogs.recovery import DataSafety
    from prioritizer.ui.main_window import MainWindow

    service = Service.open(str(db_path), now=NOW)
    service.add(ItemDraft(title="Before the incident"))
    window = MainWindow(service)
    qtbot.addWidget(window)
    safety = DataSafety(window, str(db_path))
    yield window, safety, service
    safety.stop()
    service.close()


def test_the_window_looks_for_a_due_backup_every_minute(safe_window: Any) -> None:
    _window, safety, _service = safe_window
    assert safety.timer.isActive() and safety.timer.interval() <= 60_000  # a backup is never more than a minute late


def test_the_end_of_an_incident_backs_up_what_changed_however_recent_the_last_backup(qtbot: Any, safe_window: Any, db_path: Path) -> None:
    window, safety, service = safe_window
    first = bk.backup_now(str(db_path), "manual")
    window.toggle_incident(True)
    service.add(ItemDraft(title="Sev1 checkout down"))
    with qtbot.waitSignal(safety.finished, timeout=20_000):
        window.toggle_incident(False)
    backups = {b.reason: b.path for b in bk.list_backups(str(db_path))}
    assert backups.keys() == {"manual", "incident-end"} and backups["manual"] == first  # minutes after the last one
    assert ("Sev1 checkout down",) in _rows(backups["incident-end"])


def _rows(path: Path) -> list[tuple[str]]:
    import sqlite3

    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        return conn.execute("SELECT title FROM items ORDER BY id").fetchall()
    finally:
        conn.close()


def test_closing_the_window_backs_up_what_changed_and_only_then(safe_window: Any, db_path: Path) -> None:
    _window, safety, service = safe_window
    bk.backup_now(str(db_path), "manual")
    service.add(ItemDraft(title="Typed just before closing"))
    closed = safety.stop()  # what run_app calls once the window is closed
    assert closed is not None and "window-close" in closed.name
    assert ("Typed just before closing",) in _rows(closed)
    assert safety.stop() is None  # once


def test_closing_the_window_without_changes_makes_no_backup(qtbot: Any, db_path: Path) -> None:
    from prioritizer.ui.dialogs.recovery import DataSafety
    from PySide6.QtWidgets import QMainWindow

    Service.open(str(db_path), now=NOW).add(ItemDraft(title="Saved"))
    made = bk.backup_now(str(db_path), "manual")
    window = QMainWindow()
    qtbot.addWidget(window)
    safety = DataSafety(window, str(db_path))
    assert safety.stop() is None
    assert [b.path for b in bk.list_backups(str(db_path))] == [made]
