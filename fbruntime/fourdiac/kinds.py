"""The FB kinds with a body of their own, built from the model into ``fbruntime.core`` types.

:class:`~fbruntime.fourdiac.build.FourdiacTypes` picks the builder by the model's kind and passes
itself, for the shared pieces every kind needs (the interface, internal variables and FBs, the
Structured Text scope). Basic -> :class:`~fbruntime.core.ecc.BasicType` (algorithms and guards
compiled by ``fbruntime.st`` once per type, the ECC generated as one function per event); Simple
and Function -> :class:`~fbruntime.core.ecc.SimpleType`; an interface-only ``F_*`` service ->
:class:`~fbruntime.fourdiac.generic.GenericFBType`; any other Service FB must be native or is
reported by name. Composites are built in :mod:`fbruntime.fourdiac.composite`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from fbruntime.core import FBType
from fbruntime.core.ecc import BasicType, EccAction, EccState, EccTransition, SimpleType
from fbruntime.fourdiac.elementerrors import error_at, st_error
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.generic import GenericFBType, operation_name
from fbruntime.fourdiac.model import (
    Algorithm,
    BasicFBType,
    FunctionType,
    Interface,
    ServiceFBType,
    SimpleFBType,
)
from fbruntime.st import STError, STScope, compile_algorithms, compile_function, compile_guards

if TYPE_CHECKING:
    from fbruntime.fourdiac.build import FourdiacTypes

RETURN_PIN_CANDIDATES = ("OUT", "RET", "Q", "RESULT")
"""Names given to a Function's unnamed return output (``Name=""``), first free one wins."""


def return_pin(interface: Interface) -> str:
    """The runtime name of a Function's unnamed return output (``FB.`` in connections)."""
    taken = {name.upper() for name in interface.pin_names()}
    for candidate in RETURN_PIN_CANDIDATES:
        if candidate not in taken:
            return candidate
    return "RETVAL"


def type_meta(model: Any, file: str) -> dict[str, Any]:
    """What a built type carries from its file's header, for listings and error messages."""
    header = model.header
    return {
        "version": header.version,
        "description": header.description,
        "qualified_name": header.qualified_name,
        "origin": file,
    }


def compile_st(
    model: Any, file: str, algorithms: Sequence[Algorithm], scope: STScope
) -> dict[str, Callable[[Any], None]]:
    """The ST algorithms of one type compiled together; failures name the algorithm's line."""
    texts: dict[str, str] = {}
    lines: dict[str, int] = {}
    for algorithm in algorithms:
        if algorithm.language.upper() not in ("ST", ""):
            raise error_at(
                algorithm.origin,
                "Algorithm",
                f"algorithm {algorithm.name}: language {algorithm.language!r} cannot run "
                "(only Structured Text)",
            )
        texts[algorithm.name] = algorithm.text
        lines[algorithm.name] = algorithm.text_line
    try:
        return compile_algorithms(model.header.name, texts, scope, origin=file, line_offsets=lines)
    except STError as exc:
        raise st_error(exc, file, "Algorithm") from None


def build_basic(types: FourdiacTypes, model: BasicFBType, file: str) -> BasicType:
    itf = types.interface(model.interface)
    internals, consts = types.internals(model)
    inner = types.internal_fbs(model, file)
    adapters = types.adapter_specs(model.interface, model.header.package, model.header.imports)
    guard_texts = {
        str(i): (t.condition.guard, t.origin.line)
        for i, t in enumerate(model.ecc.transitions)
        if t.condition.guard is not None
    }
    texts = [a.text for a in model.algorithms] + [g for g, _ in guard_texts.values()]
    scope = types.scope(itf, internals, consts, inner, adapters, texts)
    algorithms = compile_st(model, file, model.algorithms, scope)
    try:
        guards, namespace = compile_guards(guard_texts, scope, origin=file)
    except STError as exc:
        raise FourdiacError(file, exc.line, "ECTransition", f"condition: {exc.message}") from None
    events = {e.name for e in itf.event_inputs}
    events.update(f"{s.name}.{e}" for s in adapters for e in s.event_outputs)
    sends = {e.name for e in itf.event_outputs}
    sends.update(f"{s.name}.{e}" for s in adapters for e in s.event_inputs)
    states = []
    names = {s.name for s in model.ecc.states}
    for state in model.ecc.states:
        actions = []
        for action in state.actions:
            if action.algorithm and action.algorithm not in algorithms:
                raise error_at(
                    action.origin,
                    "ECAction",
                    f"state {state.name}: unknown algorithm {action.algorithm!r}",
                )
            if action.output and action.output not in sends:
                raise error_at(
                    action.origin,
                    "ECAction",
                    f"state {state.name}: unknown output event {action.output!r}",
                )
            actions.append(EccAction(action.algorithm or None, action.output or None))
        states.append(EccState(state.name, tuple(actions)))
    transitions = []
    for i, tr in enumerate(model.ecc.transitions):
        for end in (tr.source, tr.destination):
            if end not in names:
                raise error_at(tr.origin, "ECTransition", f"unknown state {end!r}")
        event = tr.condition.event
        if event is not None and event not in events:
            raise error_at(
                tr.origin,
                "ECTransition",
                f"condition {tr.condition.text!r}: {event!r} is not an event input",
            )
        guard: bool | str = guards.get(str(i), True)
        transitions.append(
            EccTransition(tr.source, tr.destination, event, guard, tr.condition.text)
        )
    if not states:
        raise error_at(model.ecc.origin, "ECC", "the ECC has no state")
    try:
        return BasicType(
            model.header.name,
            itf,
            states=states,
            transitions=transitions,
            algorithms=algorithms,
            namespace=namespace,
            internals=internals,
            internal_fbs=list(inner.items()),
            adapters=adapters,
            **type_meta(model, file),
        )
    except Exception as exc:
        raise FourdiacError(file, model.origin.line, "FBType", str(exc)) from None


