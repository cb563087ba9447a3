"""The FBDK ASN.1 encoding of IEC values, as FORTE's ``fbdk`` layer puts them on the wire.

Every value is one tag byte (APPLICATION class 0x40 plus the type's tag) and a big-endian payload;
a message is the SD values one after the other, with no frame around it (an empty message is the
ASN.1 NULL byte 0x05). TCP therefore carries no message boundaries: :class:`MessageDecoder`
decodes a stream incrementally, by tag and size, against the expected RD types.

Wire facts kept from FORTE (``src/core/cominfra/fbdkasn1layer.cpp``):

* BOOL is the tag alone (0x40 FALSE, 0x41 TRUE); fixed-size types have no length byte.
* TIME and LTIME travel as int64 *microseconds* (fbrt holds nanoseconds: sub-microsecond parts
  are cut toward zero, as FORTE's ``getInMicroSeconds``).
* DATE, TOD, DT (and LDATE, LTOD, LDT) travel as their raw 8-byte internal value. FORTE develop
  (3.x) holds nanoseconds, like fbrt, so the default ``date_unit="ns"`` passes them unchanged;
  FORTE 2.0 held milliseconds, which ``Codec(date_unit="ms")`` speaks instead.
* STRING is a uint16 byte count and the bytes (fbrt's STRING characters are bytes 0..255);
  WSTRING a uint16 count of UTF-16 code units and big-endian UTF-16 (a received BOM is honoured).
* ARRAY (0x76) is a uint16 count, one element tag and the bare element payloads; BOOL arrays
  carry a tag per element instead. A STRUCT is its tag (0x61 unless a type overrides it, see
  ``struct_tags``) and its members' bare payloads, except BOOL members, which keep their tag.
* CHAR/WCHAR and the L-types are encoded here too; FORTE develop decodes them but cannot send
  them (its ``serializeValue`` has no case for them).

Values are fbrt's (see :mod:`fbruntime.iec`); a decoder given ``None`` for a pin decodes whatever
elementary value or array arrives (the tag says its type), which is how an RD pin whose type no
connection fixes still receives data. Structs cannot be decoded without their type.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fbruntime.iec import (
    ELEMENTARY_TYPES,
    NS_PER_MS,
    NS_PER_US,
    ArrayType,
    ElementaryType,
    IecError,
    IecType,
    StructType,
    wrap_int,
)
from fbruntime.iec.limits import shorten

__all__ = [
    "APPLICATION",
    "ARRAY_TAG",
    "DEFAULT_STRUCT_TAG",
    "FBDK",
    "NULL",
    "TAGS",
    "Asn1Error",
    "Codec",
    "DateUnit",
    "Decoded",
    "MessageDecoder",
]

DateUnit = Literal["ns", "ms"]

APPLICATION = 0x40
CONSTRUCTED = 0x20
NULL = 0x05
ARRAY_TAG = APPLICATION | CONSTRUCTED | 22  # 0x76
DEFAULT_STRUCT_TAG = APPLICATION | CONSTRUCTED | 1  # 0x61, FORTE's CIEC_STRUCT default

#: The tag of each elementary type (BOOL: the FALSE tag; TRUE is one more).
TAGS: Mapping[str, int] = {
    "BOOL": 0x40,
    "SINT": 0x42,
    "INT": 0x43,
    "DINT": 0x44,
    "LINT": 0x45,
    "USINT": 0x46,
    "UINT": 0x47,
    "UDINT": 0x48,
    "ULINT": 0x49,
    "REAL": 0x4A,
    "LREAL": 0x4B,
    "TIME": 0x4C,
    "DATE": 0x4D,
    "TIME_OF_DAY": 0x4E,
    "DATE_AND_TIME": 0x4F,
    "STRING": 0x50,
    "BYTE": 0x51,
    "WORD": 0x52,
    "DWORD": 0x53,
    "LWORD": 0x54,
    "WSTRING": 0x55,
    "CHAR": 0x57,
    "WCHAR": 0x58,
    "LDATE": 0x59,
    "LTOD": 0x5A,
    "LDT": 0x5B,
    "LTIME": 0x5C,
}
_BY_TAG: Mapping[int, ElementaryType] = {
    tag: ELEMENTARY_TYPES[name] for name, tag in TAGS.items()
} | {0x41: ELEMENTARY_TYPES["BOOL"]}
_BOOL = ELEMENTARY_TYPES["BOOL"]
_MAX_COUNT = 0xFFFF
_F32 = struct.Struct(">f")
_F64 = struct.Struct(">d")


class Asn1Error(ValueError):
    """Bytes that are not the expected FBDK ASN.1 values, or a value that cannot be encoded."""


class _NeedMore(Exception):
    """The bytes end inside a value: wait for more (TCP) or give up (a datagram)."""


@dataclass(frozen=True)
class Decoded:
    """What one chunk of received bytes completed: whole messages, then maybe the error that
    ended decoding (the bytes after it were dropped)."""

    messages: list[list[Any]]
    error: Asn1Error | None = None
    #: The type of each value of each message (what the tags said for untyped pins).
    types: list[list[IecType]] = field(default_factory=list)


@dataclass(frozen=True)
class Codec:
    """The encoding rules: the date unit of the peer and any per-struct-type tags."""

    date_unit: DateUnit = "ns"
    #: Struct type name (upper case) -> tag, for struct types whose FORTE class overrides
    #: ``getASN1StructType``; every other struct uses 0x61.
    struct_tags: Mapping[str, int] = field(default_factory=dict)

    # -- encoding -------------------------------------------------------------------------------

    def encode_message(self, items: Sequence[tuple[IecType, Any]]) -> bytes:
        """The values of one send (SD_1 .. SD_n), or the NULL byte when there are none."""
        if not items:
            return bytes((NULL,))
        out = bytearray()
        for typ, value in items:
            self._encode(out, typ, value)
        return bytes(out)

    def encode_value(self, typ: IecType, value: Any) -> bytes:
        """One tagged value."""
        out = bytearray()
        self._encode(out, typ, value)
        return bytes(out)

    def tag_of(self, typ: IecType) -> int:
        if isinstance(typ, ElementaryType):
            return TAGS[typ.name]
        if isinstance(typ, ArrayType):
            return ARRAY_TAG
        if isinstance(typ, StructType):
            return self.struct_tags.get(typ.name.upper(), DEFAULT_STRUCT_TAG)
        raise Asn1Error(f"a value of the generic type {typ.name} cannot be encoded")

    def _encode(self, out: bytearray, typ: IecType, value: Any) -> None:
        tag = self.tag_of(typ)
        if typ is _BOOL:
            out.append(tag | (1 if value else 0))
            return
        out.append(tag)
        self._payload(out, typ, value)

    def _payload(self, out: bytearray, typ: IecType, value: Any) -> None:
        try:
            value = typ.coerce(value)
        except (IecError, TypeError, ValueError) as exc:
            raise Asn1Error(f"cannot encode {shorten(value)} as {typ.name}: {exc}") from None
        if isinstance(typ, ArrayType):
            self._array_payload(out, typ, value)
        elif isinstance(typ, StructType):
            for name, member, _ in typ.members:
                if member is _BOOL:
                    self._encode(out, member, getattr(value, name))
                else:
                    self._payload(out, member, getattr(value, name))
        elif isinstance(typ, ElementaryType):
            self._elementary_payload(out, typ, value)
        else:
            raise Asn1Error(f"a value of the generic type {typ.name} cannot be encoded")

    def _array_payload(self, out: bytearray, typ: ArrayType, value: list[Any]) -> None:
        out += _count(len(value), typ.name)
        element = typ.element
        if element is _BOOL:
            for item in value:
                out.append(0x41 if item else 0x40)
            return
        out.append(self.tag_of(element))
        for item in value:
            self._payload(out, element, item)

    def _elementary_payload(self, out: bytearray, typ: ElementaryType, value: Any) -> None:
        kind = typ.kind
        if kind in ("int", "bits"):
            out += value.to_bytes(typ.bits // 8, "big", signed=typ.signed)
        elif kind == "real":
            out += (_F32 if typ.bits == 32 else _F64).pack(value)
        elif kind == "duration":
            micros = abs(value) // NS_PER_US
            out += (-micros if value < 0 else micros).to_bytes(8, "big", signed=True)
        elif kind in ("date", "tod", "dt"):
            raw = value // NS_PER_MS if self.date_unit == "ms" else value
            out += raw.to_bytes(8, "big", signed=False)
        elif kind == "string":
            data = value.encode("utf-16-be") if typ.is_wide else value.encode("latin-1")
            units = len(data) // 2 if typ.is_wide else len(data)
            out += _count(units, typ.name)
            out += data
        elif kind == "char":
            if typ.is_wide:
                if ord(value) > 0xFFFF:
                    raise Asn1Error(f"WCHAR {value!r} is outside the 16-bit range")
                out += ord(value).to_bytes(2, "big")
            else:
                out.append(ord(value))
        else:  # BOOL payloads live in the tag
            raise Asn1Error(f"{typ.name} has no payload")

    # -- decoding -------------------------------------------------------------------------------

    def decode_value(self, data: bytes, typ: IecType | None = None) -> tuple[IecType, Any]:
        """Decode exactly one tagged value (``None``: any elementary value or array)."""
        view = memoryview(data)
        try:
            found, value, end = self._decode(view, 0, typ)
        except _NeedMore:
            raise Asn1Error(f"the {len(data)} bytes end inside the value") from None
        if end != len(data):
            raise Asn1Error(f"{len(data) - end} bytes follow the value")
        return found, value

    def _decode(self, data: memoryview, pos: int, typ: IecType | None) -> tuple[IecType, Any, int]:
        tag = _byte(data, pos)
        pos += 1
        if typ is None:
            if tag == ARRAY_TAG:
                return self._untyped_array(data, pos)
            found = _BY_TAG.get(tag)
            if found is None:
                raise Asn1Error(_tag_text(tag, None))
            typ = found
        elif typ is _BOOL:
            if tag not in (0x40, 0x41):
                raise Asn1Error(_tag_text(tag, typ))
            return typ, tag == 0x41, pos
        elif tag != self.tag_of(typ):
            raise Asn1Error(_tag_text(tag, typ))
        if typ is _BOOL:
            return typ, tag == 0x41, pos
        value, pos = self._decode_payload(data, pos, typ)
        return typ, value, pos

    def _decode_payload(self, data: memoryview, pos: int, typ: IecType) -> tuple[Any, int]:
        if isinstance(typ, ElementaryType):
            return self._elementary(data, pos, typ)
        if isinstance(typ, ArrayType):
            return self._typed_array(data, pos, typ)
        if isinstance(typ, StructType):
            value = typ.default()
            for name, member, _ in typ.members:
                if member is _BOOL:
                    _, item, pos = self._decode(data, pos, member)
                else:
                    item, pos = self._decode_payload(data, pos, member)
                setattr(value, name, item)
            return value, pos
        raise Asn1Error(f"cannot decode into the generic type {typ.name}")

    def _elementary(self, data: memoryview, pos: int, typ: ElementaryType) -> tuple[Any, int]:
        kind = typ.kind
        if kind in ("int", "bits"):
            size = typ.bits // 8
            return int.from_bytes(_take(data, pos, size), "big", signed=typ.signed), pos + size
        if kind == "real":
            codec = _F32 if typ.bits == 32 else _F64
            return codec.unpack(_take(data, pos, codec.size))[0], pos + codec.size
        if kind == "duration":
            micros = int.from_bytes(_take(data, pos, 8), "big", signed=True)
            return wrap_int(micros * NS_PER_US, 64, True), pos + 8
        if kind in ("date", "tod", "dt"):
            raw = int.from_bytes(_take(data, pos, 8), "big", signed=False)
            if self.date_unit == "ms":
                raw = wrap_int(raw * NS_PER_MS, 64, False)
            return typ.coerce(raw), pos + 8
        if kind == "string":
            units = int.from_bytes(_take(data, pos, 2), "big")
            pos += 2
            if typ.is_wide:
                return _utf16(_take(data, pos, 2 * units)), pos + 2 * units
            return bytes(_take(data, pos, units)).decode("latin-1"), pos + units
        if kind == "char":
            if typ.is_wide:
                return chr(int.from_bytes(_take(data, pos, 2), "big")), pos + 2
            return chr(_byte(data, pos)), pos + 1
        raise Asn1Error(f"{typ.name} has no payload")

    def _typed_array(self, data: memoryview, pos: int, typ: ArrayType) -> tuple[list[Any], int]:
        count = int.from_bytes(_take(data, pos, 2), "big")
        pos += 2
        element = typ.element
        items: list[Any] = []
        if count and element is _BOOL:
            for _ in range(count):
                _, item, pos = self._decode(data, pos, _BOOL)
                items.append(item)
        elif count:
            tag = _byte(data, pos)
            if tag != self.tag_of(element):
                raise Asn1Error(f"array of {element.name}: " + _tag_text(tag, element))
            pos += 1
            for _ in range(count):
                item, pos = self._decode_payload(data, pos, element)
                items.append(item)
        # FORTE fills what arrived and ignores elements beyond the declared size.
        del items[typ.length :]
        while len(items) < typ.length:
            items.append(element.default())
        return items, pos

    def _untyped_array(self, data: memoryview, pos: int) -> tuple[IecType, list[Any], int]:
        count = int.from_bytes(_take(data, pos, 2), "big")
        pos += 2
        if count == 0:
            raise Asn1Error("an empty array cannot be received into a pin of unknown type")
        tag = _byte(data, pos)
        items: list[Any] = []
        element: IecType
        if tag in (0x40, 0x41):
            element = _BOOL
            for _ in range(count):
                _, item, pos = self._decode(data, pos, _BOOL)
                items.append(item)
            return ArrayType(element, 0, count - 1), items, pos
        if tag == ARRAY_TAG:
            element, first, pos = self._untyped_array(data, pos + 1)
            items.append(first)
            for _ in range(count - 1):
                item, pos = self._decode_payload(data, pos, element)
                items.append(item)
            return ArrayType(element, 0, count - 1), items, pos
        found = _BY_TAG.get(tag)
        if found is None:
            raise Asn1Error("array element: " + _tag_text(tag, None))
        pos += 1
        for _ in range(count):
            item, pos = self._elementary(data, pos, found)
            items.append(item)
        return ArrayType(found, 0, count - 1), items, pos

    def decode_message(self, data: bytes, types: Sequence[IecType | None]) -> list[Any]:
        """Decode one whole message (a datagram) into values for ``types``."""
        decoder = MessageDecoder(types, self)
        result = decoder.feed(data)
        if result.error is not None:
            raise result.error
        if decoder.pending:
            raise Asn1Error(f"the message ends inside a value ({decoder.pending} bytes left over)")
        if len(result.messages) != 1:
            raise Asn1Error(f"expected one message, found {len(result.messages)}")
        return result.messages[0]


FBDK = Codec()


class MessageDecoder:
    """Turns a byte stream into messages of the given RD types, across arbitrary chunking.

    FORTE's behaviour is kept: with no RD pins every received byte is one (empty) message. After
    a decoding error the buffered bytes are dropped and decoding restarts at RD_1 with the next
    chunk, since an FBDK stream has no marks to resynchronise on.
    """

    def __init__(self, types: Sequence[IecType | None], codec: Codec = FBDK) -> None:
        self.types = list(types)
        self.codec = codec
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes received that do not complete a message yet."""
        return len(self._buffer)

    def reset(self) -> None:
        self._buffer.clear()

    def feed(self, data: bytes) -> Decoded:
        self._buffer += data
        messages: list[list[Any]] = []
        types: list[list[IecType]] = []
        if not self.types:
            messages.extend([] for _ in range(len(self._buffer)))
            types.extend([] for _ in range(len(self._buffer)))
            self._buffer.clear()
            return Decoded(messages, None, types)
        view = memoryview(self._buffer)
        pos = 0
        try:
            while pos < len(view):
                values: list[Any] = []
                found: list[IecType] = []
                at = pos
                for expected in self.types:
                    typ, value, at = self.codec._decode(view, at, expected)
                    values.append(value)
                    found.append(typ)
                messages.append(values)
                types.append(found)
                pos = at
        except _NeedMore:
            pass
        except Asn1Error as exc:
            view.release()
            self._buffer.clear()
            return Decoded(messages, exc, types)
        view.release()
        del self._buffer[:pos]
        return Decoded(messages, None, types)


