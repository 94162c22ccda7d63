"""The road to the first paint, before PySide6 loads: quicker Qt enums, no import hook, no garbage collection.

Imports nothing from Qt until :func:`begin`, which ``prioritizer`` (cli/guicmds.py)
calls to load PySide6; the window calls :func:`end` once the matrix has painted
(ui/app.py). ARCHITECTURE.md ("What keeps the start fast") has the figures.

- **Qt enums.** PySide6 makes a Python ``enum`` class for every enum of a Qt class
  the first time the class is used: 363 of them before the
  window's first paint, where a bare window makes 37. Python 3.11 builds a
  functional-API enum member by member through ``_EnumDict`` and ``_proto_member``;
  ``enum._simple_enum`` (what the standard library uses for its own enums, such
  as ``re.RegexFlag``) builds the same class without the per-member checks, 1.7 to
  3 times faster (a 471-member IntEnum: 10.6 ms against 4.2). :func:`quick_enum` sends PySide6's calls there
  (``Base(name, [(member, value), ...], boundary=KEEP)``); any other call, or a
  Python without ``_simple_enum``, takes the standard path. On Python 3.11,
  :func:`_lean_enum` does ``_simple_enum``'s steps 2.5 times faster again.
  ``tests/test_ui_startup.py`` holds every enum of QtCore, QtGui and QtWidgets made
  this way equal to the standard one.
- **The import hook.** PySide6 replaces ``builtins.__import__`` with a hook that
  reads the whole source of every module imported after it, to look for
  ``from __feature__ import``; nothing here uses those features.
- **The collector.** A start allocates hundreds of thousands of objects that all
  live on (modules, Qt wrappers, the items); collecting while they are made
  walks them again and again. ``end`` freezes them (``gc.freeze``) so later
  collections, during a drag say, do not walk them either.
"""

from __future__ import annotations

import builtins
import enum
import gc
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside (restored as it was)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_standard_create = enum.EnumType._create_  # type: ignore[attr-defined]  # private, not in the stubs
_simple_enum = getattr(enum, "_simple_enum", None)
_started: list[tuple[bool, ExitStack]] = []  # (collector was on, the import hook's skip) from begin to end


def quick_enum(
    cls: Any,
    class_name: str,
    names: Any,
    *,
    module: str | None = None,
    qualname: str | None = None,
    type: Any = None,  # noqa: A002 - the name enum's own signature uses
    start: int = 1,
    boundary: Any = None,
) -> Any:
    """``EnumType._create_`` for PySide6's calls through ``enum._simple_enum``; the standard one for anything else."""
    simple = _simple_enum
    body = _plain_members(names) if module is None and qualname is None and type is None else None
    caller = _caller_module() if body is not None else None
    if simple is None or body is None or caller is None:
        return _standard_create(
            cls, class_name, names, module=module, qualname=qualname, type=type, start=start, boundary=boundary
        )
    if cls in _LEAN_BASES and _lean_is_exact():
        made = _lean_enum(cls, class_name, body, caller, boundary)
    else:
        made = simple(cls, boundary=boundary)(builtins.type(class_name, (), {**body, "__module__": caller}))
    made.__doc__ = None  # what the standard path leaves (_simple_enum writes "An enumeration.")
    return made


# Python 3.11's _simple_enum, below, for the four bases PySide6 uses; any other Python takes _simple_enum.
_LEAN_BASES = (enum.Enum, enum.IntEnum, enum.Flag, enum.IntFlag)
_REDIRECT = dict(enum.property().__dict__)  # what enum.property() holds before __set_name__
# Some 3.11 releases (3.11.7) keep a mask of a flag's single bits and count multi-bit values in its mask; 3.11.2 does neither.
_SINGLES = "_singles_mask_" in vars(enum.Flag)
_lean_checked: list[bool] = []


