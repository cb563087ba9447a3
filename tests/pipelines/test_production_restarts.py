"""A real ``fbrt serve`` killed and restarted: nothing lost (issue 12); and its Telegram bot,
talking to a fake Bot API on 127.0.0.1, across a restart."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from .serve import PLUGINS, Served, finished, reaches
from .servers import FakeTelegram

TOKEN = "restart-test-token-7"


def gated(gate: Path) -> dict[str, Any]:
    return {
        "dag_name": "gated",
        "tasks": [
            {
                "id": "write",
                "operation": "file.write",
                "independent_params": {"file": "a.txt", "content": "A"},
            },
            {
                "id": "wait",
                "operation": "test.gate",
                "independent_params": {"file": str(gate)},
                "dependencies": ["write"],
            },
            {
                "id": "after",
                "operation": "value.pass",
                "dependent_params": {"value": "wait"},
                "dependencies": ["wait"],
            },
        ],
    }


async def start_waiting(served: Served, params: dict[str, Any] | None = None) -> str:
    """A run of ``gated`` whose ``write`` finished and whose ``wait`` is waiting."""
    async with served.client(headers=served.auth) as c:
        started = await c.post("/api/pipelines/gated/runs", json={"params": params or {}})
        run_id = str(started.json()["id"])
        await reaches(
            c,
            run_id,
            lambda r: (
                {t["id"]: t["status"] for t in r["tasks"]}
                == {"write": "succeeded", "wait": "running", "after": "pending"}
            ),
        )
    return run_id


async def test_a_killed_server_archives_the_run_and_it_resumes(tmp_path: Path) -> None:
    gate, second_gate = tmp_path / "gate", tmp_path / "gate2"
    served = Served(tmp_path / "data", token=TOKEN)
    await asyncio.to_thread(served.start)
    try:
        async with served.client(headers=served.auth) as c:
            body = {"file_name": "gated.json", "config": gated(gate)}
            assert (await c.post("/api/pipelines", json=body)).status_code == 201
        run_id = await start_waiting(served)
        served.kill()  # kill -9, mid-run

        await asyncio.to_thread(served.start)
        async with served.client(headers=served.auth) as c:
            run = (await c.get(f"/api/runs/{run_id}")).json()
            assert (run["status"], run["interrupted"], run["archive"]) == (
                "interrupted",
                True,
                True,
            )
            assert {t["id"]: t["status"] for t in run["tasks"]} == {
                "write": "succeeded",
                "wait": "interrupted",
                "after": "interrupted",
            }
            archive = await c.post("/api/cli", json={"run_id": run_id})
            assert archive.status_code == 200
            with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
                assert zipped.read("files/a.txt") == b"A"
                assert json.loads(zipped.read("run.json"))["status"] == "interrupted"
            page = await c.get(f"/web/runs/{run_id}")
            assert 'data-action="resume"' in page.text

            gate.write_text("open")
            resumed = await c.post(f"/api/runs/{run_id}/resume")
            assert resumed.status_code == 201
            new = await finished(c, resumed.json()["id"])
            assert new["status"] == "succeeded" and new["trigger"] == f"resume:{run_id}"
            assert {t["id"]: t["output"] for t in new["tasks"]}["after"] == "open"
            # The finished task was reused, not run again: no attempt of it in the new run.
            assert sorted({a["task"] for a in new["attempts"]}) == ["after", "wait"]
            assert ("write", "result reused from the earlier run") in [
                (line["task"], line["message"]) for line in new["logs"]
            ]
            # From the page's API too, once more killed mid-run.
            second = await start_waiting(served, {"wait": {"file": str(second_gate)}})
        served.kill()

        # From the CLI, with the server down: it recovers the run and goes on with it here.
        second_gate.write_text("cli")
        command = [sys.executable, "-m", "fbruntime", "pipeline", "resume", second[:8]]
        command += ["--data-dir", str(served.data_dir), "--folder", str(PLUGINS)]
        done = await asyncio.to_thread(
            subprocess.run,
            command,
            capture_output=True,
            text=True,
            env={**_plain_env(), "FBRT_DATA_DIR": str(served.data_dir)},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 reused" in done.stdout and "run succeeded" in done.stdout

        # Retention: a restart with a tiny retention removes every ended run and its files.
        served.env["FBRT_RUN_RETENTION_DAYS"] = "0.000000001"
        await asyncio.to_thread(served.start)
        async with served.client(headers=served.auth) as c:
            assert (await c.get("/api/runs")).json() == []
        runs_folder = served.data_dir / "dag" / "dag_gated"
        assert sorted(p.name for p in runs_folder.iterdir()) == []
    finally:
        served.stop()


async def test_a_cli_run_beside_a_live_server_leaves_the_servers_runs_running(
    tmp_path: Path,
) -> None:
    """The tour's way: ``fbrt serve`` in the background, ``fbrt pipeline run`` on the same data
    folder. The CLI must not take the server's run for one a crash left behind."""
    gate = tmp_path / "gate"
    served = Served(tmp_path / "data", token=TOKEN)
    await asyncio.to_thread(served.start)
    try:
        async with served.client(headers=served.auth) as c:
            body = {"file_name": "gated.json", "config": gated(gate)}
            assert (await c.post("/api/pipelines", json=body)).status_code == 201
        run_id = await start_waiting(served)

        other = tmp_path / "other.json"
        other.write_text(
            json.dumps(
                {
                    "dag_name": "other",
                    "tasks": [
                        {"id": "t", "operation": "value.pass", "independent_params": {"value": 1}}
                    ],
                }
            )
        )
        command = [sys.executable, "-m", "fbruntime", "pipeline", "run", str(other)]
        done = await asyncio.to_thread(
            subprocess.run,
            [*command, "--data-dir", str(served.data_dir)],
            capture_output=True,
            text=True,
            env=_plain_env(),
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "run succeeded" in done.stdout

        async with served.client(headers=served.auth) as c:
            run = (await c.get(f"/api/runs/{run_id}")).json()
            assert (run["status"], run["interrupted"]) == ("running", False)
            gate.write_text("open")
            assert (await finished(c, run_id))["status"] == "succeeded"
    finally:
        served.stop()


def _plain_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("FBRT_")}


