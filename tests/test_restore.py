"""Restore that cannot lose the data: real processes writing through it, kill -9 in the middle, a full disk.

Written as SQLite's own crash tests are (DESIGN.md, "Where parts meet"): the
writer and the restore are separate processes on one file, and what is checked
afterwards is what a user would see: ``integrity_check``, and every write that
was reported as saved, in the live file or in the copy the restore kept.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.safety import backup as bk
from prioritizer.safety.health import check_database
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.location import sqlite_uri
from tests.conftest import NOW

CHILD = Path(__file__).with_name("restore_child.py")
REPO = Path(__file__).resolve().parent.parent


def _titles(path: Path) -> list[str]:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM items ORDER BY id")]
    finally:
        conn.close()


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _filled(db_path: Path, *titles: str) -> None:
    svc = Service.open(str(db_path), now=NOW)
    for title in titles:
        svc.add(ItemDraft(title=title))
    svc.close()


def _child(*args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


class _Lines:
    """A child's stdout lines, read in a thread as they come."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            with self._lock:
                self.lines.append(raw.decode().rstrip("\n"))

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def wait_for(self, enough: int, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while sum(what in line for line in self.snapshot()) < enough:
            assert time.monotonic() < deadline, f"the child did not report {enough} × {what!r}: {self.snapshot()[-3:]}"
            time.sleep(0.01)

    def join(self) -> None:
        self._thread.join(10)


# ------------------------------------------------------------------ a writer through the restore
def test_a_writer_that_keeps_its_connection_through_a_restore_loses_no_reported_write(db_path: Path, tmp_path: Path) -> None:
    _filled(db_path, "Kept 1", "Kept 2")
    backup = bk.backup_now(str(db_path))
    _filled(db_path, "After the backup")
    stop = tmp_path / "stop"
    writer = _child("writer", str(db_path), str(stop))
    lines = _Lines(writer)
    try:
        lines.wait_for(30, '"committed"')  # the writer is well into its loop, its connection open
        started = time.monotonic()
        result = bk.restore(str(db_path), backup)
        returned = time.monotonic()
        reported_before_return = sum('"committed"' in line for line in lines.snapshot())
        lines.wait_for(reported_before_return + 30, '"committed"')  # it goes on writing after the restore
    finally:
        stop.touch()
        writer.wait(30)
        lines.join()
    assert writer.returncode == 0, writer.stderr.read().decode() if writer.stderr else ""
    reports = [json.loads(line) for line in lines.snapshot()]
    committed = [r["committed"] for r in reports if "committed" in r]
    assert result.kept_aside is not None
    live, kept = set(_titles(db_path)), set(_titles(result.kept_aside))
    assert _integrity(db_path) == ["ok"] and _integrity(result.kept_aside) == ["ok"]
    # The backup's data is back, and what came after it is in the copy kept of the old data.
    assert {"Kept 1", "Kept 2"} <= live and "After the backup" not in live and "After the backup" in kept
    # Every write the writer was told was saved is in one of the two files: the ones before the
    # restore in the copy, the ones after it in the live file, with no write in between lost.
    missing = [t for t in committed if t not in live and t not in kept]
    assert missing == []
    split = sum(t in kept for t in committed)
    assert all(t in kept for t in committed[:split]) and all(t in live for t in committed[split:])
    assert split >= 30  # written before the restore: in the copy
    after = [t for t in committed[split:]]
    assert len(after) >= 30 and all(t in live for t in after)  # written after it: in the live file, not in a file moved aside
    assert returned > started


# ------------------------------------------------------------------ kill -9 in the middle
def _database_of_some_size(path: Path) -> None:
    """A database big enough (a few hundred KB) for a restore to take a while, with known titles."""
    svc = Service.open(str(path), now=NOW)
    for n in range(400):
        svc.add(ItemDraft(title=f"Item {n}", notes="x" * 400))
    svc.close()


def _fresh_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(sqlite_uri(source), uri=True)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _garbage_over_an_index(path: Path) -> None:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        (page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' LIMIT 1").fetchone()
    finally:
        conn.close()
    with path.open("r+b") as fh:  # every connection to it is closed
        fh.seek(4096 * (page - 1))
        fh.write(b"\xff" * 4096)


def _prepare(pristine: Path, db: Path, damaged: bool) -> None:
    _fresh_copy(pristine, db)
    if damaged:
        _garbage_over_an_index(db)
        assert not check_database(db).ok


def _run_restore(db: Path, backup: Path, kill_after: float | None) -> tuple[str, float]:
    """Restore in a child; kill -9 it ``kill_after`` seconds after its ``go`` (None: let it finish)."""
    proc = _child("restore", str(db), str(backup))
    lines = _Lines(proc)
    lines.wait_for(1, "go", timeout=60)
    went = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        proc.kill()
    else:
        lines.wait_for(1, "done")
    took = time.monotonic() - went
    proc.wait(60)
    lines.join()
    return ("done" if "done" in lines.snapshot() else "killed"), took


@pytest.mark.parametrize("damaged", [False, True], ids=["healthy", "damaged"])
def test_restore_killed_at_random_moments_leaves_the_old_or_the_restored_data(tmp_path: Path, damaged: bool) -> None:
    pristine = tmp_path / "pristine.sqlite3"
    _database_of_some_size(pristine)
    backup = bk.backup_now(str(pristine))
    _filled(pristine, "Only in the old data")
    old, restored = _titles(pristine), _titles(backup)
    # How long a whole restore takes here; the kills fall anywhere in it (and a little after).
    first = tmp_path / "calibrate.sqlite3"
    _prepare(pristine, first, damaged)
    outcome, took = _run_restore(first, backup, None)
    assert outcome == "done" and _titles(first) == restored
    rng = random.Random(16)
    outcomes = []
    for n in range(8 if damaged else 12):
        db = tmp_path / f"live-{n}.sqlite3"
        _prepare(pristine, db, damaged)
        before = db.read_bytes()
        outcome, _ = _run_restore(db, backup, rng.uniform(0, took * 1.2))
        outcomes.append(outcome)
        if damaged and db.read_bytes() == before:
            # Still the damaged file: its bytes unchanged, nothing at all lost.
            continue
        # Always a database, always whole, with either the old data or the backup's.
        assert db.is_file(), f"kill {n}: no database left"
        assert _integrity(db) == ["ok"], f"kill {n}"
        titles = _titles(db)
        assert titles in (old, restored), f"kill {n}: neither the old nor the restored data"
        if titles == restored and not damaged:
            (kept,) = db.parent.glob(db.name + ".before-restore-*")
            assert _titles(kept) == old  # the old data was kept before the restore committed
        if damaged and titles == restored:
            (aside,) = [p for p in db.parent.glob(db.name + ".damaged-*") if not p.name.endswith(("-wal", "-shm"))]
            assert aside.read_bytes() == before  # the damaged file, byte for byte
        for kept in db.parent.glob(db.name + ".before-restore-*"):
            assert _integrity(kept) == ["ok"] and _titles(kept) == old  # a copy that has a name is whole
    # The next restore after a kill cleans up after it and succeeds.
    outcome, _ = _run_restore(tmp_path / "live-0.sqlite3", backup, None)
    assert outcome == "done" and _titles(tmp_path / "live-0.sqlite3") == restored
    assert not list(tmp_path.glob(".live-0.sqlite3.*")), "half-made copies of a killed restore are cleaned up"


# ------------------------------------------------------------------ a full disk
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (needs root; the test is skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with (folder / "filler").open("wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


def test_restore_on_a_full_disk_keeps_the_live_file_and_says_where_everything_is(small_disk: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite3"
    _filled(source, *(f"Old {n}" for n in range(60)))
    backup = bk.backup_now(str(source))  # outside the small disk
    _filled(source, "Only in the old data")
    old, restored = _titles(source), _titles(backup)
    size = source.stat().st_size
    failures = 0
    for leave in (0, 8 * 1024, size // 2, size, size + size // 2, 3 * size, 6 * size):
        for path in small_disk.iterdir():
            path.unlink()
        db = small_disk / "live.sqlite3"
        _fresh_copy(source, db)
        _fill(small_disk, leave)
        try:
            result = bk.restore(str(db), backup)
        except bk.BackupError as exc:
            failures += 1
            message = str(exc)
            assert "disk is full" in message and str(db) in message and str(backup) in message, message
            assert "\n" not in message
            (small_disk / "filler").unlink()  # room for the -shm of the connections that check
            assert _titles(db) == old, f"{leave} bytes free: the live data changed"
            assert _integrity(db) == ["ok"]
        else:
            (small_disk / "filler").unlink()
            assert _titles(db) == restored and result.kept_aside is not None and _titles(result.kept_aside) == old
    assert failures >= 3  # the small disk did fill up (else this test tested nothing)


def test_the_restore_command_on_a_full_disk_prints_one_line_and_exits_1(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.sqlite3"
    _filled(source, *(f"Old {n}" for n in range(60)))
    backup = bk.backup_now(str(source))
    db = small_disk / "live.sqlite3"
    _fresh_copy(source, db)
    _filled(db, "Only in the old data")
    before = _titles(db)
    for leave in (0, 16 * 1024):  # no room for the lock file; room for it, none for the restore
        (small_disk / "filler").unlink(missing_ok=True)
        _fill(small_disk, leave)
        capsys.readouterr()
        assert main(["--db", str(db), "restore", str(backup)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "disk is full" in err and "Traceback" not in err, err
        assert f"your data is still in {db}" in err
    (small_disk / "filler").unlink()
    assert _titles(db) == before
