"""FORTE's generic blocks, configured by the type name an FB is created with.

FORTE's type library, asked for a name it does not hold (``ADD_3``), takes the part before the
first ``_<digit>`` (``ADD``), looks up ``GEN_ADD`` and lets that generic block read its pins
from the whole name (``CGenFunctionBlock::configureFB``). The same names work here:

===================  ===========================  ===========================================
name                 generic                      pins
===================  ===========================  ===========================================
``ADD_n``            GEN_ADD (n >= 2)             REQ(IN1..INn) > CNF(OUT), ANY_MAGNITUDE
``AND_n`` ``OR_n``   GEN_AND, GEN_OR, GEN_XOR     REQ(IN1..INn) > CNF(OUT), ANY_BIT
``XOR_n``
``F_MOVE_<d><T>``    GEN_F_MOVE                   REQ(IN) > CNF(OUT), IN and OUT of type T
``F_MUX_e_d``        GEN_F_MUX (e >= 2)           EI1..EIe > EO; IN_i_j; QO, STATUS, OUT_1..d
``E_DEMUX_n``        GEN_E_DEMUX                  EI(K) > EO1..EOn: K = 0 sends EO1
``E_MUX_n``          GEN_E_MUX (n >= 2)           EI1..EIn > EO(K): K = 0 for EI1
``ARRAY2VALUES_n_T`` GEN_ARRAY2VALUES (n >= 2)    REQ(IN: ARRAY[0..n-1] OF T) > CNF(OUT_1..n)
``VALUES2ARRAY_n_T`` GEN_VALUES2ARRAY (n >= 2)    REQ(IN_1..n) > CNF(OUT: ARRAY[0..n-1] OF T)
``ARRAY2ARRAY_n_T``  GEN_ARRAY2ARRAY (n >= 1)     REQ(IN) > CNF(OUT), both ARRAY[0..n-1] OF T
``CSV_WRITER_n``     GEN_CSV_WRITER               see ``blocks/utils/CSV_WRITER_1.py``
``PUBLISH_n`` ...    GEN_PUBLISH, GEN_SUBSCRIBE,  see :mod:`fbruntime.comm.commfb`
                     GEN_CLIENT, GEN_SERVER
``PUBL_n``           GEN_PUBL, GEN_SUBL           PUBLISH/SUBSCRIBE with QI TRUE and an ID
``SUBL_n``                                        without brackets taken as ``loc[ID]``
===================  ===========================  ===========================================

Where fbrt differs on purpose: ``F_MUX_n`` with one number is the IEC 61131-3 MUX of the 4diac
library (``K``, ``IN1``..``INn``; FORTE would make it GEN_F_MUX with n inputs *and* n outputs,
which matches no IDE type); a name FORTE cannot configure (``ADD_1``, ``E_MUX_1``) is
UNSUPPORTED_TYPE here (FORTE answers OK and creates nothing); ``STRUCT_MUX_1<struct>`` needs the
struct's type, so it is configured by the 4diac importer from a type folder
(:mod:`fbruntime.fourdiac.configured`), not here. The bare generic names (``GEN_ADD``) create a
block without pins, as FORTE does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fbruntime import iec
from fbruntime.builtin.catalog import block_member
from fbruntime.builtin.functions import VariantFunctionType
from fbruntime.builtin.interfaces import parse_interface
from fbruntime.builtin.simple import ORIGIN, st_simple
from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput, FBType
from fbruntime.core.instance import own_dict
from fbruntime.core.interface import Interface

__all__ = ["configured_type", "generic_base", "unconfigured"]

_MAX_EVENTS = 2500
"""FORTE's ``scmMaxInterfaceEvents``: at most this many event pins."""


def generic_base(name: str) -> str | None:
    """``ADD_3`` -> ``GEN_ADD``: FORTE's rule (the part before the first ``_<digit>``)."""
    m = re.search(r"_\d", name)
    return f"GEN_{name[: m.start()]}" if m else None


def unconfigured(name: str) -> FBType:
    """A bare ``GEN_*`` name: a block without pins, as FORTE creates one."""
    return _Pinless(name, Interface())