def _lean_is_exact() -> bool:
    """Whether :func:`_lean_enum` makes what this Python's ``_simple_enum`` makes (checked once per process).

    The probes have an alias, a multi-bit and a zero value, and members out of value order,
    for each base: on a Python whose ``_simple_enum`` takes other steps (a 3.11 release not
    checked here, or a later Python) the probes differ and ``_simple_enum`` is used.
    """
    if not _lean_checked:
        exact = sys.version_info[:2] == (3, 11) and _simple_enum is not None
        pairs = {"Second": 2, "First": 1, "Both": 3, "Nothing": 0, "Fourth": 8, "Alias": 1}
        for base in _LEAN_BASES if exact else ():
            simple = _simple_enum(base, boundary=enum.KEEP)(builtins.type("Probe", (), {**pairs, "__module__": __name__}))
            exact = exact and _shape(simple) == _shape(_lean_enum(base, "Probe", pairs, __name__, enum.KEEP))
        _lean_checked.append(exact)
    return _lean_checked[0]


def _shape(made: Any) -> tuple[object, ...]:
    """What a probe enum class is made of (attributes, members, masks, iteration, inversion)."""
    masks = [made.__dict__.get(name) for name in ("_flag_mask_", "_all_bits_", "_singles_mask_", "_boundary_")]
    inverted = [repr(~member) for member in made] if issubclass(made, enum.Flag) else []
    return (sorted(vars(made)), made._member_names_, [(m.name, m.value, repr(m)) for m in made],
            list(made.__members__), [repr(m) for m in made.__members__.values()], masks, inverted)  # fmt: skip


def _lean_enum(base: Any, class_name: str, members: dict[str, int], module: str, boundary: Any) -> Any:
    """``enum._simple_enum(base, boundary=boundary)`` of a class with ``members`` (Python 3.11), 2.5x faster.

    The same steps in the same order, but each member's redirect (the class attribute that
    finds the member) is made by copying a new ``enum.property``'s state and goes into the
    class body, where ``type.__new__`` names it, instead of a Python ``__init__``, a
    ``__set_name__`` call and ``EnumType.__setattr__`` each; ``Enum.__init__``, which does
    nothing, is not called. Qt's ``Key`` (471 members): 4.2 ms with ``_simple_enum``, 1.6 here.
    """
    use_args, member_type = base._use_args_, base._member_type_
    new_member = member_type.__new__
    member_names: list[str] = []
    member_map: dict[str, Any] = {}
    value2member_map: dict[int, Any] = {}
    body: dict[str, Any] = {
        "__module__": module, "__doc__": "An enumeration.", "_new_member_": new_member, "_use_args_": use_args,
        "_generate_next_value_": base._generate_next_value_, "_member_names_": member_names,
        "_member_map_": member_map, "_value2member_map_": value2member_map, "_unhashable_values_": [],
        "_member_type_": member_type, "_value_repr_": base._value_repr_,
    }  # fmt: skip
    is_flag = issubclass(base, enum.Flag)
    if is_flag:
        flag = enum.Flag
        body.update({
            "_boundary_": boundary or base._boundary_, "_flag_mask_": None, "_all_bits_": None,
            "_inverted_": None, "__or__": flag.__or__, "__xor__": flag.__xor__, "__and__": flag.__and__,
            "__ror__": flag.__ror__, "__rxor__": flag.__rxor__, "__rand__": flag.__rand__, "__invert__": flag.__invert__,
        })  # fmt: skip
        if _SINGLES:
            body["_singles_mask_"] = None
    redirect_type, new_object = enum.property, object.__new__
    for name in members:
        redirect = new_object(redirect_type)
        redirect.__dict__.update(_REDIRECT)
        body[name] = redirect  # type.__new__ calls its __set_name__ (its name and the class name)
    made = builtins.type(class_name, (base,), body, boundary=boundary, _simple=True)
    for name in ("__repr__", "__str__", "__format__", "__reduce_ex__"):  # the mixin's would break pickling
        if getattr(made, name) in (getattr(member_type, name), getattr(object, name)):
            setattr(made, name, getattr(base, name))
    call_init = made.__init__ is not enum.Enum.__init__
    single_bit = enum._is_single_bit  # type: ignore[attr-defined]  # private, not in the stubs
    single_bits = multi_bits = 0
    for name, value in members.items():
        existing = value2member_map.get(value)
        if existing is not None:  # an alias of an earlier member
            member_map[name] = existing
            continue
        member = new_member(made, value) if use_args else new_member(made)
        member._value_ = value
        member._name_ = name
        member.__objclass__ = made
        if call_init:
            member.__init__(value)
        member._sort_order_ = len(member_names)
        member_map[name] = value2member_map[value] = member
        if not is_flag:
            member_names.append(name)
        elif single_bit(value):
            member_names.append(name)
            single_bits |= value
        else:
            multi_bits |= value
    if is_flag:
        if _SINGLES:
            made._flag_mask_ = single_bits | multi_bits
            made._singles_mask_ = single_bits
        else:
            made._flag_mask_ = single_bits
        made._all_bits_ = 2 ** ((single_bits | multi_bits).bit_length()) - 1
        values = [m._value_ for m in made]
        if values != sorted(values):
            made._iter_member_ = made._iter_member_by_def_
    made.__new__ = enum.Enum.__new__
    return made


