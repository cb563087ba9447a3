"""What an operation accepts, so a pipeline can be checked before anything runs.

The validator gets a ``Mapping[str, OperationSpec]`` (operation name -> spec). The specs are plain
data so that any source can build them: the Loader from function blocks (their data inputs and
IEC 61499 types), or :meth:`OperationSpec.from_callable` from a Python function's signature.

Types are given as Python types (``str``, ``int``, ``int | None``, ``typing.Any``) or as names
from a small vocabulary, which :func:`param_type` turns into a :class:`ParamType`:

* JSON-ish, lower case: ``any``, ``str``/``string``, ``int``/``integer``, ``float``/``number``
  (accepts integers too), ``bool``/``boolean``, ``list``/``array``, ``dict``/``object``,
  ``null``/``none``.
* IEC 61499 elementary types, upper case as in 4diac: ``BOOL``; ``SINT INT DINT LINT USINT UINT
  UDINT ULINT BYTE WORD DWORD LWORD`` (integers checked against their range); ``REAL LREAL``;
  ``STRING WSTRING``; and the generic ``ANY ANY_NUM ANY_INT ANY_REAL ANY_STRING ANY_ELEMENTARY``.
* Alternatives joined with ``|``: ``"str|null"``.

Booleans are never integers here (JSON ``true`` is not ``1``), though Python says otherwise.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

__all__ = [
    "NO_DEFAULT",
    "OperationSpec",
    "ParamSpec",
    "ParamType",
    "TypeLike",
    "param_type",
]


class _NoDefault:
    """Marks a parameter without a default (``None`` is a legitimate default)."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault()


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, list | tuple):
        return "list"
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class ParamType:
    """The values a parameter accepts: some JSON kinds, integers maybe limited to a range."""

    name: str
    kinds: frozenset[str]
    low: int | None = None
    high: int | None = None

    def accepts(self, value: object) -> bool:
        if "any" in self.kinds:
            return True
        kind = _kind_of(value)
        if kind == "int" and "int" not in self.kinds and "float" in self.kinds:
            return True
        if kind not in self.kinds:
            return False
        if kind == "int" and isinstance(value, int):
            if self.low is not None and value < self.low:
                return False
            if self.high is not None and value > self.high:
                return False
        return True

    def mismatch(self, value: object) -> str:
        """Why ``value`` is refused, as a sentence fragment for a Problem."""
        expected = self.name
        if self.low is not None and self.high is not None:
            expected += f" ({self.low}..{self.high})"
        if value is None:
            return f"expected {expected}, got null"
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"expected {expected}, got {_kind_of(value)} {shown}"

    def __str__(self) -> str:
        return self.name


def _simple(name: str, *kinds: str, low: int | None = None, high: int | None = None) -> ParamType:
    return ParamType(name, frozenset(kinds), low, high)


def _iec_int(name: str, bits: int, *, signed: bool) -> ParamType:
    if signed:
        return _simple(name, "int", low=-(2 ** (bits - 1)), high=2 ** (bits - 1) - 1)
    return _simple(name, "int", low=0, high=2**bits - 1)


_VOCABULARY: Final[dict[str, ParamType]] = {
    "any": _simple("any", "any"),
    "str": _simple("str", "str"),
    "string": _simple("str", "str"),
    "int": _simple("int", "int"),
    "integer": _simple("int", "int"),
    "float": _simple("float", "float"),
    "number": _simple("float", "float"),
    "bool": _simple("bool", "bool"),
    "boolean": _simple("bool", "bool"),
    "list": _simple("list", "list"),
    "array": _simple("list", "list"),
    "dict": _simple("dict", "dict"),
    "object": _simple("dict", "dict"),
    "null": _simple("null", "null"),
    "none": _simple("null", "null"),
    "BOOL": _simple("BOOL", "bool"),
    "SINT": _iec_int("SINT", 8, signed=True),
    "INT": _iec_int("INT", 16, signed=True),
    "DINT": _iec_int("DINT", 32, signed=True),
    "LINT": _iec_int("LINT", 64, signed=True),
    "USINT": _iec_int("USINT", 8, signed=False),
    "UINT": _iec_int("UINT", 16, signed=False),
    "UDINT": _iec_int("UDINT", 32, signed=False),
    "ULINT": _iec_int("ULINT", 64, signed=False),
    "BYTE": _iec_int("BYTE", 8, signed=False),
    "WORD": _iec_int("WORD", 16, signed=False),
    "DWORD": _iec_int("DWORD", 32, signed=False),
    "LWORD": _iec_int("LWORD", 64, signed=False),
    "REAL": _simple("REAL", "float"),
    "LREAL": _simple("LREAL", "float"),
    "STRING": _simple("STRING", "str"),
    "WSTRING": _simple("WSTRING", "str"),
    "ANY": _simple("ANY", "any"),
    "ANY_NUM": _simple("ANY_NUM", "int", "float"),
    "ANY_INT": _simple("ANY_INT", "int"),
    "ANY_REAL": _simple("ANY_REAL", "float"),
    "ANY_STRING": _simple("ANY_STRING", "str"),
    "ANY_ELEMENTARY": _simple("ANY_ELEMENTARY", "bool", "int", "float", "str"),
}

