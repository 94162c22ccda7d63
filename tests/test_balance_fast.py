"""`prioritizer balance` reads with stdlib sqlite3 when it can; the output equals the Service path's."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest

import prioritizer.cli.balancecmds as balancecmds
from prioritizer.cli import main
from prioritizer.domain.clock import local_tz
from prioritizer.domain.values import Importance, Kind
from prioritizer.reports.balance import balance, read_balance
from prioritizer.services.demo import fill_demo
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW

NOW_ARG = "2026-11-20T09:00:00+01:00"


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite3"
    svc = Service.open(str(path), now=NOW)
    fill_demo(svc)
    svc.refresh()
    svc.close()
    return path


def _run(args: list[str], *, light: bool) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        if light:
            code = main(args)
        else:
            with mock.patch.object(balancecmds, "read_balance", lambda *a, **k: None):
                code = main(args)
    return code, out.getvalue()


@pytest.mark.parametrize("extra", [[], ["--json"], ["--week", "2026-11-09"], ["--from", "2026-11-01", "--to", "2026-11-20", "--json"]])
def test_light_path_prints_what_the_service_path_prints(demo_db: Path, extra: list[str]) -> None:
    args = ["--db", str(demo_db), "--now", NOW_ARG, "balance", *extra]
    assert _run(args, light=True) == _run(args, light=False)
    assert _run(args, light=True)[0] == 0


def test_light_balance_equals_service_balance(demo_db: Path) -> None:
    svc = Service.open(str(demo_db), now=NOW)
    start, end = date(2026, 11, 9), date(2026, 11, 20)
    light = read_balance(str(demo_db), start, end, NOW, local_tz())
    assert light is not None
    assert light == balance(svc, start, end)
    svc.close()


def test_falls_back_when_refresh_has_work_or_a_timer_runs(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite3"
    svc = Service.open(str(path), now=NOW)
    day = date(2026, 11, 20)
    hour = timedelta(hours=1)
    meeting = ItemDraft(title="1:1", kind=Kind.MEETING, importance=Importance.HIGH, start=NOW + hour, end=NOW + 2 * hour)
    svc.add(meeting, created_at=NOW - timedelta(days=3))
    assert read_balance(str(path), day, day, NOW, local_tz()) is not None
    later = NOW + timedelta(hours=3)  # the meeting has ended: refresh must count it first
    assert read_balance(str(path), day, day, later, local_tz()) is None
    svc.clock = lambda: later
    svc.refresh()
    light = read_balance(str(path), day, day, later, local_tz())
    assert light is not None and light.proactive_minutes == 60
    task = svc.add(ItemDraft(title="work")).value
    svc.start_timer(task)
    assert read_balance(str(path), day, day, later, local_tz()) is None
    assert read_balance(f"sqlite:///{path}", day, day, later, local_tz()) is None  # URLs take the Service path
    svc.close()
