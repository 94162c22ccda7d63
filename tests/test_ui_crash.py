"""A crash is never invisible: an error in a slot, a window that cannot be built, damage met during use, a busy database.

Each error escaping a slot gets a dialog naming what failed and the log file that holds the
traceback, with "Copy details"; the window stays usable. A damaged database gets the recovery
dialog. A write that meets another process's write lock waits with the window alive and lands,
or is refused in one line (tested with a real second process holding ``BEGIN IMMEDIATE``).
``prioritizer --version`` and the About box name the log folder.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prioritizer.ui import crash
from prioritizer.ui.actions import ActionId
from prioritizer.ui.dialogs.crash_dialog import CrashDialog
from prioritizer.ui.main_window import MainWindow
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from prioritizer.cli import main as cli_main
from prioritizer.domain.values import DatabaseBusyError, Kind, Status, StorageError
from prioritizer.safety import logs
from prioritizer.safety.damage import DatabaseDamagedError
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW
from tests.ui_helpers import add

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def items(service: Service) -> dict[str, int]:
    return {
        "plan": add(service, "Q1 staffing plan", strategic=True),
        "tidy": add(service, "Tidy the shared drive"),
    }


@pytest.fixture
def hook(window: MainWindow) -> Iterator[crash.ErrorHook]:
    """The window's one error hook, as run_app installs it."""
    installed = crash.install(lambda: window)
    yield installed
    installed.uninstall()


def crash_dialog(window: QWidget) -> CrashDialog | None:
    found = [d for d in window.findChildren(CrashDialog) if d.isVisible()]
    return found[0] if found else None