def _byte(data: memoryview, pos: int) -> int:
    if pos >= len(data):
        raise _NeedMore
    return data[pos]


def _take(data: memoryview, pos: int, size: int) -> memoryview:
    if pos + size > len(data):
        raise _NeedMore
    return data[pos : pos + size]


def _count(count: int, what: str) -> bytes:
    if count > _MAX_COUNT:
        raise Asn1Error(f"a {what} of {count} units is longer than the encoding's 65535")
    return count.to_bytes(2, "big")


def _utf16(raw: memoryview) -> str:
    data = bytes(raw)
    codec = "utf-16-be"
    if data[:2] == b"\xfe\xff":
        data = data[2:]
    elif data[:2] == b"\xff\xfe":
        data, codec = data[2:], "utf-16-le"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise Asn1Error(f"WSTRING is not valid UTF-16: {exc.reason}") from None


def _tag_text(tag: int, expected: IecType | None) -> str:
    got = _BY_TAG.get(tag)
    what = f"0x{tag:02X}" + (f" ({got.name})" if got is not None else "")
    if tag == ARRAY_TAG:
        what = f"0x{tag:02X} (ARRAY)"
    if expected is None:
        return f"tag {what} is no value this decoder knows"
    return f"expected {expected.name} but received tag {what}"
