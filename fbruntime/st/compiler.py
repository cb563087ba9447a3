"""The public entry points: compile a type's algorithms, a transition guard, or a ``.fct`` function.

Each call builds one Python module source, compiles it once with ``compile()`` and returns plain
functions of the FB instance. Runtime faults are turned into ``STRuntimeError`` by an ``except``
clause around each body (free in Python 3.11 until something is raised) that maps the generated
line back to the ST line.
"""

from __future__ import annotations

import itertools
import keyword
import linecache
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

import fbruntime.iec as iec
from fbruntime.core import watchdog
from fbruntime.core.watchdog import WatchdogExpired

from . import nodes as n
from .codegen import Emitter, Module, Sym, attr_code, resolve_type
from .errors import STError, STFault, STRuntimeError, WatchdogTrip
from .parser import Parser
from .runtime import HELPERS
from .scope import CompiledFunction, STScope
from .types import NOCONST, is_bool

_serial = itertools.count(1)


def _symbols(scope: STScope) -> dict[str, Sym]:
    return {
        name.upper(): Sym(attr_code("fb", info.name), info.type, info.kind != "constant")
        for name, info in scope.variables.items()
    }


class _Reporter:
    """Turns an exception escaping generated code into an STRuntimeError with the ST line."""

    def __init__(self, module: Module, filename: str, unit: str) -> None:
        self.filename = filename
        self.unit = unit
        self.st_lines = module.st_lines
        self.st_algos = module.st_algos
        self.origin = module.origin

    def __call__(self, exc: BaseException) -> Exception:
        line = 0
        algo = ""
        tb: TracebackType | None = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                index = tb.tb_lineno - 1
                if 0 <= index < len(self.st_lines):
                    line = self.st_lines[index]
                    algo = self.st_algos[index]
            tb = tb.tb_next
        if isinstance(exc, WatchdogTrip):
            return WatchdogExpired(
                f"{self.origin or '<st>'}: watchdog: ran over {watchdog.budget_ms()} ms "
                f"in {self.unit} {algo}, line {line}"
            )
        if isinstance(exc, STFault):
            message = str(exc)
        elif isinstance(exc, ZeroDivisionError):
            message = "division by zero"
        elif isinstance(exc, iec.IecError):
            message = str(exc)
        elif isinstance(exc, RecursionError):
            message = "algorithms call each other without end"
        else:
            message = f"{type(exc).__name__}: {exc}"
        err = STRuntimeError(message, algorithm=algo, line=line, origin=self.origin)
        return err


def _finish(module: Module, label: str, unit: str = "algorithm") -> dict[str, Any]:
    filename = f"<st {label} #{next(_serial)}>"
    source = "\n".join(module.lines) + "\n"
    try:
        code = compile(source, filename, "exec")
    except (SyntaxError, RecursionError, MemoryError) as exc:
        # The limits in .limits keep generated code inside Python's own; should a construct
        # still exceed them, the user sees the ST place, not Python's.
        index = (getattr(exc, "lineno", None) or 1) - 1
        inside = 0 <= index < len(module.st_lines)
        raise STError(
            f"too complex for the compiler ({type(exc).__name__}: {exc}); "
            "split it with temporary variables",
            origin=module.origin,
            line=module.st_lines[index] if inside else 0,
            algorithm=module.st_algos[index] if inside else "",
        ) from None
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {**HELPERS, **module.namespace}
    # faults that already name their place pass through the wrappers of calling algorithms
    namespace["h__st"] = (STRuntimeError, WatchdogExpired)
    namespace["h__report"] = _Reporter(module, filename, unit)
    namespace["__builtins__"] = __builtins__
    exec(code, namespace)
    return namespace


