"""The window's start: the first paint reads through the Service (the read model); what can wait comes after it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from prioritizer.domain.values import Importance, Kind, Quadrant
from prioritizer.services.service import ItemDraft, Service
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


def test_the_first_window_shows_the_cards_as_the_rules_place_them_now_and_records_what_fell_due(
    qtbot: Any, db_path: Path
) -> None:
    from prioritizer.ui.main_window import MainWindow

    ids = _fill(db_path)
    service = Service.open(str(db_path), now=NOW, deep_check=False)
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.matrix.models[Quadrant.DO].row_of(ids["turned"]) >= 0  # turned urgent while the app was closed
    assert window.matrix.models[Quadrant.SCHEDULE].row_of(ids["plan"]) >= 0
    assert "Sev1" in window.timer_label.text()
    assert [h.to_quadrant for h in service.history(ids["turned"])][-1] is Quadrant.DO  # in the triage log
    assert window.balance_label.text()  # today's balance
    service.close()


def test_the_forgotten_timer_question_comes_at_the_next_interaction(
    qtbot: Any, db_path: Path
) -> None:
    from prioritizer.ui.dialogs.forgotten_timer import ForgottenTimerDialog
    from prioritizer.ui.main_window import MainWindow
    from PySide6.QtCore import Qt

    svc = Service.open(str(db_path), now=NOW - timedelta(hours=1))
    svc.start_timer(svc.add(ItemDraft(title="Quarterly plan")).value)
    svc.close()
    service = Service.open(str(db_path), now=NOW, deep_check=False)
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.forgotten_timer.dialog is None  # an hour: plausible
    service.clock = lambda: NOW + timedelta(hours=5)
    qtbot.keyClick(window, Qt.Key.Key_Shift)  # the next interaction asks
    dialog = window.forgotten_timer.dialog
    assert isinstance(dialog, ForgottenTimerDialog) and dialog.isVisible()
    dialog.keep_button.click()
    service.close()


def test_run_app_shows_the_window_then_backs_up(qtbot: Any, db_path: Path) -> None:
    """The whole start in-process: the window, File > Back up now and the automatic backup after
    the paint, and a write through the window's Service."""
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
        if not windows or not bk.list_backups(str(db_path)):
            QTimer.singleShot(50, check)
            return
        window = windows[0]
        seen["menu"] = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
        window.bus.run(window.service.done, ids["later"])  # a write through the window's Service
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
    assert seen["done"] is True
    assert "Back up &now" in seen["menu"]  # type: ignore[operator]
    # The automatic backup after the paint, then the window's close backs up the write made since.
    assert [b.reason for b in bk.list_backups(str(db_path))] == ["window-close", "auto"]
