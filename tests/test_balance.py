"""The balance: attribution to the quadrant of the moment, meetings, local days, DST, the CLI contract."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from prioritizer.cli import main
from prioritizer.domain.clock import first_weekday, local_midnight, week_range
from prioritizer.domain.values import Importance, InputError, Kind, Quadrant
from prioritizer.reports.balance import balance, items_behind, minutes_by_item, weekly_trend
from prioritizer.services.service import ItemDraft, Service
from prioritizer.services.timekeeping import set_target

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # as in conftest: the `service` fixture's clock
TODAY = date(2026, 11, 20)  # NOW is Friday 20 November 2026, 09:00 in Berlin
H = timedelta(hours=1)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware UTC instant for a Berlin wall-clock time."""
    return local_midnight(day) + timedelta(hours=hour, minutes=minute)


def add(service: Service, title: str, created: datetime | None = None, **fields: object) -> int:
    return service.add(ItemDraft(title=title, **fields), created_at=created).value  # type: ignore[arg-type]


def test_schedule_hour_stays_proactive_after_pinning_to_do(service: Service) -> None:
    item = add(service, "Q1 staffing plan", importance=Importance.HIGH, created=NOW - 48 * H)
    assert service.get(item).quadrant is Quadrant.SCHEDULE
    service.log_time(item, local(TODAY, 7), local(TODAY, 8))
    service.move(item, Quadrant.DO)
    assert service.get(item).quadrant is Quadrant.DO

    value = balance(service, TODAY, TODAY)
    assert value.proactive_minutes == 60
    assert value.firefighting_minutes == 0
    assert value.by_quadrant == {"do": 0, "schedule": 60, "delegate": 0, "eliminate": 0}
    assert value.proactive_share == 1.0

    # Work after the pin is firefighting; the past hour still is not.
    service.clock = lambda: local(TODAY, 10)
    service.log_time(item, local(TODAY, 9, 15), local(TODAY, 9, 45))
    value = balance(service, TODAY, TODAY)
    assert (value.proactive_minutes, value.firefighting_minutes) == (60, 30)


def test_running_entry_is_split_when_the_item_changes_quadrant(service: Service) -> None:
    item = add(service, "Roadmap", importance=Importance.HIGH)
    service.start_timer(item)
    service.clock = lambda: NOW + 30 * timedelta(minutes=1)
    service.move(item, Quadrant.DELEGATE)
    service.clock = lambda: NOW + 75 * timedelta(minutes=1)

    entries = service.entries(item)
    assert [(e.quadrant, e.running) for e in entries] == [(Quadrant.SCHEDULE, False), (Quadrant.DELEGATE, True)]
    assert entries[0].end == entries[1].start == NOW + timedelta(minutes=30)
    value = balance(service, TODAY, TODAY)
    # The running piece counts up to now.
    assert (value.proactive_minutes, value.firefighting_minutes) == (30, 45)
    assert value.by_quadrant["delegate"] == 45


def test_ended_planned_meeting_counts_sixty_proactive_minutes(service: Service) -> None:
    start = local(TODAY, 10)
    item = add(
        service, "1:1 Dana", created=NOW - 72 * H, kind=Kind.MEETING, importance=Importance.HIGH, start=start, end=start + H
    )
    assert service.get(item).quadrant is Quadrant.SCHEDULE
    assert balance(service, TODAY, TODAY).total_minutes == 0  # not ended yet

    service.clock = lambda: start + 2 * H
    value = balance(service, TODAY, TODAY)
    assert value.proactive_minutes == 60
    assert value.by_kind == {"task": 0, "meeting": 60, "escalation": 0}
    # Counted once, however often the balance is read.
    assert balance(service, TODAY, TODAY).proactive_minutes == 60
    assert len(service.entries(item)) == 1


