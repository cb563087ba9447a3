from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import TestClock
from fbruntime.pipelines import PipelineError, TaskStatus
from fbruntime.pipelines.recording import wall_time
from fbruntime.pipelines.service import PipelineService, RunFinished
from fbruntime.store import NotFound, Store

from .conftest import shipped_operations
from .helpers import reach
from .servers import FakeTelegram, JsonApi

EXAMPLE = Path(__file__).parents[2] / "systems" / "pipelines" / "weather_to_telegram.json"


def example_overrides(api: JsonApi, telegram: FakeTelegram) -> dict[str, dict[str, Any]]:
    return {
        "fetch": {"url": f"{api.server.url}/weather", "query": {"city": "Berlin"}},
        "send": {"token": telegram.token},
    }


async def test_the_client_example_fetches_json_and_sends_it_to_telegram(
    service: PipelineService, api: JsonApi, telegram: FakeTelegram
) -> None:
    info = service.upload("weather.json", EXAMPLE.read_bytes())
    assert info.dag_id == "weather_to_telegram"
    detail = await service.run("weather_to_telegram", example_overrides(api, telegram))
    assert detail.run.status == "succeeded"
    expected = json.dumps({"temperature": 21.5, "windspeed": 7.2}, indent=2)
    assert telegram.texts_to(42) == [f"Weather in Berlin now:\n{expected}"]
    tasks = {t.task_id: t for t in detail.tasks}
    assert {t: r.status for t, r in tasks.items()} == {
        "fetch": "succeeded",
        "format": "succeeded",
        "send": "succeeded",
    }
    assert tasks["format"].output == expected
    assert tasks["send"].output["chat"]["id"] == 42
    assert all(t.attempt == 1 and t.started_at and t.ended_at for t in tasks.values())
    assert api.server.requests[0].query == {"city": "Berlin"}


async def test_a_flaky_api_is_retried_and_every_attempt_is_recorded(
    service: PipelineService, api: JsonApi, telegram: FakeTelegram, clock: TestClock
) -> None:
    service.upload("weather.json", EXAMPLE.read_bytes())
    api.fail_next = 2
    run_id = await service.start_run("weather_to_telegram", example_overrides(api, telegram))
    run = service.run_handle(run_id)
    assert run is not None
    await reach(run, "fetch", TaskStatus.RETRYING, attempt=1)
    await clock.advance(5)
    await reach(run, "fetch", TaskStatus.RETRYING, attempt=2)
    await clock.advance(10)  # backoff 2
    assert await service.wait(run_id) == "succeeded"
    detail = await service.get_run(run_id)
    assert detail is not None
    fetch = next(t for t in detail.tasks if t.task_id == "fetch")
    assert (fetch.attempt, fetch.error) == (3, None)
    messages = [(line.task_id, line.level, line.message) for line in detail.logs]
    assert (
        "fetch",
        "WARNING",
        f"attempt 1 failed: OperationError: GET {api.server.url}/weather?city=Berlin "
        "answered 500 Error",
    ) in messages
    assert [m for _, _, m in messages].count("retrying in 5 s (attempt 2 of 4)") == 1
    assert "retrying in 10 s (attempt 3 of 4)" in [m for _, _, m in messages]


async def test_a_refused_token_fails_at_once_and_the_run_fails(
    service: PipelineService, api: JsonApi, telegram: FakeTelegram
) -> None:
    service.upload("weather.json", EXAMPLE.read_bytes())
    overrides = example_overrides(api, telegram)
    overrides["send"]["token"] = "999:wrong"
    detail = await service.run("weather_to_telegram", overrides)
    assert detail.run.status == "failed"
    assert detail.run.error == "failed tasks: send"
    send = next(t for t in detail.tasks if t.task_id == "send")
    assert (send.status, send.attempt) == ("failed", 1)  # telegram.401 is in no_retry_on
    assert send.error == "OperationError: sendMessage refused: Unauthorized"


