"""Time entries: persistence across a crash, forgotten timers, edits, deletions, overlaps, the target."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from prioritizer.domain.clock import local_midnight
from prioritizer.domain.values import Importance, InputError, Quadrant
from prioritizer.reports.balance import balance
from prioritizer.services.service import ItemDraft, Service
from prioritizer.services.timekeeping import (
    delete_entry,
    edit_entry,
    entry_overlaps,
    forgotten_timer,
    keep_running,
    overlaps,
    resolve_overlap,
    running_since,
    set_target,
    trim_running,
)

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # as in conftest: Friday 09:00 in Berlin
TODAY = date(2026, 11, 20)
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return local_midnight(day) + timedelta(hours=hour, minutes=minute)


def add(service: Service, title: str, **fields: object) -> int:
    return service.add(ItemDraft(title=title, **fields), created_at=NOW - 72 * H).value  # type: ignore[arg-type]


# ------------------------------------------------------------ crash safety
def test_running_timer_survives_reopening_the_database(db_path: Path) -> None:
    first = Service.open(str(db_path), now=NOW + timedelta(microseconds=123_456))
    item = add(first, "Escalation review")
    started = first.start_timer(item).value.start
    # No stop, no close: the process "dies" here; a second service opens the same file.
    second = Service.open(str(db_path), now=NOW + 3 * H)
    running = second.running()
    assert running is not None
    assert running.start == started == NOW + timedelta(microseconds=123_456)
    assert running.item_id == item
    second.close()
    first.close()


def _env() -> dict[str, str]:
    return {**os.environ, "TZ": "Europe/Berlin", "PYTHONUNBUFFERED": "1"}


def test_started_timer_is_seen_by_a_new_process(db_path: Path) -> None:
    service = Service.open(str(db_path), now=NOW)
    item = add(service, "Refund backlog")
    service.close()
    start = subprocess.Popen(
        [sys.executable, "-m", "prioritizer", "--db", str(db_path), "--now", "2026-11-20T09:00:00+01:00", "start", str(item)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert start.wait(timeout=60) == 0
    show = subprocess.run(
        [sys.executable, "-m", "prioritizer", "--db", str(db_path), "--now", "2026-11-20T12:00:00+01:00", "show", str(item), "--json"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(show.stdout)
    assert data["timer_running"] is True
    assert [(e["start"], e["end"]) for e in data["entries"]] == [(NOW.isoformat(), None)]


def test_timer_survives_a_killed_process(db_path: Path) -> None:
    service = Service.open(str(db_path), now=NOW)
    item = add(service, "Churn analysis")
    service.close()
    script = textwrap.dedent(
        f"""
        import time
        from datetime import datetime
        from prioritizer.services.service import Service
        s = Service.open({str(db_path)!r}, now=datetime.fromisoformat("2026-11-20T08:00:00.654321+00:00"))
        s.start_timer({item})
        print("started", flush=True)
        time.sleep(120)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        proc.send_signal(signal.SIGKILL)  # no clean shutdown, no stop
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    show = subprocess.run(
        [sys.executable, "-m", "prioritizer", "--db", str(db_path), "--now", "2026-11-20T10:00", "show", str(item), "--json"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    entries = json.loads(show.stdout)["entries"]
    assert [(e["start"], e["end"]) for e in entries] == [("2026-11-20T08:00:00.654321+00:00", None)]


# ---------------------------------------------------------- forgotten timer
def test_forgotten_timer_after_the_limit_then_trimmed(service: Service) -> None:
    item = add(service, "Vendor contract")
    service.start_timer(item)
    service.clock = lambda: NOW + 3 * H
    assert forgotten_timer(service) is None  # 3 h: still plausible
    service.clock = lambda: NOW + 6 * H + 12 * MIN
    found = forgotten_timer(service)
    assert found is not None and found.item_id == item and found.start == NOW

    with pytest.raises(InputError, match="before the start"):
        trim_running(service, NOW - H)
    with pytest.raises(InputError, match="future"):
        trim_running(service, NOW + 7 * H)
    result = trim_running(service, NOW + 2 * H)
    assert result.changes.time
    assert result.value.end == NOW + 2 * H
    assert service.running() is None
    assert forgotten_timer(service) is None
    assert balance(service, TODAY, TODAY).total_minutes == 120


def test_forgotten_timer_across_midnight_even_if_short(service: Service) -> None:
    item = add(service, "Late incident")
    service.clock = lambda: local(TODAY, 23, 30)
    service.start_timer(item)
    service.clock = lambda: local(TODAY, 23, 59)
    assert forgotten_timer(service) is None
    service.clock = lambda: local(TODAY + timedelta(days=1), 0, 40)
    assert forgotten_timer(service) is not None


def test_kept_timer_is_not_questioned_again(service: Service) -> None:
    item = add(service, "Quarterly plan")
    service.start_timer(item)
    service.clock = lambda: NOW + 5 * H
    assert forgotten_timer(service) is not None
    keep_running(service)
    assert forgotten_timer(service) is None
    assert service.running() is not None
    # A new timer run is questioned afresh.
    service.stop_timer()
    service.start_timer(item)
    service.clock = lambda: NOW + 10 * H
    assert forgotten_timer(service) is not None


def test_forgotten_limit_comes_from_the_policy(service: Service) -> None:
    from dataclasses import replace

    service.set_policy(replace(service.policy(), forgotten_timer=timedelta(hours=1)))
    item = add(service, "Audit")
    service.start_timer(item)
    service.clock = lambda: NOW + 90 * MIN
    assert forgotten_timer(service) is not None


def test_trim_removes_pieces_after_the_chosen_end(service: Service) -> None:
    item = add(service, "Roadmap", importance=Importance.HIGH)
    service.start_timer(item)
    service.clock = lambda: NOW + 5 * H
    service.move(item, Quadrant.DO)  # splits the forgotten timer at +5 h
    service.clock = lambda: NOW + 8 * H
    found = forgotten_timer(service)
    assert found is not None and found.start == NOW and found.quadrant is Quadrant.DO
    assert running_since(service) == NOW
    trim_running(service, NOW + 90 * MIN)
    entries = service.entries(item)
    assert [(e.start, e.end, e.quadrant) for e in entries] == [(NOW, NOW + 90 * MIN, Quadrant.SCHEDULE)]


# ------------------------------------------------------------ edit / delete
def test_edit_entry_validates_and_reattributes(service: Service) -> None:
    item = add(service, "Hiring plan", importance=Importance.HIGH)
    entry = service.log_time(item, NOW - 3 * H, NOW - 2 * H).value[0]
    with pytest.raises(InputError, match="before the start"):
        edit_entry(service, entry.id, NOW - 2 * H, NOW - 3 * H)
    with pytest.raises(InputError, match="7 days"):
        edit_entry(service, entry.id, NOW - 10 * 24 * H, NOW)
    with pytest.raises(InputError, match="no time entry"):
        edit_entry(service, 9999, NOW - 2 * H, NOW - H)
    with pytest.raises(InputError, match="needs an end"):
        edit_entry(service, entry.id, NOW - 2 * H, None)

    service.clock = lambda: NOW + 2 * H
    service.move(item, Quadrant.DO)  # at NOW + 2 h
    # Stretching the entry over the pin: the part after it is Do, the part before stays Schedule.
    views = edit_entry(service, entry.id, NOW + H, NOW + 3 * H, "planning").value
    assert [(v.start, v.end, v.quadrant) for v in views] == [
        (NOW + H, NOW + 2 * H, Quadrant.SCHEDULE),
        (NOW + 2 * H, NOW + 3 * H, Quadrant.DO),
    ]
    assert views[0].id == entry.id and all(v.note == "planning" for v in views)
    # Only the note: nothing else moves.
    same = edit_entry(service, entry.id, NOW + H, NOW + 2 * H, "renamed").value
    assert [(v.id, v.quadrant, v.note) for v in same] == [(entry.id, Quadrant.SCHEDULE, "renamed")]


def test_edit_running_entry_start(service: Service) -> None:
    item = add(service, "Support KPIs")
    service.start_timer(item)
    service.clock = lambda: NOW + H
    views = edit_entry(service, service.running().id, NOW - 30 * MIN, None).value  # type: ignore[union-attr]
    assert views[-1].running and views[0].start == NOW - 30 * MIN
    with pytest.raises(InputError, match="future"):
        edit_entry(service, views[-1].id, NOW + 2 * H, None)


def test_delete_entry(service: Service) -> None:
    item = add(service, "Newsletter")
    entry = service.log_time(item, NOW - 2 * H, NOW - H).value[0]
    result = delete_entry(service, entry.id)
    assert result.changes.time and result.changes.items == {item}
    assert service.entries(item) == []
    with pytest.raises(InputError):
        delete_entry(service, entry.id)


# ---------------------------------------------------------------- overlaps
def test_overlaps_found_and_resolved(service: Service) -> None:
    a = add(service, "Escalation call")
    b = add(service, "Report")
    keep = service.log_time(a, NOW - 3 * H, NOW - H).value[0]
    inside = service.log_time(b, NOW - 150 * MIN, NOW - 2 * H).value[0]
    around = service.log_time(b, NOW - 4 * H, NOW).value[0]
    later = service.log_time(b, NOW - 90 * MIN, NOW - 30 * MIN).value[0]
    touching = service.log_time(a, NOW - H, NOW - 50 * MIN).value[0]

    pairs = {(x.id, y.id) for x, y in overlaps(service, TODAY, TODAY)}
    assert (around.id, keep.id) in pairs and (keep.id, inside.id) in pairs and (keep.id, later.id) in pairs
    assert not any(touching.id in p and keep.id in p for p in pairs)  # touching is no overlap
    assert set(entry_overlaps(service, a)[keep.id]) == {inside.id, around.id, later.id}

    assert resolve_overlap(service, keep.id, inside.id).value == []  # inside: deleted
    left = resolve_overlap(service, keep.id, around.id).value  # around: cut in two
    assert [(v.start, v.end) for v in left] == [(NOW - 4 * H, NOW - 3 * H), (NOW - H, NOW)]
    left = resolve_overlap(service, keep.id, later.id).value  # later: starts when keep ends
    assert [(v.start, v.end) for v in left] == [(NOW - H, NOW - 30 * MIN)]
    assert not any(keep.id in p for p in ((x.id, y.id) for x, y in overlaps(service, TODAY, TODAY)))
    with pytest.raises(InputError, match="do not overlap"):
        resolve_overlap(service, keep.id, touching.id)


def test_target_is_validated(service: Service) -> None:
    result = set_target(service, 0.35)
    assert result.value == pytest.approx(0.35) and result.changes.policy and result.changes.time
    assert service.policy().proactive_target == pytest.approx(0.35)
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(InputError):
            set_target(service, bad)
