"""Generic FB types typed per use: ANY pins given concrete types from what they connect to.

:func:`type_generics` types every :class:`Specializable` FB of a network (``F_*`` from
:mod:`fbruntime.fourdiac.generic`, or an :class:`XmlGenericType`) from its connections and
typed parameters; :class:`XmlGenericType` is a Basic or Simple FB from XML with ANY pins, built
by :class:`~fbruntime.fourdiac.build.FourdiacTypes` once per concrete typing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from fbruntime import iec
from fbruntime.core import FBType
from fbruntime.core.instance import FBInstance
from fbruntime.core.interface import Interface as CoreInterface
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.model import BasicFBType, SimpleFBType

if TYPE_CHECKING:
    from fbruntime.fourdiac.build import FourdiacTypes


@runtime_checkable
class Specializable(Protocol):
    """A type whose ANY pins are typed per use (``F_*``, or XML types with generic pins)."""

    def specialize(self, known: Mapping[str, iec.IecType]) -> FBType: ...


def _pin_type_of(fbtype: FBType, pin: str) -> iec.IecType | None:
    port = fbtype.interface.data_port(pin)
    return port.type if port is not None else None


def type_generics(
    types: dict[str, FBType],
    connections: Sequence[tuple[str, str]],
    own: CoreInterface | None = None,
    params: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, FBType]:
    """Replace each generic FB type in ``types`` (name -> type) by one typed from its connections.

    Repeats until nothing changes, so chains of generic FBs type each other.
    """
    result = dict(types)

    def split(path: str) -> tuple[str | None, str]:
        head, dot, pin = path.rpartition(".")
        if not dot:
            return None, path
        return head, pin

    bases = {name: t for name, t in types.items() if isinstance(t, Specializable)}
    if not bases:
        return result
    touching: dict[str, list[tuple[str | None, str, str | None, str]]] = {}
    for source, destination in connections:
        s_fb, s_pin = split(source)
        d_fb, d_pin = split(destination)
        for fb in {s_fb, d_fb}:
            if fb in bases:
                touching.setdefault(fb, []).append((s_fb, s_pin, d_fb, d_pin))
    for _ in range(8):
        changed = False
        for name, base in bases.items():
            t = result[name]
            known: dict[str, iec.IecType] = {}
            for s_fb, s_pin, d_fb, d_pin in touching.get(name, ()):
                if d_fb == name and s_fb != name:
                    other = result.get(s_fb) if s_fb is not None else None
                    st = _pin_type_of(other, s_pin) if other is not None else None
                    if other is None and s_fb is None and own is not None:
                        st = _pin_type_of_interface(own, s_pin)
                    if st is not None and not st.is_generic:
                        known[d_pin] = st
                if s_fb == name and d_fb != name:
                    other = result.get(d_fb) if d_fb is not None else None
                    dt = _pin_type_of(other, d_pin) if other is not None else None
                    if other is None and d_fb is None and own is not None:
                        dt = _pin_type_of_interface(own, d_pin)
                    if dt is not None and not dt.is_generic:
                        known.setdefault(s_pin, dt)
            for pin, text in (params or {}).get(name, {}).items():
                if pin not in known:
                    literal = literal_type(text)
                    if literal is not None:
                        known[pin] = literal
            try:
                typed = base.specialize(known)
            except FourdiacError:
                continue  # reported when the instance is created
            if typed is not t:
                result[name] = typed
                changed = changed or typed.interface != t.interface
        if not changed:
            break
    return result


_TYPE_PREFIX = re.compile(r"^\s*[A-Za-z_]\w*\s*#")


def literal_type(text: str) -> iec.IecType | None:
    """The type a parameter's literal names (``BYTE#16#FF``, ``T#5s``), else None.

    Only a type prefix types a pin: a based number (``16#FF``, ``2#1010``) is written to
    whatever the pin becomes, as an untyped ``5`` is.
    """
    if not _TYPE_PREFIX.match(text):
        return None
    try:
        return iec.parse_literal(text)[0]
    except (iec.IecError, ValueError):
        return None


def _pin_type_of_interface(itf: CoreInterface, pin: str) -> iec.IecType | None:
    port = itf.data_port(pin)
    return port.type if port is not None else None


_GENERIC_DEFAULTS = {
    "ANY_INT": "DINT",
    "ANY_SIGNED": "DINT",
    "ANY_UNSIGNED": "UDINT",
    "ANY_BIT": "DWORD",
    "ANY_STRING": "STRING",
    "ANY_CHARS": "STRING",
    "ANY_SCHARS": "STRING",
    "ANY_WCHARS": "WSTRING",
    "ANY_CHAR": "CHAR",
    "ANY_DURATION": "TIME",
    "ANY_DATE": "DATE_AND_TIME",
}


class XmlGenericType(FBType):
    """A Basic or Simple FB from XML with ANY pins: compiled once per concrete pin typing.

    Pins no connection types take a default of their family (LREAL for numbers), so a block
    that is only given parameters still runs.
    """

    kind = "generic"

    def __init__(self, types: FourdiacTypes, model: BasicFBType | SimpleFBType, file: str) -> None:
        self.types = types
        self.model = model
        self.file = file
        self._cache: dict[tuple[tuple[str, str], ...], FBType] = {}
        self.generic_pins: dict[str, iec.GenericType] = {}
        itf = model.interface
        for var in (*itf.inputs, *itf.outputs, *itf.in_outs):
            g = iec.find_generic(var.type_name.rsplit("::", 1)[-1])
            if g is not None:
                self.generic_pins[var.name] = g
        super().__init__(
            model.header.name,
            types._generic_interface(itf),
            version=model.header.version,
            description=model.header.description,
            qualified_name=model.header.qualified_name,
            origin=file,
        )

    def specialize(self, known: Mapping[str, iec.IecType]) -> FBType:
        concrete: dict[str, iec.IecType] = {}
        family = next(
            (t for pin, t in known.items() if pin in self.generic_pins and not t.is_generic), None
        )
        for pin, g in self.generic_pins.items():
            t = known.get(pin)
            if t is None or t.is_generic or not g.accepts(t):
                t = family if family is not None and g.accepts(family) else None
            if t is None:
                t = iec.elementary(_GENERIC_DEFAULTS.get(g.name, "LREAL"))
            concrete[pin] = t
        key = tuple(sorted((p, t.name) for p, t in concrete.items()))
        found = self._cache.get(key)
        if found is None:
            found = self.types.build_typed(self.model, self.file, concrete)
            self._cache[key] = found
        return found

    def create(self, name: str) -> FBInstance:
        return self.specialize({}).create(name)
