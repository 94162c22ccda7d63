"""The quadrant models, drag and drop, keyboard triage, undo and redo."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prioritizer.ui.actions import ActionId
from prioritizer.ui.main_window import MainWindow
from prioritizer.ui.matrix.quadrant_model import MIME_TYPE, IdRole, ItemRole, decode_ids, encode_ids
from PySide6.QtCore import QEvent, QItemSelectionModel, QMimeData, QModelIndex, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from prioritizer.domain.values import Importance, Kind, Quadrant, Status
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW
from tests.ui_helpers import add, quadrant_of

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def items(service: Service) -> dict[str, int]:
    return {
        "fire": add(service, "Sev1 ACME checkout down", kind=Kind.ESCALATION, severity=1, due=NOW + timedelta(hours=2)),
        "plan": add(service, "Q1 staffing plan", importance=Importance.HIGH, strategic=True),
        "refund": add(service, "Refund backlog", due=NOW + timedelta(hours=3), delegated_to="Sam"),
        "tidy": add(service, "Tidy the shared drive", importance=Importance.LOW),
        "vendor": add(service, "Renew vendor contract", importance=Importance.HIGH, due=NOW + timedelta(hours=30)),
    }


def select(window: MainWindow, *ids: int) -> None:
    window.matrix.select_ids(list(ids))
    quadrant = quadrant_of(window, ids[0])
    assert quadrant is not None
    window.matrix.views[quadrant].setFocus()


def drop_on(window: MainWindow, quadrant: Quadrant, mime: QMimeData, action: Qt.DropAction = Qt.DropAction.MoveAction) -> QDropEvent:
    viewport = window.matrix.views[quadrant].viewport()
    center = viewport.rect().center()
    enter = QDragEnterEvent(QPointF(center), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(QPointF(center), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(QPointF(center), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)
    return drop


# ---------------------------------------------------------------- the models
def test_every_quadrant_model_passes_the_model_tester(window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    for model in window.matrix.models.values():
        qtmodeltester.check(model)


def test_models_pass_the_model_tester_while_changing(qtbot, service: Service, items: dict[str, int], qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(service)
    qtbot.addWidget(win)
    model = win.matrix.models[Quadrant.DELEGATE]
    qtmodeltester.check(model, force_py=True)
    win.move_items([items["plan"], items["tidy"]], Quadrant.DELEGATE)
    win.undo()
    win.move_items([items["refund"]], Quadrant.ELIMINATE)
    assert model.row_of(items["refund"]) == -1


def test_items_sit_in_their_quadrants_most_pressing_first(window: MainWindow, items: dict[str, int], service: Service) -> None:
    assert quadrant_of(window, items["fire"]) is Quadrant.DO
    assert quadrant_of(window, items["plan"]) is Quadrant.SCHEDULE
    assert quadrant_of(window, items["refund"]) is Quadrant.DELEGATE
    assert quadrant_of(window, items["tidy"]) is Quadrant.ELIMINATE
    schedule = window.matrix.models[Quadrant.SCHEDULE]
    assert schedule.ids() == [items["vendor"], items["plan"]]  # the dated one first
    index = schedule.index(0, 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "Renew vendor contract"
    assert index.data(IdRole) == items["vendor"]
    assert index.data(ItemRole).importance is Importance.HIGH
    assert "Renew vendor contract" in index.data(Qt.ItemDataRole.AccessibleTextRole)


def test_header_shows_count_and_estimated_minutes(qtbot, service: Service) -> None:  # type: ignore[no-untyped-def]
    add(service, "Draft the QBR deck", importance=Importance.HIGH, estimate_minutes=90)
    add(service, "Coaching plan", importance=Importance.HIGH, estimate_minutes=45)
    win = MainWindow(service)
    qtbot.addWidget(win)
    panel = win.matrix.panels[Quadrant.SCHEDULE]
    assert panel.title.text() == "Schedule"
    assert "protect time" in panel.meaning.text()
    assert panel.stats.text() == "2 items · 2 h 15 est."
    assert win.matrix.panels[Quadrant.DO].stats.text() == "0 items"


def test_html_in_a_title_stays_plain_text(qtbot, service: Service) -> None:  # type: ignore[no-untyped-def]
    item = add(service, "<b>bold</b> <img src=x> title", importance=Importance.HIGH)
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    win.matrix.select_ids([item])
    assert win.details.title.text() == "<b>bold</b> <img src=x> title"
    assert win.details.title.textFormat() == Qt.TextFormat.PlainText


def test_mime_round_trip_and_garbage() -> None:
    mime = encode_ids([3, 5])
    assert mime.hasFormat(MIME_TYPE)
    assert decode_ids(mime) == [3, 5]
    bad = QMimeData()
    bad.setData(MIME_TYPE, b"{not json")
    assert decode_ids(bad) == []
    text = QMimeData()
    text.setText("12")
    assert decode_ids(text) == []


def test_model_does_not_remove_rows_by_itself(window: MainWindow, items: dict[str, int]) -> None:
    model = window.matrix.models[Quadrant.SCHEDULE]
    before = model.ids()
    assert model.removeRows(0, 1, QModelIndex()) is False
    assert model.ids() == before


# ------------------------------------------------------------------ the drops
def test_drop_through_the_model_pins_via_the_core(window: MainWindow, items: dict[str, int], service: Service) -> None:
    source = window.matrix.models[Quadrant.SCHEDULE]
    target = window.matrix.models[Quadrant.DELEGATE]
    mime = source.mimeData([source.index(source.row_of(items["plan"]), 0)])
    assert target.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert not target.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    assert target.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert quadrant_of(window, items["plan"]) is Quadrant.DELEGATE
    view = service.get(items["plan"])
    assert view.quadrant is Quadrant.DELEGATE and view.placement.pinned
    assert window.undo_stack.count() == 1


def test_drop_event_on_the_viewport_moves_the_selected_items(window: MainWindow, items: dict[str, int], service: Service) -> None:
    source = window.matrix.models[Quadrant.SCHEDULE]
    mime = source.mimeData([source.index(0, 0), source.index(1, 0)])
    drop = drop_on(window, Quadrant.DO, mime)
    assert drop.isAccepted()
    assert drop.dropAction() == Qt.DropAction.MoveAction
    assert quadrant_of(window, items["plan"]) is Quadrant.DO
    assert quadrant_of(window, items["vendor"]) is Quadrant.DO
    assert source.rowCount() == 0
    assert all(service.get(i).placement.pinned for i in (items["plan"], items["vendor"]))
    assert window.undo_stack.count() == 1  # one command for the whole selection
    window.undo()
    assert quadrant_of(window, items["plan"]) is Quadrant.SCHEDULE
    assert not service.get(items["vendor"]).placement.pinned


def test_a_copy_or_foreign_drop_is_refused(window: MainWindow, items: dict[str, int]) -> None:
    mime = encode_ids([items["plan"]])
    drop = drop_on(window, Quadrant.DO, mime, Qt.DropAction.CopyAction)
    assert not drop.isAccepted()
    foreign = QMimeData()
    foreign.setText("hello")
    drop_on(window, Quadrant.DO, foreign)
    assert quadrant_of(window, items["plan"]) is Quadrant.SCHEDULE
    assert window.undo_stack.count() == 0


def test_drop_where_the_rules_agree_clears_the_pin(window: MainWindow, items: dict[str, int], service: Service) -> None:
    window.move_items([items["plan"]], Quadrant.ELIMINATE)
    assert service.get(items["plan"]).placement.pinned
    mime = encode_ids([items["plan"]])
    drop_on(window, Quadrant.SCHEDULE, mime)
    view = service.get(items["plan"])
    assert view.quadrant is Quadrant.SCHEDULE and not view.placement.pinned
    card = window.matrix.models[Quadrant.SCHEDULE].index(window.matrix.models[Quadrant.SCHEDULE].row_of(items["plan"]), 0)
    assert not card.data(ItemRole).placement.pinned


def test_drag_hover_outlines_the_target_panel(window: MainWindow, items: dict[str, int]) -> None:
    mime = encode_ids([items["plan"]])
    viewport = window.matrix.views[Quadrant.DELEGATE].viewport()
    enter = QDragEnterEvent(QPointF(10, 10), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert window.matrix.panels[Quadrant.DELEGATE].property("dropTarget") is True
    drop_on(window, Quadrant.DELEGATE, mime)
    assert window.matrix.panels[Quadrant.DELEGATE].property("dropTarget") is False


def test_the_drop_outline_is_painted_in_the_highlight_colour_and_goes_away(window: MainWindow, items: dict[str, int]) -> None:
    panel = window.matrix.panels[Quadrant.DELEGATE]
    palette = panel.palette()

    def border() -> QColor:
        return panel.grab().toImage().pixelColor(0, panel.height() // 2)

    def near(a: QColor, b: QColor) -> bool:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60

    assert near(border(), palette.color(QPalette.ColorRole.Mid))
    mime = encode_ids([items["plan"]])
    enter = QDragEnterEvent(QPointF(10, 10), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel.view.viewport(), enter)
    assert near(border(), palette.color(QPalette.ColorRole.Highlight))
    assert not near(palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.Mid))
    QApplication.sendEvent(panel.view.viewport(), QDragLeaveEvent())
    assert near(border(), palette.color(QPalette.ColorRole.Mid))


# ---------------------------------------------------------- keyboard triage
@pytest.mark.parametrize(
    ("key", "quadrant"),
    [(Qt.Key.Key_1, Quadrant.DO), (Qt.Key.Key_3, Quadrant.DELEGATE), (Qt.Key.Key_4, Quadrant.ELIMINATE)],
)
def test_number_keys_send_the_selection(window: MainWindow, items: dict[str, int], key: Qt.Key, quadrant: Quadrant) -> None:
    select(window, items["plan"], items["vendor"])
    view = window.matrix.views[Quadrant.SCHEDULE]
    view.selectionModel().select(view.model().index(1, 0), QItemSelectionModel.SelectionFlag.Select)
    QTest.keyClick(view, key)
    assert quadrant_of(window, items["plan"]) is quadrant
    assert quadrant_of(window, items["vendor"]) is quadrant


def test_typing_a_digit_in_quick_add_does_not_triage(window: MainWindow, items: dict[str, int]) -> None:
    select(window, items["plan"])
    window.quick_add.focus()
    QTest.keyClicks(window.quick_add.line, "Call 3 customers")
    assert window.quick_add.line.text() == "Call 3 customers"
    assert quadrant_of(window, items["plan"]) is Quadrant.SCHEDULE


def test_keyboard_triage_flows_to_the_next_card(window: MainWindow, items: dict[str, int]) -> None:
    select(window, items["vendor"])
    view = window.matrix.views[Quadrant.SCHEDULE]
    QTest.keyClick(view, Qt.Key.Key_3)
    assert quadrant_of(window, items["vendor"]) is Quadrant.DELEGATE
    assert window.matrix.selected_ids() == [items["plan"]]  # the next card is ready for a key


def test_arrows_move_between_quadrants(window: MainWindow, items: dict[str, int]) -> None:
    window.matrix.focus_quadrant(Quadrant.DO)
    QTest.keyClick(window.matrix.views[Quadrant.DO], Qt.Key.Key_Right)
    assert window.matrix.active_quadrant() is Quadrant.SCHEDULE
    assert window.matrix.views[Quadrant.SCHEDULE].hasFocus()
    assert window.matrix.selected_ids() == [items["vendor"]]
    QTest.keyClick(window.matrix.views[Quadrant.SCHEDULE], Qt.Key.Key_Down)  # to the second card
    assert window.matrix.selected_ids() == [items["plan"]]
    QTest.keyClick(window.matrix.views[Quadrant.SCHEDULE], Qt.Key.Key_Down)  # past the edge
    assert window.matrix.active_quadrant() is Quadrant.ELIMINATE
    QTest.keyClick(window.matrix.views[Quadrant.ELIMINATE], Qt.Key.Key_Left)
    assert window.matrix.active_quadrant() is Quadrant.DELEGATE
    QTest.keyClick(window.matrix.views[Quadrant.DELEGATE], Qt.Key.Key_Up)
    assert window.matrix.active_quadrant() is Quadrant.DO


def test_space_starts_and_stops_the_timer(window: MainWindow, items: dict[str, int], service: Service) -> None:
    select(window, items["fire"])
    view = window.matrix.views[Quadrant.DO]
    QTest.keyClick(view, Qt.Key.Key_Space)
    window.flush()  # the status bar follows on the next turn of the event loop
    running = service.running()
    assert running is not None and running.item_id == items["fire"]
    assert window.store.get(items["fire"]).timer_running  # type: ignore[union-attr]
    assert "Sev1 ACME checkout down" in window.timer_label.text()
    # marked with the timer icon, not a "⏱" character most fonts cannot draw
    assert "⏱" not in window.timer_label.text()
    assert window.timer_icon.isVisible() and not window.timer_icon.pixmap().isNull()
    QTest.keyClick(view, Qt.Key.Key_Space)
    window.flush()
    assert service.running() is None
    assert window.timer_label.text() == "No timer running"
    assert not window.timer_icon.isVisible()


def test_ctrl_d_done_and_delete_drop_then_undo_redo(window: MainWindow, items: dict[str, int], service: Service) -> None:
    select(window, items["fire"])
    QTest.keyClick(window.matrix.views[Quadrant.DO], Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert service.get(items["fire"]).status is Status.DONE
    assert quadrant_of(window, items["fire"]) is None
    select(window, items["tidy"])
    QTest.keyClick(window.matrix.views[Quadrant.ELIMINATE], Qt.Key.Key_Delete)
    assert service.get(items["tidy"]).status is Status.DROPPED
    QTest.keyClick(window.matrix.views[Quadrant.ELIMINATE], Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert service.get(items["tidy"]).status is Status.OPEN
    assert quadrant_of(window, items["tidy"]) is Quadrant.ELIMINATE
    window.undo()
    assert quadrant_of(window, items["fire"]) is Quadrant.DO
    QTest.keyClick(window.matrix.views[Quadrant.DO], Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert service.get(items["fire"]).status is Status.DONE


def test_f2_and_enter_edit_through_an_undoable_command(window: MainWindow, items: dict[str, int], service: Service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    import prioritizer.ui.main_window as main_window
    from PySide6.QtWidgets import QDialog

    opened: list[int] = []

    class FakeDialog:
        def __init__(self, draft: ItemDraft, *args: object, **kwargs: object) -> None:
            self._draft = draft
            opened.append(1)

        def exec(self) -> QDialog.DialogCode:
            return QDialog.DialogCode.Accepted

        def draft(self) -> ItemDraft:
            return replace(self._draft, title=self._draft.title + " (edited)", delegated_to="Priya")

    monkeypatch.setattr(main_window, "ItemDialog", FakeDialog)
    select(window, items["tidy"])
    QTest.keyClick(window.matrix.views[Quadrant.ELIMINATE], Qt.Key.Key_F2)
    assert service.get(items["tidy"]).title == "Tidy the shared drive (edited)"
    assert service.get(items["tidy"]).delegated_to == "Priya"
    select(window, items["tidy"])
    QTest.keyClick(window.matrix.views[Quadrant.ELIMINATE], Qt.Key.Key_Return)
    assert len(opened) == 2
    assert service.get(items["tidy"]).title == "Tidy the shared drive (edited) (edited)"
    window.undo()
    window.undo()
    assert service.get(items["tidy"]).title == "Tidy the shared drive"
    assert service.get(items["tidy"]).delegated_to is None
    window.redo()
    assert service.get(items["tidy"]).title == "Tidy the shared drive (edited)"


def test_zero_lets_the_rules_decide(window: MainWindow, items: dict[str, int], service: Service) -> None:
    window.move_items([items["plan"]], Quadrant.DO)
    select(window, items["plan"])
    QTest.keyClick(window.matrix.views[Quadrant.DO], Qt.Key.Key_0)
    assert quadrant_of(window, items["plan"]) is Quadrant.SCHEDULE
    window.undo()
    assert quadrant_of(window, items["plan"]) is Quadrant.DO
    assert service.get(items["plan"]).placement.pinned


def test_card_actions_are_disabled_without_a_selection(window: MainWindow) -> None:
    window.matrix.views[Quadrant.DO].clearSelection()
    window.matrix.views[Quadrant.SCHEDULE].clearSelection()
    assert not window.actions[ActionId.TO_DO].isEnabled()
    assert not window.actions[ActionId.DONE].isEnabled()
    assert window.actions[ActionId.QUICK_ADD].isEnabled()


# -------------------------------------------------------------- undo / redo
def test_undo_redo_of_add_keeps_later_commands_working(window: MainWindow, service: Service) -> None:
    window.quick_add.line.setText("Sev2 Globex export broken due 1h")
    window.quick_add.submit()
    new_id = max(v.id for v in window.store.views())
    assert service.get(new_id).kind is Kind.ESCALATION
    window.move_items([new_id], Quadrant.ELIMINATE)
    window.undo()  # move
    window.undo()  # add
    assert window.store.get(new_id) is None
    with pytest.raises(Exception):  # noqa: B017 - gone for good
        service.get(new_id)
    window.redo()  # add again: a new id
    window.redo()  # the move follows the item to its new id
    again = [v for v in window.store.views() if v.title == "Globex export broken"]
    assert len(again) == 1
    assert again[0].quadrant is Quadrant.ELIMINATE and again[0].placement.pinned


def test_undo_of_a_move_restores_the_old_pin_exactly(window: MainWindow, items: dict[str, int], service: Service) -> None:
    window.move_items([items["plan"]], Quadrant.DO)
    first_pin = service.get(items["plan"]).pinned_at
    service.clock = lambda: NOW + timedelta(minutes=5)
    window.move_items([items["plan"]], Quadrant.ELIMINATE)
    window.undo()
    view = service.get(items["plan"])
    assert view.quadrant is Quadrant.DO and view.pinned_at == first_pin
    assert "Move 1 item to Eliminate" in window.actions[ActionId.REDO].text()


def test_a_refused_operation_is_reported_and_not_pushed(window: MainWindow, items: dict[str, int], service: Service) -> None:
    service.done(items["plan"])  # behind the window's back
    window.move_items([items["plan"]], Quadrant.DO)
    assert window.undo_stack.count() == 0
    # Done since the window read it: refused as changed elsewhere, and the card reloaded (gone).
    assert window.statusBar().currentMessage() == "Q1 staffing plan was changed elsewhere; nothing was overwritten"
    assert quadrant_of(window, items["plan"]) is None
    assert service.get(items["plan"]).status is Status.DONE


def test_card_tooltip_shows_an_html_title_as_typed(qtbot, service: Service) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtGui import QTextDocument

    title = "<b>bold</b> & <script>"
    item = add(service, title, kind=Kind.ESCALATION, severity=1)
    win = MainWindow(service)
    qtbot.addWidget(win)
    model = win.matrix.models[Quadrant.DO]
    tip = model.index(model.row_of(item), 0).data(Qt.ItemDataRole.ToolTipRole)
    # Render it the way QToolTip does (rich text when it looks like HTML): nothing is lost or bolded.
    document = QTextDocument()
    if GuiQt.mightBeRichText(tip):
        document.setHtml(tip)
    else:
        document.setPlainText(tip)
    shown = document.toPlainText().replace("\u2028", "\n").splitlines()
    assert shown == [title, "Sev 1 escalation."]


def _top_card(window: MainWindow, quadrant: Quadrant) -> int:
    """The row drawn at the top of a quadrant's list (-1: no card drawn there)."""
    view = window.matrix.views[quadrant]
    return view.indexAt(view.viewport().rect().topLeft() + QPointF(20, 20).toPoint()).row()


