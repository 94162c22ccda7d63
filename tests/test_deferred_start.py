"""The window paints from a sqlite3 snapshot and opens the Service after the first paint (prioritizer/deferred.py)."""

from __future__ import annotations

import sqlite3
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from prioritizer.domain.clock import local_tz
from prioritizer.domain.values import Importance, Kind, Quadrant
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.deferred import DeferredService, open_snapshot
from tests.conftest import NOW


def _fill(path: Path) -> dict[str, int]:
    svc = Service.open(str(path), now=NOW - timedelta(days=2))
    ids = {
        "fire": svc.add(ItemDraft(title="Sev1 checkout down", kind=Kind.ESCALATION, severity=1)).value,
        "plan": svc.add(ItemDraft(title="Q1 plan", importance=Importance.HIGH, due=NOW + timedelta(days=10))).value,
        # Due in 30 h from two days ago: it turned urgent while the app was closed.
        "turned": svc.add(ItemDraft(title="Renewal deck", importance=Importance.HIGH, due=NOW + timedelta(hours=6))).value,
        "later": svc.add(ItemDraft(title="Tidy tags")).value,
    }
    svc.start_timer(ids["fire"])
    svc.close()
    return ids


def _deferred(path: Path) -> tuple[DeferredService, list[Service]]:
    opened: list[Service] = []

    def opener() -> Service:
        opened.append(Service.open(str(path), now=NOW, deep_check=False))
        return opened[-1]

    snapshot = open_snapshot(str(path), NOW, local_tz())
    assert snapshot is not None
    return DeferredService(snapshot, opener, NOW, local_tz()), opened


def test_the_snapshot_answers_what_the_first_paint_reads(db_path: Path) -> None:
    _fill(db_path)
    deferred, opened = _deferred(db_path)
    svc = Service.open(str(db_path), now=NOW)
    try:
        expected = svc.list_items()  # applies the due change first; the snapshot placed it the same way
        assert [(v.id, v.quadrant, v.minutes_spent, v.timer_running) for v in deferred.list_items()] == [
            (v.id, v.quadrant, v.minutes_spent, v.timer_running) for v in expected
        ]
        assert [v.placement.reasons for v in deferred.list_items()] == [v.placement.reasons for v in expected]
        assert deferred.running() == svc.running()
        assert deferred.policy() == svc.policy()
        assert deferred.now() == NOW and not deferred.is_open and opened == []
    finally:
        svc.close()


def test_anything_else_opens_the_service_and_is_taken_from_it(db_path: Path) -> None:
    ids = _fill(db_path)
    deferred, opened = _deferred(db_path)
    assert deferred.get(ids["plan"]).title == "Q1 plan"  # not a snapshot read
    assert deferred.is_open and len(opened) == 1
    assert deferred.list_items(include_closed=True)  # now every read is the Service's
    deferred.materialize()
    assert len(opened) == 1  # once
    deferred.close()


def test_materializing_runs_the_callbacks_once(db_path: Path) -> None:
    _fill(db_path)
    deferred, _ = _deferred(db_path)
    seen: list[Service] = []
    deferred.materialized.append(seen.append)
    real = deferred.materialize()
    deferred.materialize()
    assert seen == [real]
    deferred.close()


@pytest.mark.parametrize("case", ["missing", "journal", "newer schema", "not sqlite", "url"])
def test_the_snapshot_steps_aside_when_opening_must_do_more_than_read(db_path: Path, case: str) -> None:
    location = str(db_path)
    if case != "missing":
        _fill(db_path)
    if case == "journal":
        db_path.with_name(db_path.name + "-journal").write_bytes(b"")
    elif case == "newer schema":
        conn = sqlite3.connect(db_path)
        conn.execute("UPDATE settings SET value = '99' WHERE key = 'schema_version'")
        conn.commit()
        conn.close()
    elif case == "not sqlite":
        db_path.write_bytes(b"this is not a database" * 100)
    elif case == "url":
        location = "postgresql+psycopg://nobody@localhost/none"
    assert open_snapshot(location, NOW, local_tz()) is None


