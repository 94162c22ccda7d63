"""Time helpers: the current instant, the local zone, local days and weeks.

Every instant in the core is an aware UTC datetime. Local time only matters for
reading user input and for cutting days and weeks, which use the user's zone
(``TZ`` or ``/etc/localtime``) so that daylight-saving days last 23 or 25 hours.

The first day of the week is decided here and nowhere else (``first_weekday``):
the command line and the reports read the locale from the environment, the
window passes the name of its ``QLocale``; both go through the same table.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc  # noqa: UP017 - defined here so every module imports one name


@lru_cache(maxsize=8)
def _zone_named(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_tz() -> tzinfo:
    """The user's time zone, as a real zone (with DST rules) whenever possible."""
    return _local_tz_for(os.environ.get("TZ", ""))


@lru_cache(maxsize=4)
def _local_tz_for(tz_variable: str) -> tzinfo:
    # Cached per TZ value: resolving /etc/localtime on every call costs ~0.3 ms.
    name = tz_variable.lstrip(":")
    if name:
        zone = _zone_named(name)
        if zone is not None:
            return zone
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        zone = _zone_named(target.split("zoneinfo/", 1)[1])
        if zone is not None:
            return zone
    fallback = datetime.now().astimezone().tzinfo
    return fallback if fallback is not None else UTC


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def to_utc(value: datetime, tz: tzinfo | None = None) -> datetime:
    """An aware UTC datetime; a naive value is read as local time (or ``tz``)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz or local_tz())
    return value.astimezone(UTC)


def to_local(value: datetime, tz: tzinfo | None = None) -> datetime:
    """The same instant in the user's zone."""
    return value.astimezone(tz or local_tz())


def local_midnight(day: date, tz: tzinfo | None = None) -> datetime:
    """The UTC instant at which a local day starts."""
    return datetime.combine(day, time(0), tzinfo=tz or local_tz()).astimezone(UTC)


def day_bounds(day: date, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """UTC start and end of a local day (23, 24 or 25 hours long)."""
    return local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)


def week_start(day: date, first_weekday: int = 0) -> date:
    """The first day of the week holding ``day`` (0 = Monday)."""
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


# CLDR territories whose week starts on Sunday or Saturday; everything else starts on Monday.
_SUNDAY_FIRST = frozenset(
    "AG AS BD BR BS BT BW BZ CA CN CO DM DO ET GT GU HK HN ID IL IN JM JP KE KH KR LA MH MM MO MT MX MZ "
    "NI NP PA PE PH PK PR PT PY SA SG SV TH TT TW UM US VE VI WS YE ZA ZW".split()
)
_SATURDAY_FIRST = frozenset("AE AF BH DJ DZ EG IQ IR JO KW LY OM QA SD SY".split())


def first_weekday(locale_name: str | None = None) -> int:
    """The first day of the week of a locale (0 = Monday, 6 = Sunday).

    ``locale_name`` is a POSIX or Qt locale name (``en_US.UTF-8``, ``en_US``,
    ``de_DE@euro``); None reads ``LC_ALL`` / ``LC_TIME`` / ``LANG``. ``C``,
    ``POSIX``, a name without a territory or an unknown territory give Monday (ISO 8601).
    """
    if locale_name is None:
        locale_name = next((v for v in (os.environ.get(n, "") for n in ("LC_ALL", "LC_TIME", "LANG")) if v), "")
    territory = locale_name.split(".", 1)[0].split("@", 1)[0].replace("-", "_").partition("_")[2].upper()
    if territory in _SUNDAY_FIRST:
        return 6
    if territory in _SATURDAY_FIRST:
        return 5
    return 0


def week_range(day: date, first: int | None = None) -> tuple[date, date]:
    """First and last local day of the week holding ``day``; ``first`` defaults to ``first_weekday()``."""
    begin = week_start(day, first_weekday() if first is None else first)
    return begin, begin + timedelta(days=6)


def local_date(value: datetime, tz: tzinfo | None = None) -> date:
    """The local calendar date of an instant."""
    return to_local(value, tz).date()
