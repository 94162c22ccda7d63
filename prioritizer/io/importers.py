"""Bringing the calendar and item lists in: ``.ics`` files become meetings, ``.csv`` files items.

Both importers read and check the whole file first and then hand every record to
``Service.import_items``, which writes them in ONE transaction (new items as bulk
INSERTs: 100,000 rows in seconds): a broken file changes nothing and the InputError
names the line or the problem.

What is read (``read_import_file``): only a regular file, symlinks resolved (a FIFO, a
device such as ``/dev/zero``, a socket or a folder is refused by name), opened
non-blocking, and never more than ``MAX_FILE_BYTES`` + 1 bytes of it, whatever its size
claims. An event or row dated outside the years ``domain.FIRST_YEAR``-``LAST_YEAR`` is
skipped and named in the summary line; the rest of the file is imported.

Calendar (``import_ics``), as exported by Outlook, Google Calendar and Thunderbird:

* each VEVENT with a start time becomes a meeting; its ``created_at`` is the
  event's CREATED (else DTSTAMP), so the short-notice rule sees when it was planned;
* TZID is honoured: IANA names, Windows names as Outlook writes them
  ("W. Europe Standard Time" -> Europe/Berlin, via icalendar's table) and
  VTIMEZONE blocks; times without a zone are the user's local time;
* RRULE series are expanded within a bounded window around now (default 30 days
  back, 90 ahead), keeping wall-clock time across daylight-saving changes; each
  occurrence gets the uid ``UID#<original start in UTC, ISO 8601>``; EXDATE removes
  occurrences and a RECURRENCE-ID override replaces its occurrence;
* all-day events and STATUS:CANCELLED events are skipped and reported; a
  cancelled event that was imported before is marked skipped (it did not happen);
* a re-import finds meetings by uid and updates title, notes, start and end
  instead of duplicating them; what the user decided (importance, pin, done,
  skipped) is kept.

CSV (``import_csv``): UTF-8 (a BOM is fine), comma separated, with the header
``title,kind,importance,due,estimate_minutes,strategic,delegated_to,severity,
customer,key_customer,start,end,notes`` in any order; only ``title`` is required.
Dates are ISO 8601 or the ``--due`` forms (``2026-11-30``, ``2026-11-30T14:00``,
with or without an offset; without one they are local time); booleans are
yes/no, true/false, 1/0 or empty. The extra columns written by ``export --csv``
(id, quadrant, status, minutes_spent, created_at, closed_at) are ignored, so an
export imports again as new items.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import select

from prioritizer.domain.clock import UTC
from prioritizer.domain.values import EARLIEST, RANGE_TEXT, Importance, InputError, Kind, OutOfRangeError, in_range
from prioritizer.io.exports import CSV_COLUMNS, CSV_READ_ONLY, FORMULA_PREFIXES
from prioritizer.services.service import ImportRecord, ItemDraft, Service
from prioritizer.storage.schema import Item
from prioritizer.text.when import parse_when

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_MEETING_MINUTES",
    "ImportReport",
    "import_csv",
    "import_file",
    "import_ics",
    "read_import_file",
]

MAX_FILE_BYTES = 20 * 1024 * 1024  # a year of a busy calendar is a few MB
MAX_OCCURRENCES = 1000  # per series within the window: more is a broken rule, not a calendar
DEFAULT_MEETING_MINUTES = 30  # an event with a start but no end or duration
SHOWN_TITLES = 3  # titles of out-of-range events named in the summary line
WINDOW_BACK_DAYS = 30
WINDOW_AHEAD_DAYS = 90

CSV_IGNORED = CSV_READ_ONLY  # written by export --csv, ignored on import


@dataclass(frozen=True)
class ImportReport:
    """What an import did.

    Attributes:
        added / updated / skipped / unchanged: counts of items (or events) in each outcome.
        messages: one human line per skipped event or notable decision.
        item_ids: ids of the items added or updated.
        out_of_range: titles of the events or rows skipped for a date outside the years
            ``domain.FIRST_YEAR``-``domain.LAST_YEAR`` (also counted in ``skipped``).
    """

    added: int = 0
    updated: int = 0
    skipped: int = 0
    unchanged: int = 0
    messages: tuple[str, ...] = ()
    item_ids: tuple[int, ...] = field(default=(), compare=False)
    out_of_range: tuple[str, ...] = ()

    def summary(self) -> str:
        """The one line the command prints: 'imported N, updated M, skipped K'.

        Events or rows dated outside the years the app keeps are counted among the
        skipped and named (the first few titles), since the file did hold them.
        """
        text = f"imported {self.added}, updated {self.updated}, skipped {self.skipped}"
        if self.out_of_range:
            shown = ", ".join(repr(t) for t in self.out_of_range[:SHOWN_TITLES])
            more = len(self.out_of_range) - SHOWN_TITLES
            text += f" ({len(self.out_of_range)} outside {RANGE_TEXT}: {shown}{f', and {more} more' if more > 0 else ''})"
        return text + (f" ({self.unchanged} unchanged)" if self.unchanged else "")


def import_file(service: Service, path: str | Path, window_days: tuple[int, int] = (WINDOW_BACK_DAYS, WINDOW_AHEAD_DAYS)) -> ImportReport:
    """Import a .ics or .csv file, chosen by its extension."""
    suffix = Path(path).suffix.lower()
    if suffix in (".ics", ".ical", ".ifb", ".icalendar"):
        return import_ics(service, path, window_days)
    if suffix == ".csv":
        return import_csv(service, path)
    raise InputError(f"cannot import {Path(path).name!r}: use a calendar file (.ics) or a CSV file (.csv)")


def read_import_file(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The whole file, if it is a regular file of at most ``limit`` bytes; InputError otherwise.

    A FIFO would block the import forever and ``/dev/zero`` (or a symlink to it) would be
    read until memory runs out, so: the path, symlinks resolved, must name a regular file
    (``os.stat``); it is opened with O_NONBLOCK, so a FIFO swapped in between the two calls
    cannot block the open, and checked again on the open descriptor; and at most
    ``limit + 1`` bytes are read, whatever ``st_size`` says (a file still growing,
    a file system that reports 0), so a larger file is refused having read only that.
    """
    file = Path(path)
    try:
        _check_regular(file, os.stat(file), limit)
        fd = os.open(file, _OPEN_FLAGS)
        try:
            _check_regular(file, os.fstat(fd), limit)
            chunks: list[bytes] = []
            left = limit + 1
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputError(f"no such file: {file}") from None
    except IsADirectoryError:
        raise InputError(f"{file} is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"cannot read {file}: permission denied") from None
    except OSError as exc:  # a name too long, a loop of symlinks, an I/O error: the reason, never "[Errno N]"
        raise InputError(f"cannot read {file}: {(exc.strerror or str(exc)).lower()}") from None
    if left <= 0:
        raise InputError(f"{file.name} is larger than {_size_text(limit)}, the limit for an import")
    return b"".join(chunks)


# Read-only, never blocking on a FIFO, never becoming the controlling terminal; the flags a
# platform lacks (Windows has no O_NONBLOCK, POSIX no O_BINARY) are left out.
_OPEN_FLAGS = os.O_RDONLY
for _flag in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
    _OPEN_FLAGS |= getattr(os, _flag, 0)


def _size_text(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _check_regular(file: Path, info: os.stat_result, limit: int) -> None:
    """InputError unless ``info`` is a regular file's within the size limit."""
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{file} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        if stat.S_ISFIFO(info.st_mode):
            kind = "a pipe (FIFO)"
        elif stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
            kind = "a device"
        else:
            kind = "a socket" if stat.S_ISSOCK(info.st_mode) else "a special file"
        raise InputError(f"cannot import {file}: it is {kind}, not a regular file; save the data to a file and import that")
    if info.st_size > limit:
        raise InputError(f"{file.name} is larger than {_size_text(limit)}, the limit for an import")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{name} line {line}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again") from None


def _clean(value: object, *, multiline: bool = False) -> str:
    """Calendar text without the control characters other programs leave in it."""
    text = "" if value is None else str(value)
    keep = "\t\n" if multiline else "\t"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c if (c >= " " and c != "\x7f") or c in keep else " " for c in text).strip()


# ------------------------------------------------------------------ calendar
@dataclass(frozen=True)
class _Event:
    """One meeting to import, already resolved to UTC."""

    uid: str
    title: str
    notes: str
    start: datetime
    end: datetime
    created_at: datetime | None
    line: int


def _scan_structure(text: str, name: str) -> list[int]:
    """Check BEGIN/END nesting; return the line number of every BEGIN:VEVENT, in order.

    icalendar's own messages for a truncated or garbled file do not say where;
    this scan does, and catches the cases it silently accepts.
    """
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputError(f"{name} is empty")
    if lines[first].strip().upper() != "BEGIN:VCALENDAR":
        shown = lines[first].strip()[:40]
        raise InputError(f"{name} line {first + 1}: not an iCalendar file (found {shown!r}, expected BEGIN:VCALENDAR)")
    stack: list[tuple[str, int]] = []
    events: list[int] = []
    closed_calendar = False
    for number, raw in enumerate(lines, start=1):
        if raw[:1] in (" ", "\t"):
            continue  # a folded continuation line
        upper = raw.strip().upper()
        if upper.startswith("BEGIN:"):
            component = upper[6:]
            if closed_calendar and component == "VCALENDAR":
                closed_calendar = False  # several calendars in one file are allowed
            stack.append((component, number))
            if component == "VEVENT":
                events.append(number)
        elif upper.startswith("END:"):
            component = upper[4:]
            if not stack:
                raise InputError(f"{name} line {number}: END:{component} without a matching BEGIN")
            opened, at = stack.pop()
            if opened != component:
                raise InputError(f"{name} line {number}: END:{component} does not close BEGIN:{opened} of line {at}")
            if component == "VCALENDAR":
                closed_calendar = True
        elif upper and ":" not in upper and ";" not in upper:
            raise InputError(f"{name} line {number}: not an iCalendar line: {raw.strip()[:40]!r}")
    if stack:
        opened, at = stack[-1]
        raise InputError(f"{name} is truncated: BEGIN:{opened} of line {at} is never closed (the file ends at line {len(lines)})")
    return events


def _aware(value: datetime, tz: tzinfo) -> datetime:
    """UTC; a floating time (no TZID, no Z) is the user's local time."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _prop_dt(component: Any, key: str) -> date | datetime | None:
    prop = component.get(key)
    if prop is None:
        return None
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):
        raise ValueError(f"{key} has an unreadable value {str(prop)[:40]!r}")
    return value


def _exdates(component: Any, tz: tzinfo) -> tuple[set[datetime], set[date]]:
    """EXDATE instants (UTC) and whole dates; EXDATE may repeat and hold lists."""
    raw = component.get("EXDATE")
    if raw is None:
        return set(), set()
    groups = raw if isinstance(raw, list) else [raw]
    instants: set[datetime] = set()
    days: set[date] = set()
    for group in groups:
        for value in getattr(group, "dts", []):
            dt = value.dt
            if isinstance(dt, datetime):
                instants.add(_aware(dt, tz))
            elif isinstance(dt, date):
                days.add(dt)
    return instants, days


def _rrule_text(component: Any, tz: tzinfo) -> str:
    """The RRULE as text dateutil accepts with an aware start: UNTIL must be UTC."""
    recur = component.get("RRULE")
    if isinstance(recur, list):
        recur = recur[0]  # several RRULEs are deprecated by RFC 5545; the first one rules
    parts: list[str] = []
    for key, values in recur.items():
        key = str(key).upper()
        if key == "UNTIL":
            until = values[0] if isinstance(values, list) else values
            if isinstance(until, datetime):
                until_utc = _aware(until, tz)
            else:  # a date: occurrences starting on that local day still count
                until_utc = _aware(datetime.combine(until, time(23, 59, 59)), tz)
            parts.append("UNTIL=" + until_utc.strftime("%Y%m%dT%H%M%SZ"))
            continue
        if key in ("FREQ",) and str(values[0] if isinstance(values, list) else values).upper() in ("SECONDLY", "MINUTELY"):
            raise ValueError("repeats every second or minute; a meeting cannot")
        one = {key: values}
        parts.append(type(recur)(one).to_ical().decode())
    return ";".join(parts)


def _occurrences(start: datetime, rule_text: str, lo: datetime, hi: datetime) -> list[datetime]:
    """Starts of a series within [lo, hi], in the start's own zone (wall-clock time kept)."""
    # Here, not at the top (as icalendar below): only calendar files need them, and they are slow to import.
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]  # no stubs installed

    rule = rrulestr(rule_text, dtstart=start)
    found: list[datetime] = []
    for occurrence in rule.xafter(lo, inc=True):
        if occurrence > hi:
            break
        found.append(occurrence)
        if len(found) > MAX_OCCURRENCES:
            raise ValueError(f"the series repeats more than {MAX_OCCURRENCES} times within the import window")
    return found


