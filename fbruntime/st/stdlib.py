"""The IEC 61131-3 standard functions as code templates, checked against their argument types.

Function-form operators (ADD, GT, ...) are rewritten to the operator so they share its typing and
inlining; conversions (``*_TO_*``, ``*_AS_STRING``, ``STRING_AS_*``, ``TIME_IN_*_TO_*``) are
recognised by name, so every pair of elementary types works without a generated table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import fbruntime.iec as iec
from fbruntime.iec.aggregates import ArrayType
from fbruntime.iec.base import IecType
from fbruntime.iec.elementary import ElementaryType, find_elementary
from fbruntime.iec.limits import MAX_STRING_LENGTH

from . import nodes as n
from .operators import binary, time_arith
from .types import (
    DINT,
    DT,
    LINT,
    LREAL,
    NOCONST,
    TIME,
    Val,
    is_bool,
    is_integral,
    is_numeric,
    is_real,
    mask_code,
    wider,
)

if TYPE_CHECKING:
    from .codegen import Emitter

Handler = Callable[["Emitter", n.Call, list[Val]], Val]

_NS_PER = {"NS": 1, "US": 1_000, "MS": 1_000_000, "S": 1_000_000_000}


def _args(em: Emitter, c: n.Call, names: tuple[str, ...] | None, count: int | None) -> list[Val]:
    """Argument values in parameter order; named arguments are matched to ``names``."""
    positional: list[Val] = []
    named: dict[int, Val] = {}
    fname = c.func.name if isinstance(c.func, n.Name) else "?"
    for arg in c.args:
        if arg.output:
            raise em.fail(f"{fname} has no output parameters", arg)
        if arg.name is None:
            positional.append(em.expr(arg.value))
            continue
        upper = arg.name.upper()
        if names is None or upper not in names:
            raise em.fail(f"{fname} has no parameter '{arg.name}'", arg)
        named[names.index(upper)] = em.expr(arg.value)
    if named:
        if positional:
            raise em.fail(f"{fname}: do not mix named and positional arguments", c)
        if sorted(named) != list(range(len(named))):
            raise em.fail(f"{fname}: missing arguments", c)
        positional = [named[i] for i in range(len(named))]
    if count is not None and len(positional) != count:
        raise em.fail(f"{fname} takes {count} argument(s), not {len(positional)}", c)
    return positional


def _real_type(t: IecType) -> IecType:
    return t if is_real(t) else LREAL


def _math(helper: str) -> Handler:
    def handler(em: Emitter, c: n.Call, args: list[Val]) -> Val:
        (x,) = args
        if not is_numeric(x.type):
            raise em.fail(f"{_fname(c)} needs a number, not {x.type.name}", c)
        return Val(f"{helper}({x.code})", _real_type(x.type), clean=False)

    return handler


def _fname(c: n.Call) -> str:
    return c.func.name.upper() if isinstance(c.func, n.Name) else "?"


def _abs(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    (x,) = args
    if not is_numeric(x.type):
        raise em.fail(f"ABS needs a number, not {x.type.name}", c)
    return Val(f"abs({x.code})", x.type, untyped=x.untyped, clean=False)


def _atan2(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    y, x = args
    return Val(f"h__atan2({y.code}, {x.code})", _real_type(wider(y.type, x.type)), clean=False)


def _trunc(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    (x,) = args
    if not is_real(x.type):
        raise em.fail(f"TRUNC needs a REAL or LREAL, not {x.type.name}", c)
    return Val(f"h__trunc({x.code})", DINT if x.type.name == "REAL" else LINT, clean=False)


def _common(em: Emitter, c: n.Call, vals: list[Val]) -> IecType:
    t = vals[0].type
    typed = [v for v in vals if not v.untyped]
    if typed:
        t = typed[0].type
    for v in vals:
        if v.untyped and is_numeric(t) and is_numeric(v.type):
            if is_real(v.type) and not is_real(t):
                t = LREAL
            continue
        if is_numeric(t) and is_numeric(v.type):
            t = wider(t, v.type)
        elif v.type != t and _kind(t) != _kind(v.type):
            raise em.fail(f"{_fname(c)}: cannot mix {t.name} and {v.type.name}", c)
    return t


def _kind(t: IecType) -> str:
    return t.kind if isinstance(t, ElementaryType) else t.name


def _minmax(fn: str) -> Handler:
    def handler(em: Emitter, c: n.Call, args: list[Val]) -> Val:
        if len(args) < 2:
            raise em.fail(f"{fn.upper()} needs at least 2 arguments", c)
        t = _common(em, c, args)
        clean = all(v.clean for v in args)
        code = f"{fn}({', '.join(v.code for v in args)})"
        return Val(code, t, untyped=all(v.untyped for v in args), clean=clean)

    return handler


def _limit(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    mn, x, mx = args
    t = _common(em, c, args)
    code = f"h__limit({mn.code}, {x.code}, {mx.code})"
    return Val(code, t, clean=all(v.clean for v in args))


def _sel(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    g, a, b = args
    if not is_bool(g.type):
        raise em.fail(f"SEL needs a BOOL selector, not {g.type.name}", c)
    t = _common(em, c, [a, b])
    return Val(f"({b.code} if {g.code} else {a.code})", t, clean=a.clean and b.clean)


def _mux(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    if len(args) < 2:
        raise em.fail("MUX needs a selector and at least one input", c)
    k, rest = args[0], args[1:]
    if not is_integral(k.type):
        raise em.fail(f"MUX needs an integer selector, not {k.type.name}", c)
    t = _common(em, c, rest)
    code = f"h__mux({k.code}, {', '.join(v.code for v in rest)})"
    return Val(code, t, clean=all(v.clean for v in rest))


def _move(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    return args[0]


def _shift(kind: str) -> Handler:
    def handler(em: Emitter, c: n.Call, args: list[Val]) -> Val:
        x, k = args
        t = x.type
        if not isinstance(t, ElementaryType) or not is_integral(t) or x.untyped:
            raise em.fail(f"{kind} needs a typed bit string, not {x.type.name}", c)
        if not is_integral(k.type):
            raise em.fail(f"{kind} needs an integer shift count, not {k.type.name}", c)
        mask = (1 << t.bits) - 1
        if kind == "SHL":
            return Val(f"(({x.code} << {k.code}) & {mask:#x})", t, clean=not t.signed)
        if kind == "SHR":
            return Val(f"({x.code} >> {k.code})", t)
        helper = "h__rol" if kind == "ROL" else "h__ror"
        return Val(f"{helper}({x.code}, {k.code}, {t.bits})", t)

    return handler


def _strings(kind: str) -> Handler:
    def handler(em: Emitter, c: n.Call, args: list[Val]) -> Val:
        s = args[0]
        if _kind(s.type) not in ("string", "char"):
            raise em.fail(f"{kind} needs a STRING, not {s.type.name}", c)
        st = (
            s.type
            if _kind(s.type) == "string"
            else (iec.elementary("WSTRING") if s.type.name == "WCHAR" else iec.elementary("STRING"))
        )
        codes = [v.code for v in args]
        for v in args[1:]:
            if kind in ("INSERT", "REPLACE", "FIND", "CONCAT") and v is args[1]:
                if _kind(v.type) not in ("string", "char"):
                    raise em.fail(f"{kind} needs a STRING, not {v.type.name}", c)
                continue
            if kind != "CONCAT" and not is_integral(v.type):
                raise em.fail(f"{kind} needs an integer, not {v.type.name}", c)
        if kind == "LEN":
            return Val(f"len({s.code})", DINT)
        if kind == "FIND":
            return Val(f"h__find({codes[0]}, {codes[1]})", DINT)
        if kind == "CONCAT":
            for v in args:
                if _kind(v.type) not in ("string", "char"):
                    raise em.fail(f"CONCAT needs STRINGs, not {v.type.name}", c)
            # FORTE's STRING stops at 65,534 characters; so does a CONCAT here
            return Val("(" + " + ".join(codes) + f")[:{MAX_STRING_LENGTH}]", st, fresh=True)
        return Val(f"h__{kind.lower()}({', '.join(codes)})", st)

    return handler


def _time_fn(op: str) -> Handler:
    def handler(em: Emitter, c: n.Call, args: list[Val]) -> Val:
        a, b = args
        return time_arith(em, c, op, a, b)

    return handler


def _concat_date_tod(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    d, t = args
    if _kind(d.type) != "date" or _kind(t.type) != "tod":
        raise em.fail("CONCAT_DATE_TOD needs a DATE and a TOD", c)
    return Val(f"({d.code} + {t.code})", DT)


def _now(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    return Val(f"{em.ctx}.rt__now()", DT)


def _now_monotonic(em: Emitter, c: n.Call, args: list[Val]) -> Val:
    return Val(f"{em.ctx}.rt__monotonic()", TIME)


def _bound(upper: bool) -> Handler:
    def handler(em: Emitter, c: n.Call, args: list[Val]) -> Val:
        arr, dim = args
        if not isinstance(arr.type, ArrayType):
            raise em.fail(f"{_fname(c)} needs an array, not {arr.type.name}", c)
        if dim.const is NOCONST or not isinstance(dim.const, int):
            raise em.fail(f"{_fname(c)} needs a constant dimension", c)
        t: IecType = arr.type
        for _ in range(int(dim.const) - 1):
            if not isinstance(t, ArrayType):
                break
            t = t.element
        if not isinstance(t, ArrayType) or dim.const < 1:
            raise em.fail(f"{arr.type.name} has no dimension {dim.const}", c)
        from .codegen import DynArray

        if isinstance(t, DynArray):
            return Val(f"(len({arr.code}) - 1)" if upper else "0", DINT)
        value = t.upper if upper else t.lower
        return Val(repr(value), DINT, const=value)

    return handler


_FIXED: dict[str, tuple[Handler, tuple[str, ...] | None, int | None]] = {
    "ABS": (_abs, ("IN",), 1),
    "SQRT": (_math("h__sqrt"), ("IN",), 1),
    "LN": (_math("h__ln"), ("IN",), 1),
    "LOG": (_math("h__log"), ("IN",), 1),
    "EXP": (_math("h__exp"), ("IN",), 1),
    "SIN": (_math("h__sin"), ("IN",), 1),
    "COS": (_math("h__cos"), ("IN",), 1),
    "TAN": (_math("h__tan"), ("IN",), 1),
    "ASIN": (_math("h__asin"), ("IN",), 1),
    "ACOS": (_math("h__acos"), ("IN",), 1),
    "ATAN": (_math("h__atan"), ("IN",), 1),
    "ATAN2": (_atan2, ("Y", "X"), 2),
    "TRUNC": (_trunc, ("IN",), 1),
    "MIN": (_minmax("min"), None, None),
    "MAX": (_minmax("max"), None, None),
    "LIMIT": (_limit, ("MN", "IN", "MX"), 3),
    "SEL": (_sel, ("G", "IN0", "IN1"), 3),
    "MUX": (_mux, None, None),
    "MOVE": (_move, ("IN",), 1),
    "SHL": (_shift("SHL"), ("IN", "N"), 2),
    "SHR": (_shift("SHR"), ("IN", "N"), 2),
    "ROL": (_shift("ROL"), ("IN", "N"), 2),
    "ROR": (_shift("ROR"), ("IN", "N"), 2),
    "LEN": (_strings("LEN"), ("IN",), 1),
    "LEFT": (_strings("LEFT"), ("IN", "L"), 2),
    "RIGHT": (_strings("RIGHT"), ("IN", "L"), 2),
    "MID": (_strings("MID"), ("IN", "L", "P"), 3),
    "CONCAT": (_strings("CONCAT"), None, None),
    "INSERT": (_strings("INSERT"), ("IN1", "IN2", "P"), 3),
    "DELETE": (_strings("DELETE"), ("IN", "L", "P"), 3),
    "REPLACE": (_strings("REPLACE"), ("IN1", "IN2", "L", "P"), 4),
    "FIND": (_strings("FIND"), ("IN1", "IN2"), 2),
    "ADD_TIME": (_time_fn("+"), ("IN1", "IN2"), 2),
    "SUB_TIME": (_time_fn("-"), ("IN1", "IN2"), 2),
    "MULTIME": (_time_fn("*"), ("IN1", "IN2"), 2),
    "MUL_TIME": (_time_fn("*"), ("IN1", "IN2"), 2),
    "DIVTIME": (_time_fn("/"), ("IN1", "IN2"), 2),
    "DIV_TIME": (_time_fn("/"), ("IN1", "IN2"), 2),
    "ADD_TOD_TIME": (_time_fn("+"), ("IN1", "IN2"), 2),
    "ADD_DT_TIME": (_time_fn("+"), ("IN1", "IN2"), 2),
    "SUB_TOD_TIME": (_time_fn("-"), ("IN1", "IN2"), 2),
    "SUB_DT_TIME": (_time_fn("-"), ("IN1", "IN2"), 2),
    "SUB_DT_DT": (_time_fn("-"), ("IN1", "IN2"), 2),
    "SUB_TOD_TOD": (_time_fn("-"), ("IN1", "IN2"), 2),
    "SUB_DATE_DATE": (_time_fn("-"), ("IN1", "IN2"), 2),
    "CONCAT_DATE_TOD": (_concat_date_tod, ("IN1", "IN2"), 2),
    "NOW": (_now, (), 0),
    "NOW_MONOTONIC": (_now_monotonic, (), 0),
    "LOWER_BOUND": (_bound(False), ("ARR", "DIM"), 2),
    "UPPER_BOUND": (_bound(True), ("ARR", "DIM"), 2),
}

_BINARY_FORMS = {
    "ADD": "+",
    "MUL": "*",
    "SUB": "-",
    "DIV": "/",
    "MOD": "MOD",
    "EXPT": "**",
    "GT": ">",
    "GE": ">=",
    "EQ": "=",
    "LE": "<=",
    "LT": "<",
    "NE": "<>",
    "AND": "AND",
    "OR": "OR",
    "XOR": "XOR",
}
_NARY = frozenset({"ADD", "MUL", "AND", "OR", "XOR"})
_CHAINED = frozenset({"GT", "GE", "EQ", "LE", "LT"})

_CONVERSION = re.compile(r"^(?:(\w+?)_)?TO_(\w+)$")
_AS_STRING = re.compile(r"^(\w+)_AS_(W?STRING)$")
_STRING_AS = re.compile(r"^(W?STRING)_AS_(\w+)$")
_BCD_TO = re.compile(r"^(BYTE|WORD|DWORD|LWORD)_BCD_TO_(\w+)$")
_TO_BCD = re.compile(r"^(\w+)_TO_BCD_(BYTE|WORD|DWORD|LWORD)$")
_TIME_IN = re.compile(r"^(L?TIME)_IN_(NS|US|MS|S)_TO_(\w+)$")


def call_standard(em: Emitter, name: str, c: n.Call) -> Val | None:
    """Code for the standard function ``name``, or None if there is no such function."""
    upper = name.upper()
    fixed = _FIXED.get(upper)
    if fixed is not None:
        handler, names, count = fixed
        return handler(em, c, _args(em, c, names, count))
    if upper in _BINARY_FORMS:
        return _binary_form(em, upper, c)
    m = _BCD_TO.match(upper) or _TO_BCD.match(upper)
    if m is not None:
        src, dst = find_elementary(m.group(1)), find_elementary(m.group(2))
        if src is not None and dst is not None and is_integral(src) and is_integral(dst):
            return _bcd(em, c, src, dst, to_bcd=upper.count("_TO_BCD_") == 1)
    m = _TIME_IN.match(upper)
    if m is not None:
        return _time_in(em, c, m.group(2), m.group(3))
    m = _AS_STRING.match(upper)
    if m is not None and find_elementary(m.group(1)) is not None:
        return _as_string(em, c, find_elementary(m.group(1)), iec.elementary(m.group(2)))
    m = _STRING_AS.match(upper)
    if m is not None and find_elementary(m.group(2)) is not None:
        return _string_as(em, c, iec.elementary(m.group(1)), find_elementary(m.group(2)))
    m = _CONVERSION.match(upper)
    if m is not None:
        src = find_elementary(m.group(1)) if m.group(1) else None
        dst = find_elementary(m.group(2))
        if dst is not None and (src is not None or m.group(1) is None):
            return _convert(em, c, src, dst)
    return None


def _binary_form(em: Emitter, upper: str, c: n.Call) -> Val:
    exprs: list[n.Expr] = []
    for arg in c.args:
        if arg.output:
            raise em.fail(f"{upper} has no output parameters", arg)
        exprs.append(arg.value)
    if len(exprs) < 2 or (len(exprs) > 2 and upper not in _NARY | _CHAINED):
        raise em.fail(f"{upper} takes {'at least ' if upper in _NARY else ''}2 arguments", c)
    op = _BINARY_FORMS[upper]
    if upper in _CHAINED and len(exprs) > 2:
        node: n.Expr = n.Binary(c.line, c.col, op, exprs[0], exprs[1])
        for left, right in itertools.pairwise(exprs):
            node = n.Binary(c.line, c.col, "AND", node, n.Binary(c.line, c.col, op, left, right))
        return em.expr(node)
    node = exprs[0]
    for right in exprs[1:]:
        node = n.Binary(c.line, c.col, op, node, right)
    return binary(em, node) if isinstance(node, n.Binary) else em.expr(node)


def _convert(em: Emitter, c: n.Call, src: ElementaryType | None, dst: ElementaryType) -> Val:
    (x,) = _args(em, c, ("IN",), 1)
    st = x.type
    if src is None:
        if not isinstance(st, ElementaryType):
            raise em.fail(f"cannot convert {st.name} to {dst.name}", c)
        src = st
    if x.untyped:
        value = x.const
        st = src if (is_integral(src) or is_real(src)) else st
    elif (
        st != src
        and not (isinstance(st, ElementaryType) and st.kind == src.kind and st.bits == src.bits)
        and not (is_integral(st) and is_integral(src))
        and not (is_real(st) and is_real(src))
    ):
        raise em.fail(f"{_fname(c)} needs a {src.name} argument, not {st.name}", c)
    try:
        iec.explicit_convert(src, dst, src.default())
    except iec.IecTypeError:
        raise em.fail(f"there is no conversion from {src.name} to {dst.name}", c) from None
    except iec.IecError:
        pass
    if x.const is not NOCONST:
        try:
            value = iec.explicit_convert(src, dst, src.coerce(x.const))
        except iec.IecError as exc:
            raise em.fail(f"{_fname(c)}({x.code}) fails: {exc}", c) from None
        if not dst.is_aggregate and isinstance(value, bool | int | str):
            return Val(repr(value), dst, const=value)
    if is_integral(src) and is_integral(dst):
        lo, hi = iec.int_range(src)
        dlo, dhi = iec.int_range(dst)
        if dlo <= lo and hi <= dhi:
            return Val(x.code, dst)
        return Val(f"({mask_code(x.code, dst)})", dst)
    if is_integral(src) and is_real(dst):
        return Val(f"h__f32({x.code})" if dst.bits == 32 else f"float({x.code})", dst)
    if is_bool(src) and is_integral(dst):
        return Val(f"int({x.code})", dst)
    fn = em.m.bind(partial(iec.explicit_convert, src, dst), "c")
    return Val(f"{fn}({x.code})", dst)


def _bcd(em: Emitter, c: n.Call, src: ElementaryType, dst: ElementaryType, *, to_bcd: bool) -> Val:
    (x,) = _args(em, c, ("IN",), 1)
    if not is_integral(x.type):
        raise em.fail(f"{_fname(c)} needs an integer, not {x.type.name}", c)
    helper = "h__to_bcd" if to_bcd else "h__from_bcd"
    return Val(f"({mask_code(f'{helper}({x.code})', dst)})", dst)


def _as_string(em: Emitter, c: n.Call, src: ElementaryType | None, dst: ElementaryType) -> Val:
    assert src is not None
    (x,) = _args(em, c, ("IN",), 1)
    fn = em.m.bind(src.format, "c")
    return Val(f"{fn}({x.code})", dst)


def _string_as(em: Emitter, c: n.Call, src: ElementaryType, dst: ElementaryType | None) -> Val:
    assert dst is not None
    (x,) = _args(em, c, ("IN",), 1)
    if _kind(x.type) != "string":
        raise em.fail(f"{_fname(c)} needs a STRING, not {x.type.name}", c)
    fn = em.m.bind(_parse_as(dst), "c")
    return Val(f"{fn}({x.code})", dst)


def _parse_as(dst: IecType) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        return iec.parse_literal(text.strip(), dst)[1]

    return parse


def _time_in(em: Emitter, c: n.Call, unit: str, target: str) -> Val:
    (x,) = _args(em, c, ("IN",), 1)
    if _kind(x.type) != "duration":
        raise em.fail(f"{_fname(c)} needs a TIME, not {x.type.name}", c)
    dst = find_elementary(target)
    if dst is None or not (is_integral(dst) or is_real(dst)):
        raise em.fail(f"unknown function '{_fname(c)}'", c)
    per = _NS_PER[unit]
    if is_real(dst):
        code = f"({x.code} / {per})" if per != 1 else f"float({x.code})"
        return Val(f"h__f32{code}" if dst.bits == 32 else code, dst)
    code = x.code if per == 1 else f"h__div({x.code}, {per})"
    return Val(f"({mask_code(code, dst)})", dst)
