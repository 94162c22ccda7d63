"""User text is shown as typed: a title like ``<b>bold</b><img src=x>`` is never rendered as rich text.

Qt renders a QLabel or QMessageBox text that looks like HTML as HTML (AutoText): the tags
vanish, the rest turns bold, an image is fetched. Each place below shows text the user typed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from prioritizer.ui.bus import Bus
from prioritizer.ui.dialogs.forgotten_timer import ForgottenTimerDialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from prioritizer.domain.values import InputError
from prioritizer.services.service import ItemDraft, Service
from tests.conftest import NOW

HTML_TITLE = "<b>bold</b><img src=x>"
H = timedelta(hours=1)


@pytest.fixture
def bus(qtbot: QtBot, service: Service) -> Bus:
    return Bus(service)


def test_the_timer_still_running_question_shows_the_title_as_typed(qtbot: QtBot, bus: Bus, service: Service) -> None:
    from prioritizer.services.timekeeping import forgotten_timer

    item = service.add(ItemDraft(HTML_TITLE), created_at=NOW - H).value
    service.start_timer(item)
    service.clock = lambda: NOW + 6 * H
    entry = forgotten_timer(service)
    assert entry is not None
    dialog = ForgottenTimerDialog(bus, entry, service.get(item).title)
    qtbot.addWidget(dialog)
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert f"The timer on “{HTML_TITLE}” has run" in dialog.message.text()
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText


def test_a_failed_review_export_names_the_file_as_typed(qtbot: QtBot, tmp_path: Path) -> None:
    from prioritizer.ui.tabs.review_view import export_failed

    parent = QWidget()
    qtbot.addWidget(parent)
    path = str(tmp_path / "<b>review</b>" / "week.pdf")
    box = export_failed(parent, path, InputError(f"cannot write {HTML_TITLE}"))
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == f"Could not write {path}:\ncannot write {HTML_TITLE}"
    box.close()
