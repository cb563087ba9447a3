"""Type-checks the syntax tree and writes Python source for it, one function per algorithm.

The generated code reads and writes ``fb.NAME`` directly and inlines integer arithmetic with a
mask on assignment, so the common statements (``CV := CV + 1;``) cost what a hand-written block
costs. Each emitted Python line remembers its ST line so runtime faults can be reported in ST terms.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import fbruntime.iec as iec
from fbruntime.core.watchdog import CHECK_EVERY
from fbruntime.iec.aggregates import ArrayType, StructType
from fbruntime.iec.base import IecType
from fbruntime.iec.elementary import ElementaryType, find_elementary

from . import nodes as n
from .errors import STError
from .limits import MAX_EXPRESSION_DEPTH
from .scope import CallableInterface, STScope, find_ci, find_qualified
from .types import (
    BOOL,
    LINT,
    LREAL,
    NOCONST,
    Val,
    assignable,
    is_bool,
    is_integral,
    is_real,
    mask_code,
)


@dataclass(slots=True)
class Sym:
    """A variable visible to ST: where it lives in Python and whether ST may write it."""

    code: str
    type: IecType
    writable: bool = True


@dataclass
class Module:
    """The Python module being built for one FB type: its source lines and bound objects."""

    origin: str
    lines: list[str] = field(default_factory=list)
    st_lines: list[int] = field(default_factory=list)
    st_algos: list[str] = field(default_factory=list)
    namespace: dict[str, Any] = field(default_factory=dict)
    _bound: dict[int, str] = field(default_factory=dict)

    def bind(self, obj: Any, hint: str = "k") -> str:
        key = id(obj)
        if key in self._bound:
            return self._bound[key]
        name = f"{hint}__{len(self.namespace)}"
        self.namespace[name] = obj
        self._bound[key] = name
        return name

    def emit(self, indent: int, text: str, st_line: int, algo: str) -> None:
        self.lines.append("    " * indent + text)
        self.st_lines.append(st_line)
        self.st_algos.append(algo)


def store_code(target: str, value: str) -> str:
    """``target = value`` as Python; a keyword-named attribute needs ``setattr``."""
    if target.startswith("getattr(") and target.endswith("')"):
        base, _, name = target[len("getattr(") : -2].rpartition(", '")
        return f"setattr({base}, {name!r}, {value})"
    return f"{target} = {value}"


def attr_code(base: str, name: str) -> str:
    return f"getattr({base}, {name!r})" if keyword.iskeyword(name) else f"{base}.{name}"


def resolve_type(
    spec: n.TypeSpec,
    structs: Mapping[str, StructType],
    fail: Callable[[str, n.Node], STError],
    const_eval: Callable[[n.Expr], int],
) -> IecType:
    base: IecType | None = find_elementary(spec.name)
    if base is None:
        key = find_ci(structs, spec.name) or find_ci(structs, spec.name.split("::")[-1])
        if key is None:
            raise fail(f"unknown data type '{spec.name}'", spec)
        base = structs[key]
    if spec.ranges is None and not spec.dynamic:
        return base
    if spec.dynamic:
        return DynArray(base)
    t = base
    assert spec.ranges is not None
    for low, high in reversed(spec.ranges):
        lo, hi = const_eval(low), const_eval(high)
        try:
            t = ArrayType(t, lo, hi)
        except iec.IecError as exc:
            raise fail(str(exc), spec) from None
    return t


class DynArray(ArrayType):
    """``ARRAY [*] OF T`` for function in-outs: bounds are those of the list passed (from 0)."""

    def __init__(self, element: IecType) -> None:
        super().__init__(element, 0, 0)
        object.__setattr__(self, "name", f"ARRAY [*] OF {element.name}")


class Emitter:
    """Compiles one body (algorithm, condition or function) into lines of a Module."""

    def __init__(
        self,
        module: Module,
        scope: STScope,
        symbols: dict[str, Sym],
        *,
        algorithm: str,
        algorithms: Mapping[str, str],
        line_offset: int,
        ctx: str = "fb",
    ) -> None:
        self.m = module
        self.scope = scope
        self.symbols = symbols  # upper-case name -> Sym
        self.algorithm = algorithm
        self.algorithms = algorithms  # upper name -> python function name
        self.line_offset = line_offset
        self.ctx = ctx
        self.indent = 1
        self.cur_line = 0
        self.counter = 0
        self.loop_depth = 0
        self.depth = 0  # of the expression being compiled, bounded by MAX_EXPRESSION_DEPTH
        self.watchdog = False  # the body stamped its start: its loops check the budget
        self.post: list[str] = []  # statements to run after the current statement
        self.return_code = "return"

    # --- errors and output -----------------------------------------------------------------

    def fail(self, message: str, node: n.Node | None) -> STError:
        line = node.line if node is not None else 0
        col = node.col if node is not None else 0
        return STError(
            message,
            origin=self.m.origin,
            line=line + self.line_offset,
            column=col,
            algorithm=self.algorithm,
        )

    def emit(self, text: str, node: n.Node | None = None) -> None:
        line = node.line + self.line_offset if node is not None else self.cur_line
        self.m.emit(self.indent, text, line, self.algorithm)

    def tmp(self, hint: str = "t") -> str:
        self.counter += 1
        return f"{hint}__{self.counter}"

    # --- declarations ------------------------------------------------------------------------

    def const_int(self, expr: n.Expr) -> int:
        v = self.expr(expr)
        if v.const is NOCONST or not isinstance(v.const, int):
            raise self.fail("expected a constant integer", expr)
        return int(v.const)

    def declare_locals(self, decls: list[n.VarDecl], prefix: str = "v_") -> None:
        """Temporaries become Python locals; initialise them at the top of the body."""
        for d in decls:
            t = resolve_type(d.type, self.scope.structs, self.fail, self.const_int)
            code = prefix + d.name
            if d.init is not None:
                init = self.convert(self.init_value(d.init, t), t, d.init)
            else:
                init = self.default_code(t)
            self.emit(f"{code} = {init}", d)
            self.symbols[d.name.upper()] = Sym(code, t, not d.constant)

    def default_code(self, t: IecType) -> str:
        value = t.default()
        if t.is_aggregate:
            return f"{self.m.bind(t, 'ty')}.default()"
        return self.literal_code(value)

    def init_value(self, e: n.Expr, t: IecType) -> Val:
        if isinstance(e, n.ArrayInit):
            if not isinstance(t, ArrayType):
                raise self.fail(f"an array initializer cannot initialise {t.name}", e)
            items: list[str] = []
            for value, repeat in e.items:
                v = self.convert(self.init_value(value, t.element), t.element, value)
                count = 1 if repeat is None else self.const_int(repeat)
                if len(items) + count > t.length:
                    raise self.fail(f"{len(items) + count:,} initial values for {t.name}", e)
                items.extend([v] * count)
            if len(items) > t.length:
                raise self.fail(f"{len(items)} initial values for {t.name}", e)
            items.extend([self.default_code(t.element)] * (t.length - len(items)))
            return Val("[" + ", ".join(items) + "]", t, fresh=True)
        return self.expr(e)

    def literal_code(self, value: Any) -> str:
        if isinstance(value, bool | int | str) or (
            isinstance(value, float) and math.isfinite(value)
        ):
            return repr(value)
        if isinstance(value, float):
            return self.m.bind(value, "k")
        return f"{self.m.bind(value, 'k')}"

    # --- statements --------------------------------------------------------------------------

    def block(self, stmts: list[n.Stmt]) -> None:
        before = len(self.m.lines)
        for s in stmts:
            self.stmt(s)
        if len(self.m.lines) == before:
            self.emit("pass")

    def stmt(self, s: n.Stmt) -> None:
        self.cur_line = s.line + self.line_offset
        if isinstance(s, n.Assign):
            self.assign(s)
        elif isinstance(s, n.CallStmt):
            self.call_stmt(s.call)
        elif isinstance(s, n.If):
            for i, (cond, body) in enumerate(s.branches):
                c = self.condition(cond)
                if i == 0:
                    self.emit(f"if {c}:", cond)
                else:
                    self.emit(f"elif {c}:", cond)
                self.indent += 1
                self.block(body)
                self.indent -= 1
            if s.orelse is not None:
                self.emit("else:", s)
                self.indent += 1
                self.block(s.orelse)
                self.indent -= 1
        elif isinstance(s, n.Case):
            self.case(s)
        elif isinstance(s, n.For):
            self.for_loop(s)
        elif isinstance(s, n.While):
            c = self.condition(s.cond)
            self.emit(f"while {c}:", s)
            self.loop_body(s.body, s)
        elif isinstance(s, n.Repeat):
            first = self.tmp("r")
            self.emit(f"{first} = True", s)
            c = self.condition(s.cond)
            self.emit(f"while {first} or not ({c}):", s.cond)
            self.indent += 1
            self.emit(f"{first} = False", s)
            self.indent -= 1
            self.loop_body(s.body, s)
        elif isinstance(s, n.Exit | n.Continue):
            if self.loop_depth == 0:
                word = "EXIT" if isinstance(s, n.Exit) else "CONTINUE"
                raise self.fail(f"{word} outside of a loop", s)
            self.emit("break" if isinstance(s, n.Exit) else "continue", s)
        elif isinstance(s, n.Return):
            self.emit(self.return_code, s)
        else:  # pragma: no cover - the parser makes no other statements
            raise self.fail(f"unsupported statement {type(s).__name__}", s)
        if self.post:
            for text in self.post:
                self.emit(text, s)
            self.post.clear()

    def start_watchdog(self, stmts: list[n.Stmt]) -> None:
        """At the top of a body with loops: stamp its start (see fbruntime.core.watchdog)."""
        if _has_loop(stmts):
            self.watchdog = True
            self.emit("w__t = h__now()")
            self.emit(f"w__n = {CHECK_EVERY}")

    def loop_body(self, body: list[n.Stmt], loop: n.Stmt) -> None:
        self.indent += 1
        if self.watchdog:
            # a local countdown, and the clock every CHECK_EVERY iterations; first in the
            # body so that CONTINUE cannot skip it
            self.emit("w__n -= 1", loop)
            self.emit("if not w__n: w__n = h__wd(w__t)", loop)
        self.loop_depth += 1
        self.block(body)
        self.loop_depth -= 1
        self.indent -= 1

    def condition(self, e: n.Expr) -> str:
        v = self.expr(e)
        if not is_bool(v.type):
            raise self.fail(f"condition must be BOOL, not {v.type.name}", e)
        if self.post:
            raise self.fail("a call with output arguments cannot be used in a condition", e)
        return v.code

    def case(self, s: n.Case) -> None:
        sel = self.expr(s.selector)
        if not (is_integral(sel.type) or sel.type.name in ("BOOL",)):
            raise self.fail(f"CASE selector must be an integer, not {sel.type.name}", s.selector)
        if sel.simple:
            var = sel.code
        else:
            var = self.tmp("s")
            self.emit(f"{var} = {sel.code}", s)
        first = True
        for clause in s.clauses:
            tests: list[str] = []
            singles: list[str] = []
            for label in clause.labels:
                if isinstance(label, n.Range):
                    lo, hi = self.expr(label.low), self.expr(label.high)
                    self.check_label(lo, sel, label.low)
                    self.check_label(hi, sel, label.high)
                    tests.append(f"{lo.code} <= {var} <= {hi.code}")
                else:
                    v = self.expr(label)
                    self.check_label(v, sel, label)
                    singles.append(v.code)
            if len(singles) == 1:
                tests.append(f"{var} == {singles[0]}")
            elif singles:
                tests.append(f"{var} in ({', '.join(singles)})")
            self.emit(f"{'if' if first else 'elif'} {' or '.join(tests)}:", clause)
            first = False
            self.indent += 1
            self.block(clause.body)
            self.indent -= 1
        if s.orelse is not None:
            if first:
                self.emit("if True:", s)
            else:
                self.emit("else:", s)
            self.indent += 1
            self.block(s.orelse)
            self.indent -= 1

    def check_label(self, v: Val, sel: Val, node: n.Expr) -> None:
        if v.const is NOCONST:
            raise self.fail("CASE labels must be constants", node)
        if not (is_integral(v.type) or is_bool(v.type)):
            raise self.fail(f"CASE label of type {v.type.name} does not match the selector", node)

    def for_loop(self, s: n.For) -> None:
        assert isinstance(s.var, n.Name)
        target = self.lvalue(s.var)
        if not is_integral(target.type):
            raise self.fail(f"FOR counter must be an integer, not {target.type.name}", s.var)
        start, stop = self.expr(s.start), self.expr(s.stop)
        for v, e in ((start, s.start), (stop, s.stop)):
            if not is_integral(v.type):
                raise self.fail(f"FOR bound must be an integer, not {v.type.name}", e)
        if s.step is None:
            rng = f"range({start.code}, ({stop.code}) + 1)"
        else:
            step = self.expr(s.step)
            if not is_integral(step.type):
                raise self.fail(f"FOR step must be an integer, not {step.type.name}", s.step)
            if step.const is not NOCONST:
                if step.const == 0:
                    raise self.fail("FOR step is zero", s.step)
                edge = 1 if step.const > 0 else -1
                rng = f"range({start.code}, ({stop.code}) + {edge}, {step.const})"
            else:
                rng = f"{self.m.bind(_for_range, 'h')}({start.code}, {stop.code}, {step.code})"
        self.emit(f"for {target.code} in {rng}:", s)
        self.loop_body(s.body, s)

    def assign(self, s: n.Assign) -> None:
        value = self.expr(s.value)
        if isinstance(s.target, n.BitAccess):
            self.assign_bits(s.target, value)
            return
        target = self.lvalue(s.target)
        code = self.convert(value, target.type, s.value)
        self.emit(store_code(target.code, code), s)

    def assign_bits(self, target: n.BitAccess, value: Val) -> None:
        base = self.lvalue(target.base)
        bt = base.type
        width = _PART_BITS[target.size]
        if not isinstance(bt, ElementaryType) or not is_integral(bt):
            raise self.fail(f"partial access needs a bit string, not {bt.name}", target)
        if (target.index + 1) * width > bt.bits:
            raise self.fail(f"{bt.name} has no {_PART_NAMES[target.size]} {target.index}", target)
        shift = target.index * width
        part_mask = ((1 << width) - 1) << shift
        full = (1 << bt.bits) - 1
        keep = full & ~part_mask
        if width == 1:
            if not is_bool(value.type):
                raise self.fail(f"cannot assign a {value.type.name} value to a bit", target)
            code = f"({base.code} | {part_mask:#x}) if {value.code} else ({base.code} & {keep:#x})"
        else:
            if not is_integral(value.type):
                raise self.fail(f"cannot assign a {value.type.name} value to a bit field", target)
            code = (
                f"({base.code} & {keep:#x}) | ((({value.code}) & {(1 << width) - 1:#x}) << {shift})"
            )
        if bt.signed:
            code = mask_code(code, bt)
        self.emit(store_code(base.code, code), target)

    def convert(self, v: Val, dst: IecType, node: n.Node) -> str:
        """Code for ``v`` stored into a variable of type ``dst`` (checked, wrapped, rounded)."""
        why = assignable(v, dst)
        if why is not None:
            raise self.fail(why, node)
        if isinstance(dst, ElementaryType):
            k = dst.kind
            if k in ("int", "bits"):
                if v.const is not NOCONST and isinstance(v.const, int):
                    return repr(iec.wrap_int(int(v.const), dst.bits, dst.signed))
                if v.clean and v.type == dst:
                    return v.code
                src = v.type
                if v.clean and isinstance(src, ElementaryType) and src.kind in ("int", "bits"):
                    lo, hi = iec.int_range(src)
                    dlo, dhi = iec.int_range(dst)
                    if dlo <= lo and hi <= dhi:
                        return v.code
                return mask_code(v.code, dst)
            if k == "real":
                if v.const is not NOCONST:
                    return self.literal_code(dst.coerce(v.const))
                if dst.bits == 32:
                    if v.clean and v.type == dst:
                        return v.code
                    return f"h__f32({v.code})"
                if is_real(v.type):
                    return v.code
                return f"float({v.code})"
            if k == "bool" and not is_bool(v.type):
                return repr(bool(v.const))
            if k == "string" and v.type.name in ("CHAR", "WCHAR"):
                return v.code
            return v.code
        if dst.is_aggregate and not v.fresh:
            return f"{self.m.bind(dst, 'ty')}.copy({v.code})"
        return v.code

    # --- lvalues -----------------------------------------------------------------------------

    def lvalue(self, e: n.Expr) -> Val:
        if isinstance(e, n.Name):
            sym = self.lookup_var(e)
            if sym is None:
                if self.constant(e.name) is not None:
                    raise self.fail(f"'{e.name}' is a global constant and cannot be assigned", e)
                raise self.unknown(e)
            if not sym.writable:
                raise self.fail(f"'{e.name}' is a constant and cannot be assigned", e)
            return Val(sym.code, sym.type, simple=True)
        if isinstance(e, n.Member | n.Index):
            v = self.expr(e)
            if not v.simple and isinstance(e, n.Member):
                raise self.fail("cannot assign to this expression", e)
            return v
        raise self.fail("cannot assign to this expression", e)

    def lookup_var(self, e: n.Name) -> Sym | None:
        return self.symbols.get(e.name.upper())

    def unknown(self, e: n.Name) -> STError:
        name = e.name
        if find_ci(self.scope.fb_instances, name):
            return self.fail(f"'{name}' is an FB instance, not a value", e)
        if find_ci(self.scope.adapters, name):
            return self.fail(f"'{name}' is an adapter, not a value", e)
        return self.fail(f"unknown identifier '{name}'", e)

    # --- expressions -------------------------------------------------------------------------

    def expr(self, e: n.Expr) -> Val:
        # Long operator chains (``1 + 1 + ... + 1``) are parsed without recursion but nest in
        # the tree; bounding the depth here keeps this recursion and the Python it writes small.
        self.depth += 1
        try:
            if self.depth > MAX_EXPRESSION_DEPTH:
                raise self.fail(
                    f"expression too large: more than {MAX_EXPRESSION_DEPTH} operators or calls deep "
                    "(split it with temporary variables)",
                    e,
                )
            return self._expr(e)
        finally:
            self.depth -= 1

    def _expr(self, e: n.Expr) -> Val:
        if isinstance(e, n.Name):
            return self.name(e)
        if isinstance(e, n.Literal):
            return self.literal(e)
        if isinstance(e, n.Binary):
            from .operators import binary

            return binary(self, e)
        if isinstance(e, n.Unary):
            from .operators import unary

            return unary(self, e)
        if isinstance(e, n.Member):
            return self.member(e)
        if isinstance(e, n.Index):
            return self.index(e)
        if isinstance(e, n.BitAccess):
            return self.bit_read(e)
        if isinstance(e, n.Call):
            from .calls import call_expr

            return call_expr(self, e)
        if isinstance(e, n.ArrayInit):
            raise self.fail("an array initializer is only allowed in a declaration", e)
        raise self.fail(f"unexpected {type(e).__name__}", e)

    def name(self, e: n.Name) -> Val:
        sym = self.lookup_var(e)
        if sym is not None:
            return Val(sym.code, sym.type, simple=True)
        found = self.constant(e.name)
        if found is not None:
            t, value = found
            if t.is_aggregate:
                return Val(self.m.bind(value, "k"), t, const=value)
            return Val(self.literal_code(value), t, const=value)
        raise self.unknown(e)

    def constant(self, name: str) -> tuple[IecType, Any] | None:
        """A global constant: the importer's resolution first, then the scope's own table."""
        if self.scope.resolve_constant is not None:
            found = self.scope.resolve_constant(name)
            if found is not None:
                return found
        key = find_qualified(self.scope.constants, name)
        return self.scope.constants[key] if key is not None else None

    def literal(self, e: n.Literal) -> Val:
        text = e.text
        try:
            if e.kind == "bool":
                value = text.upper() == "TRUE"
                return Val(repr(value), BOOL, const=value)
            if e.kind == "int":
                value_i = _parse_int(text)
                return Val(repr(value_i), LINT, untyped=True, const=value_i)
            if e.kind == "real":
                value_f = float(text.replace("_", ""))
                return Val(self.literal_code(value_f), LREAL, untyped=True, const=value_f)
            t, value = iec.parse_literal(text)
        except (ValueError, iec.IecError) as exc:
            raise self.fail(f"bad literal {text}: {exc}", e) from None
        untyped = e.kind in ("string", "wstring")
        return Val(self.literal_code(value), t, const=value, untyped=untyped)

    def member(self, e: n.Member) -> Val:
        base = e.base
        if isinstance(base, n.Name) and self.lookup_var(base) is None:
            inst = self.instance(base)
            if inst is not None:
                pyname, iface = inst
                pins = {**iface.inputs, **iface.outputs}
                key = find_ci(pins, e.name)
                if key is None:
                    raise self.fail(f"'{base.name}' has no data pin '{e.name}'", e)
                return Val(attr_code(pyname, key), pins[key], simple=True)
        v = self.expr(base)
        t = v.type
        if not isinstance(t, StructType):
            raise self.fail(f"{t.name} has no member '{e.name}'", e)
        key = t.find_member(e.name)
        if key is None:
            raise self.fail(f"struct {t.name} has no member '{e.name}'", e)
        return Val(attr_code(v.code, key), t.member_type(key), simple=v.simple)

    def instance(self, e: n.Name) -> tuple[str, CallableInterface] | None:
        for table in (self.scope.fb_instances, self.scope.adapters):
            key = find_ci(table, e.name)
            if key is not None:
                return attr_code(self.ctx, key), table[key]
        return None

    def index(self, e: n.Index) -> Val:
        v = self.expr(e.base)
        code = v.code
        t = v.type
        simple = v.simple
        for ie in e.indices:
            if not isinstance(t, ArrayType):
                raise self.fail(f"{t.name} is not an array", e)
            iv = self.expr(ie)
            if not is_integral(iv.type):
                raise self.fail(f"array index must be an integer, not {iv.type.name}", ie)
            if isinstance(t, DynArray):
                code = f"{code}[{self.m.bind(_dyn_index, 'h')}({iv.code}, {code})]"
                simple = False
            elif iv.const is not NOCONST:
                k = int(iv.const)
                if not t.lower <= k <= t.upper:
                    raise self.fail(f"index {k} is out of bounds [{t.lower}..{t.upper}]", ie)
                code = f"{code}[{k - t.lower}]"
            else:
                lo, hi = t.lower, t.upper
                if iv.simple:
                    ic = iv.code
                    first = ic
                else:
                    ic = self.tmp("i")
                    first = f"({ic} := {iv.code})"
                off = f"{ic} - {lo}" if lo else ic
                code = f"{code}[{off} if {lo} <= {first} <= {hi} else h__oob({ic}, {lo}, {hi})]"
                simple = simple and iv.simple
            t = t.element
        return Val(code, t, simple=simple)

    def bit_read(self, e: n.BitAccess) -> Val:
        v = self.expr(e.base)
        bt = v.type
        width = _PART_BITS[e.size]
        if not isinstance(bt, ElementaryType) or not is_integral(bt):
            raise self.fail(f"partial access needs a bit string, not {bt.name}", e)
        if (e.index + 1) * width > bt.bits:
            raise self.fail(f"{bt.name} has no {_PART_NAMES[e.size]} {e.index}", e)
        shift = e.index * width
        if width == 1:
            return Val(f"(({v.code} >> {shift}) & 1 == 1)", BOOL)
        rt = iec.elementary(_PART_TYPES[e.size])
        return Val(f"(({v.code} >> {shift}) & {(1 << width) - 1:#x})", rt)

    # --- calls as statements ------------------------------------------------------------------

    def call_stmt(self, c: n.Call) -> None:
        from .calls import call_statement

        call_statement(self, c)


_PART_BITS = {"X": 1, "B": 8, "W": 16, "D": 32, "L": 64}
_PART_NAMES = {"X": "bit", "B": "byte", "W": "word", "D": "double word", "L": "long word"}
_PART_TYPES = {"B": "BYTE", "W": "WORD", "D": "DWORD", "L": "LWORD"}


def _has_loop(stmts: list[n.Stmt]) -> bool:
    for s in stmts:
        if isinstance(s, n.For | n.While | n.Repeat):
            return True
        if isinstance(s, n.If):
            bodies = [body for _, body in s.branches]
        elif isinstance(s, n.Case):
            bodies = [c.body for c in s.clauses]
        else:
            continue
        if s.orelse is not None:
            bodies.append(s.orelse)
        if any(_has_loop(body) for body in bodies):
            return True
    return False


def _parse_int(text: str) -> int:
    text = text.replace("_", "")
    neg = text.startswith("-")
    if neg:
        text = text[1:]
    if "#" in text:
        base, digits = text.split("#", 1)
        value = int(digits, int(base))
    else:
        value = int(text)
    return -value if neg else value


def _for_range(start: int, stop: int, step: int) -> range:
    if step == 0:
        from .errors import STFault

        raise STFault("FOR step is zero")
    return range(start, stop + (1 if step > 0 else -1), step)


def _dyn_index(i: int, seq: list[Any]) -> int:
    if 0 <= i < len(seq):
        return i
    from .errors import STFault

    raise STFault(f"array index {i} is out of bounds [0..{len(seq) - 1}]")
