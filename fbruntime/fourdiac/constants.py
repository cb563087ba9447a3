"""Global constants (``.gcf``) named from InitialValues, parameters and ST, resolved as the IDE does.

3.x files refer to constants by plain name through an import (``Import
declaration="pkg::IDs::ID_NULL"`` then ``InitialValue="ID_NULL"``), by ``gcf::NAME`` through the
element's own package or an import of the ``.gcf`` (``logiBUS_DI::Invalid``), or fully qualified
(4DIAC-FORMATS.md §a.7, :meth:`TypeLibrary.find_constant` does the name part).  The IDE evaluates
such a reference before deployment and sends the constant's value, so the importer does the same:
:class:`ConstantResolver` evaluates each constant once, in the context of its own ``.gcf``
(constants may name other constants), and :meth:`ConstantResolver.bind` gives the
``reference -> (type, value)`` callable that :func:`~fbruntime.fourdiac.iectypes.parse_value` and
the ST compiler take.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fbruntime import iec
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.library import TypeLibrary
from fbruntime.fourdiac.model import Header, VarDecl

ConstantLookup = Callable[[str], "tuple[iec.IecType, Any] | None"]
"""``reference -> (declared type, value)`` of a global constant, None when it names none."""

_REFERENCE = re.compile(r"[A-Za-z_]\w*(?:\s*::\s*[A-Za-z_]\w*)*")
_NOT_REFERENCES = frozenset({"TRUE", "FALSE"})
# Inside an aggregate literal: a name not glued to a number or prefix (``16#FF``, ``T#1s``,
# ``1.5E3``) and not a member name (``Pin :=``); quoted strings are skipped whole.
_INNER = re.compile(
    r"""'(?:\$.|[^'$])*'|"(?:\$.|[^"$])*"|(?<![\w#.$])([A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)(?![\w#]|\s*:=)"""
)


def is_reference(text: str) -> bool:
    """True when ``text`` is a plain or ``::``-qualified name (not a literal)."""
    stripped = text.strip()
    return bool(_REFERENCE.fullmatch(stripped)) and stripped.upper() not in _NOT_REFERENCES


@dataclass(frozen=True, slots=True)
class NameContext:
    """Where a name is written: the referring element's package and imports."""

    package: str = ""
    imports: tuple[str, ...] = ()

    @classmethod
    def of(cls, header: Header) -> NameContext:
        return cls(header.package, header.imports)


class ConstantResolver:
    """Every global constant of a library, evaluated on first use and kept."""

    def __init__(self, library: TypeLibrary, type_of: Callable[[VarDecl], iec.IecType]) -> None:
        self.library = library
        self._type_of = type_of
        self._values: dict[tuple[str, str], tuple[iec.IecType, Any]] = {}
        self._evaluating: set[tuple[str, str]] = set()

    def lookup(self, reference: str, context: NameContext) -> tuple[iec.IecType, Any] | None:
        """The constant ``reference`` names from ``context``, or None if it names none."""
        if not is_reference(reference):
            return None
        name = re.sub(r"\s+", "", reference)
        found = self.library.find_constant(name, context.package, context.imports)
        if found is None:
            return None
        owner, var = found
        key = (var.origin.file, var.name.upper())
        cached = self._values.get(key)
        if cached is not None:
            return cached
        where = (var.origin.file, var.origin.line, "VarDeclaration")
        if key in self._evaluating:
            raise FourdiacError(*where, f"constant {var.name} is defined in terms of itself")
        self._evaluating.add(key)
        try:
            # iectypes builds on this module (its StructTable owns a resolver), hence the late import.
            from fbruntime.fourdiac.iectypes import parse_value

            t = self._type_of(var)
            text = (var.initial_value or "").strip()
            own = self.bind(NameContext.of(owner.header))
            value = (
                parse_value(text, t, var.origin.file, var.origin.line, f"constant {var.name}", own)
                if text
                else t.default()
            )
        finally:
            self._evaluating.discard(key)
        self._values[key] = (t, value)
        return t, value

    def bind(self, context: NameContext) -> ConstantLookup:
        """``lookup`` with the context fixed, for code that only sees the reference text."""

        def lookup(reference: str) -> tuple[iec.IecType, Any] | None:
            return self.lookup(reference, context)

        return lookup


def substitute_constants(text: str, lookup: ConstantLookup) -> str:
    """An aggregate literal with each constant it names replaced by the constant's literal.

    ``(u16ObjId := ID_NULL, r32Scale := 1.0)`` becomes ``(u16ObjId := 65535, r32Scale := 1.0)``;
    the struct or array parser then types each element as usual.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None or name.upper() in _NOT_REFERENCES:
            return match.group(0)
        found = lookup(name)
        if found is None:
            return match.group(0)
        return iec.format_value(found[0], found[1])

    return _INNER.sub(replace, text)


def convert_constant(found: tuple[iec.IecType, Any], target: iec.IecType, reference: str) -> Any:
    """A constant's value as a value of ``target`` (implicit IEC widening only)."""
    t, value = found
    if t == target or (t.is_aggregate and t.name.upper() == target.name.upper()):
        return target.copy(value) if target.is_aggregate else value
    try:
        convert = iec.implicit_conversion(t, target)
    except iec.IecError as exc:
        raise iec.IecTypeError(
            f"constant {reference} is {t.name} and cannot initialise a {target.name}: {exc}"
        ) from None
    return convert(value) if convert is not None else value
