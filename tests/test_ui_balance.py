"""The balance view, the status label, the forgotten-timer dialog and the entries widget (pytest-qt)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from prioritizer.ui.bus import Bus
from prioritizer.ui.dialogs.forgotten_timer import KEEP, TRIM, ForgottenTimerDialog
from prioritizer.ui.panels.balance_status import BalanceStatus
from prioritizer.ui.panels.time_entries import TimeEntriesWidget
from prioritizer.ui.tabs.balance_view import BalanceView, verdict
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from prioritizer.domain.clock import local_midnight
from prioritizer.domain.values import Importance, Kind
from prioritizer.services.service import ItemDraft, Service

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # as in conftest: Friday 09:00 in Berlin
TODAY = date(2026, 11, 20)
H = timedelta(hours=1)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return local_midnight(day) + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def filled(service: Service) -> dict[str, int]:
    """A week with firefighting, proactive and low-value time."""
    ids = {
        "fire": service.add(ItemDraft("Sev1 checkout down", kind=Kind.ESCALATION, severity=1), created_at=NOW - 96 * H).value,
        "plan": service.add(ItemDraft("Hiring plan", importance=Importance.HIGH), created_at=NOW - 96 * H).value,
        "noise": service.add(ItemDraft("Newsletter"), created_at=NOW - 96 * H).value,
    }
    service.log_time(ids["fire"], local(TODAY, 6), local(TODAY, 8))
    service.log_time(ids["plan"], local(TODAY, 5), local(TODAY, 6))
    service.log_time(ids["noise"], local(date(2026, 11, 18), 10), local(date(2026, 11, 18), 10, 30))
    return ids


@pytest.fixture
def bus(service: Service) -> Bus:
    return Bus(service)


@pytest.fixture
def view(qtbot: QtBot, bus: Bus, filled: dict[str, int]) -> BalanceView:
    widget = BalanceView(bus)
    widget.first_weekday = 0
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_balance_view_shows_the_week(view: BalanceView) -> None:
    assert view.value is not None
    assert (view.value.start, view.value.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert view.tiles["firefighting"].value.text() == "2 h 00"
    assert view.tiles["proactive"].value.text() == "1 h 00"
    assert view.tiles["low_value"].value.text() == "30 min"
    assert "Proactive 29 %" in view.verdict.text() and "target 30 %" in view.verdict.text()
    assert len(view.trend) == 8


def test_range_selector_today_and_last_week(view: BalanceView) -> None:
    view.range_box.setCurrentIndex(0)
    assert view.value is not None and view.value.start == view.value.end == TODAY
    assert view.value.low_value_minutes == 0
    view.range_box.setCurrentIndex(2)
    assert view.value.start == date(2026, 11, 9) and view.value.total_minutes == 0
    assert "Nothing tracked" in view.verdict.text()
    view.set_range(date(2026, 11, 18), date(2026, 11, 18))
    assert view.value.low_value_minutes == 30 and view.from_edit.isVisible()


def test_clicking_a_bar_lists_the_items_behind_it(qtbot: QtBot, view: BalanceView, filled: dict[str, int], qtmodeltester: object) -> None:
    chart = view._day_chart.chart()
    series = chart.series()[0]
    friday = 4
    # Firefighting sits above proactive (1 h of 3 h) in Friday's bar: aim at its middle, 66 %.
    point = chart.mapToPosition(QPointF(friday, 66), series)
    target = view._day_chart.mapFromScene(chart.mapToScene(point))
    with qtbot.waitSignal(view.bar_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(view._day_chart.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert blocker.args == [TODAY, "firefighting"]
    model = view.behind_model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)) == "Sev1 checkout down"
    assert model.data(model.index(0, 1)) == "2 h 00"
    assert "Firefighting on Fri 20 Nov" in view.behind_title.text()
    qtmodeltester.check(model)  # type: ignore[attr-defined]

    view.show_items(TODAY, None)
    assert [model.item_id(r) for r in range(model.rowCount())] == [filled["fire"], filled["plan"]]
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_target_edit_updates_the_policy_and_the_view(view: BalanceView, bus: Bus) -> None:
    view.target_box.setValue(25)
    assert bus.service.policy().proactive_target == pytest.approx(0.25)
    assert view.value is not None and view.value.target_share == pytest.approx(0.25)
    assert "on target" in view.verdict.text()


def test_view_refreshes_when_time_changes(view: BalanceView, bus: Bus, filled: dict[str, int]) -> None:
    bus.run(bus.service.log_time, filled["plan"], local(TODAY, 4), local(TODAY, 5))
    assert view.tiles["proactive"].value.text() == "2 h 00"


def test_balance_view_grab_smoke(view: BalanceView, tmp_path: Path) -> None:
    path = tmp_path / "balance.png"
    assert view.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= 1280 and image.height() >= 800
    assert view.minimumSizeHint().width() < 1000


def test_verdict_words() -> None:
    from prioritizer.reports.balance import Balance

    short = Balance(TODAY, TODAY, 120, 30, 0, 0.2, 0.3, [], {"do": 120, "schedule": 30, "delegate": 0, "eliminate": 0}, {})
    text, good = verdict(short)
    assert not good and "10 points short" in text and "Firefighting took 80 %" in text


def test_status_label(qtbot: QtBot, bus: Bus, filled: dict[str, int]) -> None:
    label = BalanceStatus(bus)
    qtbot.addWidget(label)
    assert label.text() == "Today: 2 h 00 firefighting · 1 h 00 proactive (33 %)"
    bus.run(bus.service.log_time, filled["plan"], local(TODAY, 3), local(TODAY, 4))
    assert label.text() == "Today: 2 h 00 firefighting · 2 h 00 proactive (50 %)"


def test_forgotten_timer_dialog_trims(qtbot: QtBot, bus: Bus, service: Service) -> None:
    from prioritizer.services.timekeeping import forgotten_timer

    item = service.add(ItemDraft("Vendor contract"), created_at=NOW - H).value
    service.start_timer(item)
    service.clock = lambda: NOW + 6 * H + timedelta(minutes=12)
    entry = forgotten_timer(service)
    assert entry is not None
    dialog = ForgottenTimerDialog(bus, entry, "Vendor contract")
    qtbot.addWidget(dialog)
    assert "has run 6 h 12" in dialog.message.text() and "Vendor contract" in dialog.message.text()
    # Started at 09:00, asked at 15:12, before the working day ends: the suggestion is an hour after the start.
    assert dialog.chosen_end() == NOW + H
    dialog.end_edit.setDateTime(dialog._qt(NOW + 2 * H))
    with qtbot.waitSignal(bus.changed):
        dialog.trim_button.click()
    assert dialog.result() == TRIM
    assert service.running() is None
    assert service.entries(item)[0].end == NOW + 2 * H


def test_forgotten_timer_dialog_keeps(qtbot: QtBot, bus: Bus, service: Service) -> None:
    from prioritizer.services.timekeeping import forgotten_timer

    item = service.add(ItemDraft("Roadmap"), created_at=NOW - H).value
    service.start_timer(item)
    service.clock = lambda: NOW + 5 * H
    entry = forgotten_timer(service)
    assert entry is not None
    dialog = ForgottenTimerDialog(bus, entry, "Roadmap")
    qtbot.addWidget(dialog)
    dialog.keep_button.click()
    assert dialog.result() == KEEP
    assert service.running() is not None and forgotten_timer(service) is None


def test_time_entries_widget_marks_and_resolves_overlaps(qtbot: QtBot, bus: Bus, service: Service, qtmodeltester: object) -> None:
    a = service.add(ItemDraft("Escalation call"), created_at=NOW - 96 * H).value
    b = service.add(ItemDraft("Report"), created_at=NOW - 96 * H).value
    keep = service.log_time(a, NOW - 3 * H, NOW - H).value[0]
    other = service.log_time(b, NOW - 2 * H, NOW).value[0]
    widget = TimeEntriesWidget(bus)
    qtbot.addWidget(widget)
    widget.set_item(a)
    model = widget.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 6)) == f"⚠ overlaps #{other.id}"
    assert "1 entry overlaps" in widget.summary.text()
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    widget.table.selectRow(0)
    assert widget.keep_button.isEnabled()
    widget.keep_button.click()
    assert [(e.start, e.end) for e in service.entries(b)] == [(NOW - H, NOW)]
    assert model.data(model.index(0, 6)) == ""
    assert not widget.keep_button.isEnabled()
    widget.table.selectRow(0)
    widget.delete_button.click()
    assert model.rowCount() == 0 and service.entries(a) == []
    assert keep.id not in [e.id for e in service.entries(a)]


def test_suggested_end_is_the_end_of_the_working_day() -> None:
    from prioritizer.ui.dialogs.forgotten_timer import suggested_end

    from prioritizer.domain.clock import local_tz
    from prioritizer.domain.values import EntrySource, Quadrant, TimeEntryView

    entry = TimeEntryView(1, 1, NOW, None, Quadrant.DO, EntrySource.TIMER)
    next_morning = local(TODAY + timedelta(days=1), 8)
    assert suggested_end(entry, next_morning, 17 * 60, local_tz()) == local(TODAY, 17)


def test_watcher_asks_at_the_next_interaction(qtbot: QtBot, bus: Bus, service: Service) -> None:
    from prioritizer.ui.dialogs.forgotten_timer import ForgottenTimerWatcher
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    watcher = ForgottenTimerWatcher(bus, window)
    item = service.add(ItemDraft("Quarterly plan"), created_at=NOW - H).value
    service.start_timer(item)
    assert watcher.check() is None  # just started: nothing to ask
    service.clock = lambda: NOW + 5 * H
    # A key press in the app is the "next interaction".
    qtbot.keyClick(window, Qt.Key.Key_A)
    dialog = watcher.dialog
    assert isinstance(dialog, ForgottenTimerDialog) and dialog.isVisible()
    assert watcher.check() is dialog  # asked once, not stacked
    dialog.keep_button.click()
    assert dialog.result() == KEEP and watcher.dialog is None
    assert watcher.check() is None  # kept: not asked again
