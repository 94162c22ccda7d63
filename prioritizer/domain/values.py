"""Plain domain values: enums and frozen dataclasses shared by every layer.

Nothing here touches the database or Qt. Services return these values, so the
window and the command line never hold live ORM objects.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


class Kind(enum.StrEnum):
    """What an item is."""

    TASK = "task"
    MEETING = "meeting"
    ESCALATION = "escalation"


class Importance(enum.StrEnum):
    """How much an item matters, from low to critical."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for critical."""
        return _IMPORTANCE_RANK[self]


_IMPORTANCE_RANK = {
    Importance.LOW: 0,
    Importance.NORMAL: 1,
    Importance.HIGH: 2,
    Importance.CRITICAL: 3,
}


class Status(enum.StrEnum):
    """Life cycle of an item."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class Quadrant(enum.StrEnum):
    """The four Eisenhower quadrants."""

    DO = "do"
    SCHEDULE = "schedule"
    DELEGATE = "delegate"
    ELIMINATE = "eliminate"

    @classmethod
    def of(cls, urgent: bool, important: bool) -> Quadrant:
        """The quadrant for an urgency/importance pair."""
        if urgent:
            return cls.DO if important else cls.DELEGATE
        return cls.SCHEDULE if important else cls.ELIMINATE

    @property
    def urgent(self) -> bool:
        """Whether this quadrant holds urgent items."""
        return self in (Quadrant.DO, Quadrant.DELEGATE)

    @property
    def important(self) -> bool:
        """Whether this quadrant holds important items."""
        return self in (Quadrant.DO, Quadrant.SCHEDULE)

    @property
    def label(self) -> str:
        """Human name of the quadrant."""
        return _QUADRANT_LABELS[self][0]

    @property
    def meaning(self) -> str:
        """One line saying what the quadrant is for."""
        return _QUADRANT_LABELS[self][1]


_QUADRANT_LABELS = {
    Quadrant.DO: ("Do now", "Urgent and important: firefighting that matters"),
    Quadrant.SCHEDULE: ("Schedule", "Important, not urgent: protect time for it"),
    Quadrant.DELEGATE: ("Delegate", "Urgent, not important: someone else should take it"),
    Quadrant.ELIMINATE: ("Eliminate", "Neither: drop it or park it"),
}


class Actor(enum.StrEnum):
    """Who changed a placement: the rules or the user."""

    RULES = "rules"
    USER = "user"


class TriageAction(enum.StrEnum):
    """What the user did when a placement changed by their hand (the rules' changes have none).

    Stored with each triage-log row, so what happened is read from a field, never
    from the row's human note (which may be reworded).
    """

    MOVE = "move"  # dragged or moved to a quadrant (pinned there)
    UNPIN = "unpin"  # "let the rules decide"
    UNDO = "undo"  # a pin state put back by undo
    REOPEN = "reopen"  # a done or dropped item opened again


class EntrySource(enum.StrEnum):
    """Where a time entry came from."""

    TIMER = "timer"
    MANUAL = "manual"
    MEETING = "meeting"


@dataclass(frozen=True)
class Policy:
    """User-editable placement and accounting settings, stored with the data.

    Attributes:
        urgency_horizon: an item due within this span is urgent.
        proactive_target: wished share (0..1) of tracked time spent on Schedule items.
        work_start_minute: start of the working day, minutes after local midnight.
        work_end_minute: end of the working day, minutes after local midnight.
        work_days: ISO weekdays (1 = Monday) that are working days.
        forgotten_timer: a running timer longer than this is questioned.
    """

    urgency_horizon: timedelta = timedelta(hours=24)
    proactive_target: float = 0.30
    work_start_minute: int = 9 * 60
    work_end_minute: int = 17 * 60
    work_days: tuple[int, ...] = (1, 2, 3, 4, 5)
    forgotten_timer: timedelta = timedelta(hours=4)


@dataclass(frozen=True)
class ItemFacts:
    """The fields of an item that placement depends on (and a few to show).

    All datetimes are timezone-aware (UTC).
    """

    kind: Kind
    title: str = ""
    importance: Importance = Importance.NORMAL
    due: datetime | None = None
    strategic: bool = False
    severity: int | None = None
    key_customer: bool = False
    start: datetime | None = None
    end: datetime | None = None
    created_at: datetime | None = None
    pinned_quadrant: Quadrant | None = None
    pinned_at: datetime | None = None
    status: Status = Status.OPEN


@dataclass(frozen=True)
class Placement:
    """Where the rules (or a pin) put an item at a given moment.

    Attributes:
        quadrant: the quadrant the item is shown in.
        urgent / important: what the rules found (a pin overrides the quadrant only).
        pinned: whether a user pin decided the quadrant.
        reasons: human sentences explaining the placement.
        changes_at: the next moment this placement changes by itself, or None.
    """

    quadrant: Quadrant
    urgent: bool
    important: bool
    pinned: bool
    reasons: tuple[str, ...]
    changes_at: datetime | None


@dataclass(frozen=True)
class ItemView:
    """Everything a view or the command line shows about one item.

    ``version`` is the row version read with it: the window passes it back with a
    write, which ``Service`` refuses if someone changed the item since (``StaleItemError``).
    """

    id: int
    kind: Kind
    title: str
    notes: str
    importance: Importance
    due: datetime | None
    estimate_minutes: int | None
    strategic: bool
    delegated_to: str | None
    status: Status
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    start: datetime | None
    end: datetime | None
    severity: int | None
    customer: str | None
    key_customer: bool
    placement: Placement
    pinned_at: datetime | None
    minutes_spent: int
    timer_running: bool
    version: int
    rank: tuple[object, ...] = field(default=(), compare=False)
    order_reason: str = ""

    @property
    def quadrant(self) -> Quadrant:
        """Shortcut to the placement's quadrant."""
        return self.placement.quadrant


@dataclass(frozen=True)
class TimeEntryView:
    """One span of work on an item."""

    id: int
    item_id: int
    start: datetime
    end: datetime | None
    quadrant: Quadrant
    source: EntrySource
    note: str = ""

    @property
    def running(self) -> bool:
        """True while the timer is still running."""
        return self.end is None


@dataclass(frozen=True)
class TriageEvent:
    """One placement change of an item, made by the rules or by the user."""

    id: int
    item_id: int
    at: datetime
    from_quadrant: Quadrant | None
    to_quadrant: Quadrant
    actor: Actor
    note: str = ""
    action: TriageAction | None = None


@dataclass(frozen=True)
class IncidentSummary:
    """What happened during one incident-mode session.

    Attributes:
        captured / moved / delegated / done: item ids in each category.
        minutes_logged: time tracked on any item while the incident ran.
    """

    started_at: datetime
    ended_at: datetime
    title: str = ""
    captured: tuple[int, ...] = ()
    moved: tuple[int, ...] = ()
    delegated: tuple[int, ...] = ()
    done: tuple[int, ...] = ()
    minutes_logged: int = 0
    id: int | None = None

    @property
    def duration(self) -> timedelta:
        """How long the incident lasted."""
        return self.ended_at - self.started_at


@dataclass(frozen=True)
class Changes:
    """What an operation changed, so each view refreshes only its part.

    Attributes:
        items: ids of items whose fields or placement changed.
        added / removed: ids that appeared in or left the open list.
        time: whether time entries changed (balance, timers).
        policy: whether the policy changed.
        versions: the row version each item written has now (``ItemView.version``), so
            the writer knows which versions it made itself (the window's undo checks).
        elsewhere: made by another process (the ``watch.ChangeWatcher``), not by this one.
    """

    items: frozenset[int] = frozenset()
    added: frozenset[int] = frozenset()
    removed: frozenset[int] = frozenset()
    time: bool = False
    policy: bool = False
    versions: Mapping[int, int] = field(default_factory=dict, compare=False)
    elsewhere: bool = False

    def __or__(self, other: Changes) -> Changes:
        versions = dict(self.versions)
        for item_id, version in other.versions.items():  # versions only grow: the newer one
            versions[item_id] = max(version, versions.get(item_id, version))
        return Changes(
            items=self.items | other.items,
            added=self.added | other.added,
            removed=self.removed | other.removed,
            time=self.time or other.time,
            policy=self.policy or other.policy,
            versions=versions,
            elsewhere=self.elsewhere or other.elsewhere,
        )

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.items or self.added or self.removed or self.time or self.policy)


