"""The IEC 61131-3 function FBs with ANY pins (F_ADD, F_SEL, F_EQ, ...), implemented natively.

In the 4diac library these are interface-only ``.fbt`` files (most with a ``GenericClassName``
attribute); FORTE implements them in C++ and fixes the ANY pins' type when the network connects
them. Here the interface comes from the ``.fbt`` (so pins and WITHs are the file's) and the
behaviour from :data:`OPERATIONS`, keyed by the type name without its ``F_`` prefix: the
elementary operations below, the width-dependent shifts and rotations of
:mod:`~fbruntime.fourdiac.bitshift`, the date and time arithmetic of
:mod:`~fbruntime.fourdiac.timearith`, and STRUCT_MUX/STRUCT_DEMUX of
:mod:`~fbruntime.fourdiac.structmux`.

The loader calls :meth:`GenericFBType.specialize` with the concrete types it saw on the
connections (or typed literal parameters). The operand pins (all generic pins but the control
pins of :data:`CONTROL_PINS`, such as MUX's ``K`` or SHL's ``N``) take the first concrete type
found, so results wrap as that type's arithmetic does; a control pin only takes its own
connection's type. :meth:`GenericFBType.configure` types an instance from the IDE's
``DataType``/``StructuredType`` instance attribute instead. Without any typing information the
pins stay generic and values pass through as Python values.
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
from fbruntime.fourdiac import bitshift, structmux, timearith
from fbruntime.fourdiac.errors import FourdiacError

Op = Callable[[list[Any]], Any]


UNCHANGED: Any = object()
"""What an operation returns to leave OUT as it was (F_MUX with K out of range, as in FORTE)."""


def _div(values: list[Any]) -> Any:
    """Division truncating towards zero; by zero it gives 0, as FORTE's ``DIV``."""
    a, b = values
    if isinstance(a, float) or isinstance(b, float):
        return a / b if b != 0 else 0.0
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _mod(values: list[Any]) -> Any:
    a, b = values
    if b == 0:
        return 0
    return a - _div([a, b]) * b


def _expt(values: list[Any]) -> Any:
    """EXPT at the width of the type: an integer power is taken modulo 2**64 (the output's
    coercion wraps it to the type, which gives what the exact power would, but at once)."""
    a, b = values
    if isinstance(a, int) and isinstance(b, int) and b >= 0:
        return pow(a, b, 1 << 64)
    try:
        r = float(a) ** b
    except (OverflowError, ZeroDivisionError):
        return math.inf
    return math.nan if isinstance(r, complex) else r


def _reduce(fn: Callable[[Any, Any], Any]) -> Op:
    def op(values: list[Any]) -> Any:
        result = values[0]
        for v in values[1:]:
            result = fn(result, v)
        return result

    return op


def _real_function(fn: Callable[[float], float]) -> Op:
    """A math function with C's answers where Python raises: NaN outside the domain (the
    square root or logarithm of a negative number), -inf for the logarithm of zero."""

    def op(values: list[Any]) -> Any:
        try:
            return fn(values[0])
        except ValueError:
            return -math.inf if values[0] == 0 and fn in (math.log, math.log10) else math.nan
        except OverflowError:
            return math.inf

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
    "EXPT": ("same", _expt),
    "MOVE": ("same", lambda v: v[0]),
    "ABS": ("same", lambda v: abs(v[0])),
    "SQRT": ("same", _real_function(math.sqrt)),
    "MAX": ("same", lambda v: max(v)),
    "MIN": ("same", lambda v: min(v)),
    "LIMIT": ("same", _limit),
    "SEL": ("same", lambda v: v[2] if v[0] else v[1]),
    "MUX": ("same", lambda v: v[1 + v[0]] if 0 <= v[0] < len(v) - 1 else UNCHANGED),
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
    "TRUNC": ("int", lambda v: int(v[0])),
    "SIN": ("same", lambda v: math.sin(v[0])),
    "COS": ("same", lambda v: math.cos(v[0])),
    "TAN": ("same", lambda v: math.tan(v[0])),
    "ASIN": ("same", _real_function(math.asin)),
    "ACOS": ("same", _real_function(math.acos)),
    "ATAN": ("same", lambda v: math.atan(v[0])),
    "EXP": ("same", _real_function(math.exp)),
    "LN": ("same", _real_function(math.log)),
    "LOG": ("same", _real_function(math.log10)),
    **{name: ("same", op) for name, op in timearith.OPERATIONS.items()},
}
"""Operations by name; inputs arrive in interface order (IN1, IN2, ... or G, IN0, IN1).

What OUT is: "same" (the operands' type, or the declared type of a non-generic OUT), "bool" or
"int". The shifts and rotations are not here: they depend on the operand's width and are built
per type by :func:`bitshift.shift_operation`.
"""

