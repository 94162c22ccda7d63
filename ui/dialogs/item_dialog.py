"""The item dialog: every editable field, with the core's validation message next to the field.

Used to edit a card (Enter/F2) and to add an item field by field. It never saves
by itself: :meth:`ItemDialog.draft` is handed to an undoable command.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from prioritizer.domain.clock import to_local
from prioritizer.domain.drafts import ItemDraft, validate
from prioritizer.domain.values import Importance, InputError, Kind

# Which field a core validation message is about, by the words it uses.
_FIELD_WORDS = (
    ("title", "title"),
    ("severity", "severity"),
    ("estimate", "estimate"),
    ("start", "meeting"),
    ("end", "meeting"),
    ("due", "due"),
    ("customer", "customer"),
    ("delegated", "delegated"),
    ("notes", "notes"),
)


def field_of(message: str) -> str:
    """The dialog field a validation message names ("general" when none)."""
    lowered = message.lower()
    for word, name in _FIELD_WORDS:
        if word in lowered:
            return name
    return "general"


class ItemDialog(QDialog):
    """Edit (or create) one item."""

    def __init__(
        self, draft: ItemDraft, now: datetime, tz: tzinfo | None, parent: QWidget | None = None, *, title: str = "Edit item"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.tz = tz
        self.now = now
        self.skipped = draft.skipped
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        self.title = QLineEdit(draft.title)
        self.title.setAccessibleName("Title")
        self.kind = QComboBox()
        for kind in Kind:
            self.kind.addItem(kind.value.capitalize(), kind)
        self.kind.setCurrentIndex(list(Kind).index(Kind(draft.kind)))
        self.importance = QComboBox()
        for importance in Importance:
            self.importance.addItem(importance.value.capitalize(), importance)
        self.importance.setCurrentIndex(list(Importance).index(Importance(draft.importance)))
        self.strategic = QCheckBox("Strategic (proactive work that matters)")
        self.strategic.setChecked(draft.strategic)
        self.has_due = QCheckBox("Deadline")
        self.due = self._datetime(draft.due or now + timedelta(days=1))
        self.has_due.setChecked(draft.due is not None)
        self.estimate = QSpinBox()
        self.estimate.setRange(0, 100_000)
        self.estimate.setSuffix(" min")
        self.estimate.setSpecialValueText("no estimate")
        self.estimate.setValue(draft.estimate_minutes or 0)
        self.delegated = QLineEdit(draft.delegated_to or "")
        self.delegated.setPlaceholderText("who takes it")
        self.customer = QLineEdit(draft.customer or "")
        self.key_customer = QCheckBox("Key customer")
        self.key_customer.setChecked(draft.key_customer)
        self.severity = QComboBox()
        self.severity.addItem("not set", None)
        for level in range(1, 5):
            self.severity.addItem(f"Sev {level}" + (" (worst)" if level == 1 else ""), level)
        self.severity.setCurrentIndex(draft.severity or 0)
        start = draft.start or now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        self.start = self._datetime(start)
        self.end = self._datetime(draft.end or start + timedelta(minutes=30))
        self.notes = QPlainTextEdit(draft.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(70)

        self._row("title", "&Title", self.title)
        self._row("kind", "&Kind", self.kind)
        self._row("importance", "&Importance", self._pair(self.importance, self.strategic))
        self._row("due", "&Due", self._pair(self.has_due, self.due))
        self._row("severity", "&Severity", self.severity)
        self._row("customer", "&Customer", self._pair(self.customer, self.key_customer))
        self._row("meeting", "&Meeting", self._pair(self.start, QLabel("to"), self.end))
        self._row("delegated", "De&legated to", self.delegated)
        self._row("estimate", "&Estimate", self.estimate)
        self._row("notes", "&Notes", self.notes)
        self.general = self._error_label("general")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.has_due.toggled.connect(self.due.setEnabled)
        self.due.setEnabled(self.has_due.isChecked())
        self._kind_changed()
        self.resize(520, self.sizeHint().height())

    # ---------------------------------------------------------------- layout
    def _datetime(self, moment: datetime) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd yyyy-MM-dd HH:mm")
        local = to_local(moment, self.tz).replace(tzinfo=None, second=0, microsecond=0)
        edit.setDateTime(QDateTime(local.date(), local.time()))
        return edit

    @staticmethod
    def _pair(*widgets: QWidget) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget, 1 if isinstance(widget, (QLineEdit, QDateTimeEdit, QComboBox)) else 0)
        return holder

    def _error_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName("fieldError")
        label.setStyleSheet("color: #d32f2f;")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setAccessibleName(f"{name} error")
        label.hide()
        self.errors[name] = label
        return label

    def _row(self, name: str, text: str, field: QWidget) -> None:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(self._error_label(name))
        self.form.addRow(text, holder)
        label = self.form.labelForField(holder)
        if isinstance(label, QLabel):
            label.setBuddy(field)

    def _kind_changed(self) -> None:
        kind = Kind(self.kind.currentData())
        self.form.setRowVisible(4, kind is Kind.ESCALATION)
        self.form.setRowVisible(6, kind is Kind.MEETING)

    # ----------------------------------------------------------------- value
    def _aware(self, edit: QDateTimeEdit) -> datetime:
        naive: datetime = edit.dateTime().toPython()
        from prioritizer.domain.clock import to_utc

        return to_utc(naive.replace(second=0, microsecond=0), self.tz)

    def draft(self) -> ItemDraft:
        """The item as the fields describe it (not yet validated)."""
        kind = Kind(self.kind.currentData())
        meeting = kind is Kind.MEETING
        return ItemDraft(
            title=self.title.text(),
            kind=kind,
            notes=self.notes.toPlainText(),
            importance=Importance(self.importance.currentData()),
            due=self._aware(self.due) if self.has_due.isChecked() else None,
            estimate_minutes=self.estimate.value() or None,
            strategic=self.strategic.isChecked(),
            delegated_to=self.delegated.text().strip() or None,
            start=self._aware(self.start) if meeting else None,
            end=self._aware(self.end) if meeting else None,
            severity=self.severity.currentData() if kind is Kind.ESCALATION else None,
            customer=self.customer.text().strip() or None,
            key_customer=self.key_customer.isChecked(),
            skipped=self.skipped,
        )

    def show_error(self, message: str) -> str:
        """Show a validation message next to the field it names; returns that field's name."""
        for label in self.errors.values():
            label.hide()
        name = field_of(message)
        label = self.errors.get(name, self.general)
        label.setText(message[0].upper() + message[1:])
        label.show()
        return name

    def accept(self) -> None:  # noqa: D102
        try:
            validate(self.draft())
        except InputError as exc:
            self.show_error(str(exc))
            return
        super().accept()
