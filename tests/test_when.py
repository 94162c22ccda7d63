"""Tests for prioritizer.text.when: dates, times and durations typed by the user."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from prioritizer.domain.clock import UTC
from prioritizer.domain.values import InputError
from prioritizer.text.when import match_when_prefix, parse_duration, parse_when

BERLIN = ZoneInfo("Europe/Berlin")
# Friday 20 November 2026, 09:00 in Berlin (CET, UTC+1).
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN)


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A Berlin wall-clock time as the aware UTC instant parse_when returns."""
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN).astimezone(UTC)


def when(text: str, *, end_of_day: bool = True) -> datetime:
    return parse_when(text, NOW, BERLIN, end_of_day=end_of_day)


# --- ISO 8601 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", berlin(2026, 11, 30, 23, 59)),
        ("2026-11-30T14:00", berlin(2026, 11, 30, 14, 0)),
        ("2026-11-30 14:00", berlin(2026, 11, 30, 14, 0)),
        ("2026-11-30t14:00", berlin(2026, 11, 30, 14, 0)),
        ("2026-11-30T14:00:30", berlin(2026, 11, 30, 14, 0, 30)),
        ("2026-11-30T14:00Z", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        ("2026-11-30T14:00:00z", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        ("2026-11-30T14:00+01:00", datetime(2026, 11, 30, 13, 0, tzinfo=UTC)),
        ("2026-11-30T14:00-05:00", datetime(2026, 11, 30, 19, 0, tzinfo=UTC)),
        ("  2026-11-30T14:00  ", berlin(2026, 11, 30, 14, 0)),
        ("2026-11-30 3pm", berlin(2026, 11, 30, 15, 0)),
        ("2026-07-01 12:00", berlin(2026, 7, 1, 12, 0)),  # summer time: UTC+2
    ],
)
def test_iso(text: str, expected: datetime) -> None:
    assert when(text) == expected


def test_result_is_aware_utc() -> None:
    result = when("2026-11-30T14:00+01:00")
    assert result.tzinfo is not None
    assert result.utcoffset() == timedelta(0)
    assert result.tzinfo == UTC


def test_iso_date_without_time_follows_end_of_day_switch() -> None:
    assert when("2026-11-30", end_of_day=True) == berlin(2026, 11, 30, 23, 59)
    assert when("2026-11-30", end_of_day=False) == berlin(2026, 11, 30, 9, 0)


def test_naive_value_uses_given_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    assert parse_when("2026-11-30T14:00", NOW, tokyo) == datetime(
        2026, 11, 30, 5, 0, tzinfo=UTC
    )


def test_fixed_offset_zone_works() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert parse_when("tomorrow 10:00", NOW, plus2) == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def test_default_zone_is_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert parse_when("2026-11-30T14:00", NOW) == datetime(2026, 11, 30, 19, 0, tzinfo=UTC)


# --- relative spans -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("90min", timedelta(minutes=90)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("in 2h", timedelta(hours=2)),
        ("IN 2H", timedelta(hours=2)),
        ("in 3 days", timedelta(days=3)),
        ("2 hours", timedelta(hours=2)),
        ("1.5h", timedelta(hours=1, minutes=30)),
        ("0m", timedelta(0)),
    ],
)
def test_relative(text: str, delta: timedelta) -> None:
    assert when(text) == NOW.astimezone(UTC) + delta


def test_now() -> None:
    assert when("now") == NOW.astimezone(UTC)
    assert when(" NOW ") == NOW.astimezone(UTC)


# --- day words ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", berlin(2026, 11, 20, 23, 59)),
        ("Today", berlin(2026, 11, 20, 23, 59)),
        ("tonight", berlin(2026, 11, 20, 20, 0)),
        ("tomorrow", berlin(2026, 11, 21, 23, 59)),
        ("yesterday", berlin(2026, 11, 19, 23, 59)),
        ("eod", berlin(2026, 11, 20, 23, 59)),
        # The next occurrence, today included: NOW is a Friday.
        ("fri", berlin(2026, 11, 20, 23, 59)),
        ("friday", berlin(2026, 11, 20, 23, 59)),
        ("sat", berlin(2026, 11, 21, 23, 59)),
        ("sun", berlin(2026, 11, 22, 23, 59)),
        ("mon", berlin(2026, 11, 23, 23, 59)),
        ("tue", berlin(2026, 11, 24, 23, 59)),
        ("wednesday", berlin(2026, 11, 25, 23, 59)),
        ("thu", berlin(2026, 11, 26, 23, 59)),
        ("next fri", berlin(2026, 11, 27, 23, 59)),
        ("next mon", berlin(2026, 11, 23, 23, 59)),
        ("next week", berlin(2026, 11, 23, 23, 59)),
    ],
)
def test_day_words(text: str, expected: datetime) -> None:
    assert when(text) == expected