_PYTHON_TYPES: Final[dict[object, str]] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    list: "list",
    tuple: "list",
    dict: "dict",
    type(None): "null",
    None: "null",
    object: "any",
    Any: "any",
}

TypeLike: TypeAlias = "ParamType | str | type | types.UnionType | object"


def _union(members: Sequence[ParamType]) -> ParamType:
    if len(members) == 1:
        return members[0]
    ranged = [m for m in members if m.low is not None]
    if ranged and len(ranged) < len([m for m in members if "int" in m.kinds]):
        ranged = []  # an unbounded int alternative lifts the range
    low = min((m.low for m in ranged if m.low is not None), default=None)
    high = max((m.high for m in ranged if m.high is not None), default=None)
    kinds = frozenset().union(*(m.kinds for m in members))
    return ParamType("|".join(m.name for m in members), kinds, low, high)


def param_type(spec: TypeLike) -> ParamType:
    """Normalise a Python type or a vocabulary name; ``ValueError`` names what is unknown."""
    if isinstance(spec, ParamType):
        return spec
    if isinstance(spec, str):
        names = [name.strip() for name in spec.split("|")]
        unknown = [name for name in names if name not in _VOCABULARY]
        if unknown:
            known = ", ".join(sorted(_VOCABULARY, key=lambda n: (n.isupper(), n)))
            raise ValueError(f"unknown parameter type {unknown[0]!r} (known types: {known})")
        return _union([_VOCABULARY[name] for name in names])
    origin = typing.get_origin(spec)
    if origin is typing.Union or isinstance(spec, types.UnionType):
        return _union([param_type(arg) for arg in typing.get_args(spec)])
    if origin is not None:
        spec = origin
    if spec in _PYTHON_TYPES:
        return _VOCABULARY[_PYTHON_TYPES[spec]]
    if isinstance(spec, type):
        if issubclass(spec, Mapping):
            return _VOCABULARY["dict"]
        if issubclass(spec, Sequence) and not issubclass(spec, str | bytes):
            return _VOCABULARY["list"]
    raise ValueError(f"cannot use {spec!r} as a parameter type")


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One parameter of an operation.

    A parameter is required unless it has a ``default`` or is marked ``optional`` (then, when
    the config leaves it out, the operation simply does not receive it).
    """

    name: str
    type: ParamType
    default: object = NO_DEFAULT
    optional: bool = False
    description: str = ""

    def __init__(
        self,
        name: str,
        type: TypeLike = "any",
        *,
        default: object = NO_DEFAULT,
        optional: bool = False,
        description: str = "",
    ) -> None:
        resolved = param_type(type)
        if default is not NO_DEFAULT and not resolved.accepts(default):
            raise ValueError(
                f"parameter {name!r}: default {resolved.mismatch(default)}",
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "type", resolved)
        object.__setattr__(self, "default", default)
        object.__setattr__(self, "optional", optional)
        object.__setattr__(self, "description", description)

    @property
    def required(self) -> bool:
        return self.default is NO_DEFAULT and not self.optional


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """An operation's name and parameters; ``extra_params`` lets it take undeclared ones too."""

    name: str
    params: Mapping[str, ParamSpec] = field(default_factory=dict)
    description: str = ""
    extra_params: bool = False

    def __init__(
        self,
        name: str,
        params: Iterable[ParamSpec] | Mapping[str, ParamSpec] = (),
        *,
        description: str = "",
        extra_params: bool = False,
    ) -> None:
        items = list(params.values()) if isinstance(params, Mapping) else list(params)
        by_name: dict[str, ParamSpec] = {}
        for param in items:
            if param.name in by_name:
                raise ValueError(f"operation {name!r} declares parameter {param.name!r} twice")
            by_name[param.name] = param
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "params", types.MappingProxyType(by_name))
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "extra_params", extra_params)

    def defaults(self) -> dict[str, object]:
        """The values a task gets for parameters it does not set."""
        return {
            name: param.default
            for name, param in self.params.items()
            if param.default is not NO_DEFAULT
        }

    @classmethod
    def from_callable(
        cls, name: str, function: Callable[..., object], *, description: str | None = None
    ) -> OperationSpec:
        """Read parameters from a function's signature: annotations are types, defaults stay.

        Positional-only parameters cannot be passed by name, so they are refused; ``**kwargs``
        means the operation takes extra params. An annotation we cannot check becomes ``any``.
        """
        try:
            signature = inspect.signature(function, eval_str=True)
        except Exception:  # a string annotation naming something that is not importable here
            # Such annotations stay strings below and become ``any``.
            signature = inspect.signature(function)
        params: list[ParamSpec] = []
        extra = False
        for parameter in signature.parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                extra = True
                continue
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                continue
            if parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
                raise ValueError(
                    f"operation {name!r}: parameter {parameter.name!r} is positional-only, "
                    "so a config cannot pass it by name",
                )
            annotation = parameter.annotation
            if annotation is parameter.empty or isinstance(annotation, str):
                annotation = Any
            try:
                kind = param_type(annotation)
            except ValueError:
                kind = param_type("any")
            default = NO_DEFAULT if parameter.default is parameter.empty else parameter.default
            params.append(ParamSpec(parameter.name, kind, default=default))
        doc = description if description is not None else inspect.getdoc(function) or ""
        return cls(name, params, description=doc.split("\n\n")[0], extra_params=extra)
