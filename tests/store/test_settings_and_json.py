"""Settings, and JSON values that come back exactly as they went in on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.exc import StatementError

from fbruntime.store import Store

JSON_VALUES = [
    pytest.param({"b": 1, "a": [1, 2.5, None, True, False]}, id="nested-dict"),
    pytest.param({"z": 1, "a": 2, "m": 3}, id="key-order"),
    pytest.param([{"x": {"y": {"z": []}}}, {}], id="deep-list"),
    pytest.param('Grüße, 世界 "quoted" \\ back\nslash', id="unicode-string"),
    pytest.param(2**53 + 1, id="big-int"),
    pytest.param(-0.1, id="float"),
    pytest.param(None, id="null"),
    pytest.param(True, id="bool"),
    pytest.param({"": "", "sp ace": " "}, id="odd-keys"),
]


@pytest.mark.parametrize("value", JSON_VALUES)
async def test_a_setting_round_trips(store: Store, value: Any) -> None:
    await store.settings.set("k", value)
    got = await store.settings.get("k", default="missing")
    assert got == value
    if isinstance(value, dict):
        assert list(got) == list(value)


@pytest.mark.parametrize("value", JSON_VALUES)
async def test_a_task_output_round_trips(store: Store, value: Any) -> None:
    await store.runs.create("p", run_id="r1")
    await store.runs.set_task("r1", "t", "succeeded", output=value)
    detail = await store.runs.require("r1")
    assert detail.tasks[0].output == value


async def test_settings_default_overwrite_delete_and_all(store: Store) -> None:
    assert await store.settings.get("api.token_hash") is None
    assert await store.settings.get("api.token_hash", "none") == "none"
    await store.settings.set("api.token_hash", "abc")
    await store.settings.set("api.token_hash", "def")
    await store.settings.set("ui.theme", {"dark": True})
    assert await store.settings.all() == {"api.token_hash": "def", "ui.theme": {"dark": True}}
    assert await store.settings.delete("ui.theme") is True
    assert await store.settings.delete("ui.theme") is False
    assert await store.settings.all() == {"api.token_hash": "def"}


async def test_timestamps_are_stored_and_read_as_utc(store: Store) -> None:
    riga = timezone(timedelta(hours=3))
    schedule = await store.schedules.add("a", "* * * * *")
    await store.schedules.record_fire(schedule.id, datetime(2026, 6, 1, 15, 0, tzinfo=riga))
    loaded = await store.schedules.get(schedule.id)
    assert loaded is not None and loaded.last_fire_at is not None
    assert loaded.last_fire_at.tzinfo == UTC
    assert loaded.last_fire_at == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def test_a_naive_timestamp_is_refused(store: Store) -> None:
    schedule = await store.schedules.add("a", "* * * * *")
    with pytest.raises(StatementError, match="naive datetime"):
        await store.schedules.record_fire(schedule.id, datetime(2026, 6, 1, 15, 0))
