"""Pin values across the boundary: typed on the way in (refusing with the literal and the
expected type), JSON on the way out (plain JSON where the value is plain, IEC literal text too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fbruntime.iec import IecError, IecType
from fbruntime.orchestrator.errors import BadValue

__all__ = ["PinValue", "json_value", "typed_value"]


@dataclass(frozen=True)
class PinValue:
    path: str
    type: str
    value: Any
    literal: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "type": self.type, "value": self.value, "literal": self.literal}


def json_value(typ: IecType, value: Any) -> Any:
    """The value itself when JSON can carry it exactly, else its IEC literal text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    return typ.format(value)


def pin_value(path: str, typ: IecType, value: Any) -> PinValue:
    try:
        literal = typ.format(value)
    except Exception:
        literal = repr(value)
    return PinValue(path, typ.name, json_value(typ, value), literal)


def typed_value(path: str, typ: IecType, value: Any) -> Any:
    """Literal text (for non-string types) or a JSON value, as the pin's type; or BadValue."""
    is_text = getattr(typ, "is_string", False) or getattr(typ, "is_char", False)
    try:
        if isinstance(value, str) and not is_text:
            return typ.parse(value, where=path)
        if isinstance(value, bool) and typ.name != "BOOL":
            raise BadValue(path, value, typ.name, "a boolean is not a number")
        typed = typ.coerce(value)
        if isinstance(value, int) and isinstance(typed, int) and typed != value:
            raise BadValue(path, value, typ.name, f"out of range for {typ.name}")
        return typed
    except BadValue:
        raise
    except IecError as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        raise BadValue(path, value, typ.name, reason) from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise BadValue(path, value, typ.name, str(exc) or type(exc).__name__) from None


__all__ += ["pin_value"]
