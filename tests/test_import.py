"""Calendar (.ics) and CSV import: time zones, recurrences, idempotence, all-or-nothing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from prioritizer.cli import main
from prioritizer.domain.values import InputError, Kind, Quadrant
from prioritizer.io.importers import import_csv, import_file, import_ics
from prioritizer.services.service import Service
from prioritizer.storage.schema import Item, TriageLog

FIXTURES = Path(__file__).parent / "fixtures"


def meetings(service: Service) -> dict[str, list[tuple[datetime, datetime]]]:
    found: dict[str, list[tuple[datetime, datetime]]] = {}
    for view in service.list_items(include_closed=True):
        if view.kind is Kind.MEETING:
            assert view.start is not None and view.end is not None
            found.setdefault(view.title, []).append((view.start, view.end))
    return {k: sorted(v) for k, v in found.items()}


def snapshot(service: Service) -> tuple[int, int, list[tuple[object, ...]]]:
    with service.unit() as session:
        items = session.scalar(select(func.count(Item.id))) or 0
        log = session.scalar(select(func.count(TriageLog.id))) or 0
        rows = [tuple(r) for r in session.execute(select(Item.id, Item.title, Item.start, Item.end, Item.uid, Item.skipped))]
    return items, log, rows


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_outlook_windows_zone_names_and_dst_are_honoured(service: Service) -> None:
    report = import_ics(service, FIXTURES / "outlook.ics")
    assert (report.added, report.updated, report.skipped) == (14, 0, 0)
    found = meetings(service)
    # "W. Europe Standard Time" is Europe/Berlin: 10:00 local in November is 09:00 UTC.
    assert found["Staff meeting"] == [(utc("2026-11-23T09:00"), utc("2026-11-23T10:00"))]
    assert found["QBR prep with ACME"] == [(utc("2026-11-24T13:00"), utc("2026-11-24T14:30"))]
    # The weekly 1:1 keeps 15:00 local across the end of summer time (25 Oct 2026).
    dana = found["1:1 Dana"]
    assert dana[0] == (utc("2026-10-22T13:00"), utc("2026-10-22T13:30"))  # CEST, UTC+2
    assert dana[1] == (utc("2026-10-29T14:00"), utc("2026-10-29T14:30"))  # CET, UTC+1
    # COUNT=12 from 15 Oct: the first occurrence lies before the 30-day window (from 21 Oct).
    assert len(dana) == 11 and dana[-1][0] == utc("2026-12-31T14:00")


def test_created_stamp_drives_the_short_notice_rule(service: Service) -> None:
    import_ics(service, FIXTURES / "outlook.ics")
    views = {v.title: v for v in service.list_items()}
    bridge = views["Escalation bridge: Globex outage"]
    assert bridge.created_at == utc("2026-11-20T07:30")
    assert bridge.placement.urgent  # put in the calendar 3.5 h before it starts
    staff = views["Staff meeting"]
    assert staff.created_at == utc("2026-11-01T12:00")
    assert not staff.placement.urgent and staff.quadrant is Quadrant.ELIMINATE


def test_google_rrule_exdate_override_and_cancelled(service: Service) -> None:
    report = import_ics(service, FIXTURES / "google.ics")
    found = meetings(service)
    standups = found["Team standup"]
    starts = [s for s, _ in standups]
    assert utc("2026-11-11T08:30") not in starts  # EXDATE
    assert utc("2026-11-18T08:30") not in starts  # replaced by the override
    assert found["Team standup (moved to the afternoon)"] == [(utc("2026-11-18T13:00"), utc("2026-11-18T13:15"))]
    assert starts[0] == utc("2026-11-02T08:30") and starts[-1] == utc("2026-12-16T08:30")  # UNTIL is inclusive
    assert len(standups) == 12
    assert "Vendor demo: chatbot" not in found
    assert report.added == 14 and report.skipped == 1
    assert any("cancelled" in m and "Vendor demo" in m for m in report.messages)
    with service.unit() as session:
        uids = set(session.scalars(select(Item.uid)))
    assert "5f2k8v1q9n3c7h0s4m6t2b8d1a@google.com#2026-11-18T08:30:00+00:00" in uids  # UID#RECURRENCE-ID


def test_thunderbird_all_day_skipped_and_duration_used(service: Service) -> None:
    report = import_ics(service, FIXTURES / "thunderbird.ics")
    assert (report.added, report.skipped) == (2, 1)
    assert any("all-day" in m and "Company offsite" in m for m in report.messages)
    found = meetings(service)
    assert found["Hiring sync"] == [(utc("2026-11-26T10:00"), utc("2026-11-26T10:45"))]
    assert found["Ops review"] == [(utc("2026-11-27T13:00"), utc("2026-11-27T14:00"))]
    assert "Location: Room 2.01" in next(v.notes for v in service.list_items() if v.title == "Ops review")


@pytest.mark.parametrize("name", ["outlook.ics", "google.ics", "thunderbird.ics"])
def test_reimport_yields_each_meeting_once(service: Service, name: str) -> None:
    first = import_ics(service, FIXTURES / name)
    before = snapshot(service)
    second = import_ics(service, FIXTURES / name)
    assert second.added == 0 and second.updated == 0
    assert second.unchanged == first.added
    assert snapshot(service) == before


def test_reimport_updates_a_moved_meeting_by_uid_and_keeps_user_decisions(service: Service, tmp_path: Path) -> None:
    import_ics(service, FIXTURES / "thunderbird.ics")
    hiring = next(v for v in service.list_items() if v.title == "Hiring sync")
    service.move(hiring.id, Quadrant.SCHEDULE)  # the user decides it matters
    changed = tmp_path / "thunderbird.ics"
    text = (FIXTURES / "thunderbird.ics").read_text()
    text = text.replace("20261126T110000", "20261126T130000").replace("20261126T114500", "20261126T134500")
    changed.write_text(text.replace("SUMMARY:Hiring sync", "SUMMARY:Hiring sync (moved)"))
    report = import_ics(service, changed)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    moved = service.get(hiring.id)
    assert moved.title == "Hiring sync (moved)"
    assert moved.start == utc("2026-11-26T12:00")
    assert moved.placement.pinned and moved.quadrant is Quadrant.SCHEDULE
    assert len(service.list_items()) == 2


def test_cancelled_on_reimport_marks_the_meeting_skipped(service: Service, tmp_path: Path) -> None:
    import_ics(service, FIXTURES / "thunderbird.ics")
    changed = tmp_path / "thunderbird.ics"
    text = (FIXTURES / "thunderbird.ics").read_bytes().decode()
    assert "SUMMARY:Ops review\r\n" in text
    changed.write_bytes(text.replace("SUMMARY:Ops review\r\n", "SUMMARY:Ops review\r\nSTATUS:CANCELLED\r\n").encode())
    report = import_ics(service, changed)
    assert report.updated == 1 and report.added == 0
    ops = next(v for v in service.list_items() if v.title == "Ops review")
    assert service.draft_of(ops.id).skipped


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("truncated.ics", "truncated.ics is truncated: BEGIN:VEVENT of line 39 is never closed"),
        ("missing_dtstart.ics", "missing_dtstart.ics line 42: event 'Ops review' has no DTSTART"),
        ("garbage.ics", "garbage.ics line 1: not an iCalendar file"),
        ("bad_date.ics", "bad_date.ics line 22: event 'Hiring sync': DTSTART"),
    ],
)
def test_malformed_calendar_is_refused_and_changes_nothing(service: Service, name: str, expected: str) -> None:
    import_ics(service, FIXTURES / "google.ics")
    before = snapshot(service)
    with pytest.raises(InputError) as info:
        import_file(service, FIXTURES / name)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)
    assert snapshot(service) == before


def test_csv_import_reads_the_documented_header(service: Service) -> None:
    report = import_csv(service, FIXTURES / "items.csv")
    assert report.added == 5
    views = {v.title: v for v in service.list_items()}
    plan = views["Q1 staffing plan"]
    assert plan.strategic and plan.estimate_minutes == 120 and plan.quadrant is Quadrant.SCHEDULE
    assert plan.notes == "Draft the plan.\nInclude the holiday cover."
    acme = views["ACME checkout errors"]
    assert acme.kind is Kind.ESCALATION and acme.severity == 1 and acme.key_customer and acme.quadrant is Quadrant.DO
    assert acme.due == utc("2026-11-20T14:00")
    assert views["Refund backlog"].delegated_to == "Sam"
    budget = views["Planning 2027 budget"]
    assert budget.kind is Kind.MEETING and budget.start == utc("2026-11-25T09:00")
    # Imported text is kept as text; neutralising happens when it is exported again.
    assert '=HYPERLINK("http://evil.example","click")' in views


def test_bad_csv_line_is_named_and_nothing_is_written(service: Service) -> None:
    import_csv(service, FIXTURES / "items.csv")
    before = snapshot(service)
    with pytest.raises(InputError, match=r"bad_items.csv line 5: estimate_minutes is 'sixty'"):
        import_csv(service, FIXTURES / "bad_items.csv")
    assert snapshot(service) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("title,colour\nx,red\n", "line 1: unknown column 'colour'"),
        ("kind,due\ntask,\n", "line 1: the header has no 'title' column"),
        ("title,kind\nok,task\nbad,robot\n", "line 3: kind is 'robot'"),
        ("title,severity\nok,1\nworse,9\n", "line 3: severity 9 is out of range"),
        ("title,due\nx,someday maybe\n", "line 2: due 'someday maybe'"),
        ("title,kind\n,task\n", "line 2: the title is empty"),
        ("title\na,b\n", "line 2: 2 cells but the header has 1 columns"),
        ("", "is empty"),
    ],
)
def test_csv_problems_name_the_line(service: Service, tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        import_csv(service, path)
    assert service.list_items(include_closed=True) == []


def test_export_then_import_round_trips_items(service: Service, tmp_path: Path) -> None:
    import_csv(service, FIXTURES / "items.csv")
    out = tmp_path / "items.csv"
    assert main(["--db", str(service.engine.url.database), "--now", "2026-11-20T09:00+01:00", "export", "--csv", str(out)]) == 0
    other = Service.open(str(tmp_path / "other.sqlite3"), now=service.now())
    try:
        assert import_csv(other, out).added == 5
        titles = sorted(v.title for v in other.list_items())
        assert titles == sorted(v.title for v in service.list_items())  # the neutralising quote is undone
    finally:
        other.close()


def test_cli_import_prints_counts_and_refuses_unknown_types(service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(service.engine.url.database)
    now = ["--db", db, "--now", "2026-11-20T09:00+01:00"]
    assert main([*now, "import", str(FIXTURES / "google.ics")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "imported 14, updated 0, skipped 1"
    assert main([*now, "import", str(FIXTURES / "google.ics")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "imported 0, updated 0, skipped 1 (14 unchanged)"
    notes = tmp_path / "notes.txt"
    shutil.copy(FIXTURES / "items.csv", notes)
    assert main([*now, "import", str(notes)]) == 2
    err = capsys.readouterr().err
    assert "use a calendar file (.ics) or a CSV file (.csv)" in err and len(err.strip().splitlines()) == 1
    assert main([*now, "import", str(FIXTURES / "truncated.ics")]) == 2
    assert "truncated" in capsys.readouterr().err
    assert main([*now, "import", str(tmp_path / "missing.ics")]) == 2
