"""Fixtures: a real uvicorn server (the ``fbrt serve`` app plus the web routers) on a free
127.0.0.1 port, and a headless chromium driven by Playwright.

Browser test modules share one server and one browser per module (``pytestmark =
BROWSER_MODULE``: the module's tests run in one event loop); each test gets a fresh browser
context (its own storage) and makes its own applications (:func:`recreate`). The API tests
keep a server per test (``server``), which is cheap without a browser.

The browser tests skip, saying why, when Playwright or the system chromium is missing.
Screenshots go to ``artifacts/web/`` at the repository root (git-ignored) for people to look at.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn

from fbruntime.api import ApiSettings, create_app
from fbruntime.core import (
    Block,
    DataInput,
    DataOutput,
    Device,
    EventInput,
    EventOutput,
    Resource,
    ResourceState,
)
from fbruntime.loader import Loader
from fbruntime.orchestrator import Application, Orchestrator
from fbruntime.store import Store
from fbruntime.web import web_routers
from tests.conftest import _original_start, _started, _tracking_start

TOKEN = "web-test-token-42"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

COUNTER = """
from fbruntime.core import Block, DataOutput, EventInput, EventOutput, Parameter


class Counter(Block):
    name = "Counter"
    version = "1.0"
    description = "counts CU by STEP"

    CU = EventInput()
    CO = EventOutput(with_=("CV",))
    STEP = Parameter("INT", 1)
    CV = DataOutput("DINT")

    def on_CU(self) -> None:
        self.CV += self.STEP
        self.CO()
"""


RELAY = """
from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class Relay(Block):
    name = "Relay"
    version = "1.0"
    description = "OUT = IN + 1 on REQ"

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("INT")
    OUT = DataOutput("INT")

    def on_REQ(self) -> None:
        self.OUT = self.IN + 1
        self.CNF()
"""

BOOM = """
from fbruntime.core import Block, EventInput


class Boom(Block):
    name = "Boom"
    version = "1.0"
    description = "fails on every REQ"

    REQ = EventInput()

    def on_REQ(self) -> None:
        raise ValueError("sensor offline in /srv/plant/secret/config.ini")
