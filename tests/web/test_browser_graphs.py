"""The run page shows the graph extras: a skipped branch with its reason, a map's items, the
nested runs a task started (linked both ways)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.web.conftest import AUTH, BROWSER_MODULE, WebServer, shot, use_token

pytestmark = BROWSER_MODULE


@pytest.fixture
def server(module_server: WebServer) -> WebServer:
    return module_server


LEAF = {
    "dag_name": "leaf",
    "parameters": {"n": {"type": "int"}},
    "result": "twice",
    "tasks": [
        {"id": "twice", "operation": "value.pass", "dependent_params": {"value": "params.n"}}
    ],
}
GRAPHS = {
    "dag_name": "graphs",
    "tasks": [
        {
            "id": "src",
            "operation": "value.pass",
            "independent_params": {"value": [{"n": 1}, {"n": 2}]},
        },
        {
            "id": "each",
            "operation": "pipeline.run",
            "for_each": "src",
            "independent_params": {"dag_id": "leaf"},
            "dependent_params": {"parameters": "item"},
            "dependencies": ["src"],
        },
        {"id": "check", "operation": "value.pass", "independent_params": {"value": {"temp": 5}}},
        {
            "id": "hot",
            "operation": "value.pass",
            "when": "check.temp > 10",
            "dependencies": ["check"],
        },
        {
            "id": "done",
            "operation": "value.pass",
            "trigger_rule": "none_failed",
            "dependent_params": {"value": "each"},
            "dependencies": ["each", "hot"],
        },
    ],
}


async def test_the_page_shows_skips_maps_and_nested_runs(server: WebServer, page: Any) -> None:
    service = server.service
    if service is None:
        pytest.skip("the pipeline service is not available")
    service.upload("leaf.json", json.dumps(LEAF))
    service.upload("graphs.json", json.dumps(GRAPHS))
    run_id = await service.start_run("graphs")
    await service.wait(run_id)
    async with httpx.AsyncClient(base_url=server.url, headers=AUTH) as client:
        view = (await client.get(f"/api/web/runs/{run_id}")).json()
    tasks = {t["id"]: t for t in view["tasks"]}
    assert tasks["hot"]["reason"] == "condition not met: check.temp > 10 (check.temp = 5)"
    assert tasks["each"]["map"] == {"total": 2, "succeeded": 2}
    assert (tasks["each"]["for_each"], tasks["hot"]["when"], tasks["done"]["trigger_rule"]) == (
        "src",
        "check.temp > 10",
        "none_failed",
    )
    assert [c["task"] for c in tasks["each"]["child_runs"]] == ["each[0]", "each[1]"]
    assert [c["task"] for c in view["children"]] == ["each[0]", "each[1]"]

    await page.goto(server.url + f"/web/runs/{run_id}")
    await expect(page.locator("#run-state")).to_have_text("succeeded")
    hot = page.locator('g.task[data-task="hot"]')
    await expect(hot).to_have_attribute("data-status", "skipped")
    await expect(hot.locator("title")).to_have_text(tasks["hot"]["reason"])
    await expect(page.locator('g.task[data-task="each"] .task-state')).to_contain_text("2/2")
    row = page.locator('#tasks-table tr[data-task="hot"]')
    await expect(row).to_contain_text("condition not met")
    links = page.locator('#tasks-table tr[data-task="each"] a.child-run')
    await expect(links).to_have_count(2)
    await shot(page, "run-graph-extras")
    await links.first.click()
    await expect(page.locator("#run-title")).to_contain_text("leaf")
    parent = page.locator("#parent-run")
    await expect(parent).to_contain_text("each[0]")
    await expect(page.locator("#run-meta")).to_contain_text("parameters n=1")
    await parent.click()
    await expect(page.locator("#run-title")).to_contain_text("graphs")
    assert page.js_errors == []


async def test_the_overview_starts_a_run_with_parameters(server: WebServer, page: Any) -> None:
    service = server.service
    if service is None:
        pytest.skip("the pipeline service is not available")
    service.upload("leaf.json", json.dumps(LEAF))
    await page.goto(server.url + "/web/")
    await use_token(page)
    field = page.get_by_label("Parameter n of leaf")
    await expect(field).to_have_attribute("placeholder", "required")
    await page.get_by_role("button", name="Start a run of leaf").click()
    await expect(page.locator("body")).to_contain_text("parameter 'n' is required")
    await field.fill("21")
    await page.get_by_role("button", name="Start a run of leaf").click()
    await page.wait_for_url(lambda url: "/web/runs/" in url)
    await expect(page.locator("#run-state")).to_have_text("succeeded")
    await expect(page.locator("#run-meta")).to_contain_text("parameters n=21")
    detail = await service.get_run(page.url.rsplit("/", 1)[1])
    assert detail is not None and detail.run.parameters == {"n": 21}


async def test_the_pipeline_page_starts_a_run_with_trigger_parameters(
    server: WebServer, page: Any
) -> None:
    service = server.service
    if service is None:
        pytest.skip("the pipeline service is not available")
    service.upload("leaf.json", json.dumps(LEAF))
    await page.goto(server.url + "/web/pipelines/leaf")
    await use_token(page)
    box = page.locator("#run-parameters")
    await expect(box).to_be_visible()
    await expect(page.locator("#parameters-help")).to_have_text("n: int, required")
    assert json.loads(await box.input_value()) == {"n": None}
    await box.fill('{"n": 5}')
    await page.get_by_role("button", name="Start run").click()
    await page.wait_for_url(lambda url: "/web/runs/" in url)
    await expect(page.locator("#run-state")).to_have_text("succeeded")
    await expect(page.locator("#run-meta")).to_contain_text("parameters n=5")