class StorageError(RuntimeError):
    """The disk refused a write (full, or an I/O error); the operation was rolled back."""


class DatabaseBusyError(StorageError):
    """Another process held the database's write lock longer than the busy timeout; nothing was done.

    A StorageError of its own, so the window can tell "try again in a moment" apart from a full disk.
    """

    MESSAGE = "another program is writing to the database (an import?); try again in a moment"


class InputError(ValueError):
    """Bad user input: the message names the problem in one line."""


class Unchecked(enum.Enum):
    """What a caller passes when it read nothing to check against (the command line): ``UNCHECKED``."""

    UNCHECKED = "unchecked"


UNCHECKED = Unchecked.UNCHECKED


class StaleItemError(InputError):
    """A write made on a stale copy was refused: the item (or the timer) changed elsewhere since it was read.

    Raised only when the caller passed what it read (a version, the running timer);
    the command line passes nothing and never meets it. An InputError, so every
    existing handler shows the one-line message; nothing was written.

    Attributes:
        ids: the items that changed since they were read (reload them).
        timer: True when it was the running timer that changed.
    """

    def __init__(self, message: str, ids: frozenset[int] = frozenset(), *, timer: bool = False) -> None:
        super().__init__(message)
        self.ids = ids
        self.timer = timer

    @classmethod
    def changed(cls, titles: list[str], ids: frozenset[int]) -> StaleItemError:
        """The error for items changed elsewhere: "Refund backlog was changed elsewhere; nothing was overwritten"."""
        if len(titles) == 1:
            return cls(f"{titles[0]} was changed elsewhere; nothing was overwritten", ids)
        shown = ", ".join(titles[:3]) + (", …" if len(titles) > 3 else "")
        return cls(f"{len(titles)} items were changed elsewhere ({shown}); nothing was overwritten", ids)