def _guarded(em: Emitter, body: Callable[[], None], tail: str | None = None) -> None:
    em.emit("try:")
    em.indent += 1
    before = len(em.m.lines)
    body()
    if len(em.m.lines) == before:
        em.emit("pass")
    em.indent -= 1
    em.emit("except h__st:")
    em.emit("    raise")
    em.emit("except Exception as e__:")
    em.emit("    raise h__report(e__) from None")
    if tail is not None:
        em.emit(tail)


def compile_algorithms(
    type_name: str,
    algorithms: Mapping[str, str],
    scope: STScope,
    *,
    origin: str = "",
    line_offsets: Mapping[str, int] = {},
) -> dict[str, Callable[[Any], None]]:
    """Compile all algorithms of one FB type into one module; returns name -> fn(fb)."""
    module = Module(origin or type_name)
    pynames = {name: f"a__{i}" for i, name in enumerate(algorithms)}
    base_symbols = _symbols(scope)
    for name, text in algorithms.items():
        offset = max(line_offsets.get(name, 1) - 1, 0)
        body = Parser(text, origin=module.origin, line_offset=offset, algorithm=name).parse_body()
        em = Emitter(
            module,
            scope,
            dict(base_symbols),
            algorithm=name,
            algorithms=pynames,
            line_offset=offset,
        )
        em.cur_line = body.line + offset
        em.indent = 0
        em.emit("def " + pynames[name] + "(fb):", body)
        em.indent = 1

        def run(em: Emitter = em, body: n.Body = body) -> None:
            em.declare_locals(body.decls)
            em.start_watchdog(body.statements)
            em.block(body.statements)

        _guarded(em, run)
    namespace = _finish(module, type_name)
    return {name: namespace[py] for name, py in pynames.items()}


def compile_condition(
    text: str, scope: STScope, *, origin: str = "", line: int = 0
) -> Callable[[Any], bool]:
    """Compile a transition guard (``CV < 65535``, ``NOT G``, ``1``) into fn(fb) -> bool."""
    module = Module(origin)
    offset = max(line - 1, 0)
    expr = Parser(text, origin=origin, line_offset=offset, algorithm="").parse_expression_only()
    em = Emitter(module, scope, _symbols(scope), algorithm="", algorithms={}, line_offset=offset)
    v = em.expr(expr)
    if not is_bool(v.type):
        if v.untyped and v.const in (0, 1):
            return (lambda fb: True) if v.const else (lambda fb: False)
        raise em.fail(f"a transition condition must be BOOL, not {v.type.name}", expr)
    if v.const is not NOCONST:
        result = bool(v.const)
        return (lambda fb: True) if result else (lambda fb: False)
    if em.post:
        raise em.fail("a call with output arguments cannot be used in a condition", expr)
    em.indent = 0
    em.emit("def c__(fb):", expr)
    em.indent = 1
    _guarded(em, lambda: em.emit(f"return {v.code}", expr))
    fn: Callable[[Any], bool] = _finish(module, origin or "condition")["c__"]
    return fn