def test_a_window_on_the_snapshot_shows_the_cards_then_records_what_fell_due(qtbot: Any, db_path: Path) -> None:
    from prioritizer.ui.main_window import MainWindow

    ids = _fill(db_path)
    deferred, opened = _deferred(db_path)
    window = MainWindow(deferred)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert opened == []  # built and shown without the Service
    assert window.matrix.models[Quadrant.DO].row_of(ids["turned"]) >= 0  # placed as the rules say now
    assert window.matrix.models[Quadrant.SCHEDULE].row_of(ids["plan"]) >= 0
    assert "Sev1" in window.timer_label.text()
    deferred.materialize()
    window.service_opened()
    qtbot.waitUntil(lambda: not window.resort_timer.isActive() or window.resort_timer.remainingTime() > 1000, timeout=3000)
    history = opened[0].history(ids["turned"])
    assert [h.to_quadrant for h in history][-1] is Quadrant.DO  # the change is in the triage log now
    assert window.balance_label.text()  # today's balance came with the Service
    deferred.close()


def test_the_forgotten_timer_question_waits_for_the_service_then_comes_at_the_next_interaction(
    qtbot: Any, db_path: Path
) -> None:
    from prioritizer.ui.dialogs.forgotten_timer import ForgottenTimerDialog
    from prioritizer.ui.main_window import MainWindow
    from PySide6.QtCore import Qt

    svc = Service.open(str(db_path), now=NOW - timedelta(hours=1))
    svc.start_timer(svc.add(ItemDraft(title="Quarterly plan")).value)
    svc.close()
    deferred, opened = _deferred(db_path)
    window = MainWindow(deferred)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.keyClick(window, Qt.Key.Key_Shift)  # an interaction before the Service: nothing asked, nothing opened
    assert opened == [] and window.forgotten_timer.dialog is None
    deferred.materialize()
    window.service_opened()
    assert window.forgotten_timer.dialog is None  # an hour: plausible
    opened[0].clock = lambda: NOW + timedelta(hours=5)
    qtbot.keyClick(window, Qt.Key.Key_Shift)  # the next interaction asks
    dialog = window.forgotten_timer.dialog
    assert isinstance(dialog, ForgottenTimerDialog) and dialog.isVisible()
    dialog.keep_button.click()
    deferred.close()


def test_run_app_opens_the_service_after_the_paint_then_backs_up(qtbot: Any, db_path: Path) -> None:
    """The whole start in-process: snapshot window, Service and File > Back up now after the paint,
    the automatic backup, and a write through the opened Service."""
    from prioritizer.ui.app import application, run_app
    from prioritizer.ui.main_window import MainWindow
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from prioritizer.safety import backup as bk

    ids = _fill(db_path)
    app = application()
    before = set(QApplication.topLevelWidgets())
    seen: dict[str, object] = {}

    def check() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if w not in before and isinstance(w, MainWindow)]
        if not windows or not windows[0].service.is_open or not bk.list_backups(str(db_path)):
            QTimer.singleShot(50, check)
            return
        window = windows[0]
        seen["deferred"] = isinstance(window.service, DeferredService)
        seen["menu"] = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
        window.bus.run(window.service.done, ids["later"])  # a write through the real Service
        seen["done"] = ids["later"] not in {v.id for v in window.store.views()}
        # Only what run_app opened (the window, and the forgotten-timer question the two-day-old timer
        # brings up): widgets of other tests are not this test's to close, and a dialog left open
        # would keep the next test's window from becoming active.
        for widget in QApplication.topLevelWidgets():
            if widget not in before and widget is not window and widget.isVisible():
                widget.close()
        window.close()

    QTimer.singleShot(0, check)
    QTimer.singleShot(20_000, app.quit)  # a safety net: never hang the suite
    assert run_app(str(db_path), NOW) == 0
    assert seen["deferred"] is True and seen["done"] is True
    assert "Back up &now" in seen["menu"]  # type: ignore[operator]
    # The automatic backup after the paint, then the window's close backs up the write made since.
    assert [b.reason for b in bk.list_backups(str(db_path))] == ["window-close", "auto"]


def test_the_storage_modules_load_in_a_worker_and_report_on_the_gui_thread(qtbot: Any) -> None:
    import threading

    from prioritizer.ui.app import StorageLoader

    loader = StorageLoader()
    on: list[threading.Thread] = []
    loader.loaded.connect(lambda: on.append(threading.current_thread()))
    with qtbot.waitSignal(loader.loaded, timeout=30_000):
        loader.start()
        loader.start()  # a second call (the fallback timer) starts nothing
    qtbot.wait(50)
    assert on == [threading.main_thread()]
    assert "prioritizer.services.service" in sys.modules and "sqlalchemy" in sys.modules