"""


class Relay(Block):
    name = "Relay"
    version = "1.0"
    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("INT")
    OUT = DataOutput("INT")

    def on_REQ(self) -> None:
        self.OUT = self.IN + 1
        self.CNF()


class Boom(Block):
    name = "Boom"
    version = "1.0"
    REQ = EventInput()

    def on_REQ(self) -> None:
        raise ValueError("sensor offline")


def system_app(orch: Orchestrator) -> Application:
    """A system as the 4diac importer leaves it: subapp members flattened to dotted names."""
    device = Device("plant", clock=orch.clock)
    res = device.add_resource("RES")
    res.add("Source", Relay)
    res.add("Line.In", Relay)
    res.add("Line.Sub.Out", Relay)
    res.connect("Source.CNF", "Line.In.REQ")
    res.connect("Source.OUT", "Line.In.IN")
    res.add("Line.Sub.Check", Boom)
    res.connect("Line.In.CNF", "Line.Sub.Out.REQ")
    res.connect("Line.In.OUT", "Line.Sub.Out.IN")
    res.connect("Line.Sub.Out.CNF", "Line.Sub.Check.REQ")
    app = Application("plant", "system", device, clock=orch.clock)
    orch._apps["plant"] = app
    return app


class Spin(Block):
    """Sends CNF for every REQ; wired CNF -> REQ it keeps its resource as busy as it can be."""

    name = "Spin"
    version = "1.0"
    REQ = EventInput()
    CNF = EventOutput()

    def on_REQ(self) -> None:
        self.CNF()


def spinning_app(orch: Orchestrator) -> Application:
    device = Device("spin", clock=orch.clock)
    res = device.add_resource("RES")
    res.add("Spin", Spin)
    res.connect("Spin.CNF", "Spin.REQ")
    app = Application("spin", "system", device, clock=orch.clock)
    orch._apps["spin"] = app
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class WebServer:
    """The app served by uvicorn; :meth:`stop` and :meth:`start` keep the Orchestrator."""

    orch: Orchestrator
    app: Any
    port: int
    service: Any = None
    folder: Path | None = None
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = field(default=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="critical",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.get_running_loop().create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._server = self._task = None


def blocks_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "blocks"
    folder.mkdir(exist_ok=True)
    (folder / "Counter.py").write_text(COUNTER)
    (folder / "Relay.py").write_text(RELAY)
    (folder / "Boom.py").write_text(BOOM)
    return folder


@pytest.fixture
async def orch(tmp_path: Path) -> AsyncIterator[Orchestrator]:
    store = await Store.open(data_dir=tmp_path / "data")
    o = Orchestrator(Loader([blocks_folder(tmp_path)], store=store, rescan_interval=0), store)
    o._owns_store = True
    try:
        yield o
    finally:
        await o.close()


def pipeline_service(orch: Orchestrator, tmp_path: Path) -> Any:
    """The pipeline service over the same store, or None while that package is unfinished."""
    try:
        from fbruntime.pipelines.service import PipelineService
    except ImportError:
        return None
    assert orch.store is not None
    return PipelineService(orch.store, tmp_path / "data", orch.loader)


async def _serve(orch: Orchestrator, tmp_path: Path) -> AsyncIterator[WebServer]:
    service = pipeline_service(orch, tmp_path)
    if service is not None:
        await service.start(scheduler=False)
    routers = web_routers(orch, service)
    if service is not None:
        from fbruntime.api.context import write_access
        from fbruntime.pipelines.routes import pipelines_router

        routers.append(pipelines_router(service, write_access))
    app = create_app(orch, ApiSettings(token=TOKEN), routers)
    web = WebServer(orch, app, free_port(), service)
    await web.start()
    try:
        yield web
    finally:
        await web.stop()
        if service is not None:
            await service.close()


@pytest.fixture
async def server(orch: Orchestrator, tmp_path: Path) -> AsyncIterator[WebServer]:
    async for web in _serve(orch, tmp_path):
        yield web


BROWSER_MODULE = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WebServer]:
    """One server (store, Orchestrator, pipelines, web page) for a whole browser module."""
    tmp = tmp_path_factory.mktemp("web")
    store = await Store.open(data_dir=tmp / "data")
    o = Orchestrator(Loader([blocks_folder(tmp)], store=store, rescan_interval=0), store)
    o._owns_store = True
    try:
        async for web in _serve(o, tmp):
            web.folder = tmp
            yield web
    finally:
        await o.close()


@pytest.fixture(autouse=True)
def _kill_resources(request: pytest.FixtureRequest) -> Iterator[None]:
    """tests/conftest.py's, except for tests on a module's shared server: its applications live
    for the whole module (the module's Orchestrator kills them when it closes)."""
    if "module_server" in request.fixturenames:
        yield
        return
    Resource.start = _tracking_start  # type: ignore[method-assign]
    try:
        yield
    finally:
        Resource.start = _original_start  # type: ignore[method-assign]
        for res in _started:
            if res.state is ResourceState.RUNNING:
                res.kill()
        _started.clear()


async def recreate(orch: Orchestrator, name: str, *args: Any, **kwargs: Any) -> Application:
    """The application ``name`` made afresh (deleted first if an earlier test left it)."""
    if name in {a.name for a in orch.apps()}:
        await orch.delete(name)
    return await orch.create(name, *args, **kwargs)


@pytest.fixture
async def client(server: WebServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as c:
        yield c


# -- the browser ----------------------------------------------------------------------------------


def browser_missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return "the system chromium is missing (apt-get install -y chromium)"
    return None


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Any]:
    """One headless chromium for a whole module."""
    reason = browser_missing()
    if reason is not None:
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=str(executable), args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            await b.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Any) -> AsyncIterator[Any]:
    """A fresh context and page (1400x900) per test; ``page.js_errors`` collects page errors."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    p = await context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.js_errors = errors  # the tests assert the page threw nothing
    try:
        yield p
    finally:
        with contextlib.suppress(Exception):
            await context.close()


async def use_token(page: Any) -> None:
    await page.get_by_label("API token").fill(TOKEN)
    await page.get_by_role("button", name="Use token").click()
    await page.get_by_text("token accepted").first.wait_for()


async def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """A screenshot for people to look at; ``full_page=False`` keeps it to the 1400x900 view."""
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path
