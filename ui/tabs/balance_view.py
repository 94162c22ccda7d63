"""The balance view: does the urgent swallow the important?

Top to bottom, in the order a manager reads it: the range; one verdict line
("Proactive 26 % — target 30 %: 4 points short"); three big numbers
(firefighting, proactive, low value: time and share); a bar per day whose green
part is the proactive share, against the dashed target line, with the hours of
the day under each bar; the trend of the last eight weeks; the split by kind and
by quadrant. Clicking a bar lists the items behind it.

Everything comes from ``prioritizer.reports.balance`` (aggregated in SQL); this module
only draws. QtCharts is imported the first time the view is shown, so opening
the app does not pay for it.

Colours come from :mod:`ui.palette` (the same quadrant and group colours as the
matrix, the Today timeline and the review): firefighting red-orange, proactive
green, low value grey; distinct in light and dark palettes and for the common
colour-vision deficiencies (the proactive band also sits at the bottom of each
bar, and the numbers are written).
"""

from __future__ import annotations

from datetime import date, timedelta
from types import ModuleType
from typing import Any

from prioritizer.ui.bus import Bus
from prioritizer.ui.palette import group_colour, kind_colour, mute, quadrant_colour, text_colour
from prioritizer.ui.tabs.views import register_view
from prioritizer.ui.tooltips import plain_tooltip
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QMargins,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain.clock import first_weekday, week_range
from prioritizer.domain.values import Changes, InputError, Kind, Quadrant
from prioritizer.reports.balance import GROUPS, Balance, balance, group_minutes, items_behind, today, weekly_trend
from prioritizer.text.humanize import minutes_text


def _timekeeping() -> ModuleType:
    """prioritizer.services.timekeeping, imported when first used: it imports SQLAlchemy, which the start-up does not wait for."""
    from prioritizer.services import timekeeping

    return timekeeping

GROUP_LABELS = {"firefighting": "Firefighting", "proactive": "Proactive", "low_value": "Low value"}

RANGES = ("Today", "This week", "Last week", "Custom dates")


def locale_first_weekday() -> int:
    """The first day of the window's locale's week, 0 = Monday: the core's rule (``clock.first_weekday``) on QLocale's name."""
    return first_weekday(QLocale().name())


def hours_text(minutes: float) -> str:
    """'6 h 10', '45 min' (the shared format of the app)."""
    return minutes_text(minutes)


def pct(share: float) -> str:
    """'26 %'."""
    return f"{share * 100:.0f} %"


def verdict(value: Balance) -> tuple[str, bool]:
    """The one sentence a manager reads first, and whether it is good news."""
    if value.total_minutes == 0:
        return "Nothing tracked in this range yet: start a timer with Space, or log time.", True
    gap = (value.target_share - value.proactive_share) * 100
    head = f"Proactive {pct(value.proactive_share)} of {hours_text(value.total_minutes)} tracked — target {pct(value.target_share)}"
    if gap <= 0.5:
        return f"{head}: on target.", True
    return f"{head}: {gap:.0f} points short. Firefighting took {pct(value.share('firefighting'))}.", False


class ItemsBehindModel(QAbstractTableModel):
    """The items behind a bar: title and minutes, most minutes first."""

    HEADERS = ("Item", "Time")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[int, str, float]] = []

    def set_rows(self, rows: list[tuple[int, str, float]]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def item_id(self, row: int) -> int:
        """The item id on a row."""
        return self._rows[row][0]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, D102, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, D102, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item_id, title, minutes = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return title if index.column() == 0 else hours_text(minutes)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return item_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"#{item_id} {title}: {hours_text(minutes)}")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102, N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None


