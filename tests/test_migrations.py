"""Migrations: every released schema moves forward with all rows intact; a newer one is refused untouched.

``tests/fixtures/schema_v<N>.sqlite3`` is a real database of each released schema
(made by ``tests/fixtures/make_fixtures.py``). A fake next migration staged in the
test proves the mechanism: backup first, rows kept, a failed step rolls back.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from prioritizer.cli import main
from prioritizer.safety import backup as bk
from prioritizer.services.service import Service
from prioritizer.storage import engine as db
from prioritizer.storage.location import sqlite_uri
from tests.conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"
TABLES = ("items", "time_entries", "triage_log", "settings", "incidents")


def _dump(path: Path) -> dict[str, list[dict[str, object]]]:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in TABLES}
    finally:
        conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        return int(conn.execute("SELECT value FROM settings WHERE key='schema_version'").fetchone()[0])
    finally:
        conn.close()


def _columns(path: Path, table: str) -> set[str]:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


def _fixture_copy(version: int, target: Path) -> Path:
    shutil.copyfile(FIXTURES / f"schema_v{version}.sqlite3", target)
    target.chmod(0o600)
    return target


def _fixtures() -> list[int]:
    return sorted(int(p.stem.split("_v")[1]) for p in FIXTURES.glob("schema_v*.sqlite3"))


def test_every_released_schema_has_a_fixture() -> None:
    assert _fixtures() == list(range(1, db.SCHEMA_VERSION + 1)), "add tests/fixtures/schema_vN.sqlite3 for each new schema version"


@pytest.mark.parametrize("version", _fixtures())
def test_fixture_migrates_forward_with_all_rows(version: int, db_path: Path) -> None:
    _fixture_copy(version, db_path)
    before = _dump(db_path)
    assert all(before[t] for t in TABLES), "the fixture should have rows in every table"
    Service.open(str(db_path), now=NOW).close()
    after = _dump(db_path)  # before any use: reading items re-places them at NOW, a legitimate change
    svc = Service.open(str(db_path), now=NOW)
    views = svc.list_items(include_closed=True)
    running = svc.running()
    svc.close()
    assert _version(db_path) == db.SCHEMA_VERSION
    for table in TABLES:

        def data(rows: list[dict[str, object]]) -> list[dict[str, object]]:
            return [r for r in rows if r.get("key") != "schema_version"]

        old_rows = data(before[table])
        kept = [{k: r[k] for k in old} for r, old in zip(data(after[table]), old_rows, strict=True)]
        assert kept == old_rows, table
    assert len(views) == len(before["items"])
    assert running is not None and any(r["end"] is None for r in before["time_entries"])


def test_v1_gains_the_open_rank_index(db_path: Path) -> None:
    """Migration 2: the open list's order becomes an index; the ordered read walks it without a sort."""
    from prioritizer.storage.ordering import ORDER_BY

    _fixture_copy(1, db_path)
    Service.open(str(db_path), now=NOW).close()
    assert _version(db_path) == db.SCHEMA_VERSION
    conn = sqlite3.connect(sqlite_uri(db_path), uri=True)
    try:
        plan = conn.execute(f"EXPLAIN QUERY PLAN SELECT id, quadrant FROM items WHERE status = 'open' ORDER BY {ORDER_BY}").fetchall()
    finally:
        conn.close()
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_items_open_rank" in details and "TEMP B-TREE" not in details
    assert [b.reason for b in bk.list_backups(str(db_path))] == ["pre-migration-v1"]


def test_v2_gains_a_row_version_that_edits_check(db_path: Path) -> None:
    """Migration 3: every item starts at version 1; an edit made on that version passes, one on an older copy is refused."""
    from prioritizer.domain.values import StaleItemError

    _fixture_copy(2, db_path)
    svc = Service.open(str(db_path), now=NOW)
    try:
        assert _version(db_path) == db.SCHEMA_VERSION
        views = svc.list_items(include_closed=True)
        assert views and {v.version for v in views} == {1}
        target = views[0]
        draft = svc.draft_of(target.id)
        svc.edit(target.id, replace(draft, notes="first"), version=1)
        with pytest.raises(StaleItemError, match="changed elsewhere"):
            svc.edit(target.id, replace(draft, notes="second"), version=1)
        assert svc.draft_of(target.id).notes == "first"
    finally:
        svc.close()


