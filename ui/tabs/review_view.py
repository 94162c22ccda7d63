"""The weekly review window: figures, headlines, charts and the review's tables.

One scrollable page per week: the figures a manager checks first (tracked,
firefighting, proactive share against the target, done, aged into crisis), the
headlines, three charts (hours per day by quadrant, time by quadrant and kind,
the proactive share against the four previous weeks) and the tables. Export
buttons write the PDF, HTML or CSV of the same review.

QtCharts is imported lazily, when the view first draws its charts, so opening
the window does not pay for it. Everything shown comes from
``prioritizer.reports.review.build_review``; this module only draws.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from prioritizer.ui.elided_label import ElidedLabel
from prioritizer.ui.palette import group_colour, kind_colour, quadrant_colour, text_colour
from prioritizer.ui.tabs.views import RefreshWhenShown, add_step_buttons, register_view
from prioritizer.ui.tooltips import plain_tooltip
from PySide6.QtCore import QLocale, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain.clock import first_weekday, local_date
from prioritizer.domain.values import InputError, Kind, Quadrant
from prioritizer.io.atomic import write_atomically
from prioritizer.io.exports import TARGET_COLOUR, neutral_display, review_csv, review_html
from prioritizer.reports.review import Review, build_review, review_charts_data, review_tables, section_title
from prioritizer.text.humanize import minutes_text

if TYPE_CHECKING:  # services imports SQLAlchemy, which the start-up does not wait for
    from prioritizer.services.service import Service

CHART_TABLES = ("Time by quadrant", "Time by kind", "Time by day", "Proactive share by week")


class FigureTile(QFrame):
    """A labelled big number."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewFigure")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.caption = QLabel(label)
        self.caption.setStyleSheet("color: palette(placeholder-text);")
        self.value = QLabel()
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set_value(self, text: str, colour: str | None = None) -> None:
        """Show a value, optionally coloured."""
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
        self.setAccessibleName(f"{self.caption.text()}: {text}")


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(header))
    table.setHorizontalHeaderLabels(list(header))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = QTableWidgetItem(neutral_display(value))
            cell.setToolTip(plain_tooltip(neutral_display(value)))
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, cell)
    head = table.horizontalHeader()
    for c, name in enumerate(header):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if name in ("item", "incident", "suggestion", "customer")
            else QHeaderView.ResizeMode.ResizeToContents
        )
        head.setSectionResizeMode(c, mode)
    table.resizeRowsToContents()
    height = head.height() + sum(table.rowHeight(r) for r in range(len(rows))) + 4
    table.setFixedHeight(max(height, head.sizeHint().height() + 4))
    return table


