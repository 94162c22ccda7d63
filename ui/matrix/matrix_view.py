"""The matrix: four quadrant panels two by two, keyboard moves between them.

Urgent on the left, important on top: Do (top left), Schedule (top right),
Delegate (bottom left), Eliminate (bottom right). In incident mode the urgent
column (Do and Delegate) gets the room.
"""

from __future__ import annotations

from prioritizer.ui.matrix.item_store import ItemStore
from prioritizer.ui.matrix.quadrant_model import QuadrantModel
from prioritizer.ui.matrix.quadrant_view import QuadrantPanel, QuadrantView
from prioritizer.ui.panels.filter_bar import ItemFilter
from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from prioritizer.domain.values import ItemView, Quadrant

POSITIONS = {
    Quadrant.DO: (0, 0),
    Quadrant.SCHEDULE: (0, 1),
    Quadrant.DELEGATE: (1, 0),
    Quadrant.ELIMINATE: (1, 1),
}
_BY_POSITION = {pos: q for q, pos in POSITIONS.items()}


class MatrixView(QWidget):
    """Four quadrants; one selection at a time, in the quadrant last used.

    Signals:
        selection_changed(): the selected items changed.
        edit_requested(): Enter on a card.
        repainted(): the cards were repainted after a change (the end of a drop, for the benchmark).
    """

    selection_changed = Signal()
    edit_requested = Signal()
    repainted = Signal()

    def __init__(self, store: ItemStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Eisenhower matrix")
        service = store.bus.service
        self.store = store
        self.models: dict[Quadrant, QuadrantModel] = {}
        self.panels: dict[Quadrant, QuadrantPanel] = {}
        self.views: dict[Quadrant, QuadrantView] = {}
        self._active = Quadrant.DO
        self._incident = False
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        for quadrant in Quadrant:
            model = QuadrantModel(store, quadrant, self)
            panel = QuadrantPanel(model, service.now, service.tz, self)
            self.models[quadrant] = model
            self.panels[quadrant] = panel
            self.views[quadrant] = panel.view
            row, col = POSITIONS[quadrant]
            grid.addWidget(panel, row, col)
            view = panel.view
            view.selectionModel().selectionChanged.connect(lambda *_, q=quadrant: self._selection_moved(q))
            view.edge_reached.connect(lambda direction, q=quadrant: self._edge(q, direction))
            view.edit_requested.connect(self.edit_requested)
        self._grid = grid
        self.set_incident(False)
        # Connected after the models: paint the moved cards at once, before slower listeners
        # of the same change (balance, details, status bar) take their turn.
        store.updated.connect(self._repaint_now)

    def _repaint_now(self, *_: object) -> None:
        if not self.isVisible():
            return
        for quadrant, view in self.views.items():
            if self.models[quadrant].touched:
                view.viewport().repaint()
        self.repainted.emit()

    # --------------------------------------------------------------- selection
    def active_quadrant(self) -> Quadrant:
        """The quadrant whose selection the triage actions act on."""
        return self._active

    def selected_ids(self) -> list[int]:
        """The ids selected in the active quadrant, top to bottom."""
        view = self.views[self._active]
        model = self.models[self._active]
        rows = sorted(i.row() for i in view.selectionModel().selectedRows())
        return [model.views()[r].id for r in rows if r < model.rowCount()]

    def current_item(self) -> ItemView | None:
        """The item the details panel should show: the single (or first) selected card."""
        ids = self.selected_ids()
        return self.store.get(ids[0]) if ids else None

    def select_ids(self, ids: list[int]) -> None:
        """Select these items (in the quadrant of the first one found) and focus it."""
        for quadrant, model in self.models.items():
            rows = [model.row_of(i) for i in ids]
            rows = [r for r in rows if r >= 0]
            if not rows:
                continue
            view = self.views[quadrant]
            cards = view.model()  # the view's pass-through proxy: same rows as the quadrant model
            selection = view.selectionModel()
            selection.clearSelection()
            for r in rows:
                selection.select(cards.index(r, 0), QItemSelectionModel.SelectionFlag.Select)
            selection.setCurrentIndex(cards.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            view.scrollTo(cards.index(rows[0], 0))
            self._active = quadrant
            return

    def focus_quadrant(self, quadrant: Quadrant) -> None:
        """Move the keyboard focus to a quadrant, selecting a card there."""
        view = self.views[quadrant]
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._active = quadrant
        view.select_first_if_none()
        self.selection_changed.emit()

    def focus_active(self) -> None:
        """Give the keyboard focus back to the matrix."""
        self.focus_quadrant(self._active)

    def _selection_moved(self, quadrant: Quadrant) -> None:
        view = self.views[quadrant]
        if view.selectionModel().hasSelection() and quadrant is not self._active:
            previous = self.views[self._active]
            self._active = quadrant
            previous.selectionModel().blockSignals(True)
            previous.clearSelection()
            previous.selectionModel().blockSignals(False)
            previous.viewport().update()
        self.selection_changed.emit()

    def _edge(self, quadrant: Quadrant, direction: str) -> None:
        row, col = POSITIONS[quadrant]
        step = {"left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}[direction]
        target = _BY_POSITION.get((row + step[0], col + step[1]))
        if target is not None:
            self.focus_quadrant(target)

    # ------------------------------------------------------------------ modes
    def set_filter(self, item_filter: ItemFilter) -> None:
        """Apply a filter to every quadrant."""
        for model in self.models.values():
            model.set_filter(item_filter)
        self.selection_changed.emit()

    def set_incident(self, on: bool) -> None:
        """Give the urgent column the room during an incident (and share it evenly otherwise)."""
        self._incident = on
        self._grid.setColumnStretch(0, 3 if on else 1)
        self._grid.setColumnStretch(1, 1)
        for quadrant in (Quadrant.SCHEDULE, Quadrant.ELIMINATE):
            self.panels[quadrant].meaning.setVisible(not on)

    def repaint_cards(self) -> None:
        """Repaint every card (countdowns moved on)."""
        for view in self.views.values():
            view.viewport().update()
