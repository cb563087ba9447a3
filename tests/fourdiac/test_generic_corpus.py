"""Every type of the 4diac IDE's IEC 61131-3 library builds, and every generic one runs.

Walks the corpus copy of ``iec61131-3-1.0.0`` (skipped when the corpus is absent). The library's
interface-only types (F_ADD, F_ROL, F_SUB_DT_DT, ADD_2, ...) are implemented natively by
``fbruntime.fourdiac.generic``; each is typed with a representative type per ANY pin, given
sample inputs and fired once: it must send CNF without a fault. Types that cannot be built are
listed; only those in JUSTIFIED may be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fbruntime import iec
from fbruntime.core import FBType
from fbruntime.fourdiac.build import FourdiacTypes
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.generic import GenericFBType
from tests.fourdiac import xmlfix as x

LIBRARY = Path("/work/shared/corpus/4diac-ide/data/typelibrary/iec61131-3-1.0.0")

JUSTIFIED = {
    name: "an IEC 61131-3 timer, not a generic function: its .fbt is interface-only and this "
    "walk builds from XML alone (native={}); fbrt runs it with its native block "
    "(blocks/iec61131/, Q and ET computed on REQ from the monotonic clock, as FORTE), which "
    "FourdiacTypes uses whenever the native library is loaded"
    for name in ("FB_TON", "FB_TOF", "FB_TP")
}
"""Types of the library fbrt may fail to build, with the reason."""

# The first of these each ANY pin's family accepts is the type it is given, with this value.
SAMPLES: list[tuple[str, Any]] = [
    ("INT", 1),
    ("WORD", 1),
    ("LREAL", 0.5),
    ("STRING", "ab"),
    ("TIME", 1_000_000),
]

pytestmark = pytest.mark.skipif(not LIBRARY.is_dir(), reason="the 4diac corpus is not present")


def library_types() -> tuple[FourdiacTypes, dict[str, FBType], dict[str, str]]:
    types = FourdiacTypes([LIBRARY], prefer_xml=True, native={})
    built: dict[str, FBType] = {}
    failed: dict[str, str] = {}
    for entry in types.library.entries:
        try:
            built[entry.name] = types.build_entry(entry)
        except FourdiacError as exc:
            failed[entry.name] = str(exc)
    return types, built, failed


def test_every_type_of_the_library_builds_or_is_justified() -> None:
    _, built, failed = library_types()
    unexpected = {name: why for name, why in failed.items() if name not in JUSTIFIED}
    assert unexpected == {}
    assert len(built) > 300  # the walk saw the library


def representative(port_type: iec.IecType) -> tuple[iec.IecType, Any]:
    assert isinstance(port_type, iec.GenericType)
    for name, value in SAMPLES:
        t = iec.elementary(name)
        if port_type.accepts(t):
            return t, value
    raise AssertionError(f"no sample type for {port_type.name}")


def generic_names() -> list[str]:
    """Interface-only types of the library (no ``<BasicFB>``/``<SimpleFB>``/``<FBNetwork>``)."""
    if not LIBRARY.is_dir():
        return []
    bodies = ("<BasicFB", "<SimpleFB", "<FBNetwork")
    return sorted(
        p.stem
        for p in LIBRARY.rglob("*.fbt")
        if not any(b in p.read_text(encoding="utf-8") for b in bodies) and p.stem not in JUSTIFIED
    )


@pytest.fixture(scope="module")
def built() -> dict[str, FBType]:
    return library_types()[1]


@pytest.mark.parametrize("name", generic_names())
async def test_every_generic_type_of_the_library_runs_once_typed(
    name: str, built: dict[str, FBType]
) -> None:
    base = built[name]
    assert isinstance(base, GenericFBType)
    known: dict[str, iec.IecType] = {}
    values: dict[str, Any] = {}
    for port in (*base.interface.data_inputs, *base.interface.data_outputs):
        if port.type.is_generic:
            known[port.name], values[port.name] = representative(port.type)
    typed = base.specialize(known)
    res = x.resource_with(("Op", typed))
    trace = x.Trace(res)
    res.start()
    for port in typed.interface.data_inputs:
        if port.name in values:
            res.write(f"Op.{port.name}", values[port.name])
    event = typed.interface.event_inputs[0].name
    res.fire(f"Op.{event}")
    await res.settle()
    inst = res.find("Op")[0]
    assert inst.rt__fault is None
    assert trace.events() == [f"Op.{typed.interface.event_outputs[0].name}"]
    for port in typed.interface.data_outputs:
        assert res.read(f"Op.{port.name}") is not None
