"""Per-task overhead of pipelines on a Dask cluster, beside the same pipelines in process.

Two shapes of trivial ``value.pass`` tasks (as ``pipeline_bench``): a chain, where each task
waits for the one before (the latency of one task hand-over), and a wide layer (what the cluster
takes at once). The figure is the wall time of a run divided by its tasks, without persistence,
the median of 3 runs, for the in-process executor and for a LocalCluster of 2 worker processes
(1 thread each, started once, its start not counted), with the load average. ``--quick`` (what
``bench/quick`` runs) only says so: starting and stopping the cluster alone takes about 8 s of the
quick run's minute, which the ring benchmark needs; ``--small`` runs 10/20-task pipelines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from pipeline_bench import chain  # bench/, beside this script

from fbruntime.blockfiles import default_library_dirs, load_library
from fbruntime.core import RealClock
from fbruntime.pipelines import OperationRegistry, PipelineRun, pipeline_from_json
from fbruntime.pipelines.executors import DaskExecutor
from fbruntime.pipelines.operation import is_operation


def wide(n: int) -> dict[str, Any]:
    tasks = [
        {"id": f"t{i}", "operation": "value.pass", "independent_params": {"value": i}}
        for i in range(n)
    ]
    return {"dag_name": "wide", "tasks": tasks}


async def per_task_us(config: dict[str, Any], executor: Any, folder: Path) -> float:
    ops = OperationRegistry(t for t in load_library().values() if is_operation(t))
    pipeline = pipeline_from_json(json.dumps(config), ops)
    run = PipelineRun(
        pipeline, ops, run_id="b", run_dir=folder, clock=RealClock(), executor=executor
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    run.start()
    status = await run.wait()
    assert status.value == "succeeded", run.error
    return (loop.time() - started) / len(config["tasks"]) * 1e6


def _inc(x: int) -> int:
    return x + 1


async def bare_round_trip_us(client: Any, count: int) -> float:
    """One trivial future after the other: what Dask itself costs per hand-over here."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    for i in range(count):
        await client.submit(_inc, i, pure=False)
    return (loop.time() - started) / count * 1e6


async def measure(
    address: str, chain_n: int, wide_n: int
) -> tuple[list[tuple[str, float, float]], float]:
    rows = []
    async with DaskExecutor(address, folders=default_library_dirs()) as dask:
        bare = statistics.median([await bare_round_trip_us(dask.client, chain_n) for _ in range(3)])
        await per_task_us(chain(4), dask, Path(tempfile.mkdtemp()))  # workers load the blocks
        for name, config in (("chain", chain(chain_n)), ("wide", wide(wide_n))):
            local = statistics.median(
                [await per_task_us(config, None, Path(tempfile.mkdtemp())) for _ in range(3)]
            )
            remote = statistics.median(
                [await per_task_us(config, dask, Path(tempfile.mkdtemp())) for _ in range(3)]
            )
            rows.append((name, local, remote))
    return rows, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="print that it runs on its own")
    parser.add_argument("--small", action="store_true", help="10/20 tasks instead of 200/400")
    args = parser.parse_args()
    if args.quick:
        print(
            "pipeline task overhead on Dask (dask_bench): not in the quick run (the cluster's "
            "start takes ~8 s); run bench/dask_bench.py [--small]"
        )
        return
    chain_n, wide_n = (10, 20) if args.small else (200, 400)
    from distributed import LocalCluster

    load = os.getloadavg()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        rows, bare = asyncio.run(measure(cluster.scheduler_address, chain_n, wide_n))
    for name, local, remote in rows:
        count = chain_n if name == "chain" else wide_n
        print(
            f"pipeline task overhead on Dask, {name} of {count} (dask_bench): {remote:,.0f} us "
            f"a task, in process {local:,.0f} us (target none, for scale; {remote / local:.0f} x; "
            "median of 3)"
        )
    print(
        f"bare Dask future round trip, same cluster: {bare:,.0f} us "
        "(target none, the floor; median of 3)"
    )
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
