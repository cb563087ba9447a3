"""API throughput and latency while a ring benchmark runs in the server's process.

The server (one process, uvloop + httptools, the real FastAPI app with its token) runs two
applications: ``ring``, a composite of E_SPLIT -> E_CTUD_UDINT -> E_SWITCH stages closed in a
loop with one event circulating for ever, and ``probe``, a single E_CTUD_UDINT. The load client is
another process (the machine's second core, ``httpload.py``): raw asyncio sockets, HTTP/1.1
keep-alive, 50 connections opened before the clock starts, each sending its next request as soon as the
previous response is in, for a fixed time. Every response is parsed (status line, headers,
Content-Length body, JSON) and its status checked. Three phases: reading ``ring``'s ``C0.CV``
(GET, no token needed on loopback), firing ``probe``'s ``CU`` (POST with the bearer token), and
a mixed load: each connection cycles through ten routes (read, fire, a PUT write, the app list
and one app, health, the web page's overview and an app's network, pipelines, runs) while four
server-sent event streams stay open (two value watches, the overview and an app's live view),
as a few browser tabs and scripts would. The server is composed as ``fbrt serve --demo`` is, so
the example system runs too. The mixed phase runs three windows and reports their median.

The ring's rate is sampled by the server every 50 ms and reported over the client's own window
(both use the system-wide monotonic clock), beside its rate with no API load, so the cost of
serving the API is visible. Every fired event must arrive: probe's CV is checked against the
number of 202 answers.

    python bench/api_bench.py                 # 5 s per phase
    python bench/api_bench.py --quick         # 2 s per phase, about 10 s in all
    python bench/api_bench.py --slice 20000   # events per dispatcher slice (default: the API's)
    python bench/api_bench.py --mixed-runs 5  # windows of the mixed load (default 3; quick 1)

The API's default slice (``fbruntime.api.settings.SLICE_EVENTS``, 5,000 events) is what keeps
p99 low here: the loop alternates one dispatcher slice with every request that is ready, so a
slice's length is added to each request's wait, and the ring's share of the CPU under a full
API load is roughly slice / (slice + that batch of requests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpload  # bench/, beside this script

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


def _get(path: str) -> bytes:
    return httpload.get(path)


def _send(method: str, path: str, body: bytes = b"") -> bytes:
    return httpload.send(method, path, body, TOKEN)


# (label, request, expected status)
Request = tuple[str, bytes, int]
REQUESTS: dict[str, list[Request]] = {
    "read": [("read", _get("/api/apps/ring/values/C0.CV"), 200)],
    "fire": [("fire", _send("POST", "/api/apps/probe/events/CU"), 202)],
    # Ten routes a page and a script use together: reads and fires (the fast path), a write,
    # listings and descriptions, the web page's overview and network, the pipelines and runs.
    "mixed": [
        ("read", _get("/api/apps/ring/values/C0.CV"), 200),
        ("fire", _send("POST", "/api/apps/probe/events/CU"), 202),
        ("write", _send("PUT", "/api/apps/probe/values/PV", b'{"value": 4000000000}'), 200),
        ("apps", _get("/api/apps"), 200),
        ("app", _get("/api/apps/probe"), 200),
        ("health", _get("/api/health"), 200),
        ("overview", _get("/api/web/overview"), 200),
        ("network", _get("/api/web/apps/blinker/network"), 200),
        ("pipelines", _get("/api/pipelines"), 200),
        ("runs", _get("/api/runs"), 200),
    ],
}
STREAMS = [
    "/api/apps/ring/stream?watch=C0.CV&events=false",
    "/api/apps/blinker/stream?watch=BlinkRes.BlinkApp.Counter.CV",
    "/api/web/overview/stream",
    "/api/web/apps/blinker/live",
]


_one = httpload.response


async def _stream(port: int, path: str, stop: asyncio.Event, frames: list[int]) -> None:
    """Hold one server-sent event stream open and read it, as a browser tab does."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_get(path))
    head = await reader.readuntil(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0]
    if b" 200 " not in status_line:
        raise RuntimeError(f"stream {path}: {status_line!r}")
    while not stop.is_set():
        try:
            chunk = await asyncio.wait_for(reader.read(65536), 0.2)
        except TimeoutError:
            continue
        if not chunk:
            raise RuntimeError(f"stream {path} closed by the server")
        frames[0] += chunk.count(b"\n\n")
    writer.close()


