"""Changing things from the page in a real browser: the token checked when entered, force and
release with a visible marker, a write that a connection will overwrite saying so, ECC states,
readable faults, 404 pages, and /docs with no way out of the machine."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from fbruntime.cli.serve import demo_system
from fbruntime.core import Device
from fbruntime.orchestrator import Application
from tests.web.conftest import AUTH, BROWSER_MODULE, TOKEN, Relay, WebServer, shot, use_token

pytestmark = BROWSER_MODULE

DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


@pytest.fixture
def server(module_server: WebServer) -> WebServer:
    return module_server


PAIR = {
    "name": "Pair",
    "description": "Source feeds In; Check fails",
    "blocks": [
        {"name": "Source", "type": "Relay"},
        {"name": "In", "type": "Relay"},
        {"name": "Check", "type": "Boom"},
    ],
    "connections": [["Source.CNF", "In.REQ"], ["Source.OUT", "In.IN"]],
}


async def pair(server: WebServer) -> None:
    if "pair" not in {a.name for a in server.orch.apps()}:
        await server.orch.create("pair", definition=PAIR, start=True)


async def test_token_is_checked_when_entered(server: WebServer, page: Any) -> None:
    await pair(server)
    await page.goto(server.url + "/web/apps/pair")
    await page.get_by_label("API token").fill("not-the-token")
    await page.get_by_role("button", name="Use token").click()
    await expect(page.locator("#token-state")).to_have_text("token refused")
    await expect(page.locator("#notice")).to_contain_text("not the server's API token")
    assert await page.evaluate("sessionStorage.getItem('fbrt.token')") is None
    await page.get_by_label("API token").fill(TOKEN)
    await page.get_by_role("button", name="Use token").click()
    await expect(page.locator("#token-state")).to_have_text("token accepted")
    assert await page.evaluate("sessionStorage.getItem('fbrt.token')") == TOKEN
    # A stored token the server no longer takes is dropped when the next page opens.
    await page.evaluate("sessionStorage.setItem('fbrt.token', 'stale')")
    await page.reload()
    await expect(page.locator("#token-state")).to_contain_text("refused")
    assert page.js_errors == []


async def test_force_holds_a_pin_with_a_marker_and_release_lets_go(
    server: WebServer, page: Any
) -> None:
    await pair(server)
    await page.goto(server.url + "/web/apps/pair")
    await use_token(page)
    await page.locator('g.fb[data-block="In"]').click()
    await expect(page.locator("#details h2")).to_have_text("In")
    # A write to a connected input is kept only until the connection's next event: it says so.
    await expect(page.locator("#details")).to_contain_text("fed by Source.OUT")
    await page.get_by_label("New value for In.IN").fill("5")
    await page.get_by_label("New value for In.IN").press("Enter")
    await expect(page.locator("#notice")).to_contain_text("Source.OUT overwrites it")
    # Force holds the value; the page marks the pin on the block and in the details.
    await page.get_by_label("New value for In.IN").fill("7")
    await page.get_by_role("button", name="Force In.IN").click()
    tag = page.locator('[data-watch="In.IN"]')
    await expect(tag).to_have_text(re.compile(r"^⚑ 7"))
    await expect(tag).to_have_class(re.compile("forced"))
    await expect(page.locator('g.fb[data-block="In"]')).to_have_class(re.compile("has-forced"))
    await expect(page.locator('#details tr[data-pin="IN"] .force-mark')).to_be_visible()
    await shot(page, "force-marker")
    # The source fires: the forced input keeps 7, so In.OUT becomes 8.
    await server.orch.write("pair", "Source.IN", 41)
    server.orch.fire("pair", "Source.REQ")
    await expect(page.locator('[data-watch="In.OUT"]')).to_have_text("8")
    await expect(page.locator('[data-watch="In.OUT"]')).to_have_text("8")
    await expect(tag).to_have_text(re.compile(r"^⚑ 7"))
    await page.get_by_role("button", name="Release In.IN").click()
    await expect(tag).not_to_have_class(re.compile("forced"))
    await expect(page.locator('#details tr[data-pin="IN"] .force-mark')).to_be_hidden()
    server.orch.fire("pair", "Source.REQ")
    await expect(page.locator('[data-watch="In.OUT"]')).to_have_text("43")
    assert page.js_errors == []


async def test_a_fault_reads_kind_message_count_and_date_without_server_paths(
    server: WebServer, page: Any
) -> None:
    await pair(server)
    server.orch.fire("pair", "Check.REQ")
    server.orch.fire("pair", "Check.REQ")
    await page.goto(server.url + "/web/apps/pair")
    check = page.locator('g.fb[data-block="Check"]')
    await expect(check).to_have_class(re.compile("faulted"))
    await expect(check.locator(".fb-fault")).to_contain_text("ValueError: sensor offline")
    await check.locator("polygon.fb-box").click()
    fault = page.locator("#sel-fault")
    await expect(fault).to_contain_text("Fault: ValueError")
    await expect(fault).to_contain_text("sensor offline")
    await expect(fault).to_contain_text(re.compile(r"[2-9]\d* times"))
    await expect(fault).to_contain_text(DATE_TIME)
    await expect(fault).to_contain_text(re.compile(r"at Boom\.py:\d+"))
    text = await fault.text_content() or ""
    assert "config.ini" in text and "/srv" not in text and "/" not in text
    # The overview's Problem column names the block and the fault.
    await page.goto(server.url + "/web/")
    problem = page.locator('tr[data-app="pair"] td.error')
    await expect(problem).to_contain_text("ValueError")
    await expect(problem).to_contain_text("Check")
    await expect(problem).to_contain_text(DATE_TIME)
    await shot(page, "overview-fault")


def twin_app(server: WebServer) -> None:
    """Two resources each holding a ``Pump``; only the first holds ``Valve``."""
    orch = server.orch
    if "twin" in {a.name for a in orch.apps()}:
        return
    device = Device("twin", clock=orch.clock)
    for res_name in ("RES1", "RES2"):
        device.add_resource(res_name).add("Pump", Relay)
    device.resources["RES1"].add("Valve", Relay)
    app = Application("twin", "system", device, clock=orch.clock)
    orch._apps["twin"] = app
    app.start()


async def test_page_names_pins_as_rest_does_and_forces_by_that_name(
    server: WebServer, page: Any
) -> None:
    twin_app(server)
    await page.goto(server.url + "/web/apps/twin")
    await page.get_by_role("link", name="Resource RES1, open").click()
    await page.wait_for_url(re.compile(r"level=RES1$"))
    # Valve is RES1's alone: no prefix. Pump is in both resources: RES1.Pump.
    shown = page.locator("#graph g.fb[data-block]")
    await expect(shown).to_have_count(2)
    on_page = {await g.get_attribute("data-block") for g in await shown.all()}
    async with httpx.AsyncClient(base_url=server.url, headers=AUTH) as rest:
        blocks = (await rest.get("/api/apps/twin")).json()["blocks"]
        assert on_page == {"RES1.Pump", "Valve"}
        assert on_page < {b["path"] for b in blocks}
        assert "RES2.Pump" in {b["path"] for b in blocks}
        await use_token(page)
        # Force and fire from the page by the one names; REST reports the same names.
        await page.locator('g.fb[data-block="Valve"] polygon.fb-box').click()
        await page.get_by_label("New value for Valve.IN").fill("5")
        await page.get_by_role("button", name="Force Valve.IN").click()
        await expect(page.locator('[data-watch="Valve.IN"]')).to_have_text(re.compile(r"^⚑ 5"))
        await page.locator('g.fb[data-block="RES1.Pump"] polygon.fb-box').click()
        await expect(page.locator("#details h2")).to_have_text("Pump")
        await page.get_by_label("New value for RES1.Pump.IN").fill("9")
        await page.get_by_role("button", name="Force RES1.Pump.IN").click()
        await expect(page.locator('[data-watch="RES1.Pump.IN"]')).to_have_text(re.compile("^⚑ 9"))
        forces = (await rest.get("/api/apps/twin/forces")).json()
        assert {(f["path"], f["literal"]) for f in forces} == {
            ("Valve.IN", "5"),
            ("RES1.Pump.IN", "9"),
        }
        await page.get_by_role("button", name="Fire event RES1.Pump.REQ").click()
        await expect(page.locator('[data-watch="RES1.Pump.OUT"]')).to_have_text("10")
        out = (await rest.get("/api/apps/twin/values/RES1.Pump.OUT")).json()
        assert (out["path"], out["literal"]) == ("RES1.Pump.OUT", "10")
        other = (await rest.get("/api/apps/twin/values/RES2.Pump.OUT")).json()
        assert other["literal"] == "0"
        # An unqualified Pump is ambiguous for REST and for the page's levels alike.
        assert (await rest.get("/api/apps/twin/values/Pump.OUT")).status_code == 404
        level = await rest.get("/api/web/apps/twin/network", params={"level": "Pump"})
        assert level.status_code == 404 and "RES1.Pump" in level.json()["detail"]
        for path in ("Valve.IN", "RES1.Pump.IN"):
            await rest.delete(f"/api/apps/twin/forces/{path}")
    assert page.js_errors == []


async def test_basic_blocks_show_their_ecc_state(server: WebServer, page: Any) -> None:
    orch = server.orch
    if "demo" not in {a.name for a in orch.apps()}:
        await orch.create_system("demo", path=str(demo_system()), start=True)
    await page.goto(server.url + "/web/apps/demo?level=BlinkRes.BlinkApp")
    text = page.locator('g.fb[data-block="BlinkApp.Text"]')
    await expect(text.locator(".fb-ecc")).to_have_text(re.compile(r"◉ \w+"))
    await text.locator("polygon.fb-box").click()
    await expect(page.locator("#sel-ecc")).to_have_text(re.compile(r"\w+"))
    # The subapp Pulse shows its own pins.
    pulse = page.locator('g.subapp[data-group="BlinkApp.Pulse"]')
    await expect(pulse.locator(".pin-label")).to_have_text(["START", "STOP", "TOGGLED", "Q"])


async def test_unknown_pages_are_404_pages(server: WebServer, page: Any) -> None:
    for path, what in (
        ("/web/apps/nope", "application"),
        ("/web/runs/0123abc", "run"),
        ("/web/pipelines/nope", "pipeline"),
    ):
        response = await page.goto(server.url + path)
        assert response is not None and response.status == 404
        await expect(page.locator("#missing")).to_contain_text(f"There is no {what} named")
    assert page.js_errors == []


async def test_docs_work_with_no_network(server: WebServer, page: Any) -> None:
    outside: list[str] = []

    async def local_only(route: Any) -> None:
        if route.request.url.startswith(server.url):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await page.route("**/*", local_only)
    await page.goto(server.url + "/docs")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("fbrt")
    await expect(page.locator(".swagger-ui")).to_contain_text("/api/apps/{name}/forces/{path}")
    assert outside == []


async def test_counters_are_totals_since_the_block_was_created(
    server: WebServer, page: Any
) -> None:
    orch = server.orch
    if "tally" in {a.name for a in orch.apps()}:
        await orch.delete("tally")
    app = await orch.create("tally", "Counter", start=True)
    for _ in range(3):
        orch.fire("tally", "CU")
    assert app.device is not None
    await app.device.settle()
    # Opened after the events, the page shows them: counts are the engine's, not the page's.
    await page.goto(server.url + "/web/apps/tally")
    await expect(page.locator('[data-watch="CU"]')).to_have_text("\u00d73")
    await expect(page.locator('[data-watch="CO"]')).to_have_text("\u00d73")
    await expect(page.locator('#details [data-live="CU"]')).to_have_text(re.compile(r"^3\b"))
