"""Shared pieces of the window tests: adding items, the shown-window fixture, where a card is.

Registered from conftest (``pytest_plugins``), so test files use the ``window`` fixture
without importing it; Qt is imported only when a test asks for a window.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from prioritizer.domain.values import Quadrant
from prioritizer.services.service import ItemDraft, Service

if TYPE_CHECKING:
    from prioritizer.ui.main_window import MainWindow


def add(service: Service, title: str, **fields: object) -> int:
    """Add an item with the given fields; its id."""
    return service.add(ItemDraft(title=title, **fields)).value  # type: ignore[arg-type]


@pytest.fixture
def window(qtbot: Any, service: Service, items: dict[str, int]) -> Iterator[MainWindow]:
    """The main window on the test file's ``items``, shown and active."""
    from prioritizer.ui.main_window import MainWindow
    from PySide6.QtWidgets import QApplication

    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win


def quadrant_of(window: MainWindow, item_id: int) -> Quadrant | None:
    """The quadrant whose model shows the card, or None."""
    for quadrant, model in window.matrix.models.items():
        if model.row_of(item_id) >= 0:
            return quadrant
    return None
