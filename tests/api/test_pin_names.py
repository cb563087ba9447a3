"""One name per pin over a real server: REST values, events, the block list, the event stream
and errors all use the name ``fbrt run`` prints (no resource unless two resources need it)."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import httpx

from fbruntime.api import ApiSettings

from ..systems.test_run_command import TWO_RESOURCES
from .test_server_e2e import free_port, run_server, stop_server


async def test_pins_have_one_name_over_rest_and_sse(tmp_path: Path) -> None:
    port = free_port()
    out = io.StringIO()
    task, handle = await run_server(ApiSettings(port=port, data_dir=tmp_path / "data"), out)
    auth = {"Authorization": f"Bearer {out.getvalue().rsplit(': ', 1)[1].strip()}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
            r = await c.post(
                "/api/apps/system",
                params={"name": "two", "filename": "Two.sys", "start": "true"},
                content=TWO_RESOURCES,
                headers=auth,
            )
            assert r.status_code == 201, r.text
            paths = {b["path"] for b in r.json()["blocks"]}
            assert paths == {"R.START", "_default.START", "Side.S", "App.C"}

            async def first_event() -> dict[str, object]:
                async with c.stream("GET", "/api/apps/two/stream", params={"max_items": 1}) as s:
                    async for line in s.aiter_lines():
                        if line.startswith("data:"):
                            return json.loads(line[5:])  # type: ignore[no-any-return]
                raise AssertionError("the stream ended without an event")

            streaming = asyncio.create_task(first_event())
            fired = 0
            while not streaming.done() and fired < 100:  # until the stream has seen one
                r = await c.post("/api/apps/two/events/App.C.CU", headers=auth)
                assert r.status_code == 202, r.text
                fired += 1
                await asyncio.wait([streaming], timeout=0.05)
            event = await asyncio.wait_for(streaming, 10)
            assert (event["block"], event["event"]) == ("App.C", "CUO")

            value = (await c.get("/api/apps/two/values/App.C.CV")).json()
            assert value["path"] == "App.C.CV" and 1 <= value["value"] <= fired
            same = (await c.get("/api/apps/two/values/_default.App.C.CV")).json()
            assert same["path"] == "App.C.CV"  # the qualified form is accepted, never printed

            missing = await c.get("/api/apps/two/values/App.C.NOPE")
            assert missing.status_code == 404
            assert "App.C (E_CTU) has no pin 'NOPE'" in missing.text
            assert "_default" not in missing.text
    finally:
        await stop_server(task, handle)
