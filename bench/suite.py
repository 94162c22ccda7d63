"""The measurements, their baselines and targets.

Each measurement is a function taking the run's :class:`Context` and returning
:class:`Figure` values. ``MEASUREMENTS`` maps the names ``--only`` accepts to them.
Targets come from the issue ("Benchmarks: fast with years of data").
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sqlite3
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import datagen
from bench.measure import Sample, time_call, time_process

BENCH_DIR = Path(__file__).resolve().parent
APP_HOOK_ENV = "PRIORITIZER_QUIT_AFTER_FIRST_PAINT"
FRAME_SECONDS = 1 / 60
MIB = 1024.0  # ru_maxrss is in KiB


@dataclass
class Figure:
    """One row of the table.

    ``target_kind``: "ratio" (median / baseline median at most ``target``),
    "max" (median at most ``target``), "delta" (median - baseline median at most
    ``target``) or "" (informational). Values are seconds, or KiB for memory.
    """

    name: str
    what: str
    unit: str  # "s" or "KiB"
    sample: Sample | None
    baseline_what: str = ""
    baseline: Sample | None = None
    target_kind: str = ""
    target: float | None = None
    note: str = ""
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    paired: bool = False  # the sample and the baseline were run in interleaved pairs (run i of each side by side)

    @property
    def ratio(self) -> float | None:
        """The median over the baseline's median, when there is a baseline."""
        if self.sample is None or self.baseline is None or not self.baseline.median:
            return None
        return self.sample.median / self.baseline.median

    @property
    def paired_ratio(self) -> float | None:
        """The median of the runs' ratios to the baseline run beside each (interleaved pairs only).

        Informational: the verdict is the ratio of the medians. On a shared host whose speed
        changes from second to second, the two medians can fall in different speed phases;
        each pair shares one, so this figure shows what the phases hide.
        """
        if not self.paired or self.sample is None or self.baseline is None:
            return None
        pairs = list(zip(self.sample.values, self.baseline.values, strict=False))
        if len(pairs) < 2 or any(b <= 0 for _, b in pairs):
            return None
        return statistics.median(a / b for a, b in pairs)

    @property
    def delta(self) -> float | None:
        """The median minus the baseline's median (memory rows)."""
        if self.sample is None or self.baseline is None:
            return None
        return self.sample.median - self.baseline.median

    @property
    def passed(self) -> bool | None:
        """Whether the target is met (None without a target)."""
        if self.sample is None or self.target is None:
            return None
        if self.target_kind == "ratio":
            return self.ratio is not None and self.ratio <= self.target
        if self.target_kind == "delta":
            return self.delta is not None and self.delta <= self.target
        if self.target_kind == "max":
            return self.sample.median <= self.target
        return None


