"""The window and the command line on one database, as real processes side by side.

A window process (tests/window_child.py, started as ``prioritizer --db FILE`` starts it)
keeps the database open while command-line processes add, finish and drop items,
interleaved with adds typed into the window's quick add. Throughout, the window's
process must hold SQLite's lock on the file (closing any plain descriptor of the file
would drop it: SQLite's "How To Corrupt", section 2.2); at the end ``integrity_check``
is ok and every change that printed success is in the file.
"""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads the kernel's lock table (Linux)")

CHILD = Path(__file__).with_name("window_child.py")


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
    )


def _cli(env: dict[str, str], db: Path, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "prioritizer", "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def _locks_held(pid: int, path: Path) -> int:
    """How many POSIX locks process ``pid`` holds on the file (the kernel's view)."""
    inode = f":{path.stat().st_ino} "
    with open("/proc/locks", encoding="ascii") as locks:
        return sum(1 for line in locks if line.split()[4] == str(pid) and inode in line)


def _reply(child: subprocess.Popen[str], timeout: float = 60.0) -> str:
    assert child.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([child.stdout], [], [], 0.5)
        if ready:
            line = child.stdout.readline()
            if line:
                return line.strip()
        if child.poll() is not None:
            break
    raise AssertionError(f"the window did not answer (exit {child.poll()})")


def _send(child: subprocess.Popen[str], line: str) -> None:
    assert child.stdin is not None
    child.stdin.write(line + "\n")
    child.stdin.flush()


def test_window_and_command_line_interleaved_lose_nothing(tmp_path: Path) -> None:
    env = _env(tmp_path)
    db = tmp_path / "team.sqlite3"
    first = _cli(env, db, "add", "Existing escalation")
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert _reply(child, 120) == "ready"
        pid = child.pid
        assert _locks_held(pid, db) > 0, "the window holds no lock on its database"
        added_by_cli: dict[str, str] = {first: "Existing escalation"}
        added_by_window: list[str] = []
        done: list[str] = []
        for n in range(6):
            title = f"CLI refund backlog {n}"
            new_id = _cli(env, db, "add", title)
            assert new_id.isdigit() and new_id not in added_by_cli, new_id  # an id is never reused
            added_by_cli[new_id] = title
            assert _locks_held(pid, db) > 0, f"the window lost its lock after command-line write {n}"
            _send(child, f"add Window triage {n}")
            assert _reply(child) == f"ok Window triage {n}"
            added_by_window.append(f"Window triage {n}")
            if n % 2:
                _cli(env, db, "done", new_id)
                done.append(new_id)
            assert _locks_held(pid, db) > 0, f"the window lost its lock after its own write {n}"
        _send(child, "quit")
        assert child.wait(60) == 0, child.stderr.read() if child.stderr else ""
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = {str(i): (title, status) for i, title, status in conn.execute("SELECT id, title, status FROM items")}
    finally:
        conn.close()
    for item_id, title in added_by_cli.items():
        assert rows[item_id][0] == title  # every id the command line printed still holds its item
    assert {title for title, _ in rows.values()} >= set(added_by_window)
    assert all(rows[i][1] == "done" for i in done)
    assert len(rows) == len(added_by_cli) + len(added_by_window)