def test_long_quadrants_show_their_cards_at_the_first_paint_and_right_after_a_drop(qtbot, service: Service) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.services.service import ImportRecord

    plans = [ItemDraft(title=f"Plan {n}", importance=Importance.HIGH, due=NOW + timedelta(days=5 + n % 20)) for n in range(300)]
    records = [ImportRecord(draft, label=f"r{n}") for n, draft in enumerate(plans)]
    records += [ImportRecord(ItemDraft(title=f"Someday {n}", importance=Importance.LOW), label=f"s{n}") for n in range(300)]
    service.import_items(records)
    window = MainWindow(service)
    qtbot.addWidget(window)
    seen: dict[str, list[int]] = {}
    first_paint = window.matrix.views[Quadrant.SCHEDULE].viewport()

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and "first paint" not in seen:
                seen["first paint"] = [_top_card(window, q) for q in (Quadrant.SCHEDULE, Quadrant.ELIMINATE)]
            return False

    watch = Watch()
    first_paint.installEventFilter(watch)
    window.show()
    qtbot.waitUntil(lambda: "first paint" in seen)
    assert seen["first paint"] == [0, 0]  # 300 cards each: drawn, not an empty list waiting for a batched layout
    moved = window.matrix.models[Quadrant.SCHEDULE].ids()[0]
    window.matrix.repainted.connect(lambda: seen.setdefault("after drop", [_top_card(window, Quadrant.ELIMINATE)]))
    drop_on(window, Quadrant.ELIMINATE, encode_ids([moved]))
    assert seen["after drop"] == [0]  # the repaint that ends a drop shows the cards
    assert window.matrix.models[Quadrant.ELIMINATE].row_of(moved) >= 0


