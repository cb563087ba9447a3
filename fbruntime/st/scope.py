"""What compiled ST can see: the FB's variables, internal FBs, adapters, functions and constants.

The importer builds an ``STScope`` per FB type from its interface; the compiler resolves every
identifier against it at compile time (case-insensitively), so the generated code only ever
touches attributes that exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fbruntime.iec.aggregates import StructType
from fbruntime.iec.base import IecType

VarKind = Literal["input", "output", "inout", "internal", "constant"]


@dataclass(frozen=True, slots=True)
class VarInfo:
    name: str
    type: IecType
    kind: VarKind


@dataclass(frozen=True, slots=True)
class CallableInterface:
    """The pins of an internal FB instance or adapter (as seen from inside the owning FB)."""

    event_inputs: tuple[str, ...]
    inputs: Mapping[str, IecType]
    outputs: Mapping[str, IecType]
    event_outputs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledFunction:
    """A compiled user function (``.fct``).

    ``fn(ctx, *inputs, *inouts)`` returns ``(ret, *outputs, *inouts)``: ``ret`` is None when the
    function has no return type; in-out values come back so that scalars can be written back
    (arrays and structs are also changed in place). ``ctx`` supplies the clock
    (``rt__now()``, ``rt__monotonic()``); an FB instance does.
    """

    name: str
    return_type: IecType | None
    inputs: Mapping[str, IecType]
    outputs: Mapping[str, IecType]
    inouts: Mapping[str, IecType]
    fn: Callable[..., tuple[Any, ...]]
    package: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.package}::{self.name}" if self.package else self.name


@dataclass(frozen=True, slots=True)
class STScope:
    variables: Mapping[str, VarInfo]
    fb_instances: Mapping[str, CallableInterface] = field(default_factory=dict)
    adapters: Mapping[str, CallableInterface] = field(default_factory=dict)
    functions: Mapping[str, CompiledFunction] = field(default_factory=dict)
    constants: Mapping[str, tuple[IecType, Any]] = field(default_factory=dict)
    structs: Mapping[str, StructType] = field(default_factory=dict)
    resolve_constant: Callable[[str], tuple[IecType, Any] | None] | None = None
    """The importer's name resolution for global constants (own package, imports), tried
    before ``constants``; it may raise for a constant whose own definition is broken."""


def find_ci(mapping: Mapping[str, Any], name: str) -> str | None:
    """The key of ``mapping`` equal to ``name`` ignoring case (IEC identifiers), or None."""
    if name in mapping:
        return name
    upper = name.upper()
    for key in mapping:
        if key.upper() == upper:
            return key
    return None


def find_qualified(mapping: Mapping[str, Any], name: str) -> str | None:
    """Like ``find_ci``, but qualified and plain spellings find each other.

    The key sharing the longest run of trailing segments with ``name`` wins: ``gcf::NAME`` finds
    ``pkg::gcf::NAME`` rather than ``pkg::other::NAME``; one shared segment is enough (a 3.x name
    against the unnamespaced 1.0.0 library).
    """
    key = find_ci(mapping, name)
    if key is not None:
        return key
    wanted = [part.strip().upper() for part in name.split("::")]
    best, best_score = None, 0
    for candidate in mapping:
        parts = [part.upper() for part in candidate.split("::")]
        score = 0
        for mine, theirs in zip(reversed(parts), reversed(wanted), strict=False):
            if mine != theirs:
                break
            score += 1
        if score > best_score:
            best, best_score = candidate, score
    return best
