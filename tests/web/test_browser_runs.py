"""A pipeline run in the browser: the DAG in colour, the retry of a failing task, the final
state, the log following live, the archive link, and rerunning the failed tasks."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.web.conftest import AUTH, BROWSER_MODULE, WebServer, shot, use_token

pytestmark = BROWSER_MODULE


@pytest.fixture
def server(module_server: WebServer) -> WebServer:
    return module_server


FLAKY: dict[str, Any] = {
    "dag_name": "nightly_report",
    "max_retries": 1,
    "retry_delay": 1.5,
    "tasks": [
        {"id": "greeting", "operation": "value.pass", "independent_params": {"value": "hello"}},
        {
            "id": "load",
            "operation": "file.read",
            "independent_params": {"file": "missing.txt"},
            "dependencies": ["greeting"],
        },
        {
            "id": "publish",
            "operation": "value.pass",
            "dependent_params": {"value": "load"},
            "dependencies": ["load"],
        },
        {"id": "side", "operation": "value.pass", "independent_params": {"value": 1}},
    ],
}


def needs_service(server: WebServer) -> Any:
    if server.service is None:
        pytest.skip("the pipeline service (fbruntime.pipelines.service) is not available yet")
    return server.service


# The retry test's run waits at a pool's one slot, held by another run, until the page is open:
# the retry's delay (a real clock's) then passes while the page is watching, however long the
# browser took to load it on a busy machine.
GATED = {
    **FLAKY,
    "dag_name": "gated_report",
    "pools": {"gate": 1},
    "tasks": [{**t, "pool": "gate"} if t["id"] == "load" else t for t in FLAKY["tasks"]],
}
HOLDER = {
    "dag_name": "gate_holder",
    "pools": {"gate": 1},
    "tasks": [
        {
            "id": "hold",
            "operation": "time.delay",
            "independent_params": {"seconds": 60},
            "pool": "gate",
        }
    ],
}


async def pool_in_use(server: WebServer, name: str, in_use: int) -> None:
    """Wait (up to 10 s) until pool ``name`` has ``in_use`` slots taken, as the API reports."""
    async with httpx.AsyncClient(base_url=server.url, headers=AUTH) as client:
        for _ in range(1000):
            pools = (await client.get("/api/pools")).json()
            if any(p["name"] == name and p["in_use"] == in_use for p in pools):
                return
            await asyncio.sleep(0.01)
    raise AssertionError(f"pool {name!r} never had {in_use} slots in use: {pools}")


async def test_failing_task_is_retried_then_fails_and_downstream_is_skipped(
    server: WebServer, page: Any
) -> None:
    service = needs_service(server)
    service.upload("gated.json", json.dumps(GATED))
    service.upload("holder.json", json.dumps(HOLDER))
    holder = await service.start_run("gate_holder")
    await pool_in_use(server, "gate", 1)
    run_id = await service.start_run("gated_report")
    await page.goto(server.url + f"/web/runs/{run_id}")
    load = page.locator('g.task[data-task="load"]')
    await expect(load).to_have_attribute("data-status", "queued")
    await expect(page.locator('g.task[data-task="greeting"]')).to_have_attribute(
        "data-status", "succeeded"
    )
    await service.cancel(holder)  # the slot is free: load's first attempt runs and fails
    await expect(load).to_have_attribute("data-status", "retrying")
    await expect(page.locator("#logs")).to_contain_text("attempt 1 failed")
    await expect(page.get_by_role("button", name="Rerun failed tasks")).to_be_disabled()
    await expect(page.locator("#archive")).to_be_hidden()  # no archive before the end
    await shot(page, "run-retrying")
    await expect(page.locator("#run-state")).to_have_text("failed", timeout=15000)
    await expect(load).to_have_attribute("data-status", "failed")
    await expect(page.locator('g.task[data-task="publish"]')).to_have_attribute(
        "data-status", "skipped"
    )
    await expect(page.locator('g.task[data-task="greeting"]')).to_have_attribute(
        "data-status", "succeeded"
    )
    row = page.locator('#tasks-table tr[data-task="load"]')
    await expect(row).to_contain_text("2")  # two attempts
    await expect(row).to_contain_text("missing.txt")
    await expect(page.locator("#logs")).to_contain_text("attempt 2 failed")
    archive = page.get_by_role("link", name="Download archive (ZIP)")
    await expect(archive).to_be_visible()
    href = await archive.get_attribute("href")
    async with page.expect_download() as download:
        await archive.click()
    assert (await download.value).suggested_filename.endswith(".zip")
    assert href == f"/api/web/runs/{run_id}/archive"
    await shot(page, "run-failed")
    assert page.js_errors == []


async def test_overview_starts_a_run_and_rerun_failed_starts_another(
    server: WebServer, page: Any
) -> None:
    service = needs_service(server)
    service.upload("nightly.json", json.dumps(FLAKY))
    await page.goto(server.url + "/web/")
    await use_token(page)
    await page.get_by_role("button", name="Start a run of nightly_report").click()
    await page.wait_for_url(re.compile(r"/web/runs/[0-9a-f]+$"))
    first = page.url.rsplit("/", 1)[1]
    await expect(page.locator("#run-state")).to_have_text("failed", timeout=15000)
    rerun = page.get_by_role("button", name="Rerun failed tasks")
    await expect(rerun).to_be_enabled()
    await rerun.click()
    await page.wait_for_url(lambda url: not url.endswith(first))
    second = page.url.rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]+", second)
    await expect(page.locator('g.task[data-task="greeting"]')).to_have_attribute(
        "data-status", "succeeded"
    )
    await expect(page.locator("#logs")).to_contain_text("reused")
    await expect(page.locator("#run-meta")).to_contain_text(f"rerun:{first}")
    await shot(page, "run-rerun")


SLOW = {
    "dag_name": "slow_copy",
    "tasks": [
        {"id": "wait", "operation": "time.delay", "independent_params": {"seconds": 60}},
        {
            "id": "after",
            "operation": "value.pass",
            "dependent_params": {"value": "wait"},
            "dependencies": ["wait"],
        },
    ],
}


async def test_cancel_button_stops_a_running_run(server: WebServer, page: Any) -> None:
    service = needs_service(server)
    service.upload("slow.json", json.dumps(SLOW))
    run_id = await service.start_run("slow_copy")
    await page.goto(server.url + f"/web/runs/{run_id}")
    await use_token(page)
    await expect(page.locator('g.task[data-task="wait"]')).to_have_attribute(
        "data-status", "running"
    )
    await page.get_by_role("button", name="Cancel run").click()
    await expect(page.locator("#confirm-text")).to_contain_text("Cancel this run")
    await page.locator("#confirm-ok").click()
    await expect(page.locator("#run-state")).to_have_text("cancelled")
    await expect(page.locator('g.task[data-task="wait"]')).to_have_attribute(
        "data-status", "cancelled"
    )
    await expect(page.get_by_role("button", name="Cancel run")).to_be_disabled()
    await expect(page.locator("#logs")).to_contain_text("cancelled from the web page")
    await shot(page, "run-cancelled")


async def test_link_from_post_api_web_opens_the_run_page(server: WebServer, page: Any) -> None:
    service = needs_service(server)
    service.upload("nightly.json", json.dumps(FLAKY))
    run_id = await service.start_run("nightly_report")
    async with httpx.AsyncClient(base_url=server.url) as client:
        link = await client.post("/api/web", json={"run_id": run_id}, headers=AUTH)
    assert link.status_code == 200
    await page.goto(link.json()["url"])
    await expect(page.locator("#run-title")).to_contain_text("nightly_report")
    await expect(page.locator('g.task[data-task="greeting"]')).to_be_visible()


EACH = {
    "dag_name": "read_each",
    "max_retries": 1,
    "retry_delay": 0,
    "tasks": [
        {
            "id": "make",
            "operation": "file.write",
            "independent_params": {"file": "a.txt", "content": "A"},
        },
        {
            "id": "names",
            "operation": "value.pass",
            "independent_params": {"value": ["a.txt", "missing.txt", "a.txt"]},
        },
        {
            "id": "read",
            "operation": "file.read",
            "dependencies": ["make", "names"],
            "for_each": "names",
            "on_item_failure": "continue",
            "dependent_params": {"file": "item"},
        },
    ],
}


async def test_task_detail_of_a_map_shows_each_items_attempts(server: WebServer, page: Any) -> None:
    service = needs_service(server)
    service.upload("each.json", json.dumps(EACH))
    run_id = await service.start_run("read_each")
    assert await service.wait(run_id) == "succeeded"  # on_item_failure: continue
    await page.goto(server.url + f"/web/runs/{run_id}")
    await page.locator('g.task[data-task="read"]').click()
    items = page.locator("#items tbody[data-item]")
    await expect(items).to_have_count(3)
    await expect(page.locator("#items caption")).to_contain_text("Items (3 of 3 ended)")
    ok, bad = page.locator('#items [data-item="0"]'), page.locator('#items [data-item="1"]')
    await expect(ok).to_have_attribute("data-status", "succeeded")
    await expect(ok.locator(".item-attempts")).to_have_text("1")
    await expect(ok).to_contain_text("read[0]")
    await expect(bad).to_have_attribute("data-status", "failed")
    await expect(bad.locator(".item-attempts")).to_have_text("2")
    await expect(bad).to_contain_text("file 'missing.txt' does not exist")
    await expect(bad.locator(".item-took")).to_have_text(re.compile(r"^\d+(\.\d)? m?s$"))
    await bad.get_by_text("each attempt of read[1]").click()
    tries = bad.locator("li.attempt")
    await expect(tries).to_have_count(2)
    await expect(tries.nth(0)).to_have_attribute("data-status", "failed")
    await expect(tries.nth(1)).to_contain_text("attempt 2")
    await shot(page, "run-map-items")
    assert page.js_errors == []
