"""Incident mode: a clock and a banner while escalations pour in, then a summary.

:class:`IncidentController` starts and ends an incident and counts the items touched
meanwhile for the banner (from :attr:`Bus.changed`). The summary at the end is the
core's (``prioritizer.services.incidents``): the window only shows it.
"""

from __future__ import annotations

from datetime import datetime

from prioritizer.ui.bus import Bus
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from prioritizer.domain.values import Changes, IncidentSummary
from prioritizer.text.humanize import incident_summary_text as summary_text

__all__ = ["IncidentBanner", "IncidentController", "summary_text"]


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
        # Here, not at the top: the services bring SQLAlchemy, which the window loads after its first paint.
        from prioritizer.services.incidents import end_incident, titles

        service = self.bus.service
        # Waits out another program's write (ui/bus.py); refused after all, the incident stays open to end again.
        summary = self.bus.call(end_incident, service, self.started_at)
        self.titles = titles(service, summary)
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
