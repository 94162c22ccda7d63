"""The open list's order in SQL: ``rules.rank`` as index expressions (no SQLAlchemy import).

``ORDER_EXPRESSIONS`` are the keys of the index ``ix_items_open_rank`` after
``status``: quadrant, then ``rules.rank``'s order (overdue and nearest deadline
first, which is ascending ``due``; severity; importance; meeting start; age).
SQLite uses an index on expressions only for the very same expressions, so a
query that wants the ordered open list without a sort orders by ``ORDER_BY``
from here, as literal text (bound parameters would not match the index).

``COVERED_COLUMNS`` follow the expressions in the index: SQLite 3.40 (Python's)
reads a column used inside an indexed expression from the table unless the index
also holds it plainly, so with them "the open ids in order" (``ORDERED_OPEN_SQL``,
``Service.ordered_open_ids``) is read from the index alone.
"""

from __future__ import annotations

from prioritizer.domain.values import Importance, Quadrant

_LAST = 2**62  # no deadline / no start: after every stored instant (microseconds)

QUADRANT_EXPRESSION = (
    "CASE quadrant " + " ".join(f"WHEN '{q.value}' THEN {i}" for i, q in enumerate(Quadrant)) + f" ELSE {len(Quadrant)} END"
)
RANK_EXPRESSIONS: tuple[str, ...] = (
    f"coalesce(due, {_LAST})",
    "CASE WHEN kind = 'escalation' THEN coalesce(severity, 9) ELSE 9 END",
    "CASE importance " + " ".join(f"WHEN '{i.value}' THEN {-i.rank}" for i in Importance) + " ELSE 0 END",
    f"coalesce(start, {_LAST})",
    "created_at",
)
ORDER_EXPRESSIONS: tuple[str, ...] = (QUADRANT_EXPRESSION, *RANK_EXPRESSIONS)
COVERED_COLUMNS = ("quadrant", "kind", "severity", "due", "importance", "start", "created_at")
# Ties on every expression (same quadrant, same microsecond of creation) follow the index on.
ORDER_BY = ", ".join(ORDER_EXPRESSIONS) + ", quadrant"
# Within one quadrant (QUADRANT_EXPRESSION = n in the WHERE clause).
RANK_ORDER_BY = ", ".join(RANK_EXPRESSIONS) + ", quadrant"

# The open items in rank order, quadrant by quadrant: a walk of ix_items_open_rank, no sort.
# Plain SQL that runs unchanged on SQLite and PostgreSQL (tests/test_ordering.py holds it to rules.rank).
ORDERED_OPEN_SQL = f"SELECT id, quadrant FROM items WHERE status = 'open' ORDER BY {ORDER_BY}"  # noqa: S608 - constants
