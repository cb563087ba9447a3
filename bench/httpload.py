"""The API benchmarks' HTTP client: raw HTTP/1.1 keep-alive over asyncio sockets, in its own process.

A latency figure must be the server's, not the client's: a client on the server's event loop, or
in its interpreter, adds its own work to every request, and an HTTP library's per-request cost
(httpx: about a millisecond of Python) is larger than what a cheap route costs the server. So the
load runs in another process (the machine's other core), sends prebuilt request bytes on
connections opened before the clock starts (``TCP_NODELAY``), and parses every response: status
line, headers, a ``Content-Length`` body (chunked answers are refused, none is expected).

Used by ``api_bench.py``, ``web_bench.py`` (through ``api_bench``) and ``pipeline_api_bench.py``.
"""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing as mp
import socket
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

HOST = "127.0.0.1"

Request = tuple[str, bytes, int]
"""(label, the request's bytes, the status expected)."""


def get(path: str, token: str | None = None) -> bytes:
    """A GET request (with the bearer token when one is given)."""
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n{auth}\r\n".encode()


def send(method: str, path: str, body: bytes = b"", token: str | None = None) -> bytes:
    """A request with a JSON body (or none), the bearer token when one is given."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if body:
        head += "Content-Type: application/json\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response: (status, body); the connection stays open for the next."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-length":
            length = int(value.strip())
        elif key.strip().lower() == b"transfer-encoding":
            raise RuntimeError("chunked responses are not expected here")
    body = await reader.readexactly(length) if length else b""
    return status, body


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def connect(port: int, count: int) -> list[Connection]:
    """``count`` keep-alive connections to the server, Nagle off (requests go out at once)."""
    conns = [await asyncio.open_connection(HOST, port) for _ in range(count)]
    for _, writer in conns:
        writer.transport.get_extra_info("socket").setsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
        )
    return conns


async def call(conn: Connection, request: bytes) -> tuple[int, bytes]:
    """Send one request on ``conn`` and read its response."""
    reader, writer = conn
    writer.write(request)
    return await response(reader)


async def call_json(conn: Connection, request: bytes, expected: int = 200) -> Any:
    """The JSON body of one request's answer; ``RuntimeError`` for another status."""
    status, body = await call(conn, request)
    if status != expected:
        raise RuntimeError(f"HTTP {status} (expected {expected}): {body[:300]!r}")
    return json.loads(body) if body else None


async def timed(
    port: int, requests: Sequence[Request], connections: int, count: int, warm: int = 2
) -> dict[str, Any]:
    """``count`` requests over ``connections`` connections, each sending its next request as
    soon as the previous answer is in, cycling through ``requests``; every route ``warm`` times
    per connection first, untimed. Latencies in seconds by label, answers with another status
    than expected counted in ``bad``."""
    conns = await connect(port, connections)
    for _ in range(warm):
        await asyncio.gather(*(_warm(conn, requests) for conn in conns))
    latencies: dict[str, list[float]] = {label: [] for label, _, _ in requests}
    bad: dict[str, int] = {}
    left = [count]
    clock = time.perf_counter

    async def worker(index: int, conn: Connection) -> None:
        reader, writer = conn
        i = index % len(requests)
        while left[0] > 0:
            left[0] -= 1
            label, request, expected = requests[i]
            i = (i + 1) % len(requests)
            t0 = clock()
            writer.write(request)
            status, _ = await response(reader)
            latencies[label].append(clock() - t0)
            if status != expected:
                key = f"{label} {status}"
                bad[key] = bad.get(key, 0) + 1

    start = time.monotonic()
    await asyncio.gather(*(worker(i, conn) for i, conn in enumerate(conns)))
    end = time.monotonic()
    for _, writer in conns:
        writer.close()
    return {"start": start, "end": end, "latencies": latencies, "bad": bad}


async def _warm(conn: Connection, requests: Sequence[Request]) -> None:
    for label, request, expected in requests:
        status, _ = await call(conn, request)
        if status != expected:
            raise RuntimeError(f"warm-up {label}: HTTP {status}, expected {expected}")


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile of already sorted values."""
    return sorted_values[max(0, math.ceil(len(sorted_values) * p) - 1)]


# -- running a client coroutine in a process of its own --------------------------------------------

ClientFn = Callable[..., Coroutine[Any, Any, Any]]


def _child(target: ClientFn, args: tuple[Any, ...], queue: Any) -> None:
    try:
        import uvloop

        queue.put(uvloop.run(target(*args)))
    except BaseException as exc:
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


async def in_process(target: ClientFn, *args: Any, timeout: float = 600.0) -> Any:
    """``target(*args)`` run on uvloop in a spawned process; its (picklable) result.

    The caller's event loop stays free meanwhile (it may be the server's): the queue is polled
    every 50 ms. ``SystemExit`` if the client fails or dies.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, args, queue))
    proc.start()
    deadline = time.monotonic() + timeout
    result: Any = None
    got = False
    while not got:
        await asyncio.sleep(0.05)
        if not queue.empty():
            result, got = queue.get(), True
        elif not proc.is_alive() and queue.empty():
            raise SystemExit(f"load client died (exit code {proc.exitcode})")
        elif time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"load client took more than {timeout:g} s")
    proc.join()
    if isinstance(result, dict) and "error" in result:
        raise SystemExit(f"load client failed: {result['error']}")
    return result