async def test_run_data_is_archived_as_a_zip_under_dag_folder(
    service: PipelineService, tmp_path: Path
) -> None:
    service.upload(
        "files.json",
        json.dumps(
            {
                "dag_name": "files",
                "tasks": [
                    {
                        "id": "w",
                        "operation": "file.write",
                        "independent_params": {"file": "out/report.txt", "content": "hello"},
                    },
                    {
                        "id": "r",
                        "operation": "file.read",
                        "dependencies": ["w"],
                        "dependent_params": {"file": "w"},
                    },
                ],
            }
        ),
    )
    detail = await service.run("files")
    assert detail.run.status == "succeeded"
    archive = await service.archive_path(detail.run.id)
    assert archive == tmp_path / "data" / "dag" / "dag_files" / f"{detail.run.id}.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.read("files/out/report.txt") == b"hello"
        summary = json.loads(zipped.read("run.json"))
        assert "run succeeded" in zipped.read("log.txt").decode()
    assert summary["status"] == "succeeded"
    assert {t["id"]: t["output"] for t in summary["tasks"]} == {"w": "out/report.txt", "r": "hello"}


async def test_configs_are_kept_per_dag_id_and_reloaded(
    service: PipelineService, store: Store, tmp_path: Path, clock: TestClock
) -> None:
    service.upload("my_weather", EXAMPLE.read_bytes())
    folder = tmp_path / "data" / "pipelines" / "weather_to_telegram"
    assert sorted(p.name for p in folder.iterdir()) == [".active", "my_weather.json"]
    again = PipelineService(store, tmp_path / "data", shipped_operations(), clock)
    again.reload()
    assert [i.as_dict() for i in again.list()] == [
        {
            "dag_id": "weather_to_telegram",
            "file_name": "my_weather.json",
            "tasks": 3,
            "operations": ["http.get_json", "json.to_string", "telegram.send_message"],
            "parameters": [],
        }
    ]


@pytest.mark.parametrize("name", ["../evil.json", "a/b.json", ".hidden.json", "my weather"])
async def test_file_names_cannot_leave_the_config_folder(
    service: PipelineService, name: str
) -> None:
    with pytest.raises(PipelineError, match=r"file_name: file name .* is not allowed"):
        service.upload(name, EXAMPLE.read_bytes())


async def test_an_invalid_upload_is_refused_with_every_problem(service: PipelineService) -> None:
    text = json.dumps({"dag_name": "x", "tasks": [{"id": "a", "operation": "http.get"}]})
    with pytest.raises(PipelineError) as caught:
        service.upload("x.json", text)
    assert "unknown operation 'http.get' (did you mean 'http.get_json'?)" in str(caught.value)
    assert service.list() == []


async def test_parameter_overrides_are_validated(service: PipelineService) -> None:
    service.upload("weather.json", EXAMPLE.read_bytes())
    with pytest.raises(
        PipelineError, match=re.escape("independent_params.chat_id: expected int|str")
    ):
        await service.start_run("weather_to_telegram", {"send": {"chat_id": None}})
    with pytest.raises(PipelineError, match="task 'nope'"):
        await service.start_run("weather_to_telegram", {"nope": {"x": 1}})
    with pytest.raises(NotFound, match="pipeline 'ghost' does not exist"):
        await service.start_run("ghost")


async def test_rerun_from_failure_reuses_what_succeeded(
    service: PipelineService, api: JsonApi, telegram: FakeTelegram
) -> None:
    service.upload("weather.json", EXAMPLE.read_bytes())
    telegram.chats.discard(42)  # "chat not found": telegram.400 is not retried
    first = await service.run("weather_to_telegram", example_overrides(api, telegram))
    assert first.run.status == "failed"
    requests = len(api.server.requests)
    telegram.chats.add(42)
    rerun_id = await service.rerun_failed(first.run.id)
    assert await service.wait(rerun_id) == "succeeded"
    detail = await service.get_run(rerun_id)
    assert detail is not None
    assert detail.run.trigger == f"rerun:{first.run.id}"
    assert len(api.server.requests) == requests  # fetch was not run again
    assert len(telegram.texts_to(42)) == 1
    reused = [line.task_id for line in detail.logs if "reused" in line.message]
    assert reused == ["fetch", "format"]
    assert {t.task_id: t.status for t in detail.tasks} == {
        "fetch": "succeeded",
        "format": "succeeded",
        "send": "succeeded",
    }
    with pytest.raises(ValueError, match="has no failed tasks"):
        await service.rerun_failed(rerun_id)


