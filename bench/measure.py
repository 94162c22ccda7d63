"""Timing helpers: in-process loops with ``perf_counter``, whole processes with their peak memory.

A whole-process run is timed from just before ``fork``/``exec`` until ``wait4``
returns, and ``wait4`` gives that one child's own resource usage, so the peak
resident set size (``ru_maxrss``) is per run, not the maximum over every child
the harness ever started (which ``getrusage(RUSAGE_CHILDREN)`` would give).
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Sample:
    """Several runs of one measurement (seconds, or KiB for memory)."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median of the runs."""
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        """The fastest run."""
        return min(self.values)

    @property
    def max(self) -> float:
        """The slowest run."""
        return max(self.values)


def time_call(fn: Callable[[], Any], runs: int, warmup: int = 1, inner: int = 1) -> Sample:
    """Time ``fn()`` ``runs`` times (after ``warmup`` untimed calls); each value is one call's seconds.

    With ``inner`` > 1 each value is the mean of ``inner`` back-to-back calls
    (for calls too short to time one by one). The garbage collector runs before
    each timed value, not during it.
    """
    for _ in range(warmup):
        fn()
    sample = Sample()
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        sample.values.append((time.perf_counter() - start) / inner)
    return sample


@dataclass
class ProcessRun:
    """One whole-process run."""

    seconds: float
    maxrss_kib: int
    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""


def run_process(
    argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300.0,
    keep_output: bool = False,
) -> ProcessRun:
    """Run a command to completion; its wall time and its own peak RSS.

    stdout goes to a pipe that is read to the end (as a terminal or ``| less``
    would read it) and is kept only when ``keep_output``; stderr is kept (64 KiB).
    """
    import selectors

    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    deadline = start + timeout
    out, err = bytearray(), bytearray()
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            sel.register(proc.stderr, selectors.EVENT_READ)
            open_streams = 2
            while open_streams:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise subprocess.TimeoutExpired(proc.args, timeout)
                for key, _ in sel.select(timeout=left):
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        sel.unregister(key.fileobj)
                        open_streams -= 1
                    elif key.fileobj is proc.stderr:
                        if len(err) < 1 << 16:
                            err.extend(chunk)
                    elif keep_output:
                        out.extend(chunk)
        # wait4 reaps this one child and returns its own resource usage.
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        proc.stdout.close()
        proc.stderr.close()
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(elapsed, int(usage.ru_maxrss), proc.returncode, bytes(out), bytes(err))


def time_process(
    argv: Sequence[str], runs: int, env: dict[str, str] | None = None, warmup: int = 1, cwd: Path | None = None,
    check: bool = True,
) -> tuple[Sample, Sample, list[ProcessRun]]:
    """(seconds, peak RSS KiB, the runs) of ``runs`` whole-process runs after ``warmup`` untimed ones."""
    for _ in range(warmup):
        first = run_process(argv, env, cwd)
        if check and first.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {first.returncode}: {first.stderr.decode(errors='replace')[-2000:]}")
    seconds, memory, done = Sample(), Sample(), []
    for _ in range(runs):
        run = run_process(argv, env, cwd)
        if check and run.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {run.returncode}: {run.stderr.decode(errors='replace')[-2000:]}")
        seconds.values.append(run.seconds)
        memory.values.append(float(run.maxrss_kib))
        done.append(run)
    return seconds, memory, done