def test_day_without_time_at_start_of_day_for_meetings() -> None:
    assert when("tomorrow", end_of_day=False) == berlin(2026, 11, 21, 9, 0)
    assert when("fri", end_of_day=False) == berlin(2026, 11, 20, 9, 0)
    assert when("next week", end_of_day=False) == berlin(2026, 11, 23, 9, 0)


def test_words_with_their_own_time_ignore_end_of_day_switch() -> None:
    assert when("tonight", end_of_day=False) == berlin(2026, 11, 20, 20, 0)
    assert when("eod", end_of_day=False) == berlin(2026, 11, 20, 23, 59)


def test_next_weekday_from_midweek_is_in_next_calendar_week() -> None:
    wednesday = datetime(2026, 11, 18, 9, 0, tzinfo=BERLIN)
    assert parse_when("fri", wednesday, BERLIN) == berlin(2026, 11, 20, 23, 59)
    assert parse_when("next fri", wednesday, BERLIN) == berlin(2026, 11, 27, 23, 59)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 10:00", berlin(2026, 11, 21, 10, 0)),
        ("tomorrow 9:30", berlin(2026, 11, 21, 9, 30)),
        ("tomorrow 14h", berlin(2026, 11, 21, 14, 0)),
        ("tomorrow 14h30", berlin(2026, 11, 21, 14, 30)),
        ("tomorrow 10am", berlin(2026, 11, 21, 10, 0)),
        ("tomorrow 3pm", berlin(2026, 11, 21, 15, 0)),
        ("tomorrow 3:30pm", berlin(2026, 11, 21, 15, 30)),
        ("tomorrow 3 pm", berlin(2026, 11, 21, 15, 0)),
        ("tomorrow 12am", berlin(2026, 11, 21, 0, 0)),
        ("tomorrow 12pm", berlin(2026, 11, 21, 12, 0)),
        ("tomorrow at 10:00", berlin(2026, 11, 21, 10, 0)),
        ("Tomorrow 10:00", berlin(2026, 11, 21, 10, 0)),
        ("today 17:00", berlin(2026, 11, 20, 17, 0)),
        ("tonight 21:00", berlin(2026, 11, 20, 21, 0)),
        ("yesterday 8:00", berlin(2026, 11, 19, 8, 0)),
        ("fri 14:00", berlin(2026, 11, 20, 14, 0)),
        ("mon 9am", berlin(2026, 11, 23, 9, 0)),
        ("next fri 10:00", berlin(2026, 11, 27, 10, 0)),
        ("next week 10:00", berlin(2026, 11, 23, 10, 0)),
        ("10am tomorrow", berlin(2026, 11, 21, 10, 0)),
        # A bare time is today, even when already past.
        ("10:00", berlin(2026, 11, 20, 10, 0)),
        ("8:00", berlin(2026, 11, 20, 8, 0)),
        ("3pm", berlin(2026, 11, 20, 15, 0)),
        ("3:30PM", berlin(2026, 11, 20, 15, 30)),
    ],
)
def test_day_and_time(text: str, expected: datetime) -> None:
    assert when(text) == expected
    # An explicit time wins over the end-of-day switch.
    assert when(text, end_of_day=False) == expected


# --- daylight saving -----------------------------------------------------------

# Saturday before the spring change: Berlin moves from UTC+1 to UTC+2 on Sunday 29 March.
SPRING = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)
# Saturday before the autumn change: back to UTC+1 on Sunday 25 October.
AUTUMN = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)


def test_tomorrow_across_spring_change_keeps_local_time() -> None:
    assert parse_when("tomorrow 10:00", SPRING, BERLIN) == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )


def test_tomorrow_across_autumn_change_keeps_local_time() -> None:
    assert parse_when("tomorrow 10:00", AUTUMN, BERLIN) == datetime(
        2026, 10, 25, 9, 0, tzinfo=UTC
    )