def build_simple(types: FourdiacTypes, model: SimpleFBType, file: str) -> SimpleType:
    itf = types.interface(model.interface)
    internals, consts = types.internals(model)
    events = {e.name for e in itf.event_inputs}
    for algorithm in model.algorithms:
        if algorithm.name not in events:
            raise error_at(
                algorithm.origin,
                "Algorithm",
                f"algorithm {algorithm.name!r} of a SimpleFB is not named after an event input",
            )
    inner = types.internal_fbs(model, file)
    scope = types.scope(itf, internals, consts, inner, (), [a.text for a in model.algorithms])
    algorithms = compile_st(model, file, model.algorithms, scope)
    try:
        return SimpleType(
            model.header.name,
            itf,
            algorithms=algorithms,
            kind="simple",
            internals=internals,
            internal_fbs=list(inner.items()),
            **type_meta(model, file),
        )
    except Exception as exc:
        raise FourdiacError(file, model.origin.line, "FBType", str(exc)) from None


def build_function(types: FourdiacTypes, model: FunctionType, file: str) -> SimpleType:
    ret = return_pin(model.interface)
    itf = types.interface(model.interface, ret)
    if model.body is None:
        # No <FunctionBody> at all (the IDE's own Function.fct template): a valid function
        # that computes nothing; FORTE's generated code still sends every output event.
        return SimpleType(
            model.header.name,
            itf,
            algorithms={e.name: _no_body for e in itf.event_inputs},
            kind="function",
            **type_meta(model, file),
        )
    if model.body.language.upper() not in ("ST", ""):
        raise error_at(
            model.body.origin,
            "FunctionBody",
            f"function body in language {model.body.language!r} cannot run (only Structured Text)",
        )
    try:
        compiled = compile_function(
            model.body.text,
            origin=file,
            line=model.body.text_line,
            scope=STScope(
                variables={},
                functions=types.functions(),
                structs=types.structs.structs,
                resolve_constant=types.constant_lookup,
            ),
        )
    except STError as exc:
        raise st_error(exc, file, "FunctionBody") from None
    pins = {p.name.upper(): p.name for p in itf.data_ports()}

    def pin(name: str) -> str:
        found = pins.get(name.upper())
        if found is None:
            raise error_at(
                model.body.origin if model.body else model.origin,
                "FunctionBody",
                f"function parameter {name!r} is not a pin of the interface",
            )
        return found

    in_names = [pin(n) for n in (*compiled.inputs, *compiled.inouts)]
    out_names = [pin(n) for n in (*compiled.outputs, *compiled.inouts)]
    has_return = compiled.return_type is not None and ret in pins.values()
    fn = compiled.fn

    def body(fb: Any) -> None:
        result = fn(fb, *[getattr(fb, n) for n in in_names])
        if has_return:
            setattr(fb, ret, result[0])
        for name, value in zip(out_names, result[1:], strict=False):
            setattr(fb, name, value)

    return SimpleType(
        model.header.name,
        itf,
        algorithms={e.name: body for e in itf.event_inputs},
        kind="function",
        **type_meta(model, file),
    )


def build_service(types: FourdiacTypes, model: ServiceFBType, file: str) -> FBType:
    op = operation_name(model.header.name, model.header.attribute("GenericClassName"))
    if op is not None:
        return GenericFBType(
            model.header.name,
            types.interface(model.interface),
            op,
            **type_meta(model, file),
        )
    raise FourdiacError(
        file,
        model.origin.line,
        "FBType",
        f"{model.header.name} is a service interface FB (no ECC, no network) and fbrt has "
        "no native implementation of it",
    )


def _no_body(fb: Any) -> None:
    """The body of a function declared without one."""
