"""Today's balance at a glance, for the status bar.

"Today: 2 h 10 firefighting · 45 min proactive (26 %)". It re-reads when the
bus says time changed and once a minute (a running timer makes today grow);
the read is one small SQL aggregate (``prioritizer.reports.balance``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prioritizer.ui.bus import Bus
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from prioritizer.domain.values import Changes
from prioritizer.text.humanize import minutes_text

if TYPE_CHECKING:  # balance loads after the first paint (ui/app.py), as the Service does
    from prioritizer.reports.balance import Balance


def status_text(value: Balance) -> str:
    """The status-bar line for one day's balance."""
    if value.total_minutes == 0:
        return "Today: nothing tracked yet"
    return (
        f"Today: {minutes_text(value.firefighting_minutes)} firefighting · "
        f"{minutes_text(value.proactive_minutes)} proactive ({value.proactive_share * 100:.0f} %)"
    )


class BalanceStatus(QLabel):
    """A status-bar label with today's firefighting and proactive time.

    Signals:
        clicked(): the user clicked it (the window opens the balance tab).
    """

    clicked = Signal()

    def __init__(self, bus: Bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.setObjectName("balanceStatus")
        self.setAccessibleName("Today's balance")
        self.value: Balance | None = None
        bus.changed.connect(self.on_changes)
        self._tick = QTimer(self)
        self._tick.setInterval(60_000)
        self._tick.timeout.connect(self.refresh)
        self._tick.start()
        self.refresh()

    def on_changes(self, changes: Changes) -> None:
        """Refresh when tracked time or the target changed."""
        if changes.time or changes.policy:
            self.refresh()

    def refresh(self) -> None:
        """Re-read today's balance."""
        from prioritizer.reports.balance import balance, today

        day = today(self.bus.service)
        self.value = balance(self.bus.service, day, day)
        self.setText(status_text(self.value))
        target = self.value.target_share * 100
        low = self.value.low_value_minutes
        self.setToolTip(
            f"Proactive target {target:.0f} %. Low value today: {minutes_text(low)}. Click for the balance."
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: D102, N802
        self.clicked.emit()
        super().mousePressEvent(event)