async def test_cancelling_a_run_records_cancelled_tasks(
    service: PipelineService, clock: TestClock
) -> None:
    service.upload(
        "slow.json",
        json.dumps(
            {
                "dag_name": "slow",
                "tasks": [
                    {
                        "id": "wait",
                        "operation": "time.delay",
                        "independent_params": {"seconds": 600},
                    },
                    {"id": "then", "operation": "value.pass", "dependencies": ["wait"]},
                ],
            }
        ),
    )
    finished: list[RunFinished] = []
    service.add_listener(finished.append)
    run_id = await service.start_run("slow")
    await clock.advance(1)
    assert await service.cancel(run_id) is True
    detail = await service.get_run(run_id)
    assert detail is not None
    assert detail.run.status == "cancelled"
    assert {t.task_id: t.status for t in detail.tasks} == {"wait": "cancelled", "then": "cancelled"}
    assert [(f.run_id, f.status) for f in finished] == [(run_id, "cancelled")]
    assert await service.cancel(run_id) is False


async def test_a_run_interrupted_by_a_crash_is_marked_on_restart(
    tmp_path: Path, clock: TestClock
) -> None:
    db = tmp_path / "db"
    store = await Store.open(data_dir=db, clock=lambda: wall_time(clock))
    service = PipelineService(store, tmp_path / "data", shipped_operations(), clock)
    await service.start(scheduler=False)
    service.upload(
        "slow.json",
        json.dumps(
            {
                "dag_name": "slow",
                "tasks": [
                    {"id": "done", "operation": "value.pass", "independent_params": {"value": 5}},
                    {
                        "id": "wait",
                        "operation": "time.delay",
                        "dependencies": ["done"],
                        "independent_params": {"seconds": 600},
                    },
                ],
            }
        ),
    )
    run_id = await service.start_run("slow")
    run = service.run_handle(run_id)
    assert run is not None
    await reach(run, "wait", TaskStatus.RUNNING)
    run.recorder.flush()  # type: ignore[attr-defined]  # its batching window has passed
    await store.close()  # the process dies here: the service never ends the run
    for worker in run._workers:
        worker.cancel()
    service.lease.release()  # and the system drops its lock on the data folder
    reopened = await Store.open(data_dir=db, clock=lambda: wall_time(clock))
    try:
        restarted = PipelineService(reopened, tmp_path / "data", shipped_operations(), clock)
        await restarted.start(scheduler=False)
        assert restarted.interrupted == [run_id]
        detail = await restarted.get_run(run_id)
        assert detail is not None
        assert (detail.run.status, detail.run.interrupted) == ("interrupted", True)
        tasks = {t.task_id: (t.status, t.output) for t in detail.tasks}
        assert tasks == {"done": ("succeeded", 5), "wait": ("interrupted", None)}
        rerun = await restarted.rerun_failed(run_id)
        await clock.advance(600)
        assert await restarted.wait(rerun) == "succeeded"
        await restarted.close()
    finally:
        await reopened.close()


async def test_retention_removes_runs_that_ended_long_ago_with_their_files(
    store: Store, tmp_path: Path, clock: TestClock
) -> None:
    from fbruntime.pipelines.archive import archive_file, run_folder
    from fbruntime.pipelines.settings import PipelineSettings

    data = tmp_path / "data"
    service = PipelineService(
        store, data, shipped_operations(), clock, settings=PipelineSettings(retention_days=1)
    )
    await service.start(scheduler=False)
    try:
        config = {
            "dag_name": "w",
            "tasks": [
                {
                    "id": "a",
                    "operation": "file.write",
                    "independent_params": {"file": "a.txt", "content": "A"},
                }
            ],
        }
        service.upload("w.json", json.dumps(config))
        old = (await service.run("w")).run.id
        await clock.advance(2 * 86_400)
        new = (await service.run("w")).run.id
        assert await service.upkeep.sweep() == 1
        assert [r.id for r in await service.list_runs("w")] == [new]
        assert not run_folder(data, "w", old).exists()
        assert not archive_file(data, "w", old).exists()
        assert archive_file(data, "w", new).is_file()
    finally:
        await service.close()