async def _load(port: int, kind: str, seconds: float) -> dict[str, Any]:
    requests = REQUESTS[kind]
    conns = await httpload.connect(port, CONCURRENCY)
    # every route once per connection first: all is warm before the clock starts

    async def warm(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for label, request, expected in requests:
            writer.write(request)
            status, _ = await _one(reader)
            if status != expected:
                raise RuntimeError(f"warm-up {label}: HTTP {status}, expected {expected}")

    await asyncio.gather(*(warm(r, w) for r, w in conns))
    stop = asyncio.Event()
    frames = [0]
    streams = (
        [asyncio.create_task(_stream(port, path, stop, frames)) for path in STREAMS]
        if kind == "mixed"
        else []
    )
    latencies: dict[str, list[float]] = {label: [] for label, _, _ in requests}
    bad: dict[str, int] = {}
    start = time.monotonic()
    deadline = start + seconds

    async def worker(index: int, reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        clock = time.monotonic
        n = len(requests)
        i = index % n  # connections start at different routes: the mix is even at any moment
        while True:
            t0 = clock()
            if t0 >= deadline:
                return
            label, request, expected = requests[i]
            i = (i + 1) % n
            w.write(request)
            status, body = await _one(reader)
            latencies[label].append(clock() - t0)
            if status != expected or not isinstance(json.loads(body), dict | list):
                key = f"{label} {status}"
                bad[key] = bad.get(key, 0) + 1

    await asyncio.gather(*(worker(i, r, w) for i, (r, w) in enumerate(conns)))
    end = time.monotonic()
    stop.set()
    for task in streams:
        await task
    for _, writer in conns:
        writer.close()
    return {"start": start, "end": end, "latencies": latencies, "bad": bad, "frames": frames[0]}


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


percentile = httpload.percentile


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


async def _client_run(port: int, kind: str, seconds: float) -> dict[str, Any]:
    result: dict[str, Any] = await httpload.in_process(_load, port, kind, seconds)
    return result


def _figures(label: str, result: dict[str, Any]) -> tuple[float, float, list[str]]:
    """(rate, p99 ms, lines) of one load window."""
    per_route: dict[str, list[float]] = result["latencies"]
    latencies = sorted(x for values in per_route.values() for x in values)
    window = result["end"] - result["start"]
    bad = sum(result["bad"].values())
    rate = len(latencies) / window
    p99 = percentile(latencies, 0.99) * 1000
    lines = [
        f"{label}_rate: {rate:.0f} req/s "
        f"(target >= {TARGET_RATE}, {CONCURRENCY} connections, {window:.1f} s)",
        f"{label}_p50: {statistics.median(latencies) * 1000:.2f} ms (target -)",
        f"{label}_p99: {p99:.2f} ms (target < {TARGET_P99_MS:.0f})",
        f"{label}_failed: {bad} of {len(latencies) + CONCURRENCY * len(per_route)} requests "
        f"(target 0{'' if not bad else ', ' + json.dumps(result['bad'])})",
    ]
    if len(per_route) > 1:
        worst = sorted(
            ((percentile(sorted(v), 0.99) * 1000, k) for k, v in per_route.items() if v),
            reverse=True,
        )
        lines.append(
            f"{label}_p99_by_route: "
            + ", ".join(f"{k} {ms:.1f}" for ms, k in worst)
            + f" ms (target -, {result.get('frames', 0)} stream frames read meanwhile)"
        )
    return rate, p99, lines


async def run(
    seconds: float, slice_events: int, ring: bool, mixed_runs: int, single: bool = True
) -> list[str]:
    from fbruntime.api.server import build_server, freeze_heap
    from fbruntime.api.settings import ApiSettings
    from fbruntime.cli.serve import compose

    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fbrt-bench-") as tmp:
        port = free_port()
        settings = ApiSettings(
            port=port, data_dir=Path(tmp), token=TOKEN, slice_events=slice_events
        )
        # the server exactly as `fbrt serve --demo` builds it (uvicorn + httptools, the token
        # hashed, the pipelines service and the web page composed, the example system running)
        server, orch, cleanup = await build_server(
            settings, log_level="error", compose=partial(compose, demo=True)
        )
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
        phases = [("read", "api_read_value"), ("fire", "api_fire_event")] if single else []
        phases += [("mixed", "api_mixed")] * mixed_runs
        mixed: list[tuple[float, float]] = []
        try:
            for kind, label in phases:
                probe_before = orch.read("probe", "CV").value
                cpu_before = time.process_time()
                result = await _client_run(port, kind, seconds)
                cpu = time.process_time() - cpu_before
                rate, p99, figures = _figures(label, result)
                answered = sum(len(v) for v in result["latencies"].values())
                figures.append(
                    f"{label}_server_cpu: {cpu / max(answered, 1) * 1e6:.0f} us per request "
                    f"(target -, the server process's CPU over the window{', ring included' if ring else ''})"
                )
                if kind == "mixed":
                    mixed.append((rate, p99))
                    if mixed_runs > 1:
                        label = f"{label}_{len(mixed)}"
                        figures = [f.replace("api_mixed", label, 1) for f in figures]
                lines += figures
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
                    sent = (
                        len(result["latencies"]["fire"]) + CONCURRENCY - sum(result["bad"].values())
                    )
                    lines.append(
                        f"{label}_delivered: {delivered} of {sent} events "
                        f"(target {sent}, counted by the probe)"
                    )
            if mixed_runs > 1:
                rates = sorted(r for r, _ in mixed)
                p99s = sorted(p for _, p in mixed)
                lines += [
                    f"api_mixed_rate_median: {statistics.median(rates):.0f} req/s "
                    f"(target >= {TARGET_RATE}, median of {mixed_runs})",
                    f"api_mixed_p99_median: {statistics.median(p99s):.2f} ms "
                    f"(target < {TARGET_P99_MS:.0f}, median of {mixed_runs})",
                ]
        finally:
            sampler.task.cancel()
            server.should_exit = True
            await task
            await cleanup()
            await orch.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 s per phase")
    parser.add_argument("--no-ring", action="store_true", help="measure the API alone")
    parser.add_argument(
        "--slice", type=int, default=None, help="events per dispatcher slice (default: the API's)"
    )
    parser.add_argument(
        "--mixed-runs",
        type=int,
        default=None,
        help="windows of the mixed load, reported with their median (default 3, --quick 1)",
    )
    parser.add_argument(
        "--mixed-only", action="store_true", help="skip the read and fire phases (profiling)"
    )
    args = parser.parse_args()
    from fbruntime.api.server import run_loop
    from fbruntime.api.settings import SLICE_EVENTS

    slice_events = args.slice or SLICE_EVENTS
    seconds = 2.0 if args.quick else 5.0
    mixed_runs = args.mixed_runs if args.mixed_runs is not None else (1 if args.quick else 3)
    phases = run(seconds, slice_events, not args.no_ring, mixed_runs, not args.mixed_only)
    for line in run_loop(phases):
        print(line, flush=True)
    load = os.getloadavg()[0]
    print(
        f"machine_load_1min: {load:.2f} processes "
        "(target -, this benchmark is 2 of them; more means other work shared the 2 cores)"
    )


if __name__ == "__main__":
    main()