class ReviewView(RefreshWhenShown):
    """The weekly review of one week, with week navigation and exports.

    Signals:
        week_changed(object): another week is shown (a ``datetime.date`` of that week).
    """

    week_changed = Signal(object)

    def __init__(self, service: Service, bus: object | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.week_of: date = local_date(service.now(), service.tz)
        self.review: Review | None = None
        self._build()
        self.listen(bus)

    # ---------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.setContentsMargins(12, 10, 12, 4)
        self.title = ElidedLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        # The title is shortened with "…" (whole in the tooltip) rather than forcing a minimum width on the window.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.elide_minimum = 120
        head.addWidget(self.title, 1)
        # Compact week navigation (arrows named in their tooltips) leaves the title room to be read whole.
        self.prev_button, self.this_button, self.next_button = add_step_buttons(
            head, self.go, "This week", ("Previous week", "This week", "Next week")
        )
        head.addSpacing(16)
        for label, kind in (("Export PDF…", "pdf"), ("HTML…", "html"), ("CSV…", "csv")):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, k=kind: self.export_dialog(k))
            head.addWidget(button)
        outer.addLayout(head)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.scroll, 1)
        self.page = QWidget()
        self.scroll.setWidget(self.page)
        self.body = QVBoxLayout(self.page)
        self.body.setContentsMargins(12, 4, 12, 12)
        self.body.setSpacing(10)

        tiles = QHBoxLayout()
        self.tiles = {
            "tracked": FigureTile("Tracked"),
            "fire": FigureTile("Firefighting"),
            "share": FigureTile("Proactive share"),
            "done": FigureTile("Done"),
            "aged": FigureTile("Aged into crisis"),
        }
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        self.body.addLayout(tiles)
        self.headlines = QLabel()
        self.headlines.setWordWrap(True)
        self.headlines.setTextFormat(Qt.TextFormat.PlainText)
        self.headlines.setStyleSheet("background:#fff4e5; color:#4a3000; border-left:4px solid #f0a030; padding:8px 10px;")
        self.body.addWidget(self.headlines)
        self.charts_host = QWidget()
        self.charts_grid = QGridLayout(self.charts_host)
        self.charts_grid.setContentsMargins(0, 0, 0, 0)
        self.charts_grid.setSpacing(10)
        self.charts_grid.setColumnStretch(0, 1)
        self.charts_grid.setColumnStretch(1, 1)  # "By quadrant" and "By kind" side by side, equally wide
        self.body.addWidget(self.charts_host)
        self.tables_host = QWidget()
        self.tables_layout = QVBoxLayout(self.tables_host)
        self.tables_layout.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.tables_host)
        self.body.addStretch(1)

    # ------------------------------------------------------------- behaviour
    def go(self, step: int) -> None:
        """Show the previous (-1), current (0) or next (+1) week."""
        self.week_of = local_date(self.service.now(), self.service.tz) if step == 0 else self.week_of + timedelta(weeks=step)
        self.refresh()
        self.week_changed.emit(self.week_of)

    def refresh(self) -> None:
        """Rebuild the review of the shown week."""
        # The week of the window's locale, by the core's rule (the Balance tab asks the same).
        review = build_review(self.service, self.week_of, first_day=first_weekday(QLocale().name()))
        self.review = review
        self.title.setText(f"Weekly review - {review.label}")
        self.title.setToolTip(self.title.text())
        share = review.proactive_share
        on_target = share is not None and share >= review.target_share
        self.tiles["tracked"].set_value(minutes_text(review.total_minutes))
        self.tiles["fire"].set_value(minutes_text(review.firefighting_minutes))
        self.tiles["share"].caption.setText(f"Proactive (target {review.target_share * 100:.0f} %)")
        share_colour = text_colour(group_colour("proactive" if on_target else "firefighting")).name()
        self.tiles["share"].set_value("—" if share is None else f"{share * 100:.0f} %", share_colour)
        self.tiles["done"].set_value(str(len(review.done)))
        self.tiles["aged"].set_value(str(len(review.aged_into_crisis)), "#c62828" if review.aged_into_crisis else None)
        self.headlines.setText("\n".join(f"•  {line}" for line in review.headlines))
        self.headlines.setVisible(bool(review.headlines))
        self._draw_charts(review)
        self._fill_tables(review)

    def _draw_charts(self, review: Review) -> None:
        while self.charts_grid.count():
            child = self.charts_grid.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        charts = review_charts_data(review)
        self.charts_grid.addWidget(_days_chart(charts), 0, 0, 1, 2)
        self.charts_grid.addWidget(
            _hbar_chart("By quadrant", [(q.label, charts.quadrant_minutes[q], quadrant_colour(q)) for q in Quadrant]), 1, 0
        )
        self.charts_grid.addWidget(
            _hbar_chart("By kind", [(k.capitalize() + "s", m, kind_colour(Kind(k))) for k, m in charts.kind_minutes]), 1, 1
        )
        self.charts_grid.addWidget(_trend_chart(charts.trend_labels, charts.trend_shares, review.target_share), 2, 0, 1, 2)

    def _fill_tables(self, review: Review) -> None:
        while self.tables_layout.count():
            child = self.tables_layout.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        for title, header, rows in review_tables(review):
            if title in CHART_TABLES:
                continue
            label = QLabel(section_title(review, title, rows))  # 'Carries over (1,834; first 15 shown)'
            font = label.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.15)
            label.setFont(font)
            self.tables_layout.addWidget(label)
            if not rows:
                empty = QLabel("Nothing this week.")
                empty.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
                self.tables_layout.addWidget(empty)
                continue
            table = _table(header, rows)
            table.setAccessibleName(title)
            self.tables_layout.addWidget(table)

    def export(self, kind: str, path: str) -> None:
        """Write the shown review as ``kind`` (pdf, html, csv) to ``path``, atomically."""
        if self.review is None:
            self.refresh()
        assert self.review is not None
        if kind == "pdf":
            from prioritizer.ui.tabs.review_pdf import review_pdf_bytes

            data = review_pdf_bytes(self.review)
        elif kind == "html":
            data = review_html(self.review).encode("utf-8")
        elif kind == "csv":
            data = review_csv(self.review)
        else:
            raise InputError(f"unknown export format {kind!r}")
        write_atomically(path, data)

    def export_dialog(self, kind: str) -> None:
        """Ask for a file name and export."""
        if self.review is None:
            self.refresh()
        assert self.review is not None
        suggested = f"review-{self.review.week_start.isoformat()}.{kind}"
        filters = {"pdf": "PDF (*.pdf)", "html": "HTML (*.html)", "csv": "CSV (*.csv)"}
        path, _ = QFileDialog.getSaveFileName(self, "Export the weekly review", suggested, filters[kind])
        if not path:
            return
        try:
            self.export(kind, path)
        except (OSError, InputError) as exc:
            export_failed(self, path, exc)


