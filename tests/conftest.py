"""Shared fixtures: every resource a test starts is killed at the end, so no task outlives it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from fbruntime.core import Resource, ResourceState

_started: list[Resource] = []
_original_start = Resource.start


def _tracking_start(self: Resource) -> None:
    _started.append(self)
    _original_start(self)


@pytest.fixture(autouse=True)
async def _kill_resources() -> AsyncIterator[None]:
    Resource.start = _tracking_start  # type: ignore[method-assign]
    try:
        yield
    finally:
        Resource.start = _original_start  # type: ignore[method-assign]
        for res in _started:
            if res.state is ResourceState.RUNNING:
                res.kill()
        _started.clear()
        await asyncio.sleep(0)
