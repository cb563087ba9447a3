"""The page in a real browser: the overview, an application's network with live values, firing
an event and writing a parameter, keyboard use, and a server that goes away and comes back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.web.conftest import BROWSER_MODULE, WebServer, recreate, shot, system_app, use_token

pytestmark = BROWSER_MODULE


@pytest.fixture
def server(module_server: WebServer) -> WebServer:
    return module_server


TIMES = "\u00d7"  # the counter prefix the page shows beside event pins


async def blink_and_counter(server: WebServer) -> None:
    """``blink`` toggles Q every 600 ms: longer than the page's sampling interval (250 ms, a
    little more on a loaded machine), so every level of Q is sampled and shown. A blink faster
    than the sampling can alias: sampled at a multiple of its period, Q looks constant."""
    orch = server.orch
    await recreate(orch, "blink", "E_BLINK", parameters={"DT": "T#600ms"}, start=True)
    orch.fire("blink", "START")
    await recreate(orch, "count", "Counter", parameters={"STEP": 5}, start=True)


async def test_overview_lists_applications_with_their_state_live(
    server: WebServer, page: Any
) -> None:
    await blink_and_counter(server)
    await page.goto(server.url + "/")
    assert page.url.endswith("/web/")
    row = page.locator('tr[data-app="blink"]')
    await expect(row.locator(".pill")).to_have_text("running")
    await expect(page.locator("#conn")).to_contain_text("live")
    await server.orch.stop("count")
    await expect(page.locator('tr[data-app="count"] .pill')).to_have_text("stopped")
    await shot(page, "overview")
    assert page.js_errors == []


async def test_composite_network_shows_values_and_counters_changing(
    server: WebServer, page: Any
) -> None:
    await blink_and_counter(server)
    await page.goto(server.url + "/web/apps/blink")
    cycle = page.locator('g.fb[data-block="Cycle"]')
    flip = page.locator('g.fb[data-block="Flip"]')
    await expect(cycle).to_be_visible()
    await expect(flip).to_be_visible()
    # Connections are drawn: the composite's START reaches Cycle.START, Flip.Q reaches Q.
    await expect(
        page.locator('path.edge-event[data-from="START"][data-to="Cycle.START"]')
    ).to_have_count(1)
    await expect(page.locator('path.edge-data[data-from="Flip.Q"][data-to="Q"]')).to_have_count(1)
    # Live: the toggle counter on Flip.CLK grows, Q flips between TRUE and FALSE.
    clk = page.locator('[data-watch="Flip.CLK"]')
    await expect(clk).to_have_text(re.compile(TIMES + r"\d+"))
    first = int((await clk.text_content() or TIMES + "0")[1:])
    await expect(clk).not_to_have_text(f"{TIMES}{first}")
    q = page.locator('[data-watch="Flip.Q"]')
    await expect(q).to_have_text(re.compile("TRUE|FALSE"))
    seen = {await q.text_content()}
    await expect(q).not_to_have_text(next(iter(seen)) or "")
    await shot(page, "app-composite")
    assert page.js_errors == []


async def test_firing_an_event_and_writing_a_parameter_show_their_effect(
    server: WebServer, page: Any
) -> None:
    await blink_and_counter(server)
    await page.goto(server.url + "/web/apps/count")
    await use_token(page)
    # An app made from one basic block shows that block and selects it.
    await expect(page.locator("#details h2")).to_have_text("Counter")
    await page.get_by_role("button", name="Fire event CU").click()
    await expect(page.locator('[data-watch="CV"]')).to_have_text("5")
    await page.get_by_label("New value for STEP").fill("7")
    await page.get_by_label("New value for STEP").press("Enter")
    await expect(page.locator('[data-watch="STEP"]')).to_have_text("7")
    await page.get_by_role("button", name="Fire event CU").click()
    await expect(page.locator('[data-watch="CV"]')).to_have_text("12")
    await expect(page.locator('[data-live="CU"]')).to_have_text(re.compile(r"^2\b"))
    await shot(page, "app-fire-and-write")
    # A bad value is refused with the server's reason.
    await page.get_by_label("New value for STEP").fill("lots")
    await page.get_by_label("New value for STEP").press("Enter")
    await expect(page.locator("#notice")).to_contain_text("STEP")
    assert page.js_errors == []


async def test_controls_without_token_say_the_token_is_needed(server: WebServer, page: Any) -> None:
    await blink_and_counter(server)
    await page.goto(server.url + "/web/apps/count")
    await page.get_by_role("button", name="Fire event CU").click()
    await expect(page.locator("#notice")).to_contain_text("API token")


async def test_lifecycle_buttons_stop_and_start_the_application(
    server: WebServer, page: Any
) -> None:
    await blink_and_counter(server)
    await page.goto(server.url + "/web/apps/count")
    await use_token(page)
    await expect(page.get_by_role("button", name="Start", exact=True)).to_be_disabled()
    await page.get_by_role("button", name="Stop", exact=True).click()
    # Stopping asks first; saying no changes nothing.
    await page.locator("#confirm-cancel").click()
    await expect(page.locator("#app-state")).to_have_text("running")
    assert server.orch.app("count").state == "running"
    await page.get_by_role("button", name="Stop", exact=True).click()
    await expect(page.locator("#confirm-text")).to_contain_text("Stop the application")
    await page.locator("#confirm-ok").click()
    await expect(page.locator("#app-state")).to_have_text("stopped")
    await expect(page.get_by_role("button", name="Stop", exact=True)).to_be_disabled()
    await expect(page.get_by_role("button", name="Fire event CU")).to_be_disabled()
    assert server.orch.app("count").state == "stopped"
    await page.get_by_role("button", name="Start", exact=True).click()
    await expect(page.locator("#app-state")).to_have_text("running")


async def test_keyboard_reaches_a_block_and_opens_its_details(server: WebServer, page: Any) -> None:
    await blink_and_counter(server)
    await page.goto(server.url + "/web/apps/blink")
    await expect(page.locator('g.fb[data-block="Cycle"]')).to_be_visible()
    for _ in range(40):
        await page.keyboard.press("Tab")
        label = await page.evaluate("document.activeElement.getAttribute('aria-label') || ''")
        if label.startswith("Block Cycle"):
            break
    else:
        raise AssertionError("Tab never reached the block Cycle")
    await page.keyboard.press("Enter")
    await expect(page.locator("#details h2")).to_have_text("Cycle")
    await expect(page.get_by_role("button", name="Fire event Cycle.START")).to_be_visible()
    await shot(page, "app-keyboard-details")


async def test_page_says_when_the_server_is_gone_and_recovers(server: WebServer, page: Any) -> None:
    await blink_and_counter(server)
    await page.goto(server.url + "/web/apps/blink")
    await expect(page.locator("#conn")).to_contain_text("live")
    await expect(page.locator('[data-watch="Flip.Q"]')).to_have_text(re.compile("TRUE|FALSE"))
    await server.stop()
    await expect(page.locator("#conn")).to_contain_text("server unreachable")
    # The last known network and values stay on the page.
    await expect(page.locator('g.fb[data-block="Flip"]')).to_be_visible()
    await expect(page.locator('[data-watch="Flip.Q"]')).to_have_text(re.compile("TRUE|FALSE"))
    await shot(page, "server-gone")
    await server.start()
    await expect(page.locator("#conn")).to_contain_text("live", timeout=15000)
    clk = page.locator('[data-watch="Flip.CLK"]')
    before = await clk.text_content()
    await expect(clk).not_to_have_text(before or "")
    await shot(page, "server-back")


async def test_subapp_groups_open_to_their_inside_and_show_a_block_fault(
    server: WebServer, page: Any
) -> None:
    app = system_app(server.orch)
    app.start()
    await page.goto(server.url + "/web/apps/plant")
    # A system with one resource opens straight at that resource's network.
    await page.wait_for_url(lambda url: url.endswith("level=RES"))
    await expect(page.locator('g.fb[data-block="Source"]')).to_be_visible()
    await use_token(page)
    await page.locator('g.fb[data-block="Source"]').click()
    await page.get_by_label("New value for Source.IN").fill("41")
    await page.get_by_label("New value for Source.IN").press("Enter")
    await page.get_by_role("button", name="Fire event Source.REQ").click()
    await expect(page.locator('[data-watch="Source.OUT"]')).to_have_text("42")
    await shot(page, "system-resource")
    await page.get_by_role("link", name="Subapplication Line, open").press("Enter")
    await page.wait_for_url(lambda url: url.endswith("level=Line"))
    await expect(page.locator('[data-watch="Line.In.OUT"]')).to_have_text("43")
    await page.get_by_role("link", name="Subapplication Sub, open").click()
    check = page.locator('g.fb[data-block="Line.Sub.Check"]')
    await expect(check).to_have_class(re.compile("faulted"))
    await expect(check.locator(".fb-fault")).to_contain_text("sensor offline")
    await expect(page.locator('[data-watch="Line.Sub.Out.OUT"]')).to_have_text("44")
    crumbs = page.get_by_role("navigation", name="Network level")
    await expect(crumbs).to_contain_text(re.compile(r"plant\W+RES\W+Line\W+Sub"))
    await shot(page, "system-subapp-fault")
    assert page.js_errors == []
