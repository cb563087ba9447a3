"""The IEC 61131-3 functions with ANY pins (F_ADD, F_SEL, F_GT, ...), typed as FORTE types them.

FORTE's F_* blocks hold *variants*: each ANY pin takes the type of the value that arrives (a
typed literal written to it, ``INT#5``, or the output connected to it), and the operation runs
in the types it finds, with FORTE's result type for mixed operands (INT + DINT is a DINT).

A :class:`VariantFunctionType` does both things fbrt needs:

* where the importer types a network at load time (a ``.sys``, a composite), ``specialize``
  gives the type fixed by the connections, exactly as for an F_* read from a ``.fbt``
  (:class:`~fbruntime.fourdiac.generic.GenericFBType`);
* an instance created on its own (by the management protocol, where CREATE comes before the
  connections) decides at each event: it asks each operand pin for the type of what feeds it
  (``rt__source_type``: the connected output's type, or the typed literal written), runs the
  operation typed for that combination (each combination compiled once per type; operands with no
  common type, UINT and INT, leave the outputs as they were, as in FORTE), and keeps the
  result's type beside OUT, so the next F_* down the line, OUT_ANY_CONSOLE and READ see it.
  A selection (F_SEL, F_MUX, F_MOVE) passes the chosen value on in its own type. Operands of
  unknown type compute with their Python values, as before.

Where fbrt differs: F_LEN and F_TRUNC give an INT on a device (FORTE gives its ANY_INT
variant's first type, SINT, so a length over 127 wraps).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from fbruntime import iec
from fbruntime.builtin.interfaces import interface_of
from fbruntime.builtin.simple import ORIGIN
from fbruntime.core.ecc import SimpleType
from fbruntime.core.fbtype import FBType
from fbruntime.core.instance import FBInstance, own_dict
from fbruntime.core.interface import Interface
from fbruntime.fourdiac.generic import CONTROL_PINS, GenericFBType, operation_name

__all__ = ["VariantFunctionType", "common_type", "variant_function"]

_EMPTY_VARIANT = iec.elementary("SINT")


def common_type(types: list[iec.IecType]) -> iec.IecType | None:
    """The type every operand converts to implicitly (FORTE's result type), else None: FORTE
    then leaves the outputs as they are (UINT + INT gives nothing)."""
    for candidate in types:
        if all(_widens(t, candidate) for t in types):
            return candidate
    return None


def _widens(src: iec.IecType, dst: iec.IecType) -> bool:
    if src == dst:
        return True
    if isinstance(src, iec.ElementaryType) and isinstance(dst, iec.ElementaryType):
        return iec.is_widening(src, dst)
    return False


class VariantFunctionType(GenericFBType):
    """A built-in F_* function: typed by its connections at load, by its values at run time."""

    def __init__(self, name: str, interface: Interface, op_name: str) -> None:
        interface = _empty_variant_outputs(interface)
        super().__init__(
            name,
            interface,
            op_name,
            version="1.0",
            description=f"IEC 61131-3 {op_name}, typed by what feeds it (FORTE's variants)",
            origin=ORIGIN,
        )
        self._control = CONTROL_PINS.get(op_name, frozenset())
        self._operands = tuple(
            p.name
            for p in interface.data_inputs
            if p.type.is_generic and p.name not in self._control
        )
        self._controls = tuple(
            p.name for p in interface.data_inputs if p.type.is_generic and p.name in self._control
        )
        self._outputs = tuple(p.name for p in interface.data_outputs if p.type.is_generic)
        self._runtime: SimpleType | None = None

    def specialize(self, known: Mapping[str, iec.IecType]) -> FBType:
        generic = {
            pin: t
            for pin, t in known.items()
            if (port := self.interface.data_port(pin)) is not None and port.type.is_generic
        }
        if not generic:
            return self
        return super().specialize(known)

    def create(self, name: str) -> FBInstance:
        runtime = self._runtime
        if runtime is None:
            runtime = self._runtime = self._build_runtime()
        inst = runtime.create(name)
        held = own_dict(inst, "rt__param_types")
        for pin in self._outputs:
            held.setdefault(pin, _EMPTY_VARIANT)
        return inst

    def _build_runtime(self) -> SimpleType:
        untyped = super().specialize({})
        assert isinstance(untyped, SimpleType)
        by_typing: dict[tuple[str, ...], tuple[Any, tuple[tuple[str, iec.IecType], ...]]] = {}
        operands, controls, outputs = self._operands, self._controls, self._outputs

        choose = _CHOSEN.get(self.op_name)

        def typed_run(fb: Any, event: str) -> None:
            if choose is not None:
                # A selection passes the chosen value on as it is, in its own type.
                untyped.algorithms[event](fb)
                chosen = choose(fb)
                fed = _fed_type(fb, chosen) if chosen is not None else None
                if fed is not None:
                    own_dict(fb, "rt__param_types")["OUT"] = fed
                return
            types: list[iec.IecType] = []
            for pin in operands:
                t = _fed_type(fb, pin)
                if t is None:
                    types = []
                    break
                types.append(t)
            if not types:
                untyped.algorithms[event](fb)
                return
            common = common_type(types)
            if common is None:
                return
            known: dict[str, iec.IecType] = dict.fromkeys(operands, common)
            for pin in controls:
                t = _fed_type(fb, pin)
                if t is not None:
                    known[pin] = t
            key = tuple(f"{p}:{t.name}" for p, t in known.items())
            entry = by_typing.get(key)
            if entry is None:
                typed = GenericFBType.specialize(self, known)
                assert isinstance(typed, SimpleType)
                out_types = tuple(
                    (pin, port.type)
                    for pin in outputs
                    if (port := typed.interface.data_port(pin)) is not None
                )
                entry = by_typing[key] = (typed.algorithms, out_types)
            algorithms, out_types = entry
            algorithms[event](fb)
            recorded = own_dict(fb, "rt__param_types")
            for pin, t in out_types:
                recorded[pin] = t

        algorithms = {
            ev.name: (lambda fb, event=ev.name: typed_run(fb, event))
            for ev in self.interface.event_inputs
        }
        return SimpleType(
            self.name,
            self.interface,
            algorithms=algorithms,
            kind="generic",
            version=self.version,
            description=self.description,
            origin=self.origin,
        )


def _mux_input(fb: Any) -> str | None:
    k = fb.K
    return f"IN{k + 1}" if isinstance(k, int) and k >= 0 else None


_CHOSEN: dict[str, Callable[[Any], str | None]] = {
    "MOVE": lambda fb: "IN",
    "SEL": lambda fb: "IN1" if fb.G else "IN0",
    "MUX": _mux_input,
}
"""The selections: which input's value (and type) becomes OUT."""


def _empty_variant_outputs(itf: Interface) -> Interface:
    """*itf* with each ANY output starting at 0: an output no operation has set yet holds
    FORTE's empty variant, a SINT 0, so what follows reads 0 (FALSE), never "no value"."""
    return Interface(
        event_inputs=itf.event_inputs,
        event_outputs=itf.event_outputs,
        data_inputs=itf.data_inputs,
        data_outputs=tuple(
            dataclasses.replace(p, initial=0) if p.type.is_generic else p for p in itf.data_outputs
        ),
        inouts=itf.inouts,
        sockets=itf.sockets,
        plugs=itf.plugs,
    )


def _fed_type(fb: Any, pin: str) -> iec.IecType | None:
    t = fb.rt__source_type(pin)
    if t is None or t.is_generic:
        return None
    return t  # type: ignore[no-any-return]


def variant_function(name: str) -> VariantFunctionType | None:
    """The built-in F_* function ``name`` (a fixed-interface entry of the facts), else None."""
    op_name = operation_name(name, None)
    if op_name is None:
        return None
    return VariantFunctionType(name, interface_of(name), op_name)
