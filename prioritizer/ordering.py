"""The open list's order in SQL: ``rules.rank`` as index expressions (no SQLAlchemy import).

``ORDER_EXPRESSIONS`` are the keys of the index ``ix_items_open_rank`` (after
``status``, before ``quadrant``): quadrant, then ``rules.rank``'s order (overdue
and nearest deadline first, which is ascending ``due``; severity; importance;
meeting start; age). SQLite uses an index on expressions only for the very same
expressions, so every query that wants the ordered open list without a sort
orders by ``ORDER_BY`` from here, as literal text (bound parameters would not
match the index). With ``quadrant`` at the end of the index, "the open ids and
their quadrants, in order" is read from the index alone.
"""

from __future__ import annotations

from .domain import Importance, Quadrant

_LAST = 2**62  # no deadline / no start: after every stored instant (microseconds)

ORDER_EXPRESSIONS: tuple[str, ...] = (
    "CASE quadrant " + " ".join(f"WHEN '{q.value}' THEN {i}" for i, q in enumerate(Quadrant)) + f" ELSE {len(Quadrant)} END",
    f"coalesce(due, {_LAST})",
    "CASE WHEN kind = 'escalation' THEN coalesce(severity, 9) ELSE 9 END",
    "CASE importance " + " ".join(f"WHEN '{i.value}' THEN {-i.rank}" for i in Importance) + " ELSE 0 END",
    f"coalesce(start, {_LAST})",
    "created_at",
)
# quadrant (a key of the index, for reading it from the index) and then id: the index's own order to its end.
ORDER_BY = ", ".join(ORDER_EXPRESSIONS) + ", quadrant, id"
