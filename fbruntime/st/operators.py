"""Code for the ST operators: arithmetic, comparison, boolean/bitwise logic, time arithmetic.

Integer results are left unbounded here and wrapped when stored (``Emitter.convert``); only
division and MOD go through helpers, for C truncation and the zero check. Constant operands are
folded so that ``INT#5 * 2`` costs nothing at run time.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

from fbruntime.iec.base import IecType
from fbruntime.iec.elementary import ElementaryType

from . import nodes as n
from .runtime import div_int, mod_int
from .types import BOOL, LREAL, NOCONST, TIME, Val, is_bool, is_integral, is_numeric, is_real, wider

if TYPE_CHECKING:
    from .codegen import Emitter

_CMP_FN: dict[str, Any] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_PY_COMPARE = {"=": "==", "<>": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}


def unary(em: Emitter, e: n.Unary) -> Val:
    v = em.expr(e.operand)
    t = v.type
    if e.op == "NOT":
        if is_bool(t):
            const = (not v.const) if v.const is not NOCONST else NOCONST
            return Val(f"(not {v.code})", BOOL, const=const)
        if isinstance(t, ElementaryType) and is_integral(t) and not v.untyped:
            mask = (1 << t.bits) - 1
            if t.signed:
                return Val(f"(~{v.code})", t)
            return Val(f"({v.code} ^ {mask:#x})", t)
        raise em.fail(f"NOT needs BOOL or a bit string, not {t.name}", e)
    if not (is_numeric(t) or _kind(t) == "duration"):
        raise em.fail(f"unary {e.op} needs a number, not {t.name}", e)
    if e.op == "+":
        return v
    const = -v.const if v.const is not NOCONST else NOCONST
    return Val(f"(-{v.code})", t, untyped=v.untyped, const=const, clean=False)


def _kind(t: IecType) -> str:
    return t.kind if isinstance(t, ElementaryType) else ""


def binary(em: Emitter, e: n.Binary) -> Val:
    a = em.expr(e.left)
    b = em.expr(e.right)
    op = e.op
    if op in ("AND", "OR", "XOR"):
        return _logic(em, e, a, b)
    if op in _PY_COMPARE:
        return _compare(em, e, a, b)
    ka, kb = _kind(a.type), _kind(b.type)
    if ka in ("duration", "date", "tod", "dt") or kb in ("duration", "date", "tod", "dt"):
        return time_arith(em, e, op, a, b)
    if not is_numeric(a.type) or not is_numeric(b.type):
        raise em.fail(f"operator {op} cannot be applied to {a.type_name} and {b.type_name}", e)
    t = _result_type(a, b)
    untyped = a.untyped and b.untyped
    real = is_real(t)
    if op == "**":
        rt = t if real else LREAL
        return _fold(Val(f"h__expt({a.code}, {b.code})", rt, clean=False), a, b, _pow)
    if op in ("+", "-", "*"):
        code = f"({a.code} {op} {b.code})"
        return _fold(Val(code, t, untyped=untyped, clean=False), a, b, _ARITH[op])
    if op == "/":
        if real:
            return _fold(
                Val(f"h__fdiv({a.code}, {b.code})", t, untyped=untyped, clean=False), a, b, None
            )
        if b.const is not NOCONST and b.const > 0 and _non_negative(a):
            code = f"({a.code} // {b.const})"
        else:
            code = f"h__div({a.code}, {b.code})"
        return _fold(Val(code, t, untyped=untyped, clean=False), a, b, div_int)
    if op == "MOD":
        if real:
            raise em.fail("MOD needs integer operands", e)
        if b.const is not NOCONST and b.const > 0 and _non_negative(a):
            code = f"({a.code} % {b.const})"
        else:
            code = f"h__mod({a.code}, {b.code})"
        return _fold(Val(code, t, untyped=untyped, clean=False), a, b, mod_int)
    raise em.fail(f"unknown operator {op}", e)  # pragma: no cover


def _pow(x: Any, y: Any) -> Any:
    from .runtime import expt

    return expt(x, y)


_ARITH: dict[str, Any] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
}


def _non_negative(v: Val) -> bool:
    t = v.type
    return (
        isinstance(t, ElementaryType)
        and t.kind in ("int", "bits")
        and not t.signed
        and not v.untyped
    )


def _result_type(a: Val, b: Val) -> IecType:
    if a.untyped and not b.untyped:
        if is_real(a.type) and not is_real(b.type):
            return a.type
        return b.type
    if b.untyped and not a.untyped:
        if is_real(b.type) and not is_real(a.type):
            return b.type
        return a.type
    return wider(a.type, b.type)


def _fold(v: Val, a: Val, b: Val, fn: Any) -> Val:
    """Evaluate an operation on two constants at compile time (faults stay for run time)."""
    if fn is None or a.const is NOCONST or b.const is NOCONST:
        return v
    try:
        value = fn(a.const, b.const)
    except Exception:
        return v
    t = v.type
    if v.untyped or not isinstance(t, ElementaryType):
        code = repr(value)
    else:
        value = t.coerce(value)
        code = repr(value)
    if isinstance(value, float) and not (value == value and abs(value) != float("inf")):
        return v
    return Val(code, t, untyped=v.untyped, const=value)


def _logic(em: Emitter, e: n.Binary, a: Val, b: Val) -> Val:
    op = e.op
    if is_bool(a.type) and is_bool(b.type):
        code = f"({a.code} != {b.code})" if op == "XOR" else f"({a.code} {op.lower()} {b.code})"
        consts = a.const is not NOCONST and b.const is not NOCONST
        const: Any = NOCONST
        if consts:
            const = {
                "AND": a.const and b.const,
                "OR": a.const or b.const,
                "XOR": a.const != b.const,
            }[op]
        return Val(code, BOOL, const=const)
    if is_integral(a.type) and is_integral(b.type):
        t = _result_type(a, b)
        pyop = {"AND": "&", "OR": "|", "XOR": "^"}[op]
        clean = (a.clean or a.untyped) and (b.clean or b.untyped)
        if t.is_signed if isinstance(t, ElementaryType) else False:
            clean = False
        return Val(f"({a.code} {pyop} {b.code})", t, untyped=a.untyped and b.untyped, clean=clean)
    raise em.fail(f"operator {op} cannot be applied to {a.type_name} and {b.type_name}", e)


def _compare(em: Emitter, e: n.Binary, a: Val, b: Val) -> Val:
    ta, tb = a.type, b.type
    ok = (
        (is_numeric(ta) and is_numeric(tb))
        or (is_bool(ta) and is_bool(tb))
        or (_kind(ta) in ("string", "char") and _kind(tb) in ("string", "char"))
        or (_kind(ta) == _kind(tb) and _kind(ta) in ("duration", "date", "tod", "dt"))
        or (is_bool(ta) and b.untyped and b.const in (0, 1))
        or (is_bool(tb) and a.untyped and a.const in (0, 1))
    )
    if not ok:
        raise em.fail(f"cannot compare {a.type_name} with {b.type_name}", e)
    if e.op in ("<", ">", "<=", ">=") and (is_bool(ta) or ta.is_aggregate):
        raise em.fail(f"operator {e.op} cannot be applied to {ta.name}", e)
    code = f"({a.code} {_PY_COMPARE[e.op]} {b.code})"
    const: Any = NOCONST
    if a.const is not NOCONST and b.const is not NOCONST:
        const = _CMP_FN[e.op](a.const, b.const)
    return Val(code, BOOL, const=const)


def time_arith(em: Emitter, node: n.Node, op: str, a: Val, b: Val) -> Val:
    """TIME/DATE/TOD/DT arithmetic as IEC 61131-3 defines it (all values are int ns)."""
    ka, kb = _kind(a.type), _kind(b.type)
    if op in ("+", "-"):
        if ka == "duration" and kb == "duration":
            return Val(f"({a.code} {op} {b.code})", a.type)
        if ka in ("tod", "dt") and kb == "duration":
            code = f"({a.code} {op} {b.code})"
            if ka == "tod":
                code = f"({code} % 86400000000000)"
            return Val(code, a.type)
        if op == "+" and kb in ("tod", "dt") and ka == "duration":
            code = f"({a.code} + {b.code})"
            if kb == "tod":
                code = f"({code} % 86400000000000)"
            return Val(code, b.type)
        if op == "-" and ka == kb and ka in ("date", "tod", "dt"):
            return Val(
                f"({a.code} - {b.code})", TIME if not a.type.name.startswith("L") else a.type
            )
    if ka == "duration" and is_numeric(b.type):
        if op == "*":
            code = f"int({a.code} * {b.code})" if is_real(b.type) else f"({a.code} * {b.code})"
            return Val(code, a.type)
        if op == "/":
            if is_real(b.type):
                return Val(f"int(h__fdiv({a.code}, {b.code}))", a.type)
            return Val(f"h__div({a.code}, {b.code})", a.type)
    if op == "*" and kb == "duration" and is_numeric(a.type):
        code = f"int({a.code} * {b.code})" if is_real(a.type) else f"({a.code} * {b.code})"
        return Val(code, b.type)
    raise em.fail(f"operator {op} cannot be applied to {a.type_name} and {b.type_name}", node)
