"""API throughput and latency while a ring benchmark runs in the server's process.

The server (one process, uvloop + httptools, the real FastAPI app with its token) runs two
applications: ``ring``, a composite of E_SPLIT -> E_CTUD_UDINT -> E_SWITCH stages closed in a
loop with one event circulating for ever, and ``probe``, a single E_CTUD_UDINT. The load client is
another process (the machine's second core): raw asyncio sockets, HTTP/1.1 keep-alive, 50
connections opened before the clock starts, each sending its next request as soon as the
previous response is in, for a fixed time. Every response is parsed (status line, headers,
Content-Length body, JSON) and its status checked. Two phases: reading ``ring``'s ``C0.CV``
(GET, no token needed on loopback) and firing ``probe``'s ``CU`` (POST with the bearer token).

The ring's rate is sampled by the server every 50 ms and reported over the client's own window
(both use the system-wide monotonic clock), beside its rate with no API load, so the cost of
serving the API is visible. Every fired event must arrive: probe's CV is checked against the
number of 202 answers.

    python bench/api_bench.py                 # 5 s per phase
    python bench/api_bench.py --quick         # 2 s per phase, about 10 s in all
    python bench/api_bench.py --slice 20000   # events per dispatcher slice (default: the API's)

The API's default slice (``fbruntime.api.settings.SLICE_EVENTS``, 5,000 events) is what keeps
p99 low here: the loop alternates one dispatcher slice with every request that is ready, so a
slice's length is added to each request's wait, and the ring's share of the CPU under a full
API load is roughly slice / (slice + that batch of requests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing as mp
import os
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
BLOCKS_PER_LOOP = STAGES * 3
TARGET_RATE = 2000
TARGET_P99_MS = 50.0


def ring_definition() -> dict[str, Any]:
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

REQUESTS = {
    "read": (b"GET /api/apps/ring/values/C0.CV HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 200),
    "fire": (
        b"POST /api/apps/probe/events/CU HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: 0\r\n\r\n",
        202,
    ),
}


async def _one(reader: asyncio.StreamReader) -> tuple[int, bytes]:
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


async def _load(port: int, kind: str, seconds: float) -> dict[str, Any]:
    request, expected = REQUESTS[kind]
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(CONCURRENCY)]
    for _, writer in conns:
        writer.transport.get_extra_info("socket").setsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
        )
    # one request per connection first: every connection is warm before the clock starts
    for reader, writer in conns:
        writer.write(request)
        status, _ = await _one(reader)
        if status != expected:
            raise RuntimeError(f"warm-up {kind}: HTTP {status}, expected {expected}")
    latencies: list[float] = []
    bad: dict[str, int] = {}
    start = time.monotonic()
    deadline = start + seconds

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        clock = time.monotonic
        while True:
            t0 = clock()
            if t0 >= deadline:
                return
            writer.write(request)
            status, body = await _one(reader)
            latencies.append(clock() - t0)
            if status != expected or not isinstance(json.loads(body), dict):
                bad[str(status)] = bad.get(str(status), 0) + 1

    await asyncio.gather(*(worker(r, w) for r, w in conns))
    end = time.monotonic()
    for _, writer in conns:
        writer.close()
    return {"start": start, "end": end, "latencies": latencies, "bad": bad}


def _client(port: int, kind: str, seconds: float, queue: Any) -> None:
    import uvloop

    try:
        queue.put(uvloop.run(_load(port, kind, seconds)))
    except BaseException as exc:
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


# -- the server side ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[max(0, math.ceil(len(sorted_values) * p) - 1)]


class RingSampler:
    """(monotonic time, loops done) every 50 ms, to give the ring's rate over any window."""

    def __init__(self, read: Any) -> None:
        self.read = read
        self.samples: list[tuple[float, int]] = []
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        while True:
            self.samples.append((time.monotonic(), self.read()))
            await asyncio.sleep(0.05)

    def rate(self, start: float, end: float) -> float:
        """Block executions per second between the samples nearest ``start`` and ``end``."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return float("nan")
        (t0, n0), (t1, n1) = inside[0], inside[-1]
        return (n1 - n0) * BLOCKS_PER_LOOP / (t1 - t0)


async def run(seconds: float, slice_events: int, ring: bool) -> list[str]:
    from fbruntime.api.server import build_server, freeze_heap
    from fbruntime.api.settings import ApiSettings

    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fbrt-bench-") as tmp:
        port = free_port()
        settings = ApiSettings(
            port=port, data_dir=Path(tmp), token=TOKEN, slice_events=slice_events
        )
        # the server exactly as `fbrt serve` builds it (uvicorn + httptools, the token hashed)
        server, orch, _ = await build_server(settings, log_level="error")
        server.config.access_log = False
        await orch.create("ring", definition=ring_definition(), start=True)
        await orch.create("probe", "E_CTUD_UDINT", parameters={"PV": 4000000000}, start=True)
        freeze_heap()

        def ring_loops() -> int:
            value = orch.read("ring", "C0.CV").value
            assert isinstance(value, int)
            return value

        sampler = RingSampler(ring_loops)
        sampler.task = asyncio.create_task(sampler.run())
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        if ring:
            orch.fire("ring", "START")
            t0 = time.monotonic()
            await asyncio.sleep(min(1.0, seconds / 2))
            idle = sampler.rate(t0, time.monotonic())
            lines.append(
                f"ring_rate_without_api_load: {idle / 1e6:.2f} M block executions/s "
                f"(target -, slice {slice_events} events)"
            )
        ctx = mp.get_context("spawn")
        try:
            for kind, label in (("read", "api_read_value"), ("fire", "api_fire_event")):
                probe_before = orch.read("probe", "CV").value
                queue = ctx.Queue()
                proc = ctx.Process(target=_client, args=(port, kind, seconds, queue))
                proc.start()
                result: dict[str, Any] | None = None
                while result is None:
                    await asyncio.sleep(0.05)
                    if not queue.empty():
                        result = queue.get()
                    elif not proc.is_alive() and queue.empty():
                        raise SystemExit(f"load client died (exit code {proc.exitcode})")
                proc.join()
                if "error" in result:
                    raise SystemExit(f"load client failed: {result['error']}")
                latencies = sorted(result["latencies"])
                window = result["end"] - result["start"]
                bad = sum(result["bad"].values())
                lines += [
                    f"{label}_rate: {len(latencies) / window:.0f} req/s "
                    f"(target >= {TARGET_RATE}, {CONCURRENCY} connections, {window:.1f} s)",
                    f"{label}_p50: {statistics.median(latencies) * 1000:.2f} ms (target -)",
                    f"{label}_p99: {percentile(latencies, 0.99) * 1000:.2f} ms "
                    f"(target < {TARGET_P99_MS:.0f})",
                    f"{label}_failed: {bad} of {len(latencies) + CONCURRENCY} requests "
                    f"(target 0{'' if not bad else ', statuses ' + json.dumps(result['bad'])})",
                ]
                if ring:
                    rate = sampler.rate(result["start"], result["end"])
                    lines.append(
                        f"{label}_ring_rate: {rate / 1e6:.2f} M block executions/s "
                        "(target -, the ring running during the load)"
                    )
                if kind == "fire":
                    device = orch.app("probe").device
                    assert device is not None
                    await device.settle()
                    delivered = orch.read("probe", "CV").value - probe_before
                    sent = len(latencies) + CONCURRENCY - bad
                    lines.append(
                        f"{label}_delivered: {delivered} of {sent} events "
                        f"(target {sent}, counted by the probe)"
                    )
        finally:
            sampler.task.cancel()
            server.should_exit = True
            await task
            await orch.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 s per phase")
    parser.add_argument("--no-ring", action="store_true", help="measure the API alone")
    parser.add_argument(
        "--slice", type=int, default=None, help="events per dispatcher slice (default: the API's)"
    )
    args = parser.parse_args()
    from fbruntime.api.server import run_loop
    from fbruntime.api.settings import SLICE_EVENTS

    slice_events = args.slice or SLICE_EVENTS
    seconds = 2.0 if args.quick else 5.0
    for line in run_loop(run(seconds, slice_events, not args.no_ring)):
        print(line, flush=True)
    load = os.getloadavg()[0]
    print(
        f"machine_load_1min: {load:.2f} processes "
        "(target -, this benchmark is 2 of them; more means other work shared the 2 cores)"
    )


if __name__ == "__main__":
    main()
