"""The registry of the window's views beside the matrix: today, the balance and the weekly review.

A view module calls :func:`register_view` at import time with a factory that
builds its widget from the main window (``window.bus``, ``window.store``…). The
main window builds every registered view into its tabs, and
``prioritizer screenshot --view NAME`` selects one by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QBoxLayout, QPushButton, QWidget

from prioritizer.domain.values import Changes

ViewFactory = Callable[[Any], QWidget]


@dataclass(frozen=True)
class ViewSpec:
    """A registered view: its name (for --view), tab title and factory.

    A lazy view has no factory yet, only the module that registers it: the window
    imports that module (and builds the view) the first time the tab is shown.
    """

    name: str
    title: str
    factory: ViewFactory | None
    order: int = 100
    module: str = ""


_REGISTRY: dict[str, ViewSpec] = {}


def register_view(name: str, title: str, factory: ViewFactory, order: int = 100) -> None:
    """Make a view available to every main window (``order`` sorts the tabs)."""
    _REGISTRY[name] = ViewSpec(name, title, factory, order)


def register_lazy_view(name: str, title: str, module: str, order: int = 100) -> None:
    """A view whose module (which calls ``register_view``) is imported only when first shown."""
    if name not in _REGISTRY:
        _REGISTRY[name] = ViewSpec(name, title, None, order, module)


def build_view(name: str, window: Any) -> QWidget:
    """Build a registered view, importing a lazy view's module first."""
    spec = _REGISTRY[name]
    if spec.factory is None:
        importlib.import_module(spec.module, __package__)
        spec = _REGISTRY[name]
    assert spec.factory is not None, f"{spec.module} did not register the view {name!r}"
    return spec.factory(window)


# The built-in tabs: their modules (QtCharts, reports) load when a tab is first shown,
# not at start-up. Each module registers its real factory when imported.
register_lazy_view("today", "Today", ".today_view", order=10)
register_lazy_view("balance", "Balance", ".balance_view", order=20)
register_lazy_view("review", "Weekly review", ".review_view", order=30)


def registered_views() -> list[ViewSpec]:
    """The registered views, in tab order."""
    return sorted(_REGISTRY.values(), key=lambda spec: (spec.order, spec.name))


class RefreshWhenShown(QWidget):
    """A view that rebuilds on changes only while visible and catches up when shown.

    Subclasses implement ``refresh`` and call ``listen(bus)``. It starts stale, so a
    hidden tab costs nothing at start-up (it is built and filled when first shown).
    """

    _stale = True

    def listen(self, bus: object | None) -> None:
        """Follow the bus's ``changed`` signal (a view built without a bus shows a snapshot)."""
        changed = getattr(bus, "changed", None)
        if changed is not None:
            changed.connect(self.on_changes)

    def refresh(self) -> None:
        """Rebuild the view from the core."""
        raise NotImplementedError

    def on_changes(self, changes: Changes) -> None:
        """Refresh now if visible, else when next shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Catch up on changes made while hidden."""
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)


def add_step_buttons(
    layout: QBoxLayout, go: Callable[[int], None], middle: str, names: tuple[str, str, str]
) -> tuple[QPushButton, QPushButton, QPushButton]:
    """Compact ◀ / middle / ▶ navigation (arrows named in their tooltips) calling ``go(-1|0|+1)``."""
    buttons = (QPushButton("◀"), QPushButton(middle), QPushButton("▶"))
    for button, step, name in zip(buttons, (-1, 0, 1), names, strict=True):
        button.setToolTip(name)
        button.setAccessibleName(name)
        button.clicked.connect(lambda _=False, s=step: go(s))
        layout.addWidget(button)
    for button in (buttons[0], buttons[2]):
        button.setFixedWidth(max(36, button.fontMetrics().horizontalAdvance("◀") + 24))
    return buttons
