"""Exports: formula neutralisation, atomic owner-only writes, items CSV, review CSV/HTML."""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritizer.io.atomic import write_atomically
from prioritizer.io.exports import FORMULA_PREFIXES, items_csv, neutralise_cell, review_csv, review_html
from prioritizer.reports.review import build_review
from prioritizer.services.service import ItemDraft, Service


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("ACME = trouble", "ACME = trouble"),
        ("", ""),
        (None, ""),
        (-5, "-5"),
        (2.5, "2.5"),
        (True, "yes"),
    ],
)
def test_neutralise_cell(cell: object, expected: str) -> None:
    assert neutralise_cell(cell) == expected


@given(st.text())
def test_no_text_cell_starts_like_a_formula(text: str) -> None:
    out = neutralise_cell(text)
    assert not out.startswith(FORMULA_PREFIXES)
    assert out in (text, "'" + text)


def test_items_csv_neutralises_user_text(service: Service) -> None:
    service.add(ItemDraft(title='=HYPERLINK("http://evil.example","click")', customer="@acme", notes="-rm everything"))
    service.add(ItemDraft(title="Plain title", estimate_minutes=30))
    data = items_csv(service)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:13] == [
        "title",
        "kind",
        "importance",
        "due",
        "estimate_minutes",
        "strategic",
        "delegated_to",
        "severity",
        "customer",
        "key_customer",
        "start",
        "end",
        "notes",
    ]
    evil = rows[1]
    assert evil[0] == '\'=HYPERLINK("http://evil.example","click")'
    assert evil[rows[0].index("customer")] == "'@acme"
    assert evil[rows[0].index("notes")] == "'-rm everything"
    assert rows[2][0] == "Plain title" and rows[2][4] == "30"
    for row in rows[1:]:
        assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row)


def test_write_atomically_is_owner_only_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_atomically(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temp file left


def test_write_atomically_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def half_then_full(handle: BinaryIO) -> None:
        handle.write(b"new, half of it")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, half_then_full)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_review_html_escapes_user_text_and_draws_svg(service: Service) -> None:
    item = service.add(ItemDraft(title="<script>alert('x')</script> & co", strategic=True)).value
    now = service.now()
    from datetime import timedelta

    service.log_time(item, now - timedelta(hours=2), now - timedelta(hours=1))
    page = review_html(build_review(service, date(2026, 11, 20)))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert page.count("<svg") >= 3
    assert "Week 47" in page


def test_review_csv_has_sections_and_neutralises(service: Service) -> None:
    from datetime import timedelta

    item = service.add(ItemDraft(title="=cmd|' /C calc'!A0", strategic=True)).value
    now = service.now()
    service.log_time(item, now - timedelta(hours=1), now)
    rows = list(csv.reader(io.StringIO(review_csv(build_review(service, date(2026, 11, 20))).decode("utf-8-sig"))))
    titles = [r[0] for r in rows if len(r) == 1]
    assert titles[:3] == ["Time by quadrant", "Time by kind", "Time by day"]
    assert "Top items by time" in titles and "Aged into crisis" in titles
    top = rows.index(["Top items by time"])
    assert rows[top + 2][1] == "'=cmd|' /C calc'!A0"
    assert all(not c.startswith(FORMULA_PREFIXES) for r in rows for c in r)


def test_cli_review_files_and_json(service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from prioritizer.cli import main

    db = ["--db", str(service.engine.url.database), "--now", "2026-11-20T09:00+01:00"]
    assert main([*db, "review", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in (
        "from",
        "to",
        "firefighting_minutes",
        "proactive_minutes",
        "proactive_share",
        "target_share",
        "by_day",
        "by_quadrant",
        "by_kind",
        "top_items",
        "done",
        "carry_over",
        "aged_into_crisis",
        "delegated_open",
        "escalations_by_customer",
        "incidents",
        "trend",
    ):
        assert key in data
    assert data["from"] == "2026-11-16" and len(data["by_day"]) == 7
    for option, name in (("--csv", "r.csv"), ("--html", "r.html")):
        assert main([*db, "review", option, str(tmp_path / name)]) == 0
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert main([*db, "review"]) == 0
    assert "Weekly review - Week 47" in capsys.readouterr().out
    assert main([*db, "review", "--html", str(tmp_path / "nowhere" / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([*db, "review", "--week", "not a date"]) == 2
    assert main([*db, "export", "--csv", str(tmp_path / "items.csv")]) == 0
    assert os.path.exists(tmp_path / "items.csv")
