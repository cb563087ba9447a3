"""Pipeline runs: tasks, logs, listing, and runs interrupted by a crash."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fbruntime.store import INTERRUPTED, Conflict, NotFound, Store

from .conftest import FakeClock, OpenStore


async def test_a_run_is_created_with_its_tasks_pending(store: Store, clock: FakeClock) -> None:
    run = await store.runs.create(
        "weather", run_id="r1", params={"city": "Riga"}, trigger="cron", tasks=["fetch", "send"]
    )
    assert (run.id, run.status, run.started_at, run.ended_at) == ("r1", "running", clock.now, None)
    detail = await store.runs.require("r1")
    assert detail.run == run
    assert [(t.task_id, t.status, t.attempt) for t in detail.tasks] == [
        ("fetch", "pending", 0),
        ("send", "pending", 0),
    ]


async def test_run_ids_are_generated_and_unique(store: Store) -> None:
    a = await store.runs.create("p")
    b = await store.runs.create("p")
    assert a.id != b.id and len(a.id) == 32
    with pytest.raises(Conflict, match=f"run '{a.id}' already exists"):
        await store.runs.create("p", run_id=a.id)


async def test_task_state_records_attempts_errors_timings_and_outputs(
    store: Store, clock: FakeClock
) -> None:
    await store.runs.create("p", run_id="r1")
    started = clock.now
    await store.runs.set_task("r1", "fetch", "running", attempt=1, started_at=started)
    clock.advance(2)
    await store.runs.set_task("r1", "fetch", "retrying", error="HTTP 503", attempt=2)
    clock.advance(3)
    done = await store.runs.set_task(
        "r1", "fetch", "succeeded", error=None, output={"rows": [1, 2]}, ended_at=clock.now
    )
    assert (done.status, done.attempt, done.error, done.output) == (
        "succeeded",
        2,
        None,
        {"rows": [1, 2]},
    )
    assert (done.started_at, done.ended_at) == (started, clock.now)


async def test_task_updates_submitted_without_waiting_land_in_order(
    store: Store, clock: FakeClock
) -> None:
    run_id = store.runs.create_nowait("p", tasks=["a"])
    store.runs.set_task_nowait(run_id, "a", "running", attempt=1, started_at=clock.now)
    store.runs.log_nowait(run_id, "working", task_id="a")
    store.runs.set_task_nowait(run_id, "a", "succeeded", output=[1, "two"], ended_at=clock.now)
    store.runs.finish_nowait(run_id, "succeeded", archive_path="dag/dag_p/run.zip")
    await store.flush()
    detail = await store.runs.require(run_id)
    assert (detail.run.status, detail.run.archive_path) == ("succeeded", "dag/dag_p/run.zip")
    assert [(t.status, t.output) for t in detail.tasks] == [("succeeded", [1, "two"])]
    assert [(line.task_id, line.message) for line in detail.logs] == [("a", "working")]


async def test_logs_are_ordered_and_can_be_followed(store: Store, clock: FakeClock) -> None:
    await store.runs.create("p", run_id="r1")
    await store.runs.log("r1", "start")
    await store.runs.log("r1", "fetching", task_id="fetch", level="DEBUG")
    clock.advance(1)
    await store.runs.log("r1", "failed: timeout", task_id="fetch", level="ERROR")
    lines = await store.runs.logs("r1")
    assert [(ln.task_id, ln.level, ln.message) for ln in lines] == [
        (None, "INFO", "start"),
        ("fetch", "DEBUG", "fetching"),
        ("fetch", "ERROR", "failed: timeout"),
    ]
    assert lines[2].ts == clock.now
    assert [ln.message for ln in await store.runs.logs("r1", after_id=lines[0].id)] == [
        "fetching",
        "failed: timeout",
    ]
    assert len(await store.runs.logs("r1", task_id="fetch", limit=1)) == 1


async def test_runs_are_listed_newest_first_and_filtered(store: Store, clock: FakeClock) -> None:
    for run_id, pipeline in (("r1", "a"), ("r2", "b"), ("r3", "a")):
        clock.advance(1)
        await store.runs.create(pipeline, run_id=run_id)
    await store.runs.finish("r1", "failed", error="boom")
    assert [r.id for r in await store.runs.list()] == ["r3", "r2", "r1"]
    assert [r.id for r in await store.runs.list(pipeline="a")] == ["r3", "r1"]
    assert [r.id for r in await store.runs.list(status="failed")] == ["r1"]
    assert [r.id for r in await store.runs.list(limit=1, offset=1)] == ["r2"]


async def test_finish_records_end_time_and_error(store: Store, clock: FakeClock) -> None:
    await store.runs.create("p", run_id="r1")
    clock.advance(9)
    run = await store.runs.finish("r1", "failed", error="task 'send' failed after 3 attempts")
    assert (run.status, run.ended_at, run.error) == (
        "failed",
        clock.now,
        "task 'send' failed after 3 attempts",
    )


async def test_unfinished_runs_are_marked_interrupted_after_a_restart(
    open_store: OpenStore, clock: FakeClock
) -> None:
    store = await open_store()
    await store.runs.create("p", run_id="crashed", tasks=["a", "b", "c"])
    await store.runs.set_task("crashed", "a", "succeeded", output={"n": 1})
    await store.runs.set_task("crashed", "b", "running", attempt=2, error="first try failed")
    await store.runs.log("crashed", "b: attempt 1 failed", task_id="b", level="ERROR")
    await store.runs.create("p", run_id="queued", status="pending")
    await store.runs.create("p", run_id="done")
    await store.runs.finish("done", "succeeded")
    await store.close()

    clock.advance(60)
    reopened = await open_store()
    assert await reopened.runs.mark_interrupted() == ["crashed", "queued"]
    detail = await reopened.runs.require("crashed")
    assert (detail.run.status, detail.run.interrupted, detail.run.ended_at) == (
        INTERRUPTED,
        True,
        clock.now,
    )
    tasks = {t.task_id: (t.status, t.attempt, t.error, t.output) for t in detail.tasks}
    assert tasks == {
        "a": ("succeeded", 0, None, {"n": 1}),
        "b": (INTERRUPTED, 2, "first try failed", None),
        "c": (INTERRUPTED, 0, None, None),
    }
    assert detail.logs[0].message == "b: attempt 1 failed"
    assert "interrupted" in detail.logs[-1].message
    done = await reopened.runs.require("done")
    assert (done.run.status, done.run.interrupted) == ("succeeded", False)
    assert await reopened.runs.mark_interrupted() == []


async def test_a_missing_run_is_not_found(store: Store) -> None:
    assert await store.runs.get("nope") is None
    with pytest.raises(NotFound, match="run 'nope' does not exist"):
        await store.runs.require("nope")
    with pytest.raises(NotFound, match="run 'nope' does not exist"):
        await store.runs.update("nope", status="failed")


async def test_deleting_a_run_removes_its_tasks_and_logs(store: Store) -> None:
    await store.runs.create("p", run_id="r1", tasks=["a"])
    await store.runs.log("r1", "x", task_id="a")
    assert await store.runs.delete("r1") is True
    assert await store.runs.get("r1") is None
    assert await store.runs.logs("r1") == []
    assert await store.runs.delete("r1") is False


AT = datetime(2026, 3, 1, 12, 0, 1, 250, tzinfo=UTC)


async def _parent_with_a_child(store: Store) -> None:
    await store.runs.create("p", run_id="parent", tasks=["a", "b"])
    await store.runs.create(
        "c", run_id="child", tasks=["x"], parent_run_id="parent", parent_task_id="a"
    )
    store.runs.log_nowait("parent", "started a child", task_id="a")
    store.runs.attempts_nowait(
        "parent",
        [("a", 1, "failed", "boom", "E", "trace", AT, AT, 1.5)],
    )
    await store.flush()


async def test_a_run_and_its_children_read_together_are_what_separate_reads_give(
    store: Store,
) -> None:
    await _parent_with_a_child(store)
    both = await store.runs.get_with_children("parent")
    assert both is not None
    detail, children = both
    assert [line.message for line in detail.logs] == ["started a child"]
    assert [(a.task_id, a.error) for a in detail.attempts] == [("a", "boom")]
    assert [c.id for c in children] == ["child"]
    assert both == (await store.runs.get("parent"), await store.runs.children("parent"))
    assert await store.runs.get_with_children("nope") is None


async def test_run_reads_of_a_sqlite_file_go_to_a_reader_thread_and_in_memory_they_do_not(
    tmp_path: Path,
) -> None:
    on_file = await Store.open(data_dir=tmp_path)
    in_memory = await Store.open("sqlite+aiosqlite:///:memory:")
    try:
        assert on_file.db.reader is not None and in_memory.db.reader is None
        for store in (on_file, in_memory):
            await _parent_with_a_child(store)

        def readers() -> set[threading.Thread]:
            return {t for t in threading.enumerate() if t.name.startswith("fbrt-store-read")}

        before = readers()
        file_read = await on_file.runs.get_with_children("parent")
        after_file = readers()
        memory_read = await in_memory.runs.get_with_children("parent")
        assert after_file - before  # the file's read started its reader thread
        assert readers() == after_file  # the in-memory one's did not start any
        assert file_read is not None and memory_read is not None
        assert [t.task_id for t in file_read[0].tasks] == [t.task_id for t in memory_read[0].tasks]
        assert [c.id for c in memory_read[1]] == ["child"]
    finally:
        await on_file.close()
        await in_memory.close()