def _uid_of(component: Any, start: date) -> str:
    uid = _clean(component.get("UID"))
    if uid:
        return uid
    # No UID (rare, hand-made files): derive a stable one so a re-import still matches.
    digest = hashlib.sha256(f"{component.get('SUMMARY')}|{start.isoformat()}".encode()).hexdigest()[:24]
    return f"no-uid-{digest}"


def _occurrence_uid(uid: str, original_start: datetime) -> str:
    return f"{uid}#{original_start.astimezone(UTC).isoformat()}"


def import_ics(service: Service, path: str | Path, window_days: tuple[int, int] = (WINDOW_BACK_DAYS, WINDOW_AHEAD_DAYS)) -> ImportReport:
    """Import the events of an iCalendar file as meetings, in one transaction.

    ``window_days`` = (days back, days ahead) of now within which recurring
    series are expanded. Raises InputError (nothing written) for a broken file.
    """
    import icalendar

    name = Path(path).name
    text = _decode(read_import_file(path), name)
    event_lines = _scan_structure(text, name)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, IndexError, KeyError) as exc:
        raise InputError(f"{name}: {_first_line(str(exc))}") from None
    tz = service.tz
    now = service.now()
    lo = now - timedelta(days=window_days[0])
    hi = now + timedelta(days=window_days[1])
    messages: list[str] = []
    skipped = 0
    masters: list[tuple[Any, int]] = []
    overrides: dict[str, list[tuple[Any, int]]] = {}
    vevents = [c for cal in calendars for c in cal.walk("VEVENT")]
    lines = event_lines + [0] * (len(vevents) - len(event_lines))
    for component, line in zip(vevents, lines, strict=False):
        where = f"{name} line {line}" if line else name
        for prop_name, problem in getattr(component, "errors", []):
            raise InputError(f"{where}: event {_clean(component.get('SUMMARY'))!r}: {prop_name}: {_first_line(str(problem))}")
        if component.get("DTSTART") is None:
            raise InputError(f"{where}: event {_clean(component.get('SUMMARY'))!r} has no DTSTART (start time)")
        if component.get("RECURRENCE-ID") is not None:
            overrides.setdefault(_clean(component.get("UID")), []).append((component, line))
        else:
            masters.append((component, line))

    events: list[_Event] = []
    out_of_range: list[str] = []
    cancelled: list[tuple[str, str]] = []
    used_overrides: set[int] = set()

    def resolve(component: Any, line: int, uid: str, start_value: datetime, length: timedelta | None = None) -> _Event | None:
        """An event's title, notes, end and creation; None (with a message) when skipped.

        ``length`` is given for an occurrence of a series: its end is its own start plus the series' length.
        """
        nonlocal skipped
        where = f"{name} line {line}"
        title = _clean(component.get("SUMMARY"))[:1000] or "(no title)"
        end_value = _prop_dt(component, "DTEND")
        duration = component.get("DURATION")
        try:
            start = _aware(start_value, tz)
            if length is not None:
                end = start + length
            elif isinstance(end_value, datetime):
                end = _aware(end_value, tz)
            elif duration is not None and isinstance(getattr(duration, "dt", None), timedelta):
                end = start + duration.dt
            elif end_value is None:
                end = start + timedelta(minutes=DEFAULT_MEETING_MINUTES)
                messages.append(f"{where}: {title!r} has no end; counted as {DEFAULT_MEETING_MINUTES} min")
            else:
                raise InputError(f"{where}: event {title!r} starts at a time but ends on a date")
            dated = in_range(start) and in_range(end)
        except OverflowError:  # year 1 east of UTC, year 9999 plus a duration
            dated = False
        if not dated:
            skip_out_of_range(title, line)
            return None
        if end <= start:
            skipped += 1
            messages.append(f"skipped {title!r} (line {line}): it lasts no time, a reminder rather than a meeting")
            return None
        notes_parts = []
        location = _clean(component.get("LOCATION"))
        if location:
            notes_parts.append(f"Location: {location}")
        description = _clean(component.get("DESCRIPTION"), multiline=True)
        if description:
            notes_parts.append(description)
        created = _prop_dt(component, "CREATED") or _prop_dt(component, "DTSTAMP")
        created_at = None
        if isinstance(created, datetime):
            try:
                # A stamp in the future is a clock error; Outlook writes 1601 for "unknown":
                # before the years kept, it still means "planned long ago".
                created_at = max(min(_aware(created, tz), now), EARLIEST)
            except OverflowError:
                created_at = EARLIEST if created.year < 1000 else now
        return _Event(uid, title, "\n\n".join(notes_parts)[:100_000], start, end, created_at, line)

    def skip_out_of_range(title: str, line: int) -> None:
        nonlocal skipped
        skipped += 1
        out_of_range.append(title)
        messages.append(f"skipped {title!r} (line {line}): it is dated outside {RANGE_TEXT}")

    def is_cancelled(component: Any) -> bool:
        return str(component.get("STATUS", "")).upper() == "CANCELLED"

    for component, line in masters:
        where = f"{name} line {line}"
        try:
            start_value = _prop_dt(component, "DTSTART")
            assert start_value is not None
            uid = _uid_of(component, start_value)
            title = _clean(component.get("SUMMARY")) or "(no title)"
            if not isinstance(start_value, datetime):
                skipped += 1
                messages.append(f"skipped all-day event {title!r} on {start_value.isoformat()} (line {line})")
                continue
            if is_cancelled(component):
                skipped += 1
                messages.append(f"skipped cancelled event {title!r} (line {line})")
                cancelled.append((uid, title))
                continue
            if component.get("RRULE") is None:
                event = resolve(component, line, uid, start_value)
                if event is not None:
                    events.append(event)
                continue
            series_start = start_value if start_value.tzinfo is not None else start_value.replace(tzinfo=tz)
            try:
                series_dated = in_range(series_start)
            except OverflowError:
                series_dated = False
            if not series_dated:  # a series from year 1 would be walked for 700,000 days first
                skip_out_of_range(title, line)
                continue
            ex_instants, ex_days = _exdates(component, tz)
            moved = {
                _aware(_prop_dt(o, "RECURRENCE-ID"), tz): (o, o_line)  # type: ignore[arg-type]
                for o, o_line in overrides.get(uid, [])
                if isinstance(_prop_dt(o, "RECURRENCE-ID"), datetime)
            }
            rule = _rrule_text(component, tz)
            length = _series_length(component, series_start)
            for occurrence in _occurrences(series_start, rule, lo - length, hi):
                original = occurrence.astimezone(UTC)
                if original in ex_instants or occurrence.date() in ex_days:
                    continue
                occ_uid = _occurrence_uid(uid, original)
                if original in moved:
                    override, o_line = moved[original]
                    used_overrides.add(id(override))
                    if is_cancelled(override):
                        cancelled.append((occ_uid, title))
                        continue
                    o_start = _prop_dt(override, "DTSTART")
                    if not isinstance(o_start, datetime):
                        continue
                    event = resolve(override, o_line, occ_uid, o_start)
                else:
                    event = resolve(component, line, occ_uid, occurrence, length)
                if event is not None and event.end > lo and event.start <= hi:
                    events.append(event)
        except InputError:
            raise
        except (ValueError, TypeError, AssertionError, OverflowError) as exc:
            raise InputError(f"{where}: event {_clean(component.get('SUMMARY'))!r}: {_first_line(str(exc))}") from None

    # Overrides whose series is not in the file (or whose original start lies outside the rule).
    for uid, group in overrides.items():
        for component, line in group:
            if id(component) in used_overrides:
                continue
            try:
                rid = _prop_dt(component, "RECURRENCE-ID")
                start_value = _prop_dt(component, "DTSTART")
            except ValueError as exc:
                raise InputError(f"{name} line {line}: {_first_line(str(exc))}") from None
            if not isinstance(rid, datetime) or not isinstance(start_value, datetime):
                skipped += 1
                messages.append(f"skipped all-day event {_clean(component.get('SUMMARY'))!r} (line {line})")
                continue
            occ_uid = _occurrence_uid(uid, _aware(rid, tz))
            if is_cancelled(component):
                cancelled.append((occ_uid, _clean(component.get("SUMMARY"))))
                continue
            event = resolve(component, line, occ_uid, start_value)
            if event is not None and event.end > lo and event.start <= hi:
                events.append(event)

    # A UID repeated in one file (some exports do): the last definition wins.
    unique: dict[str, _Event] = {}
    for event in events:
        unique[event.uid] = event
    records = [
        ImportRecord(
            draft=ItemDraft(title=e.title, kind=Kind.MEETING, notes=e.notes, start=e.start, end=e.end),
            created_at=e.created_at,
            uid=e.uid,
            label=f"{name} line {e.line}",
        )
        for e in unique.values()
    ]
    # A cancelled event imported before: mark it skipped, never create it.
    for uid in _known_uids(service, [u for u, _ in cancelled]):
        title = next(t for u, t in cancelled if u == uid)
        records.append(
            ImportRecord(
                draft=ItemDraft(title=title or "(no title)", kind=Kind.MEETING, skipped=True),
                uid=uid,
                label=f"{name} (cancelled {title!r})",
                update_fields=("skipped",),
            )
        )
    outcome = service.import_items(records).value
    return ImportReport(
        added=len(outcome.added),
        updated=len(outcome.updated),
        skipped=skipped,
        unchanged=len(outcome.unchanged),
        messages=tuple(messages),
        item_ids=outcome.added + outcome.updated,
        out_of_range=tuple(out_of_range),
    )