def _plain_members(names: object) -> dict[str, int] | None:
    """``{name: value}`` of a list of (name, int) pairs that the standard path takes as members, else None.

    Names it treats specially (``_sunder_``, ``__dunder__``, private) and a name given twice
    (its error) are left to it.
    """
    if not isinstance(names, list):
        return None
    body: dict[str, int] = {}
    for pair in names:
        if builtins.type(pair) is not tuple or len(pair) != 2:
            return None
        name, value = pair
        if builtins.type(value) is not int or builtins.type(name) is not str or name[:1] == "_" or name in body:
            return None
        body[name] = value
    return body


def _caller_module() -> str | None:
    """The ``__module__`` the standard path gives: the module of the code running when the enum is made."""
    try:
        return sys._getframe(3).f_globals["__name__"]  # type: ignore[no-any-return]  # <- quick_enum <- EnumType.__call__
    except (ValueError, KeyError):
        return None


def begin() -> None:
    """Load PySide6 the quick way: quick enums on, and the collector and the import hook off until ``end``.

    Raises ImportError (with everything but the enums put back) when PySide6 is missing.
    """
    if _started:
        return
    collecting = gc.isenabled()
    gc.disable()  # before PySide6: its import makes a good part of the start's objects
    enum.EnumType._create_ = quick_enum  # type: ignore[attr-defined]
    skipped = ExitStack()
    _started.append((collecting, skipped))
    try:
        import PySide6.QtCore  # noqa: F401 - installs the import hook that plain_imports skips
    except ImportError:
        end()
        raise
    skipped.enter_context(plain_imports())


def end() -> None:
    """The first paint is done: the hook back, what the start made frozen, the collector on again.

    The quick enums stay: enums PySide6 makes later (a dialog's, a chart's) are made
    the same way, and just as quickly.
    """
    if not _started:
        return
    collecting, skipped = _started.pop()
    skipped.close()
    gc.freeze()
    if collecting:
        gc.enable()


@contextmanager
def plain_imports() -> Iterator[None]:
    """Imports without PySide6's import hook, and with the cyclic garbage collector paused.

    The hook keeps the original as ``builtins.__orig_import__``; without it this changes
    nothing but the collector. Collections during an import of hundreds of modules walk
    every Qt wrapper object too.
    """
    hooked = builtins.__import__
    builtins.__import__ = getattr(builtins, "__orig_import__", hooked)
    try:
        with paused_gc():
            yield
    finally:
        builtins.__import__ = hooked
