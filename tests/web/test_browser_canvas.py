"""The FB network as a canvas in a real browser: a 100-FB 4diac system, dragged, zoomed around
the pointer, fitted, searched; laid out where the file's x/y put the blocks; subapps with their
own pins outside and their boundary pins inside."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from fbruntime.orchestrator import Application
from tests.web.conftest import BROWSER_MODULE, WebServer, shot
from tests.web.plant import plant_system, reversed_system

pytestmark = BROWSER_MODULE


@pytest.fixture
def server(module_server: WebServer) -> WebServer:
    return module_server


async def system(server: WebServer, name: str, path: Any) -> Application:
    orch = server.orch
    if name in {a.name for a in orch.apps()}:
        return orch.app(name)
    return await orch.create_system(name, path=str(path), start=True)


async def flat_plant(server: WebServer) -> str:
    """The 100-FB application drawn in one network; returns the page of that level."""
    assert server.folder is not None
    app = await system(server, "flat", plant_system(server.folder, flat=True))
    assert sum(1 for b in app.blocks() if b["path"].startswith("Plant.")) == 100  # one name
    server.orch.fire("flat", "Plant.Clock.START")
    return server.url + "/web/apps/flat?level=_default.Plant"


async def transform(page: Any) -> tuple[float, float, float]:
    graph = page.locator("#graph")
    zoom = float(await graph.get_attribute("data-zoom") or "nan")
    x, y = (float(v) for v in (await graph.get_attribute("data-pan") or "0,0").split(","))
    return zoom, x, y


async def box_of(page: Any, selector: str) -> dict[str, float]:
    box = await page.locator(selector).bounding_box()
    assert box is not None, selector
    return dict(box)


async def test_a_hundred_blocks_pan_zoom_and_fit(server: WebServer, page: Any) -> None:
    await page.goto(await flat_plant(server))
    graph = page.locator("#graph")
    await expect(page.locator("#graph g.fb[data-block]")).to_have_count(100)
    await expect(graph).to_have_attribute("data-layout", "file")
    # The first view is readable (zoom 0.6 or more), the minimap shows the rest.
    zoom, _, _ = await transform(page)
    assert zoom >= 0.6
    await expect(page.locator("#graph svg.minimap .mini-box")).to_have_count(100)
    await expect(page.locator('[data-watch="Plant.L1_C0.CU"]')).to_have_text(
        re.compile("\u00d7[1-9]")
    )
    await shot(page, "canvas-100-fbs", full_page=False)

    # Drag the background: the drawing moves by as much as the pointer did.
    area = await box_of(page, "#graph svg.canvas")
    before = await box_of(page, '[data-block="Plant.Clock"]')
    _, x0, y0 = await transform(page)
    sx, sy = area["x"] + area["width"] - 260, area["y"] + 30
    await page.mouse.move(sx, sy)
    await page.mouse.down()
    await page.mouse.move(sx - 150, sy + 90, steps=6)
    await page.mouse.up()
    _, x1, y1 = await transform(page)
    assert (round(x1 - x0), round(y1 - y0)) == (-150, 90)
    after = await box_of(page, '[data-block="Plant.Clock"]')
    assert abs(after["x"] - before["x"] + 150) < 2 and abs(after["y"] - before["y"] - 90) < 2

    # Fit shows every block inside the view.
    await page.get_by_role("button", name="Fit").click()
    for name in ("Clock", "L1_S0", "L4_W7", "L4_C7"):
        b = await box_of(page, f'[data-block="Plant.{name}"]')
        assert area["x"] <= b["x"] and b["x"] + b["width"] <= area["x"] + area["width"] + 1
        assert area["y"] <= b["y"] and b["y"] + b["height"] <= area["y"] + area["height"] + 1
    # Wheel zoom keeps the point under the pointer where it is.
    target = await box_of(page, '[data-block="Plant.Fan2"]')
    px, py = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    await page.mouse.move(px, py)
    zoom0, _, _ = await transform(page)
    await page.mouse.wheel(0, -300)
    await expect(graph).not_to_have_attribute("data-zoom", f"{zoom0:.3f}")
    zoom1, _, _ = await transform(page)
    assert zoom1 > zoom0
    grown = await box_of(page, '[data-block="Plant.Fan2"]')
    assert grown["width"] > target["width"] * 1.1
    assert abs(grown["x"] + grown["width"] / 2 - px) < 3
    assert abs(grown["y"] + grown["height"] / 2 - py) < 3

    assert page.js_errors == []


async def test_search_centres_and_selects_a_block(server: WebServer, page: Any) -> None:
    await page.goto(await flat_plant(server))
    await expect(page.locator("#graph g.fb[data-block]")).to_have_count(100)
    await page.get_by_label("Find block").fill("l3_w5")
    await page.get_by_label("Find block").press("Enter")
    block = page.locator('[data-block="Plant.L3_W5"]')
    await expect(block).to_have_class(re.compile("found"))
    await expect(page.locator("#details h2")).to_have_text("L3_W5")
    area = await box_of(page, "#graph svg.canvas")
    b = await box_of(page, '[data-block="Plant.L3_W5"] polygon.fb-box')
    assert abs(b["x"] + b["width"] / 2 - (area["x"] + area["width"] / 2)) < 4
    assert abs(b["y"] + b["height"] / 2 - (area["y"] + area["height"] / 2)) < 4
    await page.get_by_label("Find block").fill("no such block")
    await page.get_by_label("Find block").press("Enter")
    await expect(page.locator("#search-result")).to_contain_text("no block matches")


async def test_layout_follows_the_files_x_and_y(server: WebServer, page: Any) -> None:
    assert server.folder is not None
    await system(server, "backwards", reversed_system(server.folder))
    await page.goto(server.url + "/web/apps/backwards?level=Flow")
    await expect(page.locator("#graph")).to_have_attribute("data-layout", "file")
    xs = {}
    ys = {}
    for name in ("First", "Second", "Third"):
        g = page.locator(f'[data-block="Flow.{name}"]')
        xs[name] = float(await g.get_attribute("data-x") or "nan")
        ys[name] = float(await g.get_attribute("data-y") or "nan")
    # The file draws Second (x=100) left of Third (1500) left of First (3000), although First
    # feeds Second: a data-flow layout would put First first.
    assert xs["Second"] < xs["Third"] < xs["First"]
    assert ys["First"] == ys["Third"] < ys["Second"]
    # A network the file does not place (a composite type's inside) is laid out in layers.
    orch = server.orch
    if "blinky" not in {a.name for a in orch.apps()}:
        await orch.create("blinky", "E_BLINK", parameters={"DT": "T#1s"}, start=True)
    await page.goto(server.url + "/web/apps/blinky")
    await expect(page.locator("#graph")).to_have_attribute("data-layout", "layered")


async def test_subapps_show_their_own_pins_outside_and_boundary_pins_inside(
    server: WebServer, page: Any
) -> None:
    assert server.folder is not None
    await system(server, "lines", plant_system(server.folder))
    server.orch.fire("lines", "Plant.Clock.START")
    await page.goto(server.url + "/web/apps/lines?level=Plant")
    line = page.locator('g.subapp[data-group="Plant.Line1"]')
    await expect(line).to_be_visible()
    # Outside: the subapp's own pins, and the connection ends on them, not on inner FBs.
    labels = await line.locator(".pin-label").all_text_contents()
    assert sorted(labels) == ["COUNT", "DONE", "START"]
    await expect(
        page.locator('path.edge[data-from="Plant.Fan1.EO1"][data-to="Plant.Line1.START"]')
    ).to_have_count(1)
    assert await page.locator('path.edge[data-to*="S0"]').count() == 0
    await shot(page, "subapps-outside")
    # Inside: the boundary pins, wired to the inner FBs.
    await line.click()
    await page.wait_for_url(re.compile(r"level=Plant\.Line1$"))
    await expect(page.locator('[data-border="in"] .pin-label')).to_have_text(["START"])
    await expect(page.locator('[data-border="out"] .pin-label')).to_have_text(["DONE", "COUNT"])
    await expect(
        page.locator('path.edge[data-from="START"][data-to="Plant.Line1.S0.EI"]')
    ).to_have_count(1)
    await expect(
        page.locator('path.edge-data[data-from="Plant.Line1.C0.CV"][data-to="COUNT"]')
    ).to_have_count(1)
    await expect(page.locator("#graph g.fb[data-block]")).to_have_count(24)
    await shot(page, "subapp-inside")
    assert page.js_errors == []