def _series_length(component: Any, start: datetime) -> timedelta:
    end_value = _prop_dt(component, "DTEND")
    if isinstance(end_value, datetime):
        end = end_value if end_value.tzinfo is not None else end_value.replace(tzinfo=start.tzinfo)
        return end - start
    duration = component.get("DURATION")
    if duration is not None and isinstance(getattr(duration, "dt", None), timedelta):
        return duration.dt  # type: ignore[no-any-return]
    return timedelta(minutes=DEFAULT_MEETING_MINUTES)


def _known_uids(service: Service, uids: Sequence[str]) -> set[str]:
    if not uids:
        return set()
    with service.unit() as session:
        return {u for u in session.scalars(select(Item.uid).where(Item.uid.in_(list(uids)))) if u}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else "unreadable"


# ----------------------------------------------------------------------- CSV
_TRUE = ("yes", "y", "true", "1", "x")
_FALSE = ("no", "n", "false", "0", "")


def _unquote(cell: str) -> str:
    """Undo our own formula neutralising ("'=x" -> "=x"), so an export imports as it was."""
    if len(cell) > 1 and cell[0] == "'" and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def _bool(cell: str, column: str) -> bool:
    value = cell.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{column} is {cell!r}; use yes or no")


def _int(cell: str, column: str) -> int | None:
    value = cell.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{column} is {cell!r}; use a whole number") from None


