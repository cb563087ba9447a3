"""Cron schedules driven by the engine's TestClock: fire times, overlap, catch-up, restarts.

The TestClock starts at 2023-11-14 22:13:20 UTC, so a ``* * * * *`` schedule first fires 40 s in.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fbruntime.core import TestClock
from fbruntime.pipelines.cron import CronScheduler, Fire
from fbruntime.pipelines.recording import wall_time
from fbruntime.pipelines.service import PipelineService
from fbruntime.store import NotFound, Store

from .conftest import shipped_operations

FIRST_FIRE_IN = 40.0


def quick_config(name: str = "quick") -> str:
    return json.dumps(
        {
            "dag_name": name,
            "tasks": [
                {"id": "only", "operation": "value.pass", "independent_params": {"value": 1}}
            ],
        }
    )


def slow_config(seconds: float = 90) -> str:
    return json.dumps(
        {
            "dag_name": "slow",
            "tasks": [
                {
                    "id": "wait",
                    "operation": "time.delay",
                    "independent_params": {"seconds": seconds},
                }
            ],
        }
    )


def at(hh_mm: str) -> datetime:
    hour, minute = map(int, hh_mm.split(":"))
    return datetime(2023, 11, 14, hour, minute, tzinfo=UTC)


def scheduler_of(service: PipelineService) -> CronScheduler:
    assert isinstance(service.scheduler, CronScheduler)
    return service.scheduler


def summary(fires: list[Fire]) -> list[tuple[str, str, bool]]:
    """(dag, fire time, whether a run started) per fire."""
    return [(f.dag_id, f.at.strftime("%H:%M"), f.run_id is not None) for f in fires]


async def advance(service: PipelineService, clock: TestClock, seconds: float) -> None:
    """Move the clock once the scheduler has seen every change, then let it act."""
    await scheduler_of(service).idle()
    await clock.advance(seconds)
    await scheduler_of(service).idle()


@pytest.fixture
async def opened(tmp_path: Path, clock: TestClock) -> AsyncIterator[PipelineService]:
    """A service with the quick and slow pipelines and a running scheduler."""
    store = await Store.open(data_dir=tmp_path / "db", clock=lambda: wall_time(clock))
    service = PipelineService(store, tmp_path / "data", shipped_operations(), clock)
    await service.start()
    service.upload("quick.json", quick_config())
    service.upload("slow.json", slow_config())
    try:
        yield service
    finally:
        await service.close()
        await store.close()


async def test_a_schedule_fires_at_its_cron_times_and_not_before(
    opened: PipelineService, clock: TestClock
) -> None:
    await opened.set_schedule("quick", "* * * * *")
    await advance(opened, clock, FIRST_FIRE_IN - 1)
    assert scheduler_of(opened).fires == []
    for _ in range(2):
        await advance(opened, clock, 1 if not scheduler_of(opened).fires else 60)
        run_id = scheduler_of(opened).fires[-1].run_id
        assert run_id is not None
        assert await opened.wait(run_id) == "succeeded"
    fires = scheduler_of(opened).fires
    assert summary(fires) == [("quick", "22:14", True), ("quick", "22:15", True)]
    runs = await opened.list_runs("quick")
    assert {r.trigger for r in runs} == {f"schedule:{fires[0].schedule_id}"}
    stored = (await opened.schedules("quick"))[0]
    assert stored.last_fire_at == at("22:15")


async def test_a_fire_is_skipped_while_the_last_run_is_still_going(
    opened: PipelineService, clock: TestClock
) -> None:
    await opened.set_schedule("slow", "* * * * *")  # each run takes 90 s
    await advance(opened, clock, FIRST_FIRE_IN)
    await advance(opened, clock, 60)
    first, second = scheduler_of(opened).fires
    assert first.run_id is not None
    assert (second.run_id, second.skipped) == (None, "a run of this pipeline is still going")
    await advance(opened, clock, 30)  # the first run ends at 22:15:30
    assert await opened.wait(first.run_id) == "succeeded"
    await advance(opened, clock, 30)
    third = scheduler_of(opened).fires[2]
    assert (third.at, third.run_id is not None) == (at("22:16"), True)
    assert len(await opened.list_runs("slow")) == 2


async def test_overlap_allow_starts_a_run_beside_the_one_still_going(
    opened: PipelineService, clock: TestClock
) -> None:
    await opened.set_schedule("slow", "* * * * *", overlap="allow")
    await advance(opened, clock, FIRST_FIRE_IN)
    await advance(opened, clock, 60)
    assert [f.run_id is not None for f in scheduler_of(opened).fires] == [True, True]
    assert len(opened.active_runs("slow")) == 2


@pytest.mark.parametrize(
    ("overlap", "catchup_limit", "expected"),
    [
        ("skip", 1, ["22:30"]),
        ("skip", 3, ["22:20", "22:25", "22:30"]),
        ("allow", 2, ["22:25", "22:30"]),
        ("skip", 0, []),
    ],
)
async def test_fires_missed_while_down_are_caught_up_to_the_limit(
    tmp_path: Path, clock: TestClock, overlap: str, catchup_limit: int, expected: list[str]
) -> None:
    db, data = tmp_path / "db", tmp_path / "data"
    store = await Store.open(data_dir=db, clock=lambda: wall_time(clock))
    first = PipelineService(store, data, shipped_operations(), clock)
    await first.start()
    first.upload("quick.json", quick_config())
    await first.set_schedule("quick", "*/5 * * * *", overlap=overlap, catchup_limit=catchup_limit)
    await first.close()
    await store.close()
    await clock.advance(20 * 60)  # down from 22:13:20 to 22:33:20: four fires missed
    reopened = await Store.open(data_dir=db, clock=lambda: wall_time(clock))
    second = PipelineService(reopened, data, shipped_operations(), clock)
    try:
        await second.start()
        await scheduler_of(second).idle()
        fires = scheduler_of(second).fires
        assert [f.at.strftime("%H:%M") for f in fires] == expected
        for fire in fires:
            assert fire.run_id is not None
            assert await second.wait(fire.run_id) == "succeeded"
        assert len(await second.list_runs("quick")) == len(expected)
        await advance(second, clock, 100)  # back on time: 22:35 fires whatever the limit
        assert scheduler_of(second).fires[-1].at == at("22:35")
    finally:
        await second.close()
        await reopened.close()


async def test_a_schedule_survives_a_restart_without_repeating_a_fire(
    tmp_path: Path, clock: TestClock
) -> None:
    db, data = tmp_path / "db", tmp_path / "data"
    store = await Store.open(data_dir=db, clock=lambda: wall_time(clock))
    first = PipelineService(store, data, shipped_operations(), clock)
    await first.start()
    first.upload("quick.json", quick_config())
    await first.set_schedule("quick", "*/2 * * * *", params={"only": {"value": 7}})
    await advance(first, clock, FIRST_FIRE_IN)  # 22:14 fires
    assert summary(scheduler_of(first).fires) == [("quick", "22:14", True)]
    await first.close()
    await store.close()
    await clock.advance(30)  # restarted within the same fire period
    reopened = await Store.open(data_dir=db, clock=lambda: wall_time(clock))
    second = PipelineService(reopened, data, shipped_operations(), clock)
    try:
        await second.start()
        await scheduler_of(second).idle()
        assert scheduler_of(second).fires == []  # 22:14 already ran
        (schedule,) = await second.schedules("quick")
        assert (schedule.cron, schedule.params) == ("*/2 * * * *", {"only": {"value": 7}})
        await advance(second, clock, 90)  # 22:16
        (fire,) = scheduler_of(second).fires
        assert fire.at == at("22:16") and fire.run_id is not None
        await second.wait(fire.run_id)
        detail = await second.get_run(fire.run_id)
        assert detail is not None
        assert detail.tasks[0].output == 7
    finally:
        await second.close()
        await reopened.close()


async def test_a_cleared_schedule_fires_no_more(opened: PipelineService, clock: TestClock) -> None:
    await opened.set_schedule("quick", "* * * * *")
    assert await opened.clear_schedule("quick") is True
    await advance(opened, clock, 5 * 60)
    assert scheduler_of(opened).fires == []
    assert await opened.schedules("quick") == []
    assert await opened.clear_schedule("quick") is False


async def test_setting_a_schedule_again_replaces_it(
    opened: PipelineService, clock: TestClock
) -> None:
    await opened.set_schedule("quick", "* * * * *")
    await opened.set_schedule("quick", "0 23 * * *")
    (schedule,) = await opened.schedules("quick")
    assert schedule.cron == "0 23 * * *"
    await advance(opened, clock, 47 * 60)
    await opened.wait(scheduler_of(opened).fires[0].run_id or "")
    assert summary(scheduler_of(opened).fires) == [("quick", "23:00", True)]


async def test_a_schedule_in_a_time_zone_fires_at_local_time(
    opened: PipelineService, clock: TestClock
) -> None:
    # 22:13 UTC is 23:13 in Berlin (CET, UTC+1): "30 23" there is 22:30 UTC.
    await opened.set_schedule("quick", "30 23 * * *", timezone="Europe/Berlin")
    await advance(opened, clock, 16 * 60 + 39)
    assert scheduler_of(opened).fires == []
    await advance(opened, clock, 1)
    (fire,) = scheduler_of(opened).fires
    assert fire.at.astimezone(UTC) == at("22:30")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"cron": "61 * * * *"}, "invalid cron expression '61 * * * *'"),
        ({"cron": "every minute"}, "invalid cron expression 'every minute'"),
        ({"cron": "* * * *"}, "invalid cron expression '* * * *': use 5 fields"),
        ({"cron": ""}, "invalid cron expression ''"),
        ({"cron": "* * * * *", "overlap": "queue"}, "overlap must be one of skip, allow"),
        ({"cron": "* * * * *", "catchup_limit": -1}, "catchup_limit must be 0 or more, got -1"),
        ({"cron": "* * * * *", "timezone": "Mars/Base"}, "unknown time zone 'Mars/Base'"),
    ],
)
async def test_bad_schedule_settings_are_refused_with_a_clear_error(
    opened: PipelineService, settings: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        await opened.set_schedule("quick", **settings)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert await opened.schedules() == []


async def test_a_schedule_for_an_unknown_pipeline_is_refused(opened: PipelineService) -> None:
    with pytest.raises(NotFound, match="pipeline 'nope' does not exist"):
        await opened.set_schedule("nope", "* * * * *")


async def test_a_pipeline_removed_after_scheduling_records_why_it_did_not_run(
    opened: PipelineService, clock: TestClock
) -> None:
    await opened.set_schedule("quick", "* * * * *")
    opened.configs.remove("quick")
    opened.reload()
    await advance(opened, clock, FIRST_FIRE_IN)
    (fire,) = scheduler_of(opened).fires
    assert fire.run_id is None
    assert fire.skipped is not None and "pipeline 'quick' does not exist" in fire.skipped
