"""Calls in ST: internal FB invocations, algorithm calls, user functions and standard functions.

An internal FB call sets the named inputs on the instance, runs the event synchronously with
``rt__invoke`` and copies ``=>`` outputs back, as FORTE does for internal FBs of a Basic FB.
User functions return a tuple ``(ret, *outputs, *inouts)``; outputs are written back right after
the statement that made the call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import nodes as n
from .scope import CompiledFunction, find_ci, find_qualified
from .stdlib import call_standard
from .types import NOCONST, Val

if TYPE_CHECKING:
    from .codegen import Emitter


def call_expr(em: Emitter, c: n.Call) -> Val:
    f = c.func
    if isinstance(f, n.Member) and isinstance(f.base, n.Name):
        base = f.base
        if base.name.upper() == "THIS":
            return _algorithm_call(em, f.name, c)
        if em.lookup_var(base) is None and em.instance(base) is not None:
            raise em.fail(f"calling {base.name}.{f.name} gives no value; call it as a statement", c)
        if em.lookup_var(base) is None and em.instance(base) is None:
            raise em.fail(
                f"'{base.name}.{f.name}' cannot be called: '{base.name}' is not an internal FB, "
                "adapter or THIS",
                c,
            )
    if isinstance(f, n.Name):
        name = f.name
        if em.lookup_var(f) is None:
            if em.instance(f) is not None:
                raise em.fail(f"calling {name} gives no value; call it as a statement", c)
            if find_ci(em.algorithms, name) is not None and not c.args:
                return _algorithm_call(em, name, c)
            key = find_qualified(em.scope.functions, name)
            if key is not None:
                return _user_function(em, em.scope.functions[key], c)
            found = call_standard(em, name, c)
            if found is not None:
                return found
            raise em.fail(f"unknown function '{name}'", c)
    raise em.fail("this expression cannot be called", c)


def call_statement(em: Emitter, c: n.Call) -> None:
    f = c.func
    if isinstance(f, n.Member) and isinstance(f.base, n.Name):
        base = f.base
        if em.lookup_var(base) is None and base.name.upper() != "THIS":
            inst = em.instance(base)
            if inst is not None:
                _fb_call(em, base.name, inst, f.name, c)
                return
    if isinstance(f, n.Name) and em.lookup_var(f) is None:
        inst = em.instance(f)
        if inst is not None:
            events = inst[1].event_inputs
            if len(events) != 1:
                raise em.fail(
                    f"'{f.name}' has {len(events)} event inputs; name the event ({f.name}.EVENT(...))",
                    c,
                )
            _fb_call(em, f.name, inst, events[0], c)
            return
    v = call_expr(em, c)
    em.emit(v.code, c)


def _fb_call(em: Emitter, label: str, inst: tuple[str, object], event: str, c: n.Call) -> None:
    from .codegen import attr_code, store_code
    from .scope import CallableInterface

    code, iface = inst
    assert isinstance(iface, CallableInterface)
    if (
        find_ci(em.scope.adapters, label) is not None
        and find_ci(em.scope.fb_instances, label) is None
    ):
        raise em.fail(f"'{label}' is an adapter; its events are sent by the ECC, not from ST", c)
    ev = find_ci(dict.fromkeys(iface.event_inputs), event)
    if ev is None:
        raise em.fail(f"'{label}' has no event input '{event}'", c)
    after: list[str] = []
    for arg in c.args:
        if arg.name is None:
            raise em.fail(f"arguments of an FB call must be named ({label}.{ev}(IN := x))", arg)
        if arg.output:
            key = find_ci(iface.outputs, arg.name)
            if key is None:
                raise em.fail(f"'{label}' has no output '{arg.name}'", arg)
            target = em.lvalue(arg.value)
            src = Val(attr_code(code, key), iface.outputs[key], simple=True)
            after.append(store_code(target.code, em.convert(src, target.type, arg.value)))
        else:
            key = find_ci(iface.inputs, arg.name)
            if key is None:
                raise em.fail(f"'{label}' has no input '{arg.name}'", arg)
            value = em.expr(arg.value)
            em.emit(
                store_code(attr_code(code, key), em.convert(value, iface.inputs[key], arg.value)),
                arg,
            )
    em.emit(f"{code}.rt__invoke({ev!r})", c)
    for text in after:
        em.emit(text, c)


def _algorithm_call(em: Emitter, name: str, c: n.Call) -> Val:
    key = find_ci(em.algorithms, name)
    if key is None:
        raise em.fail(f"unknown algorithm '{name}'", c)
    if c.args:
        raise em.fail(f"algorithm {key} takes no arguments", c)
    from .types import BOOL

    # An algorithm has no value; the BOOL type only lets it stand as a statement.
    return Val(f"{em.algorithms[key]}({em.ctx})", BOOL, clean=True)


def _user_function(em: Emitter, fn: CompiledFunction, c: n.Call) -> Val:
    from .codegen import store_code

    params = [*fn.inputs.items(), *fn.inouts.items()]
    values: dict[str, str] = {}
    inout_targets: dict[str, Val] = {}
    outputs: dict[str, Val] = {}
    positional = 0
    for arg in c.args:
        if arg.name is None:
            if positional >= len(params):
                raise em.fail(f"too many arguments for {fn.name}", arg)
            key = params[positional][0]
            positional += 1
        elif arg.output:
            okey = find_ci(fn.outputs, arg.name)
            if okey is None:
                raise em.fail(f"function {fn.name} has no output '{arg.name}'", arg)
            outputs[okey] = em.lvalue(arg.value)
            continue
        else:
            found = find_ci(dict(params), arg.name)
            if found is None:
                raise em.fail(f"function {fn.name} has no input '{arg.name}'", arg)
            key = found
        ptype = dict(params)[key]
        if key in fn.inouts:
            target = em.lvalue(arg.value)
            from .codegen import DynArray

            if not isinstance(ptype, DynArray):
                em.convert(target, ptype, arg.value)  # type check only
            inout_targets[key] = target
            values[key] = target.code
        else:
            values[key] = em.convert(em.expr(arg.value), ptype, arg.value)
    arg_codes = [values.get(k, em.default_code(t)) for k, t in params]
    fname = em.m.bind(fn.fn, "f")
    call = f"{fname}({', '.join([em.ctx, *arg_codes])})"
    ret_t = fn.return_type
    from .types import BOOL

    if not outputs and not any(not t.is_aggregate for t in (fn.inouts[k] for k in inout_targets)):
        return Val(f"{call}[0]", ret_t or BOOL, clean=False, fresh=True, const=NOCONST)
    r = em.tmp("r")
    out_names = list(fn.outputs)
    inout_names = list(fn.inouts)
    for key, target in outputs.items():
        src = Val(f"{r}[{1 + out_names.index(key)}]", fn.outputs[key])
        em.post.append(store_code(target.code, em.convert(src, target.type, c)))
    for key, target in inout_targets.items():
        if not fn.inouts[key].is_aggregate:
            idx = 1 + len(out_names) + inout_names.index(key)
            em.post.append(store_code(target.code, f"{r}[{idx}]"))
    return Val(f"({r} := {call})[0]", ret_t or BOOL, clean=False, fresh=True)