def _when(service: Service, cell: str, column: str, *, end_of_day: bool) -> datetime | None:
    value = cell.strip()
    if not value:
        return None
    try:
        return parse_when(value, service.now(), service.tz, end_of_day=end_of_day)
    except OutOfRangeError as exc:
        raise OutOfRangeError(f"{column} {value!r} is outside {RANGE_TEXT}") from exc
    except InputError as exc:
        raise InputError(f"{column} {value!r}: {exc}") from None


def _row_draft(service: Service, row: dict[str, str]) -> ItemDraft:
    cell = {k: _unquote(v) for k, v in row.items()}
    kind_text = cell.get("kind", "").strip().lower()
    start = _when(service, cell.get("start", ""), "start", end_of_day=False)
    try:
        kind = Kind(kind_text) if kind_text else (Kind.MEETING if start else Kind.TASK)
    except ValueError:
        raise InputError(f"kind is {kind_text!r}; use task, meeting or escalation") from None
    importance_text = cell.get("importance", "").strip().lower()
    try:
        importance = Importance(importance_text) if importance_text else Importance.NORMAL
    except ValueError:
        raise InputError(f"importance is {importance_text!r}; use low, normal, high or critical") from None
    end = _when(service, cell.get("end", ""), "end", end_of_day=False)
    if start is not None and end is None:
        end = start + timedelta(minutes=DEFAULT_MEETING_MINUTES)
        if not in_range(end):
            raise OutOfRangeError(f"the meeting would end after {RANGE_TEXT}")
    severity = _int(cell.get("severity", ""), "severity")
    if severity is not None and not kind_text:
        kind = Kind.ESCALATION
    return ItemDraft(
        title=cell.get("title", ""),
        kind=kind,
        notes=cell.get("notes", "").replace("\r\n", "\n"),
        importance=importance,
        due=_when(service, cell.get("due", ""), "due", end_of_day=True),
        estimate_minutes=_int(cell.get("estimate_minutes", ""), "estimate_minutes"),
        strategic=_bool(cell.get("strategic", ""), "strategic"),
        delegated_to=cell.get("delegated_to", "").strip() or None,
        start=start,
        end=end,
        severity=severity,
        customer=cell.get("customer", "").strip() or None,
        key_customer=_bool(cell.get("key_customer", ""), "key_customer"),
    )


