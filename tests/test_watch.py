"""The "changed elsewhere" watcher: what another process committed, found by one pragma and a few indexed reads.

A second ``Service`` on the same file (its own engine and connections, as another
process has) or the real command line makes the changes; the watcher sits on the
first Service's engine, as the window's does.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from prioritizer.domain.values import Importance, Policy, Quadrant
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.watch import SQLiteWatcher, watcher_for
from tests.conftest import NOW


@pytest.fixture
def other(db_path: Path, service: Service) -> Iterator[Service]:
    svc = Service.open(str(db_path), now=NOW)
    yield svc
    svc.close()


def test_nothing_changed_means_nothing_reported(service: Service) -> None:
    service.add(ItemDraft(title="Before the watcher"))
    watcher = watcher_for(service.engine)
    assert isinstance(watcher, SQLiteWatcher)
    assert watcher.poll() is None
    assert watcher.poll() is None


def test_items_added_edited_closed_and_reopened_elsewhere_are_named(service: Service, other: Service) -> None:
    kept = service.add(ItemDraft(title="Untouched")).value
    edited = service.add(ItemDraft(title="Refund backlog")).value
    closed = service.add(ItemDraft(title="Vendor call")).value
    watcher = watcher_for(service.engine)
    assert watcher is not None
    added = other.add(ItemDraft(title="From the terminal")).value
    other.edit(edited, replace(other.draft_of(edited), importance=Importance.HIGH))
    other.done(closed)
    changes = watcher.poll()
    assert changes is not None and changes.elsewhere
    assert changes.items == {added, edited, closed} and kept not in changes.items
    assert not changes.time and not changes.policy
    assert watcher.poll() is None
    other.reopen(closed)
    other.move(kept, Quadrant.ELIMINATE)
    changes = watcher.poll()
    assert changes is not None and changes.items == {closed, kept}


def test_placements_made_by_the_rules_elsewhere_are_named(service: Service, other: Service) -> None:
    item = service.add(ItemDraft(title="Staffing plan", due=NOW + timedelta(hours=30))).value
    watcher = watcher_for(service.engine)
    assert watcher is not None
    other.clock = lambda: NOW + timedelta(hours=7)
    assert other.refresh().value == [item]  # no new version: the triage log says it moved
    changes = watcher.poll()
    assert changes is not None and changes.items == {item}


def test_time_and_the_running_timer_elsewhere_are_reported(service: Service, other: Service) -> None:
    a = service.add(ItemDraft(title="Alpha")).value
    b = service.add(ItemDraft(title="Beta")).value
    watcher = watcher_for(service.engine)
    assert watcher is not None
    other.start_timer(a)
    changes = watcher.poll()
    assert changes is not None and changes.time and changes.items == {a}
    other.start_timer(b)  # stops a's timer, starts b's
    changes = watcher.poll()
    assert changes is not None and changes.time and changes.items == {a, b}
    other.stop_timer()
    changes = watcher.poll()
    assert changes is not None and changes.time and changes.items == {b}
    other.log_time(a, NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    changes = watcher.poll()
    assert changes is not None and changes.time and changes.items == {a}


def test_a_policy_changed_elsewhere_is_reported(service: Service, other: Service) -> None:
    watcher = watcher_for(service.engine)
    assert watcher is not None
    other.set_policy(Policy(urgency_horizon=timedelta(hours=48)))
    changes = watcher.poll()
    assert changes is not None and changes.policy


def test_the_real_command_line_is_seen(service: Service, db_path: Path) -> None:
    watcher = watcher_for(service.engine)
    assert watcher is not None
    run = subprocess.run(
        [sys.executable, "-m", "prioritizer", "--db", str(db_path), "--now", NOW.isoformat(), "add", "Refund backlog"],
        capture_output=True,
        text=True,
        check=True,
    )
    new_id = int(run.stdout.split()[-1])
    changes = watcher.poll()
    assert changes is not None and new_id in changes.items
    assert service.get(new_id).title == "Refund backlog"


def test_this_process_own_writes_do_not_wake_it(service: Service) -> None:
    """One thread, one pooled connection: the window's own commits cost the poll one pragma, no reads."""
    watcher = watcher_for(service.engine)
    assert watcher is not None
    item = service.add(ItemDraft(title="Mine")).value
    service.move(item, Quadrant.DO)
    assert watcher.poll() is None
