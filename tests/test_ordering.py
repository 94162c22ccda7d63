"""The open list's order from the index (prioritizer/ordering.py) is rules.rank's order, read without a sort."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

from prioritizer.domain import rules
from prioritizer.domain.values import Importance, Kind, Quadrant
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.ordering import ORDERED_OPEN_SQL
from tests.conftest import NOW


def _fill(service: Service, count: int, seed: int) -> None:
    """Items with every ordering key varied, and many ties (same due, same severity, same start)."""
    pick = random.Random(seed)
    clock = [NOW - timedelta(days=30)]
    service.clock = lambda: clock[0]  # creation times spread over a month
    dues = [NOW + timedelta(hours=h) for h in (-50, -3, 0.5, 2, 30, 200)] + [None, None]
    for n in range(count):
        kind = pick.choice(list(Kind))
        start = NOW + timedelta(hours=pick.choice((-4, 3, 3, 48))) if kind is Kind.MEETING else None
        draft = ItemDraft(
            title=f"item {n}",
            kind=kind,
            importance=pick.choice(list(Importance)),
            due=pick.choice(dues),
            strategic=pick.random() < 0.1,
            severity=pick.choice((None, 1, 2, 3, 4)) if kind is Kind.ESCALATION else None,
            start=start,
            end=start + timedelta(minutes=30) if start is not None else None,
        )
        service.add(draft)
        clock[0] += timedelta(minutes=pick.choice((0, 0, 7, 60)))  # some created in the same instant
        if pick.random() < 0.1:
            ids = [i for i, _ in service.ordered_open_ids()]
            service.move(pick.choice(ids), pick.choice(list(Quadrant)))
    service.clock = lambda: NOW


def test_ordered_ids_follow_the_rules(tmp_path: Path) -> None:
    service = Service.open(str(tmp_path / "o.sqlite3"), now=NOW)
    try:
        _fill(service, 300, seed=7)
        views = service.list_items()
        expected = sorted(views, key=lambda v: (list(Quadrant).index(v.quadrant), *rules.rank(v, NOW)))
        got = service.ordered_open_ids()
        assert [q for _, q in got] == [v.quadrant for v in expected]
        # Ties in every rank key may come in either order; everything else must match.
        key = {v.id: (v.quadrant, rules.rank(v, NOW)) for v in views}
        assert [key[i] for i, _ in got] == [key[v.id] for v in expected]
        assert sorted(i for i, _ in got) == sorted(v.id for v in views)
    finally:
        service.close()


def test_the_order_is_read_from_the_index_alone(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    Service.open(str(path), now=NOW).close()
    conn = sqlite3.connect(path)
    try:
        plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + ORDERED_OPEN_SQL))
        assert "COVERING INDEX ix_items_open_rank" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        conn.close()


def test_ordered_ids_apply_a_change_that_fell_due_first(tmp_path: Path) -> None:
    service = Service.open(str(tmp_path / "o.sqlite3"), now=NOW - timedelta(days=2))
    try:
        item = service.add(ItemDraft(title="Renewal deck", importance=Importance.HIGH, due=NOW + timedelta(hours=6))).value
        assert service.ordered_open_ids() == [(item, Quadrant.SCHEDULE)]
        service.clock = lambda: NOW  # two days later: due in 6 h, inside the urgency horizon
        assert service.ordered_open_ids() == [(item, Quadrant.DO)]
        assert [h.to_quadrant for h in service.history(item)] == [Quadrant.SCHEDULE, Quadrant.DO]
    finally:
        service.close()