def test_days_span_across_dst_keeps_wall_clock_time() -> None:
    # 3 calendar days later at 12:00 local, which is only 71 real hours.
    result = parse_when("3d", SPRING, BERLIN)
    assert result == datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert result.astimezone(BERLIN).hour == 12


def test_hours_span_across_dst_is_exact() -> None:
    result = parse_when("24h", SPRING, BERLIN)
    assert result == SPRING.astimezone(UTC) + timedelta(hours=24)
    assert result.astimezone(BERLIN).hour == 13


def test_weekday_across_dst() -> None:
    assert parse_when("mon 9:00", SPRING, BERLIN) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_now_given_in_utc_uses_local_calendar() -> None:
    # 23:30 UTC on the 20th is already the 21st in Berlin.
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert parse_when("today 10:00", late, BERLIN) == berlin(2026, 11, 21, 10, 0)


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "xyz",
        "soon",
        "2026-02-30",
        "2026-13-01",
        "2026-02-30T10:00",
        "2026-11-30T25:00",
        "25:00",
        "10:60",
        "13pm",
        "0am",
        "tomorrow 25:00",
        "tomorrow xyz",
        "tomorrow at",
        "next",
        "next month",
        "1:1",
        "90",
        "2h ago",
        "now 10:00",
        "99999999999999d",
        "in",
        "fri fri",
    ],
)
def test_bad_input_raises(text: str) -> None:
    with pytest.raises(InputError) as info:
        when(text)
    message = str(info.value)
    assert "\n" not in message
    assert repr(text.strip()) in message


def test_bare_hours_is_a_span_not_a_clock_time() -> None:
    assert when("14h") == NOW.astimezone(UTC) + timedelta(hours=14)


def test_error_message_explains_forms() -> None:
    with pytest.raises(InputError, match=r"cannot read the date 'xyz': use ISO 8601"):
        when("xyz")


def test_input_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="2026-02-30"):
        when("2026-02-30")


# --- durations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("30min", timedelta(minutes=30)),
        ("30 min", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("2H", timedelta(hours=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("1.5h", timedelta(hours=1, minutes=30)),
        ("90", timedelta(minutes=90)),
        (" 90 ", timedelta(minutes=90)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "0", "0m", "-5m", "-5", "abc", "1:30", "h", "2x", "9" * 30 + "w"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_duration(text)
    assert repr(text.strip()) in str(info.value)


# --- prefix matching ----------------------------------------------------------


def test_prefix_takes_longest_match() -> None:
    assert match_when_prefix(["tomorrow", "10:00", "Dana"], NOW, BERLIN) == (
        berlin(2026, 11, 21, 10, 0),
        2,
    )
    assert match_when_prefix(["next", "fri", "10:00", "x"], NOW, BERLIN) == (
        berlin(2026, 11, 27, 10, 0),
        3,
    )
    assert match_when_prefix(["fri", "#strategic"], NOW, BERLIN) == (
        berlin(2026, 11, 20, 23, 59),
        1,
    )
    assert match_when_prefix(["in", "2h", "please"], NOW, BERLIN) == (
        NOW.astimezone(UTC) + timedelta(hours=2),
        2,
    )
    assert match_when_prefix(["2026-11-30", "14:00"], NOW, BERLIN) == (
        berlin(2026, 11, 30, 14, 0),
        2,
    )


def test_prefix_end_of_day_switch() -> None:
    assert match_when_prefix(["fri", "agenda"], NOW, BERLIN, end_of_day=False) == (
        berlin(2026, 11, 20, 9, 0),
        1,
    )


def test_prefix_none() -> None:
    assert match_when_prefix([], NOW, BERLIN) is None
    assert match_when_prefix(["Dana", "tomorrow"], NOW, BERLIN) is None
    assert match_when_prefix(["1:1", "Dana"], NOW, BERLIN) is None


def test_prefix_invalid_time_falls_back_to_shorter_match() -> None:
    assert match_when_prefix(["tomorrow", "25:00"], NOW, BERLIN) == (
        berlin(2026, 11, 21, 23, 59),
        1,
    )


def test_prefix_without_bare_spans() -> None:
    assert match_when_prefix(["30m"], NOW, BERLIN, bare_spans=False) is None
    assert match_when_prefix(["in", "30m"], NOW, BERLIN, bare_spans=False) == (
        NOW.astimezone(UTC) + timedelta(minutes=30),
        2,
    )