class OutOfRangeError(InputError):
    """An instant outside the years every view, zone and export can show (see ``check_instant``)."""


# --- The range of instants (issue 16, section 6) ---------------------------------------
# Every instant the app stores lies in these years, in UTC: each view, each local zone
# (up to 14 h either side) and each export can show it, and the arithmetic the rules and
# reports do on it (a deadline minus the horizon, a day's end plus a week, an SLA counted
# in working days) stays far inside Python's years 1-9999. Checked once at the doors
# every write passes (drafts.validate, when.parse_when, time entries, --now, imports);
# a value an older version stored outside it is clamped where instants are read
# (``clamp_micros``), so no view fails on it.
FIRST_YEAR = 1900
LAST_YEAR = 2200
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=timezone.utc)  # noqa: UP017 - domain imports no clock
LATEST = datetime(LAST_YEAR, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)  # noqa: UP017
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # noqa: UP017 - instants are stored as microseconds since it
EARLIEST_MICROS = (EARLIEST - EPOCH) // timedelta(microseconds=1)
LATEST_MICROS = (LATEST - EPOCH) // timedelta(microseconds=1)
RANGE_TEXT = f"the years {FIRST_YEAR}-{LAST_YEAR}"


def in_range(value: datetime) -> bool:
    """Whether an aware instant lies within the years ``FIRST_YEAR``-``LAST_YEAR`` (UTC)."""
    return EARLIEST <= value <= LATEST


def check_instant(value: datetime, what: str) -> datetime:
    """``value`` unchanged, or OutOfRangeError naming it: "the start 9999-12-31 23:30 is outside the years 1900-2200".

    ``what`` names the value ("the start", "--now"). The instant is shown as given
    (the parsers give UTC): converting it to another zone could itself overflow.
    """
    if value.tzinfo is None or value.utcoffset() is None or EARLIEST <= value <= LATEST:
        return value  # a naive value is refused by the caller's own check, with its own message
    raise OutOfRangeError(f"{what} {instant_text(value)} is outside {RANGE_TEXT}")


def instant_text(value: datetime) -> str:
    """'9999-12-31 23:30' for any datetime (strftime writes year 1 as '1', not '0001')."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def clamp_micros(value: int) -> int:
    """Stored microseconds brought within the range: what every reader shows for a value an old file holds.

    A year-9999 meeting reads as the last instant of 2200, a year-1 deadline as the first of
    1900, and an integer beyond any date as the nearer end; every view then shows it safely.
    """
    return EARLIEST_MICROS if value < EARLIEST_MICROS else LATEST_MICROS if value > LATEST_MICROS else value
