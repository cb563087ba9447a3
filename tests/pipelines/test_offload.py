"""Where synchronous operations run: a thread the event loop never waits for."""

from __future__ import annotations

import asyncio
import threading

from fbruntime.pipelines.offload import ThreadPool


async def test_a_call_runs_on_a_thread_and_a_cancelled_one_is_abandoned() -> None:
    pool = ThreadPool(2)
    assert await pool.run(threading.get_ident) != threading.get_ident()
    release, entered, results = threading.Event(), threading.Event(), []

    def stuck() -> str:
        entered.set()
        release.wait()
        results.append("finished")
        return "late"

    waiting = asyncio.ensure_future(pool.run(stuck))
    await asyncio.to_thread(entered.wait)
    waiting.cancel()  # what a timeout does
    await asyncio.gather(waiting, return_exceptions=True)
    assert waiting.cancelled() and pool.abandoned == 1 and pool.busy == 1
    # The other thread still serves while the first one is stuck.
    assert await pool.run(lambda: 41 + 1) == 42
    release.set()
    while pool.busy:  # the abandoned call ends by itself; its result goes nowhere
        await asyncio.sleep(0)
    assert results == ["finished"]
    pool.close()


async def test_a_call_waiting_for_a_thread_is_skipped_once_given_up() -> None:
    pool = ThreadPool(1)
    release, ran = threading.Event(), []
    first = asyncio.ensure_future(pool.run(release.wait))
    queued = asyncio.ensure_future(pool.run(lambda: ran.append("queued")))
    await asyncio.sleep(0)
    queued.cancel()
    await asyncio.gather(queued, return_exceptions=True)
    release.set()
    await first
    assert await pool.run(lambda: "next") == "next"
    assert ran == []
    pool.close()