def compile_function(
    text: str,
    *,
    origin: str = "",
    line: int = 1,
    scope: STScope | None = None,
) -> CompiledFunction:
    """Compile a ``.fct`` body (``[PACKAGE p;] FUNCTION NAME [: RET] ... END_FUNCTION``).

    ``scope`` supplies the functions, global constants and structs it may use (its variables
    are ignored). See ``CompiledFunction`` for the calling convention.
    """
    outer = scope or STScope(variables={})
    offset = max(line - 1, 0)
    module = Module(origin)
    unit = Parser(text, origin=origin, line_offset=offset, algorithm="").parse_function()
    fn_scope = STScope(
        variables={},
        functions=outer.functions,
        constants=outer.constants,
        structs=outer.structs,
        resolve_constant=outer.resolve_constant,
    )
    em = Emitter(module, fn_scope, {}, algorithm=unit.name, algorithms={}, line_offset=offset)
    inputs: dict[str, iec.IecType] = {}
    outputs: dict[str, iec.IecType] = {}
    inouts: dict[str, iec.IecType] = {}
    params: list[str] = []
    locals_: list[n.VarDecl] = []
    for d in unit.decls:
        if d.section in ("VAR_INPUT", "VAR_IN_OUT"):
            t = resolve_type(d.type, fn_scope.structs, em.fail, em.const_int)
            (inputs if d.section == "VAR_INPUT" else inouts)[d.name] = t
            em.symbols[d.name.upper()] = Sym("v_" + d.name, t)
        else:
            locals_.append(d)
    params = ["v_" + name for name in [*inputs, *inouts]]
    ret_type = (
        resolve_type(unit.return_type, fn_scope.structs, em.fail, em.const_int)
        if unit.return_type is not None
        else None
    )
    em.indent = 0
    em.emit(f"def f__({', '.join(['fb', *params])}):", unit)
    em.indent = 1
    ret_code = "None"
    if ret_type is not None:
        ret_code = "r__ret"
        em.emit(f"{ret_code} = {em.default_code(ret_type)}", unit)
        em.symbols[unit.name.upper()] = Sym(ret_code, ret_type)
    out_decls = [d for d in locals_ if d.section == "VAR_OUTPUT"]
    for d in out_decls:
        outputs[d.name] = resolve_type(d.type, fn_scope.structs, em.fail, em.const_int)
    for name, t in inputs.items():
        if t.is_aggregate:
            em.emit(f"v_{name} = {em.m.bind(t, 'ty')}.copy(v_{name})", unit)
    tail = (
        "return ("
        + ", ".join([ret_code, *("v_" + k for k in outputs), *("v_" + k for k in inouts)])
        + ",)"
    )
    em.return_code = tail

    def run() -> None:
        em.declare_locals(locals_)
        em.start_watchdog(unit.statements)
        em.block(unit.statements)

    _guarded(em, run, tail)
    for name in [*inputs, *outputs, *inouts]:
        if keyword.iskeyword("v_" + name):  # pragma: no cover - v_ prefix prevents this
            raise STError(f"bad parameter name {name}", origin=origin)
    namespace = _finish(module, origin or unit.name, "function")
    return CompiledFunction(
        name=unit.name,
        return_type=ret_type,
        inputs=inputs,
        outputs=outputs,
        inouts=inouts,
        fn=namespace["f__"],
        package=unit.package,
    )


def compile_guards(
    guards: Mapping[str, tuple[str, int]],
    scope: STScope,
    *,
    origin: str = "",
) -> tuple[dict[str, str | bool], dict[str, Any]]:
    """Transition guards as Python expression source over ``fb``, for inlining into an ECC.

    ``guards`` maps a caller's key to (ST text, file line). Returns, per key, either the
    expression source or a constant ``True``/``False`` (``1``, ``TRUE``, constant folding), and
    the namespace the expressions need (helpers and bound objects): exec the code that uses them
    in a copy of it. Guards share one module, so bound names never clash. A guard that is not
    BOOL or that calls a function with output arguments raises STError naming its line.
    """
    module = Module(origin)
    result: dict[str, str | bool] = {}
    symbols = _symbols(scope)
    for key, (text, line) in guards.items():
        offset = max(line - 1, 0)
        parser = Parser(text, origin=origin, line_offset=offset, algorithm="")
        expr = parser.parse_expression_only()
        em = Emitter(module, scope, dict(symbols), algorithm="", algorithms={}, line_offset=offset)
        v = em.expr(expr)
        if not is_bool(v.type):
            if v.untyped and v.const in (0, 1):
                result[key] = bool(v.const)
                continue
            raise em.fail(f"a transition condition must be BOOL, not {v.type.name}", expr)
        if v.const is not NOCONST:
            result[key] = bool(v.const)
            continue
        if em.post:
            raise em.fail("a call with output arguments cannot be used in a condition", expr)
        result[key] = f"({v.code})"
    namespace: dict[str, Any] = {**HELPERS, **module.namespace}
    return result, namespace
