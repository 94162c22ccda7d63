"""What a user notices about the window's finish: one colour per quadrant everywhere, a toolbar that keeps
its width, a quick-add preview that stays readable, and a window that still shrinks to a small screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from prioritizer.ui.actions import ActionId
from prioritizer.ui.main_window import MainWindow
from prioritizer.ui.palette import QUADRANT_COLOURS, group_colour, quadrant_colour
from PySide6.QtCharts import QBarSet
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from prioritizer.domain.values import Importance, Kind, Quadrant
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("qapp")
LONG_TITLE = "Contoso login failures for every agent in the Lisbon and Porto contact centres since the weekend migration"


@pytest.fixture
def seeded(service: Service) -> dict[str, int]:
    """An item in each quadrant with time this week, and a meeting this morning."""
    ids = {
        "fire": service.add(
            ItemDraft("Sev1 checkout down", kind=Kind.ESCALATION, severity=1, due=NOW + timedelta(hours=2)),
            created_at=NOW - timedelta(days=4),
        ).value,
        "plan": service.add(ItemDraft("Hiring plan", importance=Importance.HIGH), created_at=NOW - timedelta(days=4)).value,
        "hand": service.add(ItemDraft("Refund backlog", due=NOW + timedelta(hours=3)), created_at=NOW - timedelta(days=4)).value,
        "noise": service.add(ItemDraft("Newsletter", importance=Importance.LOW), created_at=NOW - timedelta(days=4)).value,
        "meet": service.add(
            ItemDraft("Bridge call", kind=Kind.MEETING, start=NOW + timedelta(hours=1), end=NOW + timedelta(hours=2)),
            created_at=NOW - timedelta(days=4),
        ).value,
    }
    for n, key in enumerate(("fire", "plan", "hand", "noise")):
        start = NOW - timedelta(days=1, hours=8 - 2 * n)
        service.log_time(ids[key], start, start + timedelta(hours=1))
    return ids


@pytest.fixture
def window(qtbot: QtBot, service: Service, seeded: dict[str, int]) -> Iterator[MainWindow]:
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win


def close_to(a: QColor, b: QColor, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def has_colour(image: QImage, colour: QColor) -> bool:
    """True if some opaque pixel of ``image`` is ``colour``."""
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > 230 and close_to(pixel, colour):
                return True
    return False


def shown(window: MainWindow, name: str) -> QWidget:
    window.show_view(name)
    for _ in range(3):
        QApplication.processEvents()
    return window.view(name)


def bar_colours(widget: QWidget) -> dict[str, QColor]:
    """Label -> colour of every bar set in the charts under ``widget``."""
    from PySide6.QtCharts import QAbstractBarSeries, QChartView

    found: dict[str, QColor] = {}
    for chart_view in widget.findChildren(QChartView):
        for series in chart_view.chart().series():
            if isinstance(series, QAbstractBarSeries):
                for bar_set in series.barSets():
                    assert isinstance(bar_set, QBarSet)
                    found[bar_set.label()] = bar_set.color()
    return found


# ------------------------------------------------------------------ colours
def test_one_colour_per_quadrant_in_matrix_today_balance_and_review(window: MainWindow, seeded: dict[str, int]) -> None:
    # Each quadrant's dark-theme shade is lighter than its light one, so it stands out on a dark window.
    for quadrant in Quadrant:
        assert QColor(QUADRANT_COLOURS[quadrant].dark).lightness() > QColor(QUADRANT_COLOURS[quadrant].light).lightness()
    # Matrix: each quadrant's header badge is drawn in its colour.
    for quadrant, panel in window.matrix.panels.items():
        badges = [label for label in panel.findChildren(QLabel) if label.accessibleName() == f"{quadrant.label} icon"]
        assert len(badges) == 1
        assert has_colour(badges[0].pixmap().toImage(), quadrant_colour(quadrant)), quadrant
    # Today: the meeting block on the timeline is filled with its quadrant's colour.
    today = shown(window, "today")
    timeline = today.timeline  # type: ignore[attr-defined]
    meetings = timeline.plan.meetings
    assert [m.title for m in meetings] == ["Bridge call"]
    assert has_colour(timeline.grab().toImage(), quadrant_colour(meetings[0].quadrant))
    # Balance: the split by quadrant is painted in the quadrants' colours, the day bars in the groups'.
    balance = shown(window, "balance")
    split = balance.by_quadrant  # type: ignore[attr-defined]
    image = split.grab().toImage()
    with_time = [q for q in Quadrant if any(label == q.label and minutes > 0 for label, minutes, _ in split.parts)]
    assert with_time  # the seeded week has time to split
    for quadrant in with_time:
        assert has_colour(image, quadrant_colour(quadrant)), quadrant
    day_bars = bar_colours(balance)
    assert day_bars["Proactive"] == quadrant_colour(Quadrant.SCHEDULE)
    assert day_bars["Low value"] == quadrant_colour(Quadrant.ELIMINATE)
    assert day_bars["Firefighting"] == group_colour("firefighting")
    # Review: hours per day stacked by quadrant, in the same colours.
    review_bars = bar_colours(shown(window, "review"))
    for quadrant in Quadrant:
        assert review_bars[quadrant.label] == quadrant_colour(quadrant), quadrant


# ------------------------------------------------------------------ toolbar
def test_toolbar_undo_redo_keep_their_short_text(qtbot: QtBot, window: MainWindow) -> None:
    toolbar = window.toolbar
    undo_button = toolbar.widgetForAction(window.actions[ActionId.UNDO])
    assert isinstance(undo_button, QToolButton)
    width_before = toolbar.sizeHint().width()
    window.quick_add.focus()
    QTest.keyClicks(window.quick_add.line, LONG_TITLE)
    QTest.keyClick(window.quick_add.line, Qt.Key.Key_Return)
    assert window.undo_stack.canUndo()
    undo = window.actions[ActionId.UNDO]
    assert undo_button.text() == "Undo"
    said = LONG_TITLE[:30]
    assert said in undo.text() and said in undo.toolTip()  # the Edit menu and the tooltip say what
    assert toolbar.sizeHint().width() == width_before
    window.undo()
    redo_button = toolbar.widgetForAction(window.actions[ActionId.REDO])
    assert isinstance(redo_button, QToolButton) and redo_button.text() == "Redo"
    assert said in window.actions[ActionId.REDO].toolTip()
    assert toolbar.sizeHint().width() == width_before


# ---------------------------------------------------------------- quick add
@pytest.mark.parametrize("width", [1280, 800])
def test_quick_add_preview_stays_readable_beside_a_long_landing(qtbot: QtBot, window: MainWindow, width: int) -> None:
    window.resize(width, 800)
    bar = window.quick_add
    bar.line.setText(f"Sev1 {LONG_TITLE} due 2h +Marcus @Contoso !high #strategic 45m")
    preview, landing = bar.preview, bar.landing
    assert "severity 1" in preview.text() and "Marcus" in preview.text()

    def readable() -> bool:
        # The preview shows every line of its wrapped text; the landing shows at least its quadrant.
        if preview.wordWrap():
            whole = preview.height() >= preview.heightForWidth(preview.width()) - 1
        else:
            whole = preview.fontMetrics().horizontalAdvance(preview.text()) <= preview.width()
        quadrant = landing.fontMetrics().horizontalAdvance("→ Do now") <= landing.width()
        return whole and quadrant and preview.width() > 150

    qtbot.waitUntil(readable, timeout=2000)
    assert landing.text().startswith("→ Do now") and landing.text() in landing.toolTip()
    assert window.minimumSizeHint().width() <= 780


# ---------------------------------------------------------------- status bar
def test_window_shrinks_to_a_small_screen_with_a_long_balance(
    qtbot: QtBot, window: MainWindow, service: Service, seeded: dict[str, int]
) -> None:
    service.log_time(seeded["fire"], NOW - timedelta(hours=7), NOW - timedelta(minutes=1))
    service.log_time(seeded["plan"], NOW - timedelta(hours=8), NOW - timedelta(hours=7, minutes=1))
    window.balance_label.refresh()
    label = window.balance_label
    assert "firefighting" in label.text() and "proactive" in label.text()
    assert label.text() in label.toolTip()
    window.balance_label.setText(label.text() + " · " + "a much longer balance sentence than usual " * 4)
    QApplication.processEvents()
    assert window.minimumSizeHint().width() <= 780
    window.resize(780, 600)
    qtbot.waitUntil(lambda: window.width() <= 790, timeout=2000)
    QApplication.processEvents()
    assert label.elided()  # shown shortened, still there
    assert label.isVisible() and label.width() > 40
