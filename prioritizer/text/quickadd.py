"""One-line quick add, in the spirit of Todoist.

A manager types ``Sev1 ACME checkout down due 2h`` and gets an escalation with
severity 1 due in two hours. Recognised tokens become fields; every word that is
not understood stays in the title, in its original order and spelling, so
nothing typed is ever lost. ``QuickAdd.understood`` lists what was read, for
the preview under the input line.

Grammar (keywords are case-insensitive):

- first word ``meeting``/``mtg``, ``escalation``/``esc`` or ``task``: the kind;
- ``sev1``, ``sev-1``, ``sev 1`` (1..4): escalation with that severity;
- ``!low`` ``!normal`` ``!high`` ``!critical``, ``!!`` (high), ``!!!`` (critical);
- ``#strategic``, ``#key`` (key customer);
- ``+Name``: delegated to; ``@Name``: customer;
- ``due WHEN`` / ``by WHEN``: deadline; ``~30m``: estimate;
- meetings only: ``[at] WHEN`` starts it, a bare duration (``30m``) sets its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from prioritizer.domain.clock import local_tz, to_utc
from prioritizer.domain.values import Importance, InputError, Kind
from prioritizer.text.when import MAX_PREFIX_WORDS, match_when_prefix, parse_duration

__all__ = ["DEFAULT_MEETING_LENGTH", "QuickAdd", "parse_quick_add"]

DEFAULT_MEETING_LENGTH = timedelta(minutes=30)

_KIND_WORDS: dict[str, Kind] = {
    "meeting": Kind.MEETING,
    "mtg": Kind.MEETING,
    "escalation": Kind.ESCALATION,
    "esc": Kind.ESCALATION,
    "task": Kind.TASK,
}
_IMPORTANCE_WORDS: dict[str, Importance] = {
    "!low": Importance.LOW,
    "!normal": Importance.NORMAL,
    "!high": Importance.HIGH,
    "!critical": Importance.CRITICAL,
    "!!": Importance.HIGH,
    "!!!": Importance.CRITICAL,
}
_SEVERITY = re.compile(r"sev-?([1-4])", re.ASCII)
# A meeting length must carry a unit: a bare "2" in a title is not 2 minutes.
_LENGTH = re.compile(r"[0-9]+(?:\.[0-9]+)?[a-z]+(?:[0-9]+(?:\.[0-9]+)?[a-z]+)*", re.ASCII)

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class QuickAdd:
    """What a quick-add line says. Datetimes are aware UTC."""

    title: str
    kind: Kind = Kind.TASK
    importance: Importance | None = None  # None: not said, the caller uses normal
    due: datetime | None = None
    severity: int | None = None
    customer: str | None = None
    key_customer: bool = False
    strategic: bool = False
    delegated_to: str | None = None
    estimate_minutes: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    understood: tuple[str, ...] = ()


def parse_quick_add(text: str, now: datetime, tz: tzinfo | None = None) -> QuickAdd:
    """Read a quick-add line; never raises for odd text, unknown words stay in the title.

    Args:
        text: the line as typed.
        now: the current instant (aware); relative dates count from it.
        tz: the user's zone for calendar words (default: local).
    """
    return _Reader(text, to_utc(now, tz), tz if tz is not None else local_tz()).read()


def _name(word: str) -> str | None:
    """The name in ``+Sam`` / ``@ACME``: letters, digits, ``.-_``, at least one letter."""
    name = word[1:]
    if not name or not any(c.isalpha() for c in name):
        return None
    if not all(c.isalnum() or c in "._-" for c in name):
        return None
    return name


def _minutes_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


class _Reader:
    """One pass over the words; fields are filled the first time they are said.

    A field said twice keeps its first value and the repeat stays in the title,
    so nothing is dropped silently.
    """

    def __init__(self, text: str, now: datetime, tz: tzinfo) -> None:
        self.text = text
        self.now = now
        self.tz = tz
        self.words = text.split()
        self.used: set[int] = set()
        # (word index, phrase): sorted at the end so the preview follows the text.
        self.phrases: list[tuple[int, str]] = []
        self.kind = Kind.TASK
        self.kind_said = False
        self.importance: Importance | None = None
        self.due: datetime | None = None
        self.severity: int | None = None
        self.customer: str | None = None
        self.key_customer = False
        self.strategic = False
        self.delegated_to: str | None = None
        self.estimate: int | None = None
        self.start: datetime | None = None
        self.length: tuple[int, timedelta] | None = None  # word index, duration

    def read(self) -> QuickAdd:
        if self.words and self.words[0].lower() in _KIND_WORDS:
            self.kind = _KIND_WORDS[self.words[0].lower()]
            self.kind_said = True
            self._take(0, 1, self.kind.value)
        i = 1 if self.kind_said else 0
        while i < len(self.words):
            i += self._token(i) or 1

        end = self._end()

        title = " ".join(w for n, w in enumerate(self.words) if n not in self.used)
        if not title:
            title = " ".join(self.words)
        self.phrases.sort(key=lambda p: p[0])  # stable: same-word phrases keep order
        return QuickAdd(
            title=title,
            kind=self.kind,
            importance=self.importance,
            due=self.due,
            severity=self.severity,
            customer=self.customer,
            key_customer=self.key_customer,
            strategic=self.strategic,
            delegated_to=self.delegated_to,
            estimate_minutes=self.estimate,
            start=self.start,
            end=end,
            understood=tuple(p for _, p in self.phrases),
        )

    def _end(self) -> datetime | None:
        """The meeting end: start + the length said, or the default length."""
        if self.start is not None:
            length = self.length[1] if self.length is not None else DEFAULT_MEETING_LENGTH
            try:
                end = self.start + length
            except OverflowError:  # a start in year 9999
                end = None
            if end is not None and self.length is None:
                default = _minutes_text(int(length.total_seconds()) // 60)
                self.phrases.append((len(self.words), f"lasts {default} (default)"))
            if end is not None or self.length is None:
                return end
        if self.length is not None:
            # A length without a usable start has nowhere to go: give the word back.
            index = self.length[0]
            self.used.discard(index)
            self.phrases = [p for p in self.phrases if p[0] != index]
        return None

    def _take(self, i: int, count: int, phrase: str) -> int:
        self.used.update(range(i, i + count))
        self.phrases.append((i, phrase))
        return count

    def _when(self, i: int, *, end_of_day: bool, bare_spans: bool) -> tuple[datetime, int] | None:
        words = self.words[i : i + MAX_PREFIX_WORDS]
        try:
            return match_when_prefix(
                words, self.now, self.tz, end_of_day=end_of_day, bare_spans=bare_spans
            )
        except InputError:  # defensive: match_when_prefix already returns None
            return None

    def _token(self, i: int) -> int:
        """Read the token starting at word ``i``; the number of words taken, 0 if none."""
        word = self.words[i]
        low = word.lower()
        meeting = self.kind is Kind.MEETING

        if self.severity is None:
            severity: str | None = None
            count = 1
            if m := _SEVERITY.fullmatch(low):
                severity = m[1]
            elif low == "sev" and self.words[i + 1 : i + 2] in (["1"], ["2"], ["3"], ["4"]):
                severity, count = self.words[i + 1], 2
            if severity is not None:
                if not self.kind_said and self.kind is not Kind.ESCALATION:
                    # An explicit first-word kind wins; otherwise sev means escalation.
                    self.kind = Kind.ESCALATION
                    self.phrases.append((i, Kind.ESCALATION.value))
                self.severity = int(severity)
                return self._take(i, count, f"severity {severity}")

        if low in _IMPORTANCE_WORDS and self.importance is None:
            self.importance = _IMPORTANCE_WORDS[low]
            return self._take(i, 1, f"importance {self.importance.value}")
        if low == "#strategic" and not self.strategic:
            self.strategic = True
            return self._take(i, 1, "strategic")
        if low == "#key" and not self.key_customer:
            self.key_customer = True
            return self._take(i, 1, "key customer")
        if word.startswith("+") and self.delegated_to is None and (name := _name(word)):
            self.delegated_to = name
            return self._take(i, 1, f"delegated to {name}")
        if word.startswith("@") and self.customer is None and (name := _name(word)):
            self.customer = name
            return self._take(i, 1, f"customer {name}")
        if word.startswith("~") and self.estimate is None:
            minutes = self._minutes(word[1:])
            if minutes:
                self.estimate = minutes
                return self._take(i, 1, f"estimate {_minutes_text(minutes)}")

        if low in ("due", "by") and self.due is None:
            found = self._when(i + 1, end_of_day=True, bare_spans=True)
            if found is not None:
                self.due, count = found
                return self._take(i, 1 + count, f"due {self._show(self.due)}")
        if meeting and self.start is None:
            if low == "at":
                found = self._when(i + 1, end_of_day=False, bare_spans=True)
                if found is not None:
                    self.start, count = found
                    return self._take(i, 1 + count, f"starts {self._show(self.start)}")
            # Without a keyword a bare span ("30m") is the length, not a start.
            found = self._when(i, end_of_day=False, bare_spans=False)
            if found is not None:
                self.start, count = found
                return self._take(i, count, f"starts {self._show(self.start)}")
        if meeting and self.length is None and _LENGTH.fullmatch(low):
            minutes = self._minutes(low)
            if minutes:
                self.length = (i, timedelta(minutes=minutes))
                return self._take(i, 1, f"lasts {_minutes_text(minutes)}")
        return 0

    @staticmethod
    def _minutes(text: str) -> int | None:
        """Whole minutes in a duration, None if it is not one (or under a minute)."""
        try:
            minutes = int(parse_duration(text).total_seconds() // 60)
        except InputError:
            return None
        return minutes or None

    def _show(self, when: datetime) -> str:
        """Short local form for the preview, e.g. ``Sun 22 Nov 13:00``."""
        local = when.astimezone(self.tz)
        year = f" {local.year}" if local.year != self.now.astimezone(self.tz).year else ""
        return (
            f"{_DAY_NAMES[local.weekday()]} {local.day} {_MONTH_NAMES[local.month - 1]}"
            f"{year} {local:%H:%M}"
        )
