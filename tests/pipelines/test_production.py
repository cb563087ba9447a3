"""Pipelines in production, against a real ``fbrt serve`` on loopback (issue 12).

One server serves this module (plugins from ``plugins/``, JSON log lines, a secrets file): a
blocking operation must not stall it and must time out on time, secrets must not show, limits
must be refused cheaply, and every attempt, failure and counter must be observable.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from .serve import Served, finished, reaches

TOKEN = "production-test-token-1"
SECRET = "tg-SECRET-0123456789"
FILE_SECRET = "file-secret-abcdef"
BOT_TOKEN = "424242:BOT-token-never-shown"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("production")
    secrets = folder / "secrets.json"
    secrets.write_text(json.dumps({"from_file": FILE_SECRET}))
    served = Served(
        folder / "data",
        env={
            "FBRT_LOG_FORMAT": "json",
            "FBRT_SECRETS_FILE": str(secrets),
            "FBRT_SECRET_TG": SECRET,
            "FBRT_TELEGRAM_TOKEN": BOT_TOKEN,
            "FBRT_TELEGRAM_API_URL": "http://127.0.0.1:9",  # nothing there: the bot stays off
            "FBRT_TELEGRAM_ALLOWED_CHATS": "1",
            "FBRT_PIPELINE_PROCESSES": "1",
        },
        args=["--demo"],
        token=TOKEN,
    ).start()
    try:
        yield served
    finally:
        served.stop()


def one_task(dag: str, operation: str, **task: Any) -> dict[str, Any]:
    return {"dag_name": dag, "tasks": [{"id": "t", "operation": operation, **task}]}


async def upload_and_run(served: Served, config: dict[str, Any]) -> str:
    async with served.client(headers=served.auth) as c:
        body = {"file_name": f"{config['dag_name']}.json", "config": config}
        answer = await c.post("/api/pipelines", json=body)
        assert answer.status_code == 201, answer.text
        started = await c.post(f"/api/pipelines/{config['dag_name']}/runs", json={})
        assert started.status_code == 201, started.text
        return str(started.json()["id"])


async def test_a_blocking_operation_runs_on_a_thread_and_fails_on_time(server: Served) -> None:
    run_id = await upload_and_run(
        server, one_task("blocker", "test.block", independent_params={"seconds": 30}, timeout=1)
    )
    async with server.client(headers=server.auth) as c:
        await reaches(c, run_id, lambda r: r["tasks"][0]["status"] == "running")
        # The plugin is inside time.sleep(30) now; the server answers all the same.
        for _ in range(5):
            assert (await c.get("/api/health")).status_code == 200
        during = (await c.get(f"/api/runs/{run_id}")).json()
        assert during["tasks"][0]["status"] == "running"
        run = await finished(c, run_id)
    assert run["status"] == "failed"
    (task,) = run["tasks"]
    assert task["error"] == "task 't' took longer than its timeout of 1 s"
    (attempt,) = run["attempts"]
    assert (attempt["status"], attempt["error_kind"]) == ("failed", "timeout")
    # At its timeout (asyncio may fire a timer up to its clock resolution, 1 ms, early), long
    # before the sleep ends.
    assert 995 <= attempt["duration_ms"] < 29_000
    metrics = await metrics_text(server)
    assert metric(metrics, "fbrt_pipeline_threads_abandoned_total") >= 1


async def test_an_operation_computing_on_a_thread_is_told_to_use_a_process(
    server: Served,
) -> None:
    """It slows the API (the interpreter lock): its run's log says so and names the remedy."""
    config = {
        "dag_name": "spin",
        "tasks": [
            {"id": "spin", "operation": "test.spin", "independent_params": {"seconds": 0.6}},
            {"id": "nap", "operation": "test.block", "independent_params": {"seconds": 0.6}},
        ],
    }
    run_id = await upload_and_run(server, config)
    async with server.client(headers=server.auth) as c:
        run = await finished(c, run_id)
    assert run["status"] == "succeeded", run
    warnings = [
        (line["task"], line["message"]) for line in run["logs"] if line["level"] == "WARNING"
    ]
    assert len(warnings) == 1, warnings  # the sleeping one holds no CPU
    task, message = warnings[0]
    assert task == "spin"
    assert message.startswith("test.spin computed for 0.")
    assert message.endswith('give the operation run_on = "process"')