def test_skipped_meeting_does_not_count(service: Service) -> None:
    start = local(TODAY, 10)
    item = add(service, "Status sync", created=NOW - 72 * H, kind=Kind.MEETING, start=start, end=start + H)
    draft = service.draft_of(item)
    from dataclasses import replace

    service.edit(item, replace(draft, skipped=True))
    service.clock = lambda: start + 2 * H
    assert balance(service, TODAY, TODAY).total_minutes == 0


def test_meeting_marked_skipped_after_it_counted_stops_counting(service: Service) -> None:
    from dataclasses import replace

    start = local(TODAY, 10)
    item = add(service, "Status sync", created=NOW - 72 * H, kind=Kind.MEETING, start=start, end=start + H)
    service.clock = lambda: start + 2 * H
    assert balance(service, TODAY, TODAY).low_value_minutes == 60
    service.edit(item, replace(service.draft_of(item), skipped=True))
    assert balance(service, TODAY, TODAY).total_minutes == 0


def test_week_with_the_autumn_dst_change_adds_up_exactly(service: Service) -> None:
    # Europe/Berlin leaves summer time on Sunday 2026-10-25: that day lasts 25 hours.
    change_day = date(2026, 10, 25)
    monday = date(2026, 10, 19)
    assert week_range(change_day, 0) == (monday, change_day)
    item = add(service, "Incident bridge", created=local(monday, 0) - H, importance=Importance.HIGH)
    service.clock = lambda: local(monday, 0)
    service.start_timer(item)
    service.clock = lambda: local(date(2026, 10, 26), 0)  # a timer left running all week

    value = balance(service, monday, change_day)
    assert [d.total_minutes for d in value.by_day] == [1440] * 6 + [1500]
    assert value.total_minutes == (7 * 24 + 1) * 60
    # The next week has no hour too many or too few.
    service.stop_timer()
    service.clock = lambda: NOW
    assert balance(service, date(2026, 10, 26), date(2026, 11, 1)).total_minutes == 0
    assert balance(service, change_day, change_day).total_minutes == 1500


def test_a_25_hour_day_with_a_logged_span(service: Service) -> None:
    day = date(2026, 10, 25)
    item = add(service, "Migration weekend", created=local(day, 0) - H)
    service.log_time(item, local(day, 0), local(day + timedelta(days=1), 0))
    value = balance(service, day - timedelta(days=1), day + timedelta(days=1))
    assert [d.total_minutes for d in value.by_day] == [0, 25 * 60, 0]


def test_spring_day_lasts_23_hours(service: Service) -> None:
    day = date(2026, 3, 29)
    item = add(service, "Night shift", created=local(day, 0) - H)
    service.log_time(item, local(day, 0), local(day + timedelta(days=1), 0))
    assert balance(service, day, day).total_minutes == 23 * 60


def test_entry_longer_than_a_day_is_split_across_local_days(service: Service) -> None:
    item = add(service, "Offsite", created=NOW - 10 * 24 * H)
    service.log_time(item, local(date(2026, 11, 16), 22), local(date(2026, 11, 18), 2))
    value = balance(service, date(2026, 11, 16), date(2026, 11, 18))
    assert [d.total_minutes for d in value.by_day] == [120, 1440, 120]
    # Clipped to the range.
    assert balance(service, date(2026, 11, 17), date(2026, 11, 17)).total_minutes == 1440


def test_nothing_tracked_gives_zero_share_and_the_target(service: Service) -> None:
    value = balance(service, TODAY, TODAY)
    assert value.total_minutes == 0
    assert value.proactive_share == 0
    assert value.target_share == pytest.approx(0.30)
    set_target(service, 0.4)
    assert balance(service, TODAY, TODAY).target_share == pytest.approx(0.4)


def test_bad_ranges_are_refused(service: Service) -> None:
    with pytest.raises(InputError, match="before"):
        balance(service, TODAY, TODAY - timedelta(days=1))
    with pytest.raises(InputError):
        items_behind(service, TODAY, "urgentish")


