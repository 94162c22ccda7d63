"""The `list` read path without SQLAlchemy (prioritizer.storage.fastlist): same output as the Service, and every fallback."""

from __future__ import annotations

import pickle
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.domain import rules
from prioritizer.domain.clock import local_tz
from prioritizer.domain.values import Importance, Kind, Placement, Policy, Quadrant
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage import fastlist, listtext
from prioritizer.storage.engine import SCHEMA_VERSION, resolve_location, sqlite_path
from prioritizer.storage.schema import Item
from tests.conftest import NOW

NOW_ARG = NOW.isoformat()
LISTS = (["list"], ["list", "--json"], ["list", "--all"], ["list", "--all", "--json"], ["list", "--quadrant", "do"],
         ["list", "--quadrant", "eliminate", "--json"])  # fmt: skip


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


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *, fast: bool) -> tuple[int, str, str]:
    """Run the CLI; assert `list` took a fast path (fast=True: the text one for a text list of open
    items, else read_list), or force the Service path (fast=False)."""
    taken: list[str] = []
    real_views, real_text = fastlist.read_list, listtext.read_list_text

    def views(*args: object, **kwargs: object) -> fastlist.FastList | None:
        result = real_views(*args, **kwargs) if fast else None  # type: ignore[arg-type]
        taken.append("views" if result is not None else "none")
        return result

    def text(*args: object, **kwargs: object) -> str | None:
        result = real_text(*args, **kwargs) if fast else None  # type: ignore[arg-type]
        taken.append("text" if result is not None else "none")
        return result

    monkeypatch.setattr(fastlist, "read_list", views)
    monkeypatch.setattr(listtext, "read_list_text", text)
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    monkeypatch.setattr(fastlist, "read_list", real_views)
    monkeypatch.setattr(listtext, "read_list_text", real_text)
    text_list = argv[-1] != "--json" and "--all" not in argv and "--json" not in argv
    if not fast:
        assert "text" not in taken and "views" not in taken
    else:
        assert taken[-1] == ("text" if text_list else "views"), taken
    return code, out, err


