"""Operations for the graph tests (branches, maps, pools, nesting), and a run builder.

``test.gauge`` sleeps on the engine clock and keeps, per ``key``, how many attempts ran at once
(``peak``): pools and ``max_parallel`` are checked against what really overlapped.
``test.flaky`` (from test_runner) fails a number of times per task, or per map item (an item's
task id is ``task[index]``).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, ClassVar

from fbruntime.core import DataInput, DataOutput, TestClock
from fbruntime.pipelines import (
    Operation,
    OperationError,
    OperationRegistry,
    PipelineRun,
    current_task,
    pipeline_from_json,
)
from fbruntime.pipelines.pools import PoolRegistry

from .conftest import shipped_operations
from .test_runner import Flaky


class Gauge(Operation):
    name = "test.gauge"
    seconds = DataInput("LREAL", 1.0)
    key = DataInput("WSTRING", "gauge")
    value = DataInput("ANY")
    result = DataOutput("ANY")
    optional_params = ("value",)
    param_types = {"seconds": "float"}

    active: ClassVar[dict[str, int]] = {}
    peak: ClassVar[dict[str, int]] = {}

    async def execute(self) -> None:
        key = str(self.key)
        now = self.active.get(key, 0) + 1
        self.active[key] = now
        self.peak[key] = max(self.peak.get(key, 0), now)
        try:
            await self.sleep(self.seconds)
        finally:
            self.active[key] -= 1
        self.result = self.value

    @classmethod
    def reset(cls) -> None:
        cls.active.clear()
        cls.peak.clear()


class Fail(Operation):
    """Always fails, with ``kind``."""

    name = "test.fail"
    kind = DataInput("WSTRING", "test.failed")
    result = DataOutput("ANY")

    def execute(self) -> None:
        raise OperationError(f"{current_task().task_id} failed on purpose", kind=str(self.kind))


class Switch(Operation):
    """Fails while ``Switch.broken`` is set (a rerun after a fix), else passes ``value`` on."""

    name = "test.switch"
    value = DataInput("ANY")
    result = DataOutput("ANY")
    optional_params = ("value",)
    broken: ClassVar[bool] = False

    def execute(self) -> None:
        if self.broken:
            raise OperationError("switched off", kind="test.switch")
        self.result = self.value


def graph_registry() -> OperationRegistry:
    ops = OperationRegistry([shipped_operations().fbtype(n) for n in shipped_operations()])
    for extra in (Flaky, Gauge, Fail, Switch):
        ops.add(extra)
    return ops


def build_run(
    tmp_path: Path,
    clock: TestClock,
    tasks: list[dict[str, Any]],
    *,
    given: dict[str, Any] | None = None,
    pools: PoolRegistry | None = None,
    run_id: str = "r1",
    max_parallel: int = 16,
    **pipeline: Any,
) -> PipelineRun:
    ops = graph_registry()
    config = {"dag_name": "g", "tasks": tasks, **pipeline}
    built = pipeline_from_json(json.dumps(config), ops)
    return PipelineRun(
        built,
        ops,
        run_id=run_id,
        run_dir=tmp_path / run_id,
        clock=clock,
        rng=random.Random(1),
        parameters=given,
        pools=pools,
        max_parallel=max_parallel,
    )


def task(
    id: str, operation: str = "value.pass", deps: tuple[str, ...] = (), **fields: Any
) -> dict[str, Any]:
    return {"id": id, "operation": operation, "dependencies": list(deps), **fields}


def value(id: str, v: object, deps: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    return task(id, "value.pass", deps, independent_params={"value": v}, **fields)


def reasons(run: PipelineRun) -> dict[str, str]:
    return {
        t: (s.detail or {}).get("reason", "")
        for t, s in run.states.items()
        if s.status.value == "skipped"
    }


__all__ = ["Fail", "Gauge", "Switch", "build_run", "graph_registry", "reasons", "task", "value"]