class _Pinless(FBType):
    kind = "generic"

    def __init__(self, name: str, interface: Interface) -> None:
        super().__init__(
            name,
            interface,
            version="1.0",
            description="A generic block configured by the name it is created with",
            origin=ORIGIN,
        )

    def create(self, name: str) -> Any:
        from fbruntime.core.ecc import SimpleType

        return SimpleType(self.name, self.interface, algorithms={}, origin=ORIGIN).create(name)


def _block_type(name: str, namespace: dict[str, Any], base: type[Block] = Block) -> FBType:
    """The type of a Block class made here from its pins and handlers."""
    cls: type[Block] = type(name, (base,), namespace)
    return cls.fbtype


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _elementary(name: str) -> iec.IecType | None:
    return iec.find_elementary(name)


def configured_type(name: str) -> FBType | None:
    """The type FORTE configures from ``name``, or None when nothing can be made of it."""
    base = generic_base(name)
    if base is None:
        return None
    maker = _MAKERS.get(base)
    return maker(name) if maker is not None else None


def _nary(op: str, family: str) -> Callable[[str], FBType | None]:
    def make(name: str) -> FBType | None:
        n = _count(name.rsplit("_", 1)[1])
        if n is None or not 2 <= n < _MAX_EVENTS:
            return None
        ins = [f"IN{i}" for i in range(1, n + 1)]
        itf = parse_interface(
            f"REQ({','.join(ins)}) > CNF(OUT) ; {' '.join(f'{p}:{family}' for p in ins)} "
            f"> OUT:{family}"
        )
        return VariantFunctionType(name, itf, op)

    return make


def _move(name: str) -> FBType | None:
    m = re.fullmatch(r"F_MOVE_\d(\w+)", name)
    t = _elementary(m.group(1)) if m else None
    if t is None:
        return None
    itf = parse_interface(f"REQ(IN) > CNF(OUT) ; IN:{t.name} > OUT:{t.name}")
    return st_simple(name, itf, {"REQ": "OUT := IN;"})


def _mux(name: str) -> FBType | None:
    numbers = name[len("F_MUX_") :].split("_")
    if len(numbers) == 1:
        n = _count(numbers[0])
        if n is None or not 2 <= n < _MAX_EVENTS:
            return None
        ins = [f"IN{i}" for i in range(1, n + 1)]
        itf = parse_interface(
            f"REQ(K,{','.join(ins)}) > CNF(OUT) ; K:ANY_INT {' '.join(f'{p}:ANY' for p in ins)} "
            "> OUT:ANY"
        )
        return VariantFunctionType(name, itf, "MUX")
    if len(numbers) != 2:
        return None
    e, d = _count(numbers[0]), _count(numbers[1])
    if e is None or d is None or e < 2 or e * d >= _MAX_EVENTS:
        return None
    return _event_mux(name, e, d)


def _event_mux(name: str, inputs: int, width: int) -> FBType:
    """GEN_F_MUX: the data of whichever EIi arrived goes to OUT_1..OUT_width, then EO."""
    namespace: dict[str, Any] = {"__module__": __name__, "name": name, "version": "1.0"}
    namespace["description"] = f"Forwards IN_i_1..IN_i_{width} of the EIi that arrives"
    groups = [[f"IN_{i}_{j}" for j in range(1, width + 1)] for i in range(1, inputs + 1)]
    outs = [f"OUT_{j}" for j in range(1, width + 1)]
    for i, group in enumerate(groups, 1):
        namespace[f"EI{i}"] = EventInput(with_=group)
    namespace["EO"] = EventOutput(with_=("QO", "STATUS", *outs))
    for group in groups:
        for pin in group:
            namespace[pin] = DataInput("ANY")
    namespace["QO"] = DataOutput("BOOL")
    namespace["STATUS"] = DataOutput("WSTRING")
    for pin in outs:
        namespace[pin] = DataOutput("ANY")

    def on_event(self: Any, event: str) -> None:
        group = groups[int(event[2:]) - 1]
        held = own_dict(self, "rt__param_types")
        for source, target in zip(group, outs, strict=True):
            setattr(self, target, getattr(self, source))
            fed = self.rt__source_type(source)
            if fed is not None and not fed.is_generic:
                held[target] = fed
        self.QO = True
        self.STATUS = "OK"
        self.EO()

    namespace["on_event"] = on_event
    return _block_type(name, namespace)


