"""Reading dates, times and durations typed by the user.

Users type deadlines and meeting starts in a hurry: ``2h``, ``tomorrow 10:00``,
``fri``, ``next week`` or plain ISO 8601. Everything here returns aware UTC
datetimes, but calendar words ("tomorrow", "fri", "3d") are worked out on the
local calendar of the user's zone, so that "tomorrow 10:00" stays 10:00 local
across a daylight-saving change.

Nothing here reads the real clock: callers pass ``now``. Every instant read lies
within the years ``domain.FIRST_YEAR``-``domain.LAST_YEAR``; anything else is an
``OutOfRangeError`` (an ``InputError``), whichever form it was typed in.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from prioritizer.domain.clock import UTC, local_tz, to_utc
from prioritizer.domain.values import RANGE_TEXT, InputError, OutOfRangeError, in_range

__all__ = ["match_when_prefix", "parse_duration", "parse_when"]

# A date without a time: deadlines run to the end of the day, meetings start
# at the beginning of a working day.
END_OF_DAY = time(23, 59)
START_OF_DAY = time(9, 0)
TONIGHT = time(20, 0)

# Longest prefix that match_when_prefix tries, e.g. "next fri 10:00".
MAX_PREFIX_WORDS = 3

_HELP = "use ISO 8601 (2026-11-30T14:00) or forms like 2h, tomorrow 10:00, fri"

_WEEKDAYS: dict[str, int] = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip

# Longer spellings first so that "30min" is not read as "30m" + "in".
_UNIT = (
    r"weeks|week|wks|wk|w|days|day|d|hours|hour|hrs|hr|h"
    r"|minutes|minute|mins|min|m"
)
_SPAN_PART = re.compile(rf"([0-9]+(?:\.[0-9]+)?)\s*({_UNIT})", re.ASCII)
_SPAN = re.compile(rf"(?:[0-9]+(?:\.[0-9]+)?\s*(?:{_UNIT})\s*)+", re.ASCII)
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# The ISO shapes we promise; gated by a regex because fromisoformat also takes
# week dates and basic formats that users would not expect to work.
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:z|[+-][0-9]{2}:?[0-9]{2})?",
    re.ASCII,
)

_TIME_24 = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?", re.ASCII)
_TIME_12 = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?\s?(am|pm)", re.ASCII)
# "14h" / "14h30": only after a day word, since a bare "2h" is a span.
_TIME_H = re.compile(r"([0-9]{1,2})h([0-9]{2})?", re.ASCII)


def _fail(text: str, why: str = _HELP) -> InputError:
    return InputError(f"cannot read the date {text.strip()!r}: {why}")


def parse_when(
    text: str,
    now: datetime,
    tz: tzinfo | None = None,
    *,
    end_of_day: bool = True,
) -> datetime:
    """Read a date/time typed by the user and return it as an aware UTC datetime.

    Args:
        text: e.g. ``2026-11-30T14:00``, ``2h``, ``in 90min``, ``tomorrow 10:00``,
            ``fri 3pm``, ``next week``, ``eod``, ``10:00``.
        now: the current instant (aware); relative forms count from it.
        tz: the user's zone for naive values and calendar words (default: local).
        end_of_day: a date without a time means 23:59 local when True
            (deadlines) and 09:00 local when False (meeting starts).

    Raises:
        InputError: the text is not a date, or names an impossible date or time.
    """
    return _parse_when(text, now, tz, end_of_day=end_of_day, bare_spans=True)


def match_when_prefix(
    words: list[str],
    now: datetime,
    tz: tzinfo | None = None,
    *,
    end_of_day: bool = True,
    bare_spans: bool = True,
) -> tuple[datetime, int] | None:
    """Read a date/time from the start of ``words``, longest match first.

    Tries the first 3, then 2, then 1 words, so ``["tomorrow", "10:00", "Dana"]``
    gives ``(tomorrow 10:00, 2)``.

    Args:
        words: words as typed, e.g. the words after ``due``.
        now, tz, end_of_day: as for :func:`parse_when`.
        bare_spans: when False a bare span such as ``2h`` is not a date (``in 2h``
            still is); quick add uses this for meetings, where ``30m`` is a length.

    Returns:
        The UTC datetime and the number of words it used, or None.
    """
    for count in range(min(MAX_PREFIX_WORDS, len(words)), 0, -1):
        try:
            when = _parse_when(
                " ".join(words[:count]), now, tz, end_of_day=end_of_day, bare_spans=bare_spans
            )
        except InputError:
            continue
        return when, count
    return None


def parse_duration(text: str) -> timedelta:
    """Read a positive length of time: ``30m``, ``2h``, ``1h30m``, ``1.5h``, ``1d``.

    A bare number is minutes (``90``).

    Raises:
        InputError: the text is not a duration, or is zero.
    """
    s = _normalize(text)
    try:
        if _NUMBER.fullmatch(s):
            span = timedelta(minutes=float(s))
        elif _SPAN.fullmatch(s):
            days, exact = _read_span(s)
            span = timedelta(days=days) + exact
        else:
            raise InputError(
                f"cannot read the duration {text.strip()!r}: use forms like 30m, 1h30m, 1.5h, 90"
            )
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read the duration {text.strip()!r}: too long") from None
    if span <= timedelta(0):
        raise InputError(f"cannot read the duration {text.strip()!r}: it must be longer than zero")
    return span


# --- internals -------------------------------------------------------------


def _normalize(text: str) -> str:
    return " ".join(text.lower().split())


def _parse_when(
    text: str, now: datetime, tz: tzinfo | None, *, end_of_day: bool, bare_spans: bool
) -> datetime:
    zone = tz if tz is not None else local_tz()
    s = _normalize(text)
    try:
        when = _read(s, to_utc(now, zone), zone, end_of_day=end_of_day, bare_spans=bare_spans)
    except InputError as exc:
        raise _fail(text, str(exc)) from None
    except OverflowError:
        # Arithmetic past year 1 or 9999: far outside the range the app stores.
        raise OutOfRangeError(f"the date {text.strip()!r} is outside {RANGE_TEXT}") from None
    except ValueError:
        # Absurdly long numbers and the like.
        raise _fail(text, "out of range") from None
    if when is None:
        raise _fail(text)
    if not in_range(when):
        # The one range every view, zone and export can show (domain.check_instant).
        raise OutOfRangeError(f"the date {text.strip()!r} is outside {RANGE_TEXT}")
    return when


def _read(
    s: str, now: datetime, tz: tzinfo, *, end_of_day: bool, bare_spans: bool
) -> datetime | None:
    """The instant for a normalized text, None when it is no known form.

    Raises InputError (message = reason only) for known shapes with impossible
    values, like 2026-02-30 or 25:00.
    """
    if not s:
        return None
    if s == "now":
        return now
    if _ISO_DATETIME.fullmatch(s):
        # fromisoformat wants an upper-case Z and a T separator in 3.11.
        try:
            value = datetime.fromisoformat(s.upper().replace(" ", "T"))
        except ValueError:
            raise InputError("no such date or time") from None
        return to_utc(value, tz)
    span_text = s.removeprefix("in ")
    if (bare_spans or span_text != s) and _SPAN.fullmatch(span_text):
        return _add_span(now, span_text, tz)

    today = now.astimezone(tz).date()
    default = END_OF_DAY if end_of_day else START_OF_DAY
    words = s.split()

    day = _read_day(words, today)
    if day is not None:
        # DAY [at] [TIME]
        on, day_default, used = day
        rest = words[used:]
        if rest and rest[0] == "at":
            rest = rest[1:]
            if not rest:
                return None
        if not rest:
            return _local(on, day_default or default, tz)
        at = _read_time(" ".join(rest), hours_suffix=True)
        return None if at is None else _local(on, at, tz)

    # TIME [DAY]; a time may be two words ("3 pm"). A bare "14h" is a span,
    # so the hours form needs a day after it.
    for used in (2, 1):
        if used > len(words):
            continue
        at = _read_time(" ".join(words[:used]), hours_suffix=len(words) > used)
        if at is None:
            continue
        rest = words[used:]
        if not rest:
            return _local(today, at, tz)
        day = _read_day(rest, today)
        if day is not None and day[2] == len(rest):
            return _local(day[0], at, tz)
    return None


def _read_day(words: list[str], today: date) -> tuple[date, time | None, int] | None:
    """A day word at the start of ``words``: (date, its own default time, words used)."""
    if not words:
        return None
    first = words[0]
    if first == "next" and len(words) > 1:
        next_monday = today + timedelta(days=7 - today.weekday())
        if words[1] == "week":
            return next_monday, None, 2
        if words[1] in _WEEKDAYS:
            # The named day in the coming calendar week (weeks start on Monday).
            return next_monday + timedelta(days=_WEEKDAYS[words[1]]), None, 2
        return None
    if first in ("today", "eod", "tonight"):
        own = {"today": None, "eod": END_OF_DAY, "tonight": TONIGHT}[first]
        return today, own, 1
    if first == "tomorrow":
        return today + timedelta(days=1), None, 1
    if first == "yesterday":
        return today - timedelta(days=1), None, 1
    if first in _WEEKDAYS:
        # The next such day, today included: on a Friday "fri" is today.
        return today + timedelta(days=(_WEEKDAYS[first] - today.weekday()) % 7), None, 1
    if _ISO_DATE.fullmatch(first):
        try:
            return date.fromisoformat(first), None, 1
        except ValueError:
            raise InputError("no such date") from None
    return None


def _read_time(s: str, *, hours_suffix: bool) -> time | None:
    """A clock time such as 10:00, 9:30, 3pm, 3:30pm (and 14h when allowed)."""
    if m := _TIME_24.fullmatch(s):
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    elif m := _TIME_12.fullmatch(s):
        hour, minute, second = int(m[1]), int(m[2] or 0), 0
        if not 1 <= hour <= 12:
            raise InputError("no such time")
        hour = hour % 12 + (12 if m[3] == "pm" else 0)
    elif hours_suffix and (m := _TIME_H.fullmatch(s)):
        hour, minute, second = int(m[1]), int(m[2] or 0), 0
    else:
        return None
    if hour > 23 or minute > 59 or second > 59:
        raise InputError("no such time")
    return time(hour, minute, second)


def _local(on: date, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(on, at, tzinfo=tz).astimezone(UTC)


def _read_span(s: str) -> tuple[float, timedelta]:
    """Split a span into calendar days (weeks and days) and an exact part."""
    days = 0.0
    exact = timedelta(0)
    for number, unit in _SPAN_PART.findall(s):
        value = float(number)
        if unit[0] == "w":
            days += 7 * value
        elif unit[0] == "d":
            days += value
        elif unit[0] == "h":
            exact += timedelta(hours=value)
        else:
            exact += timedelta(minutes=value)
    return days, exact


def _add_span(now: datetime, s: str, tz: tzinfo) -> datetime:
    days, exact = _read_span(s)
    whole = int(days)
    # Whole days move along the local calendar (same wall-clock time across a
    # DST change); aware arithmetic within one zone is wall-clock arithmetic.
    shifted = (now.astimezone(tz) + timedelta(days=whole)).astimezone(UTC)
    return shifted + timedelta(days=days - whole) + exact