def export_failed(parent: QWidget, path: str, error: Exception) -> QMessageBox:
    """Say the export failed, in plain text: the file name is the user's and may hold "<"."""
    text = f"Could not write {path}:\n{error}"
    box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", text, QMessageBox.StandardButton.Close, parent)
    box.setObjectName("exportFailed")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


# ------------------------------------------------------------------ charts
def _chart_view(chart: Any, height: int) -> QWidget:
    from PySide6.QtCharts import QChartView

    chart.setBackgroundRoundness(6)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(height)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return view


def _title_font() -> QFont:
    font = QFont()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    return font


def _days_chart(charts: Any) -> QWidget:
    """Hours per day, stacked by quadrant."""
    from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QStackedBarSeries, QValueAxis

    series = QStackedBarSeries()
    top = 0.0
    for q in Quadrant:
        bar = QBarSet(q.label)
        bar.setColor(quadrant_colour(q))
        bar.setBorderColor(quadrant_colour(q))
        bar.append([m / 60 for m in charts.day_minutes[q]])
        series.append(bar)
    totals = [sum(charts.day_minutes[q][i] for q in Quadrant) / 60 for i in range(len(charts.day_labels))]
    top = max([*totals, 1.0])
    chart = QChart()
    chart.setTitle("Where the time went: hours per day, by quadrant")
    chart.setTitleFont(_title_font())
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(charts.day_labels)
    axis_y = QValueAxis()
    axis_y.setRange(0, top)
    axis_y.setLabelFormat("%.0f h")
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    return _chart_view(chart, 300)


def _hbar_chart(title: str, rows: list[tuple[str, float, QColor]]) -> QWidget:
    """Hours per category as horizontal bars, one colour each; time and share in the axis labels."""
    from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QHorizontalStackedBarSeries, QValueAxis

    total = sum(r[1] for r in rows) or 1.0
    ordered = list(reversed(rows))  # Qt draws the first category at the bottom
    series = QHorizontalStackedBarSeries()
    series.setBarWidth(0.6)
    # One set per category, zero elsewhere: the only way to give each bar its own colour.
    for i, (label, minutes, colour) in enumerate(ordered):
        bar = QBarSet(label)
        bar.append([minutes / 60 if j == i else 0.0 for j in range(len(ordered))])
        bar.setColor(QColor(colour))
        bar.setBorderColor(QColor(colour))
        series.append(bar)
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(_title_font())
    chart.addSeries(series)
    chart.legend().setVisible(False)
    axis_y = QBarCategoryAxis()
    axis_y.append([f"{label}  {minutes_text(minutes)} · {minutes / total * 100:.0f} %" for label, minutes, _ in ordered])
    axis_x = QValueAxis()
    axis_x.setRange(0, max([r[1] / 60 for r in rows] + [1.0]))
    axis_x.setLabelFormat("%.0f h")
    axis_x.applyNiceNumbers()
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    return _chart_view(chart, 220)


def _trend_chart(labels: list[str], shares: list[float | None], target: float) -> QWidget:
    """The proactive share per week as bars, the target as a dashed line."""
    from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QLineSeries, QValueAxis
    from PySide6.QtGui import QPen

    bars = QBarSet("proactive share")
    bars.append([0.0 if s is None else s * 100 for s in shares])
    bars.setColor(group_colour("proactive"))
    series = QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value %")
    series.setLabelsPrecision(2)
    line = QLineSeries()
    line.setName(f"target {target * 100:.0f} %")
    line.append(-0.5, target * 100)
    line.append(len(labels) - 0.5, target * 100)
    pen = QPen(QColor(TARGET_COLOUR), 2, Qt.PenStyle.DashLine)
    line.setPen(pen)
    chart = QChart()
    chart.setTitle("Proactive share: this week against the four before")
    chart.setTitleFont(_title_font())
    chart.addSeries(series)
    chart.addSeries(line)
    axis_x = QBarCategoryAxis()
    names = list(labels)
    if names:
        names[-1] = "this week"
    names = [n if s is not None else f"{n} (no data)" for n, s in zip(names, shares, strict=True)]
    axis_x.append(names)
    axis_y = QValueAxis()
    axis_y.setRange(0, 100)
    axis_y.setLabelFormat("%.0f %%")
    axis_y.setTickCount(5)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    # The line lives on a hidden value x axis spanning the same categories.
    from PySide6.QtCharts import QValueAxis as _Axis

    line_x = _Axis()
    line_x.setRange(-0.5, len(labels) - 0.5)
    line_x.setVisible(False)
    chart.addAxis(line_x, Qt.AlignmentFlag.AlignBottom)
    line.attachAxis(line_x)
    line.attachAxis(axis_y)
    return _chart_view(chart, 260)


def _make_review_view(window: Any) -> QWidget:
    return ReviewView(window.service, window.bus)


register_view("review", "Weekly review", _make_review_view, order=30)
