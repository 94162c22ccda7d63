"""The incident summary comes from the core: captured, moved, delegated, done and time logged.

The window only shows it (tests/test_ui_window.py); here the same figures are read
straight from ``prioritizer.services.incidents`` without a display.
"""

from __future__ import annotations

from datetime import timedelta

from prioritizer.domain.values import Importance, Kind, Quadrant
from prioritizer.services.incidents import end_incident, summarize, titles
from prioritizer.services.service import ItemDraft, Service
from prioritizer.text.humanize import incident_summary_text
from tests.conftest import NOW


def _at(service: Service, minutes: float) -> None:
    service.clock = lambda: NOW + timedelta(minutes=minutes)


def test_the_summary_counts_what_happened_during_the_incident(service: Service) -> None:
    before = service.add(ItemDraft(title="Quarterly plan", importance=Importance.HIGH)).value
    refund = service.add(ItemDraft(title="Refund backlog")).value
    old_pin = service.add(ItemDraft(title="Vendor call")).value
    service.move(old_pin, Quadrant.DO)  # a pin from before the incident
    service.start_timer(before)
    _at(service, 10)
    started = service.now()  # the incident starts: nothing is written

    _at(service, 11)
    outage = service.add(ItemDraft(title="Checkout down", kind=Kind.ESCALATION, severity=1)).value
    bounced = service.add(ItemDraft(title="Payments 502s", kind=Kind.ESCALATION, due=NOW + timedelta(hours=1))).value
    handed = service.add(ItemDraft(title="Call the customer", delegated_to="Sam")).value
    _at(service, 15)
    service.move(refund, Quadrant.DELEGATE)  # sent to Delegate, and still there at the end
    service.move(bounced, Quadrant.DELEGATE)
    service.move(bounced, Quadrant.DO)  # ... pulled back: not delegated
    service.unpin(old_pin)  # "let the rules decide" is a move by the user too
    service.stop_timer()  # 15 minutes of the running timer fall inside the incident
    service.log_time(outage, NOW + timedelta(minutes=20), NOW + timedelta(minutes=50))
    _at(service, 40)
    service.done(outage)
    _at(service, 55)
    summary = end_incident(service, started)

    assert summary.id is not None and summary.duration == timedelta(minutes=45)
    assert summary.captured == (outage, bounced, handed)
    assert summary.moved == tuple(sorted((refund, bounced, old_pin)))
    assert summary.delegated == tuple(sorted((refund, handed)))
    assert summary.done == (outage,)
    assert summary.minutes_logged == 5 + 30
    (kept,) = service.incidents(started, service.now())
    assert kept == summary
    text = incident_summary_text(summary, titles(service, summary))
    assert "Captured 3: Checkout down, Payments 502s, Call the customer" in text
    assert "Done 1: Checkout down" in text and "Time logged meanwhile: 35 min." in text


def test_a_quiet_incident_counts_nothing_and_a_running_timer_counts_up_to_its_end(service: Service) -> None:
    item = service.add(ItemDraft(title="Inbox")).value
    service.start_timer(item)
    _at(service, 30)
    started = service.now()
    _at(service, 42)
    summary = summarize(service, started, service.now())
    assert (summary.captured, summary.moved, summary.delegated, summary.done) == ((), (), (), ())
    assert summary.minutes_logged == 12
    assert summary.id is None and service.incidents(NOW, NOW + timedelta(days=1)) == []  # summarize stores nothing
