"""API latency of a real ``fbrt serve`` while pipeline operations block.

A server is started as an operator starts it (``python -m fbruntime serve``, port 0, a plugin
folder written here), and requests (``GET /api/health`` and ``GET /api/runs/{id}``, 8 at once)
are timed from this process, three ways, in the same run:

* ``idle``: no pipeline running;
* ``blocking``: 8 tasks of a plugin whose plain ``execute`` calls ``time.sleep`` (as a
  careless synchronous plugin does): they run on threads and the event loop stays free;
* ``spinning``: 2 tasks of a plugin that burns the CPU in pure Python on its threads, so the
  event loop must share the interpreter lock with them (Python switches every 5 ms): for scale,
  and the reason CPU-heavy operations should say ``run_on = "process"``;
* ``spinning in processes``: the same plugin with ``run_on = "process"``.

Each figure is the median of 3 rounds of the p50 and p99 latency; the load average is printed
beside them. The target is p99 < 50 ms while operations block. ``--quick`` times one round of
fewer requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

TARGET_P99_MS = 50.0
CONCURRENCY = 8
TOKEN = "pipeline-api-bench-token"

PLUGIN = '''
import os
import time
from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation


class Sleep(Operation):
    name = "bench.sleep"
    seconds = DataInput("LREAL", 1.0)
    result = DataOutput("ANY")
    param_types = {"seconds": "float"}

    def execute(self) -> None:
        time.sleep(self.seconds)
        self.result = self.seconds


class Spin(Operation):
    """Burns the CPU until the file ``stop`` exists (a thread cannot be stopped otherwise)."""

    name = "bench.spin"
    stop = DataInput("WSTRING")
    result = DataOutput("ANY")

    def execute(self) -> None:
        n = 0
        while not os.path.exists(self.stop):
            for _ in range(20_000):
                n += 1
        self.result = n


class SpinInProcess(Spin):
    name = "bench.spin_process"
    run_on = "process"
'''


class Server:
    def __init__(self, folder: Path) -> None:
        plugins = folder / "plugins"
        plugins.mkdir()
        (plugins / "bench_ops.py").write_text(PLUGIN)
        env = {k: v for k, v in os.environ.items() if not k.startswith("FBRT_")}
        env["FBRT_API_TOKEN"] = TOKEN
        command = [sys.executable, "-m", "fbruntime", "serve", "--port", "0"]
        command += ["--data-dir", str(folder / "data"), "--folder", str(plugins)]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            found = re.search(r"running on http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.url = f"http://127.0.0.1:{found.group(1)}"
                break
        else:
            raise SystemExit("the server did not start")
        # Keep reading its output so it never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


async def timed(client: httpx.AsyncClient, count: int, paths: list[str]) -> list[float]:
    latencies: list[float] = []

    async def worker(offset: int) -> None:
        for i in range(offset, count, CONCURRENCY):
            began = time.perf_counter()
            answer = await client.get(paths[i % len(paths)])
            latencies.append((time.perf_counter() - began) * 1e3)
            assert answer.status_code == 200, answer.text

    await asyncio.gather(*(worker(k) for k in range(CONCURRENCY)))
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def start_run(
    client: httpx.AsyncClient, operation: str, tasks: int, params: dict[str, Any]
) -> str:
    dag = operation.replace(".", "_")
    config = {
        "dag_name": dag,
        "tasks": [
            {"id": f"t{i}", "operation": operation, "independent_params": params}
            for i in range(tasks)
        ],
    }
    body = {"file_name": f"{dag}.json", "config": json.dumps(config)}
    assert (await client.post("/api/pipelines", json=body)).status_code == 201
    answer = await client.post(f"/api/pipelines/{dag}/runs", json={})
    run_id: str = answer.json()["id"]
    while True:  # until every task is inside its operation
        run = (await client.get(f"/api/runs/{run_id}")).json()
        if all(t["status"] == "running" for t in run["tasks"]):
            return run_id
        await asyncio.sleep(0.01)


async def main(quick: bool) -> None:
    count = 200 if quick else 2000
    rounds = 1 if quick else 3
    results: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        stop = Path(tmp) / "stop"
        server = Server(Path(tmp))
        try:
            auth = {"Authorization": f"Bearer {TOKEN}"}
            async with httpx.AsyncClient(base_url=server.url, headers=auth, timeout=30) as c:
                await timed(c, 50, ["/api/health"])  # warm up the connections
                for _ in range(rounds):
                    lat = await timed(c, count, ["/api/health"])
                    results.setdefault("idle", []).append(
                        (percentile(lat, 0.5), percentile(lat, 0.99))
                    )
                    for name, operation, tasks, params in (
                        ("blocking", "bench.sleep", 8, {"seconds": 600}),
                        ("spinning", "bench.spin", 2, {"stop": str(stop)}),
                        ("spinning_in_processes", "bench.spin_process", 2, {"stop": str(stop)}),
                    ):
                        stop.unlink(missing_ok=True)
                        run_id = await start_run(c, operation, tasks, params)
                        paths = ["/api/health", f"/api/runs/{run_id}"]
                        lat = await timed(
                            c, max(50, count // 10) if "spin" in name else count, paths
                        )
                        results.setdefault(name, []).append(
                            (percentile(lat, 0.5), percentile(lat, 0.99))
                        )
                        # The spinning threads end when they see the file; the sleeping
                        # ones are abandoned by the cancel (they are daemon threads).
                        stop.write_text("stop")
                        await c.post(f"/api/runs/{run_id}/cancel")
        finally:
            server.stop()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    for name, measured in results.items():
        p50 = statistics.median(r[0] for r in measured)
        p99 = statistics.median(r[1] for r in measured)
        target = f"target p99 < {TARGET_P99_MS:g} ms" if name == "blocking" else "for scale"
        print(
            f"pipeline_api_{name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
            f"(median of {rounds} x {count} requests, {CONCURRENCY} at once; {target}; load {load})"
        )


def _run(quick: bool) -> None:
    asyncio.run(main(quick))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    _run(parser.parse_args().quick)