@dataclass
class Context:
    """What every measurement needs: sizes, run count, a private work folder."""

    quick: bool
    runs: int
    workdir: Path
    python: str = sys.executable
    log: Callable[[str], None] = print
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def large_params(self) -> datagen.LargeParams:
        """Sizes of the large database."""
        return datagen.QUICK_LARGE if self.quick else datagen.LargeParams()

    @property
    def tasks_params(self) -> datagen.TasksParams:
        """Sizes of the Taskwarrior comparison."""
        return datagen.QUICK_TASKS if self.quick else datagen.TasksParams()

    @property
    def intervals_params(self) -> datagen.IntervalsParams:
        """Sizes of the Timewarrior comparison."""
        return datagen.QUICK_INTERVALS if self.quick else datagen.IntervalsParams()

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """Build a shared fixture once per run."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def large(self) -> tuple[Path, dict[str, Any]]:
        """A private copy of the large database (built or taken from the cache)."""

        def make() -> tuple[Path, dict[str, Any]]:
            path, info, built = datagen.large_db(self.large_params)
            self.log(f"  large database {'built' if built else 'cached'}: {path.name} {_sizes(info)}")
            return datagen.working_copy(path, self.workdir), info

        return self.once("large", make)

    def tasks(self) -> tuple[Path, Path, dict[str, Any]]:
        """The Taskwarrior data and the same tasks as a Prioritizer database."""
        def make() -> tuple[Path, Path, dict[str, Any]]:
            ensure_tool("task", "taskwarrior", self.log)
            db, taskdata, info, built = datagen.tasks_peer(self.tasks_params)
            self.log(f"  open-tasks data {'built' if built else 'cached'}: {db.name} {_sizes(info)}")
            return datagen.working_copy(db, self.workdir), datagen.working_copy(taskdata, self.workdir), info

        return self.once("tasks", make)

    def intervals(self) -> tuple[Path, Path, dict[str, Any]]:
        """The Timewarrior data and the same intervals as a Prioritizer database."""
        def make() -> tuple[Path, Path, dict[str, Any]]:
            ensure_tool("timew", "timewarrior", self.log)
            db, twdb, info, built = datagen.intervals_peer(self.intervals_params)
            self.log(f"  intervals data {'built' if built else 'cached'}: {db.name} {_sizes(info)}")
            return datagen.working_copy(db, self.workdir), datagen.working_copy(twdb, self.workdir), info

        return self.once("intervals", make)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every child: offscreen Qt, the benchmark's zone, private HOME/XDG folders."""
        env = dict(os.environ)
        # As installed: compiled bytecode is cached (pip compiles it). A shell with
        # PYTHONDONTWRITEBYTECODE would have every run compile the changed modules again
        # (about 0.1 s for ui/, 40 ms on the `list` path); the warm-up runs write the caches.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        home = self.workdir / "home"
        home.mkdir(exist_ok=True)
        env.update(
            QT_QPA_PLATFORM="offscreen", TZ=datagen.TZ_NAME, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
            XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"), XDG_STATE_HOME=str(home / "state"),
            LC_ALL="C.UTF-8",
        )
        env.pop("PRIORITIZER_DB", None)
        env.pop("PRIORITIZER_BENCH_VERBOSE", None)
        env.update(extra)
        return env

    def prioritizer_argv(self) -> list[str]:
        """How to run the prioritizer command in a child process."""
        script = Path(self.python).parent / "prioritizer"
        return [str(script)] if script.exists() else [self.python, "-m", "prioritizer"]


def _sizes(info: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in info.items() if isinstance(v, int))


def now_arg() -> str:
    """The fixed --now every whole-process measurement uses."""
    return datagen.NOW.isoformat()


def ensure_tool(command: str, package: str, log: Callable[[str], None]) -> None:
    """Install a peer's Debian package when its command is missing (root only)."""
    import shutil
    import subprocess

    if shutil.which(command):
        return
    log(f"  {command} is missing: apt-get install -y {package}")
    if os.geteuid() != 0:
        raise RuntimeError(f"{command} is missing; install the Debian package {package}")
    subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, stdout=subprocess.DEVNULL)


def _service(path: Path) -> Any:
    from prioritizer.services.service import Service

    return Service.open(str(path), now=datagen.NOW, tz=datagen.TZ)


# ------------------------------------------------------------ start-up
def app_has_hook() -> bool:
    """Whether ``prioritizer.ui.app`` honours the quit-after-first-paint variable."""
    spec = importlib.util.find_spec("prioritizer.ui.app")
    if spec is None or spec.origin is None:
        return False
    return APP_HOOK_ENV in Path(spec.origin).read_text(encoding="utf-8", errors="replace")


# Runs one command and reports its own wall time and peak RSS as JSON. Started with -S it
# weighs ~10 MiB: a child spawned from the benchmark itself would report the benchmark's
# peak RSS when that is larger (Linux keeps the larger of the parent's mm high-water mark and
# the child's own across fork/vfork + exec), which made the bare window weigh 81 MiB right
# after the data generator had run in-process.
_LEAN_LAUNCHER = (
    "import json, os, sys, time\n"
    "t = time.perf_counter()\n"
    "pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,"
    " file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "seconds = time.perf_counter() - t\n"
    "print(json.dumps({'seconds': seconds, 'maxrss_kib': usage.ru_maxrss,"
    " 'returncode': os.waitstatus_to_exitcode(status)}))\n"
)


