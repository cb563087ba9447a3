"""Pipelines in a real browser, as Airflow users expect them: a 30-task run whose graph stays put
(while it runs, and for its rerun) with no edge behind a box, each task's detail (params, result,
every attempt), the runs x tasks grid and the Gantt, and upload, validate, run with parameters
and schedule from the page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.web.conftest import BROWSER_MODULE, WebServer, shot, use_token

pytestmark = BROWSER_MODULE

DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
KINDS = ["fetch", "parse", "merge", "store", "report"]


@pytest.fixture
def server(module_server: WebServer) -> Any:
    if module_server.service is None:
        pytest.skip("the pipeline service is not available")
    return module_server


def thirty_tasks() -> dict[str, Any]:
    """30 tasks in chains of six, crossing over; t17 reads a missing file (and is retried),
    the t?3 tasks wait a little so the run can be watched while it runs."""
    names = [f"t{i:02d}_{KINDS[i % 5]}" for i in range(30)]
    tasks = []
    for i, name in enumerate(names):
        deps = [j for j in ([i - 1] if i % 6 else []) + ([i - 8] if i >= 8 and i % 4 == 0 else [])]
        task: dict[str, Any] = {
            "id": name,
            "operation": "value.pass",
            "independent_params": {"value": i},
            "dependencies": [names[j] for j in deps if j >= 0],
        }
        if i % 10 == 3:
            task["operation"] = "time.delay"
            task["independent_params"] = {"seconds": 2.0 if i == 3 else 0.3}
        if i == 17:
            task["operation"] = "file.read"
            task["independent_params"] = {"file": "missing.txt"}
        tasks.append(task)
    return {"dag_name": "plant_report", "max_retries": 1, "retry_delay": 0.2, "tasks": tasks}


async def positions(page: Any) -> dict[str, tuple[str, str]]:
    return dict(
        await page.eval_on_selector_all(
            "#graph g.task",
            "gs => gs.map(g => [g.dataset.task, [g.dataset.x, g.dataset.y]])",
        )
    )


async def open_task(page: Any, task: str) -> None:
    """Tab to a task box and press Enter (it may lie outside the part of the graph in view)."""
    await page.locator(f'g.task[data-task="{task}"]').focus()
    await page.keyboard.press("Enter")


EDGES_CLEAR = """() => {
  const boxes = [...document.querySelectorAll('#graph g.task')].map(g => {
    const r = g.querySelector('rect');
    return { id: g.dataset.task, x: +g.dataset.x, y: +g.dataset.y, w: +r.getAttribute('width'), h: +r.getAttribute('height') };
  });
  const hits = [];
  for (const p of document.querySelectorAll('#graph path.edge')) {
    const len = p.getTotalLength();
    for (let s = 6; s < len - 6; s += 4) {
      const pt = p.getPointAtLength(s);
      for (const b of boxes) {
        if (b.id === p.dataset.from || b.id === p.dataset.to) continue;
        if (pt.x > b.x + 1 && pt.x < b.x + b.w - 1 && pt.y > b.y + 1 && pt.y < b.y + b.h - 1) {
          hits.push(p.dataset.from + '->' + p.dataset.to + ' under ' + b.id);
        }
      }
    }
  }
  return [...new Set(hits)];
}"""


async def test_a_30_task_run_keeps_its_layout_and_shows_each_task(
    server: WebServer, page: Any
) -> None:
    service = server.service
    service.upload("plant_report.json", json.dumps(thirty_tasks()))
    run_id = await service.start_run("plant_report")
    await page.goto(server.url + f"/web/runs/{run_id}")
    await expect(page.locator("#graph g.task")).to_have_count(30)
    await expect(page.locator('g.task[data-task="t03_store"]')).to_have_attribute(
        "data-status", "running"
    )
    while_running = await positions(page)
    await expect(page.locator("#run-state")).to_have_text("failed", timeout=20000)
    assert await positions(page) == while_running
    assert await page.evaluate(EDGES_CLEAR) == []
    await expect(page.locator("#run-meta")).to_contain_text(DATE_TIME)
    # The Gantt has a bar per task that ran; t17 failed after two attempts.
    await expect(page.locator("#gantt rect.gantt-bar")).to_have_count(30)
    await expect(page.locator('#gantt rect.gantt-bar[data-task="t17_merge"]')).to_have_class(
        re.compile("st-failed")
    )
    await shot(page, "run-30-tasks", full_page=False)

    # Task detail: params, every attempt with its error and times.
    await open_task(page, "t17_merge")
    detail = page.locator("#task-detail")
    await expect(detail.locator("h3")).to_contain_text("t17_merge")
    await expect(detail).to_contain_text("missing.txt")
    attempts = detail.locator("li.attempt")
    await expect(attempts).to_have_count(2)
    await expect(attempts.nth(0)).to_contain_text("does not exist")
    await expect(attempts.nth(1)).to_contain_text("does not exist")
    await expect(attempts.nth(1)).to_contain_text(DATE_TIME)
    await expect(page.locator("#log-task")).to_have_value("t17_merge")
    await shot(page, "run-task-detail")
    # ... and the result of one that succeeded.
    await open_task(page, "t12_merge")
    await expect(detail.locator("h3")).to_contain_text("t12_merge")
    await expect(page.locator("#task-result")).to_have_text("12")
    await expect(attempts).to_have_count(1)

    # The rerun shows the same picture.
    await use_token(page)
    await page.get_by_role("button", name="Rerun failed tasks").click()
    await page.wait_for_url(lambda url: not url.endswith(run_id))
    await expect(page.locator("#graph g.task")).to_have_count(30)
    assert await positions(page) == while_running
    await expect(page.locator("#run-state")).to_have_text("failed", timeout=20000)
    assert page.js_errors == []


async def test_runs_grid_lists_runs_against_tasks(server: WebServer, page: Any) -> None:
    service = server.service
    config = thirty_tasks()
    config["dag_name"] = "grid_report"
    for t in config["tasks"]:
        if t["operation"] == "time.delay":
            t["independent_params"] = {"seconds": 0}
    service.upload("grid_report.json", json.dumps(config))
    ids = []
    for _ in range(3):
        ids.append(await service.start_run("grid_report"))
        await service.wait(ids[-1])
    await page.goto(server.url + "/web/pipelines/grid_report")
    grid = page.locator("#runs-grid")
    await expect(grid.locator("tbody tr")).to_have_count(30)
    await expect(grid.locator("thead th[data-run]")).to_have_count(3)
    # Oldest first, left to right, each header a link to its run.
    heads = await grid.locator("thead th[data-run]").evaluate_all(
        "hs => hs.map(h => h.dataset.run)"
    )
    assert heads == ids
    for run_id in ids:
        await expect(
            grid.locator(f'td[data-run="{run_id}"][data-task="t17_merge"]')
        ).to_have_attribute("data-status", "failed")
        await expect(
            grid.locator(f'td[data-run="{run_id}"][data-task="t00_fetch"]')
        ).to_have_attribute("data-status", "succeeded")
    await shot(page, "pipeline-grid")
    await grid.locator(f'td[data-run="{ids[0]}"][data-task="t17_merge"] a').click()
    await page.wait_for_url(re.compile(ids[0] + "$"))


async def test_upload_validate_run_with_parameters_and_schedule_from_the_page(
    server: WebServer, page: Any
) -> None:
    await page.goto(server.url + "/web/")
    await use_token(page)
    await page.locator("#upload summary").click()
    bad = {"dag_name": "hello", "tasks": [{"id": "a", "operation": "no.such.op"}]}
    await page.get_by_label("or paste it, with a file name").fill("hello.json")
    await page.get_by_label("Config text").fill(json.dumps(bad))
    await page.get_by_role("button", name="Validate").click()
    await expect(page.locator("#upload-result")).to_contain_text("no.such.op")
    good = {
        "dag_name": "hello",
        "tasks": [
            {"id": "greet", "operation": "value.pass", "independent_params": {"value": "hi"}},
            {
                "id": "echo",
                "operation": "value.pass",
                "dependent_params": {"value": "greet"},
                "dependencies": ["greet"],
            },
        ],
    }
    await page.get_by_label("Config text").fill(json.dumps(good))
    await page.get_by_role("button", name="Validate").click()
    await expect(page.locator("#upload-result")).to_contain_text("valid: hello, 2 layers")
    await page.get_by_role("button", name="Upload", exact=True).click()
    await expect(page.locator("#upload-result")).to_contain_text("uploaded hello")
    await page.locator('#pipelines-table a[href="/web/pipelines/hello"]').click()

    # Run with parameters: the form starts from the file's own.
    box = page.get_by_label(re.compile("Parameters per task"))
    await expect(box).to_have_value(re.compile('"value": "hi"'))
    await box.fill(json.dumps({"greet": {"value": "hello from the page"}}))
    await page.get_by_role("button", name="Start run").click()
    await page.wait_for_url(re.compile(r"/web/runs/[0-9a-f]+$"))
    await expect(page.locator("#run-state")).to_have_text("succeeded")
    await open_task(page, "echo")
    await expect(page.locator("#task-result")).to_have_text('"hello from the page"')
    await open_task(page, "greet")
    await expect(page.locator("#task-detail")).to_contain_text("set for this run: value")

    # Schedule it, and take the schedule away again.
    await page.goto(server.url + "/web/pipelines/hello")
    await page.get_by_label("Cron (minute hour day month weekday)").fill("*/5 * * * *")
    await page.get_by_role("button", name="Save schedule").click()
    await expect(page.locator("#schedule-now")).to_contain_text("*/5 * * * *")
    schedules = await server.service.schedules("hello")
    assert [s.cron for s in schedules] == ["*/5 * * * *"]
    await page.get_by_role("button", name="Remove schedule").click()
    await expect(page.locator("#schedule-now")).to_have_text("Not scheduled.")
    assert page.js_errors == []
