"""uvicorn's HTTP protocol with the limits it lacks: a header timeout, a header size and a
connection cap.

uvicorn closes a keep-alive connection that stays idle *after* a response (``idle_timeout``),
but nothing bounds a connection that never finishes its request headers (or never sends any):
one client trickling a byte a second could hold connections for ever, and enough of them would
exhaust the process's file descriptors. Here a connection must complete each request's headers
within ``header_timeout`` seconds of its first byte (or of connecting), may send at most
``max_header_bytes`` before they are complete (431 otherwise), and connections beyond
``max_connections`` are answered 503 and closed at once. Bodies are bounded by
:mod:`fbruntime.api.guard`.

The subclass hooks only uvicorn's asyncio ``Protocol`` methods (``connection_made``,
``data_received``, ``connection_lost``) and reads ``self.cycle`` and ``self.connections``,
which both of uvicorn's HTTP/1.1 implementations keep.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

__all__ = ["guarded_protocol"]


def _answer(status: int, reason: str, kind: str, detail: str) -> bytes:
    body = json.dumps({"error": kind, "detail": detail}).encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


def guarded_protocol(
    base: type[Any],
    *,
    header_timeout: float,
    max_connections: int,
    max_header_bytes: int = 65_536,
) -> type[asyncio.Protocol]:
    """A subclass of uvicorn's protocol class ``base`` with the limits above."""
    busy = _answer(
        503,
        "Service Unavailable",
        "busy",
        f"the server has its maximum of {max_connections} connections open",
    )
    slow = _answer(
        408,
        "Request Timeout",
        "timeout",
        f"the request headers did not arrive within {header_timeout:g} s",
    )
    large = _answer(
        431,
        "Request Header Fields Too Large",
        "too_large",
        f"the request headers are over {max_header_bytes:,} bytes",
    )

    class GuardedProtocol(base):  # type: ignore[misc]
        _timer: asyncio.TimerHandle | None = None
        _waiting_for: object = None  # the cycle current when the timer was armed
        _pending = 0  # bytes received since then

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                transport.write(busy)
                transport.close()
                return
            self._arm()

        def data_received(self, data: bytes) -> None:
            cycle = self.cycle
            if self._timer is None and (cycle is None or cycle.response_complete):
                self._arm()  # the first bytes of a new request
            super().data_received(data)
            if self._timer is None:
                return
            if self.cycle is not self._waiting_for:
                self._disarm()  # the headers are complete: the request runs
                return
            self._pending += len(data)
            if self._pending > max_header_bytes:
                self._refuse(large)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._waiting_for = self.cycle
            self._pending = 0
            self._timer = self.loop.call_later(header_timeout, self._expired)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _expired(self) -> None:
            self._timer = None
            if self.cycle is self._waiting_for:  # no request has started since: too slow
                self._refuse(slow)

        def _refuse(self, answer: bytes) -> None:
            self._disarm()
            transport = self.transport
            if not transport.is_closing():
                transport.write(answer)
                transport.close()

    GuardedProtocol.__name__ = f"Guarded{base.__name__}"
    return GuardedProtocol
