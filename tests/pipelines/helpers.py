"""Waiting for a run to reach a state without sleeping: listeners resolve a future."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fbruntime.core import TestClock
from fbruntime.pipelines import PipelineRun, TaskStatus
from fbruntime.pipelines.runner import TaskState


async def reach(run: PipelineRun, task: str, status: TaskStatus, *, attempt: int = 0) -> None:
    """Wait until ``task`` is in ``status`` (and at ``attempt`` or later), driven by real I/O."""

    def met(state: TaskState) -> bool:
        return state.status is status and state.attempt >= attempt

    if met(run.states[task]):
        return
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def listener(task_id: str, state: TaskState) -> None:
        if task_id == task and met(state) and not future.done():
            future.set_result(None)

    run.add_listener(listener)
    done = asyncio.ensure_future(run.wait())
    try:
        await asyncio.wait({future, done}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        done.cancel()
    if not future.done():
        raise AssertionError(
            f"run ended before {task} became {status}: {run.states[task].status} "
            f"({run.states[task].error})"
        )


async def drive(run: PipelineRun, clock: TestClock, step: float = 1.0, limit: int = 1000) -> None:
    """Advance the test clock by ``step`` until the run ends (at most ``limit`` steps)."""
    for _ in range(limit):
        if run.done:
            return
        await clock.advance(step)
    raise AssertionError(f"run did not end within {limit} steps of {step} s")


def statuses(run: PipelineRun) -> dict[str, str]:
    return {task: state.status.value for task, state in run.states.items()}


Check = Callable[[PipelineRun], bool]
