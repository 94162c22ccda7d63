"""The filter bar: text, kind, overdue, due today, delegated.

:class:`ItemFilter` is a plain value with :meth:`ItemFilter.matches`; the bar emits a
new one whenever the user changes a control, and the quadrant models apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from prioritizer.ui.icons import icon
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

from prioritizer.domain.clock import to_local
from prioritizer.domain.values import ItemView, Kind


@dataclass(frozen=True)
class ItemFilter:
    """Which open items to show.

    Attributes:
        text: words that must all appear in the title, customer, delegate or notes (case-insensitive).
        kind: only this kind, or None for all.
        overdue / due_today / delegated: only items that are overdue / due today (local) / delegated.
    """

    text: str = ""
    kind: Kind | None = None
    overdue: bool = False
    due_today: bool = False
    delegated: bool = False

    @property
    def active(self) -> bool:
        """True when the filter hides anything at all."""
        return bool(self.text.strip() or self.kind or self.overdue or self.due_today or self.delegated)

    def matches(self, view: ItemView, now: datetime, tz: tzinfo | None) -> bool:
        """Whether ``view`` passes the filter at ``now``."""
        if self.kind is not None and view.kind is not self.kind:
            return False
        if self.delegated and not view.delegated_to:
            return False
        if self.overdue and (view.due is None or view.due >= now):
            return False
        if self.due_today and (view.due is None or to_local(view.due, tz).date() != to_local(now, tz).date()):
            return False
        words = self.text.casefold().split()
        if words:
            haystack = " ".join(filter(None, (view.title, view.customer, view.delegated_to, view.notes))).casefold()
            if not all(w in haystack for w in words):
                return False
        return True


class FilterBar(QWidget):
    """Text field, kind menu and three toggles.

    Signals:
        filter_changed(ItemFilter): the user changed the filter.
    """

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Filter")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.text = QLineEdit(self)
        self.text.setObjectName("filterText")
        self.text.setPlaceholderText("Filter by words…")
        self.text.setClearButtonEnabled(True)
        self.text.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.text.setAccessibleName("Filter text")
        self.text.setMinimumWidth(120)
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Filter by kind")
        self.kind.addItem("All kinds", None)
        for kind, label in ((Kind.TASK, "Tasks"), (Kind.MEETING, "Meetings"), (Kind.ESCALATION, "Escalations")):
            self.kind.addItem(icon(kind.value), label, kind)
        self.toggles: dict[str, QToolButton] = {}
        for key, label, tip in (
            ("overdue", "Overdue", "Only items past their deadline"),
            ("due_today", "Due today", "Only items due today"),
            ("delegated", "Delegated", "Only items handed to someone"),
        ):
            button = QToolButton(self)
            button.setText(label)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setAccessibleName(f"Filter: {label.lower()}")
            button.toggled.connect(self._emit)
            self.toggles[key] = button
        layout.addWidget(self.text, 1)
        layout.addWidget(self.kind)
        for button in self.toggles.values():
            layout.addWidget(button)
        self.text.textChanged.connect(self._emit)
        self.kind.currentIndexChanged.connect(self._emit)
        self.text.installEventFilter(self)

    def current(self) -> ItemFilter:
        """The filter the controls describe."""
        return ItemFilter(
            text=self.text.text(),
            kind=Kind(self.kind.currentData()) if self.kind.currentData() else None,
            overdue=self.toggles["overdue"].isChecked(),
            due_today=self.toggles["due_today"].isChecked(),
            delegated=self.toggles["delegated"].isChecked(),
        )

    def clear(self) -> None:
        """Show everything again."""
        self.blockSignals(True)
        self.text.clear()
        self.kind.setCurrentIndex(0)
        for button in self.toggles.values():
            button.setChecked(False)
        self.blockSignals(False)
        self._emit()

    def focus(self) -> None:
        """Put the cursor in the text field, its text selected."""
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()

    def _emit(self) -> None:
        self.filter_changed.emit(self.current())

    def eventFilter(self, watched: object, event: object) -> bool:  # noqa: D102, N802
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if watched is self.text and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape and self.current().active:
                self.clear()
                return True
        return False
