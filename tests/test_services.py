"""Services: add, edit, move/pin, unpin, done, drop, timer, log, refresh and the triage log."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from prioritizer.domain.values import Actor, EntrySource, Importance, InputError, Kind, Quadrant, Status
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW

H = timedelta(hours=1)


def test_add_places_and_logs_first_placement(service: Service) -> None:
    item_id = service.add(ItemDraft(title="Renew vendor contract", importance=Importance.HIGH, due=NOW + timedelta(days=10))).value
    view = service.get(item_id)
    assert view.quadrant is Quadrant.SCHEDULE
    history = service.history(item_id)
    assert [(h.from_quadrant, h.to_quadrant, h.actor) for h in history] == [(None, Quadrant.SCHEDULE, Actor.RULES)]


def test_deadline_entering_horizon_moves_item_and_logs_the_exact_moment(service: Service) -> None:
    due = NOW + timedelta(days=10)
    item_id = service.add(ItemDraft(title="Renew", importance=Importance.HIGH, due=due)).value
    assert service.next_change() == due - timedelta(hours=24)
    service.clock = lambda: NOW + timedelta(days=9, hours=12)
    moved = service.refresh().value
    assert moved == [item_id]
    assert service.get(item_id).quadrant is Quadrant.DO
    last = service.history(item_id)[-1]
    assert (last.from_quadrant, last.to_quadrant, last.actor) == (Quadrant.SCHEDULE, Quadrant.DO, Actor.RULES)
    assert last.at == due - timedelta(hours=24)


def test_move_pins_and_unpin_releases(service: Service) -> None:
    item_id = service.add(ItemDraft(title="Plain")).value
    service.move(item_id, Quadrant.DO)
    view = service.get(item_id)
    assert view.quadrant is Quadrant.DO and view.placement.pinned
    assert service.history(item_id)[-1].actor is Actor.USER
    service.unpin(item_id)
    view = service.get(item_id)
    assert view.quadrant is Quadrant.ELIMINATE and not view.placement.pinned


def test_move_to_rules_quadrant_clears_pin_when_asked(service: Service) -> None:
    item_id = service.add(ItemDraft(title="Plain")).value
    service.move(item_id, Quadrant.DO)
    service.move(item_id, Quadrant.ELIMINATE, clear_if_rules_agree=True)
    assert not service.get(item_id).placement.pinned
    service.move(item_id, Quadrant.ELIMINATE)
    assert service.get(item_id).placement.pinned


def test_edit_replaces_fields_and_replaces_item(service: Service) -> None:
    item_id = service.add(ItemDraft(title="Old")).value
    draft = replace(service.draft_of(item_id), title="New", importance=Importance.CRITICAL)
    service.edit(item_id, draft)
    view = service.get(item_id)
    assert view.title == "New" and view.quadrant is Quadrant.SCHEDULE


def test_done_drop_reopen_delete(service: Service) -> None:
    a = service.add(ItemDraft(title="A")).value
    b = service.add(ItemDraft(title="B")).value
    service.done(a)
    service.drop(b)
    assert service.list_items() == []
    statuses = {v.id: v.status for v in service.list_items(include_closed=True)}
    assert statuses == {a: Status.DONE, b: Status.DROPPED}
    with pytest.raises(InputError, match="already done"):
        service.done(a)
    service.reopen(a)
    assert [v.id for v in service.list_items()] == [a]
    service.delete(b)
    with pytest.raises(InputError, match=f"no item with id {b}"):
        service.get(b)


@pytest.mark.parametrize(
    "draft,message",
    [
        (ItemDraft(title="   "), "title is empty"),
        (ItemDraft(title="x", severity=2), "escalations only"),
        (ItemDraft(title="x", kind=Kind.ESCALATION, severity=7), "severity 7"),
        (ItemDraft(title="x", kind=Kind.MEETING, start=NOW, end=NOW - H), "end is before the start"),
        (ItemDraft(title="a\x00b"), "NUL"),
        (ItemDraft(title="x" * 1001), "limit is 1000"),
        (ItemDraft(title="x", estimate_minutes=-5), "estimate"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(service: Service, draft: ItemDraft, message: str) -> None:
    with pytest.raises(InputError, match=message):
        service.add(draft)
    assert service.list_items(include_closed=True) == []


def test_html_and_rtl_titles_are_stored_verbatim(service: Service) -> None:
    title = "<b>ACME</b> &amp; \u202eevil\u202c <script>alert(1)</script>"
    item_id = service.add(ItemDraft(title=title)).value
    assert service.get(item_id).title == title


def test_one_timer_at_a_time_and_persisted_start(service: Service, db_path: object) -> None:
    a = service.add(ItemDraft(title="A")).value
    b = service.add(ItemDraft(title="B")).value
    service.start_timer(a)
    service.clock = lambda: NOW + H
    service.start_timer(b)
    running = service.running()
    assert running is not None and running.item_id == b and running.start == NOW + H
    reopened = Service.open(str(db_path), now=NOW + 2 * H)
    assert reopened.running() == running
    assert reopened.get(a).minutes_spent == 60
    assert reopened.get(b).minutes_spent == 60 and reopened.get(b).timer_running
    reopened.close()


def test_running_entry_is_split_when_item_changes_quadrant(service: Service) -> None:
    item_id = service.add(ItemDraft(title="Plan", importance=Importance.HIGH)).value
    service.start_timer(item_id)
    service.clock = lambda: NOW + H
    service.move(item_id, Quadrant.DO)
    service.clock = lambda: NOW + 3 * H
    service.stop_timer()
    entries = service.entries(item_id)
    spans = [(e.quadrant, (e.end - e.start) if e.end else None) for e in entries]
    assert spans == [(Quadrant.SCHEDULE, H), (Quadrant.DO, 2 * H)]


def test_logged_time_keeps_quadrant_of_the_moment(service: Service) -> None:
    item_id = service.add(ItemDraft(title="Plan", importance=Importance.HIGH)).value
    service.clock = lambda: NOW + 5 * H
    service.move(item_id, Quadrant.DO)
    entries = service.log_time(item_id, NOW + 4 * H, NOW + 6 * H).value
    assert [(e.quadrant, e.end - e.start) for e in entries if e.end] == [(Quadrant.SCHEDULE, H), (Quadrant.DO, H)]
    assert all(e.source is EntrySource.MANUAL for e in entries)


def test_log_rejects_end_before_start(service: Service) -> None:
    item_id = service.add(ItemDraft(title="x")).value
    with pytest.raises(InputError, match="end is before the start"):
        service.log_time(item_id, NOW, NOW - H)
    assert service.entries(item_id) == []


def test_ended_meeting_counts_its_span(service: Service) -> None:
    meeting = ItemDraft(title="1:1 Dana", kind=Kind.MEETING, importance=Importance.HIGH, start=NOW + H, end=NOW + 2 * H)
    item_id = service.add(meeting, created_at=NOW - timedelta(days=3)).value
    assert service.entries(item_id) == []
    service.clock = lambda: NOW + 3 * H
    service.refresh()
    service.refresh()
    entries = service.entries(item_id)
    assert [(e.quadrant, e.source, e.end - e.start) for e in entries if e.end] == [(Quadrant.SCHEDULE, EntrySource.MEETING, H)]


def test_list_is_ordered_by_quadrant_then_pressure(service: Service) -> None:
    later = service.add(ItemDraft(title="later", importance=Importance.HIGH, due=NOW + 5 * H)).value
    sooner = service.add(ItemDraft(title="sooner", importance=Importance.HIGH, due=NOW + 2 * H)).value
    plain = service.add(ItemDraft(title="plain")).value
    assert [v.id for v in service.list_items()] == [sooner, later, plain]
    assert service.get(sooner).order_reason == "deadline in 2 h"


def test_policy_is_stored_and_changes_placement(service: Service) -> None:
    item_id = service.add(ItemDraft(title="x", importance=Importance.HIGH, due=NOW + 10 * H)).value
    assert service.get(item_id).quadrant is Quadrant.DO
    service.set_policy(replace(service.policy(), urgency_horizon=timedelta(hours=4)))
    assert service.policy().urgency_horizon == timedelta(hours=4)
    assert service.get(item_id).quadrant is Quadrant.SCHEDULE
    with pytest.raises(InputError):
        service.set_policy(replace(service.policy(), proactive_target=3.0))


def test_move_reports_time_changed_only_when_a_running_entry_is_split(service: Service) -> None:
    idle = service.add(ItemDraft(title="Idle")).value
    busy = service.add(ItemDraft(title="Busy")).value
    assert service.move(idle, Quadrant.DO).changes.time is False
    service.start_timer(busy)
    service.clock = lambda: NOW + H
    assert service.move(busy, Quadrant.DO).changes.time is True
    assert service.done(idle).changes.time is False
    assert service.done(busy).changes.time is True


def test_the_pending_check_sees_what_refresh_has_to_do(service: Service) -> None:
    """Service._refresh_pending: a deadline entering the horizon, an ended meeting not yet counted."""

    def pending(at: object) -> bool:
        with service.read_unit() as session:
            return service._refresh_pending(session, at)  # type: ignore[arg-type]  # noqa: SLF001

    assert pending(NOW) is False
    service.add(ItemDraft(title="Deck", importance=Importance.HIGH, due=NOW + timedelta(days=3)))
    assert pending(NOW) is False
    assert pending(NOW + timedelta(days=2, hours=1)) is True  # the deadline entered the horizon
    service.refresh()
    start = NOW + timedelta(hours=1)
    meeting = service.add(ItemDraft(title="1:1", kind=Kind.MEETING, start=start, end=start + timedelta(minutes=30))).value
    assert pending(start + timedelta(minutes=10)) is False  # not ended yet
    assert pending(start + timedelta(hours=1)) is True  # ended, not counted
    service.drop(meeting)
    assert pending(start + timedelta(hours=1)) is False  # a dropped meeting is not counted
