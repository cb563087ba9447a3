"""Pools: limits shared by every run of a service; the per-run worker count."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import TestClock
from fbruntime.pipelines import PipelineError, RunStatus, TaskStatus
from fbruntime.pipelines.pools import Pool, PoolRegistry
from fbruntime.pipelines.service import PipelineService
from fbruntime.store import Store

from .graph_ops import Gauge, build_run, graph_registry, task, value
from .helpers import drive, reach


def calls(dag: str, items: int, *, pool: str = "api", **extra: Any) -> dict[str, Any]:
    """A pipeline that calls "the API" once per item (1 s each), in ``pool``."""
    return {
        "dag_name": dag,
        "tasks": [
            value("items", list(range(items))),
            task(
                "call",
                "test.gauge",
                ("items",),
                for_each="items",
                pool=pool,
                independent_params={"seconds": 1, "key": "api"},
                dependent_params={"value": "item"},
            ),
        ],
        **extra,
    }


@pytest.fixture
async def pooled(store: Store, tmp_path: Path, clock: TestClock) -> Any:
    Gauge.reset()
    service = PipelineService(store, tmp_path / "data", graph_registry(), clock, pools={"api": 2})
    await service.start(scheduler=False)
    try:
        yield service
    finally:
        await service.close()


async def test_a_pool_limits_tasks_across_runs_and_pipelines(
    pooled: PipelineService, clock: TestClock
) -> None:
    pooled.upload("a.json", json.dumps(calls("a", 4)))
    pooled.upload("b.json", json.dumps(calls("b", 4)))
    first = await pooled.start_run("a")
    second = await pooled.start_run("b")
    runs = [pooled.run_handle(first), pooled.run_handle(second)]
    assert all(runs)
    await reach(runs[1], "call", TaskStatus.RUNNING)  # type: ignore[arg-type]
    assert pooled.pools.describe() == [{"name": "api", "size": 2, "in_use": 2, "waiting": 6}]
    for _ in range(3):
        await clock.advance(1)
    assert Gauge.active["api"] == 2
    await clock.advance(1)
    assert await pooled.wait(first) == await pooled.wait(second) == "succeeded"
    assert Gauge.peak["api"] == 2  # 8 calls, never more than 2 at once, 4 s in all
    assert pooled.pools.describe()[0]["in_use"] == 0


async def test_waiting_for_a_pool_does_not_hold_a_worker(
    pooled: PipelineService, clock: TestClock
) -> None:
    config = calls("busy", 3, pool="narrow", max_parallel=2, pools={"narrow": 1})
    config["tasks"].append(
        task("other", "test.gauge", independent_params={"seconds": 1, "key": "other"})
    )
    pooled.upload("busy.json", json.dumps(config))
    run_id = await pooled.start_run("busy")
    run = pooled.run_handle(run_id)
    assert run is not None
    await clock.advance(1)
    # Two workers, three calls waiting for a one-slot pool: "other" still ran at once.
    assert run.states["other"].status is TaskStatus.SUCCEEDED
    await drive(run, clock)
    assert await pooled.wait(run_id) == "succeeded"
    assert Gauge.peak["api"] == 1


async def test_growing_a_pool_lets_waiting_tasks_start(
    pooled: PipelineService, clock: TestClock, store: Store
) -> None:
    pooled.upload("a.json", json.dumps(calls("a", 6)))
    run_id = await pooled.start_run("a")
    run = pooled.run_handle(run_id)
    assert run is not None
    await reach(run, "call", TaskStatus.RUNNING)
    assert Gauge.active["api"] == 2
    assert await pooled.set_pool("api", 4) == {"name": "api", "size": 4, "in_use": 4, "waiting": 2}
    await drive(run, clock)
    assert Gauge.peak["api"] == 4
    assert await store.settings.get("pipelines.pools") == {"api": 4}


async def test_cancelling_a_run_gives_its_slots_back(
    pooled: PipelineService, clock: TestClock
) -> None:
    pooled.upload("a.json", json.dumps(calls("a", 5)))
    pooled.upload("b.json", json.dumps(calls("b", 1)))
    first = await pooled.start_run("a")
    run = pooled.run_handle(first)
    assert run is not None
    await reach(run, "call", TaskStatus.RUNNING)
    second = await pooled.start_run("b")
    assert await pooled.cancel(first)
    assert pooled.pools.get("api").in_use == 1  # b's call got a slot at once
    await drive(pooled.run_handle(second), clock)  # type: ignore[arg-type]
    assert await pooled.wait(second) == "succeeded"
    assert pooled.pools.describe()[0] == {"name": "api", "size": 2, "in_use": 0, "waiting": 0}


async def test_an_unknown_pool_is_refused(pooled: PipelineService) -> None:
    with pytest.raises(PipelineError, match="unknown pool 'apj' \\(did you mean 'api'\\?\\)"):
        pooled.upload("x.json", json.dumps(calls("x", 1, pool="apj")))


async def test_the_config_sets_the_worker_count_of_a_run(tmp_path: Path, clock: TestClock) -> None:
    Gauge.reset()
    tasks = [
        task(f"t{i}", "test.gauge", independent_params={"seconds": 1, "key": "w"}) for i in range(4)
    ]
    run = build_run(tmp_path, clock, tasks, max_parallel=2)
    run.start()
    await drive(run, clock)
    assert Gauge.peak["w"] == 2
    assert await run.wait() is RunStatus.SUCCEEDED


async def test_pipeline_max_parallel_applies_to_its_runs(
    pooled: PipelineService, clock: TestClock
) -> None:
    tasks = [
        task(f"t{i}", "test.gauge", independent_params={"seconds": 1, "key": "w"}) for i in range(3)
    ]
    pooled.upload("w.json", json.dumps({"dag_name": "w", "max_parallel": 1, "tasks": tasks}))
    run_id = await pooled.start_run("w")
    await drive(pooled.run_handle(run_id), clock)  # type: ignore[arg-type]
    assert Gauge.peak["w"] == 1


def test_declared_sizes_take_the_smallest_and_the_service_wins() -> None:
    pools = PoolRegistry()
    pools.declare("a", {"db": 3})
    pools.declare("b", {"db": 2})
    assert pools.size_of("db") == 2
    pools.set_size("db", 5)
    assert pools.size_of("db") == 5
    pools.declare("b", {})
    assert pools.names() == {"db"}


def test_a_pool_hands_slots_out_in_order() -> None:
    pool = Pool("p", 1)
    granted: list[str] = []
    for name in "abc":
        pool.request(lambda name=name: granted.append(name))  # type: ignore[misc]
    assert granted == ["a"]
    pool.release()
    pool.release()
    assert granted == ["a", "b", "c"]
    pool.release()
    assert pool.as_dict() == {"name": "p", "size": 1, "in_use": 0, "waiting": 0}


def test_pool_sizes_from_the_environment_setting() -> None:
    from fbruntime.pipelines.pools import parse_pool_sizes

    assert parse_pool_sizes("weather_api=2, db=1;mail=3") == {"weather_api": 2, "db": 1, "mail": 3}
    assert parse_pool_sizes("") == {}
    with pytest.raises(ValueError, match="pool size 'db=0': write NAME=SIZE"):
        parse_pool_sizes("db=0")


async def test_the_api_lists_and_sizes_pools(pooled: PipelineService) -> None:
    import httpx
    from fastapi import FastAPI

    from fbruntime.pipelines.routes import pipelines_router

    app = FastAPI()
    app.include_router(pipelines_router(pooled))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fbrt.test"
    ) as client:
        assert (await client.get("/api/pools")).json() == [
            {"name": "api", "size": 2, "in_use": 0, "waiting": 0}
        ]
        answer = await client.put("/api/pools/mail", json={"size": 3})
        assert answer.json() == {"name": "mail", "size": 3, "in_use": 0, "waiting": 0}
        assert (await client.put("/api/pools/mail", json={"size": 0})).status_code == 422
        assert (await client.put("/api/pools/bad name", json={"size": 1})).status_code == 422
        assert [p["name"] for p in (await client.get("/api/pools")).json()] == ["api", "mail"]
