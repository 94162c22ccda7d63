"""Incident mode: a clock and a banner while escalations pour in, then a summary.

:class:`IncidentController` starts and ends an incident, collects the ids every
operation touched meanwhile (from :attr:`Bus.changed`), and at the end computes an
:class:`~prioritizer.domain.values.IncidentSummary` from the core's items, triage history
and time entries. :func:`record_incident` keeps it for the weekly review through
``Service.record_incident``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from prioritizer.ui.bus import Bus
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from prioritizer.domain.values import Actor, Changes, IncidentSummary, Quadrant, Status
from prioritizer.text.humanize import local_stamp, minutes_text

if TYPE_CHECKING:  # services imports SQLAlchemy, which the start-up does not wait for
    from prioritizer.services.service import Service


def summary_text(summary: IncidentSummary, titles: dict[int, str]) -> str:
    """The summary as a few plain lines, naming the items (``titles`` maps id to title)."""

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


def summarize(service: Service, started: datetime, ended: datetime, item_ids: set[int]) -> tuple[IncidentSummary, dict[int, str]]:
    """Compute the summary of an incident from the items it touched; also their titles."""

    def inside(moment: datetime | None) -> bool:
        return moment is not None and started <= moment <= ended

    views = service.list_items(ids=sorted(item_ids), include_closed=True) if item_ids else []
    captured: list[int] = []
    moved: list[int] = []
    delegated: list[int] = []
    done: list[int] = []
    seconds = 0.0
    for view in sorted(views, key=lambda v: v.id):
        events = [e for e in service.history(view.id) if inside(e.at)]
        if inside(view.created_at):
            captured.append(view.id)
        if any(e.actor is Actor.USER and e.note.startswith(("moved", "pin cleared")) for e in events):
            moved.append(view.id)
        # Sent to Delegate during the incident and still there at its end (an item that landed in
        # Delegate and was then pulled into Do was not delegated).
        to_delegate = view.quadrant is Quadrant.DELEGATE and any(e.to_quadrant is Quadrant.DELEGATE for e in events)
        handed = bool(view.delegated_to) and (inside(view.updated_at) or inside(view.created_at))
        if view.status is Status.OPEN and (to_delegate or handed):
            delegated.append(view.id)
        if view.status is Status.DONE and inside(view.closed_at):
            done.append(view.id)
        for entry in service.entries(view.id):
            start, end = max(entry.start, started), min(entry.end or ended, ended)
            if end > start:
                seconds += (end - start).total_seconds()
    summary = IncidentSummary(
        started_at=started,
        ended_at=ended,
        title=f"Incident {local_stamp(started, service.tz)}",
        captured=tuple(captured),
        moved=tuple(moved),
        delegated=tuple(delegated),
        done=tuple(done),
        minutes_logged=round(seconds / 60),
    )
    return summary, {v.id: v.title for v in views}


def record_incident(service: Service, summary: IncidentSummary) -> IncidentSummary:
    """Keep a finished incident for the weekly review (stored by the core); returns it with its id."""
    incident_id = service.record_incident(summary).value
    return replace(summary, id=incident_id)


class IncidentController(QObject):
    """Starts and ends incidents; remembers what they touched.

    Signals:
        started(datetime): an incident began.
        ended(IncidentSummary): an incident ended; its summary.
    """

    started = Signal(object)
    ended = Signal(object)

    def __init__(self, bus: Bus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.started_at: datetime | None = None
        self.touched: set[int] = set()
        self.titles: dict[int, str] = {}
        bus.changed.connect(self._changed)

    @property
    def active(self) -> bool:
        """True during an incident."""
        return self.started_at is not None

    def start(self) -> None:
        """Start the incident clock."""
        if self.active:
            return
        self.started_at = self.bus.service.now()
        running = self.bus.service.running()
        self.touched = {running.item_id} if running else set()
        self.started.emit(self.started_at)

    def stop(self) -> IncidentSummary | None:
        """End the incident; returns (and records) its summary."""
        if self.started_at is None:
            return None
        service = self.bus.service
        summary, self.titles = summarize(service, self.started_at, service.now(), set(self.touched))
        # Waits out another program's write (ui/bus.py); refused after all, the incident stays open to end again.
        summary = self.bus.call(record_incident, service, summary)
        self.started_at = None
        self.touched = set()
        self.ended.emit(summary)
        return summary

    def _changed(self, changes: Changes) -> None:
        if self.active:
            self.touched |= changes.items | changes.added | changes.removed
            running = self.bus.service.running() if changes.time else None
            if running is not None:
                self.touched.add(running.item_id)


class IncidentBanner(QFrame):
    """The red bar across the window during an incident: elapsed time and an End button."""

    def __init__(self, controller: IncidentController, toggle: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("incidentBanner")
        # White on red in light and dark alike (its own stylesheet: the window has none).
        self.setStyleSheet(
            "QFrame#incidentBanner { background: #c62828; border-radius: 6px; }"
            " QFrame#incidentBanner QLabel { color: white; font-weight: 600; }"
        )
        self.setAccessibleName("Incident banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAccessibleName("Incident clock")
        end = QToolButton(self)
        end.setText("End incident")
        end.setToolTip(toggle.toolTip())
        end.clicked.connect(toggle.trigger)
        layout.addWidget(self.label, 1)
        layout.addWidget(end)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.update_text)
        controller.started.connect(self._started)
        controller.ended.connect(self._ended)
        controller.bus.changed.connect(lambda _changes: self.update_text())
        self.hide()

    def _started(self, _at: datetime) -> None:
        self.update_text()
        self.show()
        self._tick.start()

    def _ended(self, _summary: IncidentSummary) -> None:
        self._tick.stop()
        self.hide()

    def update_text(self) -> None:
        """Elapsed time and what was captured so far."""
        started = self.controller.started_at
        if started is None:
            return
        elapsed = max(0, int((self.controller.bus.service.now() - started).total_seconds()))
        hours, rest = divmod(elapsed, 3600)
        clock = f"{hours:d}:{rest // 60:02d}:{rest % 60:02d}"
        touched = len(self.controller.touched)
        items = f"{touched} item{'s' if touched != 1 else ''} touched"
        self.label.setText(f"INCIDENT  {clock}   ·   {items}   ·   new quick-add lines are escalations")
