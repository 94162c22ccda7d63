"""What an import refuses to read, how a big one is written, and a writer that meets a busy database.

Issue 16, sections 6 and 7: importing a FIFO hung and a symlink to ``/dev/zero`` was read
until memory ran out; a 100,000-row CSV held the write lock for minutes, and the writers
beside it failed with a raw ``database is locked``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from prioritizer.domain.values import DatabaseBusyError, Importance, InputError, Kind
from prioritizer.io.importers import MAX_FILE_BYTES, import_csv, read_import_file
from prioritizer.services.service import ImportRecord, ItemDraft, Service
from prioritizer.storage.schema import Item, TriageLog
from tests.conftest import NOW

NOW_OPTION = NOW.isoformat()
DAY = timedelta(days=1)
# A generous bound for a command that must come back by itself; reached only when it hangs.
HANG = 60


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process (a hang fails the test instead of freezing the run)."""
    command = [sys.executable, "-m", "prioritizer", "--db", str(db), "--now", NOW_OPTION, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=HANG, check=False)


def _one_line_error(done: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("prioritizer: error: ") and len(done.stderr.strip().splitlines()) == 1
    assert needle in done.stderr
    assert "Errno" not in done.stderr and "Traceback" not in done.stderr


# -------------------------------------------------------------- what is read
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_at_once(tmp_path: Path, db_path: Path) -> None:
    fifo = tmp_path / "calendar.ics"
    os.mkfifo(fifo, 0o600)
    _one_line_error(_cli(db_path, "import", str(fifo)), 2, "it is a pipe (FIFO), not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("name", ["endless.csv", "endless.ics"])
def test_a_symlink_to_dev_zero_is_refused_without_reading_it(tmp_path: Path, db_path: Path, name: str) -> None:
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    _one_line_error(_cli(db_path, "import", str(link)), 2, "it is a device, not a regular file")


def test_a_folder_and_a_missing_file_are_named(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "items.csv"
    folder.mkdir()
    _one_line_error(_cli(db_path, "import", str(folder)), 2, f"{folder} is a folder, not a file")
    missing = tmp_path / "gone.csv"
    _one_line_error(_cli(db_path, "import", str(missing)), 2, f"no such file: {missing}")


def test_a_file_over_the_limit_is_refused_and_nothing_is_written(tmp_path: Path, db_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as file:  # sparse: the size says too big without writing 20 MB
        file.write(b"title\nfirst\n")
        file.truncate(MAX_FILE_BYTES + 1)
    _one_line_error(_cli(db_path, "import", str(big)), 2, "big.csv is larger than 20 MB, the limit for an import")
    assert _cli(db_path, "add", "after").returncode == 0  # the database is usable and held nothing from it


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_the_bytes_read_are_capped_even_when_the_size_says_zero() -> None:
    status = Path("/proc/self/status")  # a regular file whose st_size is 0 but which holds ~1 KB
    assert status.stat().st_size == 0
    assert b"Name:" in read_import_file(status)
    with pytest.raises(InputError, match=r"^status is larger than 100 bytes, the limit for an import$"):
        read_import_file(status, limit=100)


# ------------------------------------------------------------ a big import
def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("title,kind,importance,due,severity,start,end\n" + "\n".join(rows) + "\n")
    return path


def test_a_bad_row_deep_in_a_big_file_refuses_the_whole_file(service: Service, tmp_path: Path) -> None:
    rows = [f"Task {n},task,normal,2026-12-0{1 + n % 9},,," for n in range(3000)]
    rows[2498] = "Broken,task,urgent-ish,,,,"  # line 2500 of the file (the header is line 1)
    with pytest.raises(InputError, match=r"^big.csv line 2500: importance is 'urgent-ish'"):
        import_csv(service, _csv(tmp_path / "big.csv", rows))
    with service.unit() as session:
        assert session.scalar(select(func.count(Item.id))) == 0
        assert session.scalar(select(func.count(TriageLog.id))) == 0


def test_imported_items_are_placed_and_logged_as_added_ones(service: Service, tmp_path: Path) -> None:
    drafts = [
        ItemDraft("Renew contract", importance=Importance.HIGH, due=NOW + timedelta(hours=20)),
        ItemDraft("ACME down", kind=Kind.ESCALATION, severity=1),
        ItemDraft("Budget", importance=Importance.CRITICAL, due=NOW + timedelta(days=25)),
        ItemDraft("Tidy", importance=Importance.LOW),
        ItemDraft("1:1 Dana", kind=Kind.MEETING, importance=Importance.HIGH, start=NOW + 3 * DAY, end=NOW + 3 * DAY + timedelta(hours=1)),
        ItemDraft("Refunds", importance=Importance.LOW, due=NOW + timedelta(hours=2)),
        ItemDraft("Short notice", kind=Kind.MEETING, start=NOW + timedelta(hours=2), end=NOW + timedelta(hours=3)),
    ]
    planned = NOW - timedelta(days=10)  # a calendar's CREATED: the short-notice rule reads it
    outcome = service.import_items([ImportRecord(d, created_at=planned if d.title == "Short notice" else None) for d in drafts]).value
    other = Service.open(str(tmp_path / "added.sqlite3"), now=NOW)
    try:
        for draft in drafts:
            other.add(draft, created_at=planned if draft.title == "Short notice" else None)
        added = {v.title: v.placement for v in other.list_items()}
    finally:
        other.close()
    imported = {v.title: v for v in service.list_items()}
    assert {t: v.placement for t, v in imported.items()} == added
    assert imported["Short notice"].quadrant.value == "eliminate"  # planned ten days ahead: not urgent by itself
    for item_id in outcome.added:
        view = service.get(item_id)
        assert [(e.at, e.from_quadrant, e.to_quadrant, e.actor.value, e.note) for e in service.history(item_id)] == [
            (NOW, None, view.quadrant, "rules", "imported")
        ]


def test_imported_ids_follow_the_file_and_the_next_add_takes_the_next_id(service: Service, tmp_path: Path) -> None:
    first = service.add(ItemDraft("Before")).value
    report = import_csv(service, _csv(tmp_path / "items.csv", [f"Row {n},task,,,,," for n in range(5)]))
    assert list(report.item_ids) == list(range(first + 1, first + 6))
    assert [service.get(i).title for i in report.item_ids] == [f"Row {n}" for n in range(5)]
    assert service.add(ItemDraft("After")).value == first + 6


def test_a_uid_twice_in_one_import_makes_one_item_with_the_last_fields(service: Service) -> None:
    start = NOW + timedelta(days=2)
    records = [
        ImportRecord(ItemDraft("Draft title", kind=Kind.MEETING, start=start, end=start + timedelta(minutes=30)), uid="u1"),
        ImportRecord(ItemDraft("Other", kind=Kind.MEETING, start=start, end=start + timedelta(minutes=15)), uid="u2"),
        ImportRecord(ItemDraft("Final title", kind=Kind.MEETING, start=start, end=start + timedelta(hours=1)), uid="u1"),
    ]
    outcome = service.import_items(records).value
    assert len(outcome.added) == 2 and outcome.updated == ()
    final = service.get(outcome.added[0])
    assert (final.title, final.end) == ("Final title", start + timedelta(hours=1))
    again = service.import_items(records[2:]).value
    assert (again.added, again.updated, again.unchanged) == ((), (), (final.id,))


# ------------------------------------------------------------ a busy database
HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.read()  # until the test closes our stdin
conn.rollback()
"""


def test_a_writer_that_meets_the_write_lock_gets_one_clear_line_and_readers_go_on(db_path: Path, service: Service) -> None:
    service.add(ItemDraft("Existing"))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        done = _cli(db_path, "add", "Blocked")  # waits out the busy timeout (5 s), then gives up
        _one_line_error(done, 1, "another program is writing to the database (an import?); try again in a moment")
        with pytest.raises(DatabaseBusyError, match="try again in a moment"):
            service.add(ItemDraft("Blocked too"))
        # Reading needs no write lock: the commands that only read run beside the writer.
        for args in (["show", "1"], ["list", "--all"], ["balance"], ["review"], ["export", "--csv", str(db_path.parent / "out.csv")]):
            reading = _cli(db_path, *args)
            assert (reading.returncode, reading.stderr) == (0, ""), args
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=HANG)
    assert [v.title for v in service.list_items()] == ["Existing"]
    assert _cli(db_path, "add", "Now it works").returncode == 0
