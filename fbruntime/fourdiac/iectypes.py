"""Declared 4diac types and values turned into ``fbruntime.iec`` types and values.

A ``VarDeclaration`` names its type as written (``INT``, ``STRING[20]``, ``pkg::MyStruct``,
``ANY_NUM``) with an optional ``ArraySize``; structs come from ``.dtp`` files through a
:class:`StructTable`, which also owns the library's
:class:`~fbruntime.fourdiac.constants.ConstantResolver` (a struct member's InitialValue may name a
constant, and a constant may be a struct). Values may be literals or global-constant references
(resolved through a ``ConstantLookup`` bound to the referring element). Errors are raised as :class:`~fbruntime.fourdiac.errors.FourdiacError`
naming the declaration's file and line.
"""

from __future__ import annotations

import re
from typing import Any

from fbruntime import iec
from fbruntime.fourdiac.constants import (
    ConstantLookup,
    ConstantResolver,
    NameContext,
    convert_constant,
    is_reference,
    substitute_constants,
)
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.library import TypeLibrary
from fbruntime.fourdiac.literals import quote_bare_string
from fbruntime.fourdiac.model import DataType, VarDecl

_STRING_LENGTH = re.compile(r"^\s*(W?STRING)\s*\[\s*\d+\s*\]\s*$", re.IGNORECASE)


class StructTable:
    """Every struct ``.dtp`` of a library, built on first use, by plain name."""

    def __init__(self, library: TypeLibrary) -> None:
        self.library = library
        self.constants = ConstantResolver(library, self.type_of)
        self._structs: dict[str, iec.StructType] | None = None
        self._building: set[str] = set()

    @property
    def structs(self) -> dict[str, iec.StructType]:
        if self._structs is None:
            self._structs = {}
            for entry in self.library.entries:
                if entry.root_tag == "DataType":
                    try:
                        self.struct(entry.name)
                    except FourdiacError:
                        continue
        return self._structs

    def struct(self, name: str) -> iec.StructType:
        if self._structs is None:
            self._structs = {}
        plain = name.rsplit("::", 1)[-1]
        found = self._structs.get(plain.upper())
        if found is not None:
            return found
        entry = self.library.resolve(name, tags=frozenset({"DataType"}))
        if entry is None:
            raise FourdiacError("", 0, "VarDeclaration", f"unknown data type {name!r}")
        model = self.library.load(entry)
        if not isinstance(model, DataType) or not model.is_struct:
            raise FourdiacError(
                entry.file, 0, "DataType", f"data type {name!r} is not a STRUCT (not supported)"
            )
        if plain.upper() in self._building:
            raise FourdiacError(entry.file, 0, "DataType", f"struct {name!r} contains itself")
        self._building.add(plain.upper())
        lookup = self.constants.bind(NameContext.of(model.header))
        try:
            members = []
            for member in model.members:
                t = self.type_of(member)
                members.append((member.name, t, initial_value(member, t, lookup)))
            try:
                struct = iec.StructType(model.header.name, tuple(members))
            except iec.IecError as exc:
                raise FourdiacError(entry.file, model.origin.line, "DataType", str(exc)) from None
        finally:
            self._building.discard(plain.upper())
        self._structs[plain.upper()] = struct
        return struct

    def type_of(self, var: VarDecl) -> iec.IecType:
        """The iec type of a declaration (array and STRING[n] included)."""
        return declared_type(var, self)


def declared_type(var: VarDecl, table: StructTable | None) -> iec.IecType:
    name = var.type_name.strip()
    match = _STRING_LENGTH.match(name)
    if match:
        name = match.group(1)
    plain = name.rsplit("::", 1)[-1]
    where = (var.origin.file, var.origin.line, "VarDeclaration")
    t: iec.IecType | None = iec.find_elementary(plain) or iec.find_generic(plain)
    if t is None:
        if table is None:
            raise FourdiacError(*where, f"{var.name}: unknown data type {var.type_name!r}")
        try:
            t = table.struct(name)
        except FourdiacError as exc:
            raise FourdiacError(*where, f"{var.name}: {exc.reason}") from None
    if var.array_size is not None and var.array_size.strip():
        try:
            lower, upper = iec.parse_array_size(var.array_size)
            t = iec.ArrayType(t, lower, upper)
        except iec.IecError as exc:
            raise FourdiacError(*where, f"{var.name}: {exc}") from None
    return t


def initial_value(var: VarDecl, t: iec.IecType, constants: ConstantLookup | None = None) -> Any:
    """The declared InitialValue as a value of ``t`` (None when there is none)."""
    text = (var.initial_value or "").strip()
    if not text or t.is_generic:
        return None
    return parse_value(
        text, t, var.origin.file, var.origin.line, f"{var.name} InitialValue", constants
    )


def parse_value(
    text: str,
    t: iec.IecType,
    file: str,
    line: int,
    what: str,
    constants: ConstantLookup | None = None,
) -> Any:
    """Literal text (old unquoted STRING parameters too) or a constant's name as a value of ``t``.

    A name is tried as a constant before anything else, as the IDE evaluates the text as an ST
    initializer; a STRING pin's bare word that names no constant stays an old unquoted string.
    """
    if constants is not None:
        if is_reference(text):
            found = constants(text)
            if found is not None:
                try:
                    return convert_constant(found, t, text.strip())
                except iec.IecError as exc:
                    raise FourdiacError(file, line, "VarDeclaration", f"{what}: {exc}") from None
        elif t.is_aggregate:
            text = substitute_constants(text, constants)
    if isinstance(t, iec.ElementaryType) and (t.is_string or t.is_char):
        text = quote_bare_string(text, t.name)
    try:
        return iec.parse_literal(text, t, where=f"{file}:{line}")[1]
    except (iec.IecError, ValueError) as exc:
        raise FourdiacError(file, line, "VarDeclaration", f"{what}: {exc}") from None
