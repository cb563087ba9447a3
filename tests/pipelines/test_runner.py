from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, ClassVar

import pytest

from fbruntime.core import DataInput, DataOutput, TestClock
from fbruntime.pipelines import (
    Operation,
    OperationError,
    OperationRegistry,
    PipelineRun,
    RunStatus,
    TaskStatus,
    current_task,
    pipeline_from_json,
)

from .conftest import shipped_operations
from .helpers import reach, statuses


class Flaky(Operation):
    """Fails ``failures`` times per task id (counted across attempts), then returns the attempt."""

    name = "test.flaky"
    failures = DataInput("DINT", 0)
    kind = DataInput("ANY")
    result = DataOutput("ANY")
    optional_params = ("kind",)
    seen: ClassVar[dict[str, int]] = {}

    def execute(self) -> None:
        task = current_task()
        count = self.seen.get(str(task.run_dir) + task.task_id, 0) + 1
        self.seen[str(task.run_dir) + task.task_id] = count
        if count <= self.failures:
            raise OperationError(f"failure {count}", kind=self.kind)
        self.result = task.attempt


class Scribe(Operation):
    """Writes into its own working folder; the result says where and in which attempt."""

    name = "test.scribe"
    result = DataOutput("ANY")

    def execute(self) -> None:
        task = current_task()
        (task.workdir / "note.txt").write_text(task.task_id)
        task.log("wrote a note")
        self.result = {"folder": str(task.workdir), "attempt": task.attempt}


def registry() -> OperationRegistry:
    ops = OperationRegistry([shipped_operations().fbtype(n) for n in shipped_operations()])
    ops.add(Flaky)
    ops.add(Scribe)
    return ops


def make_run(
    tmp_path: Path, clock: TestClock, tasks: list[dict[str, Any]], **pipeline: Any
) -> PipelineRun:
    ops = registry()
    config = {"dag_name": "t", "tasks": tasks, **pipeline}
    built = pipeline_from_json(json.dumps(config), ops)
    return PipelineRun(
        built, ops, run_id="r1", run_dir=tmp_path / "run", clock=clock, rng=random.Random(1)
    )