def test_items_behind_a_bar_and_minutes_by_item(service: Service) -> None:
    fire = add(service, "Sev1 checkout down", kind=Kind.ESCALATION, severity=1)
    plan = add(service, "Hiring plan", importance=Importance.HIGH)
    noise = add(service, "Newsletter")
    service.log_time(fire, local(TODAY, 6), local(TODAY, 8))
    service.log_time(plan, local(TODAY, 5), local(TODAY, 6))
    service.log_time(noise, local(TODAY, 4), local(TODAY, 4, 15))
    assert items_behind(service, TODAY, "firefighting") == [(fire, "Sev1 checkout down", 120)]
    assert items_behind(service, TODAY, "proactive") == [(plan, "Hiring plan", 60)]
    assert items_behind(service, TODAY, "eliminate") == [(noise, "Newsletter", 15)]
    assert [row[0] for row in items_behind(service, TODAY, None)] == [fire, plan, noise]
    assert minutes_by_item(service, TODAY - timedelta(days=6), TODAY, limit=2) == [
        (fire, "Sev1 checkout down", 120),
        (plan, "Hiring plan", 60),
    ]
    assert items_behind(service, TODAY - timedelta(days=1), None) == []


def test_weekly_trend_gives_eight_weeks_oldest_first(service: Service) -> None:
    item = add(service, "Strategy", importance=Importance.HIGH, created=NOW - 60 * 24 * H)
    service.log_time(item, local(date(2026, 11, 18), 9), local(date(2026, 11, 18), 10))
    service.log_time(item, local(date(2026, 10, 1), 9), local(date(2026, 10, 1), 11))
    trend = weekly_trend(service, TODAY, first=0)
    assert len(trend) == 8
    assert [w for w, _ in trend] == [date(2026, 11, 16) - timedelta(weeks=7 - n) for n in range(8)]
    assert trend[-1][1].proactive_minutes == 60
    week_of_oct_1 = next(b for w, b in trend if w == date(2026, 9, 28))
    assert week_of_oct_1.proactive_minutes == 120
    assert sum(b.total_minutes for _, b in trend) == 180
    assert all(len(b.by_day) == 7 for _, b in trend)


def test_first_weekday_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_TIME", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert first_weekday() == 0
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert first_weekday() == 6
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert first_weekday() == 0
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert first_weekday() == 0
    # The window passes its QLocale's name: the same rule answers.
    assert (first_weekday("en_US"), first_weekday("de_DE"), first_weekday("ar_EG"), first_weekday("C")) == (6, 0, 5, 0)


# ------------------------------------------------------------------- CLI contract
def run_cli(db: Path, *args: str, now: str = "2026-11-20T09:00") -> int:
    return main(["--db", str(db), "--now", now, *args])


@pytest.fixture
def monday_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


