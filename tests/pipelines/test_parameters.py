"""Trigger parameters: declared in the config, given at start, checked, kept on the run."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from fbruntime.pipelines import PipelineError, parse_config, validate_pipeline
from fbruntime.pipelines.routes import pipelines_router
from fbruntime.pipelines.service import PipelineService

from .conftest import shipped_operations
from .graph_ops import Switch, task

GREETING: dict[str, Any] = {
    "dag_name": "greeting",
    "parameters": {
        "name": {"type": "str", "description": "who to greet"},
        "times": {"type": "int", "default": 1},
        "shout": {"type": "bool", "default": False},
    },
    "result": "say",
    "tasks": [
        task(
            "say",
            "text.template",
            independent_params={"template": "Hello {name} x{times}"},
            dependent_params={"values": "params"},
        ),
        task(
            "loud", "value.pass", ("say",), when="params.shout", dependent_params={"value": "say"}
        ),
    ],
}


def check(config: dict[str, Any]) -> list[str]:
    try:
        validate_pipeline(parse_config(config), shipped_operations())
    except PipelineError as error:
        return [str(p) for p in error.problems]
    return []


def test_declarations_are_checked() -> None:
    config = {
        "dag_name": "p",
        "parameters": {
            "a": {"type": "strng"},
            "b": {"type": "int", "default": "x"},
            "c": {"type": "list", "default": []},
        },
        "tasks": [
            task("params", "value.pass"),
            task("t", "value.pass", dependent_params={"value": "params.d"}),
            task(
                "u",
                "json.to_string",
                independent_params={"value": 1},
                dependent_params={"indent": "params.c"},
            ),
        ],
    }
    problems = check(config)
    assert problems[0].startswith("parameters.a.type: unknown parameter type 'strng'")
    assert problems[1:] == [
        "parameters.b.default: the default does not fit: expected int, got str 'x'",
        "task 'params', id: task id 'params' is reserved: this pipeline declares parameters, "
        "which references reach as 'params.NAME'; rename the task",
        "task 't', dependent_params.value: 'params.d': unknown parameter 'd' (declared: c)",
        "task 'u', dependent_params.indent: parameter 'c' is declared list, but parameter "
        "'indent' of operation 'json.to_string' expects int|null",
    ]


def test_without_a_declaration_params_is_an_ordinary_task_id() -> None:
    config = {
        "dag_name": "p",
        "tasks": [
            task("params", "value.pass"),
            task("t", "value.pass", ("params",), dependent_params={"value": "params"}),
        ],
    }
    assert check(config) == []


def test_given_values_are_checked_and_defaults_filled_in() -> None:
    pipeline = validate_pipeline(parse_config(GREETING), shipped_operations())
    assert pipeline.resolve_parameters({"name": "Ann"}) == {
        "name": "Ann",
        "times": 1,
        "shout": False,
    }
    with pytest.raises(PipelineError) as caught:
        pipeline.resolve_parameters({"times": "2", "nmae": "x"})
    assert [str(p) for p in caught.value.problems] == [
        "parameters.times: expected int, got str '2'",
        "parameters.nmae: unknown parameter 'nmae' (did you mean 'name'?); its parameters: "
        "name, times, shout",
        "parameters.name: parameter 'name' is required (no default)",
    ]


async def test_a_run_gets_its_parameters_and_keeps_them(service: PipelineService) -> None:
    service.upload("greeting.json", json.dumps(GREETING))
    detail = await service.run("greeting", parameters={"name": "Ann", "times": 3})
    assert detail.run.status == "succeeded"
    assert detail.run.parameters == {"name": "Ann", "times": 3, "shout": False}
    assert detail.run.result == "Hello Ann x3"
    skipped = {t.task_id: t.detail for t in detail.tasks if t.status == "skipped"}
    assert skipped == {"loud": {"reason": "condition not met: params.shout (params.shout = false)"}}
    assert any(
        line.message == "parameters: name='Ann', times=3, shout=False" for line in detail.logs
    )


async def test_a_rerun_keeps_the_parameters(graph_service: PipelineService) -> None:
    config = {**GREETING, "result": "again"}
    config["tasks"] = [
        *GREETING["tasks"],
        task("again", "test.switch", ("say",), dependent_params={"value": "say"}),
    ]
    graph_service.upload("greeting.json", json.dumps(config))
    Switch.broken = True
    try:
        first = await graph_service.run("greeting", parameters={"name": "Bo"})
    finally:
        Switch.broken = False
    assert first.run.status == "failed"
    rerun = await graph_service.rerun_failed(first.run.id)
    assert await graph_service.wait(rerun) == "succeeded"
    detail = await graph_service.get_run(rerun)
    assert detail is not None
    assert detail.run.parameters == {"name": "Bo", "times": 1, "shout": False}
    assert detail.run.result == "Hello Bo x1"


async def test_a_start_with_bad_parameters_is_refused(service: PipelineService) -> None:
    service.upload("greeting.json", json.dumps(GREETING))
    with pytest.raises(PipelineError, match="parameter 'name' is required"):
        await service.start_run("greeting")
    with pytest.raises(PipelineError, match=r"parameters\.times: expected int"):
        await service.start_run("greeting", parameters={"name": "x", "times": 1.5})
    assert await service.list_runs("greeting") == []


async def test_a_schedule_needs_every_parameter_to_have_a_default(
    service: PipelineService,
) -> None:
    service.upload("greeting.json", json.dumps(GREETING))
    with pytest.raises(PipelineError, match="parameter 'name' is required"):
        await service.set_schedule("greeting", "*/5 * * * *")


@pytest.fixture
async def client(service: PipelineService) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(pipelines_router(service))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fbrt.test"
    ) as made:
        yield made


async def test_the_api_lists_declared_parameters_and_starts_runs_with_them(
    client: httpx.AsyncClient, service: PipelineService
) -> None:
    assert (
        await client.post("/api/pipelines", json={"file_name": "g.json", "config": GREETING})
    ).status_code == 201
    described = (await client.get("/api/pipelines/greeting")).json()
    assert described["parameters"] == [
        {"name": "name", "type": "str", "required": True, "description": "who to greet"},
        {"name": "times", "type": "int", "required": False, "description": "", "default": 1},
        {"name": "shout", "type": "bool", "required": False, "description": "", "default": False},
    ]
    refused = await client.post("/api/pipelines/greeting/runs", json={"parameters": {"name": 5}})
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        {"task": None, "field": "parameters.name", "message": "expected str, got int 5"}
    ]
    started = await client.post(
        "/api/pipelines/greeting/runs", json={"parameters": {"name": "Cy", "shout": True}}
    )
    assert started.status_code == 201
    run_id = started.json()["id"]
    assert await service.wait(run_id) == "succeeded"
    run = (await client.get(f"/api/runs/{run_id}")).json()
    assert run["parameters"] == {"name": "Cy", "times": 1, "shout": True}
    assert run["result"] == "Hello Cy x1"