async def test_the_bot_knows_users_by_name_obeys_commands_and_keeps_its_offset(
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    fake.chats.add(77)
    gate = tmp_path / "gate"
    async with fake.server:
        served = Served(
            tmp_path / "data",
            env={
                "FBRT_TELEGRAM_TOKEN": fake.token,
                "FBRT_TELEGRAM_API_URL": fake.api_url,
                "FBRT_TELEGRAM_ALLOWED_CHATS": "42",
            },
            token=TOKEN,
        )
        await asyncio.to_thread(served.start)
        try:
            fake.push_message(77, "/start", username="Alice")  # Alice writes to the bot once
            sent = await fake.wait_sent(1)
            assert sent[0]["chat_id"] == 77 and "may not command" in sent[0]["text"]

            config = {
                "dag_name": "hello",
                "tasks": [
                    {
                        "id": "hi",
                        "operation": "telegram.send_message",
                        "independent_params": {"chat_id": "@alice", "text": "hi Alice"},
                    }
                ],
            }
            async with served.client(headers=served.auth) as c:
                body = {"file_name": "hello.json", "config": config}
                assert (await c.post("/api/pipelines", json=body)).status_code == 201
                run = await finished(c, (await c.post("/api/pipelines/hello/runs")).json()["id"])
                assert run["status"] == "succeeded", run
                assert fake.texts_to(77) == [sent[0]["text"], "hi Alice"]
                # Nobody called @bob has written to the bot.
                params = {"params": {"hi": {"chat_id": "@bob"}}}
                started = await c.post("/api/pipelines/hello/runs", json=params)
                run = await finished(c, started.json()["id"])
                assert run["tasks"][0]["error"] == (
                    "OperationError: @bob has not started the bot: they must send it a "
                    "message (/start) before it can write to them"
                )
                # Cancel and rerun from the chat.
                body = {"file_name": "gated.json", "config": gated(gate)}
                assert (await c.post("/api/pipelines", json=body)).status_code == 201
            waiting = await start_waiting(served)
            fake.push_message(42, f"/cancel {waiting[:8]}")
            replies = await fake.wait_sent(len(fake.sent) + 2)  # the reply and the notice
            assert f"Cancelled run {waiting[:8]}." in [m["text"] for m in replies]
            gate.write_text("open")
            fake.push_message(42, f"/rerun {waiting[:8]}")
            await fake.wait_for(lambda: any("of gated succeeded" in t for t in fake.texts_to(42)))
            assert any(
                t.startswith("Started run") and f"(rerun of {waiting[:8]}, 1 finished" in t
                for t in fake.texts_to(42)
            ), fake.texts_to(42)

            # The offset survives a restart: the new server asks for what follows the last
            # update the old one handled (3 were pushed), so none is answered twice.
            served.stop()
            calls, sent = len(fake.offsets()), len(fake.sent)
            await asyncio.to_thread(served.start)
            await fake.wait_for(lambda: len(fake.offsets()) > calls)
            assert fake.offsets()[calls] == 4
            assert len(fake.sent) == sent
        finally:
            served.stop()