@pytest.mark.parametrize("args", LISTS, ids=" ".join)
def test_fast_path_prints_what_the_service_path_prints(
    demo_db: Path, args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--db", str(demo_db), "--now", NOW_ARG, *args]
    slow = _run(argv, capsys, monkeypatch, fast=False)
    fast = _run(argv, capsys, monkeypatch, fast=True)
    assert slow[0] == 0 and slow[1]
    assert fast == slow


def test_fast_views_equal_service_views(demo_db: Path) -> None:
    service = Service.open(str(demo_db), now=NOW)
    try:
        for include_closed in (False, True):
            fast = fastlist.read_list(str(demo_db), NOW, local_tz(), None, include_closed)
            assert fast is not None
            views = service.list_items(include_closed=include_closed)
            assert fast.views == views
            assert [v.placement.reasons for v in fast.views] == [v.placement.reasons for v in views]
            assert [v.rank for v in fast.views] == [v.rank for v in views]
    finally:
        service.close()


@pytest.mark.parametrize("hours", [0, -30, 2, 26, 24 * 9, -24 * 400])
def test_views_match_the_rules_at_any_clock(demo_db: Path, hours: int) -> None:
    """Cached or not, every view's placement and order are the rules' answer at that moment."""
    at = NOW + timedelta(hours=hours)
    service = Service.open(str(demo_db), now=at)
    try:
        views = service.list_items(include_closed=True, refresh=False)
        with service.read_unit() as session:
            items = {i.id: i for i in session.query(Item)}
            from prioritizer.services.service import _facts

            facts = {i: _facts(item) for i, item in items.items()}
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


def test_cached_placement_behaves_like_a_placement(demo_db: Path) -> None:
    service = Service.open(str(demo_db), now=NOW)
    try:
        cached = [v.placement for v in service.list_items() if isinstance(v.placement, fastlist.CachedPlacement)]
    finally:
        service.close()
    assert cached, "the demo's open items are placed: the cache should hold"
    for placement in cached[:20]:
        plain = Placement(placement.quadrant, placement.urgent, placement.important, placement.pinned,
                                placement.reasons, placement.changes_at)  # fmt: skip
        assert placement == plain and plain == placement and hash(placement) == hash(plain)
        copy = pickle.loads(pickle.dumps(placement))
        assert type(copy) is Placement and copy == placement
        with pytest.raises(AttributeError):
            placement.no_such_field  # noqa: B018



@pytest.mark.parametrize("hours", [0, 30, -24 * 9])
def test_views_by_id_are_the_full_lists_views(demo_db: Path, hours: int) -> None:
    """``list_items(ids=...)`` (the window's reload after a change: the snapshot reader's SQL) gives
    exactly the views of the full list (the ORM statements), open and closed, at any clock."""
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


def test_read_view_behaves_like_an_item_view(demo_db: Path) -> None:
    """Views read from rows make their order sentence on first read; nothing else tells them apart."""
    import dataclasses

    from prioritizer.domain.values import ItemView

    service = Service.open(str(demo_db), now=NOW)
    try:
        views = service.list_items()
    finally:
        service.close()
    assert all(isinstance(v, fastlist.ReadItemView) for v in views)
    for view in views[:20]:
        plain = ItemView(**{f.name: getattr(view, f.name) for f in dataclasses.fields(ItemView)})
        assert view == plain and plain == view and hash(view) == hash(plain)
        assert view.order_reason == plain.order_reason
        copy = pickle.loads(pickle.dumps(view))
        assert type(copy) is ItemView and copy == view and copy.order_reason == view.order_reason
        edited = dataclasses.replace(view, title="changed")
        assert edited != view and edited.order_reason == view.order_reason
    assert any(v.order_reason for v in views)


# ------------------------------------------------------------------ fallbacks
def test_database_url_falls_back(demo_db: Path) -> None:
    assert fastlist.read_list(f"sqlite:///{demo_db}", NOW, local_tz()) is None


def test_missing_file_falls_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.sqlite3"
    assert fastlist.read_list(str(path), NOW, local_tz()) is None
    assert main(["--db", str(path), "--now", NOW_ARG, "list"]) == 2
    assert "there is no database at" in capsys.readouterr().err
    assert not path.exists()


def test_folder_falls_back(tmp_path: Path) -> None:
    assert fastlist.read_list(str(tmp_path), NOW, local_tz()) is None


def test_other_schema_version_falls_back(demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    assert fastlist.read_list(str(demo_db), NOW, local_tz()) is None


def test_due_placement_change_falls_back(demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        (first,) = conn.execute("SELECT min(changes_at) FROM items WHERE status = 'open'").fetchone()
    conn.close()
    assert first is not None
    moment = fastlist.EPOCH + timedelta(microseconds=first)
    assert fastlist.read_list(str(demo_db), moment - timedelta(seconds=1), local_tz()) is not None
    assert fastlist.read_list(str(demo_db), moment, local_tz()) is None


def test_uncounted_ended_meeting_falls_back(db_path: Path) -> None:
    service = Service.open(str(db_path), now=NOW - timedelta(hours=3))
    try:
        service.add(ItemDraft("Sync", kind=Kind.MEETING, start=NOW - timedelta(hours=2), end=NOW - timedelta(hours=1)))
    finally:
        service.close()
    assert fastlist.read_list(str(db_path), NOW - timedelta(hours=2), local_tz()) is not None
    assert fastlist.read_list(str(db_path), NOW, local_tz()) is None
    service = Service.open(str(db_path), now=NOW)
    try:
        service.refresh()  # counts the meeting: nothing left for refresh to do
    finally:
        service.close()
    assert fastlist.read_list(str(db_path), NOW, local_tz()) is not None


def test_not_a_database_falls_back_and_the_service_path_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    assert fastlist.read_list(str(path), NOW, local_tz()) is None
    assert main(["--db", str(path), "--now", NOW_ARG, "list"]) == 1
    assert "not a database" in capsys.readouterr().err


def test_damaged_pages_fall_back_and_the_service_path_reports_them(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(demo_db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 2, len(data), page):  # every page after the first two: b-tree headers garbled
        data[offset : offset + 8] = b"\xff" * 8
    demo_db.write_bytes(bytes(data))
    assert fastlist.read_list(str(demo_db), NOW, local_tz()) is None
    assert main(["--db", str(demo_db), "--now", NOW_ARG, "list"]) == 1
    assert "damaged" in capsys.readouterr().err


def test_sqlite_error_falls_back(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(sqlite3, "connect", refuse)
    assert fastlist.read_list(str(demo_db), NOW, local_tz()) is None


# ------------------------------------------------------------ kept in step
def test_copies_agree_with_their_sources(demo_db: Path, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fastlist.SCHEMA_VERSION == SCHEMA_VERSION
    assert set(fastlist.LIST_COLUMNS) <= set(Item.__table__.c.keys())
    assert fastlist.database_file(str(demo_db)) == sqlite_path(resolve_location(str(demo_db)))
    assert fastlist.database_file(None) == sqlite_path(resolve_location(None))
    monkeypatch.setenv("PRIORITIZER_DB", str(demo_db))
    assert fastlist.database_file(None) == demo_db
    assert fastlist.database_file("postgresql+psycopg://u@h/db") is None


def test_stored_policy_is_read_alike(demo_db: Path) -> None:
    service = Service.open(str(demo_db), now=NOW)
    try:
        policy = Policy(urgency_horizon=timedelta(hours=7, minutes=30), proactive_target=0.4, work_start_minute=480,
                        work_end_minute=1000, work_days=(1, 2, 3), forgotten_timer=timedelta(hours=2))  # fmt: skip
        service.set_policy(policy)
        assert service.policy() == policy
        fast = fastlist.read_list(str(demo_db), NOW, local_tz(), include_closed=True)
        assert fast is not None
        assert fast.views == service.list_items(include_closed=True)
    finally:
        service.close()


def test_fast_list_leaves_the_files_as_it_found_them(demo_db: Path) -> None:
    from prioritizer.safety.backup import file_state, list_backups

    before = file_state(str(demo_db))
    assert main(["--db", str(demo_db), "--now", NOW_ARG, "list"]) == 0
    assert file_state(str(demo_db)) == before
    assert not demo_db.with_name(demo_db.name + "-wal").exists()
    assert list_backups(str(demo_db)) == []  # a read: no automatic backup


def test_fast_list_beside_an_open_writer(demo_db: Path) -> None:
    service = Service.open(str(demo_db), now=NOW)
    try:
        service.add(ItemDraft("Written while the list reads"))
        assert demo_db.with_name(demo_db.name + "-wal").exists()
        fast = fastlist.read_list(str(demo_db), NOW, local_tz())
        assert fast is not None and fast.views == service.list_items()
    finally:
        service.close()


@pytest.mark.parametrize("hours", [-30, -24 * 400, 0])
def test_text_list_at_an_earlier_clock_matches_the_service_path(
    demo_db: Path, hours: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --now before the items' last placement: the rows' cached order no longer holds, and the
    text path steps aside (None) rather than print it; at the placement clock it prints the list."""
    at = NOW + timedelta(hours=hours)
    text = listtext.read_list_text(str(demo_db), at, local_tz())
    argv = ["--db", str(demo_db), "--now", at.isoformat(), "list"]
    monkeypatch.setattr(listtext, "read_list_text", lambda *a, **k: None)
    monkeypatch.setattr(fastlist, "read_list", lambda *a, **k: None)
    capsys.readouterr()
    assert main(argv) == 0
    slow = capsys.readouterr().out
    if hours == 0:
        assert text == slow
    else:
        assert text is None or text == slow


def test_items_alike_but_for_one_detail_keep_their_own_reasons(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text path places undated items alike once: any detail the rules read keeps them apart."""
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
    fast = _run(argv, capsys, monkeypatch, fast=True)
    assert fast == _run(argv, capsys, monkeypatch, fast=False)
    reasons = [line.strip() for line in fast[1].splitlines() if line.startswith("         ")]
    assert len(reasons) == 11 and sum(r.startswith("Sev 2 escalation") for r in reasons) == 1
    assert sum("Marked strategic" in r for r in reasons) == 1 and sum(r.startswith("High importance") for r in reasons) == 1
    assert sum("key customer" in r for r in reasons) == 1
    assert len({r for r in reasons if r.startswith("Placed here by you")}) == 2  # pinned on two days
