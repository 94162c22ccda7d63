"""The command-line contract: commands, --now, JSON keys, exit codes, bad input changes nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from prioritizer.cli import main

NOW = "2026-11-20T09:00:00+01:00"
LIST_KEYS = {
    "id", "kind", "title", "quadrant", "urgent", "important", "pinned", "reasons", "due", "importance", "severity", "status",
    "minutes_spent",
}  # fmt: skip


class Cli:
    """Runs the command in-process against one database."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str, now: str = NOW) -> tuple[int, str, str]:
        code = main(["--db", str(self.db), "--now", now, *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, now: str = NOW) -> object:
        code, out, err = self(*args, now=now)
        assert code == 0, err
        return json.loads(out)

    def add(self, *args: str, now: str = NOW) -> int:
        code, out, err = self("add", *args, now=now)
        assert code == 0, err
        return int(out.strip())


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_path, capsys)


def test_sev1_quick_add_lands_in_do(cli: Cli) -> None:
    item_id = cli.add("Sev1 ACME checkout down due 2h")
    shown = cli.json("show", str(item_id), "--json")
    assert isinstance(shown, dict)
    assert LIST_KEYS <= shown.keys()
    assert shown["kind"] == "escalation" and shown["severity"] == 1 and shown["quadrant"] == "do"
    assert shown["title"] == "ACME checkout down"
    assert any("Sev 1" in r for r in shown["reasons"])
    assert shown["due"] == "2026-11-20T10:00:00+00:00"


def test_high_task_moves_to_do_nine_and_a_half_days_later(cli: Cli) -> None:
    item_id = cli.add("Renew vendor contract", "--importance", "high", "--due", "2026-11-30T09:00+01:00")
    assert cli.json("show", str(item_id), "--json")["quadrant"] == "schedule"  # type: ignore[index]
    later = cli.json("show", str(item_id), "--json", now="2026-11-29T21:00:00+01:00")
    assert later["quadrant"] == "do"  # type: ignore[index]
    assert later["reasons"][0] == "due in 12 h"  # type: ignore[index]


def test_low_task_due_soon_is_delegate_and_plain_task_is_eliminate(cli: Cli) -> None:
    low = cli.add("Reply to survey", "--importance", "low", "--due", "3h")
    plain = cli.add("Tidy shared drive")
    by_id = {row["id"]: row for row in cli.json("list", "--json")}  # type: ignore[union-attr]
    assert by_id[low]["quadrant"] == "delegate"
    assert by_id[plain]["quadrant"] == "eliminate"
    assert all(LIST_KEYS <= row.keys() for row in by_id.values())


def test_move_pins_and_unpin_releases(cli: Cli) -> None:
    item_id = cli.add("Tidy shared drive")
    assert cli("move", str(item_id), "do")[0] == 0
    row = cli.json("show", str(item_id), "--json")
    assert row["quadrant"] == "do" and row["pinned"] is True  # type: ignore[index]
    assert row["reasons"][0].startswith("placed here by you")  # type: ignore[index]
    assert cli("unpin", str(item_id))[0] == 0
    row = cli.json("show", str(item_id), "--json")
    assert row["quadrant"] == "eliminate" and row["pinned"] is False  # type: ignore[index]


def test_list_filters_and_all(cli: Cli) -> None:
    a = cli.add("Sev1 outage")
    b = cli.add("Tidy")
    cli("done", str(b))
    assert [r["id"] for r in cli.json("list", "--json", "--quadrant", "do")] == [a]  # type: ignore[union-attr]
    assert [r["id"] for r in cli.json("list", "--json")] == [a]  # type: ignore[union-attr]
    rows = cli.json("list", "--json", "--all")
    assert {r["id"]: r["status"] for r in rows} == {a: "open", b: "done"}  # type: ignore[union-attr]


def test_edit_timer_and_log(cli: Cli) -> None:
    item_id = cli.add("Write QA review")
    assert cli("edit", str(item_id), "--importance", "high", "--title", "Write QA review v2")[0] == 0
    row = cli.json("show", str(item_id), "--json")
    assert row["title"] == "Write QA review v2" and row["quadrant"] == "schedule"  # type: ignore[index]
    assert cli("start", str(item_id))[0] == 0
    assert cli("stop", now="2026-11-20T09:45:00+01:00")[0] == 0
    assert cli("log", str(item_id), "--from", "2026-11-19T14:00", "--to", "2026-11-19T15:00")[0] == 0
    assert cli.json("show", str(item_id), "--json")["minutes_spent"] == 105  # type: ignore[index]


