"""Crash-test child: random service operations on a database, reporting each committed one.

Protocol (one JSON object per line, each written with a single ``write`` so a
kill never leaves half a line that parses):

* ``{"seq": n, "intent": OP, ...}`` before operation ``n`` starts;
* ``{"seq": n, "done": OP, ..., "running": [entry_id, start_us] | null}`` after
  its commit returned (``running`` is the timer as read back after the commit).

So at any kill at most one operation is in doubt: the last intent without its
``done``. Its transaction either committed whole or not at all; the parent
accepts both and nothing else.

Run directly (``python tests/crash_child.py DB SEED REPORT``) or as a fork
server (``--serve``: reads ``DB SEED REPORT`` lines on stdin, forks a worker per
line and prints its pid), which saves the interpreter start-up per kill so a few
hundred kills fit in a normal test run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from prioritizer.domain.values import Importance, InputError, Quadrant
from prioritizer.services.service import ItemDraft, Service
from prioritizer.storage.schema import to_micros

OPS = ("add", "add", "edit", "move", "done", "start", "start", "stop", "log")
TIME_LIMIT = 30.0  # a worker nobody killed stops by itself


def run(db: str, seed: int, emit: Callable[[dict[str, object]], None]) -> None:
    """Perform random operations until killed (or the time limit)."""
    rng = random.Random(seed)
    svc = Service.open(db)
    ended = time.monotonic() + TIME_LIMIT
    seq = 0

    def running() -> list[int] | None:
        entry = svc.running()
        return [entry.id, to_micros(entry.start)] if entry else None

    while time.monotonic() < ended:
        seq += 1
        open_ids = [v.id for v in svc.list_items()]
        op = rng.choice(OPS) if open_ids else "add"
        target = rng.choice(open_ids) if open_ids else 0
        if op == "add":
            title = f"c{seed}-{seq}"
            importance = rng.choice(list(Importance))
            emit({"seq": seq, "intent": op, "title": title})
            item_id = svc.add(ItemDraft(title=title, importance=importance)).value
            emit({"seq": seq, "done": op, "id": item_id, "title": title, "running": running()})
        elif op == "edit":
            title = f"c{seed}-{seq}-edited"
            emit({"seq": seq, "intent": op, "id": target, "title": title})
            svc.edit(target, replace(svc.draft_of(target), title=title))
            emit({"seq": seq, "done": op, "id": target, "title": title, "running": running()})
        elif op == "move":
            quadrant = rng.choice(list(Quadrant))
            emit({"seq": seq, "intent": op, "id": target, "quadrant": quadrant.value})
            svc.move(target, quadrant)
            emit({"seq": seq, "done": op, "id": target, "quadrant": quadrant.value, "running": running()})
        elif op == "done":
            emit({"seq": seq, "intent": op, "id": target})
            svc.done(target)
            emit({"seq": seq, "done": op, "id": target, "running": running()})
        elif op == "start":
            emit({"seq": seq, "intent": op, "id": target})
            entry = svc.start_timer(target).value
            emit({"seq": seq, "done": op, "id": target, "entry": entry.id, "start": to_micros(entry.start), "running": running()})
        elif op == "stop":
            emit({"seq": seq, "intent": op})
            stopped = svc.stop_timer().value
            info = [stopped.id, to_micros(stopped.end)] if stopped is not None and stopped.end is not None else None
            emit({"seq": seq, "done": op, "stopped": info, "running": running()})
        elif op == "log":
            end = svc.now() - timedelta(minutes=rng.randint(1, 600))
            start = end - timedelta(minutes=rng.randint(1, 120))
            emit({"seq": seq, "intent": op, "id": target})
            try:
                entries = svc.log_time(target, start, end, note=f"n{seq}").value
            except InputError:
                entries = []
            emit(
                {
                    "seq": seq,
                    "done": op,
                    "id": target,
                    "entries": [[e.id, to_micros(e.start), to_micros(e.end) if e.end else None] for e in entries],
                    "running": running(),
                }
            )


def file_emitter(path: str) -> Callable[[dict[str, object]], None]:
    """Append each report line with one write() call (atomic enough: it is in the kernel once write returns)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def emit(record: dict[str, object]) -> None:
        os.write(fd, (json.dumps(record) + "\n").encode())

    return emit


def _warm_up() -> None:
    """Run every operation once on a scratch database, so forked workers start warm.

    (SQLAlchemy configures mappers and builds statements on first use; without
    this every worker spends its first 150 ms there and most kills land in it.)
    """
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        emit: Callable[[dict[str, object]], None] = lambda record: None  # noqa: E731
        global TIME_LIMIT
        limit, TIME_LIMIT = TIME_LIMIT, 0.5
        try:
            run(os.path.join(tmp, "warm.sqlite3"), 1, emit)
        finally:
            TIME_LIMIT = limit


def serve() -> None:
    """Fork server: one worker per request line, its pid printed back."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    _warm_up()
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        db, seed, report = parts[0], int(parts[1]), parts[2]
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            emit = file_emitter(report)
            try:
                run(db, seed, emit)
            except BaseException:  # noqa: BLE001 - the parent fails the test on an "error" line
                import traceback

                emit({"error": traceback.format_exc()})
            os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve()
    else:
        run(sys.argv[1], int(sys.argv[2]), file_emitter(sys.argv[3]))
