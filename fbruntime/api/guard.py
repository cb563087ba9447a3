"""The API's front door: every request is checked here before any route sees it.

One plain ASGI middleware, outermost, so the fast path and every router (pipelines and the web
page included) are covered alike, at the cost of a few comparisons per request:

* a path holding a NUL or another control character is refused (400): no route has to guard
  ``pathlib`` or SQLite against them;
* the ``Host`` header must name this server (``allowed_hosts``; 400 otherwise). A page on another
  site that rebinds its DNS name to 127.0.0.1 sends its own name, so the open loopback reads are
  not reachable that way;
* a body larger than ``max_body`` is refused with 413 from its ``Content-Length`` alone, before a
  byte of it is read; a chunked body is counted as it arrives and refused once it passes the
  limit. A body that is not complete within ``body_timeout`` seconds gets 408;
* a JSON body whose strings hold a lone UTF-16 surrogate (``"\\udcff"``) is refused (422): such
  a string cannot be stored in the database or sent back as UTF-8, so it would fail much later.

Every refusal is a short JSON document ``{"error": kind, "detail": message}`` that never echoes
the request, and the connection is closed when the body was left unread.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Guard", "host_name"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def host_name(value: str) -> str:
    """The host part of a ``Host`` header, lower-cased: ``[::1]:80`` -> ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        body_timeout: float = 30.0,
        allowed_hosts: Iterable[str] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.allowed = (
            None if allowed_hosts is None else frozenset(host_name(h) for h in allowed_hosts)
        )
        self._hosts_seen: set[bytes] = set()  # Host header values already found allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not path.isprintable() and _CONTROL.search(path):
            await _refuse(send, 400, "bad_path", "the path holds a control character")
            return
        length: int | None = None
        chunked = False
        host = b""
        for key, value in scope["headers"]:
            if key == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif key == b"host":
                host = value
            elif key == b"transfer-encoding":
                chunked = True
        allowed = self.allowed
        if allowed is not None and host not in self._hosts_seen:
            name = host.decode("latin-1")
            if host_name(name) not in allowed:
                await _refuse(
                    send,
                    400,
                    "bad_host",
                    f"this server does not answer to the host {name[:100]!r} "
                    f"(it answers to {', '.join(sorted(allowed))})",
                )
                return
            if len(self._hosts_seen) < 64:
                self._hosts_seen.add(host)
        if not chunked and (length is None or length == 0):
            await self.app(scope, receive, send)  # no body: the common case, left untouched
            return
        if length is not None and (length < 0 or length > self.max_body):
            await _refuse(send, 413, "too_large", self._too_large(length), close=True)
            return
        try:
            async with asyncio.timeout(self.body_timeout):
                body, more = await self._read(receive)
        except TimeoutError:
            await _refuse(
                send,
                408,
                "timeout",
                f"the request body did not arrive within {self.body_timeout:g} s",
                close=True,
            )
            return
        except _TooLarge:
            await _refuse(send, 413, "too_large", self._too_large(None), close=True)
            return
        if _has_lone_surrogate(body):
            await _refuse(
                send,
                422,
                "validation",
                "the body holds a lone UTF-16 surrogate (such as \\udcff): text must be valid "
                "Unicode",
            )
            return
        await self.app(scope, _replay(body, more, receive), send)

    def _too_large(self, length: int | None) -> str:
        size = f"{length:,} bytes" if length is not None and length >= 0 else "too large"
        return f"the request body is {size}; the limit is {self.max_body:,} bytes"

    async def _read(self, receive: Receive) -> tuple[bytes, bool]:
        """The whole body (within the limit) and whether the client is still connected."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), True


class _TooLarge(Exception):
    pass


def _replay(body: bytes, connected: bool, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if connected:
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}
        return await receive()

    return replay


def _has_lone_surrogate(body: bytes) -> bool:
    """True when a JSON body's strings hold an unpaired surrogate (cheap unless one is escaped)."""
    if not _SURROGATE_ESCAPE.search(body):
        return False
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON (or too deep): the route refuses it with its own message
    return _walk_for_surrogates(value)


def _walk_for_surrogates(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


async def _refuse(send: Send, status: int, kind: str, detail: str, *, close: bool = False) -> None:
    body = json.dumps({"error": kind, "detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
