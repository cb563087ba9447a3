"""A small attribute object standing in for an FB instance, and helpers to run ST against it.

Imported by the tests as ``st_support`` (pytest puts this directory on sys.path).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fbruntime import iec
from fbruntime.st import STScope, VarInfo, compile_algorithms


class Instance:
    """Pins as attributes, a fake clock, and rt__invoke recording the events it ran."""

    def __init__(self, on_invoke: Callable[[Instance, str], None] | None = None) -> None:
        self.invoked: list[str] = []
        self._on_invoke = on_invoke
        self.now_ns = 1_700_000_000_000_000_000
        self.mono_ns = 5_000_000_000

    def rt__now(self) -> int:
        return self.now_ns

    def rt__monotonic(self) -> int:
        return self.mono_ns

    def rt__invoke(self, event: str) -> None:
        self.invoked.append(event)
        if self._on_invoke is not None:
            self._on_invoke(self, event)


def make_scope(decls: dict[str, str], **extra: Any) -> STScope:
    """``{"X": "INT", "A": "ARRAY [1..3] OF DINT"}`` -> a scope of internal variables."""
    variables = {}
    for name, spec in decls.items():
        variables[name] = VarInfo(name, parse_type(spec), "internal")
    return STScope(variables, **extra)


def parse_type(spec: str) -> iec.IecType:
    if spec.upper().startswith("ARRAY"):
        bounds, _, element = spec[spec.index("[") + 1 :].partition("] OF ")
        lo, hi = (int(x) for x in bounds.split(".."))
        return iec.ArrayType(parse_type(element.strip()), lo, hi)
    return iec.elementary(spec)


def make_instance(scope: STScope, **values: Any) -> Instance:
    fb = Instance()
    for name, info in scope.variables.items():
        setattr(fb, name, info.type.default())
    for name, value in values.items():
        setattr(fb, name, value)
    return fb


def run_once(text: str, decls: dict[str, str], **values: Any) -> Instance:
    """Compile ``text`` as one algorithm over ``decls``, run it once, return the instance."""
    scope = make_scope(decls)
    fns = compile_algorithms("T", {"ALG": text}, scope)
    fb = make_instance(scope, **values)
    fns["ALG"](fb)
    return fb
