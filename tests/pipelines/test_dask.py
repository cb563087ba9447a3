"""Pipelines on a real Dask cluster: a LocalCluster of two worker processes, started once.

The operations under test live in a block file written for the module (``ops/remote.py``) that
both this process (validation) and the workers (execution) load. Counting across processes goes
through files in the run folder, which workers and runner share on one machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fbruntime.blockfiles import default_library_dirs, load_library
from fbruntime.core import RealClock
from fbruntime.pipelines import OperationRegistry, PipelineRun, RunStatus, pipeline_from_json
from fbruntime.pipelines.executors import DaskExecutor
from fbruntime.pipelines.operation import is_operation

from .helpers import reach

distributed = pytest.importorskip("distributed", reason="the 'dask' extra is not installed")

OPS = """
import asyncio
import os

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, OperationError, current_task


class Where(Operation):
    name = "remote.where"
    value = DataInput("DINT", 0)
    result = DataOutput("ANY")

    def execute(self) -> None:
        current_task().log(f"running in {os.getpid()}")
        self.result = {"pid": os.getpid(), "value": self.value + 1}


class Flaky(Operation):
    name = "remote.flaky"
    failures = DataInput("DINT", 0)
    kind = DataInput("ANY")
    result = DataOutput("ANY")
    optional_params = ("kind",)

    def execute(self) -> None:
        task = current_task()
        marks = task.run_path(f"{task.task_id}.attempts")
        count = len(marks.read_text()) + 1 if marks.exists() else 1
        marks.write_text("x" * count)
        if count <= self.failures:
            raise OperationError(f"failure {count} in {os.getpid()}", kind=self.kind)
        self.result = count


class Sleep(Operation):
    name = "remote.sleep"
    seconds = DataInput("LREAL", 0.0)
    result = DataOutput("ANY")

    async def execute(self) -> None:
        task = current_task()
        task.run_path(f"{task.task_id}.started").write_text(str(os.getpid()))
        await asyncio.sleep(self.seconds)
        task.run_path(f"{task.task_id}.finished").write_text("done")
        self.result = self.seconds
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    ops = tmp_path_factory.mktemp("ops")
    (ops / "remote.py").write_text(OPS)
    return [*default_library_dirs(), ops]


@pytest.fixture(scope="module")
def scheduler(folders: list[Path]) -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


class Logs:
    def __init__(self) -> None:
        self.lines: list[tuple[str | None, str]] = []

    def task(self, task_id: str, status: str, **fields: Any) -> None:
        pass

    def succeeded(self, task_id: str, output: object, duration_ns: int) -> None:
        pass

    def attempt(
        self, task_id: str, attempt: int, status: str, duration_ns: int, **fields: Any
    ) -> None:
        pass

    def log(self, message: str, *, task_id: str | None = None, level: str = "INFO") -> None:
        self.lines.append((task_id, message))


def make_run(
    tmp_path: Path,
    folders: list[Path],
    executor: DaskExecutor,
    tasks: list[dict[str, Any]],
    **pipeline: Any,
) -> tuple[PipelineRun, Logs]:
    ops = OperationRegistry(t for t in load_library(folders).values() if is_operation(t))
    built = pipeline_from_json(json.dumps({"dag_name": "d", "tasks": tasks, **pipeline}), ops)
    logs = Logs()
    tmp_path.mkdir(parents=True, exist_ok=True)  # the service makes a run's folder
    run = PipelineRun(
        built, ops, run_id="r", run_dir=tmp_path, clock=RealClock(), recorder=logs,
        executor=executor,
    )  # fmt: skip
    return run, logs


