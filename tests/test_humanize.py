"""The short texts of spans and deadlines that the matrix cards, the details panel and `list` show."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritizer.domain.clock import UTC
from prioritizer.domain.rules import describe_span
from prioritizer.text.humanize import countdown

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("span", "text"),
    [(timedelta(seconds=10), "1 min"), (timedelta(minutes=45), "45 min"), (timedelta(hours=3), "3 h"),
     (timedelta(hours=2, minutes=30), "2.5 h"), (timedelta(hours=10, minutes=20), "10 h"), (timedelta(days=1), "1 d"),
     (timedelta(days=1, hours=12), "1.5 d"), (timedelta(days=-2), "2 d"), (timedelta(minutes=59, seconds=59), "60 min")],
)  # fmt: skip
def test_a_span_reads_in_its_largest_unit(span: timedelta, text: str) -> None:
    assert describe_span(span) == text


@pytest.mark.parametrize(
    ("left", "text"),
    [(timedelta(0), "due now"), (timedelta(seconds=59, microseconds=999_999), "due now"),
     (-timedelta(seconds=59, microseconds=999_999), "due now"), (timedelta(minutes=1), "in 1 min"),
     (-timedelta(minutes=1), "overdue 1 min"), (timedelta(hours=2), "in 2 h"), (-timedelta(days=1, hours=6), "overdue 1.2 d")],
)  # fmt: skip
def test_a_deadline_counts_down_and_is_due_within_a_minute_either_way(left: timedelta, text: str) -> None:
    assert countdown(NOW + left, NOW) == text


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_the_countdown_is_the_span_to_the_deadline(micros: int) -> None:
    """As its plain definition in timedeltas, to the microsecond (the text is worked out in float seconds)."""
    left = timedelta(microseconds=micros)
    expected = ("due now" if -timedelta(minutes=1) < left < timedelta(minutes=1)
                else f"overdue {describe_span(left)}" if left < timedelta(0) else f"in {describe_span(left)}")  # fmt: skip
    assert countdown(NOW + left, NOW) == expected
