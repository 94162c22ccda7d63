"""The forgotten-timer question: "The timer on X has run 6 h 12 — keep it, or stop it at [time]".

A timer left running over lunch, a meeting or the night would put hours into the
balance that nobody worked. :class:`ForgottenTimerWatcher` asks at the next
interaction (a key press or a click in the app, at most once a minute), never by
polling in the background: the core decides what "forgotten" means
(``timekeeping.forgotten_timer``: longer than the policy's limit, 4 h by default,
or across local midnight).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import ModuleType

from prioritizer.ui.bus import Bus
from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimeZone
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from prioritizer.domain.clock import UTC, local_midnight, to_local
from prioritizer.domain.values import InputError, StaleItemError, TimeEntryView
from prioritizer.text.humanize import minutes_text


def _timekeeping() -> ModuleType:
    """prioritizer.services.timekeeping, imported when first used: it imports SQLAlchemy, which the start-up does not wait for."""
    from prioritizer.services import timekeeping

    return timekeeping

KEEP, TRIM = 1, 2


def suggested_end(entry: TimeEntryView, now: datetime, work_end_minute: int, tz: object) -> datetime:
    """A likely real end: the end of the working day the timer started on, if that is still ahead of the start."""
    day = to_local(entry.start, tz).date()  # type: ignore[arg-type]
    end = local_midnight(day, tz) + timedelta(minutes=work_end_minute)  # type: ignore[arg-type]
    if entry.start < end < now:
        return end
    return min(now, entry.start + timedelta(hours=1))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def qt_zone(tz: object) -> QTimeZone:
    """The Qt zone for the service's zone (its IANA name), else the system zone."""
    zone = QTimeZone(str(tz).encode())
    return zone if zone.isValid() else QTimeZone.systemTimeZone()


class ForgottenTimerDialog(QDialog):
    """Keep the forgotten timer, or stop it at a chosen time."""

    def __init__(self, bus: Bus, entry: TimeEntryView, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.entry = entry
        service = bus.service
        now = service.now()
        self.setWindowTitle("Timer still running")
        ran = minutes_text((now - entry.start).total_seconds() / 60)
        since = to_local(entry.start, service.tz).strftime("%a %H:%M")
        layout = QVBoxLayout(self)
        self.message = QLabel(f"The timer on “{title}” has run {ran} (since {since}) — keep it, or stop it at:", self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # the title as typed: "<b>" is not bold
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.end_edit = QDateTimeEdit(self)
        self.end_edit.setTimeZone(qt_zone(service.tz))
        self.end_edit.setDisplayFormat("ddd yyyy-MM-dd HH:mm")
        self.end_edit.setCalendarPopup(True)
        self.end_edit.setMinimumDateTime(self._qt(entry.start + timedelta(minutes=1)))
        self.end_edit.setMaximumDateTime(self._qt(now))
        policy = service.policy()
        self.end_edit.setDateTime(self._qt(suggested_end(entry, now, policy.work_end_minute, service.tz)))
        self.end_edit.setAccessibleName("Stop the timer at")
        layout.addWidget(self.end_edit)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # the core's message may quote what was typed
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.keep_button = buttons.addButton("Keep it running", QDialogButtonBox.ButtonRole.RejectRole)
        self.trim_button = buttons.addButton("Stop it at this time", QDialogButtonBox.ButtonRole.AcceptRole)
        self.trim_button.setDefault(True)
        self.keep_button.clicked.connect(self.keep)
        self.trim_button.clicked.connect(self.trim)
        layout.addWidget(buttons)

    @staticmethod
    def _qt(value: datetime) -> QDateTime:
        return QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000), QTimeZone.utc())

    def chosen_end(self) -> datetime:
        """The end the user picked, as an aware UTC instant."""
        return datetime.fromtimestamp(self.end_edit.dateTime().toMSecsSinceEpoch() / 1000, UTC)

    def keep(self) -> None:
        """Keep the timer; it is not questioned again."""
        try:
            self.bus.run(_timekeeping().keep_running, self.bus.service, asked=self.entry)
        except InputError as exc:  # stopped or started again elsewhere: nothing to keep; say so
            self.bus.failed.emit(_sentence(str(exc)))
        self.done(KEEP)

    def trim(self) -> None:
        """Stop the timer at the chosen time (never another run, started elsewhere since the question)."""
        try:
            self.bus.run(_timekeeping().trim_running, self.bus.service, self.chosen_end(), asked=self.entry)
        except StaleItemError as exc:
            self.bus.failed.emit(_sentence(str(exc)))  # the status bar reloads with the timer as it is
            self.done(KEEP)
            return
        except InputError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        self.done(TRIM)


_INTERACTIONS = frozenset((QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.WindowActivate))


class ForgottenTimerWatcher(QObject):
    """Asks about a forgotten timer at the user's next interaction with the app."""

    def __init__(self, bus: Bus, window: QWidget) -> None:
        super().__init__(window)
        self.bus = bus
        self.window = window
        self.dialog: ForgottenTimerDialog | None = None
        self._last_check: datetime | None = None
        self.listen(True)

    def listen(self, on: bool) -> None:
        """Watch the app's key presses, clicks and activations (on), or stop (the window closed).

        The filter is on the whole application, so a closed window's watcher must stop: it
        would otherwise answer another window's activation with a question about its data.
        """
        app = QApplication.instance()
        if app is None:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102, N802
        if (
            event.type() in _INTERACTIONS  # every event of the app comes here: the cheap test first
            and self.dialog is None
        ):
            now = self.bus.service.now()
            if self._last_check is None or abs(now - self._last_check) >= timedelta(minutes=1):
                self._last_check = now
                self.check()
        return False

    def check(self) -> ForgottenTimerDialog | None:
        """Ask now if the timer looks forgotten; returns the open dialog, or None.

        The dialog is window-modal but opened without a nested event loop
        (``open``, not ``exec``): the app keeps repainting and nothing blocks.
        """
        if self.dialog is not None:
            return self.dialog
        entry = _timekeeping().forgotten_timer(self.bus.service)
        if entry is None:
            return None
        title = self.bus.service.get(entry.item_id).title
        dialog = ForgottenTimerDialog(self.bus, entry, title, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