def test_the_repaint_that_ends_a_drop_paints_both_quadrants_it_touched_and_only_them(qtbot, service: Service) -> None:  # type: ignore[no-untyped-def]
    """Synchronously, before ``repainted``: the card is drawn where it went and gone from where it was."""
    plan = add(service, "Q1 staffing plan", importance=Importance.HIGH, due=NOW + timedelta(days=10))
    add(service, "Someday: tidy the wiki", importance=Importance.LOW)
    add(service, "Sev1 checkout down", kind=Kind.ESCALATION, severity=1)
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    painted: list[Quadrant] = []
    at_signal: list[list[Quadrant]] = []

    class Watch(QObject):
        def __init__(self, quadrant: Quadrant) -> None:
            super().__init__()
            self.quadrant = quadrant

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.append(self.quadrant)
            return False

    watches = [Watch(q) for q in Quadrant]
    for watch in watches:
        window.matrix.views[watch.quadrant].viewport().installEventFilter(watch)
    QApplication.processEvents()
    painted.clear()
    window.matrix.repainted.connect(lambda: at_signal.append(sorted(set(painted), key=list(Quadrant).index)))
    drop_on(window, Quadrant.ELIMINATE, encode_ids([plan]))
    assert at_signal and at_signal[0] == [Quadrant.SCHEDULE, Quadrant.ELIMINATE]
    assert window.matrix.models[Quadrant.ELIMINATE].row_of(plan) >= 0
