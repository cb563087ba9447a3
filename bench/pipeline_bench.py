"""Per-task overhead of pipelines with persistence on (real SQLite), beside bare asyncio.

Two shapes of 1,000 trivial ``value.pass`` tasks: a *chain* (each task depends on the previous
one and refers to its result) and a *fan-out* (one root, the tasks in between all depending on
it and reading its result, one join at the end). Three figures per shape, each the median of 3
runs, per task:

* ``engine``: a :class:`PipelineRun` with its :class:`StoreRecorder`, from start to the last row
  committed to SQLite (every task state and attempt row written, in batches);
* ``service``: the whole service path a user triggers: ``start_run`` (the run and its task rows
  created), the run, its recording, the end written, the folder zipped into the archive;
* ``bare asyncio``: the same DAG as one coroutine per task awaiting its dependencies' futures,
  measured in the same process right before, as the floor to compare with.

A third shape is a *map*: one ``for_each`` task over 1,000 items (a ``value.pass`` per item),
its ``engine`` figure per item.

Each figure is wall time; the process's CPU time per task (all its threads, the SQLite writer's
included) is printed beside it, as it moves less with the machine's load. The load average is
printed too. ``--quick`` runs
the same shapes with fewer repetitions of the warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fbruntime.core import RealClock
from fbruntime.eventloop import run_loop
from fbruntime.loader import Loader
from fbruntime.pipelines import OperationRegistry, PipelineRun, pipeline_from_json
from fbruntime.pipelines.recording import StoreRecorder
from fbruntime.pipelines.service import PipelineService
from fbruntime.store import Store

ENGINE_TARGET_US = 50.0
SERVICE_TARGET_US = 100.0
TASKS = 1_000
REPEATS = 3


def fan_out(n: int) -> dict[str, Any]:
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
    return {"dag_name": "fanout", "tasks": tasks}


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


async def bare_asyncio(config: dict[str, Any]) -> float:
    """The same DAG in plain asyncio: a coroutine per task awaiting its dependencies."""
    loop = asyncio.get_running_loop()
    specs = config["tasks"]
    futures: dict[str, asyncio.Future[Any]] = {t["id"]: loop.create_future() for t in specs}

    async def task(spec: dict[str, Any]) -> None:
        values = [await futures[dep] for dep in spec.get("dependencies", ())]
        fixed = spec.get("independent_params", {}).get("value")
        futures[spec["id"]].set_result(values[0] if values else fixed)

    start = time.perf_counter()
    await asyncio.gather(*(loop.create_task(task(spec)) for spec in specs))
    return (time.perf_counter() - start) / len(specs) * 1e6


async def engine(
    config: dict[str, Any], ops: OperationRegistry, folder: Path
) -> tuple[float, float]:
    pipeline = pipeline_from_json(json.dumps(config), ops)
    store = await Store.open(data_dir=folder / "engine")
    try:
        n = len(pipeline.graph)
        run_id = os.urandom(8).hex()
        await store.runs.create(config["dag_name"], run_id=run_id, tasks=pipeline.graph.ids)
        start, cpu = time.perf_counter(), time.process_time()
        recorder = StoreRecorder(store, run_id, RealClock())
        run = PipelineRun(
            pipeline,
            ops,
            run_id=run_id,
            run_dir=folder / "run",
            clock=RealClock(),
            recorder=recorder,
        )
        run.start()
        status = await run.wait()
        recorder.flush()
        await store.flush()
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        assert status.value == "succeeded", run.error
        detail = await store.runs.require(run_id, with_logs=False)
        assert sum(t.status == "succeeded" for t in detail.tasks) == n
        assert len(detail.attempts) == n
        return elapsed / n * 1e6, used / n * 1e6
    finally:
        await store.close()


async def map_engine(
    config: dict[str, Any], ops: OperationRegistry, folder: Path
) -> tuple[float, float]:
    """Like :func:`engine` for a map: per item, every item's attempt recorded."""
    pipeline = pipeline_from_json(json.dumps(config), ops)
    store = await Store.open(data_dir=folder / "engine")
    try:
        run_id = os.urandom(8).hex()
        await store.runs.create(config["dag_name"], run_id=run_id, tasks=pipeline.graph.ids)
        start, cpu = time.perf_counter(), time.process_time()
        recorder = StoreRecorder(store, run_id, RealClock())
        run = PipelineRun(
            pipeline, ops, run_id=run_id, run_dir=folder / "run", clock=RealClock(),
            recorder=recorder,
        )  # fmt: skip
        run.start()
        status = await run.wait()
        recorder.flush()
        await store.flush()
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        assert status.value == "succeeded", run.error
        items = len(run.results()["each"])  # type: ignore[arg-type]
        detail = await store.runs.require(run_id, with_logs=False)
        assert len(detail.attempts) == items + 1
        return elapsed / items * 1e6, used / items * 1e6
    finally:
        await store.close()


async def service_path(service: PipelineService, dag_id: str, n: int) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    run_id = await service.start_run(dag_id, trigger="bench")
    status = await service.wait(run_id)
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    assert status == "succeeded", status
    assert await service.archive_path(run_id) is not None
    return elapsed / n * 1e6, used / n * 1e6


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


async def main(quick: bool) -> None:
    ops = OperationRegistry.from_loader(Loader())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = await Store.open(data_dir=folder / "service")
        service = PipelineService(store, folder / "data", ops, max_parallel=16)
        await service.start(scheduler=False)
        try:
            shapes = (("chain", chain(TASKS)), ("fanout", fan_out(TASKS)))
            for _, config in shapes:
                service.upload(f"{config['dag_name']}.json", json.dumps(config))
            # Warm-up, not counted: first runs pay one-off costs (SQL statement compilation,
            # imports on first use, the first archive) that are not per-task overhead.
            for _ in range(1 if quick else 2):
                for name, config in shapes:
                    await engine(config, ops, folder / f"warm-{name}")
                    await service_path(service, config["dag_name"], TASKS)
            for name, config in shapes:
                bare, eng, svc = [], [], []
                for i in range(REPEATS):
                    bare.append(await bare_asyncio(config))
                    eng.append(await engine(config, ops, folder / f"{name}-{i}"))
                    svc.append(await service_path(service, config["dag_name"], TASKS))
                b = statistics.median(bare)
                e, ec = (statistics.median(x) for x in zip(*eng, strict=True))
                s, sc = (statistics.median(x) for x in zip(*svc, strict=True))
                print(
                    f"pipeline_{name}_{TASKS}_engine: {e:.1f} us/task, CPU {ec:.1f} us/task "
                    f"(target <= {ENGINE_TARGET_US:g}; bare asyncio {b:.1f} us/task, "
                    f"{e / b:.1f} x; load {loadavg()})"
                )
                print(
                    f"pipeline_{name}_{TASKS}_service: {s:.1f} us/task, CPU {sc:.1f} us/task "
                    f"(target <= {SERVICE_TARGET_US:g}; create, run, record, archive; "
                    f"bare asyncio {b:.1f} us/task; load {loadavg()})"
                )
            maps = [
                await map_engine(mapped(TASKS), ops, folder / f"map-{i}") for i in range(REPEATS)
            ]
            m, mc = (statistics.median(x) for x in zip(*maps, strict=True))
            print(
                f"pipeline_map_{TASKS}_engine: {m:.1f} us/item, CPU {mc:.1f} us/item "
                f"(target <= {ENGINE_TARGET_US:g}; one for_each task; load {loadavg()})"
            )
        finally:
            await service.close()
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a shorter warm-up")
    run_loop(main(parser.parse_args().quick))
