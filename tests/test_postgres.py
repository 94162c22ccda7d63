"""The same data on SQLite and on PostgreSQL gives the same reports and the same time keeping.

Runs when ``PRIORITIZER_TEST_DB_URL`` names a PostgreSQL database
(``postgresql+psycopg://user@127.0.0.1:port/name``) that the tests may empty:
every table of Prioritizer in it is dropped before and after each test. Skipped
otherwise. The data is the demo (built through the Service at a fixed instant) plus
a few timer operations, made alike on both databases; then the balance, the weekly
and the year review, today's plan and the time-keeping reads must answer alike, with
integer microseconds read back as integers (no ``Decimal`` from a PostgreSQL sum).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from prioritizer.cli.balancecmds import balance_json
from prioritizer.domain.clock import week_range
from prioritizer.reports.balance import balance, minutes_by_item, weekly_trend
from prioritizer.reports.review import build_review, build_review_range, review_to_json
from prioritizer.reports.today import plan_day
from prioritizer.services import timekeeping
from prioritizer.services.demo import fill_demo
from prioritizer.services.service import Service
from prioritizer.storage.schema import Base
from tests.conftest import NOW

URL = os.environ.get("PRIORITIZER_TEST_DB_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="PRIORITIZER_TEST_DB_URL does not name a PostgreSQL database"
)


def _empty(url: str) -> None:
    engine = create_engine(url)
    try:
        Base.metadata.drop_all(engine)
    finally:
        engine.dispose()


def _fill(service: Service) -> None:
    """The demo, then a timer forgotten overnight and an entry edited to overlap another."""
    fill_demo(service)
    views = service.list_items()
    task = next(v for v in views if v.kind.value == "task")
    service.clock = lambda: NOW - timedelta(hours=14)  # started yesterday evening
    service.start_timer(task.id)
    service.clock = lambda: NOW
    entries = [e for v in views for e in service.entries(v.id) if e.end is not None]
    first = min(entries, key=lambda e: (e.start, e.id))
    # Stretch an early entry by an hour: it now claims minutes another entry claims too.
    timekeeping.edit_entry(service, first.id, first.start, first.end + timedelta(hours=1), "stretched")


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    """The same data on a SQLite file and on the PostgreSQL database."""
    _empty(URL)
    lite = Service.open(str(tmp_path / "lite.sqlite3"), now=NOW)
    server = Service.open(URL, now=NOW)
    try:
        _fill(lite)
        _fill(server)
        yield lite, server
    finally:
        lite.close()
        server.close()
        _empty(URL)


def _no_decimals(value: Any, where: str = "") -> None:
    """Every number of a report as read: int or float, never Decimal."""
    if isinstance(value, Decimal):
        raise AssertionError(f"a Decimal at {where or 'the top'}: {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_decimals(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            _no_decimals(item, f"{where}[{n}]")


def test_the_server_holds_the_same_items(pair: tuple[Service, Service]) -> None:
    lite, server = pair
    assert [asdict(v) for v in server.list_items(include_closed=True)] == [asdict(v) for v in lite.list_items(include_closed=True)]
    assert server.ordered_open_ids() == lite.ordered_open_ids()


def test_balance_matches(pair: tuple[Service, Service]) -> None:
    lite, server = pair
    today = NOW.date()
    for start, end in (week_range(today, 0), week_range(today - timedelta(days=7), 0), (today - timedelta(days=40), today)):
        ours, theirs = balance_json(balance(lite, start, end)), balance_json(balance(server, start, end))
        _no_decimals(theirs)
        assert theirs == ours
        assert theirs["firefighting_minutes"] + theirs["proactive_minutes"] + theirs["low_value_minutes"] > 0
    assert weekly_trend(server, today, 4, 0) == weekly_trend(lite, today, 4, 0)
    for group in (None, "firefighting", "proactive", "low_value"):
        assert minutes_by_item(server, today - timedelta(days=7), today, 10, group) == minutes_by_item(
            lite, today - timedelta(days=7), today, 10, group
        )


def test_review_matches(pair: tuple[Service, Service]) -> None:
    lite, server = pair
    for week_of in (NOW.date(), NOW.date() - timedelta(days=7)):
        ours, theirs = review_to_json(build_review(lite, week_of)), review_to_json(build_review(server, week_of))
        _no_decimals(theirs)
        assert theirs == ours
    assert ours["top_items"] and ours["done"] and ours["carry_over"]  # the comparison compared something
    year_lite = review_to_json(build_review_range(lite, date(2026, 1, 1), date(2026, 12, 31), first_day=0))
    year_server = review_to_json(build_review_range(server, date(2026, 1, 1), date(2026, 12, 31), first_day=0))
    _no_decimals(year_server)
    assert year_server == year_lite


def test_todays_plan_matches(pair: tuple[Service, Service]) -> None:
    lite, server = pair
    for day in (NOW.date(), NOW.date() + timedelta(days=3)):
        ours, theirs = plan_day(lite, day), plan_day(server, day)
        assert theirs == ours
    assert ours.meetings or ours.do_items  # the comparison compared something


def test_time_keeping_matches(pair: tuple[Service, Service]) -> None:
    lite, server = pair
    first, last = NOW.date() - timedelta(days=14), NOW.date()
    assert timekeeping.running_since(server) == timekeeping.running_since(lite) is not None
    forgotten = timekeeping.forgotten_timer(lite)
    assert forgotten is not None and timekeeping.forgotten_timer(server) == forgotten
    found = timekeeping.overlaps(lite, first, last)
    assert found and timekeeping.overlaps(server, first, last) == found
    keep, other = found[0]
    assert timekeeping.entry_overlaps(server, keep.item_id) == timekeeping.entry_overlaps(lite, keep.item_id)
    for service in (lite, server):
        timekeeping.resolve_overlap(service, keep.id, other.id)
        timekeeping.trim_running(service, forgotten.start + timedelta(hours=1), asked=forgotten)
    assert timekeeping.overlaps(server, first, last) == timekeeping.overlaps(lite, first, last)
    assert timekeeping.running_since(server) is None and timekeeping.running_since(lite) is None
    ours, theirs = balance_json(balance(lite, first, last)), balance_json(balance(server, first, last))
    assert theirs == ours