@pytest.fixture
def fake_next(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Stage a next schema version that adds a column; yields the versions it ran from."""
    ran: list[int] = []

    def add_colour(conn: Connection) -> None:
        ran.append(current)
        conn.execute(text("ALTER TABLE items ADD COLUMN colour TEXT NOT NULL DEFAULT ''"))
        conn.execute(text("UPDATE items SET colour = 'red' WHERE kind = 'escalation'"))

    current = db.SCHEMA_VERSION
    monkeypatch.setattr(db, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(db.MIGRATIONS, current + 1, add_colour)
    yield ran


def test_migration_backs_up_first_and_keeps_every_row(fake_next: list[int], db_path: Path) -> None:
    latest = db.SCHEMA_VERSION - 1  # the staged step is the last one
    _fixture_copy(latest, db_path)
    before = _dump(db_path)
    Service.open(str(db_path), now=NOW).close()
    assert fake_next == [latest]
    assert _version(db_path) == latest + 1
    assert "colour" in _columns(db_path, "items")
    after = _dump(db_path)
    for table in TABLES:
        rows = [{k: v for k, v in r.items() if k != "colour"} for r in after[table]]
        version = str(latest + 1)
        expected = [r if not (table == "settings" and r["key"] == "schema_version") else {**r, "value": version} for r in before[table]]
        assert rows == expected, table
    pre = [b for b in bk.list_backups(str(db_path)) if b.reason == f"pre-migration-v{latest}"]
    assert len(pre) == 1
    assert bk.verify_backup(pre[0].path) == latest
    assert _dump(pre[0].path) == before
    svc = Service.open(str(db_path), now=NOW)
    assert len(svc.list_items(include_closed=True)) == len(before["items"])
    svc.close()


def test_a_failed_migration_step_leaves_the_old_version_intact(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    def half(conn: Connection) -> None:
        conn.execute(text("ALTER TABLE items ADD COLUMN colour TEXT"))
        conn.execute(text("UPDATE items SET title = 'CLOBBERED'"))
        raise RuntimeError("simulated failure in the middle of a migration")

    latest = db.SCHEMA_VERSION
    monkeypatch.setattr(db, "SCHEMA_VERSION", latest + 1)
    monkeypatch.setitem(db.MIGRATIONS, latest + 1, half)
    _fixture_copy(latest, db_path)
    before = _dump(db_path)
    with pytest.raises(RuntimeError, match="simulated"):
        Service.open(str(db_path), now=NOW)
    assert _version(db_path) == latest and "colour" not in _columns(db_path, "items")
    assert _dump(db_path) == before


def test_no_backup_no_migration(fake_next: list[int], monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    def full(source: Path, target: Path) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(bk, "_copy", full)
    latest = db.SCHEMA_VERSION - 1
    _fixture_copy(latest, db_path)
    before = _dump(db_path)
    with pytest.raises(bk.BackupError, match="disk is full"):
        Service.open(str(db_path), now=NOW)
    assert fake_next == [] and _version(db_path) == latest and _dump(db_path) == before


def test_a_newer_database_is_refused_and_not_changed(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fixture_copy(db.SCHEMA_VERSION, db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE settings SET value = ? WHERE key = 'schema_version'", (str(db.SCHEMA_VERSION + 1),))
    conn.commit()
    conn.close()  # last connection: checkpointed, no WAL left
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with pytest.raises(db.SchemaTooNewError, match="newer than this Prioritizer"):
        Service.open(str(db_path), now=NOW)
    assert main(["--db", str(db_path), "list"]) == 1
    assert "upgrade Prioritizer" in capsys.readouterr().err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    # Its backups are not offered to this version either.
    with pytest.raises(bk.BackupError, match="newer"):
        bk.backup_now(str(db_path))
    assert bk.list_backups(str(db_path)) == []


def test_v3_incident_still_reads_and_user_moves_gain_their_action(db_path: Path) -> None:
    """Migration 4: what the user did is a field of the triage log; an incident recorded before it reads as it was."""
    from datetime import timedelta

    from prioritizer.domain.values import Actor, TriageAction

    _fixture_copy(3, db_path)
    svc = Service.open(str(db_path), now=NOW)
    try:
        (incident,) = svc.incidents(NOW - timedelta(days=30), NOW)
        titles = {v.id: v.title for v in svc.list_items(include_closed=True)}
        assert incident.title == "ACME outage" and incident.duration == timedelta(hours=2)
        assert [titles[i] for i in incident.captured] == ["Sev1 ACME checkout down"]
        assert sorted(titles[i] for i in incident.moved) == ["Q1 staffing plan", "Refund backlog"]
        assert [titles[i] for i in incident.done] == ["Sev1 ACME checkout down"] and incident.minutes_logged == 90
        plan = next(i for i, t in titles.items() if t == "Q1 staffing plan")
        by_user = [e.action for e in svc.history(plan) if e.actor is Actor.USER]
        assert by_user == [TriageAction.MOVE, TriageAction.UNPIN]
    finally:
        svc.close()
