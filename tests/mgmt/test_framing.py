from __future__ import annotations

import pytest

from fbruntime.mgmt.framing import (
    MAX_STRING_LENGTH,
    FrameDecoder,
    FramingError,
    ReplyDecoder,
    encode_reply,
    encode_request,
    encode_string,
)

REQUEST = encode_request("RES", '<Request ID="1" Action="START"/>')


def test_a_string_is_tag_0x50_then_a_big_endian_length() -> None:
    assert encode_string("AB") == b"\x50\x00\x02AB"
    assert encode_string("x" * 258)[:3] == b"\x50\x01\x02"


def test_a_request_is_two_strings_destination_first() -> None:
    assert encode_request("", "<R/>") == b"\x50\x00\x00\x50\x00\x04<R/>"


def test_characters_are_single_latin1_bytes() -> None:
    assert encode_string("\u00e4") == b"\x50\x00\x01\xe4"
    assert FrameDecoder().feed(b"\x50\x00\x00\x50\x00\x01\xe4") == [("", "\u00e4")]


def test_characters_beyond_latin1_become_xml_character_references() -> None:
    assert encode_reply("\u20ac") == b"\x50\x00\x07&#8364;"


def test_a_string_longer_than_the_length_field_cannot_be_encoded() -> None:
    with pytest.raises(FramingError, match="at most 65535 bytes"):
        encode_string("x" * (MAX_STRING_LENGTH + 1))


def test_a_request_split_at_every_byte_boundary_decodes_once() -> None:
    for cut in range(len(REQUEST) + 1):
        decoder = FrameDecoder()
        pairs = decoder.feed(REQUEST[:cut]) + decoder.feed(REQUEST[cut:])
        assert pairs == [("RES", '<Request ID="1" Action="START"/>')], cut
        assert not decoder.mid_request


def test_a_request_fed_byte_by_byte_decodes_once() -> None:
    decoder = FrameDecoder()
    pairs = [pair for byte in REQUEST for pair in decoder.feed(bytes([byte]))]
    assert pairs == [("RES", '<Request ID="1" Action="START"/>')]


def test_many_requests_in_one_read_decode_in_order() -> None:
    data = b"".join(encode_request("R", f'<Request ID="{i}" Action="START"/>') for i in range(50))
    pairs = FrameDecoder().feed(data)
    assert [request for _, request in pairs] == [
        f'<Request ID="{i}" Action="START"/>' for i in range(50)
    ]


def test_a_partial_request_is_reported_as_pending() -> None:
    decoder = FrameDecoder()
    decoder.feed(REQUEST[:5])
    assert decoder.mid_request
    decoder.feed(REQUEST[5:8])  # the destination is complete, the request is not
    assert decoder.mid_request


def test_a_wrong_tag_breaks_the_framing_after_the_requests_before_it() -> None:
    decoder = FrameDecoder()
    pairs = decoder.feed(REQUEST + b"\x43\x00\x01")
    assert pairs == [("RES", '<Request ID="1" Action="START"/>')]
    assert decoder.error is not None
    assert "tag 0x43" in str(decoder.error)
    with pytest.raises(FramingError):
        decoder.feed(REQUEST)


def test_a_string_over_the_limit_breaks_the_framing() -> None:
    decoder = FrameDecoder(max_length=10)
    assert decoder.feed(b"\x50\x00\x0b") == []
    assert decoder.error is not None
    assert "11 bytes exceeds the limit of 10" in str(decoder.error)


def test_the_limit_must_fit_the_length_field() -> None:
    with pytest.raises(ValueError, match="max_length"):
        FrameDecoder(max_length=MAX_STRING_LENGTH + 1)


def test_replies_decode_one_string_each() -> None:
    decoder = ReplyDecoder()
    data = encode_reply('<Response ID="1" />') + encode_reply('<Response ID="2" />')
    assert decoder.feed(data[:7]) == []
    assert decoder.mid_reply
    assert decoder.feed(data[7:]) == ['<Response ID="1" />', '<Response ID="2" />']