@pytest.mark.usefixtures("monday_locale")
def test_cli_balance_json_contract(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service = Service.open(str(db_path), now=NOW)
    plan = add(service, "Hiring plan", importance=Importance.HIGH, created=NOW - 72 * H)
    fire = add(service, "Sev2 refunds", kind=Kind.ESCALATION, severity=2, created=NOW - 72 * H)
    service.log_time(plan, local(TODAY, 6), local(TODAY, 7))
    service.log_time(fire, local(date(2026, 11, 18), 6), local(date(2026, 11, 18), 9))
    service.close()
    capsys.readouterr()

    assert run_cli(db_path, "balance", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    contract = {"from", "to", "firefighting_minutes", "proactive_minutes", "low_value_minutes", "proactive_share", "target_share"}
    assert contract | {"by_day", "by_quadrant", "by_kind"} <= set(data)
    assert (data["from"], data["to"]) == ("2026-11-16", "2026-11-22")  # the current week, Monday first
    assert (data["firefighting_minutes"], data["proactive_minutes"], data["low_value_minutes"]) == (180, 60, 0)
    assert data["proactive_share"] == 0.25
    assert data["target_share"] == 0.3
    assert [d["date"] for d in data["by_day"]] == [f"2026-11-{n}" for n in range(16, 23)]
    for day in data["by_day"]:
        assert {"date", "firefighting_minutes", "proactive_minutes", "low_value_minutes"} <= set(day)
        assert day["day"] == day["date"]  # the review's key too: a script reads either report's days alike
    assert data["by_day"][2]["firefighting_minutes"] == 180
    assert data["by_quadrant"] == {"do": 180, "schedule": 60, "delegate": 0, "eliminate": 0}
    assert data["by_kind"] == {"task": 60, "meeting": 0, "escalation": 180}

    assert run_cli(db_path, "balance", "--week", "2026-11-11", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["from"], data["to"], data["proactive_minutes"]) == ("2026-11-09", "2026-11-15", 0)

    assert run_cli(db_path, "balance", "--from", "2026-11-20", "--to", "2026-11-20", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["from"], data["to"], data["proactive_minutes"], len(data["by_day"])) == ("2026-11-20", "2026-11-20", 60, 1)

    assert run_cli(db_path, "balance") == 0
    text = capsys.readouterr().out
    assert "Fri 2026-11-20" in text and "against a target of 30 %" in text


@pytest.mark.parametrize(
    "args",
    [
        ("balance", "--week", "someday"),
        ("balance", "--from", "2026-11-20", "--to", "2026-11-19"),
        ("balance", "--from", "2026-13-01", "--to", "2026-12-01"),
        ("balance", "--from", "2026-11-20"),
        ("balance", "--week", "2026-11-20", "--to", "2026-11-22"),
        ("target", "150"),
    ],
)
def test_cli_balance_bad_input_exits_2(db_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    assert run_cli(db_path, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("prioritizer: error:") and err.count("\n") == 1


def test_cli_entries_edit_delete(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service = Service.open(str(db_path), now=NOW)
    item = add(service, "Report", created=NOW - 72 * H)
    entry = service.log_time(item, local(TODAY, 6), local(TODAY, 7)).value[0]
    service.close()
    assert run_cli(db_path, "entries", str(item), "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == entry.id
    assert run_cli(db_path, "entry-edit", str(entry.id), "--to", "2026-11-20T07:30") == 0
    assert run_cli(db_path, "balance", "--from", "2026-11-20", "--to", "2026-11-20", "--json") == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])["low_value_minutes"] == 90
    assert run_cli(db_path, "entry-edit", str(entry.id), "--to", "2026-11-20T05:00") == 2
    assert run_cli(db_path, "entry-delete", str(entry.id)) == 0
    assert run_cli(db_path, "entry-delete", str(entry.id)) == 2
    assert run_cli(db_path, "target", "40") == 0
    capsys.readouterr()
    assert run_cli(db_path, "balance", "--json") == 0
    assert json.loads(capsys.readouterr().out)["target_share"] == 0.4


def test_utc_instants_are_not_local_days(service: Service) -> None:
    # 23:30 UTC on the 19th is 00:30 on the 20th in Berlin: it belongs to the 20th.
    item = add(service, "Late call", created=NOW - 72 * H)
    service.log_time(item, datetime(2026, 11, 19, 23, 30, tzinfo=UTC), datetime(2026, 11, 20, 0, 0, tzinfo=UTC))
    assert balance(service, date(2026, 11, 19), date(2026, 11, 19)).total_minutes == 0
    assert balance(service, TODAY, TODAY).total_minutes == 30


def test_cli_balance_mentions_a_forgotten_timer(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service = Service.open(str(db_path), now=NOW)
    item = add(service, "Vendor contract", created=NOW - H)
    service.start_timer(item)
    service.close()
    capsys.readouterr()
    assert run_cli(db_path, "balance", now="2026-11-20T16:00") == 0
    out = capsys.readouterr().out
    assert f"the timer on item {item} has run 7 h 00" in out and "prioritizer stop" in out