def _demux(name: str) -> FBType | None:
    tail = name.rsplit("_", 1)[1]
    n = _count(tail)
    if n is None or n >= _MAX_EVENTS:
        return None
    outs = [f"EO{i}" for i in range(1, n + 1)]
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "name": name,
        "version": "1.0",
        "description": f"EI sends EO<K+1> (K = 0 .. {n - 1}); other K send nothing",
        "EI": EventInput(with_=("K",)),
        **{pin: EventOutput() for pin in outs},
        "K": DataInput("UINT"),
    }

    def on_EI(self: Any) -> None:
        k = self.K
        if k < len(outs):
            getattr(self, outs[k])()

    namespace["on_EI"] = on_EI
    return _block_type(name, namespace)


def _emux(name: str) -> FBType | None:
    n = _count(name.rsplit("_", 1)[1])
    if n is None or not 2 <= n < _MAX_EVENTS:
        return None
    ins = [f"EI{i}" for i in range(1, n + 1)]
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "name": name,
        "version": "1.0",
        "description": "Merges EI1..EIn into EO, with K telling which arrived (0 for EI1)",
        **{pin: EventInput() for pin in ins},
        "EO": EventOutput(with_=("K",)),
        "K": DataOutput("UINT"),
    }

    def on_event(self: Any, event: str) -> None:
        self.K = int(event[2:]) - 1
        self.EO()

    namespace["on_event"] = on_event
    return _block_type(name, namespace)


def _array_form(name: str, minimum: int) -> tuple[int, iec.IecType] | None:
    m = re.fullmatch(r"[A-Z0-9]+_(\d+)_(\w+)", name)
    if m is None:
        return None
    n, t = int(m.group(1)), _elementary(m.group(2))
    if t is None or n < minimum:
        return None
    return n, t


def _array2values(name: str) -> FBType | None:
    form = _array_form(name, 2)
    if form is None:
        return None
    n, t = form
    outs = [f"OUT_{i}" for i in range(1, n + 1)]
    array = iec.ArrayType(t, 0, n - 1)
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "name": name,
        "version": "1.0",
        "description": f"Splits an ARRAY[0..{n - 1}] OF {t.name} into OUT_1..OUT_{n}",
        "REQ": EventInput(with_=("IN",)),
        "CNF": EventOutput(with_=tuple(outs)),
        "IN": DataInput(array),
        **{pin: DataOutput(t) for pin in outs},
    }

    def on_REQ(self: Any) -> None:
        for pin, value in zip(outs, self.IN, strict=False):
            setattr(self, pin, value)
        self.CNF()

    namespace["on_REQ"] = on_REQ
    return _block_type(name, namespace)


def _values2array(name: str) -> FBType | None:
    form = _array_form(name, 2)
    if form is None:
        return None
    n, t = form
    ins = [f"IN_{i}" for i in range(1, n + 1)]
    array = iec.ArrayType(t, 0, n - 1)
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "name": name,
        "version": "1.0",
        "description": f"Gathers IN_1..IN_{n} into an ARRAY[0..{n - 1}] OF {t.name}",
        "REQ": EventInput(with_=tuple(ins)),
        "CNF": EventOutput(with_=("OUT",)),
        **{pin: DataInput(t) for pin in ins},
        "OUT": DataOutput(array),
    }

    def on_REQ(self: Any) -> None:
        self.OUT = [getattr(self, pin) for pin in ins]
        self.CNF()

    namespace["on_REQ"] = on_REQ
    return _block_type(name, namespace)


def _array2array(name: str) -> FBType | None:
    form = _array_form(name, 1)
    if form is None:
        return None
    n, t = form
    itf_array = iec.ArrayType(t, 0, n - 1)
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "name": name,
        "version": "1.0",
        "description": f"Copies an ARRAY[0..{n - 1}] OF {t.name}",
        "REQ": EventInput(with_=("IN",)),
        "CNF": EventOutput(with_=("OUT",)),
        "IN": DataInput(itf_array),
        "OUT": DataOutput(itf_array),
    }

    def on_REQ(self: Any) -> None:
        self.OUT = list(self.IN)
        self.CNF()

    namespace["on_REQ"] = on_REQ
    return _block_type(name, namespace)