def test_meeting_options(cli: Cli) -> None:
    item_id = cli.add("Vendor call", "--kind", "meeting", "--start", "2026-11-23T10:00", "--duration", "45")
    row = cli.json("show", str(item_id), "--json")
    assert row["start"] == "2026-11-23T09:00:00+00:00" and row["end"] == "2026-11-23T09:45:00+00:00"  # type: ignore[index]


def _digest(path: Path) -> str:
    """A digest of the database's content (not its bytes: WAL checkpoints move pages)."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "args,needle",
    [
        (["add", "x", "--importance", "huge"], "--importance"),
        (["add", "x", "--severity", "7"], "severity 7"),
        (["add", "x", "--kind", "meeting", "--start", "2026-11-23T10:00", "--end", "2026-11-23T09:00"], "end is before the start"),
        (["show", "999"], "no item with id 999"),
        (["move", "999", "do"], "no item with id 999"),
        (["done", "999"], "no item with id 999"),
        (["move", "1", "urgent"], "quadrant"),
        (["add", "x", "--due", "next blursday"], "cannot read the date"),
        (["log", "1", "--from", "2026-11-20T10:00", "--to", "2026-11-20T09:00"], "end is before the start"),
        (["add", "x", "--estimate", "abc"], "minutes"),
        (["show", "abc"], "item id"),
        (["add", "a\x00b"], "NUL"),
        (["show", "99999999999999999999999"], "out of range"),
        (["entry-delete", "99999999999999999999"], "entry id 99999999999999999999 is out of range"),
        (["entry-edit", "x1", "--note", "n"], "entry id must be a number"),
        (["add", "meeting x", "--start", "2026-11-23T10:00", "--duration", "99999999999999"], "--duration"),
        (["add", "meeting x", "--start", "2200-12-31T22:00Z", "--duration", "121"], "the end 2201-01-01 00:01 is outside the years"),
        (["add", "meeting x", "--start", "9999-12-31T23:30Z"], "the date '9999-12-31T23:30Z' is outside the years 1900-2200"),
        (["add", "x", "--due", "1899-12-31T23:59Z"], "outside the years 1900-2200"),
        (["log", "1", "--from", "9999-12-31T22:00Z", "--to", "9999-12-31T23:00Z"], "outside the years 1900-2200"),
        (["balance", "--week", "9999-12-31"], "out of range"),
        (["balance", "--from", "9999-12-30", "--to", "9999-12-31"], "out of range"),
        (["review", "--week", "9999-12-31"], "the date '9999-12-31' is outside the years 1900-2200"),
        (["review", "--week", "0001-01-01"], "the date '0001-01-01' is outside the years 1900-2200"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(cli: Cli, db_path: Path, args: list[str], needle: str) -> None:
    cli.add("existing item")
    before = _digest(db_path)
    code, out, err = cli(*args)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("prioritizer: error: ")
    assert _digest(db_path) == before
    assert len(cli.json("list", "--json", "--all")) == 1  # type: ignore[arg-type]


def test_bad_now_exits_2(cli: Cli) -> None:
    code, _, err = cli("list", now="yesterday-ish")
    assert code == 2 and "--now" in err


@pytest.mark.parametrize(
    "now", ["0001-01-01T00:00", "0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "1899-12-31T23:59Z", "2201-01-01T00:00Z"]
)
def test_now_outside_the_years_the_app_shows_exits_2_with_one_line(cli: Cli, now: str) -> None:
    code, out, err = cli("list", now=now)
    assert (code, out) == (2, "")
    assert err.startswith("prioritizer: error: --now ") and err.strip().endswith("is outside the years 1900-2200")
    assert len(err.strip().splitlines()) == 1


def test_whole_process_json_contract(db_path: Path) -> None:
    """The installed entry point, as a script would call it."""
    base = [sys.executable, "-m", "prioritizer", "--db", str(db_path), "--now", NOW]
    out = subprocess.run([*base, "add", "+Sam refund backlog due today"], capture_output=True, text=True, check=True)
    item_id = int(out.stdout)
    rows = json.loads(subprocess.run([*base, "list", "--json"], capture_output=True, text=True, check=True).stdout)
    assert rows[0]["id"] == item_id and rows[0]["title"] == "refund backlog" and rows[0]["quadrant"] == "delegate"
    bad = subprocess.run([*base, "show", "42"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_invalid_utf8_title_is_bad_input(cli: Cli) -> None:
    code, _, err = cli("add", "caf\udcff")  # what Python makes of the byte 0xff in argv
    assert code == 2 and "not valid UTF-8" in err
