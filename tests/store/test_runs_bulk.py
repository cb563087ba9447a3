"""Bulk progress writes: many task rows and log lines in one write, read back like single ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from fbruntime.store import Store, StoreWriteError
from fbruntime.store.run_records import sqlite_time
from fbruntime.store.run_writes import json_text

from .conftest import FakeClock

OUTPUTS: list[Any] = [{"a": [1, 2.5, None]}, ["x", True], "text", 7, 0.25, None, True, 'é"\n', -3]


def full_row(task_id: str, output: Any, at: datetime) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "status": "succeeded",
        "attempt": 2,
        "error": None,
        "output": output,
        "started_at": at,
        "ended_at": at + timedelta(microseconds=1500),
        "updated_at": at + timedelta(seconds=1),
    }


@pytest.mark.parametrize("output", OUTPUTS)
async def test_a_bulk_row_reads_back_as_the_same_single_write_would(
    store: Store, clock: FakeClock, output: Any
) -> None:
    await store.runs.create("p", run_id="r1", tasks=["single", "bulk"])
    at = datetime(2026, 3, 1, 13, 14, 15, 123456, tzinfo=timezone(timedelta(hours=3)))
    clock.now = at + timedelta(seconds=1)
    await store.runs.set_task(
        "r1",
        "single",
        "succeeded",
        attempt=2,
        error=None,
        output=output,
        started_at=at,
        ended_at=at + timedelta(microseconds=1500),
    )
    store.runs.set_tasks_nowait("r1", [full_row("bulk", output, at)])
    await store.flush()
    tasks = {t.task_id: t for t in (await store.runs.require("r1")).tasks}
    single, bulk = tasks["single"], tasks["bulk"]
    assert (bulk.status, bulk.attempt, bulk.error, bulk.output) == (
        single.status,
        single.attempt,
        single.error,
        single.output,
    )
    assert (bulk.started_at, bulk.ended_at, bulk.updated_at) == (
        single.started_at,
        single.ended_at,
        single.updated_at,
    )
    assert bulk.started_at is not None and bulk.started_at.tzinfo is not None
    assert bulk.started_at == at


async def test_many_rows_are_written_at_once_and_later_changes_to_the_dicts_do_not_leak(
    store: Store,
) -> None:
    ids = [f"t{i}" for i in range(500)]
    await store.runs.create("p", run_id="r1", tasks=ids)
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    rows = [full_row(t, i, at) for i, t in enumerate(ids)]
    store.runs.set_tasks_nowait("r1", rows)
    for row in rows:
        row["status"] = "changed later"
    await store.flush()
    tasks = (await store.runs.require("r1")).tasks
    assert {(t.task_id, t.status, t.output) for t in tasks} == {
        (t, "succeeded", i) for i, t in enumerate(ids)
    }


async def test_rows_for_tasks_the_run_does_not_have_change_nothing(store: Store) -> None:
    await store.runs.create("p", run_id="r1", tasks=["a"])
    await store.runs.create("p", run_id="r2", tasks=["a"])
    store.runs.set_tasks_nowait("r1", [full_row("zz", 1, datetime(2026, 3, 1, tzinfo=UTC))])
    await store.flush()
    for run_id in ("r1", "r2"):
        (task,) = (await store.runs.require(run_id)).tasks
        assert (task.task_id, task.status) == ("a", "pending")


async def test_a_naive_timestamp_is_refused(store: Store) -> None:
    await store.runs.create("p", run_id="r1", tasks=["a"])
    store.runs.set_tasks_nowait("r1", [full_row("a", 1, datetime(2026, 3, 1))])
    with pytest.raises(StoreWriteError, match="naive datetime"):
        await store.flush()


async def test_log_lines_are_appended_in_bulk_in_order(store: Store) -> None:
    await store.runs.create("p", run_id="r1", tasks=["a"])
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    store.runs.logs_nowait(
        "r1",
        [
            {"message": "run started", "ts": at},
            {"message": "attempt 1 failed", "ts": at, "task_id": "a", "level": "WARNING"},
        ],
    )
    store.runs.logs_nowait("r1", [])
    await store.flush()
    lines = (await store.runs.require("r1")).logs
    assert [(line.task_id, line.level, line.message) for line in lines] == [
        (None, "INFO", "run started"),
        ("a", "WARNING", "attempt 1 failed"),
    ]


async def test_a_task_detail_is_written_in_bulk_and_kept_by_later_plain_rows(
    store: Store, clock: FakeClock
) -> None:
    await store.runs.create("p", run_id="r1", tasks=["skipped", "mapped"])
    at = clock.now
    detail = {"map": {"total": 3, "succeeded": 2, "failed": 1}, "failed_items": [{"index": 1}]}
    store.runs.set_tasks_nowait(
        "r1",
        [
            {**full_row("skipped", None, at), "status": "skipped", "detail": {"reason": "no"}},
            {**full_row("mapped", None, at), "status": "running", "detail": detail},
        ],
    )
    # A later batch without details (rows the recorder made for other transitions) leaves them.
    store.runs.set_tasks_nowait("r1", [full_row("mapped", [1, None, 3], at)])
    await store.flush()
    tasks = {t.task_id: t for t in (await store.runs.require("r1")).tasks}
    assert tasks["skipped"].detail == {"reason": "no"}
    assert (tasks["mapped"].status, tasks["mapped"].output) == ("succeeded", [1, None, 3])
    assert tasks["mapped"].detail == detail


async def test_nested_runs_are_found_by_their_parent_in_task_order(store: Store) -> None:
    await store.runs.create("parent", run_id="p1", parameters={"n": 1})
    for index in (10, 2, 0):
        await store.runs.create(
            "child", run_id=f"c{index}", parent_run_id="p1", parent_task_id=f"each[{index}]"
        )
    await store.runs.create("child", run_id="other")
    children = await store.runs.children("p1")
    assert [(c.id, c.parent_task_id) for c in children] == [
        ("c0", "each[0]"),
        ("c2", "each[2]"),
        ("c10", "each[10]"),
    ]
    assert {c.parent_run_id for c in children} == {"p1"}
    parent = await store.runs.require("p1")
    assert parent.run.parameters == {"n": 1}
    ended = await store.runs.finish("p1", "succeeded", result={"total": 3})
    assert ended.result == {"total": 3}


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, -3, 10**30, 0.1, float("nan"), "", 'é"\n\u2028', [1, "a"], {"k": None}],
)
def test_bulk_rows_write_outputs_as_json_dumps_does(value: Any) -> None:
    assert json_text(value) == json.dumps(value)


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 3, 1, 13, 14, 15, 123456, tzinfo=UTC),
        datetime(2026, 3, 1, 13, 14, 15, tzinfo=UTC),
        datetime(9, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2026, 3, 1, 13, 14, 15, 7, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_timestamps_are_stored_as_utc_text_with_microseconds(at: datetime) -> None:
    expected = at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    assert sqlite_time(at) == expected