def import_csv(service: Service, path: str | Path) -> ImportReport:
    """Import items from a CSV file with the documented header, in one transaction."""
    name = Path(path).name
    text = _decode(read_import_file(path), name)
    if "\x00" in text:
        raise InputError(f"{name} line {text[: text.index(chr(0))].count(chr(10)) + 1}: contains a NUL byte; is it really a CSV file?")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header_row = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"{name} line 1: {exc}") from None
    if header_row is None or not any(h.strip() for h in header_row):
        raise InputError(f"{name} is empty; the first line must be the header: {','.join(CSV_COLUMNS)}")
    header = [h.strip().lower() for h in header_row]
    unknown = [h for h in header if h and h not in CSV_COLUMNS and h not in CSV_IGNORED]
    if unknown:
        raise InputError(f"{name} line 1: unknown column {unknown[0]!r}; the header is {','.join(CSV_COLUMNS)}")
    if "title" not in header:
        raise InputError(f"{name} line 1: the header has no 'title' column; the header is {','.join(CSV_COLUMNS)}")
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise InputError(f"{name} line 1: column {duplicates[0]!r} appears twice")
    records: list[ImportRecord] = []
    out_of_range: list[str] = []
    messages: list[str] = []
    line = 1
    try:
        for cells in _rows(reader):
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(cells) > len(header):
                raise InputError(f"{name} line {line}: {len(cells)} cells but the header has {len(header)} columns")
            row = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header) if h in CSV_COLUMNS}
            try:
                draft = _row_draft(service, row)
            except OutOfRangeError as exc:
                # Skipped and reported, as a calendar's event is: the rest of the file is fine.
                title = _clean(_unquote(row.get("title", "")))[:60] or "(no title)"
                out_of_range.append(title)
                messages.append(f"skipped {title!r} (line {line}): {exc}")
                continue
            except InputError as exc:
                raise InputError(f"{name} line {line}: {exc}") from None
            records.append(ImportRecord(draft=draft, label=f"{name} line {line}"))
    except csv.Error as exc:
        raise InputError(f"{name} line {reader.line_num}: {exc}") from None
    outcome = service.import_items(records).value
    return ImportReport(
        added=len(outcome.added),
        updated=len(outcome.updated),
        skipped=len(out_of_range),
        unchanged=len(outcome.unchanged),
        messages=tuple(messages),
        item_ids=outcome.added + outcome.updated,
        out_of_range=tuple(out_of_range),
    )


def _rows(reader: Iterable[list[str]]) -> Iterable[list[str]]:
    yield from reader
