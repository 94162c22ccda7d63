"""The text of ``prioritizer list``: from item views, or straight from rows (no SQLAlchemy).

``list_text`` renders views (the Service path, and ``list --all``). ``read_list_text``
renders the open list from the rows of a read snapshot (``fastlist.read_snapshot``),
in the index's order (``ordering.ORDER_BY``), without building a view per item:
for 10,000 items that is most of a whole ``list`` command. Both go through
``item_line`` and ``_render``, and tests/test_fastlist.py holds them to the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from prioritizer.domain import rules
from prioritizer.domain.values import EARLIEST_MICROS, LATEST_MICROS, ItemView, Kind, Quadrant, Status, clamp_micros
from prioritizer.storage.fastlist import EPOCH, IMPORTANCES, KINDS, QUADRANTS, column_sql, paused_gc, read_policy, read_snapshot, to_micros
from prioritizer.storage.ordering import ORDER_BY
from prioritizer.text.humanize import countdown, local_stamp

# Only the columns the line and the rules read: every value fetched is a Python object
# made (~10 ms per ten columns on 10,000 rows).
_TEXT_COLUMNS = (
    "id", "kind", "title", "importance", "due", "strategic", "delegated_to", "created_at", "start", "severity",
    "key_customer", "pinned_quadrant", "pinned_at", "quadrant",
)  # fmt: skip
_TEXT_SELECT = "SELECT " + ", ".join(column_sql(name) for name in _TEXT_COLUMNS) + " FROM items"
_KIND_SHORT_OF = {k.value: k.value[:3] for k in Kind}
_OPEN = Status.OPEN
_MEETING = Kind.MEETING.value
_PLACE = rules.placement_of
_SENTENCE = rules.sentence


def item_line(
    item_id: int, kind: str, title: str, severity: int | None, due: datetime | None, start: datetime | None,
    delegated_to: str | None, pinned: bool, status: str, now: datetime, tz: tzinfo,
) -> str:  # fmt: skip
    """One item's line: id, kind, title and what a glance needs (kind and status as stored text)."""
    line = f"{item_id:>5}  {_KIND_SHORT_OF[kind]}  {title}"
    if severity:
        line += f" [Sev {severity}]"
    if due:
        line += f" ({countdown(due, now)})"
    if kind == _MEETING and start:
        line += f" @ {local_stamp(start, tz, now)}"
    if delegated_to:
        line += f" -> {delegated_to}"
    if pinned:
        line += " [pinned]"
    if status != "open":
        line += f" [{status}]"
    return line


def _render(groups: dict[Quadrant, list[str]], closed: list[str], quadrant: Quadrant | None) -> str:
    """Quadrant headers with their item lines (two per open item), then the closed ones."""
    out: list[str] = []
    for q, lines in groups.items():
        if quadrant is not None and q is not quadrant:
            continue
        out.append(f"{q.label.upper()} ({len(lines) // 2}) - {q.meaning}")
        out += lines
        out.append("")
    if closed:
        out.append(f"CLOSED ({len(closed)})")
        out += closed
    out.append("")
    return "\n".join(out)


def list_text(views: Sequence[ItemView], now: datetime, tz: tzinfo, quadrant: Quadrant | None = None) -> str:
    """The text of ``list``: open items by quadrant with their reasons, then closed ones."""
    groups: dict[Quadrant, list[str]] = {q: [] for q in Quadrant}
    closed = []
    for view in views:
        line = "  " + item_line(
            view.id, view.kind.value, view.title, view.severity, view.due, view.start, view.delegated_to,
            view.placement.pinned, view.status.value, now, tz,
        )  # fmt: skip
        if view.status is _OPEN:
            groups[view.placement.quadrant] += (line, "         " + _SENTENCE(view.placement.reasons))
        else:
            closed.append(line)
    return _render(groups, closed, quadrant)


