"""The single writer: batching, ordering, draining on close, and failures that are not lost."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event

from fbruntime.store import Store, StoreWriteError, WriteFailure, WriterClosed

from .conftest import OpenStore


def count_commits(store: Store) -> list[int]:
    """Count COMMITs on the engine from now on (reads never commit)."""
    commits = [0]

    def on_commit(_connection: Any) -> None:
        commits[0] += 1

    event.listen(store.db.engine.sync_engine, "commit", on_commit)
    return commits


async def test_many_submits_are_committed_in_few_batches(open_store: OpenStore) -> None:
    store = await open_store(max_batch=100, max_delay=60.0)
    run = await store.runs.create("etl")
    commits = count_commits(store)
    for i in range(1000):
        store.runs.log_nowait(run.id, f"line {i}")
    await store.flush()
    assert 10 <= commits[0] <= 11
    lines = await store.runs.logs(run.id)
    assert [line.message for line in lines] == [f"line {i}" for i in range(1000)]


async def test_submit_returns_before_anything_is_written(store: Store) -> None:
    run = await store.runs.create("etl")
    store.runs.log_nowait(run.id, "queued")
    assert store.writer.pending == 1
    assert await store.runs.logs(run.id) == []
    await store.flush()
    assert [line.message for line in await store.runs.logs(run.id)] == ["queued"]


async def test_a_lone_submit_is_committed_after_the_delay_without_a_flush(
    open_store: OpenStore,
) -> None:
    store = await open_store(max_delay=0.01)
    run = await store.runs.create("etl")
    committed = asyncio.Event()
    event.listen(store.db.engine.sync_engine, "commit", lambda _c: committed.set())
    store.runs.log_nowait(run.id, "alone")
    await asyncio.wait_for(committed.wait(), timeout=10)  # no flush asked for yet
    await store.flush()  # only waits for that commit to finish; nothing is left to write
    assert [line.message for line in await store.runs.logs(run.id)] == ["alone"]


async def test_a_full_batch_is_committed_without_waiting_for_the_delay(
    open_store: OpenStore,
) -> None:
    store = await open_store(max_batch=10, max_delay=3600.0)
    run = await store.runs.create("etl")
    two_commits = asyncio.Event()
    commits = [0]

    def on_commit(_connection: Any) -> None:
        commits[0] += 1
        if commits[0] == 2:
            two_commits.set()

    event.listen(store.db.engine.sync_engine, "commit", on_commit)
    for i in range(25):
        store.runs.log_nowait(run.id, f"line {i}")
    await asyncio.wait_for(two_commits.wait(), timeout=10)  # no flush asked for yet
    await store.flush()
    assert commits[0] == 3
    assert len(await store.runs.logs(run.id)) == 25


async def test_close_drains_the_queue(open_store: OpenStore) -> None:
    store = await open_store(max_delay=60.0)
    run = await store.runs.create("etl")
    for i in range(500):
        store.runs.log_nowait(run.id, f"line {i}")
    await store.close()
    reopened = await open_store()
    assert len(await reopened.runs.logs(run.id)) == 500


async def test_awaited_and_submitted_writes_keep_their_order(store: Store) -> None:
    await store.applications.create("plant", "system")
    store.applications.set_state_nowait("plant", "running")
    await store.applications.update("plant", state="stopped")
    store.applications.set_state_nowait("plant", "failed", "boom")
    await store.flush()
    app = await store.applications.get("plant")
    assert app is not None
    assert (app.state, app.last_error) == ("failed", "boom")


async def test_a_failed_submit_is_raised_by_the_next_flush_and_spares_its_batch(
    open_store: OpenStore,
) -> None:
    failures: list[WriteFailure] = []
    store = await open_store(max_delay=60.0)
    store.writer._on_error = failures.append
    run = await store.runs.create("etl")
    store.runs.log_nowait(run.id, "before")
    store.runs.set_task_nowait("no-such-run", "fetch", "running")
    store.runs.log_nowait(run.id, "after")
    with pytest.raises(StoreWriteError, match="no-such-run") as raised:
        await store.flush()
    assert len(raised.value.failures) == 1
    assert "does not exist" in str(raised.value.failures[0].error)
    assert [f.operation for f in failures] == [raised.value.failures[0].operation]
    assert [line.message for line in await store.runs.logs(run.id)] == ["before", "after"]
    await store.flush()  # reported once, not again


async def test_a_failed_awaited_write_raises_to_its_caller_only(store: Store) -> None:
    run = await store.runs.create("etl")
    store.runs.log_nowait(run.id, "kept")
    with pytest.raises(LookupError, match="run 'missing' does not exist"):
        await store.runs.set_task("missing", "fetch", "running")
    await store.flush()
    assert [line.message for line in await store.runs.logs(run.id)] == ["kept"]


async def test_failures_not_yet_flushed_are_raised_by_close(store: Store) -> None:
    store.runs.log_nowait("missing", "orphan line")
    with pytest.raises(StoreWriteError):
        await store.close()


async def test_writes_after_close_are_refused(store: Store) -> None:
    await store.close()
    with pytest.raises(WriterClosed):
        store.runs.log_nowait("any", "late")
    with pytest.raises(WriterClosed):
        await store.settings.set("k", 1)


@pytest.mark.parametrize(("option", "value"), [("max_batch", 0), ("max_delay", -1.0)])
async def test_writer_options_are_checked(open_store: OpenStore, option: str, value: float) -> None:
    with pytest.raises(ValueError, match=option):
        await open_store(**{option: value})
