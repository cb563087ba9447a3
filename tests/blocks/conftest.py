"""Fixtures of the block library tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fbruntime.core import ResourceState

from .rig import Rig


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    r = Rig()
    yield r
    if r.res.state is ResourceState.RUNNING:
        r.res.kill()
