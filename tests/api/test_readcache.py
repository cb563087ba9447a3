"""The read cache shares a database-backed answer for a moment, never across the client's own
changes, and never a stream or an error."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route

from fbruntime.api.readcache import ReadCache


def make(ttl: float = 60.0, stale: float = 60.0) -> tuple[httpx.AsyncClient, dict[str, int]]:
    calls = {"runs": 0, "overview": 0, "stream": 0, "bad": 0}

    async def runs(request: Request) -> JSONResponse:
        calls["runs"] += 1
        await asyncio.sleep(0.01)  # a query in flight
        return JSONResponse({"n": calls["runs"]})

    async def overview(request: Request) -> JSONResponse:
        calls["overview"] += 1
        return JSONResponse({"n": calls["overview"]})

    async def stream(request: Request) -> StreamingResponse:
        calls["stream"] += 1

        async def parts():  # type: ignore[no-untyped-def]
            yield b"a"
            yield b"b"

        return StreamingResponse(parts())

    async def bad(request: Request) -> PlainTextResponse:
        calls["bad"] += 1
        return PlainTextResponse("no", status_code=503)

    async def change(request: Request) -> JSONResponse:
        return JSONResponse({})

    app = Starlette(
        routes=[
            Route("/api/runs", runs),
            Route("/api/web/overview", overview),
            Route("/api/stream", stream),
            Route("/api/bad", bad),
            Route("/api/{rest:path}", change, methods=["POST", "PUT", "DELETE"]),
        ]
    )
    paths = {"/api/runs": False, "/api/web/overview": True, "/api/stream": False, "/api/bad": False}
    cached = ReadCache(app, paths=paths, ttl=ttl, stale=stale)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=cached), base_url="http://t")
    return client, calls


async def test_an_answer_is_shared_per_query_and_refreshed_behind_the_next_one() -> None:
    client, calls = make(ttl=0.05)
    async with client:
        assert (await client.get("/api/runs")).json() == {"n": 1}
        assert (await client.get("/api/runs")).json() == {"n": 1}
        assert (await client.get("/api/runs?limit=5")).json() == {"n": 2}
        await asyncio.sleep(0.06)  # older than the ttl: answered at once, refreshed behind
        assert (await client.get("/api/runs")).json() == {"n": 1}
        while calls["runs"] < 3:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.02)  # the refresh is in place once its query has answered
        assert (await client.get("/api/runs")).json() == {"n": 3}


async def test_an_answer_too_old_is_not_given_at_all() -> None:
    client, _ = make(ttl=0.01, stale=0.02)
    async with client:
        assert (await client.get("/api/runs")).json() == {"n": 1}
        await asyncio.sleep(0.03)
        assert (await client.get("/api/runs")).json() == {"n": 2}


async def test_concurrent_identical_reads_make_one_query() -> None:
    client, calls = make()
    async with client:
        answers = await asyncio.gather(*(client.get("/api/runs") for _ in range(10)))
    assert {r.json()["n"] for r in answers} == {1} and calls["runs"] == 1


async def test_a_change_is_never_hidden_from_the_next_read() -> None:
    client, _ = make()
    async with client:
        await client.get("/api/runs")
        await client.get("/api/web/overview")
        await client.post("/api/apps/a/events/REQ")  # firing shows in none of these reads
        assert (await client.get("/api/runs")).json() == {"n": 1}
        assert (await client.get("/api/web/overview")).json() == {"n": 1}
        await client.put("/api/apps/a/values/PV")  # a value shows in the overview only
        assert (await client.get("/api/runs")).json() == {"n": 1}
        assert (await client.get("/api/web/overview")).json() == {"n": 2}
        await client.post("/api/pipelines/p/runs")  # anything else: both are fresh
        assert (await client.get("/api/runs")).json() == {"n": 2}
        assert (await client.get("/api/web/overview")).json() == {"n": 3}


async def test_streams_and_errors_are_never_shared() -> None:
    client, calls = make()
    async with client:
        for _ in range(2):
            assert (await client.get("/api/stream")).content == b"ab"
            assert (await client.get("/api/bad")).status_code == 503
    assert calls["stream"] == 2 and calls["bad"] == 2
