"""The composite definition format: a composite block as JSON, to upload, store and ship.

::

    {
      "format": "fbrt-composite/1",
      "name": "EveryN", "version": "1.0", "description": "EO on every N-th EI",
      "interface": {
        "event_inputs":  [{"name": "EI"}, {"name": "R"}],
        "event_outputs": [{"name": "EO", "with": ["CV"]}],
        "data_inputs":   [{"name": "N", "type": "UINT", "initial": "3"}],
        "data_outputs":  [{"name": "CV", "type": "UINT"}]
      },
      "blocks": [{"name": "Count", "type": "E_CTU", "params": {"PV": "3"}}],
      "connections": [["EI", "Count.CU"], ["N", "Count.PV"], ["Count.CV", "CV"]]
    }

A bare pin name is the composite's own pin, as in 4diac files. ``params`` values are literal
text (``"T#100ms"``) or JSON values; a data input that no event input is WITH is a parameter.
Inner ``type`` is a type name the Loader resolves (optionally ``"version"``). Files ending in
``.json`` in a library folder and bodies of ``POST /api/types/composite`` use this format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fbruntime.core import CompositeType, DataPort, EventPort, FBType, InnerBlock, Interface
from fbruntime.core.network import coerce_value
from fbruntime.iec import lookup_type

__all__ = [
    "FORMAT_TAG",
    "CompositeDefinition",
    "build_composite",
    "definition_of",
    "parse_definition",
]

FORMAT_TAG = "fbrt-composite/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class EventPin(_Strict):
    name: str = Field(min_length=1)
    with_: list[str] = Field(default_factory=list, alias="with")
    comment: str = ""


class DataPin(_Strict):
    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    initial: Any = None
    comment: str = ""


class InterfaceDef(_Strict):
    event_inputs: list[EventPin] = Field(default_factory=list)
    event_outputs: list[EventPin] = Field(default_factory=list)
    data_inputs: list[DataPin] = Field(default_factory=list)
    data_outputs: list[DataPin] = Field(default_factory=list)


class BlockDef(_Strict):
    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    version: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class CompositeDefinition(_Strict):
    """A composite type as data; see the module docstring."""

    format: Literal["fbrt-composite/1"] = "fbrt-composite/1"
    name: str = Field(min_length=1)
    version: str = "1.0"
    description: str = ""
    interface: InterfaceDef = Field(default_factory=InterfaceDef)
    blocks: list[BlockDef] = Field(default_factory=list)
    connections: list[tuple[str, str]] = Field(default_factory=list)

    @field_validator("connections", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        """Accept ``{"from": a, "to": b}`` objects as well as ``[a, b]`` pairs."""
        if isinstance(value, list):
            return [
                (item.get("from"), item.get("to")) if isinstance(item, dict) else item
                for item in value
            ]
        return value

    def inner_type_names(self) -> list[tuple[str, str | None]]:
        return [(b.type, b.version) for b in self.blocks]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(by_alias=True), indent=2, sort_keys=False)


def parse_definition(
    data: str | bytes | dict[str, Any], where: str = "composite"
) -> CompositeDefinition:
    """Validate a definition (text or parsed JSON); errors name ``where`` and the bad field."""
    from pydantic import ValidationError

    try:
        raw = json.loads(data) if isinstance(data, str | bytes) else data
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not JSON: {exc.msg} at line {exc.lineno}") from None
    try:
        return CompositeDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ValueError(f"{where}: not a composite definition: {problems}") from None


def _data_port(pin: DataPin, where: str) -> DataPort:
    try:
        typ = lookup_type(pin.type)
    except Exception as exc:
        raise ValueError(f"{where}: pin {pin.name}: unknown type {pin.type!r} ({exc})") from None
    initial = None
    if pin.initial is not None:
        initial = coerce_value(typ, pin.initial, f"{where}: initial value of {pin.name}")
    return DataPort(pin.name, typ, initial, pin.comment)


def build_composite(
    definition: CompositeDefinition,
    resolve: Callable[[str, str | None], FBType],
    *,
    origin: str = "",
) -> CompositeType:
    """Turn a definition into a checked CompositeType; inner types come from ``resolve``.

    Inner types are resolved lazily (each time an instance is made), so a composite follows
    edits to the blocks it contains; :meth:`CompositeType.check` resolves them once here so a
    definition naming a missing type is refused at once.
    """
    where = f"composite {definition.name}"
    itf = definition.interface
    interface = Interface(
        event_inputs=tuple(EventPort(e.name, tuple(e.with_), e.comment) for e in itf.event_inputs),
        event_outputs=tuple(
            EventPort(e.name, tuple(e.with_), e.comment) for e in itf.event_outputs
        ),
        data_inputs=tuple(_data_port(d, where) for d in itf.data_inputs),
        data_outputs=tuple(_data_port(d, where) for d in itf.data_outputs),
    )

    def lazy(type_name: str, version: str | None) -> Callable[[], FBType]:
        return lambda: resolve(type_name, version)

    blocks = [
        InnerBlock(b.name, lazy(b.type, b.version), dict(b.params)) for b in definition.blocks
    ]
    ct = CompositeType(
        definition.name,
        interface,
        blocks,
        list(definition.connections),
        version=definition.version,
        description=definition.description,
        origin=origin,
    )
    ct.definition = definition  # type: ignore[attr-defined]
    ct.check()
    return ct


def definition_of(t: CompositeType) -> CompositeDefinition:
    """The JSON definition of a composite (one built from JSON, or by CompositeBuilder)."""
    stored = getattr(t, "definition", None)
    if isinstance(stored, CompositeDefinition):
        return stored
    itf = t.interface

    def data(ports: tuple[DataPort, ...]) -> list[DataPin]:
        return [
            DataPin(
                name=p.name,
                type=p.type.name,
                initial=None if p.initial is None else p.type.format(p.initial),
                comment=p.comment,
            )
            for p in ports
        ]

    def events(ports: tuple[EventPort, ...]) -> list[EventPin]:
        return [
            EventPin.model_validate({"name": e.name, "with": list(e.with_), "comment": e.comment})
            for e in ports
        ]

    return CompositeDefinition(
        name=t.name,
        version=t.version or "1.0",
        description=t.description,
        interface=InterfaceDef(
            event_inputs=events(itf.event_inputs),
            event_outputs=events(itf.event_outputs),
            data_inputs=data(itf.data_inputs),
            data_outputs=data(itf.data_outputs),
        ),
        blocks=[
            BlockDef(name=b.name, type=b.resolve().name, params=_json_params(b)) for b in t.blocks
        ],
        connections=list(t.connections),
    )


def _json_params(b: InnerBlock) -> dict[str, Any]:
    inner = b.resolve().interface
    out: dict[str, Any] = {}
    for pin, value in b.params.items():
        port = inner.data_port(pin)
        if isinstance(value, bool | int | float | str) or port is None:
            out[pin] = value
        else:
            out[pin] = port.type.format(value)
    return out
