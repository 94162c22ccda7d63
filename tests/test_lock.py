"""One instance per database: the file lock, stale locks, two launches at once, raising the first window."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.safety.lock import AlreadyRunningError, InstanceLock, is_locked, lock_path_for, pid_alive

HOLD = textwrap.dedent(
    """
    import sys, time
    from prioritizer.safety.lock import InstanceLock
    lock = InstanceLock(sys.argv[1])
    ok = lock.try_acquire()
    print("won" if ok else "lost", flush=True)
    if ok and len(sys.argv) > 2:
        time.sleep(float(sys.argv[2]))
    """
)


def _spawn(db: Path, hold: float | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, "-c", HOLD, str(db)] + ([str(hold)] if hold is not None else [])
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True)


def test_lock_file_is_next_to_the_database_and_owner_only(db_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with InstanceLock(str(db_path)) as lock:
            assert lock.path == db_path.with_name(db_path.name + ".lock")
            assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600
            holder = lock.holder()
            assert holder is not None and holder.pid == os.getpid()
    finally:
        os.umask(old)


def test_second_lock_is_refused_and_names_the_holder(db_path: Path) -> None:
    first = InstanceLock(str(db_path)).acquire()
    with pytest.raises(AlreadyRunningError, match=f"process {os.getpid()}"):
        InstanceLock(str(db_path)).acquire()
    assert is_locked(str(db_path)) is not None
    first.release()
    assert is_locked(str(db_path)) is None
    InstanceLock(str(db_path)).acquire().release()


def test_lock_of_a_killed_process_is_stale_and_taken_over(db_path: Path) -> None:
    child = _spawn(db_path, hold=30)
    assert child.stdout is not None and child.stdout.readline().strip() == "won"
    assert not InstanceLock(str(db_path)).try_acquire()
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not pid_alive(child.pid)
    # The kernel dropped the flock; the file still names the dead process.
    lock = InstanceLock(str(db_path))
    assert lock.try_acquire()
    assert lock.stale is not None and lock.stale.pid == child.pid
    holder = lock.holder()
    assert holder is not None and holder.pid == os.getpid()
    lock.release()


def test_two_launches_at_the_same_moment_exactly_one_wins(db_path: Path) -> None:
    # The winner holds on until every contender has answered, however slowly they start.
    children = [_spawn(db_path, hold=60) for _ in range(4)]
    results = [c.stdout.readline().strip() for c in children if c.stdout is not None]
    for c in children:
        c.kill()
        c.wait()
    assert sorted(results) == ["lost", "lost", "lost", "won"]


def test_command_line_works_alongside_a_running_window(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with InstanceLock(str(db_path)):
        assert main(["--db", str(db_path), "add", "While the window runs"]) == 0
        assert main(["--db", str(db_path), "list", "--json"]) == 0
        assert "While the window runs" in capsys.readouterr().out
        # restore replaces the file: refused while the window holds it, and nothing changed.
        assert main(["--db", str(db_path), "backup"]) == 0
        assert main(["--db", str(db_path), "restore", "--latest"]) == 1
        assert "close the window" in capsys.readouterr().err


def test_lock_path_for_a_server_url_is_in_the_data_folder() -> None:
    path = lock_path_for("postgresql+psycopg://u@h/db")
    assert path.name.startswith("instance-") and path.suffix == ".lock"


# ------------------------------------------------------------------- window side
def test_second_window_raises_the_first(qtbot: object, db_path: Path) -> None:
    from prioritizer.ui.single_instance import SingleInstance

    first = SingleInstance(str(db_path))
    assert first.claim()
    second = SingleInstance(str(db_path))
    with qtbot.waitSignal(first.raise_requested, timeout=3000):  # type: ignore[attr-defined]
        assert not second.claim(timeout_ms=1000)
    assert "brought that window to the front" in second.message
    first.release()
    third = SingleInstance(str(db_path))
    assert third.claim()
    third.release()


def test_second_window_process_exits_and_first_is_raised(qtbot: object, db_path: Path) -> None:
    """A real second process: it must not take the lock and must reach the first over the socket."""
    from prioritizer.ui.single_instance import SingleInstance

    first = SingleInstance(str(db_path))
    assert first.claim()
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QCoreApplication
        from prioritizer.ui.single_instance import SingleInstance
        app = QCoreApplication([])
        guard = SingleInstance(sys.argv[1])
        ok = guard.claim()
        print(guard.message, file=sys.stderr)
        sys.exit(3 if ok else 0)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(db_path)], stderr=subprocess.PIPE, text=True)
    with qtbot.waitSignal(first.raise_requested, timeout=15000):  # type: ignore[attr-defined]
        deadline = time.monotonic() + 15
        while child.poll() is None and time.monotonic() < deadline:
            qtbot.wait(20)  # type: ignore[attr-defined]
    _, err = child.communicate(timeout=15)
    assert child.returncode == 0
    assert "already open on this database" in err
    first.release()


def test_run_app_second_launch_exits_0_and_raises_the_first(qtbot: object, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from prioritizer.ui.app import run_app
    from prioritizer.ui.single_instance import SingleInstance

    first = SingleInstance(str(db_path))
    assert first.claim()
    with qtbot.waitSignal(first.raise_requested, timeout=3000):  # type: ignore[attr-defined]
        assert run_app(str(db_path), None) == 0
    assert "already open on this database" in capsys.readouterr().err
    assert not db_path.exists()  # the second launch never opened the database
    first.release()


def test_run_app_takes_the_lock_and_gives_it_back(qtbot: object, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prioritizer.ui.app import application, run_app
    from PySide6.QtWidgets import QApplication

    app = application()
    seen: list[object] = []

    def fake_exec() -> int:
        seen.append(is_locked(str(db_path)))  # while the window runs, the lock is held
        for widget in QApplication.topLevelWidgets():
            widget.close()
        return 0

    monkeypatch.setattr(app, "exec", fake_exec)
    assert run_app(str(db_path), None) == 0
    assert seen and seen[0] is not None
    assert is_locked(str(db_path)) is None
