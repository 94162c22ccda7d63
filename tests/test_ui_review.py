"""The Today and Review views and the review PDF: they open, show the plan, warn, and render."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from prioritizer.domain.values import Importance, Kind
from prioritizer.reports.review import build_review
from prioritizer.services.service import ItemDraft, Service

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def monday_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "C")


@pytest.fixture
def busy(service: Service) -> Service:
    start = datetime(2026, 11, 20, 10, tzinfo=BERLIN)
    service.add(
        ItemDraft(title="Staff meeting", kind=Kind.MEETING, start=start, end=start + timedelta(hours=2)),
        created_at=start - timedelta(days=5),
    )
    service.add(ItemDraft(title="<b>ACME</b> down", kind=Kind.ESCALATION, severity=1, estimate_minutes=300))
    service.add(ItemDraft(title="Board deck", importance=Importance.HIGH, due=start + timedelta(hours=5), estimate_minutes=200))
    service.add(ItemDraft(title="KB rewrite", strategic=True, estimate_minutes=60))
    item = service.add(ItemDraft(title="Strategy", strategic=True)).value
    service.log_time(item, service.now() - timedelta(hours=20), service.now() - timedelta(hours=18))
    return service


def test_today_view_warns_when_overcommitted(qtbot: QtBot, busy: Service, tmp_path: Path) -> None:
    from prioritizer.ui.tabs.today_view import TodayView

    view = TodayView(busy)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    assert view.plan is not None and view.plan.overcommitted  # 500 min of Do work, 360 free
    assert view.warning.isVisible() and "Overcommitted by 2 h 20" in view.warning.text()
    assert view.do_list.topLevelItemCount() == 2
    assert view.do_list.topLevelItem(0).text(1) in ("Board deck", "<b>ACME</b> down")
    assert [m.title for m in view.timeline.plan.meetings] == ["Staff meeting"]  # type: ignore[union-attr]
    assert view.blocks_list.topLevelItemCount() >= 1
    assert "KB rewrite" in view.blocks_list.topLevelItem(0).text(1)
    assert view.grab().save(str(tmp_path / "today.png"))
    view.go(1)
    assert view.day == date(2026, 11, 21) and view.plan is not None and not view.plan.working_day


def test_review_view_shows_figures_charts_and_tables(qtbot: QtBot, busy: Service, tmp_path: Path) -> None:
    from prioritizer.ui.tabs.review_view import ReviewView

    view = ReviewView(busy)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    assert view.title.text().startswith("Weekly review - Week 47")
    assert view.tiles["tracked"].value.text() == "2 h 00"
    assert view.tiles["share"].value.text() == "100 %"
    assert view.charts_grid.count() == 4
    assert view.grab().save(str(tmp_path / "review.png"))
    view.go(-1)
    assert view.review is not None and view.review.week_start == date(2026, 11, 9)
    for kind in ("pdf", "html", "csv"):
        target = tmp_path / f"review.{kind}"
        view.export(kind, str(target))
        assert target.stat().st_size > 100


def test_review_pdf_is_a_pdf_with_pages(busy: Service, qapp: object) -> None:
    from prioritizer.ui.tabs.review_pdf import review_pdf_bytes

    data = review_pdf_bytes(build_review(busy, date(2026, 11, 20)))
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") >= 1


def test_cli_review_pdf(busy: Service, tmp_path: Path, qapp: object) -> None:
    from prioritizer.cli import main

    out = tmp_path / "review.pdf"
    assert main(["--db", str(busy.engine.url.database), "--now", "2026-11-20T09:00+01:00", "review", "--pdf", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")


def test_tooltips_show_hostile_titles_as_typed(qtbot: QtBot, busy: Service) -> None:
    from prioritizer.ui.tabs.today_view import TodayView
    from prioritizer.ui.tooltips import plain_tooltip
    from PySide6.QtGui import QTextDocument

    def shown(tip: str) -> str:  # what Qt displays for a rich-text tooltip
        doc = QTextDocument()
        doc.setHtml(tip)
        return doc.toPlainText()

    assert shown(plain_tooltip("<b>x</b> & <script>", "second line")) == "<b>x</b> & <script>\nsecond line"
    view = TodayView(busy)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    tips = [shown(view.do_list.topLevelItem(i).toolTip(1)) for i in range(view.do_list.topLevelItemCount())]
    assert "<b>ACME</b> down" in tips
