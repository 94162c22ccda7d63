"""A bytecode cache for the methods ``@dataclass`` writes, kept beside the package's own bytecode.

CPython 3.11's ``dataclasses`` writes the source of every generated method (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, a frozen class's ``__setattr__``...) and compiles
it with ``exec`` on every import: 54 compiles, about 14 ms, for the classes the command
line and the window define before their first output (ARCHITECTURE.md, "What keeps the
start fast"). Python caches the bytecode of modules, not of these.

:func:`install` gives ``dataclasses`` an ``exec`` that compiles each distinct source text
once and keeps the code objects in ``__pycache__`` (where Python keeps the package's
``.pyc`` files, following ``sys.pycache_prefix``), keyed by the exact text. Executing a
code object compiled from a text is what executing the text does, so the classes are the
same. Python's own switches apply: nothing is written when bytecode is not
(``sys.dont_write_bytecode``, ``PYTHONDONTWRITEBYTECODE``), a file of another
interpreter or bytecode version is ignored, and so is anything unreadable.

``dataclasses`` also imports ``inspect`` (~10 ms with ``ast``, ``dis`` and ``tokenize``) for one
use: the text signature it gives a class without a docstring. :func:`import_dataclasses`
gives it a stand-in that imports ``inspect`` on first use, so a command that makes no
such class (``list``) never pays for it.
"""

from __future__ import annotations

import atexit
import builtins
import importlib.util
import marshal
import os
import sys
from types import CodeType, ModuleType

TYPE_CHECKING = False  # typing costs ~6 ms of every command; the annotations are strings
if TYPE_CHECKING:
    from typing import Any

# A cache file named like a module's bytecode: the interpreter's tag and __pycache__ come with it.
PATH = importlib.util.cache_from_source(os.path.join(os.path.dirname(__file__), "dataclass_methods.py"))
# Version 2: version 1 compiled with this module's __future__ flags; its files are ignored.
_HEADER = b"prioritizer dataclass methods 2\n" + importlib.util.MAGIC_NUMBER
_LIMIT = 400  # texts kept at most (the package makes about 180): older versions of the classes drop out

_codes: dict[str, CodeType] = {}
_used: set[str] = set()
_state = {"changed": False}


def _exec(source: Any, globals: dict[str, Any] | None = None, locals: dict[str, Any] | None = None) -> None:  # noqa: A002
    """``exec`` for ``dataclasses``: a source text is compiled once, then run from its code object."""
    if type(source) is str:
        code = _codes.get(source)
        if code is None:
            # What exec(text) compiles when dataclasses calls it: dataclasses has no __future__
            # imports, so neither may this (this module's postponed annotations would turn the
            # methods' annotations into the text of dataclasses' local names).
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _codes[source] = code
            _state["changed"] = True
        _used.add(source)
        source = code
    builtins.exec(source, globals, locals)


def _load() -> None:
    try:
        with open(PATH, "rb") as cache:
            data = cache.read()  # marshal.load on the file reads it piece by piece: ten times slower
        if not data.startswith(_HEADER):
            return
        loaded = marshal.loads(memoryview(data)[len(_HEADER) :])
    except (OSError, EOFError, ValueError, TypeError):
        return
    if isinstance(loaded, dict):
        _codes.update((k, v) for k, v in loaded.items() if type(k) is str and type(v) is CodeType)


def save() -> None:
    """Write the cache if this process compiled something new (atomically; never an error)."""
    if not _state["changed"] or sys.dont_write_bytecode:
        return
    kept = _codes if len(_codes) <= _LIMIT else {k: _codes[k] for k in _used}
    temporary = f"{PATH}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(PATH), exist_ok=True)
        with open(temporary, "wb") as cache:
            cache.write(_HEADER)
            marshal.dump(kept, cache)
        os.replace(temporary, PATH)
        _state["changed"] = False
    except (OSError, ValueError):
        try:
            os.unlink(temporary)
        except OSError:
            pass


class _InspectOnUse(ModuleType):
    """What ``dataclasses`` holds as ``inspect`` until it uses it: the first use imports the real one."""

    def __getattr__(self, name: str) -> Any:  # only called for attributes a plain module lacks
        import inspect  # the real module: the stand-in left sys.modules when dataclasses was imported

        sys.modules["dataclasses"].inspect = inspect  # type: ignore[attr-defined]
        return getattr(inspect, name)


def import_dataclasses() -> ModuleType:
    """``dataclasses``; imported (when it is not yet) with :class:`_InspectOnUse` in place of ``inspect``.

    The stand-in is in ``sys.modules`` only while ``dataclasses`` imports: any other
    ``import inspect`` gets the real module.
    """
    if "dataclasses" not in sys.modules and "inspect" not in sys.modules:
        stand_in = sys.modules["inspect"] = _InspectOnUse("inspect")
        try:
            import dataclasses
        finally:
            if sys.modules.get("inspect") is stand_in:
                del sys.modules["inspect"]
    import dataclasses

    return dataclasses


def install() -> None:
    """Route ``dataclasses``' compiles through the cache (once; before the package's classes are made)."""
    dataclasses = import_dataclasses()
    if getattr(dataclasses, "exec", None) is _exec:
        return
    _load()
    # dataclasses calls exec by its global name: a module global of that name comes before the builtin.
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    atexit.register(save)


def uninstall() -> None:
    """Back to the builtin ``exec`` (tests)."""
    dataclasses = import_dataclasses()
    if getattr(dataclasses, "exec", None) is _exec:
        del dataclasses.exec
        atexit.unregister(save)
