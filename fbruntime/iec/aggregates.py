"""ARRAY and STRUCT types and the value class for structs.

Aggregates are value types in IEC 61131-3: assigning one, or moving it along a data connection,
copies it. Their Python values (``list`` and ``StructValue``) are mutable, so every transfer must go
through ``typ.copy``. A struct value is an instance of a class made once per ``StructType``, with
one slot per member, so compiled ST reads ``v.MEMBER`` at plain attribute speed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .base import IecType
from .errors import IecTypeError, IecValueError
from .limits import MAX_ELEMENTS, elements, shorten

__all__ = [
    "ArrayType",
    "StructType",
    "StructValue",
    "array_of",
    "copy_struct",
    "parse_array_size",
]


@dataclass(frozen=True, slots=True)
class ArrayType(IecType):
    """``ARRAY [lower..upper] OF element``; the value is a list of ``upper - lower + 1`` items."""

    element: IecType
    lower: int
    upper: int
    name: str = field(init=False, compare=False)

    is_aggregate: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if self.upper < self.lower:
            raise IecTypeError(
                f"array bounds [{self.lower}..{self.upper}] are empty (upper is below lower)"
            )
        if self.element.is_generic:
            raise IecTypeError(f"array element type {self.element.name} is generic")
        object.__setattr__(
            self, "name", f"ARRAY [{self.lower}..{self.upper}] OF {self.element.name}"
        )
        if self.elements > MAX_ELEMENTS:
            raise IecTypeError(
                f"{self.name} holds {self.elements:,} values; one variable may hold at most "
                f"{MAX_ELEMENTS:,}"
            )

    @property
    def elements(self) -> int:
        """Elementary values in one value of this type (nested arrays and structs counted)."""
        return self.length * elements(self.element)

    @property
    def length(self) -> int:
        return self.upper - self.lower + 1

    def default(self) -> list[Any]:
        element = self.element
        if element.is_aggregate:
            return [element.default() for _ in range(self.length)]
        return [element.default()] * self.length

    def coerce(self, value: Any) -> list[Any]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise IecValueError(f"cannot store {shorten(value)} in {self.name}: not a sequence")
        items = list(value)
        if len(items) != self.length:
            raise IecValueError(
                f"cannot store {len(items)} elements in {self.name}: it holds {self.length}"
            )
        coerce = self.element.coerce
        return [coerce(item) for item in items]

    def copy(self, value: Any) -> list[Any]:
        if self.element.is_aggregate:
            copy = self.element.copy
            return [copy(item) for item in value]
        return list(value)

    def __repr__(self) -> str:
        return f"array_of({self.element!r}, {self.lower}, {self.upper})"


def array_of(element: IecType, lower: int, upper: int) -> ArrayType:
    """``ARRAY [lower..upper] OF element``."""
    return ArrayType(element, lower, upper)


_SIZE_RE = re.compile(r"^\s*(-?\d+)\s*(?:\.\.\s*(-?\d+)\s*)?$")


def parse_array_size(text: str) -> tuple[int, int]:
    """Read a 4diac ``ArraySize`` attribute: ``"10"`` is ``(0, 9)``, ``"2..7"`` is ``(2, 7)``.

    ``"*"`` (a variable-length array, only meaningful for function parameters) is refused:
    fbrt has no dynamic arrays, and a clear error beats guessing a size.
    """
    match = _SIZE_RE.match(text)
    if match is None:
        if text.strip() == "*":
            raise IecTypeError("array size '*' (variable length) is not supported")
        raise IecTypeError(f"bad array size {text!r}: expected a count like '10' or bounds '0..9'")
    if match.group(2) is None:
        count = int(match.group(1))
        if count < 1:
            raise IecTypeError(f"bad array size {text!r}: the count must be at least 1")
        return 0, count - 1
    lower, upper = int(match.group(1)), int(match.group(2))
    if upper < lower:
        raise IecTypeError(f"bad array size {text!r}: upper bound is below lower bound")
    return lower, upper


class StructValue:
    """A struct value: members as attributes, in declaration order; compare with ``==``.

    Helper methods (``get``, ``set``, ``items``, ``copy``...) are shadowed by a member of the same
    name; code that must work for any struct uses ``typ.copy(v)`` and ``getattr``.
    Each ``StructType`` makes its own subclass with ``__slots__`` set to the member names; build
    values with ``typ.default()`` or ``typ.make(...)``, not with this class directly.
    """

    __slots__ = ()
    _type: ClassVar[StructType]
    _names: ClassVar[tuple[str, ...]]

    if TYPE_CHECKING:  # members are dynamic slots; let typed callers write ``v.MEMBER``

        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    @property
    def iec_type(self) -> StructType:
        return self._type

    def get(self, name: str) -> Any:
        if name not in self._names:
            raise AttributeError(f"{self._type.name} has no member {name!r}")
        return getattr(self, name)

    def set(self, name: str, value: Any) -> None:
        if name not in self._names:
            raise AttributeError(f"{self._type.name} has no member {name!r}")
        setattr(self, name, value)

    def items(self) -> Iterator[tuple[str, Any]]:
        """(member name, value) pairs in declaration order."""
        for name in self._names:
            yield name, getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.items())

    def copy(self) -> StructValue:
        """A deep copy: nested arrays and structs are copied too."""
        return copy_struct(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StructValue):
            return NotImplemented
        return self._type == other._type and all(
            getattr(self, n) == getattr(other, n) for n in self._names
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like list

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={v!r}" for n, v in self.items())
        return f"{self._type.name}({inner})"


def copy_struct(value: StructValue) -> StructValue:
    """A deep copy of a struct value (a function, since a member may be called ``copy``)."""
    new = object.__new__(type(value))
    for name, typ, _ in value._type.members:
        object.__setattr__(new, name, typ.copy(getattr(value, name)))
    return new


@dataclass(frozen=True, slots=True, eq=False)
class StructType(IecType):
    """A named STRUCT. ``members`` holds (name, type, initial value) in declaration order.

    Two struct types are equal when their names and member names and types are equal; the
    initial values do not take part (they are not hashable in general).
    """

    name: str
    members: tuple[tuple[str, IecType, Any], ...]
    value_class: type[StructValue] = field(init=False, repr=False)
    _index: Mapping[str, IecType] = field(init=False, repr=False)

    is_aggregate: ClassVar[bool] = True

    def __post_init__(self) -> None:
        names = [m[0] for m in self.members]
        seen: set[str] = set()
        for n in names:
            if not n.isidentifier():
                raise IecTypeError(f"struct {self.name}: member name {n!r} is not an identifier")
            if n in ("_type", "_names"):
                raise IecTypeError(f"struct {self.name}: member name {n!r} is reserved")
            if n.upper() in seen:
                raise IecTypeError(f"struct {self.name}: member {n!r} is declared twice")
            seen.add(n.upper())
        for n, t, _ in self.members:
            if t.is_generic:
                raise IecTypeError(f"struct {self.name}: member {n} has generic type {t.name}")
        # Canonicalise initial values once, so defaults never need checking again.
        canonical = tuple(
            (n, t, t.default() if init is None else t.coerce(init)) for n, t, init in self.members
        )
        object.__setattr__(self, "members", canonical)
        cls = type(
            f"StructValue_{self.name}",
            (StructValue,),
            {"__slots__": tuple(names), "_type": self, "_names": tuple(names)},
        )
        object.__setattr__(self, "value_class", cls)
        object.__setattr__(self, "_index", {n: t for n, t, _ in self.members})
        if self.elements > MAX_ELEMENTS:
            raise IecTypeError(
                f"struct {self.name} holds {self.elements:,} values; one variable may hold at "
                f"most {MAX_ELEMENTS:,}"
            )

    @property
    def elements(self) -> int:
        """Elementary values in one value of this struct (nested arrays and structs counted)."""
        return max(1, sum(elements(t) for _, t, _ in self.members))

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(m[0] for m in self.members)

    def member_type(self, name: str) -> IecType:
        try:
            return self._index[name]
        except KeyError:
            raise IecTypeError(f"struct {self.name} has no member {name!r}") from None

    def find_member(self, name: str) -> str | None:
        """The declared spelling of ``name``, matched case-insensitively (IEC identifiers)."""
        if name in self._index:
            return name
        upper = name.upper()
        for n in self._index:
            if n.upper() == upper:
                return n
        return None

    def default(self) -> StructValue:
        new = object.__new__(self.value_class)
        for name, typ, init in self.members:
            setattr(new, name, typ.copy(init))
        return new

    def make(self, values: Mapping[str, Any] | None = None, /, **kw: Any) -> StructValue:
        """A value with the given members set (coerced) and the others at their initial value."""
        new = self.default()
        for key, value in {**(values or {}), **kw}.items():
            name = self.find_member(key)
            if name is None:
                raise IecValueError(f"struct {self.name} has no member {key!r}")
            setattr(new, name, self._index[name].coerce(value))
        return new

    def coerce(self, value: Any) -> StructValue:
        if isinstance(value, StructValue):
            if value._type != self:
                raise IecValueError(f"cannot store a {value._type.name} in {self.name}")
            return value
        if isinstance(value, Mapping):
            return self.make(value)
        raise IecValueError(f"cannot store {shorten(value)} in struct {self.name}")

    def copy(self, value: Any) -> StructValue:
        return copy_struct(value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StructType):
            return NotImplemented
        return self is other or (
            self.name == other.name
            and [(n, t) for n, t, _ in self.members] == [(n, t) for n, t, _ in other.members]
        )

    def __hash__(self) -> int:
        return hash((self.name, tuple((n, t) for n, t, _ in self.members)))

    def __repr__(self) -> str:
        return f"StructType({self.name!r}, {len(self.members)} members)"
