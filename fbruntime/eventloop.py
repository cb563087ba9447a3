"""The event loop every fbrt command runs on: uvloop when installed (it is a dependency).

Resources, timers, async handlers, pipelines and the HTTP server share one loop, so its own
overhead is paid on every external event and task hand-over; uvloop halves it.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_loop"]

T = TypeVar("T")


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` on uvloop when it is installed, else on asyncio's default loop."""
    if importlib.util.find_spec("uvloop") is not None:
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)
