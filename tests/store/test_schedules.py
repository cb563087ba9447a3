"""Cron schedules of pipelines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fbruntime.store import NotFound, Store

from .conftest import FakeClock, OpenStore


async def test_a_schedule_round_trips(store: Store) -> None:
    added = await store.schedules.add(
        "weather",
        "*/5 * * * *",
        timezone="Europe/Riga",
        overlap="queue",
        catchup_limit=3,
        params={"city": "Riga"},
    )
    assert (added.enabled, added.last_fire_at) == (True, None)
    assert await store.schedules.get(added.id) == added


async def test_update_and_filtering(store: Store) -> None:
    a = await store.schedules.add("a", "0 * * * *")
    b = await store.schedules.add("b", "0 0 * * *")
    disabled = await store.schedules.update(b.id, enabled=False, cron="0 1 * * *")
    assert (disabled.enabled, disabled.cron, disabled.overlap) == (False, "0 1 * * *", "skip")
    assert [s.id for s in await store.schedules.list()] == [a.id, b.id]
    assert [s.id for s in await store.schedules.list(enabled_only=True)] == [a.id]
    assert [s.id for s in await store.schedules.list(pipeline="b")] == [b.id]


async def test_the_last_fire_survives_a_restart_and_never_moves_back(
    open_store: OpenStore, clock: FakeClock
) -> None:
    store = await open_store()
    schedule = await store.schedules.add("a", "* * * * *")
    fired = clock.now + timedelta(minutes=1)
    await store.schedules.record_fire(schedule.id, fired)
    store.schedules.record_fire_nowait(schedule.id, fired - timedelta(minutes=5))
    await store.close()
    reopened = await open_store()
    loaded = await reopened.schedules.get(schedule.id)
    assert loaded is not None and loaded.last_fire_at == fired


async def test_missing_schedules_and_bad_limits(store: Store) -> None:
    with pytest.raises(NotFound, match="schedule 99 does not exist"):
        await store.schedules.update(99, enabled=False)
    with pytest.raises(ValueError, match="catchup_limit must be 0 or more"):
        await store.schedules.add("a", "* * * * *", catchup_limit=-1)
    schedule = await store.schedules.add("a", "* * * * *")
    assert await store.schedules.delete(schedule.id) is True
    assert await store.schedules.get(schedule.id) is None
    assert await store.schedules.delete(schedule.id) is False
