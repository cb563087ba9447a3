"""Built-in Simple FBs whose one algorithm fbrt writes in Structured Text.

FORTE's conversion functions, its ``T2T`` converters, the IEC 61131-3 counters, bistables and
edge detectors and the bit packing functions are Simple FBs (or functions) generated from ST:
REQ runs one algorithm, then CNF is sent. Here each gets a short ST body written for fbrt and
compiled by :mod:`fbruntime.st`, so they compute exactly as the same ST does anywhere else in
fbrt (wrap-around, rounding, ``*_AS_STRING`` printing, BCD). Compiling one takes well under a
millisecond and happens the first time the type is used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fbruntime import iec
from fbruntime.builtin import facts
from fbruntime.builtin.interfaces import (
    conversion_types,
    interface_of,
    packing_interface,
    parse_interface,
)
from fbruntime.core.ecc import SimpleType
from fbruntime.core.interface import DataPort, Interface
from fbruntime.st import STScope, VarInfo, compile_algorithms

__all__ = [
    "conversion",
    "counter",
    "edge",
    "identity",
    "packing",
    "st_simple",
]

ORIGIN = "fbrt-builtin"
"""What a built-in type names as its origin (listings, error messages)."""


def st_simple(
    name: str,
    interface: Interface,
    algorithms: Mapping[str, str],
    *,
    internals: Sequence[DataPort] = (),
    kind: str = "simple",
    description: str = "",
) -> SimpleType:
    """A Simple FB: each event input runs its ST algorithm, then every event output is sent."""
    variables = {p.name: VarInfo(p.name, p.type, "input") for p in interface.data_inputs}
    variables.update({p.name: VarInfo(p.name, p.type, "output") for p in interface.data_outputs})
    variables.update({p.name: VarInfo(p.name, p.type, "internal") for p in internals})
    compiled = compile_algorithms(name, algorithms, STScope(variables=variables), origin=ORIGIN)
    return SimpleType(
        name,
        interface,
        algorithms=compiled,
        kind=kind,
        internals=internals,
        version="1.0",
        description=description,
        origin=ORIGIN,
    )


def conversion(name: str) -> SimpleType | None:
    """``F_INT_TO_REAL`` and the other conversion functions: ``OUT := INT_TO_REAL(IN)``."""
    types = conversion_types().get(name)
    if types is None:
        return None
    source, target = types
    itf = parse_interface(f"REQ(IN) > CNF(OUT) ; IN:{source} > OUT:{target}")
    if source == "ANY":
        return _any_as_string(name, itf)
    body = f"OUT := {name[2:]}(IN);"
    return st_simple(name, itf, {"REQ": body}, kind="function", description=body)


def _any_as_string(name: str, itf: Interface) -> SimpleType:
    """F_ANY_AS_STRING: the value as FORTE prints it, typed by whatever feeds IN."""

    def run(fb: object) -> None:
        value = getattr(fb, "IN", None)
        if value is None:
            fb.OUT = ""  # type: ignore[attr-defined]
            return
        source = fb.rt__source_type("IN")  # type: ignore[attr-defined]
        if source is None or source.is_generic:
            source = iec.type_of_value(value)
        fb.OUT = str(source.format(value))  # type: ignore[attr-defined]

    return SimpleType(
        name, itf, algorithms={"REQ": run}, kind="function", version="1.0", origin=ORIGIN
    )


def identity(name: str) -> SimpleType | None:
    """CONVERT's ``BOOL2BOOL`` .. ``WSTRING2WSTRING``: OUT := IN."""
    type_name, two, rest = name.partition("2")
    if not two or rest != type_name or type_name not in facts.IDENTITIES:
        return None
    itf = parse_interface(f"REQ(IN) > CNF(OUT) ; IN:{type_name} > OUT:{type_name}")
    return st_simple(name, itf, {"REQ": "OUT := IN;"}, description="OUT := IN")


