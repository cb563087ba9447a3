"""Every block's interface is 4diac's: pin names and order, IEC types and WITH lists.

Checked against the 4diac type library in the client's corpus (read with fbrt's own reader);
without the corpus beside the checkout these tests are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import FBType
from fbruntime.fourdiac import read_file

from .rig import LIB

_TYPELIB = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpus"
    / "4diac-ide"
    / "data"
    / "typelibrary"
)
EVENTS = _TYPELIB / "events-1.0.0" / "typelib"
UTILS = _TYPELIB / "utils-1.0.0" / "typelib"

SOURCES = {
    **{
        name: EVENTS / f"{name}.fbt"
        for name in [
            "E_SPLIT",
            "E_MERGE",
            "E_SWITCH",
            "E_PERMIT",
            "E_SELECT",
            "E_REND",
            "E_SR",
            "E_RS",
            "E_D_FF",
            "E_T_FF",
            "E_CTU",
            "E_CTD",
            "E_CTUD",
            "E_CTUD_UDINT",
            "E_DEMUX",
            "E_R_TRIG",
            "E_F_TRIG",
            "E_DELAY",
            "E_RDELAY",
            "E_CYCLE",
            "E_RESTART",
            "E_TRAIN",
        ]
    },
    "E_STOPWATCH": UTILS / "timing" / "E_STOPWATCH.fbt",
    "OUT_ANY_CONSOLE": UTILS / "OUT_ANY_CONSOLE.fbt",
    "STEST_END": UTILS / "STEST_END.fbt",
}


def shape_of_ours(t: FBType) -> dict[str, list[tuple[str, ...]]]:
    itf = t.interface
    return {
        "event_inputs": [(e.name, *e.with_) for e in itf.event_inputs],
        "event_outputs": [(e.name, *e.with_) for e in itf.event_outputs],
        "inputs": [(d.name, d.type.name) for d in itf.data_inputs],
        "outputs": [(d.name, d.type.name) for d in itf.data_outputs],
    }


def shape_of_file(path: Path) -> dict[str, list[tuple[str, ...]]]:
    itf = read_file(path).interface  # type: ignore[union-attr]
    return {
        "event_inputs": [(e.name, *e.with_vars) for e in itf.event_inputs],
        "event_outputs": [(e.name, *e.with_vars) for e in itf.event_outputs],
        "inputs": [(v.name, v.type_name) for v in itf.inputs],
        "outputs": [(v.name, v.type_name) for v in itf.outputs],
    }


def test_the_library_has_every_block_of_the_task() -> None:
    assert set(SOURCES) <= set(LIB)


@pytest.mark.parametrize("type_name", sorted(SOURCES))
def test_interface_matches_the_4diac_type_library(type_name: str) -> None:
    path = SOURCES[type_name]
    if not path.exists():
        pytest.skip(f"the 4diac corpus is not beside this checkout ({path})")
    assert shape_of_ours(LIB[type_name]) == shape_of_file(path)


@pytest.mark.parametrize("type_name", sorted(SOURCES))
def test_each_block_can_be_created_twice_independently(type_name: str) -> None:
    a = LIB[type_name].create("A")
    b = LIB[type_name].create("B")
    assert a is not b
    assert a.rt__type is b.rt__type is LIB[type_name]
