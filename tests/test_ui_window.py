"""The main window as a whole: quick add, details, filter, incident mode, live re-sort,
settings, the screenshot command, and one image-export smoke test per window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from prioritizer.ui.actions import ACTIONS, MENUS, ActionId
from prioritizer.ui.dialogs.item_dialog import ItemDialog, field_of
from prioritizer.ui.main_window import MainWindow
from prioritizer.ui.panels.filter_bar import ItemFilter
from prioritizer.ui.panels.quick_add import read_line
from prioritizer.ui.panels.time_entries import EntryDialog
from prioritizer.ui.settings import WindowSettings, config_path
from prioritizer.ui.tabs.views import register_view
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox, QWidget

from prioritizer.cli import main as cli_main
from prioritizer.domain.values import Importance, Kind, Quadrant, Status
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW
from tests.ui_helpers import add, quadrant_of

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def items(service: Service) -> dict[str, int]:
    return {
        "fire": add(service, "Sev1 ACME checkout down", kind=Kind.ESCALATION, severity=1, due=NOW + timedelta(hours=2), customer="ACME"),
        "plan": add(service, "Q1 staffing plan", importance=Importance.HIGH, strategic=True, estimate_minutes=60),
        "refund": add(service, "Refund backlog", due=NOW - timedelta(hours=3), delegated_to="Sam"),
        "tidy": add(service, "Tidy the shared drive", importance=Importance.LOW),
        "vendor": add(service, "Renew vendor contract", importance=Importance.HIGH, due=NOW + timedelta(hours=27)),
        "standup": add(
            service, "Weekly staff meeting", kind=Kind.MEETING, start=NOW + timedelta(days=3), end=NOW + timedelta(days=3, minutes=30)
        ),
    }


def save_grab(widget, path: Path) -> None:  # type: ignore[no-untyped-def]
    pixmap = widget.grab()
    assert not pixmap.isNull() and pixmap.width() > 100 and pixmap.height() > 100
    assert pixmap.save(str(path), "PNG")
    assert path.stat().st_size > 1000


# ------------------------------------------------------------------- smoke
def test_main_window_smoke(window: MainWindow, tmp_path: Path) -> None:
    window.resize(1280, 800)
    window.matrix.select_ids([window.matrix.models[Quadrant.DO].ids()[0]])
    QApplication.processEvents()
    assert window.minimumSizeHint().width() < 1280
    named = {w.accessibleName() for w in window.findChildren(QWidget)}
    for name in ("Quick add", "Filter", "Eisenhower matrix", "Item details", "Do now quadrant", "Running timer"):
        assert name in named, name  # what a screen reader announces
    save_grab(window, tmp_path / "matrix.png")


def test_empty_database_teaches_quick_add(qtbot, service: Service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.empty_state.isVisible()
    assert win.count_label.text() == "0 open items"
    save_grab(win, tmp_path / "empty.png")
    win.empty_state.example_chosen.emit("Sev1 ACME checkout down due 2h")
    assert win.quick_add.line.text() == "Sev1 ACME checkout down due 2h"
    win.quick_add.submit()
    win.flush()
    assert not win.empty_state.isVisible()
    assert win.count_label.text() == "1 open item"


def test_item_dialog_smoke_and_validation_next_to_the_field(qtbot, service: Service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft = ItemDraft(title="Bridge call", kind=Kind.MEETING, start=NOW + timedelta(hours=1), end=NOW + timedelta(hours=2))
    dialog = ItemDialog(draft, NOW, service.tz)
    qtbot.addWidget(dialog)
    dialog.show()
    save_grab(dialog, tmp_path / "dialog.png")
    assert dialog.draft() == draft
    dialog.end.setDateTime(dialog.start.dateTime().addSecs(-600))
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.errors["meeting"].isVisible()
    assert "end is before the start" in dialog.errors["meeting"].text()
    dialog.title.setText("   ")
    dialog.accept()
    assert dialog.errors["title"].isVisible() and not dialog.errors["meeting"].isVisible()
    assert field_of("severity 7 is out of range") == "severity"


def test_shortcuts_sheet_and_about_box(window: MainWindow, tmp_path: Path) -> None:
    window.actions[ActionId.SHORTCUTS].trigger()
    sheet = window.shortcuts_sheet
    assert sheet.isVisible()
    texts = [label.text() for label in sheet.findChildren(QLabel)]
    for spec in ACTIONS.values():
        if spec.shortcuts:
            assert spec.text.replace("&", "").rstrip("…") in texts
    assert "1" in texts and "Ctrl+Z" in " ".join(texts)
    save_grab(sheet, tmp_path / "shortcuts.png")
    sheet.close()
    window.actions[ActionId.ABOUT].trigger()
    about = window.findChild(QMessageBox, "aboutBox")
    assert about is not None and "Prioritizer" in about.text()
    about.close()


def test_menus_are_built_from_the_registry(window: MainWindow) -> None:
    menu_actions = [a for menu in window.menuBar().findChildren(type(window.menuBar().addMenu("x"))) for a in menu.actions()]
    for _title, entries in MENUS:
        for entry in entries:
            if entry is not None:
                assert window.actions[entry] in menu_actions
    shortcuts = [s.toString() for a in window.actions.values() for s in a.shortcuts()]
    assert len(shortcuts) == len(set(shortcuts)), "a shortcut is defined twice"


# --------------------------------------------------------------- quick add
def test_quick_add_previews_then_saves_on_enter(window: MainWindow, service: Service) -> None:
    window.actions[ActionId.QUICK_ADD].trigger()
    assert window.quick_add.line.hasFocus()
    QTest.keyClicks(window.quick_add.line, "Sev1 Initech outage due 2h +Marcus")
    preview = window.quick_add.preview.text()
    assert "escalation" in preview and "severity 1" in preview and "Marcus" in preview
    assert window.quick_add.landing.text().startswith("→ Do now")
    QTest.keyClick(window.quick_add.line, Qt.Key.Key_Return)
    assert window.quick_add.line.text() == ""
    added = [v for v in window.store.views() if v.title == "Initech outage"]
    assert len(added) == 1
    assert added[0].kind is Kind.ESCALATION and added[0].severity == 1 and added[0].delegated_to == "Marcus"
    assert quadrant_of(window, added[0].id) is Quadrant.DO
    window.undo()
    assert not [v for v in window.store.views() if v.title == "Initech outage"]


def test_quick_add_escape_clears_and_errors_show_in_place(window: MainWindow) -> None:
    window.quick_add.focus()
    window.quick_add.line.setText("x" * 1001)
    QTest.keyClick(window.quick_add.line, Qt.Key.Key_Return)
    assert "Cannot add: the title is 1001 characters long" in window.quick_add.preview.text()
    assert window.quick_add.line.text() == "x" * 1001  # nothing typed is lost
    assert window.undo_stack.count() == 0
    QTest.keyClick(window.quick_add.line, Qt.Key.Key_Escape)
    assert window.quick_add.line.text() == ""
    QTest.keyClick(window.quick_add.line, Qt.Key.Key_Escape)
    assert window.matrix.views[window.matrix.active_quadrant()].hasFocus()


def test_quick_add_line_for_a_meeting_lands_where_the_rules_say(window: MainWindow, service: Service) -> None:
    parsed = read_line("meeting 1:1 Dana tomorrow 10:00 30m", service.now(), service.tz)
    assert parsed.kind is Kind.MEETING
    window.quick_add.line.setText("meeting 1:1 Dana tomorrow 10:00 30m")
    assert "meeting" in window.quick_add.preview.text()
    assert "→" in window.quick_add.landing.text()


# ------------------------------------------------------------------ details
def test_details_show_fields_reasons_time_and_history(window: MainWindow, items: dict[str, int], service: Service) -> None:
    service.log_time(items["fire"], NOW - timedelta(minutes=50), NOW - timedelta(minutes=5))
    window.matrix.select_ids([items["fire"]])
    details = window.details
    assert details.title.text() == "Sev1 ACME checkout down"
    assert "Sev 1 escalation" in details.why.text()
    entries = details.entries.model
    assert entries.rowCount() == 1
    assert entries.data(entries.index(0, 2)) == "45 min"
    assert "added" in details.history.text()
    window.move_items([items["fire"]], Quadrant.DELEGATE)
    window.matrix.select_ids([items["fire"]])
    assert "moved by you" in details.history.text()
    assert "Pinned" in details.why.text()


def _answer_entry_dialog(qtbot, start: str | None = None, end: str | None = None, note: str = "") -> None:  # type: ignore[no-untyped-def]
    """Fill the modal time-entry dialog as soon as it opens ("HH:MM" local times today) and press OK."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EntryDialog), dialog
        for edit, text in ((dialog.start_edit, start), (dialog.end_edit, end)):
            if text is not None:
                hours, minutes = map(int, text.split(":"))
                value = edit.dateTime()
                edit.setDateTime(value.addSecs((hours * 60 + minutes) * 60 - value.time().msecsSinceStartOfDay() // 1000))
        dialog.note_edit.setText(note)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)


def _card_minutes(window: MainWindow, item_id: int) -> int:
    view = window.store.get(item_id)
    assert view is not None
    return round(view.minutes_spent)


def test_details_add_edit_and_delete_time_entries(qtbot, window: MainWindow, items: dict[str, int], service: Service) -> None:  # type: ignore[no-untyped-def]
    window.matrix.select_ids([items["plan"]])
    widget = window.details.entries
    assert widget.isVisible() and widget.item_id == items["plan"]
    assert widget.model.rowCount() == 0 and _card_minutes(window, items["plan"]) == 0
    # Add: a manual span 07:00-08:15 today, through the Add… button in the details panel.
    _answer_entry_dialog(qtbot, "07:00", "08:15", "drafted the plan")
    qtbot.mouseClick(widget.add_button, Qt.MouseButton.LeftButton)
    window.flush()
    assert widget.model.rowCount() == 1
    assert widget.model.data(widget.model.index(0, 2)) == "1 h 15"
    assert widget.model.data(widget.model.index(0, 5)) == "drafted the plan"
    assert _card_minutes(window, items["plan"]) == 75  # the card's time spent
    # …and the panel's "Time spent" field
    assert any(label.text() == "1 h 15" for label in window.details.content.findChildren(QLabel))
    # Edit: shorten it to end at 07:45.
    widget.table.selectRow(0)
    _answer_entry_dialog(qtbot, None, "07:45", "drafted the plan")
    qtbot.mouseClick(widget.edit_button, Qt.MouseButton.LeftButton)
    window.flush()
    assert widget.model.data(widget.model.index(0, 2)) == "45 min"
    assert _card_minutes(window, items["plan"]) == 45
    # Delete it again.
    widget.table.selectRow(0)
    qtbot.mouseClick(widget.delete_button, Qt.MouseButton.LeftButton)
    window.flush()
    assert widget.model.rowCount() == 0
    assert _card_minutes(window, items["plan"]) == 0
    assert service.entries(items["plan"]) == []


def test_details_overlaps_are_marked_and_can_be_resolved(window: MainWindow, items: dict[str, int], service: Service) -> None:
    service.log_time(items["plan"], NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    service.log_time(items["tidy"], NOW - timedelta(minutes=90), NOW - timedelta(minutes=30))
    window.matrix.select_ids([items["plan"]])
    widget = window.details.entries
    assert not widget.table.isColumnHidden(6) and widget.keep_button.isVisible()
    assert widget.model.data(widget.model.index(0, 6)).startswith("⚠ overlaps")
    widget.table.selectRow(0)
    widget.keep_button.click()
    window.flush()
    assert widget.table.isColumnHidden(6) and not widget.keep_button.isVisible()


LONG_NOTES = "<b>not bold</b> " + " ".join(f"line{n} of the customer's long story about the outage." for n in range(40))


@pytest.mark.parametrize("notes", ["Their finance director copied our CEO, the CFO and <b>half</b> the board.", LONG_NOTES])
def test_details_show_notes_whole_as_plain_text_and_scroll(qtbot, service: Service, notes: str) -> None:  # type: ignore[no-untyped-def]
    item = add(
        service, "<i>Initech: invoice format rejected by their AP system</i> & more", kind=Kind.ESCALATION, severity=4,
        customer="Initech", key_customer=True, due=NOW - timedelta(days=1), notes=notes,
    )
    service.log_time(item, NOW - timedelta(hours=3), NOW - timedelta(hours=2))
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    win.matrix.select_ids([item])
    details = win.details
    assert details.title.text() == "<i>Initech: invoice format rejected by their AP system</i> & more"
    labels = [label for label in details.content.findChildren(QLabel) if label.text() == notes]
    assert len(labels) == 1
    note_label = labels[0]
    for label in (details.title, note_label):
        assert label.textFormat() == Qt.TextFormat.PlainText and label.wordWrap()
    wrapped = [label for label in details.content.findChildren(QLabel) if label.wordWrap() and label.isVisible()]

    def laid_out() -> bool:
        # Every wrapped label is inside the panel and as tall as its wrapped text: nothing is cut off.
        return all(
            0 < label.width() <= details.viewport().width() and label.height() >= label.heightForWidth(label.width()) - 1
            for label in wrapped
        )

    qtbot.waitUntil(laid_out, timeout=2000)
    assert details.horizontalScrollBar().maximum() == 0
    if notes is LONG_NOTES:  # taller than the panel: the panel scrolls to it
        scroll = details.verticalScrollBar()
        qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=2000)
        details.ensureWidgetVisible(note_label)
        assert scroll.value() > 0


# ------------------------------------------------------------------- filter
def test_filter_by_text_kind_overdue_today_delegated(window: MainWindow, items: dict[str, int]) -> None:
    def shown() -> set[int]:
        return {i for m in window.matrix.models.values() for i in m.ids()}

    window.filter_bar.text.setText("acme")
    assert shown() == {items["fire"]}
    window.filter_bar.clear()
    assert len(shown()) == len(items)
    window.filter_bar.kind.setCurrentIndex(window.filter_bar.kind.findData(Kind.MEETING))
    assert shown() == {items["standup"]}
    window.filter_bar.clear()
    window.filter_bar.toggles["overdue"].setChecked(True)
    assert shown() == {items["refund"]}
    window.filter_bar.clear()
    window.filter_bar.toggles["due_today"].setChecked(True)
    assert shown() == {items["fire"], items["refund"]}
    window.filter_bar.clear()
    window.filter_bar.toggles["delegated"].setChecked(True)
    assert shown() == {items["refund"]}
    assert window.matrix.panels[Quadrant.DELEGATE].stats.text() == "1 item"
    window.actions[ActionId.FILTER].trigger()
    QTest.keyClick(window.filter_bar.text, Qt.Key.Key_Escape)
    assert not window.filter_bar.current().active


def test_filter_keeps_applying_to_new_items(window: MainWindow, service: Service) -> None:
    window.filter_bar.text.setText("vendor")
    window.quick_add.line.setText("Buy printer paper")
    window.quick_add.submit()
    assert all("vendor" in v.title.lower() for m in window.matrix.models.values() for v in m.views())
    assert ItemFilter(text="PAPER").matches(next(v for v in window.store.views() if "paper" in v.title), NOW, service.tz)


# ------------------------------------------------------------ live re-sort
def test_live_resort_moves_the_card_when_the_deadline_enters_the_horizon(window: MainWindow, items: dict[str, int], service: Service) -> None:  # noqa: E501
    assert quadrant_of(window, items["vendor"]) is Quadrant.SCHEDULE
    timer = window.resort_timer
    assert timer.isActive() and timer.isSingleShot()
    assert timer.interval() == 3 * 3600 * 1000 + 50  # due in 27 h, horizon 24 h: the change is 3 h away
    service.clock = lambda: NOW + timedelta(hours=3, seconds=1)
    timer.timeout.emit()
    assert quadrant_of(window, items["vendor"]) is Quadrant.DO
    assert window.statusBar().currentMessage() == "Renew vendor contract is now urgent"
    assert window.undo_stack.count() == 0  # the rules moved it, not the user


def test_live_resort_is_not_lost_when_another_read_refreshed_first(window: MainWindow, items: dict[str, int], service: Service) -> None:
    service.clock = lambda: NOW + timedelta(hours=7)
    window.move_items([items["tidy"]], Quadrant.DELEGATE)  # its reload lets the core re-place the vendor item too
    assert quadrant_of(window, items["vendor"]) is Quadrant.DO
    assert "Renew vendor contract is now urgent" in window.statusBar().currentMessage()



def test_a_change_sweeps_an_item_that_an_earlier_change_made_fall_due_sooner(
    window: MainWindow, items: dict[str, int], service: Service
) -> None:
    """The store skips looking for due items until the earliest change it holds; an edit that
    brings a change closer (here 26 h sooner than the vendor contract's) must move that moment."""
    service.clock = lambda: NOW + timedelta(minutes=5)
    window.move_items([items["tidy"]], Quadrant.DELEGATE)  # nothing due yet: nothing else moves
    assert quadrant_of(window, items["plan"]) is Quadrant.SCHEDULE
    window.bus.run(service.edit, items["plan"], ItemDraft(title="Q1 staffing plan", importance=Importance.HIGH,
                                                           due=NOW + timedelta(hours=25)))  # fmt: skip
    assert quadrant_of(window, items["plan"]) is Quadrant.SCHEDULE  # urgent in 1 h, before the vendor's 3 h
    service.clock = lambda: NOW + timedelta(hours=2)
    window.move_items([items["tidy"]], Quadrant.ELIMINATE)
    assert quadrant_of(window, items["plan"]) is Quadrant.DO
    assert quadrant_of(window, items["vendor"]) is Quadrant.SCHEDULE  # its moment has not come


# ----------------------------------------------------------------- incident
def test_incident_mode_banner_escalations_room_and_summary(window: MainWindow, items: dict[str, int], service: Service) -> None:
    action = window.actions[ActionId.INCIDENT]
    service.clock = lambda: NOW + timedelta(minutes=1)
    QTest.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert action.isChecked() and window.incident.active
    assert window.banner.isVisible() and "INCIDENT" in window.banner.label.text()
    grid = window.matrix._grid
    assert grid.columnStretch(0) > grid.columnStretch(1)  # Do and Delegate get the room
    window.quick_add.line.setText("Checkout errors for Globex")
    assert window.quick_add.preview.text().find("escalation") >= 0
    window.quick_add.submit()
    captured = next(v for v in window.store.views() if v.title == "Checkout errors for Globex")
    assert captured.kind is Kind.ESCALATION
    service.clock = lambda: NOW + timedelta(minutes=10)
    window.bus.run(service.start_timer, items["fire"])
    window.move_items([items["refund"]], Quadrant.DO)
    window.move_items([captured.id], Quadrant.DELEGATE)
    service.clock = lambda: NOW + timedelta(minutes=40)
    window.matrix.select_ids([items["fire"]])
    window.done_selected()
    action.trigger()
    assert not window.incident.active and not window.banner.isVisible()
    assert grid.columnStretch(0) == grid.columnStretch(1)
    summary = window.last_summary
    assert summary is not None
    assert summary.duration == timedelta(minutes=39)
    assert summary.captured == (captured.id,)
    assert set(summary.moved) == {captured.id, items["refund"]}
    assert captured.id in summary.delegated
    assert summary.done == (items["fire"],)
    assert summary.minutes_logged == 30
    box = window.findChild(QMessageBox, "incidentSummary")
    assert box is not None and "Captured 1: Checkout errors for Globex" in box.informativeText()
    kept = service.incidents(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    assert len(kept) == 1 and kept[0].id == summary.id and kept[0].done == (items["fire"],)
    window.quick_add.line.setText("Plain task again")
    assert "escalation" not in window.quick_add.preview.text()


# ------------------------------------------------------------ views, settings
def test_add_view_and_registry(qtbot, service: Service) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui.tabs import views
    from PySide6.QtWidgets import QLabel

    register_view("probe", "Probe", lambda win: QLabel("probe view"))
    try:
        win = MainWindow(service)
        qtbot.addWidget(win)
        assert win.view_names()[0] == "matrix" and win.view_names()[-1] == "probe"
        win.show_view("probe")
        assert win.view("probe").text() == "probe view"
        assert win.view("probe").isVisibleTo(win.tabs.currentWidget())
        with pytest.raises(Exception, match="unknown view"):
            win.show_view("nope")
    finally:
        views._REGISTRY.pop("probe", None)


def test_settings_remember_size_and_splitter(qtbot, service: Service, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRIORITIZER_CONFIG", str(tmp_path / "conf"))
    assert config_path() == tmp_path / "conf" / "window.ini"
    first = MainWindow(service, WindowSettings())
    qtbot.addWidget(first)
    first.show()
    screen = QApplication.primaryScreen().availableGeometry()
    target = QSize(min(1000, screen.width() - 10), min(700, screen.height() - 60))  # restoreGeometry keeps it on screen
    first.resize(target)
    first.splitter.setSizes([target.width() - 320, 300])
    sizes = first.splitter.sizes()
    size = first.size()
    assert size == target  # the window can be this small
    first.close()
    assert (tmp_path / "conf" / "window.ini").exists()
    second = MainWindow(service, WindowSettings())
    qtbot.addWidget(second)
    second.show()
    assert abs(second.size().width() - size.width()) <= 10 and abs(second.size().height() - size.height()) <= 10
    assert abs(second.splitter.sizes()[0] - sizes[0]) <= 10
    second.actions[ActionId.DETAILS].trigger()  # hide the details panel
    second.close()
    third = MainWindow(service, WindowSettings())
    qtbot.addWidget(third)
    third.show()
    assert not third.actions[ActionId.DETAILS].isChecked() and not third.details_host.isVisible()
    monkeypatch.setenv("PRIORITIZER_CONFIG", str(tmp_path / "other.ini"))
    assert config_path() == tmp_path / "other.ini"


def test_dark_palette_cards_stay_readable(qtbot, service: Service, items: dict[str, int], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.ui.theme import apply_theme, is_dark

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_palette, old_style = app.palette(), app.style().name()
    try:
        apply_theme(app, "dark")
        assert is_dark(app.palette())
        win = MainWindow(service)
        qtbot.addWidget(win)
        win.resize(1280, 800)
        win.show()
        image = win.grab().toImage()
        save_grab(win, tmp_path / "dark.png")
        background = image.pixelColor(5, image.height() // 2)
        assert background.lightness() < 100
        assert app.palette().color(QPalette.ColorRole.Text).lightness() > 180
    finally:
        app.setPalette(old_palette)
        app.setStyle(old_style)


def test_switching_light_and_dark_live_recolours_outlines_and_muted_text(qtbot, service: Service, items: dict[str, int]) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    """No app-wide stylesheet: the panels paint from the palette, muted labels use its placeholder
    role, and the quick-add line's own stylesheet is read again on the switch."""
    from prioritizer.ui.theme import apply_theme, dark_palette, light_palette

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_palette, old_style = app.palette(), app.style().name()

    def near(a: QColor, b: QColor) -> bool:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40

    try:
        apply_theme(app, "light")
        QApplication.processEvents()  # the palette reaches the widgets through the event loop
        win = MainWindow(service)
        qtbot.addWidget(win)
        win.resize(1280, 800)
        win.show()
        line, panel = win.quick_add.line, win.matrix.panels[Quadrant.DO]
        for scheme, palette in (("light", light_palette()), ("dark", dark_palette()), ("light", light_palette())):
            apply_theme(app, scheme)
            QApplication.processEvents()
            outline = QPalette.ColorRole.Highlight if line.hasFocus() else QPalette.ColorRole.Mid
            assert near(line.grab().toImage().pixelColor(0, line.height() // 2), palette.color(outline)), scheme
            assert near(panel.grab().toImage().pixelColor(0, panel.height() // 2), palette.color(QPalette.ColorRole.Mid)), scheme
            muted = panel.meaning.palette().color(panel.meaning.foregroundRole())
            assert muted == palette.color(QPalette.ColorRole.PlaceholderText), scheme
    finally:
        app.setPalette(old_palette)
        app.setStyle(old_style)


# ------------------------------------------------------------- the command
def test_screenshot_command(db_path: Path, service: Service, items: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    code = cli_main(["--db", str(db_path), "--now", NOW.isoformat(), "screenshot", str(out), "--size", "1024x700"])
    assert code == 0
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)


@pytest.mark.parametrize("args", [["--size", "huge"], ["--size", "10x10"], ["--view", "nope"]])
def test_screenshot_bad_input_exits_2(db_path: Path, tmp_path: Path, args: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    code = cli_main(["--db", str(db_path), "screenshot", str(tmp_path / "x.png"), *args])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("prioritizer: error:") and len(err.strip().splitlines()) == 1


def test_done_items_leave_and_reopen_on_undo(window: MainWindow, items: dict[str, int], service: Service) -> None:
    window.matrix.select_ids([items["plan"]])
    window.drop_selected()
    assert service.get(items["plan"]).status is Status.DROPPED
    assert window.matrix.panels[Quadrant.SCHEDULE].stats.text() == "1 item"
    window.undo()
    assert window.matrix.panels[Quadrant.SCHEDULE].stats.text() == "2 items · 1 h 00 est."


def test_incident_summary_does_not_call_an_item_pulled_out_of_delegate_delegated(window: MainWindow, service: Service) -> None:
    service.clock = lambda: NOW + timedelta(minutes=1)
    window.toggle_incident(True)
    window.quick_add.line.setText("Payments API 502s for Contoso due 1h")  # an escalation without severity: Delegate
    window.quick_add.submit()
    captured = next(v for v in window.store.views() if v.title == "Payments API 502s for Contoso")
    assert quadrant_of(window, captured.id) is Quadrant.DELEGATE
    service.clock = lambda: NOW + timedelta(minutes=5)
    window.move_items([captured.id], Quadrant.DO)  # the manager takes it herself
    service.clock = lambda: NOW + timedelta(minutes=9)
    window.toggle_incident(False)
    summary = window.last_summary
    assert summary is not None
    assert summary.captured == (captured.id,) and summary.moved == (captured.id,)
    assert summary.delegated == ()
    box = window.findChild(QMessageBox, "incidentSummary")
    assert box is not None and "Delegated 0" in box.informativeText()