async def test_a_process_operation_runs_in_a_worker_that_a_timeout_kills(server: Served) -> None:
    run_id = await upload_and_run(server, one_task("pid", "test.pid"))
    async with server.client(headers=server.auth) as c:
        run = await finished(c, run_id)
    assert run["status"] == "succeeded", run
    worker_pid = run["tasks"][0]["output"]
    assert worker_pid != server.process.pid  # type: ignore[union-attr]
    assert "running in a worker process" in [line["message"] for line in run["logs"]]

    run_id = await upload_and_run(
        server,
        one_task("stuck", "test.block_process", independent_params={"seconds": 60}, timeout=1),
    )
    async with server.client(headers=server.auth) as c:
        run = await finished(c, run_id)
    assert run["tasks"][0]["error"] == "task 't' took longer than its timeout of 1 s"
    assert metric(await metrics_text(server), "fbrt_pipeline_processes_killed_total") >= 1
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)  # the worker that slept is gone, not left running


async def test_a_retry_storm_is_bounded_and_the_server_still_answers(server: Served) -> None:
    async with server.client(headers=server.auth) as c:
        storm = one_task("storm", "test.fail", independent_params={"token": "x"})
        refused = await c.post(
            "/api/pipelines",
            json={"file_name": "s.json", "config": {**storm, "max_retries": 10**18}},
        )
        assert refused.status_code == 422
        assert refused.json()["problems"] == [
            {
                "task": None,
                "field": "max_retries",
                "message": "must be <= 100, got 1000000000000000000",
            }
        ]
    run_id = await upload_and_run(server, {**storm, "max_retries": 100, "retry_delay": 0})
    async with server.client(headers=server.auth) as c:
        assert (await c.get("/api/health")).status_code == 200
        run = await finished(c, run_id)
    assert run["status"] == "failed"
    assert [a["attempt"] for a in run["attempts"]] == list(range(1, 102))


async def test_limits_are_refused_at_once_naming_the_field(server: Served) -> None:
    async with server.client(headers=server.auth) as c:
        many = {
            "dag_name": "many",
            "tasks": [{"id": f"t{i}", "operation": "value.pass"} for i in range(10_001)],
        }
        answer = await c.post("/api/pipelines/validate", json={"file_name": "m", "config": many})
        assert answer.status_code == 422
        assert answer.json()["problems"][0]["field"] == "tasks"
        assert "at most 10000 tasks; this one has 10001" in answer.json()["detail"]

        deep = '{"file_name": "d", "config": ' + "[" * 100_000 + "]" * 100_000 + "}"
        answer = await c.post(
            "/api/pipelines/validate", content=deep, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 422
        assert "nests lists and objects too deeply" in answer.json()["detail"]

        nested: Any = 1
        for _ in range(40):
            nested = [nested]
        config = one_task("nest", "value.pass", independent_params={"value": nested})
        answer = await c.post("/api/pipelines", json={"file_name": "n", "config": config})
        assert answer.json()["problems"][0]["field"] == "independent_params.value"

        for field, value in (("retry_delay", 10**9), ("timeout", 1e12), ("backoff", 1e6)):
            config = {**one_task("x", "value.pass"), field: value}
            answer = await c.post("/api/pipelines", json={"file_name": "x", "config": config})
            assert answer.json()["problems"][0]["field"] == field, field

    # 5.5 MB announced: refused with 413 from the headers alone, before any of the body is read.
    before = server.rss_peak_kb()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"POST /api/pipelines/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 5500000\r\n\r\n"
    )
    await writer.drain()
    status = await reader.readline()
    writer.close()
    assert status.split()[1] == b"413", status
    assert server.rss_peak_kb() - before < 50_000


