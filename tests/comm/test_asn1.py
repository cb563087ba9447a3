"""The FBDK ASN.1 codec: byte-exact FORTE encodings, round trips and the incremental decoder."""

from __future__ import annotations

from typing import Any

import pytest

from fbruntime.comm.asn1 import FBDK, Asn1Error, Codec, MessageDecoder
from fbruntime.iec import (
    ELEMENTARY_TYPES,
    GENERIC_TYPES,
    NS_PER_DAY,
    NS_PER_SECOND,
    IecType,
    StructType,
    array_of,
    to_real32,
)

T = ELEMENTARY_TYPES
POINT = StructType(
    "POINT", (("X", T["INT"], None), ("ON", T["BOOL"], None), ("NAME", T["STRING"], None))
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# Hand-computed from fbdkasn1layer.cpp: tag 0x40 + type tag, big-endian payload, no lengths for
# fixed sizes, uint16 counts for strings and arrays.
FORTE_ENCODINGS: list[tuple[IecType, Any, str]] = [
    (T["BOOL"], False, "40"),
    (T["BOOL"], True, "41"),
    (T["SINT"], -1, "42 ff"),
    (T["INT"], 1000, "43 03e8"),
    (T["INT"], -2, "43 fffe"),
    (T["DINT"], -2, "44 fffffffe"),
    (T["LINT"], 1, "45 0000000000000001"),
    (T["USINT"], 200, "46 c8"),
    (T["UINT"], 65535, "47 ffff"),
    (T["UDINT"], 0x01020304, "48 01020304"),
    (T["ULINT"], (1 << 64) - 1, "49 ffffffffffffffff"),
    (T["REAL"], 1.0, "4a 3f800000"),
    (T["REAL"], -2.5, "4a c0200000"),
    (T["LREAL"], 1.0, "4b 3ff0000000000000"),
    (T["TIME"], NS_PER_SECOND, "4c 00000000000f4240"),
    (T["TIME"], -1_000_000, "4c fffffffffffffc18"),
    (T["DATE"], NS_PER_DAY, "4d 00004e94914f0000"),
    (T["TIME_OF_DAY"], NS_PER_SECOND, "4e 000000003b9aca00"),
    (T["DATE_AND_TIME"], NS_PER_DAY + NS_PER_SECOND, "4f 00004e94cce9ca00"),
    (T["STRING"], "", "50 0000"),
    (T["STRING"], "Hi", "50 0002 4869"),
    (T["STRING"], "\xe9", "50 0001 e9"),
    (T["BYTE"], 0xAB, "51 ab"),
    (T["WORD"], 0x1234, "52 1234"),
    (T["DWORD"], 0xDEADBEEF, "53 deadbeef"),
    (T["LWORD"], 1, "54 0000000000000001"),
    (T["WSTRING"], "H\xe9", "55 0002 0048 00e9"),
    (T["WSTRING"], "\U0001f600", "55 0002 d83d de00"),
    (T["CHAR"], "A", "57 41"),
    (T["WCHAR"], "\xe9", "58 00e9"),
    (T["LTIME"], 2_000, "5c 0000000000000002"),
    (array_of(T["INT"], 0, 2), [1, 2, 3], "76 0003 43 0001 0002 0003"),
    (array_of(T["BOOL"], 1, 2), [True, False], "76 0002 41 40"),
    (array_of(T["STRING"], 0, 1), ["a", "bc"], "76 0002 50 0001 61 0002 6263"),
    (POINT, POINT.make(X=5, ON=True, NAME="z"), "61 0005 41 0001 7a"),
    (array_of(POINT, 0, 0), [POINT.make(X=1)], "76 0001 61 0001 40 0000"),
]


@pytest.mark.parametrize(("typ", "value", "wire"), FORTE_ENCODINGS)
def test_values_encode_as_forte_does(typ: IecType, value: Any, wire: str) -> None:
    assert FBDK.encode_value(typ, value) == h(wire)


@pytest.mark.parametrize(("typ", "value", "wire"), FORTE_ENCODINGS)
def test_forte_bytes_decode_to_the_value(typ: IecType, value: Any, wire: str) -> None:
    found, decoded = FBDK.decode_value(h(wire), typ)
    assert found == typ
    assert decoded == typ.coerce(value)


@pytest.mark.parametrize(
    ("typ", "value"),
    [
        (T["REAL"], to_real32(3.14159)),
        (T["LREAL"], -1e300),
        (T["LINT"], -(1 << 63)),
        (T["STRING"], "x" * 1000),
        (T["WSTRING"], "Grüße \u4e16\u754c"),
        (T["TIME"], -5 * NS_PER_SECOND),
        (T["LDT"], 1_700_000_000 * NS_PER_SECOND),
        (array_of(array_of(T["DINT"], 0, 1), 0, 1), [[1, -1], [2, -2]]),
        (array_of(T["WSTRING"], 0, 1), ["\u00e4", ""]),
    ],
)
def test_values_round_trip(typ: IecType, value: Any) -> None:
    assert FBDK.decode_value(FBDK.encode_value(typ, value), typ) == (typ, value)


def test_time_travels_in_microseconds_cut_toward_zero() -> None:
    assert FBDK.encode_value(T["TIME"], 1_999) == h("4c 0000000000000001")
    assert FBDK.encode_value(T["TIME"], -1_999) == h("4c ffffffffffffffff")


def test_forte_2_peers_speak_dates_in_milliseconds() -> None:
    forte2 = Codec(date_unit="ms")
    assert forte2.encode_value(T["DATE"], NS_PER_DAY) == h("4d 0000000005265c00")
    assert forte2.decode_value(h("4e 00000000000003e8"), T["TIME_OF_DAY"])[1] == NS_PER_SECOND


def test_a_struct_type_can_carry_its_own_tag() -> None:
    codec = Codec(struct_tags={"POINT": 0x7E})
    wire = codec.encode_value(POINT, POINT.default())
    assert wire[0] == 0x7E
    assert codec.decode_value(wire, POINT)[1] == POINT.default()
    with pytest.raises(Asn1Error, match="expected POINT"):
        FBDK.decode_value(wire, POINT)


def test_a_message_is_the_values_back_to_back_and_empty_is_null() -> None:
    assert FBDK.encode_message([(T["INT"], 1), (T["BOOL"], True)]) == h("43 0001 41")
    assert FBDK.encode_message([]) == h("05")


def test_a_wstring_with_a_little_endian_bom_is_read() -> None:
    assert FBDK.decode_value(h("55 0002 fffe 4100"), T["WSTRING"])[1] == "A"


@pytest.mark.parametrize(
    ("wire", "value"),
    [("76 0002 43 0007 0008", [7, 8, 0]), ("76 0004 43 0001 0002 0003 0004", [1, 2, 3])],
)
def test_arrays_of_another_length_fill_from_the_front(wire: str, value: list[int]) -> None:
    assert FBDK.decode_value(h(wire), array_of(T["INT"], 0, 2))[1] == value


@pytest.mark.parametrize(
    ("wire", "typ", "value"),
    [
        ("43 fffe", T["INT"], -2),
        ("41", T["BOOL"], True),
        ("50 0001 41", T["STRING"], "A"),
        ("76 0002 44 00000001 00000002", array_of(T["DINT"], 0, 1), [1, 2]),
        ("76 0002 40 41", array_of(T["BOOL"], 0, 1), [False, True]),
    ],
)
def test_values_decode_by_their_tag_when_no_type_is_expected(
    wire: str, typ: IecType, value: Any
) -> None:
    assert FBDK.decode_value(h(wire), None) == (typ, value)


@pytest.mark.parametrize(
    ("wire", "typ", "message"),
    [
        ("44 00000001", T["INT"], r"expected INT but received tag 0x44 \(DINT\)"),
        ("43 0001", T["BOOL"], "expected BOOL"),
        ("76 0001 44 00000001", array_of(T["INT"], 0, 0), "array of INT"),
        ("61 0001", None, "no value this decoder knows"),
        ("43 00", T["INT"], "end inside the value"),
        ("43 0001 00", T["INT"], "1 bytes follow"),
    ],
)
def test_bad_bytes_are_refused_with_the_reason(
    wire: str, typ: IecType | None, message: str
) -> None:
    with pytest.raises(Asn1Error, match=message):
        FBDK.decode_value(h(wire), typ)


@pytest.mark.parametrize(
    ("typ", "value", "message"),
    [
        (T["STRING"], "x" * 70_000, "at most 65,534 characters"),
        (T["STRING"], "\u4e16", "STRING holds only"),
        (GENERIC_TYPES["ANY_INT"], 1, "generic type ANY_INT"),
    ],
)
def test_values_that_cannot_be_encoded_are_refused(typ: IecType, value: Any, message: str) -> None:
    with pytest.raises(Asn1Error, match=message):
        FBDK.encode_value(typ, value)


def test_the_stream_decoder_survives_any_chunking() -> None:
    types: list[IecType | None] = [T["INT"], T["STRING"], T["TIME"], T["BOOL"]]
    one = FBDK.encode_message(
        [(T["INT"], 7), (T["STRING"], "abc"), (T["TIME"], 5000), (T["BOOL"], True)]
    )
    two = FBDK.encode_message(
        [(T["INT"], -1), (T["STRING"], ""), (T["TIME"], 0), (T["BOOL"], False)]
    )
    stream = one + two
    for size in range(1, len(stream) + 1):
        decoder = MessageDecoder(types)
        messages = []
        for at in range(0, len(stream), size):
            result = decoder.feed(stream[at : at + size])
            assert result.error is None
            messages.extend(result.messages)
        assert messages == [[7, "abc", 5000, True], [-1, "", 0, False]]
        assert decoder.pending == 0


def test_after_garbage_the_stream_decoder_restarts_with_the_next_chunk() -> None:
    decoder = MessageDecoder([T["INT"]])
    result = decoder.feed(h("43 0001 ff ff"))
    assert result.messages == [[1]]
    assert result.error is not None and "0xFF" in str(result.error)
    assert decoder.pending == 0
    assert decoder.feed(h("43 0002")).messages == [[2]]


def test_without_rd_pins_every_byte_is_one_message() -> None:
    assert MessageDecoder([]).feed(h("05 05")).messages == [[], []]


def test_a_whole_datagram_decodes_into_one_message() -> None:
    assert FBDK.decode_message(h("43 0001 41"), [T["INT"], None]) == [1, True]
    with pytest.raises(Asn1Error, match="ends inside a value"):
        FBDK.decode_message(h("43 0001 50 00"), [T["INT"], T["STRING"]])