def _groups(rows: Iterable[Sequence[Any]], now: datetime, tz: tzinfo, horizon: timedelta) -> dict[Quadrant, list[str]] | None:
    """Each quadrant's lines (two per item) from rows of ``_TEXT_COLUMNS``; None when the rules disagree with the cache."""
    groups: dict[Quadrant, list[str]] = {q: [] for q in Quadrant}
    by_value = {q.value: groups[q] for q in Quadrant}
    alike: dict[tuple[Any, ...], tuple[Quadrant, bool, str]] = {}
    epoch, td = EPOCH, timedelta  # hot loop: instants converted inline, as fastlist.from_us
    lo, hi = EARLIEST_MICROS, LATEST_MICROS  # an old file's year-9999 value reads clamped (domain.clamp_micros)
    for (item_id, kind, title, importance, due_us, strategic, delegated_to, created_us, start_us, severity,
         key_customer, pinned_q, pinned_us, cached_q) in rows:  # fmt: skip
        # Without a deadline or a start, these are every value the rules read that
        # changes from item to item (now and the horizon do not): items alike share one answer.
        key = (kind, importance, strategic, severity, key_customer, pinned_q, pinned_us) if due_us is None and start_us is None else None
        placed = alike.get(key) if key is not None else None
        due = None if due_us is None else epoch + td(0, 0, due_us if lo <= due_us <= hi else clamp_micros(due_us))
        start = None if start_us is None else epoch + td(0, 0, start_us if lo <= start_us <= hi else clamp_micros(start_us))
        if placed is None:
            q, _, _, pinned, reasons, _ = _PLACE(
                KINDS[kind], IMPORTANCES[importance], due, strategic, severity, key_customer, start,
                # The rules read created_at only for a meeting's notice: not converted otherwise.
                None if created_us is None or start is None else
                epoch + td(0, 0, created_us if lo <= created_us <= hi else clamp_micros(created_us)),
                QUADRANTS[pinned_q] if pinned_q else None,
                None if pinned_us is None else epoch + td(0, 0, pinned_us if lo <= pinned_us <= hi else clamp_micros(pinned_us)),
                now, horizon,
            )  # fmt: skip
            placed = (q, pinned, "         " + _SENTENCE(reasons))
            if key is not None:
                alike[key] = placed
        q, pinned, because = placed
        if q is not QUADRANTS[cached_q]:
            return None
        by_value[cached_q] += (
            "  " + item_line(item_id, kind, title, severity, due, start if kind == _MEETING else None,
                             delegated_to, pinned, "open", now, tz),
            because,
        )  # fmt: skip
    return groups


def read_list_text(option: str | None, now: datetime, tz: tzinfo, quadrant: Quadrant | None = None) -> str | None:
    """The open list's text read with sqlite3, "" when nothing is open; None to take the Service path.

    None in every case ``fastlist.read_list`` gives it.
    Also None when the rules place an item elsewhere than its cached quadrant (a
    ``--now`` before its last placement): the rows' order is the cache's.
    """
    import sqlite3

    now_us = to_micros(now)
    with read_snapshot(option, now_us) as conn:
        if conn is None:
            return None
        try:
            policy = read_policy(conn)
            where = "items.status = 'open'" + (" AND items.quadrant = :quadrant" if quadrant is not None else "")
            params = {"quadrant": quadrant.value if quadrant is not None else ""}
            with paused_gc():
                # Rows are formatted as they are read, not all fetched first: 10,000 tasks peak at
                # 20 MB instead of 23 (the time is the same, 41 interleaved runs).
                rows = conn.execute(f"{_TEXT_SELECT} WHERE {where} ORDER BY {ORDER_BY}", params)  # noqa: S608
                groups = _groups(rows, now, tz, policy.urgency_horizon)
        except (sqlite3.Error, KeyError, ValueError, TypeError, OverflowError):
            return None
    if groups is None:
        return None
    if not any(groups.values()):
        return ""
    return _render(groups, [], quadrant)