def _csv_writer(name: str) -> FBType | None:
    n = _count(name.rsplit("_", 1)[1])
    if n is None or not 1 <= n < _MAX_EVENTS:
        return None
    if n <= 10:
        return block_member("CSV_WRITER_1", name)
    import sys

    module = sys.modules[block_member("CSV_WRITER_1", "CSV_WRITER_1").cls.__module__]  # type: ignore[attr-defined]
    return module._wider(n).fbtype  # type: ignore[no-any-return]


def _comm(family: str) -> Callable[[str], FBType | None]:
    def make(name: str) -> FBType | None:
        from fbruntime.comm.commfb import comm_block

        numbers = [_count(p) for p in name[len(family) + 1 :].split("_")]
        if not numbers or len(numbers) > 2 or any(n is None or n > 100 for n in numbers):
            return None
        counts = [n for n in numbers if n is not None]
        if family == "PUBLISH" and len(counts) == 1:
            return comm_block("PUBLISH", counts[0], 0, __name__).fbtype
        if family == "SUBSCRIBE" and len(counts) == 1:
            return comm_block("SUBSCRIBE", 0, counts[0], __name__).fbtype
        if family in ("CLIENT", "SERVER"):
            sd, rd = (counts[0], counts[0]) if len(counts) == 1 else (counts[0], counts[1])
            return comm_block(family, sd, rd, __name__, name=name).fbtype
        return None

    return make


def _local(family: str) -> Callable[[str], FBType | None]:
    """PUBL_n/SUBL_n: PUBLISH/SUBSCRIBE whose QI starts TRUE and whose bare ID is loc[ID]."""

    def make(name: str) -> FBType | None:
        from fbruntime.comm.commfb import comm_block

        n = _count(name.rsplit("_", 1)[1])
        if n is None or n > 100:
            return None
        sd, rd = (n, 0) if family == "PUBLISH" else (0, n)
        base = comm_block(family, sd, rd, __name__)
        qi = DataInput("BOOL", True, comment="Event Input Qualifier (TRUE from the start)")
        qi.order = base._ports["QI"].order

        def _open(self: Any) -> None:
            if "[" not in (self.ID or ""):
                self.ID = f"loc[{self.ID}]"
            base._open(self)

        namespace = {
            "__module__": __name__,
            "name": name,
            "description": f"{family.title()} over loc[] groups (FORTE's {name[:4]})",
            "QI": qi,
            "_open": _open,
        }
        return _block_type(name, namespace, base)

    return make


def _struct(name: str) -> FBType | None:
    return None  # needs the struct's type: see the module docstring


_MAKERS: dict[str, Callable[[str], FBType | None]] = {
    "GEN_ADD": _nary("ADD", "ANY_MAGNITUDE"),
    "GEN_AND": _nary("AND", "ANY_BIT"),
    "GEN_OR": _nary("OR", "ANY_BIT"),
    "GEN_XOR": _nary("XOR", "ANY_BIT"),
    "GEN_F_MOVE": _move,
    "GEN_F_MUX": _mux,
    "GEN_E_DEMUX": _demux,
    "GEN_E_MUX": _emux,
    "GEN_ARRAY2VALUES": _array2values,
    "GEN_VALUES2ARRAY": _values2array,
    "GEN_ARRAY2ARRAY": _array2array,
    "GEN_CSV_WRITER": _csv_writer,
    "GEN_PUBLISH": _comm("PUBLISH"),
    "GEN_SUBSCRIBE": _comm("SUBSCRIBE"),
    "GEN_CLIENT": _comm("CLIENT"),
    "GEN_SERVER": _comm("SERVER"),
    "GEN_PUBL": _local("PUBLISH"),
    "GEN_SUBL": _local("SUBSCRIBE"),
    "GEN_STRUCT_MUX": _struct,
    "GEN_STRUCT_DEMUX": _struct,
}
