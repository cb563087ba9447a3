"""IEC 61131-3 Structured Text compiled to Python (layer 3: uses ``fbruntime.iec`` only).

Pipeline: ``lexer`` -> ``parser`` (syntax tree in ``nodes``) -> ``codegen`` with ``operators``,
``calls`` and ``stdlib`` (type check and Python source, one module per FB type) -> ``compiler``
(``compile()`` once, line mapping for runtime faults). ``runtime`` holds the few helpers the
generated code calls; ``scope`` describes what ST can see. The engine runs the returned functions
with the FB instance as their only argument.
"""

from .compiler import compile_algorithms, compile_condition, compile_function, compile_guards
from .errors import STError, STRuntimeError
from .scope import CallableInterface, CompiledFunction, STScope, VarInfo

__all__ = [
    "CallableInterface",
    "CompiledFunction",
    "STError",
    "STRuntimeError",
    "STScope",
    "VarInfo",
    "compile_algorithms",
    "compile_condition",
    "compile_function",
    "compile_guards",
]