def test_an_error_in_a_slot_shows_what_failed_and_the_log_and_the_window_stays_usable(
    qtbot, window: MainWindow, items: dict[str, int], service: Service, hook: crash.ErrorHook, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    real_done = service.done

    def broken(ids: object, **kwargs: object) -> object:  # kwargs: the versions the window read
        raise RuntimeError("boom in <b>done</b>")

    monkeypatch.setattr(service, "done", broken)
    window.matrix.select_ids([items["plan"]])
    window.actions[ActionId.DONE].trigger()
    dialog = crash_dialog(window)
    assert dialog is not None
    assert dialog.summary.text() == "“Mark done” failed: RuntimeError: boom in <b>done</b>"
    assert dialog.log_label.text() == str(logs.log_file())
    log_text = logs.log_file().read_text(encoding="utf-8")
    assert "Traceback" in log_text and "RuntimeError: boom in <b>done</b>" in log_text
    assert stat.S_IMODE(logs.log_file().stat().st_mode) == 0o600 and stat.S_IMODE(logs.log_dir().stat().st_mode) == 0o700
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert "Traceback" in copied and "def broken" not in copied and "RuntimeError: boom" in copied
    assert dialog.isVisible()  # copying does not close it
    # A second error while it is open: counted in it, no second dialog on top.
    window.actions[ActionId.DONE].trigger()
    assert len([d for d in window.findChildren(CrashDialog) if d.isVisible()]) == 1
    assert dialog.more_label.text() == "1 more error since; each is in the log file."
    dialog.reject()
    # The window is still usable: the same action works once the cause is gone.
    monkeypatch.setattr(service, "done", real_done)
    window.matrix.select_ids([items["plan"]])
    window.actions[ActionId.DONE].trigger()
    assert service.get(items["plan"]).status is Status.DONE
    assert crash_dialog(window) is None


def test_storage_errors_get_their_plain_message_never_the_crash_dialog(
    qtbot, window: MainWindow, hook: crash.ErrorHook, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui.dialogs import storage_errors

    told: list[str] = []
    monkeypatch.setattr(storage_errors, "_tell", lambda parent, title, text: told.append(text))
    hook(StorageError, StorageError("the disk is full: nothing was saved; free some space and try again"), None)
    assert told == ["the disk is full: nothing was saved; free some space and try again."]
    hook(DatabaseBusyError, DatabaseBusyError("locked"), None)
    busy = window.findChild(QMessageBox, "busyNotice")
    assert busy is not None and busy.isVisible() and not busy.isModal()
    assert busy.text() == storage_errors.BUSY_MESSAGE
    assert window.statusBar().currentMessage() == storage_errors.BUSY_MESSAGE
    hook(sqlite3.OperationalError, _sqlite_busy_error(tmp_path / "busy.sqlite3"), None)  # SQLite's own words, before the core names them
    assert len([b for b in window.findChildren(QMessageBox, "busyNotice") if b.isVisible()]) == 1
    assert crash_dialog(window) is None and len(told) == 1


def _sqlite_busy_error(path: Path) -> sqlite3.OperationalError:
    """A real SQLITE_BUSY from SQLite (two connections, one holding the write lock)."""
    first = sqlite3.connect(path, isolation_level=None)
    first.execute("CREATE TABLE t (x)")
    first.execute("BEGIN IMMEDIATE")
    second = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        second.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        second.close()
        first.close()
    raise AssertionError("the second connection took the write lock")


def _answer_the_dialog(record: list[str]) -> None:
    """Read the crash dialog that waits for a click, then close it."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, CrashDialog):
        QTimer.singleShot(50, lambda: _answer_the_dialog(record))
        return
    record.extend([dialog.summary.text(), dialog.log_label.text()])
    assert any(label.text() == "Prioritizer could not start. The details are in the log file:" for label in dialog.findChildren(QLabel))
    dialog.reject()


@pytest.mark.parametrize("failure", ["server", "window"])
def test_a_window_that_cannot_be_built_shows_the_crash_dialog(qtbot, db_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui import main_window
    from prioritizer.ui.app import application, run_app

    if failure == "server":
        location = "postgresql+psycopg://nobody@127.0.0.1:1/x"  # nothing listens there (or no driver)
    else:
        location = str(db_path)
        Service.open(location, now=NOW).close()

        def broken(self: object, *args: object, **kwargs: object) -> None:
            raise RuntimeError("the matrix could not be built")

        monkeypatch.setattr(main_window.MainWindow, "__init__", broken)
    application()
    record: list[str] = []
    QTimer.singleShot(0, lambda: _answer_the_dialog(record))
    assert run_app(location, NOW) == 1
    summary, log_path = record
    if failure == "server":
        assert summary.startswith("Cannot open the database: ") and "Traceback" not in summary
    else:
        assert summary == "The window could not be opened: RuntimeError: the matrix could not be built"
    assert log_path == str(logs.log_file()) and "Traceback" in logs.log_file().read_text(encoding="utf-8")


# ---------------------------------------------------------------- damage met during use
def _garbage_over_index(db_path: Path, index: str) -> str:
    """Garbage over the root page of an index; returns the damaged file's digest. No connection is open here."""
    conn = sqlite3.connect(db_path)
    (page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with open(db_path, "rb+") as fh:
        fh.seek((page - 1) * size)
        fh.write(os.urandom(size))
    return hashlib.sha256(db_path.read_bytes()).hexdigest()


def test_garbage_over_an_index_page_brings_up_the_recovery_dialog(qtbot, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui.app import application, run_app
    from prioritizer.ui.dialogs import recovery

    svc = Service.open(str(db_path), now=NOW)
    for n in range(30):
        item = svc.add(ItemDraft(title=f"Item {n}", kind=Kind.TASK)).value
        for day in range(10):
            start = NOW - timedelta(days=day, hours=n % 5 + 1)
            svc.log_time(item, start, start + timedelta(minutes=15))
    svc.close()  # every connection of this process is closed before the plain write below
    damaged = _garbage_over_index(db_path, "ix_entries_start")
    asked: list[DatabaseDamagedError] = []

    def choose(error: DatabaseDamagedError, parent: object = None) -> recovery.Choice:
        asked.append(error)
        return recovery.Choice.QUIT

    monkeypatch.setattr(recovery, "ask", choose)
    app = application()
    QTimer.singleShot(30_000, app.quit)  # a safety net: never hang the suite
    assert run_app(str(db_path), NOW) == 1  # the user chose Quit in the recovery dialog
    assert len(asked) == 1 and "damaged" in str(asked[0])
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == damaged  # Quit changes nothing


def test_damage_met_in_a_slot_goes_to_the_recovery_path_not_the_crash_dialog(
    qtbot, window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui.app import damage_in_use

    met: list[DatabaseDamagedError] = []

    def on_damage(exc: BaseException) -> bool:
        damage = damage_in_use(str(db_path), exc)
        if damage is not None:
            met.append(damage)
        return damage is not None

    installed = crash.install(lambda: window, on_damage)
    try:
        installed(sqlite3.DatabaseError, sqlite3.DatabaseError("database disk image is malformed"), None)
        installed(ValueError, ValueError("not about the database"), None)
    finally:
        installed.uninstall()
    assert len(met) == 1 and "damaged" in str(met[0]) and "malformed" in str(met[0])
    dialog = crash_dialog(window)
    assert dialog is not None and "ValueError" in dialog.summary.text()
    dialog.reject()


# ------------------------------------------------------------------- where the log is
def test_version_names_the_log_folder(capsys: pytest.CaptureFixture[str]) -> None:
    from prioritizer import __version__

    with pytest.raises(SystemExit) as exited:
        cli_main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"prioritizer {__version__}"
    assert f"log folder: {logs.log_dir()}" in out


def test_about_box_names_the_log_folder(window: MainWindow) -> None:
    window.actions[ActionId.ABOUT].trigger()
    about = window.findChild(QMessageBox, "aboutBox")
    assert about is not None and str(logs.log_dir()) in about.informativeText()
    about.close()


def test_the_log_file_rotates_and_stays_owner_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    for handler in list(logs.logger.handlers):  # a handler of an earlier test, with the old size
        logs.logger.removeHandler(handler)
        handler.close()
    try:
        for n in range(40):
            logs.record(f"error number {n} " + "x" * 100)
        rotated = sorted(logs.log_dir().glob(logs.LOG_NAME + "*"))
        assert len(rotated) == logs.BACKUPS + 1
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in rotated)
        assert "error number 39" in logs.log_file().read_text(encoding="utf-8")
    finally:
        for handler in list(logs.logger.handlers):
            logs.logger.removeHandler(handler)
            handler.close()


# ------------------------------------------------------------------- a busy database
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # what a long import holds
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
conn.close()
"""


@pytest.fixture
def lock_holder(db_path: Path, service: Service) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the database's write lock until it reads a line."""
    from prioritizer.ui.app import WINDOW_BUSY_TIMEOUT_MS

    from prioritizer.storage.engine import use_busy_timeout

    use_busy_timeout(service.engine, WINDOW_BUSY_TIMEOUT_MS)  # what run_app sets once the Service is open
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield holder
    if holder.poll() is None:
        release(holder)
    holder.wait(timeout=30)


def release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.close()


def test_an_action_that_meets_another_programs_write_waits_without_freezing_then_lands(
    qtbot, window: MainWindow, items: dict[str, int], service: Service, hook: crash.ErrorHook, lock_holder: subprocess.Popen[str]
) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui.dialogs.storage_errors import WAITING_MESSAGE

    lines: list[str] = []
    released_by_a_timer: list[bool] = []

    def let_go() -> None:
        released_by_a_timer.append(True)  # a timer fired: the event loop ran while the action waited
        release(lock_holder)

    def on_message(line: str) -> None:
        lines.append(line)
        if line == WAITING_MESSAGE and not released_by_a_timer:
            QTimer.singleShot(300, let_go)

    window.statusBar().messageChanged.connect(on_message)
    window.matrix.select_ids([items["plan"]])
    window.actions[ActionId.DONE].trigger()
    assert released_by_a_timer == [True]
    assert WAITING_MESSAGE in lines
    assert service.get(items["plan"]).status is Status.DONE  # not dropped: it landed once the lock was free
    assert window.undo_stack.count() == 1
    assert crash_dialog(window) is None and window.findChild(QMessageBox, "busyNotice") is None


def test_an_action_still_locked_out_is_refused_in_one_line_and_nothing_is_lost(
    qtbot,
    window: MainWindow,
    items: dict[str, int],
    service: Service,
    hook: crash.ErrorHook,
    lock_holder: subprocess.Popen[str],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui import bus
    from prioritizer.ui.dialogs.storage_errors import BUSY_MESSAGE

    monkeypatch.setattr(bus, "WAIT_S", 0.5)
    window.matrix.select_ids([items["plan"]])
    window.actions[ActionId.DONE].trigger()
    notice = window.findChild(QMessageBox, "busyNotice")
    assert notice is not None and notice.isVisible() and notice.text() == BUSY_MESSAGE
    assert service.get(items["plan"]).status is Status.OPEN and window.undo_stack.count() == 0
    window.quick_add.line.setText("Call the vendor back")
    window.quick_add.submit()
    assert window.quick_add.line.text() == "Call the vendor back"  # refused, not dropped: the text is still there
    assert crash_dialog(window) is None
    assert "Traceback" not in capfd.readouterr().err
    release(lock_holder)
    window.quick_add.submit()
    assert "Call the vendor back" in [v.title for v in window.store.views()]


def test_the_command_line_keeps_one_line_and_logs_the_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from prioritizer.services.service import Service

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something unexpected")  # not bad input: exit 1

    monkeypatch.setattr(Service, "add", broken)
    assert cli_main(["--db", str(tmp_path / "db.sqlite3"), "add", "Call the vendor"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    log_text = logs.log_file().read_text(encoding="utf-8")
    assert "add: " in log_text and "Traceback" in log_text


def test_an_error_in_another_thread_is_shown_from_the_gui_thread(qtbot, window: MainWindow, hook: crash.ErrorHook) -> None:  # type: ignore[no-untyped-def]
    import threading

    def work() -> None:
        raise LookupError("the worker lost its way")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: crash_dialog(window) is not None)
    dialog = crash_dialog(window)
    assert dialog is not None and dialog.summary.text() == "work failed: LookupError: the worker lost its way"
    dialog.reject()


def test_ending_an_incident_during_another_programs_write_waits_and_keeps_it(
    qtbot, window: MainWindow, service: Service, hook: crash.ErrorHook, lock_holder: subprocess.Popen[str]
) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui.dialogs.storage_errors import WAITING_MESSAGE

    window.toggle_incident(True)  # reads only: the lock does not stand in its way

    def on_message(line: str) -> None:
        if line == WAITING_MESSAGE and lock_holder.poll() is None and not lock_holder.stdin.closed:  # type: ignore[union-attr]
            QTimer.singleShot(300, lambda: release(lock_holder))

    window.statusBar().messageChanged.connect(on_message)
    window.toggle_incident(False)
    assert window.last_summary is not None and window.last_summary.id is not None
    assert [i.id for i in service.incidents(NOW - timedelta(days=1), NOW + timedelta(days=1))] == [window.last_summary.id]


def test_escape_gives_up_waiting_for_the_lock(
    qtbot,
    window: MainWindow,
    items: dict[str, int],
    service: Service,
    hook: crash.ErrorHook,
    lock_holder: subprocess.Popen[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui import bus
    from prioritizer.ui.dialogs.storage_errors import WAITING_MESSAGE
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    monkeypatch.setattr(bus, "WAIT_S", 60.0)

    def on_message(line: str) -> None:
        if line == WAITING_MESSAGE:
            QTimer.singleShot(200, lambda: QTest.keyClick(window.matrix, Qt.Key.Key_Escape))
            # Had Escape not ended the wait, the lock goes away later and the action would land.
            QTimer.singleShot(20_000, lambda: release(lock_holder) if not lock_holder.stdin.closed else None)  # type: ignore[union-attr]

    window.statusBar().messageChanged.connect(on_message)
    window.matrix.select_ids([items["plan"]])
    window.actions[ActionId.DONE].trigger()
    assert service.get(items["plan"]).status is Status.OPEN and window.undo_stack.count() == 0
    notice = window.findChild(QMessageBox, "busyNotice")
    assert notice is not None and notice.isVisible()
