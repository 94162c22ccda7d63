"""Hostile input: quick add, every command-line option, a stateful model of the services, odd titles, permissions.

Property-based (Hypothesis). ``PRIORITIZER_HYPOTHESIS_SCALE`` multiplies the
example counts for a longer run (default 1: about 15 s on 2 cores). Run with
``--hypothesis-show-statistics`` to see how many examples ran.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from prioritizer.cli import build_parser, main
from prioritizer.domain.values import Importance, InputError, Kind, Quadrant, Status
from prioritizer.safety import backup as bk
from prioritizer.services.service import ItemDraft, Service
from prioritizer.text.quickadd import parse_quick_add
from tests.conftest import NOW

SCALE = int(os.environ.get("PRIORITIZER_HYPOTHESIS_SCALE", "1"))
COMMON = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def examples(n: int) -> settings:
    """Our common settings with n examples (times the scale)."""
    return settings(COMMON, max_examples=n * SCALE)


HOSTILE = [
    "<b>bold?</b> <script>alert('x')</script> &amp; &lt;",
    '<img src=x onerror="alert(1)">',
    "\u202eevil.exe\u202c reversed",
    "\u200fRTL mark\u200e and LTR mark",
    "Zero\u200bwidth\ufeffBOM",
    "emoji 🔥🧯 and combining e\u0301",
    "tab\tinside",
    "new\nline",
    "carriage\rreturn",
    "bell\x07",
    "escape \x1b[31mred\x1b[0m",
    "NUL \x00 byte",
    "DEL\x7f",
    "   spaced     out   ",
    "",
    " ",
    "x" * 1000,
    "x" * 1001,
    "é" * 1000,
    "'; DROP TABLE items; --",
    "%s %n {0} {title}",
    "\\N{BELL} \\x00",
    "\u2028line separator\u2029",
    "\x85next line",
]
TOKENS = [
    "Sev1",
    "sev2",
    "Sev9",
    "meeting",
    "due",
    "2h",
    "30m",
    "1h30m",
    "tomorrow",
    "10:00",
    "25:99",
    "fri",
    "today",
    "!high",
    "!critical",
    "!bogus",
    "#strategic",
    "#",
    "+Sam",
    "+",
    "@ACME",
    "@",
    "key",
    "customer",
    "at",
    "in",
    "next",
    "week",
    "2026-02-30",
    "2026-11-20T09:00",
    "9999-12-31",
    "0001-01-01",
    "-1h",
    "99999999h",
    "1e9m",
    "every",
    "Q1",
]


def _hostile(index: int) -> str:
    return HOSTILE[index]


# Indices mapped by a named function: Hypothesis statistics would print the 1000-character samples.
titles = st.one_of(
    st.integers(0, len(HOSTILE) - 1).map(_hostile),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=1200),
)


def expected_title(title: str) -> str | None:
    """The stored title for a typed one, or None when it must be refused (the documented rules)."""
    if any((ord(c) < 32 and c != "\t") or c == "\x7f" for c in title):
        return None  # NUL and control characters are refused, never silently dropped
    normal = " ".join(title.split())  # whitespace runs become one space
    if not normal or len(normal) > 1000:
        return None
    return normal


# ---------------------------------------------------------------------- quick add
@examples(300)
@given(st.one_of(st.text(), st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=12).map(" ".join)))
def test_quick_add_never_raises_anything_but_input_error(text: str) -> None:
    try:
        result = parse_quick_add(text, NOW)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(result.title, str)
    for value in (result.due, result.start, result.end):
        assert value is None or value.utcoffset() == timedelta(0)


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_are_stored_exactly_or_refused_clearly(title: str, service: Service) -> None:
    expected = expected_title(title)
    if expected is None:
        with pytest.raises(InputError) as caught:
            service.add(ItemDraft(title=title))
        assert "\n" not in str(caught.value)
        assert service.list_items(include_closed=True) == []
        return
    item_id = service.add(ItemDraft(title=title)).value
    assert service.get(item_id).title == expected


def test_a_megabyte_of_notes_round_trips_and_more_is_refused(service: Service) -> None:
    notes = ("<p>line & \u202e text</p>\n" * 50_000)[:1_000_000]
    item_id = service.add(ItemDraft(title="Big notes", notes=notes)).value
    assert service.get(item_id).notes == notes
    with pytest.raises(InputError, match="the notes is 1000001 characters long"):
        service.add(ItemDraft(title="Too big", notes="n" * 1_000_001))
    with pytest.raises(InputError, match="the title is"):
        service.add(ItemDraft(title="t" * 1_000_000))


CLI_TITLES = [HOSTILE[i] for i in (0, 2, 3, 5, 7, 9, 16, 17, 19, 23)]  # one of each kind: ~0.4 s per title


@pytest.mark.parametrize("title", CLI_TITLES)
def test_hostile_titles_through_the_command_line(title: str, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Shown back as plain text (JSON keeps every character), or refused with exit 2 and one line."""
    import json

    rc = main(["--db", str(db_path), "add", "--", title])
    out, err = capsys.readouterr()
    if rc != 0:
        assert rc == 2 and err.startswith("prioritizer: error: ") and err.count("\n") == 1, err
        assert expected_title(" ".join(title.split())) is None  # refused only when the words themselves are
        return
    item_id = int(out)
    assert main(["--db", str(db_path), "show", str(item_id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["title"]
    # Quick add reads the line as words (a newline is a space) and may take tokens out of it;
    # what it keeps is exactly what was typed, unescaped, and never a control character.
    assert shown and all(word in title for word in shown.split())
    assert not any(ord(c) < 32 or c == "\x7f" for c in shown)


def test_nul_byte_from_the_command_line_is_refused(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "add", "a\x00b"]) == 2
    assert "NUL" in capsys.readouterr().err


# --------------------------------------------------------------- every CLI option
SKIP_COMMANDS = {"screenshot"}  # opens Qt: covered by the window tests
VALUES = [
    "1",
    "2",
    "3",
    "0",
    "-1",
    "007",
    "99999999999999999999",
    "1e9",
    "nan",
    "2h",
    "30",
    "tomorrow 10:00",
    "fri",
    "today",
    "2026-11-20",
    "2026-11-20T09:00",
    "2026-11-20T09:00+14:00",
    "9999-12-31T23:59",
    "0001-01-01",
    "none",
    "",
    " ",
    "high",
    "do",
    "meeting",
    "escalation",
    "50",
    "150%",
    "--",
    "-",
    "--json",
    "a\udcffb",
    "\u202e",
    "<b>",
    "x" * 1200,
]


def _commands() -> dict[str, list[argparse.Action]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {
        name: [a for a in p._actions if not isinstance(a, argparse._HelpAction | argparse._VersionAction)]
        for name, p in sub.choices.items()
        if name not in SKIP_COMMANDS
    }


COMMANDS = _commands()


@st.composite
def command_lines(draw: st.DrawFn, folder: Path) -> list[str]:
    name = draw(st.sampled_from(sorted(COMMANDS)))
    argv: list[str] = []
    if draw(st.booleans()):
        argv += ["--now", draw(st.sampled_from(VALUES + ["2026-11-20T09:00"]))]
    argv.append(name)

    def value(action: argparse.Action) -> str:
        if action.metavar == "FILE" or action.dest in {"file", "csv", "html", "pdf"}:
            return str(folder / draw(st.sampled_from(["out.csv", "out.html", "out.pdf", "missing.ics", "bad name <>.csv"])))
        options = list(action.choices) if action.choices else []
        return draw(st.one_of(st.sampled_from(options or VALUES), st.sampled_from(VALUES), st.text(max_size=12)))

    for action in COMMANDS[name]:
        if action.option_strings:
            if not draw(st.integers(0, 3)) == 0:
                continue  # each option present a quarter of the time
            argv.append(draw(st.sampled_from(action.option_strings)))
            if action.nargs != 0:
                argv.append(value(action))
        elif action.nargs in ("?", "*") and draw(st.booleans()):
            continue
        else:
            count = draw(st.integers(1, 3)) if action.nargs in ("+", "*") else 1
            argv += [value(action) for _ in range(count)]
    return argv


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "fuzz.sqlite3"
    svc = Service.open(str(db), now=NOW)
    for n, kind in enumerate([Kind.TASK, Kind.MEETING, Kind.ESCALATION]):
        draft = ItemDraft(title=f"Seed {n}", kind=kind)
        if kind is Kind.MEETING:
            draft = replace(draft, start=NOW + timedelta(hours=1), end=NOW + timedelta(hours=2))
        if kind is Kind.ESCALATION:
            draft = replace(draft, severity=2)
        svc.add(draft)
    svc.log_time(1, NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    svc.close()
    return db


@examples(150)
@given(data=st.data())
def test_every_command_line_option_exits_0_1_or_2_and_bad_input_changes_nothing(fuzz_db: Path, data: st.DataObject) -> None:
    folder = fuzz_db.parent / "files"
    folder.mkdir(exist_ok=True)
    argv = ["--db", str(fuzz_db), *data.draw(command_lines(folder))]
    # Reading re-places items whose moment came (refresh): a change made by time, not by the
    # command. Settle it first at the command's clock, so only the command itself is judged.
    clock = argv[2:4] if argv[2] == "--now" else []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["--db", str(fuzz_db), *clock, "list"])
    before = bk.fingerprint(fuzz_db)
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)  # a relative path in a fuzzed value lands here, never in the repository
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(argv)
    finally:
        os.chdir(cwd)
    errors = err.getvalue()
    assert rc in (0, 1, 2), (argv, rc, errors)
    assert "Traceback" not in errors and "Traceback" not in out.getvalue(), argv
    if rc != 0:
        assert errors.startswith("prioritizer: error: ") and errors.count("\n") == 1, (argv, errors)
        assert bk.fingerprint(fuzz_db) == before, f"a refused command changed the data: {argv}"


# ------------------------------------------------------- stateful model of Service
@dataclass
class ModelItem:
    """What the model believes about one item."""

    title: str
    status: Status = Status.OPEN
    pinned: Quadrant | None = None
    minutes: int = 0


class ServiceMachine(RuleBasedStateMachine):
    """Random operations against the service and an in-memory model, compared after every step."""

    items = Bundle("items")

    @initialize()
    def open_database(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="prioritizer-machine-")
        self.svc = Service.open(os.path.join(self.folder, "m.sqlite3"), now=NOW)
        self.now = NOW
        self.svc.clock = lambda: self.now
        self.model: dict[int, ModelItem] = {}

    def teardown(self) -> None:
        if hasattr(self, "svc"):
            self.svc.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _refused(self, call: object) -> None:
        with pytest.raises(InputError) as caught:
            call()  # type: ignore[operator]
        assert str(caught.value) and "\n" not in str(caught.value)

    @rule(target=items, title=titles, importance=st.sampled_from(list(Importance)), strategic=st.booleans())
    def add(self, title: str, importance: Importance, strategic: bool) -> object:
        expected = expected_title(title)
        draft = ItemDraft(title=title, importance=importance, strategic=strategic)
        if expected is None:
            self._refused(lambda: self.svc.add(draft))
            return multiple()
        item_id = self.svc.add(draft).value
        assert item_id not in self.model
        self.model[item_id] = ModelItem(expected)
        return item_id

    @rule(item=items, title=titles)
    def edit(self, item: int, title: str) -> None:
        draft = replace(self.svc.draft_of(item), title=title)
        expected = expected_title(title)
        if expected is None:
            self._refused(lambda: self.svc.edit(item, draft))
            return
        self.svc.edit(item, draft)
        self.model[item].title = expected

    @rule(item=items, quadrant=st.sampled_from(list(Quadrant)))
    def move(self, item: int, quadrant: Quadrant) -> None:
        if self.model[item].status is not Status.OPEN:
            self._refused(lambda: self.svc.move(item, quadrant))
            return
        self.svc.move(item, quadrant)
        self.model[item].pinned = quadrant

    @rule(item=items)
    def unpin(self, item: int) -> None:
        self.svc.unpin(item)
        self.model[item].pinned = None

    @rule(item=items, drop=st.booleans())
    def close(self, item: int, drop: bool) -> None:
        call = self.svc.drop if drop else self.svc.done
        if self.model[item].status is not Status.OPEN:
            self._refused(lambda: call(item))
            return
        call(item)
        self.model[item].status = Status.DROPPED if drop else Status.DONE

    @rule(item=items)
    def reopen(self, item: int) -> None:
        self.svc.reopen(item)
        self.model[item].status = Status.OPEN

    @rule(item=items, minutes=st.integers(-30, 12_000))
    def log(self, item: int, minutes: int) -> None:
        start = self.now - timedelta(days=9)
        end = start + timedelta(minutes=minutes)
        if minutes <= 0 or minutes > 7 * 24 * 60:
            self._refused(lambda: self.svc.log_time(item, start, end))
            return
        self.svc.log_time(item, start, end)
        self.model[item].minutes += minutes

    @rule(minutes=st.integers(0, 3 * 24 * 60))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(item=st.integers(10_000, 10_010))
    def unknown_item(self, item: int) -> None:
        self._refused(lambda: self.svc.done(item))

    @invariant()
    def matches_the_model(self) -> None:
        if not hasattr(self, "svc"):
            return
        views = {v.id: v for v in self.svc.list_items(include_closed=True)}
        assert set(views) == set(self.model)
        assert {i for i, v in views.items() if v.status is Status.OPEN} == {i for i, m in self.model.items() if m.status is Status.OPEN}
        for item_id, m in self.model.items():
            v = views[item_id]
            assert (v.title, v.status, v.minutes_spent) == (m.title, m.status, m.minutes), item_id
            assert v.placement.pinned == (m.pinned is not None), item_id
            if m.pinned is not None and m.status is Status.OPEN:
                assert v.quadrant is m.pinned


ServiceMachine.TestCase.settings = settings(
    max_examples=20 * SCALE, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_service_matches_an_in_memory_model = ServiceMachine.TestCase


# ------------------------------------------------------------------ permissions
def test_every_file_stays_owner_only(db_path: Path) -> None:
    from prioritizer.safety.lock import InstanceLock

    old = os.umask(0o022)  # a permissive umask: the code must not rely on the CLI's 077
    try:
        with InstanceLock(str(db_path)):
            svc = Service.open(str(db_path), now=NOW)
            svc.add(ItemDraft(title="private"))
            backup = bk.backup_now(str(db_path))
            files = [db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm"), backup]
            files.append(db_path.with_name(db_path.name + ".lock"))
            for path in files:
                assert path.exists(), path
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
            assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
            svc.close()
        result = bk.restore(str(db_path), backup)
        assert result.kept_aside is not None
        for path in (db_path, result.kept_aside):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        os.umask(old)