_COUNTER_ALGORITHMS = {
    "CTU": ("IF R THEN CV := 0; ELSIF CU AND CV < {max} THEN CV := CV + 1; END_IF; Q := CV >= PV;"),
    "CTD": "IF LD THEN CV := PV; ELSIF CD AND CV > {min} THEN CV := CV - 1; END_IF; Q := CV <= 0;",
    "CTUD": (
        "IF R THEN CV := 0; ELSIF LD THEN CV := PV; ELSIF NOT (CU AND CD) THEN "
        "IF CU AND CV < {max} THEN CV := CV + 1; ELSIF CD AND CV > {min} THEN CV := CV - 1; "
        "END_IF; END_IF; QU := CV >= PV; QD := CV <= 0;"
    ),
}


def counter(name: str) -> SimpleType:
    """FB_CTU, FB_CTD, FB_CTUD and their _DINT/_LINT/_UDINT/_ULINT widths.

    As FORTE's: each REQ counts while CU (CD) is TRUE, a level and not an edge, and CV stops
    at the limits of its type.
    """
    kind = name.split("_")[1]
    itf = interface_of(name)
    cv = itf.data_port("CV")
    assert cv is not None
    low, high = iec.int_range(cv.type)
    body = _COUNTER_ALGORITHMS[kind].format(min=low, max=high)
    what = {"CTU": "Up", "CTD": "Down", "CTUD": "Up-down"}[kind]
    return st_simple(name, itf, {"REQ": body}, description=f"{what} counter over {cv.type.name}")


_EDGES = {
    "FB_RS": ("Q1 := NOT R1 AND (S OR Q1);", ()),
    "FB_SR": ("Q1 := S1 OR (NOT R AND Q1);", ()),
    "FB_R_TRIG": ("Q := CLK AND NOT MEM; MEM := CLK;", ("MEM",)),
    "FB_F_TRIG": ("Q := NOT CLK AND NOT MEM; MEM := NOT CLK;", ("MEM",)),
}


def edge(name: str) -> SimpleType:
    """The bistables FB_RS/FB_SR and the edge detectors FB_R_TRIG/FB_F_TRIG (memory MEM)."""
    body, memory = _EDGES[name]
    internals = [DataPort(m, iec.elementary("BOOL")) for m in memory]
    return st_simple(name, interface_of(name), {"REQ": body}, internals=internals, description=body)


_BITS = {"BOOL": 1, "BYTE": 8, "WORD": 16, "DWORD": 32, "LWORD": 64}


def packing(name: str) -> SimpleType:
    """ASSEMBLE_* and SPLIT_*: parts numbered from the least significant end.

    A BOOL part is one bit, a quarter byte two bits (the low two bits of its BYTE), a BYTE or
    WORD part its own width. As FORTE's, assembling does not mask a part: a quarter byte above
    3 spills into the next quarter.
    """
    whole, prefix, part, count = facts.PACKINGS[name]
    itf = packing_interface(name)
    width = 2 if prefix == "QUARTER_BYTE" else _BITS[part]
    mask = (1 << width) - 1
    parts = [f"{prefix}_{i:02d}" for i in range(count)]
    if name.startswith("ASSEMBLE_"):
        terms = []
        for i, pin in enumerate(parts):
            value = f"BOOL_TO_{whole}({pin})" if part == "BOOL" else f"{part}_TO_{whole}({pin})"
            terms.append(f"SHL({value}, {i * width})" if i else value)
        body = f"OUT := {' OR '.join(terms)};"
    else:
        lines = []
        for i, pin in enumerate(parts):
            shifted = f"SHR(IN, {i * width})" if i else "IN"
            if part == "BOOL":
                lines.append(f"{pin} := ({shifted} AND {whole}#1) <> 0;")
            else:
                lines.append(f"{pin} := {whole}_TO_{part}({shifted} AND {whole}#{mask});")
        body = " ".join(lines)
    what = "Joins parts into" if name.startswith("ASSEMBLE_") else "Splits"
    part_name = prefix.lower().replace("_", " ")
    return st_simple(
        name,
        itf,
        {"REQ": body},
        kind="function",
        description=f"{what} a {whole}: {count} {part_name}s",
    )
