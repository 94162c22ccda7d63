"""The bytecode cache of dataclass methods: the same classes, compiled once, kept only where bytecode is."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from prioritizer import codecache

SOURCE = '''
from dataclasses import dataclass, field

@dataclass(frozen=True)
class Point:
    """A record with every kind of field the package uses."""

    x: int
    label: str = "origin"
    tags: list[str] = field(default_factory=list, compare=False)
    note: str = field(default="", compare=False)

@dataclass
class Undocumented:
    size: float
'''


def make_class(name: str = "Point") -> Any:
    namespace: dict[str, Any] = {"__name__": __name__}  # dataclasses reads the globals of the module named
    exec(compile(SOURCE, "<test>", "exec", dont_inherit=True), namespace)  # noqa: S102 - a fixed text
    return namespace[name]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache in a file of this test's own."""
    path = tmp_path / "__pycache__" / "dataclass_methods.cpython-311.pyc"
    monkeypatch.setattr(codecache, "PATH", str(path))
    monkeypatch.setattr(codecache, "_codes", {})
    monkeypatch.setattr(codecache, "_used", set())
    monkeypatch.setattr(codecache, "_state", {"changed": False})
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return path


def behaviour(cls: Any) -> tuple[Any, ...]:
    a, b = cls(1, tags=["x"]), cls(1, tags=["y"], note="other")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 2
    return (a == b, hash(cls(1)) == hash(cls(1)), repr(a), cls(2).label, cls(2).tags is not cls(2).tags,
            [f.name for f in dataclasses.fields(cls)], dataclasses.replace(a, x=5).x,
            cls.__init__.__code__.co_code, cls.__eq__.__code__.co_code, cls.__init__.__annotations__)  # fmt: skip


def test_a_class_made_from_cached_code_is_the_class_made_without(cache: Path) -> None:
    assert getattr(dataclasses, "exec", None) is codecache._exec  # the package installed it on import
    first = make_class()  # compiled, and kept
    assert codecache._state["changed"] and codecache._codes
    codecache._state["changed"] = False
    again = make_class()  # from the kept code objects
    assert not codecache._state["changed"]
    codecache.uninstall()
    try:
        plain = make_class()
    finally:
        codecache.install()
    assert behaviour(first) == behaviour(again) == behaviour(plain)
    assert first.__init__.__annotations__ == {"x": int, "label": str, "tags": list[str], "note": str, "return": None}


def test_a_class_without_a_docstring_gets_the_signature_it_gets_without_the_cache(cache: Path) -> None:
    """dataclasses writes it with inspect, which the package lets it import only then."""
    cached = make_class("Undocumented")
    codecache.uninstall()
    try:
        plain = make_class("Undocumented")
    finally:
        codecache.install()
    assert cached.__doc__ == plain.__doc__ == "Undocumented(size: float)"


def test_importing_the_package_does_not_import_inspect_until_dataclasses_needs_it() -> None:
    probe = (
        "import sys\n"
        "import prioritizer.domain.values, prioritizer.domain.rules, dataclasses\n"
        "print('inspect' in sys.modules)\n"
        "@dataclasses.dataclass\n"
        "class Size:\n"
        "    value: int\n"
        "print(Size.__doc__, dataclasses.inspect is sys.modules['inspect'])\n"
        "import inspect\n"
        "print(inspect.signature(Size))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["False", "Size(value: int) True", "(value: int) -> None"]


def test_a_later_process_reads_what_one_saved(cache: Path) -> None:
    make_class()
    codecache.save()
    assert cache.is_file()
    kept = dict(codecache._codes)
    codecache._codes.clear()
    codecache._load()
    assert codecache._codes.keys() == kept.keys()
    make_class()
    assert not codecache._state["changed"]  # nothing compiled: every text was in the file


def test_nothing_is_written_where_python_writes_no_bytecode(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    make_class()
    codecache.save()
    assert not cache.exists()


@pytest.mark.parametrize("content", [b"", b"garbage", codecache._HEADER + b"\x00not marshal", b"other header" + b"\x00" * 64])
def test_an_unreadable_or_foreign_file_is_ignored(cache: Path, content: bytes) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_bytes(content)
    codecache._load()
    assert codecache._codes == {}
    first = make_class()
    assert behaviour(first)[0] is True
    codecache.save()  # and replaced by a good one
    codecache._codes.clear()
    codecache._load()
    assert codecache._codes
