"""API throughput while a ring benchmark runs in the server's process.

The server (uvicorn + the Orchestrator, one process) runs two applications: ``ring``, a composite
of E_SPLIT -> E_CTUD_UDINT -> E_SWITCH stages closed in a loop with one event circulating forever,
and ``probe``, a single E_CTUD_UDINT. A load client in another process (httpx async, 50
concurrent connections on loopback, bounded in time) reads ``ring``'s ``C0.CV`` and then fires
``probe``'s ``CU``. Prints ``name: value unit (target ...)`` lines.

    python bench/api_bench.py            # 5 s per phase
    python bench/api_bench.py --quick    # about 2 s per phase, under ~10 s in all
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CONCURRENCY = 50
TOKEN = "bench-token"
STAGES = 8
NO_RING = "--no-ring" in sys.argv
SLICE = int(next((a.split("=")[1] for a in sys.argv if a.startswith("--slice=")), "20000"))


def ring_definition(loader: Any) -> dict[str, Any]:
    """The ring as a composite definition (inline blocks if the native ones are absent)."""
    blocks: list[dict[str, Any]] = []
    connections: list[list[str]] = [["START", "S0.EI"]]
    for i in range(STAGES):
        nxt = (i + 1) % STAGES
        blocks += [
            {"name": f"S{i}", "type": "E_SPLIT"},
            {"name": f"C{i}", "type": "E_CTUD_UDINT", "params": {"PV": "4000000000"}},
            {"name": f"W{i}", "type": "E_SWITCH"},
        ]
        connections += [
            [f"S{i}.EO1", f"C{i}.CU"],
            [f"C{i}.CO", f"W{i}.EI"],
            [f"C{i}.QU", f"W{i}.G"],
            [f"W{i}.EO0", f"S{nxt}.EI"],
        ]
    return {
        "name": "Ring",
        "description": "one event circulating through E_SPLIT/E_CTUD_UDINT/E_SWITCH stages",
        "interface": {"event_inputs": [{"name": "START"}]},
        "blocks": blocks,
        "connections": connections,
    }


# -- the load client (its own process) ----------------------------------------------------------


def _client(port: int, kind: str, seconds: float, queue: Any) -> None:
    import httpx

    async def main() -> tuple[int, list[float], int]:
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        latencies: list[float] = []
        errors = 0
        async with httpx.AsyncClient(base_url=base, limits=limits, headers=headers) as client:
            deadline = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    t0 = time.perf_counter()
                    if kind == "read":
                        r = await client.get("/api/apps/ring/values/C0.CV")
                    else:
                        r = await client.post("/api/apps/probe/events/CU")
                    latencies.append(time.perf_counter() - t0)
                    if r.status_code >= 400:
                        errors += 1

            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return len(latencies), latencies, errors

    queue.put(asyncio.run(main()))


# -- the server side ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def run(seconds: float) -> list[str]:
    import uvicorn

    from fbruntime.api import ApiSettings, create_app
    from fbruntime.loader import Loader
    from fbruntime.orchestrator import Orchestrator
    from fbruntime.store import Store

    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fbrt-bench-") as tmp:
        store = await Store.open(data_dir=tmp)
        loader = Loader(store=store)
        orch = Orchestrator(loader, store)
        orch._owns_store = True
        names = {e.name for e in loader.list()}
        if not {"E_SPLIT", "E_CTUD_UDINT", "E_SWITCH"} <= names:
            raise SystemExit("the native blocks E_SPLIT/E_CTUD_UDINT/E_SWITCH are missing")
        await orch.create("ring", definition=ring_definition(loader), start=True)
        await orch.create("probe", "E_CTUD_UDINT", start=True)
        ring_app = orch.app("ring")
        assert ring_app.device is not None
        for res in ring_app.device.resources.values():
            res.slice_events = SLICE  # smaller slices: the API gets the loop more often
        if not NO_RING:
            orch.fire("ring", "START")
        port = free_port()
        api = create_app(orch, ApiSettings(port=port, token=TOKEN))
        server = uvicorn.Server(
            uvicorn.Config(
                api,
                host="127.0.0.1",
                port=port,
                log_level="error",
                lifespan="off",
                access_log=False,
            )
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        ctx = mp.get_context("spawn")
        try:
            for kind, label in (("read", "api_read_value"), ("fire", "api_fire_event")):
                queue = ctx.Queue()
                proc = ctx.Process(target=_client, args=(port, kind, seconds, queue))
                loops0 = ring_app.read("C0.CV").value
                t0 = time.perf_counter()
                proc.start()
                result = None
                while result is None:
                    await asyncio.sleep(0.05)
                    if not queue.empty():
                        result = queue.get()
                    elif not proc.is_alive() and queue.empty():
                        raise SystemExit(f"load client died (exit code {proc.exitcode})")
                elapsed = time.perf_counter() - t0
                proc.join()
                loops = ring_app.read("C0.CV").value - loops0
                count, latencies, errors = result
                latencies.sort()
                p50 = statistics.median(latencies) * 1000
                p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
                lines += [
                    f"{label}_rate: {count / seconds:.0f} req/s (target >= 2000)",
                    f"{label}_p50: {p50:.2f} ms (target -)",
                    f"{label}_p99: {p99:.2f} ms (target < 50)",
                    f"{label}_errors: {errors} requests (target 0)",
                    f"{label}_ring_events: {loops * STAGES * 3 / elapsed:.0f} events/s "
                    "(target -, ring running during the load)",
                ]
        finally:
            server.should_exit = True
            await task
            await orch.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 2 s per phase")
    parser.add_argument("--no-ring", action="store_true", help="measure the API alone")
    parser.add_argument("--slice", default="20000", help="events per dispatcher slice of the ring")
    args = parser.parse_args()
    for line in asyncio.run(run(2.0 if args.quick else 5.0)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
