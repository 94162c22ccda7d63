"""The Today view: plan the day on a laptop.

From top to bottom: the day and its navigation; a warning when the Do list does
not fit; the capacity bar (working time left after meetings, against what the
Do items still need); the timeline of meetings with the free blocks and what
could fill them; then three lists - the Do items, the free blocks with their
suggested Schedule item, and what turns urgent by the end of tomorrow.

Everything shown comes from ``prioritizer.reports.today.plan_day``; this module only draws.
It refreshes when the bus announces a change and when it is shown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from prioritizer.ui.palette import GROUP_COLOURS, ink_on, quadrant_colour
from prioritizer.ui.tabs.views import RefreshWhenShown, add_step_buttons, register_view
from prioritizer.ui.tooltips import plain_tooltip
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain.clock import local_date, to_local
from prioritizer.domain.values import Quadrant
from prioritizer.reports.today import DayPlan, MeetingSlot, plan_day
from prioritizer.text.humanize import countdown, minutes_text

if TYPE_CHECKING:  # services imports SQLAlchemy, which the start-up does not wait for
    from prioritizer.services.service import Service

# Free time is time for proactive work: the proactive (Schedule) colour of the palette.
FREE_COLOUR = GROUP_COLOURS["proactive"]
LANE_H = 46  # one row of meetings on the timeline
WARN_BG = "#fdecea"
WARN_FG = "#b3261e"


def _hm(value: datetime, service: Service) -> str:
    return to_local(value, service.tz).strftime("%H:%M")


class TimelineWidget(QWidget):
    """The day's meetings on a horizontal time axis, with free blocks and the current time."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.plan: DayPlan | None = None
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Timeline of the day's meetings")
        self._hit: list[tuple[QRectF, MeetingSlot]] = []

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Wide and short: a day strip."""
        return QSize(900, 170)

    def set_plan(self, plan: DayPlan) -> None:
        """Show a new plan."""
        self.plan = plan
        lanes = self._lanes()
        self.setFixedHeight(100 + LANE_H * max(1, max(lanes.values(), default=0) + 1))
        self.update()

    def event(self, event: QEvent) -> bool:
        """A tooltip with the full meeting under the mouse (titles are elided on the strip)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            for rect, meeting in self._hit:
                if rect.contains(QPointF(event.pos())):
                    span = f"{_hm(meeting.start, self.service)}-{_hm(meeting.end, self.service)}"
                    tip = plain_tooltip(f"{span}  {meeting.title}", meeting.quadrant.label)
                    QToolTip.showText(event.globalPos(), tip, self)
                    return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)

    def _range(self) -> tuple[datetime, datetime]:
        assert self.plan is not None
        plan = self.plan
        tz = self.service.tz
        starts = [plan.work_start] + [m.start for m in plan.meetings]
        ends = [plan.work_end if plan.working_day else plan.work_start + timedelta(hours=8)] + [m.end for m in plan.meetings]
        lo = to_local(min(starts), tz).replace(minute=0, second=0, microsecond=0)
        hi_local = to_local(max(ends), tz)
        hi = hi_local.replace(minute=0, second=0, microsecond=0) + (
            timedelta(hours=1) if hi_local.minute or hi_local.second else timedelta(0)
        )
        day_start = datetime.combine(plan.day, datetime.min.time(), tzinfo=tz)
        return max(lo, day_start), min(hi, day_start + timedelta(days=1))

    def _lanes(self) -> dict[int, int]:
        """Overlapping meetings go to separate lanes."""
        lanes: dict[int, int] = {}
        ends: list[datetime] = []
        if self.plan is None:
            return lanes
        for meeting in self.plan.meetings:
            for lane, end in enumerate(ends):
                if end <= meeting.start:
                    ends[lane] = meeting.end
                    lanes[meeting.id] = lane
                    break
            else:
                lanes[meeting.id] = len(ends)
                ends.append(meeting.end)
        return lanes

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Draw hours, working hours, free blocks, meetings and now."""
        if self.plan is None:
            return
        plan = self.plan
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        lo, hi = self._range()
        left, right = 26.0, float(self.width() - 26)
        self._geometry = (lo, hi, left, right)
        span = max(1.0, (hi - lo).total_seconds())

        def x_of(moment: datetime) -> float:
            return left + (moment - lo).total_seconds() / span * (right - left)

        axis_y = 22.0
        top = axis_y + 8
        bottom = float(self.height() - 6)
        # Working hours band.
        if plan.working_day:
            band = QColor(pal.color(QPalette.ColorRole.Base))
            painter.fillRect(QRectF(x_of(plan.work_start), top, x_of(plan.work_end) - x_of(plan.work_start), bottom - top), band)
        # Hour grid.
        painter.setFont(self.font())
        hour = lo
        while hour <= hi:
            x = x_of(hour)
            painter.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
            painter.drawLine(int(x), int(top), int(x), int(bottom))
            painter.setPen(muted)
            painter.drawText(QRectF(x - 30, 0, 60, axis_y), Qt.AlignmentFlag.AlignCenter, hour.strftime("%H:%M"))
            hour += timedelta(hours=1)
        # Free blocks (the ones the plan suggests something for), as dashed green outlines.
        free_top = bottom - 44
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        for block in plan.free_blocks:
            rect = QRectF(x_of(block.start) + 2, free_top, x_of(block.end) - x_of(block.start) - 4, 40)
            free = FREE_COLOUR.pick()
            fill = QColor(free)
            fill.setAlpha(28)
            painter.setPen(QPen(free, 1.4, Qt.PenStyle.DashLine))
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 5, 5)
            painter.setPen(text)
            painter.setFont(small)
            metrics = painter.fontMetrics()
            inner = rect.adjusted(6, 2, -6, -2)
            head = f"free {minutes_text(block.minutes)}"
            if block.suggestion is None or inner.width() < 90:
                painter.drawText(
                    inner,
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    metrics.elidedText(head, Qt.TextElideMode.ElideRight, int(inner.width())),
                )
            else:
                suggestion = metrics.elidedText("→ " + block.suggestion.title, Qt.TextElideMode.ElideRight, int(inner.width()))
                painter.drawText(inner, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, f"{head}\n{suggestion}")
        # Meetings in lanes.
        lanes = self._lanes()
        painter.setFont(self.font())
        self._hit = []
        for meeting in plan.meetings:
            lane = lanes.get(meeting.id, 0)
            y = top + 6 + lane * LANE_H
            rect = QRectF(x_of(meeting.start) + 1, y, max(6.0, x_of(meeting.end) - x_of(meeting.start) - 2), LANE_H - 4)
            self._hit.append((rect, meeting))
            colour = quadrant_colour(meeting.quadrant)
            path = QPainterPath()
            path.addRoundedRect(rect, 5, 5)
            painter.fillPath(path, colour)
            painter.setPen(ink_on(colour))
            width = int(rect.width() - 10)
            metrics = painter.fontMetrics()
            when = metrics.elidedText(
                f"{_hm(meeting.start, self.service)}-{_hm(meeting.end, self.service)}", Qt.TextElideMode.ElideRight, width
            )
            title = metrics.elidedText(meeting.title, Qt.TextElideMode.ElideRight, width)
            painter.drawText(rect.adjusted(5, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, f"{when}\n{title}")
        # Now.
        now = plan.now
        lo_utc, hi_utc = lo, hi
        if lo_utc <= now <= hi_utc:
            x = x_of(now)
            painter.setPen(QPen(QColor(WARN_FG), 2))
            painter.drawLine(int(x), int(axis_y), int(x), int(bottom))
            painter.setBrush(QColor(WARN_FG))
            painter.drawEllipse(QRectF(x - 4, axis_y - 4, 8, 8))
        painter.end()


class CapacityBar(QWidget):
    """Planned Do work against the capacity left: green when it fits, red beyond."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.capacity = 0
        self.planned = 0
        self.setFixedHeight(26)
        self.setAccessibleName("Capacity against planned work")

    def set_values(self, capacity: int, planned: int) -> None:
        """Minutes available and minutes planned."""
        self.capacity, self.planned = capacity, planned
        self.setToolTip(f"{minutes_text(planned)} planned for {minutes_text(capacity)} free")
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """A track as long as the larger of the two, capacity marked, planned filled."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        full = max(self.capacity, self.planned, 1)
        width = self.width() - 2
        track = QRectF(1, 3, width, self.height() - 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pal.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(track, 5, 5)
        fits = min(self.planned, self.capacity)
        painter.setBrush(FREE_COLOUR.pick())
        painter.drawRoundedRect(QRectF(track.left(), track.top(), width * fits / full, track.height()), 5, 5)
        if self.planned > self.capacity:
            painter.setBrush(QColor(WARN_FG))
            x = track.left() + width * self.capacity / full
            painter.drawRoundedRect(QRectF(x, track.top(), width * (self.planned - self.capacity) / full, track.height()), 5, 5)
        cap_x = track.left() + width * self.capacity / full
        painter.setPen(QPen(pal.color(QPalette.ColorRole.WindowText), 2))
        painter.drawLine(int(cap_x), 0, int(cap_x), self.height())
        painter.end()


def _tree(headers: list[str], name: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setAccessibleName(name)
    tree.setStyleSheet("QTreeWidget::item { padding: 3px 2px; }")
    tree.setAlternatingRowColors(True)
    tree.header().setStretchLastSection(False)
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    for col in range(2, len(headers)):
        tree.header().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    return tree


def _section(title: str, body: QWidget) -> QFrame:
    frame = QFrame()
    frame.setObjectName("todaySection")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    label = QLabel(title)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    layout.addWidget(label)
    layout.addWidget(body, 1)
    return frame


class TodayView(RefreshWhenShown):
    """Plan the day: meetings, Do items, capacity, free blocks, what turns urgent next.

    Signals:
        day_changed(object): the planned day changed (a ``datetime.date``).
    """

    day_changed = Signal(object)

    def __init__(self, service: Service, bus: object | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.day: date = local_date(service.now(), service.tz)
        self.plan: DayPlan | None = None
        self._build()
        self.listen(bus)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(8)
        head = QHBoxLayout()
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        # The title may be cut rather than forcing a minimum width on the whole window.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(120)
        head.addWidget(self.title, 1)
        # Compact day navigation (arrows named in their tooltips), as in the weekly review.
        self.prev_button, self.today_button, self.next_button = add_step_buttons(
            head, self.go, "Today", ("Previous day", "Today", "Next day")
        )
        outer.addLayout(head)

        self.warning = QLabel()
        self.warning.setObjectName("overcommittedWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            f"background:{WARN_BG}; color:{WARN_FG}; border-left:4px solid {WARN_FG}; padding:6px 10px; font-weight:600;"
        )
        self.warning.setAccessibleName("Overcommitted warning")
        outer.addWidget(self.warning)

        capacity_row = QGridLayout()
        capacity_row.setHorizontalSpacing(12)
        self.capacity_text = QLabel()
        self.capacity_text.setTextFormat(Qt.TextFormat.PlainText)
        self.capacity_text.setWordWrap(True)
        self.capacity_bar = CapacityBar()
        capacity_row.addWidget(self.capacity_text, 0, 0)
        capacity_row.addWidget(self.capacity_bar, 1, 0)
        outer.addLayout(capacity_row)

        self.timeline = TimelineWidget(self.service)
        outer.addWidget(self.timeline)

        lists = QHBoxLayout()
        lists.setSpacing(12)
        self.do_list = _tree(["#", "item", "needs", "why"], "Do items")
        self.blocks_list = _tree(["when", "suggested Schedule item", "length"], "Free blocks with suggestions")
        self.forecast_list = _tree(["at", "turns urgent", "to"], "Forecast: turning urgent by tomorrow")
        self.do_section = _section("Do now", self.do_list)
        self.blocks_section = _section("Largest free blocks", self.blocks_list)
        self.forecast_section = _section("Turning urgent by the end of tomorrow", self.forecast_list)
        lists.addWidget(self.do_section, 6)
        lists.addWidget(self.blocks_section, 4)
        lists.addWidget(self.forecast_section, 3)
        outer.addLayout(lists, 1)

    # ------------------------------------------------------------ behaviour
    def go(self, step: int) -> None:
        """Plan another day: -1 previous, 0 today, +1 next."""
        today = local_date(self.service.now(), self.service.tz)
        self.day = today if step == 0 else self.day + timedelta(days=step)
        self.refresh()
        self.day_changed.emit(self.day)

    def refresh(self) -> None:
        """Re-plan the shown day and redraw."""
        plan = plan_day(self.service, self.day)
        self.plan = plan
        service = self.service
        today = local_date(service.now(), service.tz)
        relative = {today: "Today", today + timedelta(days=1): "Tomorrow", today - timedelta(days=1): "Yesterday"}.get(plan.day)
        self.title.setText(f"{relative}: {plan.day:%A %d %B}" if relative else f"{plan.day:%A %d %B %Y}")
        # Warning and capacity.
        if not plan.working_day:
            self.warning.setText("Not a working day." + (f" {len(plan.do_items)} Do items are waiting." if plan.do_items else ""))
            self.warning.setVisible(bool(plan.do_items))
        elif plan.overcommitted:
            self.warning.setText(
                f"⚠ Overcommitted by {minutes_text(plan.over_by_minutes)}: the Do items need {minutes_text(plan.planned_minutes)}, "
                f"but only {minutes_text(plan.capacity_minutes)} is free. Delegate or move something."
            )
            self.warning.setVisible(True)
        else:
            self.warning.setVisible(False)
        start_note = f" from {_hm(plan.window_start, service)}" if plan.day == today and plan.window_start > plan.work_start else ""
        assumed = f" (incl. {minutes_text(plan.assumed_minutes)} for {plan.unestimated} without estimate)" if plan.unestimated else ""
        self.capacity_text.setText(
            f"Free{start_note}: {minutes_text(plan.capacity_minutes)}  ·  meetings {minutes_text(plan.meeting_minutes)}  ·  "
            f"Do items need {minutes_text(plan.planned_minutes)}{assumed}"
        )
        self.capacity_bar.set_values(plan.capacity_minutes, plan.planned_minutes)
        self.timeline.set_plan(plan)
        # Lists.
        self.do_list.clear()
        for item in plan.do_items:
            needs = minutes_text(item.remaining_minutes) + ("*" if item.estimate_minutes is None else "")
            why = item.reason
            if item.due is not None:
                why = countdown(item.due, plan.now)
            if item.severity:
                why = f"Sev {item.severity} · {why}"
            row = QTreeWidgetItem([str(item.id), item.title, needs, why])
            row.setToolTip(1, plain_tooltip(item.title))
            if item.estimate_minutes is None:
                row.setToolTip(2, "no estimate: counted as the default")
            self.do_list.addTopLevelItem(row)
        self.do_section.findChild(QLabel).setText(f"Do now ({len(plan.do_items)})")
        self.blocks_list.clear()
        for block in plan.free_blocks:
            suggestion = block.suggestion
            text = suggestion.title if suggestion else "nothing in Schedule fits"
            if suggestion is not None:
                text += f"  ({minutes_text(suggestion.remaining_minutes)})"
            row = QTreeWidgetItem([f"{_hm(block.start, service)}-{_hm(block.end, service)}", text, minutes_text(block.minutes)])
            row.setToolTip(1, plain_tooltip(text))
            self.blocks_list.addTopLevelItem(row)
        self.forecast_list.clear()
        for entry in plan.forecast:
            stamp = to_local(entry.at, service.tz).strftime("%H:%M" if local_date(entry.at, service.tz) == plan.day else "%a %H:%M")
            row = QTreeWidgetItem([stamp, entry.title, Quadrant(entry.to_quadrant).label])
            row.setToolTip(1, plain_tooltip(entry.title, entry.reason))
            self.forecast_list.addTopLevelItem(row)
        self.forecast_section.findChild(QLabel).setText(f"Turning urgent by the end of tomorrow ({len(plan.forecast)})")


def _make_today_view(window: Any) -> QWidget:
    return TodayView(window.service, window.bus)


register_view("today", "Today", _make_today_view, order=10)
