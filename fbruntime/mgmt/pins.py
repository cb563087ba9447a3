"""FBs and pins a management command names, found in a resource or refused as FORTE does.

An unknown FB or pin is ``NO_SUCH_OBJECT``; a value that does not parse as the pin's type (or
an empty one) is ``BAD_PARAMS`` (``CResource::writeValue``). Reads see a forced value first and
format it as the pin's type. Used by :mod:`fbruntime.mgmt.executor` and
:mod:`fbruntime.mgmt.watches`.
"""

from __future__ import annotations

from typing import Any

from fbruntime.core import FBInstance, NetworkError, Resource
from fbruntime.core.network import set_typed_param
from fbruntime.iec import IecError, format_typed
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.refusal import refuse

_RETURN_PINS = ("OUT", "RET", "Q", "RESULT")
"""What fbrt calls a Function's unnamed return output (see ``fbruntime.fourdiac.kinds``)."""


def function_output(res: Resource, path: str) -> str:
    """``FB.`` (how the IDE names a Function's unnamed return value, as FORTE has it) -> the
    pin fbrt gives that output (``FB.OUT``); any other path as it is."""
    if not path.endswith("."):
        return path
    inst = res.network.instances.get(path[:-1])
    if inst is not None:
        outputs = {p.name for p in inst.rt__type.interface.data_outputs}
        for pin in _RETURN_PINS:
            if pin in outputs:
                return path + pin
    return path


def find_pin(res: Resource, path: str) -> tuple[FBInstance, str]:
    """The FB and pin ``FB.PIN`` (dotted FB names included) names in *res*."""
    path = function_output(res, path)
    try:
        inst, pin = res.find(path)
    except NetworkError as failure:
        raise refuse(Reason.NO_SUCH_OBJECT, str(failure)) from None
    if pin is None:
        raise refuse(Reason.NO_SUCH_OBJECT, f"{path!r} names an FB, not a pin")
    return inst, pin


def data_pin(res: Resource, path: str) -> tuple[FBInstance, str, Any]:
    """Like :func:`find_pin`, for a data pin only; also its IEC type."""
    inst, pin = find_pin(res, path)
    port = inst.rt__type.interface.data_port(pin)
    if port is None:
        raise refuse(Reason.NO_SUCH_OBJECT, f"{res.name}.{path} is not a data pin")
    return inst, pin, port.type


def parse_value(typ: Any, text: str, where: str) -> Any:
    """*text* as a value of *typ*, as WRITE and FORCE take it."""
    if not text:
        raise refuse(Reason.BAD_PARAMS, f"{where}: an empty value cannot be written")
    try:
        return typ.parse(text, where=where)
    except (IecError, ValueError, TypeError) as failure:
        raise refuse(Reason.BAD_PARAMS, f"{where}: {failure}") from None


def write_parameter(inst: FBInstance, pin: str, typ: Any, text: str, where: str) -> None:
    """WRITE *text* to a data input; on an ANY pin a typed literal (``INT#5``) also says the
    pin's type, as FORTE's variant pins keep it (F_ADD then adds INTs). A forced pin stays
    forced, now to the written value, as in FORTE (which writes the value the force holds)."""
    if not getattr(typ, "is_generic", False):
        inst.rt__set_param(pin, parse_value(typ, text, where))
    else:
        if not text:
            raise refuse(Reason.BAD_PARAMS, f"{where}: an empty value cannot be written")
        try:
            set_typed_param(inst, pin, typ, text, where)
        except NetworkError as failure:
            raise refuse(Reason.BAD_PARAMS, str(failure)) from None
    res = inst.rt__resource
    if pin in inst.rt__forced and res is not None:
        res.force(f"{inst.rt__path()}.{pin}", getattr(inst, pin))


#: How FORTE shows an ANY pin that never held a value (its empty variant reads as a SINT 0).
EMPTY_ANY = "SINT#0"


def watch_text(inst: FBInstance, pin: str, typ: Any, value: Any) -> str:
    """A value as a watch shows it: a literal of the pin's type. An ANY pin holding a value of
    a known type shows it as FORTE's variants do, a typed literal (``INT#8``, ``BOOL#TRUE``,
    ``STRING#'ab'``; times and characters carry their own prefix: ``T#3s``)."""
    if getattr(typ, "is_generic", False):
        held = inst.rt__param_types.get(pin)
        if held is not None and not held.is_generic and value is not None:
            return format_typed(held, value)
        if value is None:
            return EMPTY_ANY
    return format_value(typ, value)


def read_text(inst: FBInstance, pin: str, typ: Any, value: Any) -> str:
    """A value as READ answers it: as a watch shows it, except that a STRING or WSTRING pin
    answers its bare text, without quotes or ``$`` escapes, as FORTE's READ does."""
    if getattr(typ, "is_string", False) and isinstance(value, str):
        return value
    return watch_text(inst, pin, typ, value)


def endpoint(res: Resource, path: str) -> tuple[FBInstance, str, str, Any]:
    """A connection end: the FB, pin, pin kind and port (adapters included)."""
    if "." not in path:
        raise refuse(Reason.NO_SUCH_OBJECT, f"{path!r} names no FB pin (FB.PIN)")
    path = function_output(res, path)
    try:
        inst, pin, kind, port = res.network.endpoint(path)
    except NetworkError as failure:
        raise refuse(Reason.NO_SUCH_OBJECT, str(failure)) from None
    assert inst is not None
    return inst, pin, kind, port


def fb_instance(res: Resource, name: str) -> FBInstance:
    """The FB called *name* in *res*."""
    inst = res.network.instances.get(name)
    if inst is None:
        raise refuse(Reason.NO_SUCH_OBJECT, f"resource {res.name} has no FB {name!r}")
    return inst


def current_value(inst: FBInstance, pin: str) -> Any:
    """What a read sees: the forced value while a pin is forced."""
    forced = inst.rt__forced
    return forced[pin] if pin in forced else getattr(inst, pin)


def format_value(typ: Any, value: Any) -> str:
    """*value* as FORTE writes it in a reply; a value the type cannot format is shown as is."""
    try:
        return str(typ.format(value))
    except (IecError, TypeError, ValueError):
        return str(value)