KNOWN_OPERATIONS = frozenset(OPERATIONS) | bitshift.OPERATIONS | structmux.OPERATIONS
"""Every operation name :class:`GenericFBType` implements."""

CONTROL_PINS: dict[str, frozenset[str]] = {
    "MUX": frozenset({"K"}),
    "SHL": frozenset({"N"}),
    "SHR": frozenset({"N"}),
    "ROL": frozenset({"N"}),
    "ROR": frozenset({"N"}),
    "LEFT": frozenset({"L"}),
    "RIGHT": frozenset({"L"}),
    "MID": frozenset({"L", "P"}),
    "DELETE": frozenset({"L", "P"}),
    "INSERT": frozenset({"P"}),
    "REPLACE": frozenset({"L", "P"}),
}
"""Generic pins that select or count (ANY_INT) rather than carry the operands' type."""

CONFIG_ATTRIBUTES = ("StructuredType", "DataType")
"""FB instance attributes through which the IDE configures a generic FB (STRUCT_MUX, F_MOVE)."""


def operation_name(type_name: str, generic_class: str | None) -> str | None:
    """``F_ADD``/``GEN_ADD`` -> ``ADD`` when fbrt implements it, else None."""
    for candidate in (type_name, generic_class or ""):
        plain = candidate.strip().strip("'\"").rsplit("::", 1)[-1].upper()
        plain = re.sub(r"^(F_|GEN_)", "", plain)
        plain = re.sub(r"^MUX_\d+$", "MUX", plain)
        deployed = structmux.configured_struct_name(plain)
        if deployed is not None:
            plain = deployed[0]
        if plain in KNOWN_OPERATIONS:
            return plain
    return None


def family_type(
    interface: Interface, known: Mapping[str, iec.IecType], control: frozenset[str] = frozenset()
) -> iec.IecType | None:
    """The concrete type the operand pins take: first a connected generic input, then outputs.

    A type the pin's family does not accept (a DINT offered to an ANY_BIT pin) is passed over.
    """
    ports = [*interface.data_inputs, *interface.data_outputs]
    for port in ports:
        if port.name in control or not port.type.is_generic:
            continue
        found = _accepted(port, known)
        if found is not None:
            return found
    return None


def _accepted(port: DataPort, known: Mapping[str, iec.IecType]) -> iec.IecType | None:
    found = known.get(port.name)
    if found is None or found.is_generic:
        return None
    family = port.type
    if isinstance(family, iec.GenericType) and not family.accepts(found):
        return None
    return found


def _operation(op_name: str, operand: iec.IecType | None) -> tuple[str, Op]:
    if op_name in bitshift.OPERATIONS:
        return "same", bitshift.shift_operation(op_name, operand)
    return OPERATIONS[op_name]


