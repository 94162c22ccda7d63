"""ui/startup.py: the quick Qt enums equal the standard ones; the collector and the import hook come back.

Both change process-wide state, so they are checked in child processes, as the
real start (``prioritizer`` with no command) uses them.
"""

from __future__ import annotations

import enum
import json
import os
import subprocess
import sys

import pytest
from prioritizer.ui import startup

# Every enum of QtCore, QtGui and QtWidgets, described by what a program can see of it.
_DUMP = r"""
import enum, json, pickle, sys
if sys.argv[1] == "quick":
    from prioritizer.ui import startup
    startup.begin()
from PySide6 import QtCore, QtGui, QtWidgets

def describe(E):
    members = list(E)
    d = {
        "mro": [c.__name__ for c in E.__mro__], "module": E.__module__, "qualname": E.__qualname__,
        "doc": E.__doc__, "len": len(E), "iter": [m.name for m in members], "names": list(E._member_names_),
        "members": [(n, m.value, m.name, repr(m), str(m), format(m)) for n, m in E.__members__.items()],
        "by_value": sorted((v, m.name) for v, m in E._value2member_map_.items()),
        "attributes": sorted(k for k in E.__dict__ if k not in E.__members__),
        "masks": [repr(getattr(E, a, None)) for a in ("_flag_mask_", "_all_bits_", "_singles_mask_", "_boundary_")],
        "lookups": [repr(E(m.value)) for m in members[:3]],
        "pickled": [repr(pickle.loads(pickle.dumps(m))) for m in members[:1]],
    }
    if issubclass(E, enum.Flag) and len(members) > 1:
        both = E(members[0].value | members[-1].value)
        d["flags"] = [repr(both), int(both.value), repr(~members[0]), repr(members[0] & members[-1])]
    try:
        d["unknown"] = repr(E(123456789))
    except Exception as exc:
        d["unknown"] = type(exc).__name__
    return d

out = {}
for module in (QtCore, QtGui, QtWidgets):
    for name in dir(module):
        cls = getattr(module, name)
        if isinstance(cls, type):
            for attr, value in list(cls.__dict__.items()):
                if isinstance(value, enum.EnumType):
                    out[f"{module.__name__}.{name}.{attr}"] = describe(value)
json.dump(out, sys.stdout, default=repr)
"""


def _dump(mode: str) -> dict[str, object]:
    run = subprocess.run([sys.executable, "-c", _DUMP, mode], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_every_qt_enum_made_the_quick_way_equals_the_standard_one() -> None:
    standard, quick = _dump("standard"), _dump("quick")
    assert len(standard) > 600  # QtCore, QtGui and QtWidgets: about 635
    assert quick.keys() == standard.keys()
    differing = [name for name in standard if quick[name] != standard[name]]
    assert differing == []
    assert quick["PySide6.QtCore.Qt.AlignmentFlag"] == standard["PySide6.QtCore.Qt.AlignmentFlag"]


def _standard(base: type[enum.Enum], name: str, names: object, **kwargs: object) -> type[enum.Enum]:
    return startup._standard_create(base, name, names, **kwargs)  # noqa: SLF001 - the function it stands in for


def test_quick_enum_builds_aliases_and_flags_like_the_standard_path(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = [("Left", 1), ("Leading", 1), ("Right", 2), ("Both", 3), ("Top", 32)]
    for base in (enum.IntFlag, enum.Flag, enum.IntEnum, enum.Enum):
        standard = base("Align", list(pairs), boundary=enum.KEEP)  # type: ignore[call-overload]
        with monkeypatch.context() as patched:
            patched.setattr(enum.EnumType, "_create_", startup.quick_enum)
            quick = base("Align", list(pairs), boundary=enum.KEEP)  # type: ignore[call-overload]
        assert [(n, m.value) for n, m in quick.__members__.items()] == [(n, m.value) for n, m in standard.__members__.items()]
        assert quick._member_names_ == standard._member_names_
        assert quick.Leading is quick.Left  # an alias, not a member of its own
        assert quick.__module__ == standard.__module__ == __name__
        assert quick.__doc__ is standard.__doc__
    flags = startup.quick_enum(enum.IntFlag, "Align", list(pairs), boundary=enum.KEEP)
    assert flags.__name__ == "Align"
    assert flags.Left | flags.Right == flags.Both
    assert flags(64 | 1).value == 65  # KEEP: unknown bits stay


@pytest.mark.parametrize(
    "names",
    [
        "Red Green Blue",  # the functional API's other forms: a string,
        [("Red", "r"), ("Green", "g")],  # values that are not ints,
        [("_sunder_", 1)],  # names the standard path treats specially,
        [("Red", 1), ("Red", 2)],  # and a name given twice (the standard path's error)
    ],
)
def test_quick_enum_leaves_every_other_call_to_the_standard_path(names: object) -> None:
    def outcome(create: object) -> object:
        try:
            made = create(enum.Enum, "Colour", names)  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - the error itself is compared
            return type(exc), str(exc)
        return [(n, m.value) for n, m in made.__members__.items()]

    assert outcome(startup.quick_enum) == outcome(_standard)


_LIFECYCLE = r"""
import builtins, enum, gc, sys
from prioritizer.ui import startup
assert gc.isenabled() and "PySide6.QtCore" not in sys.modules
startup.begin()  # loads PySide6, which installs its import hook
assert "PySide6.QtCore" in sys.modules
assert not gc.isenabled() and enum.EnumType._create_ is startup.quick_enum
assert builtins.__import__ is builtins.__orig_import__  # the hook is skipped
import json  # an import while skipped
startup.end()
hook = builtins.__import__
assert hook is not builtins.__orig_import__  # PySide6's hook is back
assert gc.isenabled() and gc.get_freeze_count() > 0
startup.end()  # a second call (the paint and the 5 s fallback) changes nothing
assert builtins.__import__ is hook and gc.isenabled()
print("ok")
"""


def test_begin_and_end_give_back_the_collector_and_the_import_hook() -> None:
    run = subprocess.run([sys.executable, "-c", _LIFECYCLE], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_end_without_begin_changes_nothing() -> None:
    import gc

    frozen = gc.get_freeze_count()
    startup.end()
    assert gc.get_freeze_count() == frozen


def test_the_lean_enum_builder_is_used_only_where_it_makes_what_simple_enum_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.11.2 (Debian 12) and 3.11.7 build flags differently; a probe decides, once per process."""
    monkeypatch.setattr(startup, "_lean_checked", [])
    assert startup._lean_is_exact() is (sys.version_info[:2] == (3, 11))  # noqa: SLF001 - what quick_enum asks
    monkeypatch.setattr(startup, "_lean_checked", [])
    monkeypatch.setattr(startup, "_SINGLES", not startup._SINGLES)  # noqa: SLF001 - a builder of another release
    assert startup._lean_is_exact() is False  # noqa: SLF001
    pairs = [("Left", 1), ("Right", 2), ("Both", 3)]
    quick = startup.quick_enum(enum.IntFlag, "Align", list(pairs), boundary=enum.KEEP)
    standard = _standard(enum.IntFlag, "Align", list(pairs), boundary=enum.KEEP)
    assert sorted(vars(quick)) == sorted(vars(standard)) and quick._flag_mask_ == standard._flag_mask_
