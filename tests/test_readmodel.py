"""The read model (prioritizer.storage.readmodel): the views `list`, `show` and the window show."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.domain import rules
from prioritizer.domain.values import Importance, Kind, Policy, Quadrant
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.readmodel import facts_of
from prioritizer.storage.schema import Item
from tests.conftest import NOW

NOW_ARG = NOW.isoformat()


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["--db", str(path), "--now", NOW_ARG, "demo"]) == 0
    return path


@pytest.fixture
def demo_db(demo_source: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite3"
    path.write_bytes(demo_source.read_bytes())
    return path


@pytest.mark.parametrize("hours", [0, -30, 2, 26, 24 * 9, -24 * 400])
def test_views_match_the_rules_at_any_clock(demo_db: Path, hours: int) -> None:
    """Cached or not, every view's placement and order are the rules' answer at that moment."""
    at = NOW + timedelta(hours=hours)
    service = Service.open(str(demo_db), now=at)
    try:
        views = service.list_items(include_closed=True, refresh=False)
        with service.read_unit() as session:
            items = {i.id: i for i in session.query(Item)}
            facts = {i: facts_of(item) for i, item in items.items()}
        policy = service.policy()
        for view in views:
            expected = rules.place(facts[view.id], at, policy)
            assert view.placement == expected and expected == view.placement
            assert view.placement.reasons == expected.reasons
            assert view.rank == rules.rank(facts[view.id], at)
            assert view.order_reason == rules.explain_rank(facts[view.id], at)
        order = [(v.status.value != "open", list(Quadrant).index(v.quadrant), v.rank) for v in views]
        assert order == sorted(order)
    finally:
        service.close()


def test_ordered_open_ids_follow_list_items(demo_db: Path) -> None:
    service = Service.open(str(demo_db), now=NOW)
    try:
        assert service.ordered_open_ids() == [(v.id, v.quadrant) for v in service.list_items()]
    finally:
        service.close()


@pytest.mark.parametrize("hours", [0, 30, -24 * 9])
def test_views_by_id_are_the_full_lists_views(demo_db: Path, hours: int) -> None:
    """``list_items(ids=...)`` (the window's reload after a change) gives exactly the views of the
    full list, open and closed, at any clock."""
    at = NOW + timedelta(hours=hours)
    service = Service.open(str(demo_db), now=at)
    try:
        # A running timer on an item with time already spent: it counts up to the clock.
        busy = max(service.list_items(), key=lambda v: v.minutes_spent)
        service.start_timer(busy.id)
        service.clock = lambda: at + timedelta(minutes=95)
        full = {v.id: v for v in service.list_items(include_closed=True, refresh=False)}
        assert full[busy.id].timer_running and full[busy.id].minutes_spent == busy.minutes_spent + 95
        open_only = {v.id for v in service.list_items(refresh=False)}
        assert full and len(open_only) < len(full)  # the demo has closed items too
        for item_id, view in full.items():
            (by_id,) = service.list_items(ids=[item_id], include_closed=True, refresh=False)
            assert by_id == view and by_id.minutes_spent == view.minutes_spent and by_id.order_reason == view.order_reason
            assert [v.id for v in service.list_items(ids=[item_id], refresh=False)] == ([item_id] if item_id in open_only else [])
        some = sorted(full)[::3]
        assert {v.id for v in service.list_items(ids=some, include_closed=True, refresh=False)} == set(some)
        assert service.list_items(ids=[], include_closed=True) == []
        assert service.list_items(ids=[10**9], include_closed=True) == []
    finally:
        service.close()


def test_list_of_a_missing_file_says_so_and_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.sqlite3"
    assert main(["--db", str(path), "--now", NOW_ARG, "list"]) == 2
    assert "there is no database at" in capsys.readouterr().err
    assert not path.exists()


def test_list_of_not_a_database_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    assert main(["--db", str(path), "--now", NOW_ARG, "list"]) == 1
    assert "not a database" in capsys.readouterr().err


def test_list_of_damaged_pages_says_so(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(demo_db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 2, len(data), page):  # every page after the first two: b-tree headers garbled
        data[offset : offset + 8] = b"\xff" * 8
    demo_db.write_bytes(bytes(data))
    assert main(["--db", str(demo_db), "--now", NOW_ARG, "list"]) == 1
    assert "damaged" in capsys.readouterr().err


def test_stored_policy_places_the_views(demo_db: Path) -> None:
    service = Service.open(str(demo_db), now=NOW)
    try:
        policy = Policy(urgency_horizon=timedelta(hours=7, minutes=30), proactive_target=0.4, work_start_minute=480,
                        work_end_minute=1000, work_days=(1, 2, 3), forgotten_timer=timedelta(hours=2))  # fmt: skip
        service.set_policy(policy)
        assert service.policy() == policy
        with service.read_unit() as session:
            facts = {item.id: facts_of(item) for item in session.query(Item)}
        for view in service.list_items(include_closed=True):
            assert view.placement == rules.place(facts[view.id], NOW, policy)
    finally:
        service.close()


def test_list_leaves_the_files_as_it_found_them(demo_db: Path) -> None:
    from prioritizer.safety.backup import file_state, list_backups

    before = file_state(str(demo_db))
    assert main(["--db", str(demo_db), "--now", NOW_ARG, "list"]) == 0
    assert file_state(str(demo_db)) == before
    assert not demo_db.with_name(demo_db.name + "-wal").exists()
    assert list_backups(str(demo_db)) == []  # a read: no automatic backup


def test_list_beside_an_open_writer(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service = Service.open(str(demo_db), now=NOW)
    try:
        service.add(ItemDraft("Written while the list reads"))
        assert demo_db.with_name(demo_db.name + "-wal").exists()
        capsys.readouterr()
        assert main(["--db", str(demo_db), "--now", NOW_ARG, "list"]) == 0
        assert "Written while the list reads" in capsys.readouterr().out
    finally:
        service.close()


def test_items_alike_but_for_one_detail_keep_their_own_reasons(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Any detail the rules read shows in an item's reasons, even among items otherwise alike."""
    service = Service.open(str(db_path), now=NOW)
    try:
        add = lambda **fields: service.add(ItemDraft(**fields)).value  # noqa: E731
        for _ in range(2):
            add(title="Tidy the macros")
        add(title="Tidy the macros", strategic=True)
        add(title="Tidy the macros", importance=Importance.HIGH)
        for severity in (2, 3, 4, 4):
            add(title="Slow exports", kind=Kind.ESCALATION, severity=severity)
        add(title="Slow exports", kind=Kind.ESCALATION, severity=4, key_customer=True)
        pinned = [add(title="Answer the survey"), add(title="Answer the survey")]
        service.move(pinned[0], Quadrant.DO)
    finally:
        service.close()
    later = Service.open(str(db_path), now=NOW + timedelta(days=1, hours=3))
    try:
        later.move(pinned[1], Quadrant.DO)
    finally:
        later.close()
    argv = ["--db", str(db_path), "--now", (NOW + timedelta(days=2)).isoformat(), "list"]
    capsys.readouterr()
    assert main(argv) == 0
    reasons = [line.strip() for line in capsys.readouterr().out.splitlines() if line.startswith("         ")]
    assert len(reasons) == 11 and sum(r.startswith("Sev 2 escalation") for r in reasons) == 1
    assert sum("Marked strategic" in r for r in reasons) == 1 and sum(r.startswith("High importance") for r in reasons) == 1
    assert sum("key customer" in r for r in reasons) == 1
    assert len({r for r in reasons if r.startswith("Placed here by you")}) == 2  # pinned on two days
