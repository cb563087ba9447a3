"""Task overhead of pipelines with persistence on (real SQLite), per task.

Two shapes of trivial ``value.pass`` tasks: a wide layer (one root, N independent tasks, one
join) and a deep chain (each task depends on the previous one and refers to its result); and a
map (one ``for_each`` task over N items), whose figure is per item. The
figure is the wall time from start to the end of the run, including every task state written to
SQLite through the store's batching writer (flushed before the clock stops), divided by the
number of tasks; the best of a few runs is reported. ``--quick`` runs smaller pipelines.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from fbruntime.core import RealClock
from fbruntime.eventloop import run_loop
from fbruntime.loader import Loader
from fbruntime.pipelines import OperationRegistry, PipelineRun, pipeline_from_json
from fbruntime.pipelines.recording import StoreRecorder
from fbruntime.store import Store

TARGET_US = 100.0


def wide(n: int) -> dict[str, Any]:
    tasks: list[dict[str, Any]] = [
        {"id": "root", "operation": "value.pass", "independent_params": {"value": 1}}
    ]
    tasks += [
        {
            "id": f"t{i}",
            "operation": "value.pass",
            "dependencies": ["root"],
            "dependent_params": {"value": "root"},
        }
        for i in range(n - 2)
    ]
    tasks.append(
        {"id": "join", "operation": "value.pass", "dependencies": [f"t{i}" for i in range(n - 2)]}
    )
    return {"dag_name": "wide", "tasks": tasks}


def chain(n: int) -> dict[str, Any]:
    tasks: list[dict[str, Any]] = [
        {"id": "t0", "operation": "value.pass", "independent_params": {"value": 0}}
    ]
    tasks += [
        {
            "id": f"t{i}",
            "operation": "value.pass",
            "dependencies": [f"t{i - 1}"],
            "dependent_params": {"value": f"t{i - 1}"},
        }
        for i in range(1, n)
    ]
    return {"dag_name": "chain", "tasks": tasks}


def mapped(n: int) -> dict[str, Any]:
    return {
        "dag_name": "mapped",
        "tasks": [
            {
                "id": "items",
                "operation": "value.pass",
                "independent_params": {"value": list(range(n))},
            },
            {
                "id": "each",
                "operation": "value.pass",
                "for_each": "items",
                "dependencies": ["items"],
                "dependent_params": {"value": "item"},
            },
        ],
    }


async def measure(config: dict[str, Any], ops: OperationRegistry, folder: Path) -> float:
    pipeline = pipeline_from_json(json.dumps(config), ops)
    store = await Store.open(data_dir=folder / config["dag_name"])
    try:
        n = len(pipeline.graph)
        await store.runs.create(config["dag_name"], run_id="bench", tasks=pipeline.graph.ids)
        start = time.perf_counter()
        recorder = StoreRecorder(store, "bench", RealClock())
        run = PipelineRun(
            pipeline,
            ops,
            run_id="bench",
            run_dir=folder / "run",
            clock=RealClock(),
            recorder=recorder,
        )
        run.start()
        status = await run.wait()
        recorder.flush()
        await store.flush()
        elapsed = time.perf_counter() - start
        assert status.value == "succeeded", run.error
        detail = await store.runs.require("bench", with_logs=False)
        assert sum(t.status == "succeeded" for t in detail.tasks) == n
        mapping = pipeline.tasks[pipeline.graph.leaves[0]].for_each is not None
        return elapsed / (len(run.results()[pipeline.graph.leaves[0]]) if mapping else n) * 1e6
    finally:
        await store.close()


async def main(quick: bool) -> None:
    n = 2_000 if quick else 10_000
    ops = OperationRegistry.from_loader(Loader())
    with tempfile.TemporaryDirectory() as tmp:
        # One small run first, not counted: the first run pays one-off costs (SQL statement
        # compilation, imports on first use) that are not per-task overhead.
        await measure({**wide(200), "dag_name": "warmup"}, ops, Path(tmp))
        for name, config in (("wide", wide(n)), ("chain", chain(n)), ("map", mapped(n))):
            # The best of a few runs, as the ring benchmark reports: the least disturbed by
            # whatever else shares the machine's two cores.
            per_task = min(
                [
                    await measure({**config, "dag_name": f"{name}{i}"}, ops, Path(tmp))
                    for i in range(3 if quick else 2)
                ]
            )
            what = "item" if name == "map" else "task"
            print(
                f"pipeline_{name}_{n}_{what}_overhead: {per_task:.1f} us/{what} "
                f"(target < {TARGET_US:g}; Airflow 1-2 ms, Prefect ~14 ms)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 tasks instead of 10,000")
    run_loop(main(parser.parse_args().quick))