class SplitBar(QWidget):
    """One horizontal 100 % bar with a legend under it: the split by kind or by quadrant."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.parts: list[tuple[str, float, QColor]] = []
        self.setMinimumHeight(3 * self.fontMetrics().height() + 24)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_parts(self, parts: list[tuple[str, float, QColor]]) -> None:
        """(label, minutes, colour) per part."""
        self.parts = parts
        total = sum(m for _, m, _ in parts)
        self.setToolTip("\n".join(f"{label}: {hours_text(m)} ({pct(m / total if total else 0)})" for label, m, _ in parts))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: D102, N802
        return QSize(320, 3 * self.fontMetrics().height() + 24)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: D102, N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        line = self.fontMetrics().height()
        painter.drawText(QRectF(0, 0, self.width(), line), Qt.AlignmentFlag.AlignLeft, self.title)
        total = sum(m for _, m, _ in self.parts)
        bar = QRectF(0, line + 4, self.width(), 14)
        painter.setPen(Qt.PenStyle.NoPen)
        if total <= 0:
            painter.setBrush(self.palette().color(QPalette.ColorRole.Mid))
            painter.drawRoundedRect(bar, 3, 3)
        else:
            x = 0.0
            for _, minutes, color in self.parts:
                width = bar.width() * minutes / total
                painter.setBrush(color)
                painter.drawRect(QRectF(x, bar.top(), width, bar.height()))
                x += width
        painter.setFont(self.font())
        x = 0.0
        y = bar.bottom() + 4
        for label, minutes, color in self.parts:
            share = minutes / total if total else 0
            legend = f"{label} {hours_text(minutes)} ({pct(share)})"
            width = self.fontMetrics().horizontalAdvance(legend) + 13
            if x > 0 and x + width > self.width():
                x, y = 0.0, y + line + 2  # wrap rather than cut a legend off
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(QRectF(x, y + line / 2 - 4, 9, 9))
            painter.setPen(text)
            painter.drawText(QRectF(x + 13, y, width, line), Qt.AlignmentFlag.AlignLeft, legend)
            x += width + 18
        painter.end()


class NumberTile(QFrame):
    """A big number with a caption: '6 h 10' over 'Firefighting · 52 %'."""

    def __init__(self, caption: str, color: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("balanceTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.caption = caption
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.value = QLabel("0 min", self)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.color = color
        self._paint_value()
        self.label = QLabel(caption, self)
        layout.addWidget(self.value)
        layout.addWidget(self.label)
        self.setAccessibleName(caption)

    def _paint_value(self) -> None:
        # The same hue, darker on a light window and lighter on a dark one, so the number stays legible.
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        shade = self.color.lighter(125) if dark else self.color.darker(125)
        self.value.setStyleSheet(f"color: {shade.name()};")

    def set_value(self, minutes: float, share: float, extra: str = "") -> None:
        """Show minutes and share."""
        self.value.setText(hours_text(minutes))
        self.label.setText(f"{self.caption} · {pct(share)}{extra}")


class BalanceView(QWidget):
    """The balance tab: range, verdict, big numbers, bars per day, trend, splits, items behind a bar.

    Signals:
        item_activated(int): the user double-clicked an item in the list behind a bar.
        bar_clicked(object, object): a bar was clicked: (date, group name).
    """

    item_activated = Signal(int)
    bar_clicked = Signal(object, object)

    def __init__(self, bus: Bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.setObjectName("balanceView")
        self.setAccessibleName("Balance")
        self.first_weekday = locale_first_weekday()
        self.value: Balance | None = None
        self.trend: list[tuple[date, Balance]] = []
        self._dirty = True
        self._charts: Any = None  # the QtCharts module, imported on first show
        self._day_chart: Any = None
        self._trend_chart: Any = None
        self.selected: tuple[date, str | None] | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(10)

        # Range and target
        bar = QHBoxLayout()
        self.range_box = QComboBox(body)
        self.range_box.addItems(RANGES)
        self.range_box.setCurrentIndex(1)
        self.range_box.setAccessibleName("Range")
        self.from_edit = QDateEdit(body)
        self.to_edit = QDateEdit(body)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd yyyy-MM-dd")
            edit.setVisible(False)
        self.range_label = QLabel(body)
        self.target_box = QDoubleSpinBox(body)
        self.target_box.setRange(0, 100)
        self.target_box.setDecimals(0)
        self.target_box.setSuffix(" %")
        self.target_box.setPrefix("Proactive target ")
        self.target_box.setAccessibleName("Proactive target")
        self.target_box.setKeyboardTracking(False)
        bar.addWidget(self.range_box)
        bar.addWidget(self.from_edit)
        bar.addWidget(self.to_edit)
        bar.addWidget(self.range_label)
        bar.addStretch(1)
        bar.addWidget(self.target_box)
        self.body.addLayout(bar)

        self.verdict = QLabel(body)
        self.verdict.setObjectName("balanceVerdict")
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.verdict.setFont(font)
        self.body.addWidget(self.verdict)

        tiles = QHBoxLayout()
        self.tiles = {g: NumberTile(GROUP_LABELS[g], group_colour(g), body) for g in GROUPS}
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        self.body.addLayout(tiles)

        self.charts_row = QGridLayout()
        self.charts_row.setColumnStretch(0, 3)
        self.charts_row.setColumnStretch(1, 2)
        self.body.addLayout(self.charts_row)

        splits = QHBoxLayout()
        self.by_kind = SplitBar("By kind", body)
        self.by_quadrant = SplitBar("By quadrant", body)
        splits.addWidget(self.by_kind, 1)
        splits.addSpacing(24)
        splits.addWidget(self.by_quadrant, 1)
        self.body.addLayout(splits)

        self.behind_title = QLabel("Click a bar to see the items behind it.", body)
        self.behind_title.setObjectName("detailsMuted")
        mute(self.behind_title)
        self.body.addWidget(self.behind_title)
        self.behind_model = ItemsBehindModel(self)
        self.behind = QTableView(body)
        self.behind.setModel(self.behind_model)
        self.behind.setAccessibleName("Items behind the selected bar")
        self.behind.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.behind.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.behind.verticalHeader().setVisible(False)
        self.behind.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.behind.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.behind.setMinimumHeight(120)
        self.behind.setMaximumHeight(200)
        self.behind.doubleClicked.connect(lambda index: self.item_activated.emit(self.behind_model.item_id(index.row())))
        self.body.addWidget(self.behind)

        self.range_box.currentIndexChanged.connect(self._range_changed)
        self.from_edit.dateChanged.connect(lambda _d: self.reload())
        self.to_edit.dateChanged.connect(lambda _d: self.reload())
        self.target_box.valueChanged.connect(self._target_changed)
        bus.changed.connect(self.on_changes)
        # A running timer makes today's numbers grow: re-read once a minute while shown.
        self._tick = QTimer(self)
        self._tick.setInterval(60_000)
        self._tick.timeout.connect(self.reload)

    # ------------------------------------------------------------ range
    def current_range(self) -> tuple[date, date]:
        """The local days (first, last) the view shows."""
        now_day = today(self.bus.service)
        choice = self.range_box.currentIndex()
        if choice == 0:
            return now_day, now_day
        if choice == 1:
            return week_range(now_day, self.first_weekday)
        if choice == 2:
            return week_range(now_day - timedelta(days=7), self.first_weekday)
        start, end = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        return start, end

    def set_range(self, start: date, end: date) -> None:
        """Show a custom range of local days."""
        for edit, day in ((self.from_edit, start), (self.to_edit, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        # Without signals: _range_changed would copy the old range over the new dates.
        self.range_box.blockSignals(True)
        self.range_box.setCurrentIndex(3)
        self.range_box.blockSignals(False)
        self.from_edit.setVisible(True)
        self.to_edit.setVisible(True)
        self.reload()

    def _range_changed(self, index: int) -> None:
        custom = index == 3
        if custom and self.value is not None:
            for edit, day in ((self.from_edit, self.value.start), (self.to_edit, self.value.end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.from_edit.setVisible(custom)
        self.to_edit.setVisible(custom)
        self.reload()

    def _target_changed(self, percent: float) -> None:
        if self.value is not None and abs(self.value.target_share * 100 - percent) < 0.5:
            return
        try:
            self.bus.run(_timekeeping().set_target, self.bus.service, percent / 100)
        except InputError as exc:
            self.bus.failed.emit(str(exc))

    # ---------------------------------------------------------- refresh
    def on_changes(self, changes: Changes) -> None:
        """Refresh when time or the policy changed (now if shown, else when next shown)."""
        if changes.time or changes.policy or changes.items:
            self._dirty = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: D102, N802
        super().showEvent(event)
        self._ensure_charts()
        self._tick.start()
        if self._dirty:
            self.reload()

    def hideEvent(self, event: Any) -> None:  # noqa: D102, N802
        super().hideEvent(event)
        self._tick.stop()

    def reload(self) -> None:
        """Read the balance of the range and the eight-week trend; redraw."""
        try:
            start, end = self.current_range()
            value = balance(self.bus.service, start, end)
            self.trend = weekly_trend(self.bus.service, end, 8, first=self.first_weekday)
        except InputError as exc:
            self.verdict.setText(str(exc))
            return
        self.value = value
        self._dirty = False
        self.range_label.setText(
            start.strftime("%a %d %b %Y") if start == end else f"{start.strftime('%a %d %b')} – {end.strftime('%a %d %b %Y')}"
        )
        self.target_box.blockSignals(True)
        self.target_box.setValue(round(value.target_share * 100))
        self.target_box.blockSignals(False)
        text, good = verdict(value)
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {text_colour(group_colour('proactive' if good else 'firefighting')).name()};")
        self.tiles["firefighting"].set_value(value.firefighting_minutes, value.share("firefighting"), "  (Do + Delegate)")
        self.tiles["proactive"].set_value(value.proactive_minutes, value.proactive_share, f"  (target {pct(value.target_share)})")
        self.tiles["low_value"].set_value(value.low_value_minutes, value.share("low_value"), "  (Eliminate)")
        self.by_kind.set_parts([(k.value.capitalize() + "s", value.by_kind.get(k.value, 0.0), kind_colour(k)) for k in Kind])
        self.by_quadrant.set_parts([(q.label, value.by_quadrant.get(q.value, 0.0), quadrant_colour(q)) for q in Quadrant])
        if self._charts is not None:
            self._draw_days(value)
            self._draw_trend()
        if self.selected is not None and start <= self.selected[0] <= end:
            self.show_items(*self.selected)
        else:
            self.selected = None
            self.behind_model.set_rows([])
            self.behind_title.setText("Click a bar to see the items behind it.")

    # ----------------------------------------------------------- charts
    def _ensure_charts(self) -> None:
        if self._charts is not None:
            return
        from PySide6 import QtCharts  # lazy: only when the balance is first shown

        self._charts = QtCharts
        self._day_chart = self._chart_view("Each day: share of the time tracked (click a bar for its items)")
        self._trend_chart = self._chart_view("Proactive share, last 8 weeks")
        self.charts_row.addWidget(self._day_chart, 0, 0)
        self.charts_row.addWidget(self._trend_chart, 0, 1)
        if self.value is not None:
            self._draw_days(self.value)
            self._draw_trend()

    def _chart_view(self, title: str) -> Any:
        charts = self._charts
        chart = charts.QChart()
        chart.setTitle(title)
        chart.setBackgroundVisible(False)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(charts.QChart.AnimationOption.NoAnimation)
        # The axes live as long as the chart: removing and re-adding them leaves stale labels behind.
        x_axis, y_axis = charts.QBarCategoryAxis(), charts.QValueAxis()
        x_axis.setTruncateLabels(False)
        y_axis.setLabelFormat("%d %%")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        view = charts.QChartView(chart, self)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(300)
        view.setStyleSheet("background: transparent;")
        return view

    @staticmethod
    def _axes(chart: Any) -> tuple[Any, Any]:
        return chart.axes(Qt.Orientation.Horizontal)[0], chart.axes(Qt.Orientation.Vertical)[0]

    def _style_chart(self, chart: Any) -> None:
        text = self.palette().color(QPalette.ColorRole.WindowText)
        grid = self.palette().color(QPalette.ColorRole.Mid)
        chart.setTitleBrush(text)
        chart.legend().setLabelColor(text)
        for axis in chart.axes():
            axis.setLabelsColor(text)
            axis.setGridLineColor(grid)
            axis.setLinePenColor(grid)

    def _target_line(self, count: int, target: float, y_axis: Any, x_axis: Any, chart: Any) -> None:
        charts = self._charts
        line = charts.QLineSeries()
        line.setName(f"Target {pct(target)}")
        pen = line.pen()
        pen.setColor(self.palette().color(QPalette.ColorRole.WindowText))
        pen.setStyle(Qt.PenStyle.DashLine)
        pen.setWidthF(2)
        line.setPen(pen)
        # Category i sits at x = i: the line spans the bars from edge to edge.
        line.append(-0.5, target * 100)
        line.append(count - 0.5, target * 100)
        chart.addSeries(line)
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)

    def _draw_days(self, value: Balance) -> None:
        charts = self._charts
        chart = self._day_chart.chart()
        chart.removeAllSeries()
        x_axis, y_axis = self._axes(chart)
        series = charts.QPercentBarSeries()
        sets = {}
        # Proactive first: it sits at the bottom of each bar, right against the target line.
        for group in ("proactive", "firefighting", "low_value"):
            bar_set = charts.QBarSet(GROUP_LABELS[group])
            bar_set.setColor(group_colour(group))
            bar_set.setBorderColor(group_colour(group))
            for day in value.by_day:
                bar_set.append(group_minutes(day.by_quadrant, group))
            bar_set.clicked.connect(lambda index, g=group: self._bar_clicked(index, g))
            series.append(bar_set)
            sets[group] = bar_set
        series.setBarWidth(0.7)
        chart.addSeries(series)
        many = len(value.by_day) > 14
        # Each day's hours under its bar: the bars are shares, the hours say how much time that was.
        categories = [
            d.day.strftime("%d.%m") if many else f"{d.day.strftime('%a %d')}<br><b>{hours_text(d.total_minutes)}</b>" for d in value.by_day
        ]
        x_axis.clear()
        x_axis.append(categories)
        y_axis.setRange(0, 100)
        y_axis.setTickCount(5)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        self._target_line(len(value.by_day), value.target_share, y_axis, x_axis, chart)
        self._style_chart(chart)
        self._day_sets = sets

    def _draw_trend(self) -> None:
        charts = self._charts
        chart = self._trend_chart.chart()
        chart.removeAllSeries()
        x_axis, y_axis = self._axes(chart)
        line = charts.QLineSeries()
        line.setName("Proactive share")
        pen = line.pen()
        pen.setColor(group_colour("proactive"))
        pen.setWidthF(3)
        line.setPen(pen)
        line.setPointsVisible(True)
        line.setPointLabelsVisible(True)
        line.setPointLabelsFormat("@yPoint %")
        line.setPointLabelsColor(self.palette().color(QPalette.ColorRole.WindowText))
        line.setPointLabelsClipping(False)
        for n, (_, week) in enumerate(self.trend):
            if week.total_minutes > 0:  # a week with nothing tracked has no share, not a share of 0 %
                line.append(n, round(week.proactive_share * 100))
        chart.addSeries(line)
        x_axis.clear()
        # Two short lines per week ("16" over "Nov") stay legible when the tab shares the window with the details.
        x_axis.append([f"{start.day}<br>{start.strftime('%b')}" for start, _ in self.trend])
        highest = max([0.0] + [w.proactive_share * 100 for _, w in self.trend])
        top = 100 if highest > 80 else max(60, 20 * (int(highest + 15) // 20 + 1))
        y_axis.setRange(0, top)
        y_axis.setTickCount(top // 20 + 1)
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)
        target = self.trend[-1][1].target_share if self.trend else 0.3
        self._target_line(len(self.trend), target, y_axis, x_axis, chart)
        self._style_chart(chart)

    # -------------------------------------------------------- items behind
    def _bar_clicked(self, index: int, group: str) -> None:
        if self.value is None or not 0 <= index < len(self.value.by_day):
            return
        day = self.value.by_day[index].day
        self.bar_clicked.emit(day, group)
        self.show_items(day, group)

    def show_items(self, day: date, group: str | None) -> None:
        """List the items behind one bar (a day and a group; None for the whole day)."""
        self.selected = (day, group)
        rows = items_behind(self.bus.service, day, group)
        self.behind_model.set_rows(rows)
        what = GROUP_LABELS.get(group or "", "All tracked time")
        total = sum(m for _, _, m in rows)
        self.behind_title.setText(
            f"{what} on {day.strftime('%a %d %b')}: {hours_text(total)} on {len(rows)} item{'s' if len(rows) != 1 else ''}"
            + ("" if rows else " — nothing tracked")
        )


def _make_balance_view(window: Any) -> QWidget:
    view = BalanceView(window.bus)
    matrix: Any = getattr(window, "matrix", None)
    if hasattr(window, "show_view") and hasattr(matrix, "select_ids"):

        def show_in_matrix(item_id: int) -> None:
            # Double-clicking an item behind a bar shows its card (if it is still open).
            window.show_view("matrix")
            matrix.select_ids([item_id])

        view.item_activated.connect(show_in_matrix)
    return view


register_view("balance", "Balance", _make_balance_view, order=20)
