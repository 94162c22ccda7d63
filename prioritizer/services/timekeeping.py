"""Keeping time entries honest: forgotten timers, edits, deletions, overlaps, the target.

Starting and stopping the timer and logging time live in ``Service``; this module
adds what comes after: a timer forgotten over lunch or overnight, an entry typed
wrong, two entries claiming the same minutes. Every change is validated first
(``InputError`` naming the problem, nothing written), runs in one transaction,
and returns a ``Result`` with ``Changes(time=True)`` so the balance, the status
bar and the item cards refresh.

History is never rewritten by editing an item: an entry moved to another span
takes the quadrants the item was in *during that span* (``Service._segments``),
and a trimmed piece keeps the quadrant it was worked in.

Qt-free.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, and_, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from prioritizer.domain.clock import day_bounds, local_date
from prioritizer.domain.drafts import MAX_TITLE, Result, clean_text
from prioritizer.domain.values import Changes, InputError, StaleItemError, TimeEntryView, check_instant
from prioritizer.reports.balance import longest_span, session_run
from prioritizer.services.service import Service, _entry_view
from prioritizer.storage.schema import Item, Setting, TimeEntry, UTCDateTime, to_micros

MAX_ENTRY = timedelta(days=7)  # the same limit as Service.log_time
ACK_KEY = "timer.kept_since"  # start (ISO) of the timer run the user chose to keep


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"the {what} must carry a time zone")
    return check_instant(value, f"the {what}")  # the years every view can show (domain)


def _entry(session: Session, entry_id: int) -> TimeEntry:
    entry = session.get(TimeEntry, entry_id)
    if entry is None:
        raise InputError(f"no time entry with id {entry_id}")
    return entry


def get_entry(service: Service, entry_id: int) -> TimeEntryView:
    """One time entry; InputError for an unknown id."""
    with service.unit() as session:
        return _entry_view(_entry(session, entry_id))


# ---------------------------------------------------------------- the timer
def _running_chain(session: Session) -> list[TimeEntry]:
    """The running entry and the pieces it was split from, oldest first.

    A quadrant change ends the running entry and starts a new one at the same
    instant, so one timer run is a chain of touching entries of one item.
    """
    running = session.scalar(select(TimeEntry).where(TimeEntry.end.is_(None)).order_by(TimeEntry.start.desc()).limit(1))
    if running is None:
        return []
    chain = [running]
    while True:
        head = chain[0]
        previous = session.scalar(
            select(TimeEntry).where(
                TimeEntry.item_id == head.item_id,
                TimeEntry.end == head.start,
                TimeEntry.source == head.source,
                # A split always changes the quadrant; a stop and restart at the same instant does not.
                TimeEntry.quadrant != head.quadrant,
                TimeEntry.id != head.id,
            )
        )
        if previous is None or previous in chain:
            return chain
        chain.insert(0, previous)


def running_since(service: Service) -> datetime | None:
    """When the running timer was started (before any quadrant split), or None."""
    with service.unit() as session:
        chain = _running_chain(session)
        return chain[0].start if chain else None


def forgotten_timer(service: Service) -> TimeEntryView | None:
    """The running entry if its timer looks forgotten, else None.

    Forgotten: running longer than ``policy.forgotten_timer`` (default 4 h) or
    across local midnight, and not already kept by the user (``keep_running``).
    The returned view's ``start`` is when the timer was started, even if a
    quadrant change split it since; its ``id`` is the running piece.
    """
    now = service.now()
    with service.read_unit() as session:  # a read: no write lock
        chain = _running_chain(session)
        if not chain:
            return None
        started = chain[0].start
        kept = session.get(Setting, ACK_KEY)
        if kept is not None and kept.value == started.isoformat():
            return None
        limit = service.policy_in(session).forgotten_timer
        crossed_midnight = local_date(started, service.tz) != local_date(now, service.tz)
        if now - started <= limit and not crossed_midnight:
            return None
        return replace(_entry_view(chain[-1]), start=started)


def _same_run(session: Session, chain: list[TimeEntry], asked: TimeEntryView | None) -> None:
    """StaleItemError when the running timer is not the run the caller asked about (its item and start)."""
    if asked is None or (chain and (chain[0].item_id, chain[0].start) == (asked.item_id, asked.start)):
        return
    if not chain:
        raise StaleItemError("the timer was stopped elsewhere; nothing was changed", timer=True)
    title = session.scalar(select(Item.title).where(Item.id == chain[0].item_id))
    message = f"the timer was started again elsewhere, on {title}; nothing was changed"
    raise StaleItemError(message, frozenset({chain[0].item_id}), timer=True)


def keep_running(service: Service, *, asked: TimeEntryView | None = None) -> Result[None]:
    """Keep the forgotten timer running: it is not questioned again.

    ``asked``: the run the caller asked about (``forgotten_timer``'s view); StaleItemError
    if another run is going now (or none), as for ``trim_running``.
    """
    with service.unit() as session:
        chain = _running_chain(session)
        _same_run(session, chain, asked)
        if not chain:
            raise InputError("no timer is running")
        session.merge(Setting(key=ACK_KEY, value=chain[0].start.isoformat()))
    return Result(None, Changes())


def trim_running(service: Service, end: datetime, *, asked: TimeEntryView | None = None) -> Result[TimeEntryView]:
    """Stop the running timer at ``end`` (between its start and now): the forgotten hours go.

    ``asked``: the run the caller asked about (``forgotten_timer``'s view); StaleItemError,
    nothing trimmed, if the timer was stopped or started again elsewhere since: another run
    is never cut.
    """
    end = _aware(end, "end")
    now = service.now()
    with service.unit() as session:
        chain = _running_chain(session)
        _same_run(session, chain, asked)
        if not chain:
            raise InputError("no timer is running")
        started = chain[0].start
        if end <= started:
            raise InputError("the end is before the start of the timer")
        if end > now:
            raise InputError("the end is in the future: stop the timer at a time that has passed")
        last: TimeEntry | None = None
        for piece in chain:
            if piece.start >= end:
                session.delete(piece)  # a piece that began after the chosen end never happened
            else:
                if piece.end is None or piece.end > end:
                    piece.end = end
                last = piece
        assert last is not None  # the first piece starts before end
        session.flush()
        view = _entry_view(last)
        item_id = last.item_id
    return Result(view, Changes(items=frozenset({item_id}), time=True))


# ------------------------------------------------------------ edit / delete
def edit_entry(service: Service, entry_id: int, start: datetime, end: datetime | None, note: str = "") -> Result[list[TimeEntryView]]:
    """Change an entry's span and note.

    ``end`` None keeps a running entry running (only a running entry may have
    no end). The new span is attributed to the quadrants the item was in during
    it, so it may come back as several entries; the first keeps the id.
    """
    start = _aware(start, "start")
    if end is not None:
        end = _aware(end, "end")
        if end <= start:
            raise InputError("the end is before the start")
    clean_note = clean_text(note, "the note", MAX_TITLE)
    service.refresh()
    now = service.now()
    with service.unit() as session:
        entry = _entry(session, entry_id)
        if end is None and entry.end is not None:
            raise InputError("a finished entry needs an end")
        if end is None and start > now:
            raise InputError("a running timer cannot start in the future")
        span_changed = (start, end) != (entry.start, entry.end)
        if span_changed and end is not None and end - start > MAX_ENTRY:
            raise InputError("a time entry cannot be longer than 7 days")
        item = session.get(Item, entry.item_id)
        assert item is not None  # foreign key
        entries = [entry]
        if span_changed:
            # Service._segments is the one place that knows the item's quadrant history.
            pieces = service._segments(session, item, start, end if end is not None else max(now, start))
            entry.start, entry.end, entry.quadrant = pieces[0]
            for s, e, quadrant in pieces[1:]:
                extra = TimeEntry(item_id=item.id, start=s, end=e, quadrant=quadrant, source=entry.source, note=clean_note)
                session.add(extra)
                entries.append(extra)
            if end is None:
                entries[-1].end = None  # the last piece keeps running
        entry.note = clean_note
        session.flush()
        views = [_entry_view(e) for e in entries]
    return Result(views, Changes(items=frozenset({views[0].item_id}), time=True))


def delete_entry(service: Service, entry_id: int) -> Result[int]:
    """Remove an entry for good (a running one stops without counting)."""
    with service.unit() as session:
        entry = _entry(session, entry_id)
        item_id = entry.item_id
        session.delete(entry)
    return Result(entry_id, Changes(items=frozenset({item_id}), time=True))


# ----------------------------------------------------------------- overlaps
def overlaps(service: Service, start: date, end: date) -> list[tuple[TimeEntryView, TimeEntryView]]:
    """Pairs of entries that claim the same minutes within the local days ``start`` to ``end``.

    Touching entries (one ends when the other starts) do not overlap. Each pair
    comes once, earlier entry first.
    """
    if end < start:
        raise InputError("the range ends before it starts")
    lo, _ = day_bounds(start, service.tz)
    _, hi = day_bounds(end, service.tz)
    now = service.now()
    a, b = aliased(TimeEntry), aliased(TimeEntry)
    now_value = literal(now, UTCDateTime())  # typed, so it binds as microseconds like the columns
    a_end, b_end = func.coalesce(a.end, now_value), func.coalesce(b.end, now_value)
    with service.unit() as session:
        longest = timedelta(microseconds=longest_span(session_run(session), to_micros(now)))
        # Both sides are range scans of ix_entries_start: a from the range (reaching back
        # by the longest entry), b from a's start to a's end. Each pair comes once.
        rows = session.execute(
            select(a, b)
            .join(b, and_(b.start >= a.start, b.start < a_end, b_end > a.start, or_(b.start > a.start, b.id > a.id)))
            .where(a.start < hi, a.start >= lo - longest, a_end > lo)
            .order_by(a.start, b.start)
        ).all()
        return [(_entry_view(x), _entry_view(y)) for x, y in rows]


def entry_overlaps(service: Service, item_id: int) -> dict[int, list[int]]:
    """For each entry of an item, the ids of any entries (of any item) overlapping it."""
    now = service.now()
    a, b = aliased(TimeEntry), aliased(TimeEntry)
    now_value = literal(now, UTCDateTime())
    with service.unit() as session:
        longest = longest_span(session_run(session), to_micros(now))
        rows = session.execute(
            select(a.id, b.id)
            .join(
                b,
                and_(
                    b.id != a.id,
                    type_coerce(b.start, BigInteger) >= type_coerce(a.start, BigInteger) - longest,
                    b.start < func.coalesce(a.end, now_value),
                    func.coalesce(b.end, now_value) > a.start,
                ),
            )
            .where(a.item_id == item_id)
        ).all()
    found: dict[int, list[int]] = {}
    for mine, other in rows:
        found.setdefault(mine, []).append(other)
    return found


def resolve_overlap(service: Service, keep_id: int, other_id: int) -> Result[list[TimeEntryView]]:
    """Trim ``other`` so it no longer overlaps ``keep``; returns what is left of ``other``.

    An ``other`` inside ``keep`` is deleted; one around it is cut in two; the
    pieces keep the quadrant they were worked in.
    """
    if keep_id == other_id:
        raise InputError("an entry cannot overlap itself")
    now = service.now()
    with service.unit() as session:
        keep, other = _entry(session, keep_id), _entry(session, other_id)
        k_end = keep.end if keep.end is not None else max(now, keep.start)
        o_end = other.end if other.end is not None else max(now, other.start)
        if not (other.start < k_end and keep.start < o_end):
            raise InputError(f"entries {keep_id} and {other_id} do not overlap")
        pieces: list[tuple[datetime, datetime | None]] = []
        if other.start < keep.start:
            pieces.append((other.start, min(o_end, keep.start)))
        if keep.end is not None and o_end > keep.end:
            # A running ``other`` goes on running after a finished ``keep``.
            pieces.append((max(other.start, keep.end), other.end))
        item_id = other.item_id
        left: list[TimeEntry] = []
        if not pieces:
            session.delete(other)
        else:
            other.start, other.end = pieces[0]
            left.append(other)
            for s, e in pieces[1:]:
                extra = TimeEntry(item_id=other.item_id, start=s, end=e, quadrant=other.quadrant, source=other.source, note=other.note)
                session.add(extra)
                left.append(extra)
        session.flush()
        views = [_entry_view(e) for e in left]
    return Result(views, Changes(items=frozenset({item_id}), time=True))


# -------------------------------------------------------------------- target
def set_target(service: Service, share: float) -> Result[float]:
    """Set the proactive target, a share between 0 and 1 (0.3 for 30 %)."""
    if isinstance(share, bool) or not isinstance(share, int | float) or not math.isfinite(share):
        raise InputError("the proactive target must be a number between 0 and 1")
    if not 0 <= share <= 1:
        raise InputError(f"the proactive target {share} is out of range: use a share between 0 and 1 (0.3 for 30 %)")
    result = service.set_policy(replace(service.policy(), proactive_target=float(share)))
    return Result(result.value.proactive_target, result.changes | Changes(time=True))
