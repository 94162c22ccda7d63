"""The window beside the command line on one file: it sees what the command line changed, and never overwrites it.

Every change "elsewhere" here is a real ``python -m prioritizer --db FILE`` process
run while the window is open (the README's "the command line works alongside a
running window"). The four stale writes of issue 16 are each a test: undoing an
edit, the edit dialog's OK, undoing an add, and Space on the timer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prioritizer.ui import commands
from prioritizer.ui.dialogs.item_dialog import ItemDialog
from prioritizer.ui.main_window import MainWindow
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from prioritizer.domain.values import Importance
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW
from tests.ui_helpers import add, quadrant_of

pytestmark = pytest.mark.usefixtures("qapp")
FOLLOW_MS = 5000  # the "within 2 seconds" (a poll every 0.75 s), with room for a loaded 2-core test machine


@pytest.fixture
def items(service: Service) -> dict[str, int]:
    return {
        "refund": add(service, "Refund backlog", delegated_to="Sam"),
        "vendor": add(service, "Renew vendor contract", importance=Importance.HIGH),
    }


def cli(db_path: Path, *args: str, now: datetime = NOW) -> str:
    """Run the real command line on the window's file (the window's fixed clock unless ``now``); its stdout."""
    run = subprocess.run(
        [sys.executable, "-m", "prioritizer", "--db", str(db_path), "--now", now.isoformat(), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def shown(db_path: Path, item_id: int) -> dict[str, Any]:
    """The item as the command line shows it (the truth on disk)."""
    return json.loads(cli(db_path, "show", str(item_id), "--json"))  # type: ignore[no-any-return]


def status_text(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


# ------------------------------------------------------------ changed elsewhere
def test_command_line_add_edit_done_and_timer_show_in_the_open_window(
    qtbot: Any, window: MainWindow, items: dict[str, int], db_path: Path
) -> None:
    new_id = int(cli(db_path, "add", "Sev1 Initech outage", "--kind", "escalation", "--severity", "1").split()[-1])
    qtbot.waitUntil(lambda: quadrant_of(window, new_id) is not None, timeout=FOLLOW_MS)
    qtbot.waitUntil(lambda: window.count_label.text() == "3 open items", timeout=FOLLOW_MS)  # after the cards

    reloaded: list[set[int]] = []
    window.store.updated.connect(lambda views, gone: reloaded.append({v.id for v in views} | set(gone)))
    window.store.reloaded.connect(lambda: reloaded.append({-1}))  # a reload of everything
    cli(db_path, "edit", str(items["refund"]), "--importance", "critical", "--notes", "customer escalated")
    qtbot.waitUntil(lambda: window.store.get(items["refund"]).importance is Importance.CRITICAL, timeout=FOLLOW_MS)  # type: ignore[union-attr]
    assert window.store.get(items["refund"]).notes == "customer escalated"  # type: ignore[union-attr]
    # Only what changed was read again (once, or once per transaction the command committed).
    assert reloaded and all(ids == {items["refund"]} for ids in reloaded), reloaded

    cli(db_path, "done", str(items["vendor"]))
    qtbot.waitUntil(lambda: quadrant_of(window, items["vendor"]) is None, timeout=FOLLOW_MS)

    cli(db_path, "start", str(items["refund"]))
    qtbot.waitUntil(lambda: window.timer_label.text().startswith("Refund backlog"), timeout=FOLLOW_MS)
    # The label asks the database at any change, the card waits for the poll that names its item.
    qtbot.waitUntil(lambda: window.store.get(items["refund"]).timer_running, timeout=FOLLOW_MS)  # type: ignore[union-attr]


def test_nothing_changed_elsewhere_means_nothing_announced(window: MainWindow, items: dict[str, int]) -> None:
    window.move_items([items["refund"]], window.store.get(items["refund"]).quadrant)  # type: ignore[union-attr]
    announced: list[object] = []
    window.bus.changed.connect(announced.append)
    assert window.poll_elsewhere() is None and window.poll_elsewhere() is None
    assert announced == []


# ------------------------------------------------------------------ (a) undo edit
def test_undoing_an_edit_never_erases_what_the_command_line_set_after_it(
    qtbot: Any, window: MainWindow, items: dict[str, int], service: Service, db_path: Path
) -> None:
    item = items["refund"]
    draft, version = service.editable(item)
    renamed = ItemDraft(title="Refund backlog (Q4)", delegated_to="Sam")
    assert window.execute(commands.EditCommand(window.bus, item, renamed, draft, version))
    cli(db_path, "edit", str(item), "--due", "2026-11-27T17:00:00+01:00", "--notes", "promised to finance")
    # The window has even seen it: the undo must still not put back the copy from before.
    qtbot.waitUntil(lambda: window.store.get(item).notes == "promised to finance", timeout=FOLLOW_MS)  # type: ignore[union-attr]
    window.undo()
    truth = shown(db_path, item)
    assert truth["due"] == "2026-11-27T16:00:00+00:00" and truth["notes"] == "promised to finance"
    assert truth["title"] == "Refund backlog (Q4)"
    assert status_text(window) == "Not undone: Refund backlog (Q4) was changed elsewhere; nothing was overwritten"
    assert not window.undo_stack.canUndo()  # refused for good, not counted as undone
    assert window.store.get(item).notes == "promised to finance"  # type: ignore[union-attr]


def test_undo_and_redo_of_the_window_own_changes_still_work(window: MainWindow, items: dict[str, int], service: Service) -> None:
    item = items["refund"]
    draft, version = service.editable(item)
    window.execute(commands.EditCommand(window.bus, item, ItemDraft(title="Refund backlog (Q4)", delegated_to="Sam"), draft, version))
    window.move_items([item], window.store.get(items["vendor"]).quadrant)  # type: ignore[union-attr]
    window.matrix.select_ids([item])
    window.done_selected()
    for _ in range(3):
        window.undo()
    assert service.get(item).title == "Refund backlog" and service.get(item).status.value == "open"
    for _ in range(3):
        window.redo()
    assert service.get(item).title == "Refund backlog (Q4)" and service.get(item).status.value == "done"
    assert "elsewhere" not in status_text(window)


# -------------------------------------------------------------- (b) dialog OK
def test_the_edit_dialog_ok_never_reverts_a_change_made_while_it_was_open(
    qtbot: Any, window: MainWindow, items: dict[str, int], db_path: Path
) -> None:
    item = items["vendor"]

    def while_open() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ItemDialog), dialog
        cli(db_path, "edit", str(item), "--importance", "critical")  # meanwhile, in the terminal
        dialog.title.setText("Renew vendor contract (legal)")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    window.matrix.select_ids([item])
    QTimer.singleShot(0, while_open)
    window.edit_selected()
    truth = shown(db_path, item)
    assert truth["importance"] == "critical" and truth["title"] == "Renew vendor contract"
    assert status_text(window) == "Renew vendor contract was changed elsewhere; nothing was overwritten"
    assert window.store.get(item).importance is Importance.CRITICAL  # type: ignore[union-attr]  # reloaded at once
    assert not window.undo_stack.canUndo()


# ------------------------------------------------------------------ (c) undo add
def test_undoing_an_add_never_deletes_time_the_command_line_logged(window: MainWindow, db_path: Path) -> None:
    window.add_item(ItemDraft(title="Refund backlog follow-up"))
    (added,) = [v.id for v in window.store.views() if v.title == "Refund backlog follow-up"]
    cli(db_path, "log", str(added), "--from", (NOW - timedelta(hours=2)).isoformat(), "--to", NOW.isoformat())
    window.undo()
    truth = shown(db_path, added)
    assert truth["status"] == "open" and truth["minutes_spent"] == 120
    assert status_text(window) == (
        "Not undone: Refund backlog follow-up has 2 h 00 of tracked time; nothing was deleted (drop it instead)"
    )
    assert quadrant_of(window, added) is not None and not window.undo_stack.canUndo()


# --------------------------------------------------------------------- (d) Space
def test_space_never_stops_a_timer_the_command_line_started_unseen(
    qtbot: Any, window: MainWindow, items: dict[str, int], service: Service, db_path: Path
) -> None:
    window.watch_timer.stop()  # the window has not looked yet when Space comes
    assert window.timer_label.text() == "No timer running"
    cli(db_path, "start", str(items["vendor"]))
    window.matrix.select_ids([items["refund"]])
    window.matrix.focus_active()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    running = service.running()
    assert running is not None and running.item_id == items["vendor"]  # still running where it was started
    assert status_text(window) == "A timer was started elsewhere on Renew vendor contract; nothing was stopped"
    assert window.timer_label.text().startswith("Renew vendor contract")  # the window shows the truth at once
    # Now it knows: Space on "Refund backlog" switches the timer to it, as it says.
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    running = service.running()
    assert running is not None and running.item_id == items["refund"]


def test_space_never_stops_a_timer_that_moved_to_another_item_elsewhere(
    window: MainWindow, items: dict[str, int], service: Service, db_path: Path
) -> None:
    window.matrix.select_ids([items["refund"]])
    window.toggle_timer()
    window.flush()
    assert window.timer_label.text().startswith("Refund backlog")
    window.watch_timer.stop()
    cli(db_path, "start", str(items["vendor"]))  # stops "Refund backlog", starts the vendor contract
    window.toggle_timer()  # the window still shows "Refund backlog" running: Space means "stop it"
    running = service.running()
    assert running is not None and running.item_id == items["vendor"]
    assert status_text(window) == "The timer was moved elsewhere from Refund backlog to Renew vendor contract; nothing was stopped"


def test_a_poll_that_meets_damage_stops_polling_and_is_reported_once(window: MainWindow) -> None:
    import sqlite3

    class Damaged:
        def poll(self) -> None:
            raise sqlite3.DatabaseError("database disk image is malformed")

        def close(self) -> None:
            pass

    assert window.watch_timer.isActive()
    window._watcher = Damaged()  # type: ignore[assignment]
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        window.poll_elsewhere()
    assert not window.watch_timer.isActive()


def test_the_forgotten_timer_question_never_cuts_a_run_started_elsewhere(
    window: MainWindow, items: dict[str, int], service: Service, db_path: Path
) -> None:
    from prioritizer.ui.dialogs.forgotten_timer import ForgottenTimerDialog

    from prioritizer.services.timekeeping import forgotten_timer

    service.start_timer(items["refund"])  # 09:00, then forgotten
    service.clock = lambda: NOW + timedelta(hours=6)
    entry = forgotten_timer(service)
    assert entry is not None
    dialog = ForgottenTimerDialog(window.bus, entry, "Refund backlog", window)
    dialog.end_edit.setDateTime(dialog._qt(NOW + timedelta(hours=1)))
    cli(db_path, "start", str(items["vendor"]), now=NOW + timedelta(minutes=30))  # meanwhile: a new run, elsewhere
    dialog.trim_button.click()  # "stop it at 10:00": that would cut the new run
    running = service.running()
    assert running is not None and running.item_id == items["vendor"] and running.start == NOW + timedelta(minutes=30)
    assert [(e.start, e.end) for e in service.entries(items["refund"])] == [(NOW, NOW + timedelta(minutes=30))]
    assert status_text(window) == "The timer was started again elsewhere, on Renew vendor contract; nothing was changed"
    assert not dialog.isVisible()


def test_an_undo_that_fails_otherwise_is_not_counted_as_done(
    qtbot: Any, window: MainWindow, items: dict[str, int], service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prioritizer.domain.values import Quadrant, StorageError

    item = items["refund"]
    before = window.store.get(item).quadrant  # type: ignore[union-attr]
    target = next(q for q in Quadrant if q is not before)
    window.move_items([item], target)

    def full(*args: object, **kwargs: object) -> None:
        raise StorageError("the disk is full: nothing was saved; free some space and try again")

    monkeypatch.setattr(service, "set_pins", full)  # the window's own service object: the disk fills up
    with qtbot.captureExceptions() as caught:  # from Qt's undo(): what the window's error hook shows
        window.undo()
    assert [type(exc) for _, exc, _ in caught] == [StorageError]
    assert service.get(item).quadrant is target
    assert not window.undo_stack.canUndo() and not window.undo_stack.canRedo()
