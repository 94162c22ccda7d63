"""Short human texts for instants and spans, shared by the window and the command line."""

from __future__ import annotations

from datetime import datetime, tzinfo

from prioritizer.domain.clock import to_local
from prioritizer.domain.rules import describe_seconds
from prioritizer.domain.values import IncidentSummary


def countdown(due: datetime, now: datetime) -> str:
    """'in 2 h', 'in 45 min', 'overdue 1 d', 'due now' (within a minute either way)."""
    # In float seconds: comparing timedeltas (and making -1 minute) cost twice the text (per listed item).
    seconds = (due - now).total_seconds()
    if -60.0 < seconds < 60.0:
        return "due now"
    if seconds < 0:
        return "overdue " + describe_seconds(-seconds)
    return "in " + describe_seconds(seconds)


def local_stamp(moment: datetime | None, tz: tzinfo | None = None, now: datetime | None = None) -> str:
    """'14:02' today, 'Tue 14:02' within a week, '2026-11-30 14:02' otherwise."""
    if moment is None:
        return ""
    local = to_local(moment, tz)
    if now is not None:
        today = to_local(now, tz).date()
        if local.date() == today:
            return local.strftime("%H:%M")
        if abs((local.date() - today).days) < 7:
            return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def minutes_text(minutes: float) -> str:
    """'45 min', '2 h 05', '0 min'."""
    total = int(round(minutes))
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest:02d}" if hours else f"{rest} min"


def incident_summary_text(summary: IncidentSummary, titles: dict[int, str]) -> str:
    """An incident's summary as a few plain lines, naming the items (``titles`` maps id to title)."""

    def names(ids: tuple[int, ...]) -> str:
        shown = ", ".join(titles.get(i, f"item {i}") for i in ids[:6])
        more = f" and {len(ids) - 6} more" if len(ids) > 6 else ""
        return f": {shown}{more}" if ids else ""

    minutes = summary.duration.total_seconds() / 60
    return "\n".join(
        [
            f"Lasted {minutes_text(minutes)}.",
            f"Captured {len(summary.captured)}{names(summary.captured)}",
            f"Moved {len(summary.moved)}{names(summary.moved)}",
            f"Delegated {len(summary.delegated)}{names(summary.delegated)}",
            f"Done {len(summary.done)}{names(summary.done)}",
            f"Time logged meanwhile: {minutes_text(summary.minutes_logged)}.",
        ]
    )
