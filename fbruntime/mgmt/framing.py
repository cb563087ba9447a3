"""FBDK ASN.1 STRING framing of the management connection.

A request is two STRINGs back to back (the destination, then the request XML); a reply is one
STRING. A STRING is the tag ``0x50``, a big-endian uint16 byte count and that many 8-bit bytes.
TCP keeps no message boundaries, so `FrameDecoder` takes bytes as they arrive and hands out
complete ``(dst, request)`` pairs, however the sender's writes were split or merged (DINASORE
assumed one request per ``recv`` and broke on both).

Bytes are read as latin-1, one character per byte, like FORTE and the IDE's ``writeBytes``. Replies
are written as latin-1 too; a character outside it becomes an XML character reference, which every
XML reader on the other end turns back into the same character.
"""

from __future__ import annotations

import struct

STRING_TAG = 0x50
MAX_STRING_LENGTH = 0xFFFF
_HEADER = struct.Struct(">BH")


class FramingError(ValueError):
    """The peer broke the framing; the connection cannot be resynchronised and must be closed."""


def encode_string(text: str) -> bytes:
    """One FBDK STRING holding *text*."""
    payload = text.encode("latin-1", errors="xmlcharrefreplace")
    if len(payload) > MAX_STRING_LENGTH:
        raise FramingError(
            f"a STRING holds at most {MAX_STRING_LENGTH} bytes; this one has {len(payload)}"
        )
    return _HEADER.pack(STRING_TAG, len(payload)) + payload


def encode_request(dst: str, request: str) -> bytes:
    """The two STRINGs a client sends for one request."""
    return encode_string(dst) + encode_string(request)


def encode_reply(reply: str) -> bytes:
    return encode_string(reply)


class _StringDecoder:
    """Cuts a byte stream into the payloads of consecutive FBDK STRINGs."""

    def __init__(self, max_length: int) -> None:
        if not 0 <= max_length <= MAX_STRING_LENGTH:
            raise ValueError(f"max_length must be within 0..{MAX_STRING_LENGTH}, not {max_length}")
        self._max_length = max_length
        self._buffer = bytearray()
        self.error: FramingError | None = None

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def feed(self, data: bytes) -> list[str]:
        """The STRINGs completed by *data*; a framing error stops decoding (see `error`)."""
        if self.error is not None:
            raise self.error
        self._buffer += data
        strings: list[str] = []
        buffer = self._buffer
        start = 0
        while start < len(buffer):
            tag = buffer[start]
            if tag != STRING_TAG:
                self.error = FramingError(
                    f"expected an FBDK STRING (tag 0x{STRING_TAG:02X}) but got tag 0x{tag:02X}"
                )
                break
            if len(buffer) - start < _HEADER.size:
                break
            _, length = _HEADER.unpack_from(buffer, start)
            if length > self._max_length:
                self.error = FramingError(
                    f"a STRING of {length} bytes exceeds the limit of {self._max_length} bytes"
                )
                break
            end = start + _HEADER.size + length
            if end > len(buffer):
                break
            strings.append(buffer[start + _HEADER.size : end].decode("latin-1"))
            start = end
        if start:
            del buffer[:start]
        return strings


class FrameDecoder:
    """Incremental decoder of management requests: feed bytes, get complete (dst, request) pairs.

    When the bytes break the framing, `feed` still returns the requests completed before the break
    and sets `error`; the caller answers those and then closes the connection, because a stream
    without boundaries cannot be resynchronised. Feeding a broken decoder raises that error.
    """

    def __init__(self, max_length: int = MAX_STRING_LENGTH) -> None:
        self._strings = _StringDecoder(max_length)
        self._dst: str | None = None

    @property
    def error(self) -> FramingError | None:
        return self._strings.error

    @property
    def mid_request(self) -> bool:
        """True while part of a request has arrived: a peer that leaves now cut a request short."""
        return self._dst is not None or self._strings.pending > 0

    def feed(self, data: bytes) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for text in self._strings.feed(data):
            if self._dst is None:
                self._dst = text
            else:
                pairs.append((self._dst, text))
                self._dst = None
        return pairs


class ReplyDecoder:
    """Incremental decoder of replies (one STRING each), for clients."""

    def __init__(self, max_length: int = MAX_STRING_LENGTH) -> None:
        self._strings = _StringDecoder(max_length)

    @property
    def error(self) -> FramingError | None:
        return self._strings.error

    @property
    def mid_reply(self) -> bool:
        return self._strings.pending > 0

    def feed(self, data: bytes) -> list[str]:
        return self._strings.feed(data)