def specialize(
    name: str,
    interface: Interface,
    op_name: str,
    known: Mapping[str, iec.IecType],
    **meta: Any,
) -> SimpleType:
    """A runnable type for one use: generic pins typed from ``known`` (pin -> connected type)."""
    control = CONTROL_PINS.get(op_name, frozenset())
    concrete = family_type(interface, known, control)
    out_kind, op = _operation(op_name, concrete)

    def fix(ports: Sequence[DataPort], outputs: bool) -> tuple[DataPort, ...]:
        fixed = []
        for port in ports:
            t = port.type
            if t.is_generic:
                own = _accepted(port, known)
                if port.name in control:
                    t = own or t
                elif outputs and out_kind == "bool":
                    t = iec.elementary("BOOL")
                elif outputs and out_kind == "int":
                    t = own or iec.elementary("INT")
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
        if out_name and result is not UNCHANGED:
            setattr(fb, out_name, coerce(result))

    algorithms = {ev.name: run for ev in interface.event_inputs}
    return SimpleType(name, typed, algorithms=algorithms, kind="generic", **meta)


class GenericFBType(FBType):
    """An F_* type before its ANY pins are typed; :meth:`specialize` gives the runnable type."""

    kind = "generic"

    def __init__(self, name: str, interface: Interface, op_name: str, **meta: Any) -> None:
        super().__init__(name, interface, **meta)
        self.op_name = op_name
        self._meta = meta
        self._cache: dict[tuple[tuple[str, str], ...], FBType] = {}

    def specialize(self, known: Mapping[str, iec.IecType]) -> FBType:
        """The type for one use whose pins are connected to pins of the ``known`` types."""
        if self.op_name in structmux.OPERATIONS:
            found = known.get(structmux.STRUCT_PIN[self.op_name])
            if isinstance(found, iec.StructType):
                return self.configure(found)
            return self
        relevant = tuple(
            sorted(
                (pin, t.name)
                for pin, t in known.items()
                if (port := self.interface.data_port(pin)) is not None and port.type.is_generic
            )
        )
        cached = self._cache.get(relevant)
        if cached is None:
            cached = specialize(self.name, self.interface, self.op_name, known, **self._meta)
            self._cache[relevant] = cached
        return cached

    def configure(self, data_type: iec.IecType) -> FBType:
        """The type of an instance configured for ``data_type`` (its ``DataType`` attribute).

        STRUCT_MUX/STRUCT_DEMUX get one pin per member of the struct; any other generic FB
        gets ``data_type`` on every operand pin (the IDE configures F_MOVE this way).
        """
        key = (("", data_type.name),)
        cached = self._cache.get(key)
        if cached is not None and self._configured_for(cached, data_type):
            return cached
        if self.op_name in structmux.OPERATIONS:
            if not isinstance(data_type, iec.StructType):
                raise self._error(f"is configured with {data_type.name}, which is not a STRUCT")
            built: FBType = structmux.struct_fb_type(
                self.name, self.interface, self.op_name, data_type, **self._meta
            )
        else:
            control = CONTROL_PINS.get(self.op_name, frozenset())
            pins = {
                p.name: data_type
                for p in (*self.interface.data_inputs, *self.interface.data_outputs)
                if p.type.is_generic and p.name not in control
            }
            built = specialize(self.name, self.interface, self.op_name, pins, **self._meta)
        self._cache[key] = built
        return built

    def _configured_for(self, built: FBType, data_type: iec.IecType) -> bool:
        port = built.interface.data_port(structmux.STRUCT_PIN.get(self.op_name, ""))
        return port is None or port.type == data_type

    def _error(self, message: str) -> FourdiacError:
        return FourdiacError(self.origin or "", 0, "FBType", f"{self.name} {message}")

    def create(self, name: str) -> FBInstance:
        if self.op_name in structmux.OPERATIONS:
            pin = structmux.STRUCT_PIN[self.op_name]
            raise self._error(
                f"needs the struct it works on: connect its {pin} to a pin of a struct type, "
                "or give the FB instance a StructuredType attribute naming the struct"
            )
        return self.specialize({}).create(name)
