"""Nested pipelines: ``pipeline.run`` runs a stored pipeline, linked both ways, no cycles."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from fbruntime.core import TestClock
from fbruntime.pipelines import PipelineError, TaskStatus
from fbruntime.pipelines.routes import pipelines_router
from fbruntime.pipelines.service import PipelineService

from .graph_ops import Switch, task, value
from .helpers import reach

CHILD: dict[str, Any] = {
    "dag_name": "city_report",
    "parameters": {"city": {"type": "str"}, "units": {"type": "str", "default": "metric"}},
    "result": "report",
    "tasks": [
        task(
            "report",
            "test.switch",
            dependent_params={"value": "${params.city} in ${params.units}"},
        )
    ],
}

PARENT: dict[str, Any] = {
    "dag_name": "all_cities",
    "tasks": [
        value("cities", [{"city": "Oslo"}, {"city": "Rome", "units": "imperial"}]),
        task(
            "per_city",
            "pipeline.run",
            ("cities",),
            for_each="cities",
            independent_params={"dag_id": "city_report"},
            dependent_params={"parameters": "item"},
        ),
        task("summary", "json.to_string", ("per_city",), dependent_params={"value": "per_city"}),
    ],
}


async def test_a_task_runs_another_pipeline_and_gets_its_result(
    graph_service: PipelineService,
) -> None:
    graph_service.upload("child.json", json.dumps(CHILD))
    graph_service.upload("parent.json", json.dumps(PARENT))
    parent = await graph_service.run("all_cities")
    assert parent.run.status == "succeeded"
    outputs = {t.task_id: t.output for t in parent.tasks}
    assert outputs["per_city"] == ["Oslo in metric", "Rome in imperial"]
    children = await graph_service.children(parent.run.id)
    assert [(c.pipeline, c.parent_task_id, c.status) for c in children] == [
        ("city_report", "per_city[0]", "succeeded"),
        ("city_report", "per_city[1]", "succeeded"),
    ]
    assert children[1].parameters == {"city": "Rome", "units": "imperial"}
    assert children[1].trigger == "pipeline:all_cities"
    assert {c.parent_run_id for c in children} == {parent.run.id}


@pytest.fixture
async def client(graph_service: PipelineService) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(pipelines_router(graph_service))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fbrt.test"
    ) as made:
        yield made


async def test_parent_and_child_link_in_the_api_and_the_zip(
    graph_service: PipelineService, client: httpx.AsyncClient
) -> None:
    graph_service.upload("child.json", json.dumps(CHILD))
    graph_service.upload("parent.json", json.dumps(PARENT))
    parent_id = (await graph_service.run("all_cities")).run.id
    seen = (await client.get(f"/api/runs/{parent_id}")).json()
    child_ids = [c["id"] for c in seen["children"]]
    assert [c["task"] for c in seen["children"]] == ["per_city[0]", "per_city[1]"]
    per_city = next(t for t in seen["tasks"] if t["id"] == "per_city")
    assert per_city["child_runs"] == child_ids
    assert per_city["map"] == {"total": 2, "succeeded": 2}
    child = (await client.get(f"/api/runs/{child_ids[0]}")).json()
    assert child["parent"] == {"run_id": parent_id, "task": "per_city[0]"}
    assert child["result"] == "Oslo in metric"
    listed = (await client.get("/api/runs", params={"dag_id": "city_report"})).json()
    assert {r["parent_run_id"] for r in listed} == {parent_id}
    archive = await client.post("/api/cli", json={"run_id": parent_id})
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        names = zipped.namelist()
        assert {f"children/{c}.zip" for c in child_ids} <= set(names)
        summary = json.loads(zipped.read("run.json"))
        assert [c["id"] for c in summary["children"]] == child_ids
        with zipfile.ZipFile(io.BytesIO(zipped.read(f"children/{child_ids[1]}.zip"))) as inner:
            assert json.loads(inner.read("run.json"))["parent"]["run_id"] == parent_id


async def test_a_failed_child_fails_the_task_and_a_retry_starts_a_new_child(
    graph_service: PipelineService, clock: TestClock
) -> None:
    graph_service.upload("child.json", json.dumps(CHILD))
    config = {
        "dag_name": "once",
        "max_retries": 1,
        "retry_delay": 0,
        "tasks": [
            task(
                "call",
                "pipeline.run",
                independent_params={"dag_id": "city_report", "parameters": {"city": "Lima"}},
            )
        ],
    }
    graph_service.upload("once.json", json.dumps(config))
    Switch.broken = True
    try:
        parent = await graph_service.run("once")
    finally:
        Switch.broken = False
    assert parent.run.status == "failed"
    (call,) = parent.tasks
    assert call.attempt == 2
    assert call.error is not None and call.error.startswith("OperationError: run ")
    assert call.error.endswith("of city_report failed: failed tasks: report")
    children = await graph_service.children(parent.run.id)
    assert [c.status for c in children] == ["failed", "failed"]


async def test_cancelling_the_parent_cancels_the_child(
    graph_service: PipelineService, clock: TestClock
) -> None:
    slow = {
        "dag_name": "slow",
        "tasks": [task("wait", "test.gauge", independent_params={"seconds": 100})],
    }
    graph_service.upload("slow.json", json.dumps(slow))
    graph_service.upload(
        "calls.json",
        json.dumps(
            {
                "dag_name": "calls_slow",
                "tasks": [task("call", "pipeline.run", independent_params={"dag_id": "slow"})],
            }
        ),
    )
    parent_id = await graph_service.start_run("calls_slow")
    parent = graph_service.run_handle(parent_id)
    assert parent is not None
    await reach(parent, "call", TaskStatus.RUNNING)
    while not await graph_service.children(parent_id):
        await clock.advance(0)
    (child,) = await graph_service.children(parent_id)
    # The child's row is committed (and readable from the store's reader thread) a moment
    # before the coroutine that wrote it goes on to register the running child.
    while graph_service.run_handle(child.id) is None:
        await clock.advance(0)
    child_run = graph_service.run_handle(child.id)
    assert child_run is not None
    await reach(child_run, "wait", TaskStatus.RUNNING)
    assert await graph_service.cancel(parent_id)
    assert await graph_service.wait(child.id) == "cancelled"


@pytest.mark.parametrize(
    ("calls", "message"),
    [
        ({"dag_id": "nowhere"}, "unknown pipeline 'nowhere': upload it before"),
        (
            {"dag_id": "city_report", "parameters": {"town": "x"}},
            "independent_params.parameters.town: pipeline 'city_report': unknown parameter 'town'",
        ),
        (
            {"dag_id": "city_report", "parameters": {}},
            "pipeline 'city_report': parameter 'city' is required",
        ),
    ],
)
async def test_calls_are_checked_on_upload(
    graph_service: PipelineService, calls: dict[str, Any], message: str
) -> None:
    graph_service.upload("child.json", json.dumps(CHILD))
    config = {
        "dag_name": "caller",
        "tasks": [task("call", "pipeline.run", independent_params=calls)],
    }
    with pytest.raises(PipelineError, match=message.replace("(", r"\(")):
        graph_service.upload("caller.json", json.dumps(config))


def caller(name: str, callee: str) -> str:
    return json.dumps(
        {
            "dag_name": name,
            "tasks": [task("call", "pipeline.run", independent_params={"dag_id": callee})],
        }
    )


async def test_a_cycle_of_pipelines_is_refused_on_upload(graph_service: PipelineService) -> None:
    graph_service.upload("c.json", json.dumps({"dag_name": "c", "tasks": [value("v", 1)]}))
    graph_service.upload("b.json", caller("b", "c"))
    graph_service.upload("a.json", caller("a", "b"))
    with pytest.raises(PipelineError) as caught:
        graph_service.upload("c.json", caller("c", "a"))
    assert [str(p) for p in caught.value.problems] == [
        "task 'call', independent_params.dag_id: pipelines would run each other in a cycle: "
        "c -> a -> b -> c"
    ]
    with pytest.raises(PipelineError, match="cycle: self -> self"):
        graph_service.upload("self.json", caller("self", "self"))


async def test_a_cycle_through_a_computed_dag_id_fails_at_run_time(
    graph_service: PipelineService,
) -> None:
    config = {
        "dag_name": "loop",
        "parameters": {"target": {"type": "str", "default": "loop"}},
        "tasks": [task("call", "pipeline.run", dependent_params={"dag_id": "params.target"})],
    }
    graph_service.upload("loop.json", json.dumps(config))
    detail = await graph_service.run("loop")
    assert detail.run.status == "failed"
    (call,) = detail.tasks
    assert (
        call.error == "OperationError: pipeline 'loop' is already running further up: loop -> loop"
    )
    assert await graph_service.children(detail.run.id) == []


async def test_a_broken_stored_cycle_is_reported_on_reload(
    graph_service: PipelineService, tmp_path: Path
) -> None:
    graph_service.upload("x.json", json.dumps({"dag_name": "x", "tasks": [value("v", 1)]}))
    graph_service.upload("y.json", caller("y", "x"))
    # Someone edits x on disk to call y: both cannot be used, and say why.
    (tmp_path / "data" / "pipelines" / "x" / "x.json").write_text(caller("x", "y"))
    graph_service.reload()
    assert set(graph_service.load_errors) == {"x", "y"}
    assert "cycle" in graph_service.load_errors["x"]


async def test_a_nested_call_in_a_pool_its_child_uses_is_refused(
    graph_service: PipelineService,
) -> None:
    child = {**CHILD, "pools": {"api": 1}}
    child["tasks"] = [{**CHILD["tasks"][0], "pool": "api"}]
    graph_service.upload("child.json", json.dumps(child))
    config = {
        "dag_name": "caller",
        "tasks": [
            task(
                "call",
                "pipeline.run",
                pool="api",
                independent_params={"dag_id": "city_report", "parameters": {"city": "x"}},
            )
        ],
    }
    with pytest.raises(PipelineError, match="runs tasks in pool 'api' too"):
        graph_service.upload("caller.json", json.dumps(config))
