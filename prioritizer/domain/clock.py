"""Time helpers: the current instant, the local zone, local days and weeks.

Every instant in the core is an aware UTC datetime. Local time only matters for
reading user input and for cutting days and weeks, which use the user's zone
(``TZ`` or ``/etc/localtime``) so that daylight-saving days last 23 or 25 hours.
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


def local_date(value: datetime, tz: tzinfo | None = None) -> date:
    """The local calendar date of an instant."""
    return to_local(value, tz).date()