def task(id: str, operation: str, deps: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    return {"id": id, "operation": operation, "dependencies": list(deps), **fields}


async def test_independent_tasks_run_in_parallel(tmp_path: Path, clock: TestClock) -> None:
    run = make_run(
        tmp_path,
        clock,
        [
            task("a", "time.delay", independent_params={"seconds": 5, "value": 1}),
            task("b", "time.delay", independent_params={"seconds": 5, "value": 2}),
            task("c", "value.pass", ("a", "b"), dependent_params={"value": "${a}+${b}"}),
        ],
    )
    run.start()
    await clock.advance(4.9)
    assert statuses(run) == {"a": "running", "b": "running", "c": "pending"}
    await clock.advance(0.1)
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results()["c"] == "1+2"


async def test_dependencies_are_event_joins_and_references_data_connections(
    tmp_path: Path, clock: TestClock
) -> None:
    run = make_run(
        tmp_path,
        clock,
        [
            task("a", "value.pass", independent_params={"value": {"items": [{"n": "x"}]}}),
            task("b", "value.pass", ("a",), independent_params={"value": 1}),
            task("c", "json.to_string", ("b",), dependent_params={"value": "a.items[0]"}),
        ],
    )
    network = run.resource.network
    events = {(c.source, c.destination) for c in network.event_connections}
    data = {(c.source, c.destination) for c in network.data_connections}
    assert events == {("a.CNF", "b.START"), ("b.CNF", "c.START")}
    # c refers to a (two steps up): a data connection from a's RESULT, not a lookup on the side
    assert data == {("a.RESULT", "c.D0")}
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results()["c"] == '{"n": "x"}'


async def test_failed_attempts_are_retried_after_the_delay(
    tmp_path: Path, clock: TestClock
) -> None:
    run = make_run(
        tmp_path,
        clock,
        [task("f", "test.flaky", independent_params={"failures": 2})],
        max_retries=3,
        retry_delay=10,
        backoff=2,
    )
    run.start()
    await reach(run, "f", TaskStatus.RETRYING, attempt=1)
    await clock.advance(9.9)
    assert run.states["f"].attempt == 1
    await clock.advance(0.1)
    await reach(run, "f", TaskStatus.RETRYING, attempt=2)
    await clock.advance(19.9)  # backoff 2: the second delay is 20 s
    assert run.states["f"].attempt == 2
    await clock.advance(0.1)
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results() == {"f": 3}


async def test_retries_stop_after_max_retries_and_skip_downstream(
    tmp_path: Path, clock: TestClock
) -> None:
    run = make_run(
        tmp_path,
        clock,
        [
            task("f", "test.flaky", independent_params={"failures": 9}),
            task("down", "value.pass", ("f",)),
            task("further", "value.pass", ("down",)),
            task("other", "value.pass", independent_params={"value": "still runs"}),
        ],
        max_retries=1,
        retry_delay=1,
    )
    run.start()
    await reach(run, "f", TaskStatus.RETRYING)
    await clock.advance(1)
    assert await run.wait() is RunStatus.FAILED
    assert statuses(run) == {
        "f": "failed",
        "down": "skipped",
        "further": "skipped",
        "other": "succeeded",
    }
    assert run.states["f"].attempt == 2
    assert run.states["f"].error == "OperationError: failure 2"
    assert run.error == "failed tasks: f"


@pytest.mark.parametrize(
    ("no_retry_on", "attempts"),
    [(["test.bad"], 1), (["OperationError"], 1), (["http.500"], 3), ([], 3)],
)
async def test_no_retry_on_names_error_kinds_and_classes(
    tmp_path: Path, clock: TestClock, no_retry_on: list[str], attempts: int
) -> None:
    run = make_run(
        tmp_path,
        clock,
        [task("f", "test.flaky", independent_params={"failures": 9, "kind": "test.bad"})],
        max_retries=2,
        retry_delay=0,
        no_retry_on=no_retry_on,
    )
    run.start()
    assert await run.wait() is RunStatus.FAILED
    assert run.states["f"].attempt == attempts


async def test_an_attempt_past_its_timeout_fails_as_timeout(
    tmp_path: Path, clock: TestClock
) -> None:
    run = make_run(
        tmp_path,
        clock,
        [task("slow", "time.delay", independent_params={"seconds": 60}, timeout=2)],
        max_retries=3,
        no_retry_on=["timeout"],
    )
    run.start()
    await clock.advance(1.9)
    assert run.states["slow"].status is TaskStatus.RUNNING
    await clock.advance(0.1)
    assert await run.wait() is RunStatus.FAILED
    assert run.states["slow"].error == "task 'slow' took longer than its timeout of 2 s"
    assert run.states["slow"].attempt == 1


async def test_cancelling_a_run_stops_its_tasks(tmp_path: Path, clock: TestClock) -> None:
    run = make_run(
        tmp_path,
        clock,
        [
            task("slow", "time.delay", independent_params={"seconds": 60}),
            task("after", "value.pass", ("slow",)),
            task("quick", "value.pass"),
        ],
    )
    run.start()
    await clock.advance(1)
    assert await run.cancel("stop it") is True
    assert run.status is RunStatus.CANCELLED
    assert statuses(run) == {"slow": "cancelled", "after": "cancelled", "quick": "succeeded"}
    await clock.advance(120)
    assert run.states["slow"].status is TaskStatus.CANCELLED  # the timer did not finish it
    assert await run.cancel() is False


async def test_each_task_has_its_own_working_folder_in_the_run_folder(
    tmp_path: Path, clock: TestClock
) -> None:
    run = make_run(tmp_path, clock, [task("one", "test.scribe"), task("two", "test.scribe")])
    run.start()
    await run.wait()
    folders = {t: Path(r["folder"]) for t, r in run.results().items()}  # type: ignore[index]
    assert folders == {
        "one": tmp_path / "run" / "tasks" / "one",
        "two": tmp_path / "run" / "tasks" / "two",
    }
    assert (folders["two"] / "note.txt").read_text() == "two"


async def test_a_reference_that_leads_nowhere_fails_the_task_with_the_path(
    tmp_path: Path, clock: TestClock
) -> None:
    run = make_run(
        tmp_path,
        clock,
        [
            task("a", "value.pass", independent_params={"value": {"items": []}}),
            task("b", "json.to_string", ("a",), dependent_params={"value": "a.items[0]"}),
        ],
    )
    run.start()
    assert await run.wait() is RunStatus.FAILED
    assert run.states["b"].error == (
        "ResolutionError: task 'b', param 'value': cannot resolve 'a.items[0]': "
        "index 0 is out of range (a list of 0 items) at 'a.items'"
    )


async def test_a_value_of_the_wrong_type_for_a_pin_fails_the_task(
    tmp_path: Path, clock: TestClock
) -> None:
    run = make_run(
        tmp_path,
        clock,
        [
            task("a", "value.pass", independent_params={"value": [1]}),
            task("b", "time.delay", ("a",), dependent_params={"seconds": "a"}),
        ],
    )
    run.start()
    assert await run.wait() is RunStatus.FAILED
    error = run.states["b"].error or ""
    assert error.startswith("ParamTypeError: task 'b', param 'seconds': expected float")


async def test_operations_become_specs_from_their_pins() -> None:
    spec = shipped_operations()["http.get_json"]
    assert {n: (str(p.type), p.required) for n, p in spec.params.items()} == {
        "url": ("WSTRING", True),
        "headers": ("dict|null", False),
        "query": ("dict|null", False),
        "timeout": ("float", False),
    }
    assert spec.params["timeout"].default == 30.0
    assert {
        "http.get_json",
        "json.to_string",
        "text.template",
        "file.read",
        "file.write",
        "time.delay",
        "telegram.send_message",
        "value.pass",
    } <= set(shipped_operations())
