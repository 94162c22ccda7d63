"""Incident mode's summary: what was captured, moved, delegated and done, and the time logged meanwhile.

An incident is the span between the manager starting and ending incident mode.
Starting one writes nothing (it must be instant, even while another program
writes); ending one reads what happened in the span from the data and keeps the
summary for the weekly review (``Service.record_incident``). What happened is read
from fields, never from the triage log's human notes:

* captured: items created during the incident;
* moved: items the user moved or let the rules place again (``TriageAction.MOVE``
  and ``UNPIN`` in the triage log) during it;
* delegated: open items in Delegate at the end that were sent there during the
  incident, or handed to someone (``delegated_to``) during it; an item that landed
  in Delegate and was then pulled into Do was not delegated;
* done: items marked done during it;
* time logged: every time entry's overlap with the span (a running timer up to its end).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import and_, or_, select

from prioritizer.domain.values import Actor, IncidentSummary, Quadrant, Status, TriageAction
from prioritizer.services.service import Service
from prioritizer.storage.schema import Item, TimeEntry, TriageLog
from prioritizer.text.humanize import local_stamp

MOVED = (TriageAction.MOVE.value, TriageAction.UNPIN.value)


def summarize(service: Service, started: datetime, ended: datetime) -> IncidentSummary:
    """The summary of the span ``[started, ended]`` (not stored; ``end_incident`` stores it)."""
    with service.read_unit() as session:
        captured = session.scalars(select(Item.id).where(Item.created_at >= started, Item.created_at <= ended).order_by(Item.id)).all()
        in_span = and_(TriageLog.at >= started, TriageLog.at <= ended)
        moved = session.scalars(
            select(TriageLog.item_id)
            .where(in_span, TriageLog.actor == Actor.USER.value, TriageLog.action.in_(MOVED))
            .distinct()
            .order_by(TriageLog.item_id)
        ).all()
        sent_to_delegate = select(TriageLog.item_id).where(in_span, TriageLog.to_quadrant == Quadrant.DELEGATE.value)
        handed = and_(
            Item.delegated_to.is_not(None),
            Item.delegated_to != "",
            or_(Item.updated_at.between(started, ended), Item.created_at.between(started, ended)),
        )
        delegated = session.scalars(
            select(Item.id)
            .where(
                Item.status == Status.OPEN.value,
                or_(and_(Item.quadrant == Quadrant.DELEGATE.value, Item.id.in_(sent_to_delegate)), handed),
            )
            .order_by(Item.id)
        ).all()
        done = session.scalars(
            select(Item.id).where(Item.status == Status.DONE.value, Item.closed_at.between(started, ended)).order_by(Item.id)
        ).all()
        spans = session.execute(
            select(TimeEntry.start, TimeEntry.end).where(TimeEntry.start <= ended, or_(TimeEntry.end.is_(None), TimeEntry.end >= started))
        ).all()
    seconds = sum(max(0.0, (min(end or ended, ended) - max(start, started)).total_seconds()) for start, end in spans)
    return IncidentSummary(
        started_at=started,
        ended_at=ended,
        title=f"Incident {local_stamp(started, service.tz)}",
        captured=tuple(captured),
        moved=tuple(moved),
        delegated=tuple(delegated),
        done=tuple(done),
        minutes_logged=round(seconds / 60),
    )


def end_incident(service: Service, started: datetime) -> IncidentSummary:
    """End the incident that began at ``started`` now: its summary, kept for the weekly review (with its id)."""
    summary = summarize(service, started, service.now())
    return replace(summary, id=service.record_incident(summary).value)


def titles(service: Service, summary: IncidentSummary) -> dict[int, str]:
    """The titles of the items a summary names, by id (closed ones too)."""
    ids = sorted({*summary.captured, *summary.moved, *summary.delegated, *summary.done})
    return {view.id: view.title for view in service.list_items(ids=ids, include_closed=True)} if ids else {}
