"""Shared operation registry: the client's example operations, declared as the runner will."""

from __future__ import annotations

from typing import Any

import pytest

from fbruntime.pipelines import OperationSpec, ParamSpec

EXAMPLE_OPERATIONS = {
    "http.get_json": OperationSpec(
        "http.get_json",
        [
            ParamSpec("url", "str"),
            ParamSpec("headers", "dict|null", default=None),
            ParamSpec("timeout", "float", default=10.0),
        ],
    ),
    "json.to_string": OperationSpec(
        "json.to_string",
        [ParamSpec("value", "any"), ParamSpec("indent", "int|null", default=None)],
    ),
    "telegram.send_message": OperationSpec(
        "telegram.send_message",
        [
            ParamSpec("token", "str|null", default=None),
            ParamSpec("chat_id", "int|str"),
            ParamSpec("text", "str"),
        ],
    ),
}


def example_config() -> dict[str, Any]:
    """The client's example pipeline: HTTP JSON -> string -> Telegram message."""
    return {
        "dag_name": "weather_to_telegram",
        "max_retries": 3,
        "retry_delay": 5,
        "tasks": [
            {
                "id": "fetch",
                "operation": "http.get_json",
                "independent_params": {"url": "https://api.example.com/weather"},
                "dependent_params": {},
                "dependencies": [],
            },
            {
                "id": "format",
                "operation": "json.to_string",
                "independent_params": {"indent": 2},
                "dependent_params": {"value": "fetch.current"},
                "dependencies": ["fetch"],
            },
            {
                "id": "send",
                "operation": "telegram.send_message",
                "independent_params": {"token": "123:ABC", "chat_id": 42},
                "dependent_params": {"text": "Weather now: ${format}"},
                "dependencies": ["format"],
            },
        ],
    }


@pytest.fixture
def operations() -> dict[str, OperationSpec]:
    return dict(EXAMPLE_OPERATIONS)


# -- running pipelines: a store on tmp SQLite, the test clock, the shipped operations ---------

from collections.abc import AsyncIterator  # noqa: E402
from pathlib import Path  # noqa: E402

from fbruntime.core import TestClock  # noqa: E402
from fbruntime.loader import Loader  # noqa: E402
from fbruntime.pipelines import OperationRegistry, Services  # noqa: E402
from fbruntime.pipelines.recording import wall_time  # noqa: E402
from fbruntime.pipelines.service import PipelineService  # noqa: E402
from fbruntime.store import Store  # noqa: E402

from .servers import FakeTelegram, JsonApi  # noqa: E402

_REGISTRY: list[OperationRegistry] = []


def shipped_operations() -> OperationRegistry:
    """The operation blocks in blocks/ops, found by the Loader (once per session)."""
    if not _REGISTRY:
        _REGISTRY.append(OperationRegistry.from_loader(Loader()))
    return _REGISTRY[0]


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


@pytest.fixture
async def store(tmp_path: Path, clock: TestClock) -> AsyncIterator[Store]:
    opened = await Store.open(data_dir=tmp_path / "db", clock=lambda: wall_time(clock))
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def api() -> AsyncIterator[JsonApi]:
    server = JsonApi()
    async with server.server:
        yield server


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    async with fake.server:
        yield fake


@pytest.fixture
async def service(
    store: Store, tmp_path: Path, clock: TestClock, telegram: FakeTelegram
) -> AsyncIterator[PipelineService]:
    made = PipelineService(
        store,
        tmp_path / "data",
        shipped_operations(),
        clock,
        services=Services(telegram_api_url=telegram.api_url),
    )
    await made.start()
    try:
        yield made
    finally:
        await made.close()


@pytest.fixture
async def graph_service(
    store: Store, tmp_path: Path, clock: TestClock
) -> AsyncIterator[PipelineService]:
    """A service with the shipped operations and the graph tests' own (tests/graph_ops.py)."""
    from .graph_ops import graph_registry

    made = PipelineService(store, tmp_path / "data", graph_registry(), clock)
    await made.start(scheduler=False)
    try:
        yield made
    finally:
        await made.close()
