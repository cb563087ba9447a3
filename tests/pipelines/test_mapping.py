"""Mapped tasks (``for_each``): one run per item, per-item retries and timeouts, bounds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import TestClock
from fbruntime.pipelines import PipelineError, RunStatus, TaskStatus
from fbruntime.pipelines.service import PipelineService

from .graph_ops import Gauge, build_run, task, value
from .helpers import reach, statuses


async def test_a_map_runs_once_per_item_and_its_result_is_the_list(
    tmp_path: Path, clock: TestClock
) -> None:
    run = build_run(
        tmp_path,
        clock,
        [
            value("users", {"list": [{"name": "ann"}, {"name": "bob"}, {"name": "cy"}]}),
            task(
                "greet",
                deps=("users",),
                for_each="users.list",
                dependent_params={"value": "Hello ${item.name}"},
            ),
            task("all", deps=("greet",), dependent_params={"value": "greet"}),
            task("second", deps=("greet",), dependent_params={"value": "greet[1]"}),
        ],
    )
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results()["all"] == ["Hello ann", "Hello bob", "Hello cy"]
    assert run.results()["second"] == "Hello bob"
    assert run.states["greet"].detail == {"map": {"total": 3, "succeeded": 3}}


async def test_items_are_retried_on_their_own(tmp_path: Path, clock: TestClock) -> None:
    # test.flaky counts failures per task id, and an item's task id is "flaky[index]":
    # every item fails once, then succeeds with the attempt it reached.
    run = build_run(
        tmp_path,
        clock,
        [
            value("numbers", [1, 2, 3]),
            task(
                "flaky",
                "test.flaky",
                ("numbers",),
                for_each="numbers",
                independent_params={"failures": 1},
            ),
        ],
        max_retries=2,
        retry_delay=0,
    )
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results()["flaky"] == [2, 2, 2]


async def test_each_item_has_its_own_timeout(tmp_path: Path, clock: TestClock) -> None:
    run = build_run(
        tmp_path,
        clock,
        [
            value("waits", [1, 9, 2]),
            task(
                "slow",
                "test.gauge",
                ("waits",),
                for_each="waits",
                timeout=5,
                on_item_failure="continue",
                dependent_params={"seconds": "item", "value": "item"},
            ),
        ],
    )
    run.start()
    await clock.advance(2)
    await clock.advance(3)
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results()["slow"] == [1, None, 2]
    detail = run.states["slow"].detail
    assert detail is not None
    assert detail["map"] == {"total": 3, "succeeded": 2, "failed": 1}
    assert detail["failed_items"] == [
        {"index": 1, "error": "task 'slow[1]' took longer than its timeout of 5 s"}
    ]


async def test_map_parallelism_is_bounded_per_task(tmp_path: Path, clock: TestClock) -> None:
    Gauge.reset()
    run = build_run(
        tmp_path,
        clock,
        [
            value("items", list(range(10))),
            task(
                "work",
                "test.gauge",
                ("items",),
                for_each="items",
                max_parallel=3,
                independent_params={"seconds": 1, "key": "bounded"},
                dependent_params={"value": "item"},
            ),
        ],
    )
    run.start()
    await reach(run, "work", TaskStatus.RUNNING)
    for _ in range(4):  # ten items of 1 s, three at a time
        await clock.advance(1)
    assert run.done
    assert await run.wait() is RunStatus.SUCCEEDED
    assert Gauge.peak["bounded"] == 3
    assert run.results()["work"] == list(range(10))


async def test_a_failed_item_stops_the_map_and_fails_the_task(
    tmp_path: Path, clock: TestClock
) -> None:
    run = build_run(
        tmp_path,
        clock,
        [
            value("items", [0, 1, 2, 3, 4]),
            task(
                "div",
                "test.flaky",
                ("items",),
                for_each="items",
                max_parallel=1,
                dependent_params={"failures": "item"},
            ),
            task("after", deps=("div",)),
        ],
    )
    run.start()
    assert await run.wait() is RunStatus.FAILED
    # item 0 succeeds (0 failures), item 1 fails for good (no retries): 2..4 never start
    assert run.states["div"].detail == {
        "map": {"total": 5, "succeeded": 1, "failed": 1, "skipped": 3},
        "failed_items": [{"index": 1, "error": "OperationError: failure 1"}],
    }
    assert run.states["div"].error == ("1 of 5 items failed (items 1): OperationError: failure 1")
    assert statuses(run)["after"] == "skipped"


async def test_an_empty_list_maps_to_an_empty_result(tmp_path: Path, clock: TestClock) -> None:
    run = build_run(
        tmp_path,
        clock,
        [
            value("none", []),
            task("each", deps=("none",), for_each="none"),
            task("z", deps=("each",), dependent_params={"value": "each"}),
        ],
    )
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results()["z"] == []


async def test_for_each_over_something_else_than_a_list_fails_the_task(
    tmp_path: Path, clock: TestClock
) -> None:
    run = build_run(
        tmp_path, clock, [value("one", {"a": 1}), task("each", deps=("one",), for_each="one")]
    )
    run.start()
    assert await run.wait() is RunStatus.FAILED
    assert run.states["each"].error == "for_each 'one' gave an object, not a list"


async def test_a_map_over_a_parameter(tmp_path: Path, clock: TestClock) -> None:
    run = build_run(
        tmp_path,
        clock,
        [task("each", for_each="params.cities", dependent_params={"value": "item"})],
        parameters={"cities": {"type": "list", "default": ["Oslo"]}},
        given={"cities": ["Rome", "Lima"]},
    )
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert run.results()["each"] == ["Rome", "Lima"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"for_each": "src.${x}"}, "for_each takes a reference to a list"),
        ({"for_each": "src.items", "dependent_params": {"value": "item.x"}}, None),
        ({"dependent_params": {"value": "item"}}, "usable only in the dependent_params"),
        ({"max_parallel": 2}, "max_parallel only applies to a mapped task"),
        ({"on_item_failure": "continue"}, "on_item_failure only applies to a mapped task"),
        ({"for_each": "item"}, "'item' is the current element"),
        ({"for_each": "src", "max_parallel": 0}, "max_parallel: must be >= 1"),
    ],
)
def test_map_settings_are_checked(
    tmp_path: Path, fields: dict[str, Any], message: str | None
) -> None:
    tasks = [value("src", {"items": []}), task("t", deps=("src",), **fields)]
    if message is None:
        build_run(tmp_path, TestClock(), tasks)
        return
    with pytest.raises(PipelineError, match=message.replace("$", r"\$")):
        build_run(tmp_path, TestClock(), tasks)


def test_a_task_named_item_is_refused_when_a_task_maps(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="task id 'item' is reserved"):
        build_run(
            tmp_path,
            TestClock(),
            [value("item", [1]), task("t", deps=("item",), for_each="item")],
        )


async def test_map_counts_are_stored_with_sqlite(service: PipelineService) -> None:
    config: dict[str, Any] = {
        "dag_name": "mapped",
        "tasks": [
            value("src", [{"n": 1}, {"n": 2}]),
            task(
                "up", "json.to_string", ("src",), for_each="src", dependent_params={"value": "item"}
            ),
        ],
    }
    service.upload("mapped.json", json.dumps(config))
    detail = await service.run("mapped")
    assert detail.run.status == "succeeded"
    (up,) = [t for t in detail.tasks if t.task_id == "up"]
    assert up.output == ['{"n": 1}', '{"n": 2}']
    assert up.detail == {"map": {"total": 2, "succeeded": 2}}
    assert any(line.message == "mapping over 2 items" for line in detail.logs)
