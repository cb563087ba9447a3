"""uvicorn's HTTP protocol with the limits it lacks: a header timeout, a header size and a
connection cap.

uvicorn closes a keep-alive connection that stays idle *after* a response (``idle_timeout``),
but nothing bounds a connection that never finishes its request headers (or never sends any):
one client trickling a byte a second could hold connections for ever, and enough of them would
exhaust the process's file descriptors. Here a connection must complete each request's headers
within ``header_timeout`` seconds of its first byte (or of connecting; checked every second or
half the timeout, so a little later at worst), may send at most
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

    # Deadlines, not a timer per request: each connection notes when its headers are due (one
    # float), and one sweep a second per server closes the connections past theirs.
    every = min(1.0, header_timeout / 2)
    sweeping: set[int] = set()  # the servers (their connection sets) being swept

    def sweep(loop: asyncio.AbstractEventLoop, connections: set[Any]) -> None:
        now = loop.time()
        for conn in list(connections):
            due = getattr(conn, "_due", 0.0)
            if due and now > due and conn.cycle is conn._waiting_for:
                conn._refuse(slow)
        if connections:
            loop.call_later(every, sweep, loop, connections)
        else:
            sweeping.discard(id(connections))

    class GuardedProtocol(base):  # type: ignore[misc]
        _due = 0.0  # loop time by which the current request's headers must be complete; 0: none
        _waiting_for: object = None  # the cycle current when the deadline was set
        _pending = 0  # bytes received since then

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                transport.write(busy)
                transport.close()
                return
            self._arm()
            if id(self.connections) not in sweeping:
                sweeping.add(id(self.connections))
                self.loop.call_later(every, sweep, self.loop, self.connections)

        def data_received(self, data: bytes) -> None:
            if not self._due:
                cycle = self.cycle
                if cycle is None or cycle.response_complete:
                    self._arm()  # the first bytes of a new request
            super().data_received(data)
            if not self._due:
                return
            if self.cycle is not self._waiting_for:
                self._due = 0.0  # the headers are complete: the request runs
                return
            self._pending += len(data)
            if self._pending > max_header_bytes:
                self._refuse(large)

        def _arm(self) -> None:
            self._waiting_for = self.cycle
            self._pending = 0
            self._due = self.loop.time() + header_timeout

        def _refuse(self, answer: bytes) -> None:
            self._due = 0.0
            transport = self.transport
            if not transport.is_closing():
                transport.write(answer)
                transport.close()

    GuardedProtocol.__name__ = f"Guarded{base.__name__}"
    return GuardedProtocol