async def test_secrets_are_looked_up_and_never_shown(server: Served) -> None:
    config = {
        "dag_name": "secretive",
        "tasks": [
            {"id": "inline", "operation": "test.fail", "independent_params": {"token": SECRET}},
            {
                "id": "env",
                "operation": "test.fail",
                "independent_params": {"token": {"$secret": "tg"}},
            },
            {
                "id": "file",
                "operation": "test.fail",
                "independent_params": {"token": {"$secret": "from_file"}},
            },
        ],
    }
    run_id = await upload_and_run(server, config)
    async with server.client(headers=server.auth) as c:
        missing = one_task("nosuch", "test.fail", independent_params={"token": {"$secret": "nope"}})
        refused = await c.post("/api/pipelines", json={"file_name": "n", "config": missing})
        assert refused.status_code == 422
        assert "secret 'nope' is not set" in refused.json()["problems"][0]["message"]
        run = await finished(c, run_id)
        shown = [
            (await c.get("/api/pipelines/secretive")).text,
            json.dumps(run),
            (await c.get(f"/api/web/runs/{run_id}")).text,
            (await c.get(f"/api/web/runs/{run_id}/logs")).text,
        ]
        archive = await c.post("/api/cli", json={"run_id": run_id})
        with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
            shown += [zipped.read(name).decode() for name in zipped.namelist()]
        config_view = (await c.get("/api/pipelines/secretive")).json()["config"]
    errors = {t["id"]: t["error"] for t in run["tasks"]}
    # Each task got its value (the error quotes it), and each is cut out of what is shown.
    assert errors == {name: "RuntimeError: the service refused key ***" for name in errors}
    assert [t["independent_params"]["token"] for t in config_view["tasks"]] == [
        "***",
        {"$secret": "tg"},
        {"$secret": "from_file"},
    ]
    await server.line(lambda line: run_id in line and "refused key" in line)
    shown.append(server.output)
    for text in shown:
        for secret in (SECRET, FILE_SECRET, BOT_TOKEN):
            assert secret not in text


async def test_every_attempt_failure_and_counter_is_observable(server: Served) -> None:
    config = {
        **one_task("flaky", "test.fail", independent_params={"token": "k"}),
        "max_retries": 2,
        "retry_delay": 0,
    }
    run_id = await upload_and_run(server, config)
    async with server.client(headers=server.auth) as c:
        run = await finished(c, run_id)
    attempts = run["attempts"]
    assert [(a["task"], a["attempt"], a["status"]) for a in attempts] == [
        ("t", 1, "failed"),
        ("t", 2, "failed"),
        ("t", 3, "failed"),
    ]
    for attempt in attempts:
        assert attempt["error"] == "RuntimeError: the service refused key k"
        assert attempt["error_kind"] == "RuntimeError"
        assert 'raise RuntimeError(f"the service refused key {self.token}")' in attempt["traceback"]
        assert attempt["started_at"] <= attempt["ended_at"] and attempt["duration_ms"] >= 0
    # The server's own log, as JSON lines: each failure with its run and task.
    line = await server.line(lambda text: run_id in text and '"level": "ERROR"' in text)
    record = json.loads(line)
    assert (record["logger"], record["run_id"], record["dag_id"]) == (
        "fbruntime.pipelines.runs",
        run_id,
        "flaky",
    )
    text = await metrics_text(server)
    assert metric(text, 'fbrt_pipeline_runs_total{status="failed"}') >= 1
    assert metric(text, 'fbrt_pipeline_attempts_total{status="failed"}') >= 3
    assert metric(text, 'fbrt_pipeline_tasks_total{status="failed"}') >= 1
    assert metric(text, "fbrt_pipeline_attempt_seconds_count") >= 3
    assert metric(text, "fbrt_pipeline_queue_depth") == 0
    assert metric(text, 'fbrt_resource_queue_depth{app="blinker",resource="BlinkRes"}') >= 0
    assert 'fbrt_resource_faults_total{app="blinker",resource="BlinkRes"} 0.0' in text
    ticks = metric(text, 'fbrt_resource_events_total{app="blinker",resource="BlinkRes"}')
    assert ticks > 0  # the demo blinker keeps its resource busy
    later = metric(
        await metrics_text(server), 'fbrt_resource_events_total{app="blinker",resource="BlinkRes"}'
    )
    assert later >= ticks
    assert metric(text, 'fbrt_applications{state="running"}') == 1


async def metrics_text(served: Served) -> str:
    async with served.client() as c:
        answer = await c.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no metric {name} in:\n{text}")


async def test_the_api_answers_fast_while_operations_block(server: Served) -> None:
    """Four threads asleep in plugins; requests keep being answered (timed in bench/)."""
    config = {
        "dag_name": "four",
        "tasks": [
            {"id": f"b{i}", "operation": "test.block", "independent_params": {"seconds": 2}}
            for i in range(4)
        ],
    }
    run_id = await upload_and_run(server, config)
    async with server.client() as c:
        await reaches(c, run_id, lambda r: all(t["status"] == "running" for t in r["tasks"]))
        answers = await asyncio.gather(*(c.get("/api/health") for _ in range(20)))
        still = (await c.get(f"/api/runs/{run_id}")).json()
    assert all(a.status_code == 200 for a in answers)
    assert all(t["status"] == "running" for t in still["tasks"])  # answered while they slept
