"""Instants outside the years 1900-2200: refused at every door, and harmless when an old file holds them.

Issue 16, section 6: a meeting at 9999-12-31T23:30Z made the window crash at every
start and ``list``, ``show`` and ``export`` fail. Here such values are typed, imported
and, for a file written by an older version, stored straight into the database with
SQL; then every command and the window (every tab, the details of every item) run on it.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.domain.values import EARLIEST, LATEST, InputError, Kind, OutOfRangeError, check_instant, clamp_micros
from prioritizer.io.importers import import_file
from prioritizer.services.service import ItemDraft, Service
from prioritizer.services.timekeeping import edit_entry
from prioritizer.storage.schema import EPOCH, from_micros, to_micros
from prioritizer.text.when import parse_when
from tests.conftest import NOW

NOW_OPTION = NOW.isoformat()


def _us(value: datetime) -> int:
    return (value - EPOCH) // timedelta(microseconds=1)


# ------------------------------------------------------------------ the doors
@pytest.mark.parametrize(
    "text,zone",
    [
        ("9999-12-31T23:30Z", "UTC"),
        ("0001-01-01T00:00", "America/New_York"),  # year 1 west of UTC
        ("0001-01-01T00:00", "Asia/Tokyo"),  # year 1 east of UTC: before year 1 in UTC
        ("1899-12-31T23:59Z", "UTC"),
        ("2201-01-01T00:00Z", "UTC"),
        ("in 100000w", "UTC"),
        ("99999999999999999999h", "UTC"),
    ],
)
def test_when_refuses_instants_outside_the_years(text: str, zone: str) -> None:
    from zoneinfo import ZoneInfo

    with pytest.raises(OutOfRangeError) as info:
        parse_when(text, NOW, ZoneInfo(zone))
    assert str(info.value) == f"the date {text!r} is outside the years 1900-2200"


@pytest.mark.parametrize("text", ["1900-01-01T00:00Z", "2200-12-31T23:59Z", "2200-12-31T23:59:59.999999Z"])
def test_when_takes_the_edges_of_the_years(text: str) -> None:
    assert EARLIEST <= parse_when(text, NOW) <= LATEST


def test_a_draft_outside_the_years_is_refused_naming_the_field(service: Service) -> None:
    far = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    with pytest.raises(InputError, match=r"^the start 9999-12-31 23:30 is outside the years 1900-2200$"):
        service.add(ItemDraft("Far", kind=Kind.MEETING, start=far, end=far + timedelta(minutes=20)))
    with pytest.raises(InputError, match=r"^the deadline 1899-12-31 00:00 is outside the years 1900-2200$"):
        service.add(ItemDraft("Old", due=datetime(1899, 12, 31, tzinfo=UTC)))
    # A start inside the years whose end is not.
    late = datetime(2200, 12, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(InputError, match=r"^the end 2201-01-01 00:30 is outside"):
        service.add(ItemDraft("Late", kind=Kind.MEETING, start=late, end=late + timedelta(minutes=90)))
    assert service.list_items(include_closed=True) == []


def test_time_entries_outside_the_years_are_refused(service: Service) -> None:
    item = service.add(ItemDraft("Work")).value
    far = datetime(9999, 12, 31, 22, tzinfo=UTC)
    with pytest.raises(InputError, match="outside the years 1900-2200"):
        service.log_time(item, far, far + timedelta(hours=1))
    (entry,) = service.log_time(item, NOW - timedelta(hours=2), NOW - timedelta(hours=1)).value
    with pytest.raises(InputError, match=r"^the start 1850-01-01 00:00 is outside the years 1900-2200$"):
        edit_entry(service, entry.id, datetime(1850, 1, 1, tzinfo=UTC), datetime(1850, 1, 1, 1, tzinfo=UTC))
    assert [(e.start, e.end) for e in service.entries(item)] == [(entry.start, entry.end)]


def test_check_instant_names_the_value_and_clamp_keeps_reads_inside() -> None:
    with pytest.raises(OutOfRangeError, match=r"^--now 0001-01-01 00:00 is outside the years 1900-2200$"):
        check_instant(datetime(1, 1, 1, tzinfo=UTC), "--now")
    assert check_instant(NOW, "--now") == NOW
    assert from_micros(_us(datetime(9999, 12, 31, 23, 30, tzinfo=UTC))) == LATEST
    assert from_micros(-(2**62)) == EARLIEST and from_micros(2**62) == LATEST
    assert from_micros(to_micros(NOW)) == NOW
    assert clamp_micros(to_micros(NOW)) == to_micros(NOW)


# ----------------------------------------------------------------- the command line
def _run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--now", NOW_OPTION, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "args",
    [
        ["add", "Far meeting", "--kind", "meeting", "--start", "9999-12-31T23:30Z", "--duration", "30"],
        ["add", "Year one", "--kind", "meeting", "--start", "0001-01-01T10:00-05:00"],
        ["add", "Late", "--kind", "meeting", "--start", "2200-12-31T23:00Z", "--duration", "120"],
        ["add", "Old", "--due", "1899-06-01"],
    ],
)
def test_add_outside_the_years_exits_2_with_one_line(db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = _run(db_path, capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith("prioritizer: error: ") and err.rstrip().endswith("is outside the years 1900-2200")
    assert len(err.strip().splitlines()) == 1
    code, out, _ = _run(db_path, capsys, "list", "--json", "--all")
    assert (code, out.strip()) == (0, "[]")


def test_entry_edit_outside_the_years_exits_2(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(db_path, capsys, "add", "Work")[0] == 0
    assert _run(db_path, capsys, "log", "1", "--from", "2026-11-20T07:00Z", "--to", "2026-11-20T07:30Z")[0] == 0
    code, _, err = _run(db_path, capsys, "entry-edit", "1", "--to", "9999-12-31T23:00Z")
    assert code == 2 and "outside the years 1900-2200" in err


# ----------------------------------------------------------------- imports
ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:far@test
DTSTAMP:20261101T000000Z
DTSTART:99991231T233000Z
DTEND:99991231T235900Z
SUMMARY:End of time
END:VEVENT
BEGIN:VEVENT
UID:year1@test
DTSTAMP:20261101T000000Z
DTSTART:00010101T100000
DTEND:00010101T110000
SUMMARY:Year one
END:VEVENT
BEGIN:VEVENT
UID:ok@test
DTSTAMP:20261101T000000Z
DTSTART:20261123T100000Z
DTEND:20261123T103000Z
SUMMARY:Real meeting
END:VEVENT
BEGIN:VEVENT
UID:outlook@test
DTSTAMP:20261101T000000Z
CREATED:16010101T000000Z
DTSTART:20261124T100000Z
DTEND:20261124T103000Z
SUMMARY:Created in 1601
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_ics_import_skips_events_outside_the_years_and_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    path = tmp_path / "cal.ics"
    path.write_text(ICS)
    service = Service.open(str(tmp_path / "db.sqlite3"), now=NOW)
    try:
        report = import_file(service, path)
        titles = sorted(v.title for v in service.list_items(include_closed=True))
    finally:
        service.close()
    assert (report.added, report.skipped) == (2, 2)
    assert titles == ["Created in 1601", "Real meeting"]  # Outlook's "unknown" CREATED is not a reason to skip
    assert report.summary() == "imported 2, updated 0, skipped 2 (2 outside the years 1900-2200: 'End of time', 'Year one')"


def test_csv_import_skips_rows_outside_the_years_and_imports_the_rest(tmp_path: Path, service: Service) -> None:
    rows = ["title,due,start,end"] + [f"Far {n},9999-12-31T23:00Z,," for n in range(5)]
    rows += ["Fine,2026-11-30T10:00Z,,", "Meeting at the edge,,2200-12-31T23:50Z,", "Ancient,1066-10-14,,"]
    path = tmp_path / "items.csv"
    path.write_text("\n".join(rows) + "\n")
    report = import_file(service, path)
    assert report.added == 1 and report.skipped == 7
    assert [v.title for v in service.list_items(include_closed=True)] == ["Fine"]
    assert report.summary() == (
        "imported 1, updated 0, skipped 7 (7 outside the years 1900-2200: 'Far 0', 'Far 1', 'Far 2', and 4 more)"
    )


# ------------------------------------------------ a file an older version wrote
@pytest.fixture
def old_file(db_path: Path) -> dict[str, int]:
    """A database holding, as an older version could store them, instants no view can show.

    Written with SQL after the service is closed: a year-9999 meeting, a year-1 deadline and
    creation, integers beyond any date, time entries and triage rows out there too.
    """
    service = Service.open(str(db_path), now=NOW)
    ids = {
        "meeting": service.add(
            ItemDraft("Far meeting", kind=Kind.MEETING, start=NOW + timedelta(days=1), end=NOW + timedelta(days=1, hours=1))
        ).value,
        "ancient": service.add(ItemDraft("Ancient task", due=NOW + timedelta(days=3))).value,
        "huge": service.add(ItemDraft("Huge numbers", due=NOW + timedelta(days=3))).value,
        "esc": service.add(ItemDraft("Sev2 ACME", kind=Kind.ESCALATION, severity=2, due=NOW + timedelta(hours=3))).value,
    }
    service.log_time(ids["ancient"], NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    service.log_time(ids["huge"], NOW - timedelta(hours=4), NOW - timedelta(hours=3))
    service.close()
    far, far_end = _us(datetime(9999, 12, 31, 23, 30, tzinfo=UTC)), _us(datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    year1 = _us(datetime(1, 1, 1, tzinfo=UTC))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute('UPDATE items SET start = ?, "end" = ?, changes_at = NULL WHERE id = ?', (far, far_end, ids["meeting"]))
        conn.execute("UPDATE items SET due = ?, created_at = ? WHERE id = ?", (year1, year1, ids["ancient"]))
        conn.execute("UPDATE items SET due = ?, changes_at = ?, pinned_at = ? WHERE id = ?", (2**62, 2**62, -(2**62), ids["huge"]))
        conn.execute("UPDATE items SET due = ?, updated_at = ?, placed_at = ? WHERE id = ?", (far, far, far, ids["esc"]))
        conn.execute('UPDATE time_entries SET start = ?, "end" = ? WHERE item_id = ?', (far, far_end, ids["ancient"]))
        conn.execute('UPDATE time_entries SET start = ?, "end" = ? WHERE item_id = ?', (-(2**62), 2**62, ids["huge"]))
        conn.execute("UPDATE triage_log SET at = ? WHERE item_id = ?", (far, ids["meeting"]))
    conn.close()
    return ids


def _commands(ids: dict[str, int], tmp_path: Path) -> list[list[str]]:
    each = [str(i) for i in ids.values()]  # meeting, ancient, huge, esc
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("title\nImported beside them\n")
    return [
        ["list"], ["list", "--json"], ["list", "--all"], ["list", "--all", "--json"], ["list", "--quadrant", "do"],
        *(["show", i] for i in each), *(["show", i, "--json"] for i in each), *(["entries", i] for i in each),
        ["balance"], ["balance", "--json"], ["balance", "--from", "2026-11-01", "--to", "2026-11-30"],
        ["review"], ["review", "--json"], ["review", "--csv", str(tmp_path / "r.csv")], ["review", "--html", str(tmp_path / "r.html")],
        ["export", "--csv", str(tmp_path / "items.csv")], ["import", str(csv_in)],
        ["edit", each[1], "--notes", "still here"], ["move", each[1], "do"], ["unpin", each[1]],
        ["edit", each[0], "--start", "2026-12-01T10:00Z", "--duration", "30"],  # the way out: a real date again
        ["start", each[2]], ["stop"], ["log", each[3], "--from", "2026-11-20T06:00Z", "--to", "2026-11-20T07:00Z"],
        ["target"], ["done", each[0]], ["drop", each[1]], ["list", "--all"],
    ]  # fmt: skip


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])  # UTC+14 and UTC-12: the zones furthest apart
def test_every_command_runs_on_a_file_with_instants_outside_the_years(
    db_path: Path, old_file: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    for args in _commands(old_file, tmp_path):
        code, out, err = _run(db_path, capsys, *args)
        assert (code, err) == (0, ""), args
    # Before the edit that moved it, the far meeting was shown at the edge of the years, not lost.
    with (tmp_path / "items.csv").open(encoding="utf-8-sig", newline="") as file:
        (far,) = [row for row in csv.DictReader(file) if row["title"] == "Far meeting"]
    assert datetime.fromisoformat(far["start"]) == LATEST.replace(second=0, microsecond=0)


def test_the_window_opens_and_shows_every_tab_on_such_a_file(
    qtbot, db_path: Path, old_file: dict[str, int], monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    from prioritizer.ui.main_window import MainWindow
    from PySide6.QtWidgets import QApplication

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    service = Service.open(str(db_path), now=NOW)
    try:
        window = MainWindow(service)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        assert not window.grab().isNull()  # paints every card, the year-9999 meeting's among them
        shown = {i for model in window.matrix.models.values() for i in model.ids()}
        assert set(old_file.values()) <= shown
        for name in window.view_names():
            window.show_view(name)
            QApplication.processEvents()
            assert not window.grab().isNull(), name
        window.show_view("matrix")
        for view in service.list_items(include_closed=True):
            window.details.show_item(view)
            QApplication.processEvents()
            assert not window.details.grab().isNull()
    finally:
        service.close()
