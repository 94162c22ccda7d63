"""No stale write, in the core: writes made on a copy someone changed since are refused and write nothing.

Two ``Service`` objects on one file stand for the window and the command line
(each its own engine, as two processes have). The window passes what it read
(``version``/``versions``/``running``); the command line passes nothing and is
never refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from prioritizer.domain.values import Importance, InputError, Quadrant, StaleItemError, Status
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW


@pytest.fixture
def cli(db_path: Path, service: Service) -> Iterator[Service]:
    """A second Service on the same file: the command line beside the window (``service``)."""
    other = Service.open(str(db_path), now=NOW)
    yield other
    other.close()


def test_an_edit_on_a_stale_version_is_refused_and_keeps_the_other_change(service: Service, cli: Service) -> None:
    item = service.add(ItemDraft(title="Refund backlog")).value
    read = service.get(item)
    cli.edit(item, replace(cli.draft_of(item), importance=Importance.HIGH))  # the command line: no version, not refused
    with pytest.raises(StaleItemError, match="^Refund backlog was changed elsewhere; nothing was overwritten$") as caught:
        service.edit(item, replace(service.draft_of(item), importance=Importance.LOW, notes="mine"), version=read.version)
    assert caught.value.ids == frozenset({item})
    assert service.get(item).importance is Importance.HIGH and service.get(item).notes == ""
    fresh = service.get(item)
    service.edit(item, replace(service.draft_of(item), notes="mine"), version=fresh.version)  # on what is there now: applied
    assert service.get(item).notes == "mine" and service.get(item).importance is Importance.HIGH


def test_versions_count_what_people_set_not_what_the_rules_or_the_clock_do(service: Service, cli: Service) -> None:
    item = service.add(ItemDraft(title="Staffing plan", due=NOW + timedelta(hours=30))).value
    first = service.get(item).version
    service.clock = lambda: NOW + timedelta(hours=7)  # the deadline enters the 24 h horizon: the rules re-place it
    assert service.refresh().value == [item]
    cli.log_time(item, NOW, NOW + timedelta(hours=2))
    cli.start_timer(item)
    assert service.get(item).version == first  # re-placed, 2 h logged, a timer: the window's copy is not stale
    service.edit(item, service.draft_of(item), version=first)  # nothing changed: no new version either
    assert service.get(item).version == first
    service.move(item, Quadrant.ELIMINATE, versions={item: first})
    assert service.get(item).version == first + 1


@pytest.mark.parametrize(
    "operation",
    [
        lambda s, i, v: s.move([i], Quadrant.DO, versions={i: v}),
        lambda s, i, v: s.unpin([i], versions={i: v}),
        lambda s, i, v: s.set_pin(i, None, None, version=v),
        lambda s, i, v: s.done([i], versions={i: v}),
        lambda s, i, v: s.drop([i], versions={i: v}),
        lambda s, i, v: s.delete(i, version=v),
    ],
    ids=["move", "unpin", "set_pin", "done", "drop", "delete"],
)
def test_every_item_write_refuses_a_stale_version(service: Service, cli: Service, operation: object) -> None:
    item = service.add(ItemDraft(title="Vendor call")).value
    other = service.add(ItemDraft(title="Quarterly review")).value
    seen = service.get(item).version
    cli.edit(item, replace(cli.draft_of(item), notes="typed in the terminal"))
    before = [service.get(i) for i in (item, other)]
    with pytest.raises(StaleItemError, match="Vendor call was changed elsewhere"):
        operation(service, item, seen)  # type: ignore[operator]
    assert [service.get(i) for i in (item, other)] == before


def test_a_batch_is_refused_whole_when_one_item_is_stale(service: Service, cli: Service) -> None:
    a = service.add(ItemDraft(title="Alpha")).value
    b = service.add(ItemDraft(title="Beta")).value
    versions = {a: service.get(a).version, b: service.get(b).version}
    cli.move(b, Quadrant.DO)
    with pytest.raises(StaleItemError) as caught:
        service.move([a, b], Quadrant.SCHEDULE, versions=versions)
    assert caught.value.ids == frozenset({b})
    assert service.get(a).quadrant is not Quadrant.SCHEDULE and service.get(b).quadrant is Quadrant.DO


def test_reopen_refuses_a_stale_version(service: Service, cli: Service) -> None:
    item = service.add(ItemDraft(title="Escalation follow-up")).value
    done = service.done([item]).changes.versions[item]
    cli.reopen(item)
    cli.done(item)
    with pytest.raises(StaleItemError):
        service.reopen([item], versions={item: done})
    assert service.get(item).status is Status.DONE


def test_delete_never_takes_tracked_time_with_it(service: Service, cli: Service) -> None:
    item = service.add(ItemDraft(title="Refund backlog")).value
    cli.log_time(item, NOW - timedelta(hours=2), NOW)
    with pytest.raises(InputError, match="Refund backlog has 2 h 00 of tracked time; nothing was deleted"):
        service.delete(item, version=service.get(item).version)
    assert service.get(item).minutes_spent == 120


def test_writes_report_the_versions_they_made(service: Service) -> None:
    item = service.add(ItemDraft(title="Alpha")).changes
    (item_id,) = item.items
    assert item.versions == {item_id: 1}
    moved = service.move([item_id], Quadrant.DO, versions={item_id: 1}).changes
    assert moved.versions == {item_id: 2} == {item_id: service.get(item_id).version}


def test_a_timer_started_elsewhere_is_never_stopped_unseen(service: Service, cli: Service) -> None:
    mine = service.add(ItemDraft(title="Vendor call")).value
    theirs = service.add(ItemDraft(title="Refund backlog")).value
    cli.start_timer(theirs)
    with pytest.raises(StaleItemError, match="a timer was started elsewhere on Refund backlog; nothing was stopped") as caught:
        service.start_timer(mine, running=None)  # the window saw no timer running
    assert caught.value.timer and theirs in caught.value.ids
    with pytest.raises(StaleItemError, match="the timer was moved elsewhere from Vendor call to Refund backlog"):
        service.stop_timer(running=mine)
    running = service.running()
    assert running is not None and running.item_id == theirs
    service.start_timer(mine, running=theirs)  # acting on what runs now: switches
    running = service.running()
    assert running is not None and running.item_id == mine
    cli.stop_timer()
    with pytest.raises(StaleItemError, match="the timer on Vendor call was stopped elsewhere"):
        service.stop_timer(running=mine)
    service.start_timer(theirs, running=mine)  # stopped elsewhere: starting another stops nothing, so it starts
    running = service.running()
    assert running is not None and running.item_id == theirs
    cli.stop_timer()
    cli.start_timer(theirs)
    assert cli.stop_timer().value is not None  # the command line checks nothing
