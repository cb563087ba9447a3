"""The IEC 61131-3 function FBs with ANY pins (F_ADD, F_SEL, F_EQ, ...), implemented natively.

In the 4diac library these are interface-only ``.fbt`` files with a ``GenericClassName``
attribute; FORTE implements them in C++ and fixes the ANY pins' type when the network connects
them. Here the interface comes from the ``.fbt`` (so pins and WITHs are the file's) and the
behaviour from :data:`OPERATIONS`, keyed by the type name without its ``F_`` prefix. The loader
calls :func:`specialize` with the concrete types it saw on the connections (or parameters): every
generic pin of the family takes that type, so results wrap as that type's arithmetic does.
Without any typing information the pins stay generic and values pass through as Python values.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fbruntime import iec
from fbruntime.core.ecc import SimpleType
from fbruntime.core.fbtype import FBType
from fbruntime.core.instance import FBInstance
from fbruntime.core.interface import DataPort, Interface

Op = Callable[[list[Any]], Any]


def _div(values: list[Any]) -> Any:
    a, b = values
    if isinstance(a, float) or isinstance(b, float):
        if b == 0:
            raise ZeroDivisionError("division by zero")
        return a / b
    if b == 0:
        raise ZeroDivisionError("division by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _mod(values: list[Any]) -> Any:
    a, b = values
    if b == 0:
        return 0
    return a - _div([a, b]) * b


def _reduce(fn: Callable[[Any, Any], Any]) -> Op:
    def op(values: list[Any]) -> Any:
        result = values[0]
        for v in values[1:]:
            result = fn(result, v)
        return result

    return op


def _limit(values: list[Any]) -> Any:
    mn, value, mx = values
    return min(max(value, mn), mx)


OPERATIONS: dict[str, tuple[str, Op]] = {
    # name: (what OUT is: "same" as the generic inputs, or "bool", "int"), operation
    "ADD": ("same", _reduce(lambda a, b: a + b)),
    "MUL": ("same", _reduce(lambda a, b: a * b)),
    "SUB": ("same", lambda v: v[0] - v[1]),
    "DIV": ("same", _div),
    "MOD": ("same", _mod),
    "EXPT": ("same", lambda v: v[0] ** v[1]),
    "MOVE": ("same", lambda v: v[0]),
    "ABS": ("same", lambda v: abs(v[0])),
    "SQRT": ("same", lambda v: math.sqrt(v[0])),
    "MAX": ("same", lambda v: max(v)),
    "MIN": ("same", lambda v: min(v)),
    "LIMIT": ("same", _limit),
    "SEL": ("same", lambda v: v[2] if v[0] else v[1]),
    "MUX": ("same", lambda v: v[1 + v[0]] if 0 <= v[0] < len(v) - 1 else v[-1]),
    "GT": ("bool", lambda v: all(a > b for a, b in itertools.pairwise(v))),
    "GE": ("bool", lambda v: all(a >= b for a, b in itertools.pairwise(v))),
    "EQ": ("bool", lambda v: all(a == b for a, b in itertools.pairwise(v))),
    "LE": ("bool", lambda v: all(a <= b for a, b in itertools.pairwise(v))),
    "LT": ("bool", lambda v: all(a < b for a, b in itertools.pairwise(v))),
    "NE": ("bool", lambda v: v[0] != v[1]),
    "AND": ("same", _reduce(lambda a, b: a and b if isinstance(a, bool) else a & b)),
    "OR": ("same", _reduce(lambda a, b: a or b if isinstance(a, bool) else a | b)),
    "XOR": ("same", _reduce(lambda a, b: a != b if isinstance(a, bool) else a ^ b)),
    "NOT": ("same", lambda v: (not v[0]) if isinstance(v[0], bool) else ~v[0]),
    "CONCAT": ("same", lambda v: "".join(v)),
    "LEN": ("int", lambda v: len(v[0])),
    "LEFT": ("same", lambda v: v[0][: max(v[1], 0)]),
    "RIGHT": ("same", lambda v: v[0][len(v[0]) - max(v[1], 0) :] if v[1] > 0 else ""),
    "MID": ("same", lambda v: v[0][max(v[2] - 1, 0) : max(v[2] - 1, 0) + max(v[1], 0)]),
    "INSERT": ("same", lambda v: v[0][: v[2]] + v[1] + v[0][v[2] :]),
    "DELETE": ("same", lambda v: v[0][: max(v[2] - 1, 0)] + v[0][max(v[2] - 1, 0) + v[1] :]),
    "REPLACE": (
        "same",
        lambda v: v[0][: max(v[3] - 1, 0)] + v[1] + v[0][max(v[3] - 1, 0) + v[2] :],
    ),
    "FIND": ("int", lambda v: v[0].find(v[1]) + 1),
    "SHL": ("same", lambda v: v[0] << v[1]),
    "SHR": ("same", lambda v: v[0] >> v[1]),
    "TRUNC": ("int", lambda v: int(v[0])),
    "SIN": ("same", lambda v: math.sin(v[0])),
    "COS": ("same", lambda v: math.cos(v[0])),
    "TAN": ("same", lambda v: math.tan(v[0])),
    "ASIN": ("same", lambda v: math.asin(v[0])),
    "ACOS": ("same", lambda v: math.acos(v[0])),
    "ATAN": ("same", lambda v: math.atan(v[0])),
    "EXP": ("same", lambda v: math.exp(v[0])),
    "LN": ("same", lambda v: math.log(v[0])),
    "LOG": ("same", lambda v: math.log10(v[0])),
}
"""Operations by name; inputs arrive in interface order (IN1, IN2, ... or G, IN0, IN1)."""


def operation_name(type_name: str, generic_class: str | None) -> str | None:
    """``F_ADD``/``GEN_ADD`` -> ``ADD`` when fbrt implements it, else None."""
    for candidate in (type_name, generic_class or ""):
        plain = candidate.strip().strip("'\"").rsplit("::", 1)[-1].upper()
        plain = re.sub(r"^(F_|GEN_)", "", plain)
        plain = re.sub(r"^MUX_\d+$", "MUX", plain)
        if plain in OPERATIONS:
            return plain
    return None


def family_type(interface: Interface, known: Mapping[str, iec.IecType]) -> iec.IecType | None:
    """The concrete type the generic pins take: first a connected generic input, then outputs."""
    ports = [*interface.data_inputs, *interface.data_outputs]
    for port in ports:
        if port.type.is_generic and port.name in known and not known[port.name].is_generic:
            return known[port.name]
    return None


def specialize(
    name: str,
    interface: Interface,
    op_name: str,
    known: Mapping[str, iec.IecType],
    **meta: Any,
) -> SimpleType:
    """A runnable type for one use: generic pins typed from ``known`` (pin -> connected type)."""
    out_kind, op = OPERATIONS[op_name]
    concrete = family_type(interface, known)

    def fix(ports: Sequence[DataPort], outputs: bool) -> tuple[DataPort, ...]:
        fixed = []
        for port in ports:
            t = port.type
            if t.is_generic:
                if outputs and out_kind == "bool":
                    t = iec.elementary("BOOL")
                elif outputs and out_kind == "int":
                    t = known.get(port.name) or iec.elementary("INT")
                elif concrete is not None:
                    t = concrete
            fixed.append(DataPort(port.name, t, None, port.comment))
        return tuple(fixed)

    inputs = fix(interface.data_inputs, False)
    outputs = fix(interface.data_outputs, True)
    typed = Interface(
        event_inputs=interface.event_inputs,
        event_outputs=interface.event_outputs,
        data_inputs=inputs,
        data_outputs=outputs,
    )
    in_names = [p.name for p in inputs]
    out_port = outputs[0] if outputs else None
    out_name = out_port.name if out_port is not None else ""
    coerce = out_port.type.coerce if out_port is not None else (lambda v: v)

    def run(fb: Any) -> None:
        values = [getattr(fb, n) for n in in_names]
        if any(v is None for v in values):
            return
        result = op(values)
        if out_name:
            setattr(fb, out_name, coerce(result))

    algorithms = {ev.name: run for ev in interface.event_inputs}
    t = SimpleType(name, typed, algorithms=algorithms, kind="generic", **meta)
    return t


class GenericFBType(FBType):
    """An F_* type before its ANY pins are typed; :meth:`specialize` gives the runnable type."""

    kind = "generic"

    def __init__(self, name: str, interface: Interface, op_name: str, **meta: Any) -> None:
        super().__init__(name, interface, **meta)
        self.op_name = op_name
        self._meta = meta
        self._cache: dict[tuple[tuple[str, str], ...], SimpleType] = {}

    def specialize(self, known: Mapping[str, iec.IecType]) -> SimpleType:
        relevant = tuple(
            sorted(
                (pin, t.name)
                for pin, t in known.items()
                if (port := self.interface.data_port(pin)) is not None and port.type.is_generic
            )
        )
        found = self._cache.get(relevant)
        if found is None:
            found = specialize(self.name, self.interface, self.op_name, known, **self._meta)
            self._cache[relevant] = found
        return found

    def create(self, name: str) -> FBInstance:
        return self.specialize({}).create(name)
