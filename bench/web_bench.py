"""The web page's overview (``GET /api/web/overview``) under the API benchmark's load.

The server is the one ``fbrt serve`` builds (uvicorn + httptools, the pipelines service and the
web page composed in), running the API benchmark's ``ring`` (one event circulating through 24
blocks for ever) and ``probe`` applications, with a few finished pipeline runs stored. A load
client in another process keeps 50 connections reading ``ring``'s ``C0.CV`` as fast as the
server answers (the API benchmark's read phase, see ``bench/api_bench.py``); meanwhile a second
client asks for the overview, one request at a time, as a page would, and times each answer.

    python bench/web_bench.py            # 5 s of load
    python bench/web_bench.py --quick    # 2 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_bench import TOKEN, _client, free_port, percentile, ring_definition

TARGET_P99_MS = 50.0
RUNS = 5


async def _overview_client(port: int, deadline: float) -> list[float]:
    """Sequential GET /api/web/overview on one keep-alive connection until ``deadline``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = b"GET /api/web/overview HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    latencies: list[float] = []
    try:
        warm = True  # the first answer reads the runs from the database: not counted
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                key, _, value = line.partition(b":")
                if key.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length)
            if not warm:
                latencies.append(time.monotonic() - t0)
            warm = False
            if not head.startswith(b"HTTP/1.1 200") or "apps" not in json.loads(body):
                raise RuntimeError(f"overview answered {head.split(b' ')[1].decode()}")
            await asyncio.sleep(0.01)
    finally:
        writer.close()
    return latencies


async def run(seconds: float) -> list[str]:
    from fbruntime.api.server import build_server, freeze_heap
    from fbruntime.api.settings import ApiSettings
    from fbruntime.cli.serve import compose

    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fbrt-web-bench-") as tmp:
        port = free_port()
        settings = ApiSettings(port=port, data_dir=Path(tmp), token=TOKEN)
        server, orch, cleanup = await build_server(settings, log_level="error", compose=compose)
        server.config.access_log = False
        await orch.create("ring", definition=ring_definition(), start=True)
        await orch.create("probe", "E_CTUD_UDINT", parameters={"PV": 4000000000}, start=True)
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        await _stored_runs(port)
        freeze_heap()
        orch.fire("ring", "START")
        ctx = mp.get_context("spawn")
        try:
            queue = ctx.Queue()
            proc = ctx.Process(target=_client, args=(port, "read", seconds, queue))
            proc.start()
            await asyncio.sleep(0.5)  # the load client's connections open and warm up
            probe = asyncio.create_task(_overview_client(port, time.monotonic() + seconds - 0.7))
            latencies = sorted(await probe)
            while queue.empty():
                await asyncio.sleep(0.05)
            load = queue.get()
            proc.join()
            if "error" in load:
                raise SystemExit(f"load client failed: {load['error']}")
            window = load["end"] - load["start"]
            # The load client answers its latencies per route (see api_bench.load_client).
            reads = sorted(x for values in load["latencies"].values() for x in values)
            lines += [
                f"web_overview_p50: {statistics.median(latencies) * 1000:.2f} ms (target -)",
                f"web_overview_p99: {percentile(latencies, 0.99) * 1000:.2f} ms "
                f"(target < {TARGET_P99_MS:.0f}, {len(latencies)} requests, "
                f"beside {len(reads) / window:.0f} reads/s on 50 connections)",
                f"web_beside_read_value_p99: {percentile(reads, 0.99) * 1000:.2f}"
                " ms (target -, the load's own reads in the same window, for comparison)",
            ]
        finally:
            server.should_exit = True
            await task
            await cleanup()
            await orch.close()
    return lines


async def _stored_runs(port: int) -> None:
    """A pipeline uploaded and run a few times through the API, so the overview lists runs."""
    import httpx

    tasks = [
        {"id": f"t{i}", "operation": "value.pass", "independent_params": {"value": i}}
        for i in range(10)
    ]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers) as c:
        config = {"dag_name": "bench", "tasks": tasks}
        upload = await c.post("/api/pipelines", json={"file_name": "b.json", "config": config})
        upload.raise_for_status()
        for _ in range(RUNS):
            run = (await c.post("/api/pipelines/bench/runs", json={})).json()
            while run["status"] in ("pending", "queued", "running"):
                await asyncio.sleep(0.05)
                run = (await c.get(f"/api/runs/{run['id']}")).json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 s of load")
    args = parser.parse_args()
    from fbruntime.api.server import run_loop

    for line in run_loop(run(2.0 if args.quick else 5.0)):
        print(line, flush=True)
    print(f"machine_load_1min: {os.getloadavg()[0]:.2f} processes (target -)")


if __name__ == "__main__":
    main()