def task(id: str, operation: str, deps: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    return {"id": id, "operation": operation, "dependencies": list(deps), **fields}


async def test_tasks_run_on_worker_processes_and_results_flow_between_them(
    tmp_path: Path, folders: list[Path], scheduler: str
) -> None:
    async with DaskExecutor(f"dask://{scheduler.removeprefix('tcp://')}", folders=folders) as ex:
        run, logs = make_run(
            tmp_path,
            folders,
            ex,
            [
                task("a", "remote.where", independent_params={"value": 1}),
                task("b", "remote.where", ("a",), dependent_params={"value": "a.value"}),
                task("c", "json.to_string", ("b",), dependent_params={"value": "b.value"}),
            ],
        )
        run.start()
        assert await run.wait() is RunStatus.SUCCEEDED, run.error
    results = run.results()
    assert results["b"]["value"] == 3  # a gave 2, b got it as its input
    assert results["c"] == "3"
    workers = {info["pid"] for info in (await _worker_pids(scheduler)).values()}
    assert {results["a"]["pid"], results["b"]["pid"]} <= workers
    assert os.getpid() not in workers
    assert ("a", f"running in {results['a']['pid']}") in logs.lines  # logged remotely, kept here


async def _worker_pids(scheduler: str) -> dict[str, Any]:
    async with distributed.Client(scheduler, asynchronous=True) as client:
        return dict(await client.run(lambda: {"pid": os.getpid()}))


async def test_retries_and_no_retry_kinds_are_honoured_across_processes(
    tmp_path: Path, folders: list[Path], scheduler: str
) -> None:
    async with DaskExecutor(scheduler, folders=folders) as ex:
        run, logs = make_run(
            tmp_path,
            folders,
            ex,
            [
                task("flaky", "remote.flaky", independent_params={"failures": 2}),
                task(
                    "fatal",
                    "remote.flaky",
                    independent_params={"failures": 5, "kind": "auth"},
                    no_retry_on=["auth"],
                ),
            ],
            max_retries=3,
            retry_delay=0,
        )
        run.start()
        assert await run.wait() is RunStatus.FAILED
    assert run.states["flaky"].status.value == "succeeded" and run.states["flaky"].attempt == 3
    assert run.results()["flaky"] == 3
    # The OperationError came back as itself: its kind stopped the retries after one attempt.
    assert run.states["fatal"].attempt == 1
    assert (run.states["fatal"].error or "").startswith("OperationError: failure 1 in ")
    assert any("attempt 1 failed" in line for _, line in logs.lines)


async def test_a_timeout_and_a_cancel_stop_the_attempt_on_the_cluster(
    tmp_path: Path, folders: list[Path], scheduler: str
) -> None:
    async with DaskExecutor(scheduler, folders=folders) as ex:
        run, _ = make_run(
            tmp_path / "t",
            folders,
            ex,
            [task("slow", "remote.sleep", independent_params={"seconds": 30}, timeout=1)],
        )
        run.start()
        assert await run.wait() is RunStatus.FAILED
        assert "took longer than its timeout of 1 s" in (run.states["slow"].error or "")

        run, _ = make_run(
            tmp_path / "c",
            folders,
            ex,
            [task("slow", "remote.sleep", independent_params={"seconds": 30})],
        )
        run.start()
        started = tmp_path / "c" / "slow.started"
        await reach(run, "slow", run.states["slow"].status.RUNNING)
        while not started.exists():  # the worker has begun the attempt
            await _tick()
        assert await run.cancel("stop")
        assert run.status is RunStatus.CANCELLED
        while await _busy(ex):  # the cluster lets go of the future
            await _tick()
    assert not (tmp_path / "c" / "slow.finished").exists()


async def _busy(ex: DaskExecutor) -> bool:
    processing = await ex.client.processing()
    return any(processing.values())


async def _tick() -> None:
    import asyncio

    await asyncio.sleep(0.02)


def test_the_cli_runs_a_pipeline_on_the_cluster(tmp_path: Path, scheduler: str) -> None:
    from typer.testing import CliRunner

    from fbruntime.cli import app

    config = tmp_path / "chain.json"
    config.write_text(
        json.dumps(
            {
                "dag_name": "on_dask",
                "tasks": [
                    task("a", "value.pass", independent_params={"value": {"n": 41}}),
                    task("b", "json.to_string", ("a",), dependent_params={"value": "a.n"}),
                ],
            }
        )
    )
    result = CliRunner().invoke(
        app,
        [
            "pipeline",
            "run",
            str(config),
            "--data-dir",
            str(tmp_path / "data"),
            "--executor",
            f"dask://{scheduler.removeprefix('tcp://')}",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "run succeeded" in result.output


async def test_nested_pipelines_and_maps_run_with_the_cluster(
    tmp_path: Path, folders: list[Path], scheduler: str
) -> None:
    # pipeline.run stays in the service's process (it needs the service); the child's tasks,
    # mapped or not, go to the workers like any other.
    from fbruntime.pipelines.service import PipelineService
    from fbruntime.store import Store

    ops = OperationRegistry(t for t in load_library(folders).values() if is_operation(t))
    child = {
        "dag_name": "child",
        "parameters": {"n": {"type": "int"}},
        "result": "plus",
        "tasks": [task("plus", "remote.where", dependent_params={"value": "params.n"})],
    }
    parent = {
        "dag_name": "parent",
        "tasks": [
            task("ns", "value.pass", independent_params={"value": [{"n": 1}, {"n": 5}]}),
            task(
                "each",
                "pipeline.run",
                ("ns",),
                for_each="ns",
                independent_params={"dag_id": "child"},
                dependent_params={"parameters": "item"},
            ),
        ],
    }
    store = await Store.open(data_dir=tmp_path / "db")
    address = f"dask://{scheduler.removeprefix('tcp://')}"
    async with DaskExecutor(address, folders=folders) as ex:
        service = PipelineService(store, tmp_path / "data", ops, executor=ex)
        await service.start(scheduler=False)
        try:
            service.upload("child.json", json.dumps(child))
            service.upload("parent.json", json.dumps(parent))
            detail = await service.run("parent")
        finally:
            await service.close()
            await store.close()
    assert detail.run.status == "succeeded", detail.run.error
    (each,) = [t for t in detail.tasks if t.task_id == "each"]
    assert [r["value"] for r in each.output] == [2, 6]
    assert {r["pid"] for r in each.output} <= ex.pids
    assert os.getpid() not in ex.pids
