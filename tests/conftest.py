"""Shared test setup: offscreen Qt, isolated data folders, a fixed clock, a temporary database."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Fixed zone for every test: days, weeks and DST are computed in Europe/Berlin.
os.environ["TZ"] = "Europe/Berlin"

from prioritizer.services.service import Service  # noqa: E402

pytest_plugins = ["tests.ui_helpers"]  # the shared `window` fixture of the window tests

_outcome: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Remember the outermost run (the only one whose end may end the process)."""
    _outcome.setdefault("config", config)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Keep the run's exit status for :func:`pytest_unconfigure`."""
    _outcome["status"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End a run that used Qt without the interpreter's teardown, keeping its exit status.

    PySide6 6.12 can abort in the final collection of Qt wrappers ("Fatal Python error:
    bool_dealloc: deallocating True or False", exit 134) after every test passed, depending
    on which tests ran together; a few lines creating widgets and reading properties
    reproduce it outside the suite. The window itself exits cleanly (checked by closing it).
    """
    if config is _outcome.get("config") and "PySide6.QtWidgets" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(_outcome.get("status", 0)))  # type: ignore[call-overload]


# Friday 20 November 2026, 09:00 in Berlin.
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep platformdirs, QSettings and PRIORITIZER_DB away from the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("PRIORITIZER_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path."""
    return tmp_path / "test.sqlite3"


@pytest.fixture
def service(db_path: Path) -> Iterator[Service]:
    """A service on a fresh database with the clock fixed at NOW (mutable via service.clock)."""
    svc = Service.open(str(db_path), now=NOW)
    yield svc
    svc.close()