def _lean_run(python: str, argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS KiB) of one whole-process run, spawned by the lean launcher."""
    import subprocess

    run = subprocess.run([python, "-S", "-c", _LEAN_LAUNCHER, *argv], env=env, capture_output=True, timeout=300)
    lines = run.stdout.decode(errors="replace").strip().splitlines()
    data = json.loads(lines[-1]) if run.returncode == 0 and lines else {"returncode": run.returncode}
    if data["returncode"] != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {data['returncode']}: {run.stderr.decode(errors='replace')[-2000:]}")
    return float(data["seconds"]), float(data["maxrss_kib"])


def m_startup(ctx: Context) -> list[Figure]:
    """Whole-process start to a painted, populated matrix, against a bare window; also peak memory.

    The app is the real ``prioritizer --db FILE --now ISO`` (no command) with
    ``PRIORITIZER_QUIT_AFTER_FIRST_PAINT=1`` once ui/app.py has that hook.
    """
    db, info = ctx.large()
    bare = [ctx.python, str(BENCH_DIR / "bare_window.py")]
    bare_env = ctx.env()
    if app_has_hook():
        app = ctx.prioritizer_argv() + ["--db", str(db), "--now", now_arg()]
        env = ctx.env(**{APP_HOOK_ENV: "1"})
        driver = f"prioritizer with {APP_HOOK_ENV}=1"
    else:
        app = [ctx.python, "-m", "bench.app_window", "--db", str(db), "--now", now_arg()]
        env = ctx.env(PYTHONPATH=str(BENCH_DIR.parent))
        driver = "stand-in bench/app_window.py (ui/app.py has no quit-after-first-paint hook)"
    # Interleave the two so a noisy neighbour hurts both alike.
    app_t, app_m, bare_t, bare_m = Sample(), Sample(), Sample(), Sample()
    _lean_run(ctx.python, bare, bare_env)  # warm-up: page cache, font cache, bytecode caches
    _lean_run(ctx.python, app, env)
    for _ in range(ctx.runs):
        for argv, run_env, times, memory in ((bare, bare_env, bare_t, bare_m), (app, env, app_t, app_m)):
            seconds, kib = _lean_run(ctx.python, argv, run_env)
            times.values.append(seconds)
            memory.values.append(kib)
    items = f"{info['items']:,} items, {info['open_items']:,} open"
    return [
        Figure("startup_time", f"start to painted, populated matrix ({items}), whole process, offscreen", "s", app_t,
               "bare PySide6 window, quits after first paint", bare_t, "ratio", 2.0, note=driver, paired=True),
        Figure("startup_memory", "peak memory (RSS) of that start", "KiB", app_m, "bare PySide6 window", bare_m,
               "delta", 60 * MIB, note=driver),
    ]


# ------------------------------------------------------- placing/ordering
def _open_facts(db: Path) -> list[Any]:
    from prioritizer.domain.values import Importance, ItemFacts, Kind, Quadrant, Status
    from prioritizer.storage.schema import from_micros

    def dt(v: int | None) -> Any:
        return None if v is None else from_micros(v)

    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            'SELECT kind, title, importance, due, strategic, severity, key_customer, start, "end", created_at, '
            "pinned_quadrant, pinned_at FROM items WHERE status = 'open'"
        ).fetchall()
    finally:
        con.close()
    return [
        ItemFacts(kind=Kind(k), title=t, importance=Importance(i), due=dt(d), strategic=bool(s), severity=sev,
                  key_customer=bool(kc), start=dt(st), end=dt(en), created_at=dt(c),
                  pinned_quadrant=Quadrant(pq) if pq else None, pinned_at=dt(pa), status=Status.OPEN)
        for k, t, i, d, s, sev, kc, st, en, c, pq, pa in rows
    ]


def m_place_rank(ctx: Context) -> list[Figure]:
    """Placing and ordering every open item as the app does it, and the pure rules as information.

    The app keeps each item's placement cached; ``Service.ordered_open_ids`` first
    applies every placement change that became due (``refresh``: one cheap read when
    none is), then orders the open items from the cache in SQL, in ``rules.rank``'s
    order. That is the target row. ``place_rank_pure`` runs ``rules.place`` +
    ``rules.rank`` on every open item and sorts them: what it costs without the cache.
    """
    from prioritizer.domain import rules
    from prioritizer.domain.values import Quadrant

    quadrant_order = {q: i for i, q in enumerate(Quadrant)}

    db, _, info = ctx.tasks()
    service = _service(db)
    try:
        count = len(service.ordered_open_ids())
        cached = time_call(service.ordered_open_ids, ctx.runs)
    finally:
        service.close()
    facts = _open_facts(db)
    now = datagen.NOW
    policy = rules.DEFAULT_POLICY

    def run() -> None:
        keyed = []
        for f in facts:
            p = rules.place(f, now, policy)
            keyed.append(((quadrant_order[p.quadrant], rules.rank(f, now)), p))
        keyed.sort(key=lambda kp: kp[0])

    pure = time_call(run, ctx.runs)
    return [
        Figure("place_rank", f"placing and ordering {count:,} open items from the placement cache: "
               "Service.ordered_open_ids() (refresh check + ordered ids), in-process", "s",
               cached, target_kind="max", target=0.010),
        Figure("place_rank_pure", f"rules.place + rank + sort of {len(facts):,} open items (pure, no cache), in-process",
               "s", pure, note="informational: the rules alone, as if nothing were cached"),
    ]


def m_list_items(ctx: Context) -> list[Figure]:
    """The call the window and `list` make for full item views: Service.list_items() on every open item."""
    db, _, info = ctx.tasks()
    service = _service(db)
    try:
        count = len(service.list_items())
        sample = time_call(service.list_items, ctx.runs)
        with_reasons = time_call(lambda: [v.placement.reasons for v in service.list_items()], ctx.runs)
    finally:
        service.close()
    floor = _sql_floor(db, ctx.runs)
    return [
        Figure("list_items", f"{count:,} full item views (placed, ordered): Service.list_items(), in-process", "s",
               sample, note="informational: the issue's 10 ms row is place_rank (placing and ordering); this builds "
               "a full view of every item as well, which no screen shows at once"),
        Figure("list_items_reasons", "the same, reading every view's reasons (what `list` prints), in-process", "s",
               with_reasons, note="informational"),
        Figure("list_sql_floor", f"floor: the {count:,} open rows by cached placement, ordered in SQL (sqlite3, no ORM)",
               "s", floor, note="informational: what a list from the placement cache costs"),
    ]


def _sql_floor(db: Path, runs: int) -> Sample:
    con = sqlite3.connect(db)
    sql = (
        "SELECT id, kind, title, quadrant, urgent, important, pinned_quadrant, due, importance, severity, start, "
        "created_at FROM items WHERE status = 'open' ORDER BY "
        "CASE quadrant WHEN 'do' THEN 0 WHEN 'schedule' THEN 1 WHEN 'delegate' THEN 2 ELSE 3 END, "
        "due IS NULL, due, COALESCE(severity, 9), "
        "CASE importance WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, start, created_at"
    )
    try:
        return time_call(lambda: con.execute(sql).fetchall(), runs)
    finally:
        con.close()


# ------------------------------------------------------ balance / review
def _week_and_year(info: dict[str, Any]) -> tuple[tuple[date, date], tuple[date, date]]:
    from prioritizer.domain.clock import week_start

    today = datagen.NOW.astimezone(datagen.TZ).date()
    monday = week_start(today - timedelta(days=7))
    last = date.fromisoformat(info["last_day"])
    year = last.year - 1 if last.year - 1 >= date.fromisoformat(info["first_day"]).year else last.year
    return (monday, monday + timedelta(days=6)), (date(year, 1, 1), date(year, 12, 31))


def _external(module: str) -> Any | None:
    """A bench module another engineer writes (drop_latency, balance_bench, review_bench), if present."""
    if importlib.util.find_spec(f"bench.{module}") is None:
        return None
    return importlib.import_module(f"bench.{module}")


def m_balance(ctx: Context, span: str) -> list[Figure]:
    """balance() of a week or a year on the large database, in-process."""
    from prioritizer.reports.balance import balance

    db, info = ctx.large()
    week, year = _week_and_year(info)
    start, end = week if span == "week" else year
    service = _service(db)
    try:
        sample = time_call(lambda: balance(service, start, end), ctx.runs)
        minutes = balance(service, start, end).total_minutes
    finally:
        service.close()
    target = 0.030 if span == "week" else 0.150
    note = ("same call as bench/balance_bench.py (a standalone script with its own synthetic data), on the shared "
            "realistic database") if _external("balance_bench") else ""
    return [Figure(f"balance_{span}", f"balance of a {span} ({start} to {end}, {minutes / 60:,.0f} h tracked), in-process",
                   "s", sample, target_kind="max", target=target, note=note)]


# Called as fn(service, first_day, last_day): prioritizer.reports.review.build_review_range is the year review (one call).
YEAR_REVIEW_FUNCTIONS = ("build_review_range", "build_range_review", "review_range")


def m_review(ctx: Context, span: str) -> list[Figure]:
    """The weekly review (``prioritizer.reports.review.build_review(service, week_of)``) or a year review, in-process."""
    target = 0.030 if span == "week" else 0.150
    what = f"{'weekly' if span == 'week' else 'year'} review, in-process"
    name = f"review_{span}"
    if importlib.util.find_spec("prioritizer.reports.review") is None:
        return [Figure(name, what, "s", None, target_kind="max", target=target,
                       error="prioritizer/review.py is not there yet (being written)")]
    review = importlib.import_module("prioritizer.reports.review")
    db, info = ctx.large()
    week, year = _week_and_year(info)
    service = _service(db)
    try:
        if span == "week":
            fn = getattr(review, "build_review", None)
            if fn is None:
                return [Figure(name, what, "s", None, target_kind="max", target=target,
                               error="prioritizer.reports.review has no build_review(service, week_of)")]
            call: Callable[[], Any] = lambda: fn(service, week[0])  # noqa: E731
            label = f"build_review of the week {week[0]} to {week[1]}"
        else:
            fn = next((getattr(review, n) for n in YEAR_REVIEW_FUNCTIONS if callable(getattr(review, n, None))), None)
            if fn is not None:
                call = lambda: fn(service, year[0], year[1])  # noqa: E731
                label = f"{fn.__name__} {year[0]} to {year[1]}"
            else:
                # No year review in the core: as bench/review_bench.py defines it, build_review of each week of the year.
                weekly = review.build_review
                mondays = [year[0] - timedelta(days=year[0].weekday()) + timedelta(weeks=n) for n in range(53)]
                mondays = [m for m in mondays if m <= year[1]]
                call = lambda: [weekly(service, m) for m in mondays]  # noqa: E731
                label = f"build_review of each of the {len(mondays)} weeks of {year[0].year} (as bench/review_bench.py)"
        sample = time_call(call, ctx.runs if span == "week" else min(ctx.runs, 3))
    finally:
        service.close()
    return [Figure(name, f"{what}: {label}", "s", sample, target_kind="max", target=target)]


# --------------------------------------------------------------- drop
_DROP_LATENCY_CALL = (
    "import json, os, sys\n"
    "from pathlib import Path\n"
    "from bench.drop_latency import measure\n"
    "ms = measure(Path(sys.argv[1]), int(sys.argv[2]))\n"
    "print(json.dumps({'seconds': [m / 1000 for m in ms]}), flush=True)\n"
    "os._exit(0)\n"
)


def m_drop(ctx: Context) -> list[Figure]:
    """Drop to repaint on the matrix with every open item loaded (2,000 at full size).

    Uses ``bench/drop_latency.measure`` (the window engineer's: a real QDropEvent on
    the real MainWindow) on the shared large database when it is there, else the
    stand-in ``bench/drop_standin.py``.
    """
    from bench.measure import run_process

    db, info = ctx.large()
    env = ctx.env(PYTHONPATH=str(BENCH_DIR.parent))
    external = _external("drop_latency")
    attempts = []
    if external is not None and hasattr(external, "measure"):
        attempts.append(("bench/drop_latency.measure (real QDropEvent on MainWindow)",
                         [ctx.python, "-c", _DROP_LATENCY_CALL, str(db), str(ctx.runs)]))
    attempts.append(("stand-in bench/drop_standin.py (dropMimeData on the matrix)",
                     [ctx.python, "-m", "bench.drop_standin", "--db", str(db), "--now", now_arg(), "--runs", str(ctx.runs)]))
    errors = []
    for note, argv in attempts:
        run = run_process(argv, env, keep_output=True)
        lines = run.stdout.decode(errors="replace").strip().splitlines()
        if run.returncode == 0 and lines:
            data = json.loads(lines[-1])
            return [Figure("drop_repaint", f"drop to repaint with {info['open_items']:,} open items (in-process, offscreen)",
                           "s", Sample(data["seconds"]), "one frame at 60 Hz", Sample([FRAME_SECONDS]), "max", 0.016,
                           note=note + (f"; first attempt failed: {errors[0]}" if errors else ""))]
        errors.append(f"{note}: exit {run.returncode}: {run.stderr.decode(errors='replace').strip()[-300:]}")
    return [Figure("drop_repaint", "drop to repaint", "s", None, target_kind="max", target=0.016, error=" | ".join(errors))]


# -------------------------------------------------------------- peers
def m_list_vs_task(ctx: Context) -> list[Figure]:
    """`prioritizer list` against `task next` on the same open tasks, whole process."""
    db, taskdata, info = ctx.tasks()
    ours = ctx.prioritizer_argv() + ["--db", str(db), "--now", now_arg(), "list"]
    theirs = ["task", "next"]
    tw_env = datagen.taskwarrior_env(taskdata)
    tw_env.update({k: v for k, v in ctx.env().items() if k in ("HOME", "LC_ALL")})
    ours_t, theirs_t = Sample(), Sample()
    time_process(theirs, 0, tw_env, warmup=1)
    time_process(ours, 0, ctx.env(), warmup=1)
    for _ in range(ctx.runs):
        theirs_t.values += time_process(theirs, 1, tw_env, warmup=0)[0].values
        ours_t.values += time_process(ours, 1, ctx.env(), warmup=0)[0].values
    return [Figure("list_vs_task", f"`prioritizer list` on {info['tasks']:,} open tasks, whole process", "s", ours_t,
                   f"`task next` on the same tasks (Taskwarrior {_version(['task', '--version'])})", theirs_t, "ratio", 1.0,
                   paired=True)]


def m_summary_vs_timew(ctx: Context) -> list[Figure]:
    """A year's per-day summary: `prioritizer balance --from --to` against `timew summary` of that year."""
    db, twdb, info = ctx.intervals()
    year = info["year"]
    ours = ctx.prioritizer_argv() + ["--db", str(db), "--now", now_arg(), "balance", "--from", f"{year}-01-01",
                                     "--to", f"{year}-12-31"]
    # `:year` means the current year; the data's year is a closed past one, so name it: the same report.
    theirs = ["timew", "summary", f"{year}-01-01", "-", f"{year + 1}-01-01"]
    tw_env = datagen.timewarrior_env(twdb)
    tw_env.update({k: v for k, v in ctx.env().items() if k in ("HOME", "LC_ALL")})
    ours_t, theirs_t = Sample(), Sample()
    time_process(theirs, 0, tw_env, warmup=1)
    time_process(ours, 0, ctx.env(), warmup=1)
    for _ in range(ctx.runs):
        theirs_t.values += time_process(theirs, 1, tw_env, warmup=0)[0].values
        ours_t.values += time_process(ours, 1, ctx.env(), warmup=0)[0].values
    return [Figure("summary_vs_timew", f"a year's per-day summary of {info['intervals']:,} entries "
                   f"(`prioritizer balance --from {year}-01-01 --to {year}-12-31`), whole process", "s", ours_t,
                   f"`timew summary {year}-01-01 - {year + 1}-01-01` (= :year) on the same intervals "
                   f"(Timewarrior {_version(['timew', '--version'])})", theirs_t, "ratio", 0.5, paired=True)]


def _version(argv: list[str]) -> str:
    import subprocess

    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


MEASUREMENTS: dict[str, Callable[[Context], list[Figure]]] = {
    "startup": m_startup,
    "place_rank": m_place_rank,
    "list_items": m_list_items,
    "balance_week": lambda ctx: m_balance(ctx, "week"),
    "balance_year": lambda ctx: m_balance(ctx, "year"),
    "review_week": lambda ctx: m_review(ctx, "week"),
    "review_year": lambda ctx: m_review(ctx, "year"),
    "drop": m_drop,
    "list_vs_task": m_list_vs_task,
    "summary_vs_timew": m_summary_vs_timew,
}
FAST_IN_PROCESS = ("place_rank", "list_items", "balance_week", "balance_year")
