"""The /api/web routes and the pages over HTTP (no browser): network levels, throttled live
frames, static files, redirects and the token rule."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fbruntime.api import ApiSettings, create_app
from fbruntime.core import Device
from fbruntime.orchestrator import Application, Orchestrator
from fbruntime.web import STATIC_DIR, web_routers
from tests.web.conftest import AUTH, TOKEN, Relay, spinning_app, system_app
from tests.web.plant import plant_system


@pytest.fixture
async def web(orch: Orchestrator) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(orch, ApiSettings(token=TOKEN), web_routers(orch, None, live_interval=0.05))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def frames(text: str) -> list[dict[str, Any]]:
    out = []
    for block in text.split("\n\n"):
        data = [line[5:].strip() for line in block.splitlines() if line.startswith("data:")]
        if data:
            out.append(json.loads("\n".join(data)))
    return out


async def test_root_redirects_to_the_overview_page(web: httpx.AsyncClient) -> None:
    response = await web.get("/")
    assert response.status_code == 307
    assert response.headers["location"] == "/web/"
    page = await web.get("/web/")
    assert page.status_code == 200
    assert '<label for="token">API token</label>' in page.text
    assert "/web/static/overview.js" in page.text


async def test_page_escapes_names_from_the_url(web: httpx.AsyncClient) -> None:
    page = await web.get('/web/apps/%3Cb%20onclick%3D"x"%3E')
    assert page.status_code == 404  # no such application; the 404 page names it, escaped
    assert '<b onclick="x">' not in page.text
    assert "&lt;b onclick=&quot;x&quot;&gt;" in page.text


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("common.js", "text/javascript"),
        ("fbrt.css", "text/css"),
        ("vendor/dagre.min.js", "text/javascript"),
        ("vendor/dagre.LICENSE.txt", "text/plain"),
    ],
)
async def test_static_files_are_served_from_the_package(
    web: httpx.AsyncClient, path: str, media: str
) -> None:
    response = await web.get(f"/web/static/{path}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.content == (STATIC_DIR / path).read_bytes()


async def test_static_route_refuses_paths_outside_its_folder(web: httpx.AsyncClient) -> None:
    response = await web.get("/web/static/..%2F__init__.py")
    assert response.status_code == 404


async def test_composite_level_lists_inner_blocks_border_and_connections(
    orch: Orchestrator, web: httpx.AsyncClient
) -> None:
    await orch.create("blink", "E_BLINK")
    net = (await web.get("/api/web/apps/blink/network")).json()
    assert {b["name"] for b in net["blocks"]} == {"Cycle", "Flip"}
    assert net["border"]["type"] == "E_BLINK"
    ends = {
        (c["kind"], c["from"]["block"], c["from"]["pin"], c["to"]["block"], c["to"]["pin"])
        for c in net["connections"]
    }
    assert ("event", "", "START", "Cycle", "START") in ends
    assert ("data", "Flip", "Q", "", "Q") in ends
    flip = next(b for b in net["blocks"] if b["name"] == "Flip")
    assert [p["name"] for p in flip["interface"]["event_inputs"]] == ["CLK"]
    assert flip["interface"]["data_outputs"] == [{"name": "Q", "type": "BOOL"}]
    assert flip["openable"] is False


async def test_system_level_groups_flattened_subapps(
    orch: Orchestrator, web: httpx.AsyncClient
) -> None:
    system_app(orch)
    top = (await web.get("/api/web/apps/plant/network")).json()
    assert [r["name"] for r in top["resources"]] == ["RES"]
    res = (await web.get("/api/web/apps/plant/network", params={"level": "RES"})).json()
    assert [b["name"] for b in res["blocks"]] == ["Source"]
    assert [(g["id"], g["name"], g["subapp"]) for g in res["groups"]] == [("Line", "Line", False)]
    assert {
        "kind": "event",
        "from": {"block": "Source", "pin": "CNF"},
        "to": {"block": "Line", "pin": "In.REQ"},
    } in res["connections"]
    # Levels are addressed by one names; the resource-qualified form still leads there.
    for level in ("Line", "RES.Line"):
        line = (await web.get("/api/web/apps/plant/network", params={"level": level})).json()
        assert line["level"] == "Line"
        assert [b["name"] for b in line["blocks"]] == ["In"]
        assert line["blocks"][0]["path"] == "Line.In"
        assert [(g["id"], g["path"]) for g in line["groups"]] == [("Line.Sub", "Line.Sub")]
        assert [(c["label"], c["path"]) for c in line["crumbs"]] == [
            ("plant", ""),
            ("RES", "RES"),
            ("Line", "Line"),
        ]


async def test_an_application_over_two_resources_has_a_group_in_each_named_by_its_resource(
    orch: Orchestrator, web: httpx.AsyncClient
) -> None:
    device = Device("spread", clock=orch.clock)
    device.add_resource("RES1").add("App.A", Relay)
    device.add_resource("RES2").add("App.B", Relay)
    orch._apps["spread"] = Application("spread", "system", device, clock=orch.clock)
    res1 = (await web.get("/api/web/apps/spread/network", params={"level": "RES1"})).json()
    assert [(g["name"], g["path"]) for g in res1["groups"]] == [("App", "RES1.App")]
    # The group is ambiguous, its blocks are not: App.A is RES1's alone.
    inside = (await web.get("/api/web/apps/spread/network", params={"level": "RES1.App"})).json()
    assert [b["path"] for b in inside["blocks"]] == ["App.A"]
    assert [c["path"] for c in inside["crumbs"]] == ["", "RES1", "RES1.App"]
    block = (await web.get("/api/web/apps/spread/network", params={"level": "App.B"})).json()
    assert block["level"] == "App.B" and block["blocks"][0]["path"] == "App.B"
    ambiguous = await web.get("/api/web/apps/spread/network", params={"level": "App"})
    assert ambiguous.status_code == 404
    assert "say RES1.App, RES2.App" in ambiguous.json()["detail"]


async def test_unknown_level_is_not_found(orch: Orchestrator, web: httpx.AsyncClient) -> None:
    await orch.create("blink", "E_BLINK")
    response = await web.get("/api/web/apps/blink/network", params={"level": "Nope"})
    assert response.status_code == 404
    assert "Nope" in response.json()["detail"]
    live = await web.get("/api/web/apps/blink/live", params={"level": "Nope"})
    assert live.status_code == 404


async def test_live_frames_carry_values_counters_and_then_only_changes(
    orch: Orchestrator, web: httpx.AsyncClient
) -> None:
    await orch.create("count", "Counter", parameters={"STEP": 3}, start=True)
    first = frames((await web.get("/api/web/apps/count/live", params={"max_frames": 1})).text)
    assert first == [
        {
            "full": True,
            "app": {"state": "running", "error": None},
            "values": {"STEP": "3", "CV": "0"},
            "counts": {"CU": 0, "CO": 0},
            "blocks": {"": {"state": "running", "ecc": None, "forced": [], "fault": None}},
        }
    ]


async def test_live_counts_are_the_engines_totals_since_the_block_was_created(
    orch: Orchestrator,
) -> None:
    from fbruntime.web.live import LevelWatch

    app = await orch.create("count", "Counter", start=True)
    device = app.device
    assert device is not None
    for _ in range(3):
        orch.fire("count", "CU")
    await device.settle()
    # A page opened after the events still sees them (not counted "since the page opened").
    watch = LevelWatch.open(app, "")
    sample = watch.sample()
    assert sample["counts"] == {"CU": 3, "CO": 3}
    assert sample["values"]["CV"] == "3"
    version = device.resources["RES"].network.version
    watch.close()
    # Watching installed nothing: no relink, no counters left behind.
    _, inst, _ = app.resolve("")
    assert not inst.rt__event_counts and not getattr(inst, "rt__subscribers", None)
    assert device.resources["RES"].network.version == version
    orch.fire("count", "CU")
    await device.settle()
    assert LevelWatch.open(app, "").sample()["counts"] == {"CU": 4, "CO": 4}


async def test_overview_lists_apps_and_says_there_are_no_pipelines(
    orch: Orchestrator, web: httpx.AsyncClient
) -> None:
    await orch.create("count", "Counter")
    data = (await web.get("/api/web/overview")).json()
    assert [(a["name"], a["state"], a["blocks"]) for a in data["apps"]] == [("count", "created", 1)]
    assert data["pipelines"] is None
    run = await web.get("/api/web/runs/abc")
    assert run.status_code == 501
    assert "pipeline service" in run.json()["detail"]


async def test_starting_a_run_needs_the_token(web: httpx.AsyncClient) -> None:
    refused = await web.post("/api/web/pipelines/x/runs", json={})
    assert refused.status_code == 401
    with_token = await web.post("/api/web/pipelines/x/runs", json={}, headers=AUTH)
    assert with_token.status_code == 501


def test_every_vendored_script_ships_with_its_licence() -> None:
    vendor = STATIC_DIR / "vendor"
    scripts = sorted(p.name for p in vendor.glob("*.js"))
    assert scripts == ["dagre.min.js"]
    for name in scripts:
        licence = vendor / (name.split(".")[0] + ".LICENSE.txt")
        assert "Permission is hereby granted" in licence.read_text()
        assert name in (vendor / "README.md").read_text()


async def test_live_stream_sends_one_frame_per_interval_however_many_events_run(
    orch: Orchestrator, web: httpx.AsyncClient
) -> None:
    app = spinning_app(orch)
    app.start()
    orch.fire("spin", "RES.Spin.REQ")
    response = await web.get(
        "/api/web/apps/spin/live", params={"level": "RES", "max_frames": 4, "interval": 0.05}
    )
    sent = frames(response.text)
    assert len(sent) == 4
    counts = [f["counts"]["Spin.REQ"] for f in sent]
    assert counts == sorted(counts)
    assert counts[0] < counts[-1]


async def test_network_carries_the_files_positions_and_subapp_pins(
    orch: Orchestrator, web: httpx.AsyncClient, tmp_path: Path
) -> None:
    await orch.create_system("lines", path=str(plant_system(tmp_path)), start=True)
    net = (await web.get("/api/web/apps/lines/network", params={"level": "_default.Plant"})).json()
    clock = next(b for b in net["blocks"] if b["name"] == "Clock")
    assert clock["pos"] == [100.0, 1600.0] and net["positioned"] is True
    line = next(g for g in net["groups"] if g["name"] == "Line1")
    assert line["subapp"] is True and line["pos"] == [4000.0, 0.0]
    assert [p["name"] for p in line["interface"]["event_inputs"]] == ["START"]
    assert [p["name"] for p in line["interface"]["data_outputs"]] == ["COUNT"]
    # Connections end on the subapp's own pins, never on the FBs inside it.
    ends = {(c["to"]["block"], c["to"]["pin"]) for c in net["connections"]}
    assert ("Plant.Line1", "START") in ends
    assert not any("." in pin for _, pin in ends)
    inside = (await web.get("/api/web/apps/lines/network", params={"level": "Plant.Line1"})).json()
    assert inside["border"]["subapp"] is True
    assert {
        "kind": "event",
        "from": {"block": "", "pin": "START"},
        "to": {"block": "Plant.Line1.S0", "pin": "EI"},
    } in inside["connections"]
    feeds = next(b for b in inside["blocks"] if b["name"] == "W0")["connected"]
    assert feeds == {"G": "Plant.Line1.C0.Q"}


async def test_overview_names_the_latest_fault_with_its_place_and_no_server_paths(
    orch: Orchestrator, web: httpx.AsyncClient
) -> None:
    definition = {"name": "Trap", "blocks": [{"name": "Check", "type": "Boom"}]}
    await orch.create("trap", definition=definition, start=True)
    orch.fire("trap", "Check.REQ")
    await orch.app("trap").device.settle()  # type: ignore[union-attr]
    apps = (await web.get("/api/web/overview")).json()["apps"]
    trap = next(a for a in apps if a["name"] == "trap")
    problem = trap["problem"]
    assert trap["faults"] == 1 and problem["block"] == "Check"
    assert problem["kind"] == "ValueError" and problem["count"] == 1
    assert problem["message"] == "sensor offline in config.ini"
    assert re.fullmatch(r"Boom\.py:\d+", problem["where"])
    assert problem["at"] > 0


async def test_pages_of_unknown_things_are_404(web: httpx.AsyncClient) -> None:
    for path in ("/web/apps/nope", "/web/runs/nope", "/web/pipelines/nope"):
        page = await web.get(path)
        assert page.status_code == 404, path
        assert "There is no" in page.text and "nope" in page.text
