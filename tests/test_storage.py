"""Storage: UTC round trips, naive datetimes refused, pragmas, owner-only files, locations."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.engine import DB_FILENAME, SCHEMA_VERSION, make_engine, migrate, resolve_location, schema_version
from prioritizer.storage.schema import from_micros, to_micros
from tests.conftest import NOW


def test_aware_datetimes_round_trip_in_utc(service: Service) -> None:
    berlin_due = datetime(2026, 11, 25, 17, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    item_id = service.add(ItemDraft(title="Round trip", due=berlin_due)).value
    due = service.get(item_id).due
    assert due == berlin_due
    assert due is not None and due.utcoffset() == timedelta(0)
    assert due.hour == 16 and due.microsecond == 123456


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_micros(datetime(2026, 1, 1))
    assert from_micros(to_micros(NOW)) == NOW


def test_pragmas_on_every_connection(db_path: Path) -> None:
    engine = make_engine(str(db_path))
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_database_file_is_owner_only(db_path: Path) -> None:
    old = os.umask(0o022)
    try:
        svc = Service.open(str(db_path), now=NOW)
        svc.add(ItemDraft(title="x"))
        for path in db_path.parent.glob(db_path.name + "*"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        svc.close()
    finally:
        os.umask(old)


def test_schema_version_recorded(db_path: Path) -> None:
    engine = make_engine(str(db_path))
    assert schema_version(engine) == 0
    migrate(engine)
    assert schema_version(engine) == SCHEMA_VERSION
    engine.dispose()


def test_location_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resolve_location().endswith(DB_FILENAME)
    monkeypatch.setenv("PRIORITIZER_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_location() == str(tmp_path / "env.sqlite3")
    assert resolve_location(str(tmp_path / "opt.sqlite3")) == str(tmp_path / "opt.sqlite3")


def test_sqlite_url_accepted(tmp_path: Path) -> None:
    svc = Service.open(f"sqlite:///{tmp_path / 'url.sqlite3'}", now=NOW)
    svc.add(ItemDraft(title="via url"))
    assert [v.title for v in svc.list_items()] == ["via url"]
    svc.close()
