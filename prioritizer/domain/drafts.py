"""What an item is made of before it is saved: drafts, validation, import records, results (no SQLAlchemy).

``Service`` (services.py) takes and returns these; the window's dialogs and quick
add build and check them before the database is open, so they live apart from
the storage code (the start-up imports no SQLAlchemy: ARCHITECTURE.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from prioritizer.domain.values import Changes, Importance, InputError, ItemFacts, Kind, check_instant

if TYPE_CHECKING:
    from prioritizer.text.quickadd import QuickAdd

T = TypeVar("T")

MAX_TITLE = 1000
MAX_NOTES = 1_000_000
MAX_NAME = 200
_INSTANT_NAMES = {"due": "the deadline", "start": "the start", "end": "the end"}


@dataclass(frozen=True)
class Result(Generic[T]):
    """The value an operation produced and what it changed."""

    value: T
    changes: Changes


@dataclass(frozen=True)
class ItemDraft:
    """The editable fields of an item: what ``add`` takes and ``edit`` replaces."""

    title: str
    kind: Kind = Kind.TASK
    notes: str = ""
    importance: Importance = Importance.NORMAL
    due: datetime | None = None
    estimate_minutes: int | None = None
    strategic: bool = False
    delegated_to: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    severity: int | None = None
    customer: str | None = None
    key_customer: bool = False
    skipped: bool = False

    @classmethod
    def from_quick_add(cls, quick: QuickAdd) -> ItemDraft:
        """The item a quick-add line describes (importance normal when not said)."""
        return cls(
            title=quick.title,
            kind=quick.kind,
            importance=quick.importance or Importance.NORMAL,
            due=quick.due,
            estimate_minutes=quick.estimate_minutes,
            strategic=quick.strategic,
            delegated_to=quick.delegated_to,
            start=quick.start,
            end=quick.end,
            severity=quick.severity,
            customer=quick.customer,
            key_customer=quick.key_customer,
        )


    def facts(self, created_at: datetime) -> ItemFacts:
        """What the rules need to place this item, made at ``created_at`` and never pinned."""
        return ItemFacts(
            kind=self.kind,
            title=self.title,
            importance=self.importance,
            due=self.due,
            strategic=self.strategic,
            severity=self.severity,
            key_customer=self.key_customer,
            start=self.start,
            end=self.end,
            created_at=created_at,
        )


# --- Bulk import records (added for importers.py; see Service.import_items) ---
@dataclass(frozen=True)
class ImportRecord:
    """One item to import: a new item, or an update of the item with the same calendar ``uid``.

    Attributes:
        created_at: when the item came into being (a calendar event's CREATED), else now.
        label: where the record came from, prefixed to its validation error ("line 12").
        update_fields: the draft fields a re-import may overwrite on an existing item.
    """

    draft: ItemDraft
    created_at: datetime | None = None
    uid: str | None = None
    label: str = ""
    update_fields: tuple[str, ...] = ("title", "notes", "start", "end")


@dataclass(frozen=True)
class ImportOutcome:
    """Ids of the items an import added, updated, and found unchanged."""

    added: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    unchanged: tuple[int, ...] = ()


# Control characters a text may not hold: a tab is fine, and line breaks in multi-line texts.
# A regular expression, not a loop over characters: an import checks 100,000 titles and notes.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str, what: str, limit: int, *, multiline: bool = False) -> str:
    """Text as stored: valid UTF-8, no NUL or control characters, within ``limit``; InputError naming ``what``."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: bytes that were not UTF-8 on the command line
        raise InputError(f"{what} is not valid UTF-8 text") from None
    if "\x00" in value:
        raise InputError(f"{what} contains a NUL byte, which cannot be stored")
    if (_CONTROL_MULTILINE if multiline else _CONTROL).search(value):
        raise InputError(f"{what} contains control characters; remove them and try again")
    cleaned = value if multiline else " ".join(value.split())
    if len(cleaned) > limit:
        raise InputError(f"{what} is {len(cleaned)} characters long; the limit is {limit}")
    return cleaned


def validate(draft: ItemDraft) -> ItemDraft:
    """Check a draft and return it normalised; raise InputError naming the problem."""
    title = clean_text(draft.title, "the title", MAX_TITLE)
    if not title:
        raise InputError("the title is empty")
    notes = clean_text(draft.notes, "the notes", MAX_NOTES, multiline=True)
    kind = Kind(draft.kind)
    importance = Importance(draft.importance)
    for name in ("due", "start", "end"):
        value = getattr(draft, name)
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise InputError(f"{name} must carry a time zone")
        if value is not None:
            check_instant(value, _INSTANT_NAMES[name])  # the years every view can show (domain)
    if draft.severity is not None:
        if kind is not Kind.ESCALATION:
            raise InputError("severity applies to escalations only (use --kind escalation)")
        if not 1 <= draft.severity <= 4:
            raise InputError(f"severity {draft.severity} is out of range: use 1 (worst) to 4")
    if draft.estimate_minutes is not None and not 0 <= draft.estimate_minutes <= 100_000:
        raise InputError(f"estimate {draft.estimate_minutes} min is out of range: use 0 to 100000 minutes")
    if draft.end is not None and draft.start is None:
        raise InputError("an end needs a start")
    if draft.start is not None and draft.end is not None and draft.end <= draft.start:
        raise InputError("the end is before the start")
    if kind is not Kind.MEETING and (draft.start is not None or draft.end is not None):
        raise InputError("start and end apply to meetings only (use --kind meeting)")
    delegated_to = _clean_name(draft.delegated_to, "the delegate's name")
    customer = _clean_name(draft.customer, "the customer")
    return replace(draft, title=title, notes=notes, kind=kind, importance=importance, delegated_to=delegated_to, customer=customer)


def _clean_name(value: str | None, what: str) -> str | None:
    return (clean_text(value, what, MAX_NAME) or None) if value else None
