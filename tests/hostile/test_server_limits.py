"""The HTTP and management servers bound what one client can hold: headers that never end,
connections without number, a Host header that is not the server's (DNS rebinding)."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx

from fbruntime.mgmt import new_target, serve
from fbruntime.mgmt.framing import encode_request
from tests.hostile.conftest import MAX_CONNECTIONS, Server


def test_a_host_header_that_is_not_the_servers_is_refused(server: Server) -> None:
    with httpx.Client(timeout=5) as c:
        url = f"{server.base}/api/health"
        evil = c.get(url, headers={"Host": f"rebound.example:{server.port}"})
        assert evil.status_code == 400 and evil.json()["error"] == "bad_host"
        for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}"):
            assert c.get(url, headers={"Host": host}).status_code == 200


def test_headers_that_never_end_are_cut_off(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        answer = s.recv(4096)
        assert b" 408 " in answer.split(b"\r\n", 1)[0]
        assert s.recv(4096) == b""  # and closed
        assert time.monotonic() - started < 5


def test_connections_beyond_the_cap_are_refused_and_the_server_recovers(server: Server) -> None:
    extra = 6
    socks = [
        socket.create_connection(("127.0.0.1", server.port), timeout=10)
        for _ in range(MAX_CONNECTIONS + extra)
    ]
    try:
        refused = 0
        for s in socks[MAX_CONNECTIONS - 2 :]:
            s.settimeout(0.5)
            try:
                if b" 503 " in s.recv(4096):
                    refused += 1
            except TimeoutError:
                pass
        assert refused >= extra
    finally:
        for s in socks:
            s.close()
    with httpx.Client(timeout=5) as c:
        assert c.get(f"{server.base}/api/health").status_code == 200


async def test_the_management_server_caps_connections_and_times_out_requests() -> None:
    server = await serve(
        new_target("DEV"), "127.0.0.1", 0, max_connections=2, request_timeout=0.3, idle_timeout=1
    )
    writers: list[asyncio.StreamWriter] = []

    async def connect() -> asyncio.StreamReader:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writers.append(writer)
        return reader

    query = '<Request ID="{}" Action="QUERY"><FB Name="*" Type="*"/></Request>'
    try:
        slow, idle, third = await connect(), await connect(), await connect()
        assert await asyncio.wait_for(third.read(), 2) == b""  # over the cap: closed
        writers[0].write(encode_request("", query.format(1))[:9])
        started = time.monotonic()
        assert await asyncio.wait_for(slow.read(), 3) == b""  # half a request: closed
        assert time.monotonic() - started < 2
        assert await asyncio.wait_for(idle.read(), 3) == b""  # idle: closed
        fresh = await connect()
        writers[-1].write(encode_request("", query.format(2)))
        assert b'Response ID="2"' in await asyncio.wait_for(fresh.read(4096), 3)
    finally:
        for writer in writers:
            writer.close()
            await writer.wait_closed()
        await server.close()
