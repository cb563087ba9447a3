"""The Telegram bot against the fake Bot API over real HTTP: commands, allow-list, notices."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import TestClock
from fbruntime.pipelines.recording import wall_time
from fbruntime.pipelines.service import PipelineService
from fbruntime.pipelines.telegram_bot import TelegramBot, bot_from_environment
from fbruntime.store import Store

from .conftest import shipped_operations
from .servers import FakeTelegram, JsonApi

OWNER, STRANGER = 42, 7


def quick_config() -> str:
    return json.dumps(
        {
            "dag_name": "quick",
            "tasks": [
                {"id": "first", "operation": "value.pass", "independent_params": {"value": 1}},
                {
                    "id": "second",
                    "operation": "value.pass",
                    "dependencies": ["first"],
                    "dependent_params": {"value": "first"},
                },
            ],
        }
    )


def fetch_config(url: str) -> str:
    return json.dumps(
        {
            "dag_name": "fetch",
            "tasks": [
                {"id": "get", "operation": "http.get_json", "independent_params": {"url": url}}
            ],
        }
    )


@pytest.fixture
async def bot(
    service: PipelineService, telegram: FakeTelegram, api: JsonApi
) -> AsyncIterator[TelegramBot]:
    service.upload("quick.json", quick_config())
    service.upload("fetch.json", fetch_config(f"{api.server.url}/weather"))
    made = TelegramBot(
        service, telegram.token, allowed_chats={OWNER}, api_url=telegram.api_url, poll_timeout=5
    )
    try:
        yield made
    finally:
        await made.stop()


async def say(bot: TelegramBot, telegram: FakeTelegram, chat_id: int, text: str) -> list[str]:
    """Send ``text`` from ``chat_id``, run one poll, return the replies that chat got."""
    before = len(telegram.texts_to(chat_id))
    telegram.push_message(chat_id, text)
    assert await bot.poll_once() == 1
    return telegram.texts_to(chat_id)[before:]


async def notices(telegram: FakeTelegram, count: int, chat_id: int = OWNER) -> list[str]:
    """Wait until ``count`` messages were sent in all; those to ``chat_id``."""
    await telegram.wait_sent(count)
    return telegram.texts_to(chat_id)


async def test_list_shows_every_pipeline_with_its_schedule(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService
) -> None:
    await service.set_schedule("quick", "0 8 * * *")
    (reply,) = await say(bot, telegram, OWNER, "/list")
    assert reply == ("Pipelines:\n- fetch: 1 tasks\n- quick: 2 tasks, schedule 0 8 * * * (UTC)")


async def test_run_starts_the_pipeline_and_the_end_is_notified(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService
) -> None:
    # The reply comes first; the notice of the end may already follow it.
    reply = (await say(bot, telegram, OWNER, "/run quick"))[0]
    (run,) = await service.list_runs("quick")
    assert reply == f"Started run {run.id[:8]} of quick. I will tell you when it ends."
    assert run.trigger == f"telegram:{OWNER}"
    texts = await notices(telegram, 2)
    assert texts[1] == f"✅ Run {run.id[:8]} of quick succeeded\n(started by telegram:{OWNER})"
    assert await service.wait(run.id) == "succeeded"


async def test_a_failed_run_is_notified_with_its_error(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService, api: JsonApi
) -> None:
    api.status_override = 404
    await say(bot, telegram, OWNER, "/run fetch")
    texts = await notices(telegram, 2)
    (run,) = await service.list_runs("fetch")
    assert texts[1].startswith(f"❌ Run {run.id[:8]} of fetch failed: failed tasks: get")


async def test_run_takes_json_overrides_and_refuses_bad_ones(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService
) -> None:
    (bad,) = await say(bot, telegram, OWNER, "/run quick {not json")
    assert bad.startswith("The overrides are not JSON:")
    (unknown,) = await say(bot, telegram, OWNER, '/run quick {"third": {"value": 2}}')
    assert "third" in unknown and "the pipeline does not have" in unknown
    assert await service.list_runs() == []
    await say(bot, telegram, OWNER, '/run quick {"first": {"value": 5}}')
    (run,) = await service.list_runs("quick")
    await service.wait(run.id)
    detail = await service.get_run(run.id)
    assert detail is not None
    assert {t.task_id: t.output for t in detail.tasks} == {"first": 5, "second": 5}


async def test_run_takes_trigger_parameters_and_refuses_bad_ones(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService
) -> None:
    config = {
        "dag_name": "hello",
        "parameters": {"who": {"type": "str"}, "times": {"type": "int", "default": 1}},
        "tasks": [
            {
                "id": "say",
                "operation": "value.pass",
                "dependent_params": {"value": "${params.who} x${params.times}"},
            }
        ],
    }
    service.upload("hello.json", json.dumps(config))
    (missing,) = await say(bot, telegram, OWNER, "/run hello")
    assert "parameter 'who' is required" in missing
    (typed,) = await say(bot, telegram, OWNER, "/run hello who=Ann times=x")
    assert "parameters.times: expected int, got str 'x'" in typed
    (bad,) = await say(bot, telegram, OWNER, "/run hello who")
    assert bad == "'who': write NAME=VALUE (e.g. city=Paris)."
    # The run is quick: its end may be told in the same poll as the start.
    reply = (await say(bot, telegram, OWNER, "/run hello who=Ann times=3"))[0]
    (run,) = await service.list_runs("hello")
    assert reply == (
        f"Started run {run.id[:8]} of hello with who=Ann, times=3. I will tell you when it ends."
    )
    assert await service.wait(run.id) == "succeeded"
    detail = await service.get_run(run.id)
    assert detail is not None
    assert detail.run.parameters == {"who": "Ann", "times": 3}
    assert [t.output for t in detail.tasks] == ["Ann x3"]


async def test_status_shows_a_run_by_id_prefix_and_the_latest_runs(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService
) -> None:
    run_id = await service.start_run("quick", trigger="manual")
    assert await service.wait(run_id) == "succeeded"
    (one,) = await say(bot, telegram, OWNER, f"/status {run_id[:6]}")
    assert one == (
        f"{run_id[:8]} quick: succeeded (manual)\n- first: succeeded\n- second: succeeded"
    )
    (latest,) = await say(bot, telegram, OWNER, "/status")
    assert latest == f"Latest runs:\n{run_id[:8]} quick: succeeded (manual)"
    (missing,) = await say(bot, telegram, OWNER, "/status ffffff")
    assert missing == "No run starts with 'ffffff'."


async def test_schedule_is_set_shown_and_cleared_from_the_chat(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService
) -> None:
    (none,) = await say(bot, telegram, OWNER, "/schedule quick")
    assert none == "quick has no schedule."
    (set_,) = await say(bot, telegram, OWNER, "/schedule quick */15 * * * *")
    assert set_ == "quick now runs at '*/15 * * * *' (UTC)."
    assert [s.cron for s in await service.schedules("quick")] == ["*/15 * * * *"]
    (shown,) = await say(bot, telegram, OWNER, "/schedule quick")
    assert shown == "quick runs at '*/15 * * * *' (UTC), overlap skip"
    (cleared,) = await say(bot, telegram, OWNER, "/unschedule quick")
    assert cleared == "quick is no longer scheduled."
    assert await service.schedules("quick") == []
    (again,) = await say(bot, telegram, OWNER, "/unschedule quick")
    assert again == "quick had no schedule."


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/schedule quick 61 * * * *", "invalid cron expression '61 * * * *'"),
        ("/schedule nope 0 8 * * *", "pipeline 'nope' does not exist"),
        ("/unschedule nope", "pipeline 'nope' does not exist"),
        ("/run nope", "pipeline 'nope' does not exist"),
        ("/run", "Usage: /run DAG"),
        ("/frobnicate", "Unknown command /frobnicate."),
        ("hello", "Send /help for the commands."),
    ],
)
async def test_mistakes_get_a_clear_answer_and_change_nothing(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService, command: str, expected: str
) -> None:
    (reply,) = await say(bot, telegram, OWNER, command)
    assert expected in reply
    assert await service.schedules() == []
    assert await service.list_runs() == []


@pytest.mark.parametrize("command", ["/run quick", "/schedule quick * * * * *", "/list"])
async def test_a_chat_not_on_the_allow_list_is_refused_and_nothing_runs(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService, command: str
) -> None:
    (reply,) = await say(bot, telegram, STRANGER, command)
    assert reply.startswith(f"Sorry, chat {STRANGER} may not command this bot.")
    assert await service.list_runs() == []
    assert await service.schedules() == []
    assert telegram.texts_to(OWNER) == []


async def test_updates_are_confirmed_and_never_handled_twice(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService
) -> None:
    telegram.push_message(OWNER, "/run quick")
    telegram.push_message(OWNER, "/help")
    assert await bot.poll_once() == 2
    assert await bot.poll_once() == 0
    assert telegram.updates == []
    assert len(await service.list_runs("quick")) == 1


async def test_commands_addressed_to_another_bot_are_ignored(
    bot: TelegramBot, telegram: FakeTelegram
) -> None:
    assert await say(bot, telegram, OWNER, "/list@other_bot") == []
    (reply,) = await say(bot, telegram, OWNER, "/help@taskflow_bot")
    assert reply.startswith("Commands:")


async def test_scheduled_runs_notify_the_allowed_chats(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService, clock: TestClock
) -> None:
    await bot.initialize()
    await service.set_schedule("quick", "* * * * *")
    await service.scheduler.idle()
    await clock.advance(40)
    await service.scheduler.idle()
    (fire,) = service.scheduler.fires
    (text,) = await notices(telegram, 1)
    assert text == f"✅ Run {fire.run_id[:8]} of quick succeeded\n(started by schedule:1)"


async def test_the_service_runs_the_long_polling_loop(
    tmp_path: Path, clock: TestClock, telegram: FakeTelegram
) -> None:
    store = await Store.open(data_dir=tmp_path / "db", clock=lambda: wall_time(clock))
    service = PipelineService(store, tmp_path / "data", shipped_operations(), clock)
    service.bot = TelegramBot(
        service, telegram.token, allowed_chats={OWNER}, api_url=telegram.api_url, poll_timeout=5
    )
    try:
        await service.start()
        service.upload("quick.json", quick_config())
        telegram.push_message(OWNER, "/run quick")
        texts = await notices(telegram, 2)
        assert texts[0].startswith("Started run ")
        assert "of quick succeeded" in texts[1]
        telegram.push_message(OWNER, "/list")
        texts = await notices(telegram, 3)
        assert texts[2] == "Pipelines:\n- quick: 2 tasks"
    finally:
        await service.close()
        await store.close()
    assert service.bot._task is None


@pytest.mark.parametrize(
    ("environ", "outcome"),
    [
        ({}, None),
        (
            {"FBRT_TELEGRAM_TOKEN": "1:x", "FBRT_TELEGRAM_ALLOWED_CHATS": "42, 7"},
            ({42, 7}, {42, 7}, "https://api.telegram.org"),
        ),
        (
            {
                "FBRT_TELEGRAM_TOKEN": "1:x",
                "FBRT_TELEGRAM_ALLOWED_CHATS": "42",
                "FBRT_TELEGRAM_NOTIFY_CHATS": "",
                "FBRT_TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            },
            ({42}, set(), "http://127.0.0.1:8081"),
        ),
        ({"FBRT_TELEGRAM_TOKEN": "1:x"}, "FBRT_TELEGRAM_ALLOWED_CHATS is empty"),
        (
            {"FBRT_TELEGRAM_TOKEN": "1:x", "FBRT_TELEGRAM_ALLOWED_CHATS": "42,me"},
            "FBRT_TELEGRAM_ALLOWED_CHATS: 'me' is not a chat id",
        ),
    ],
)
async def test_the_bot_is_configured_from_the_environment(
    service: PipelineService, environ: dict[str, str], outcome: Any
) -> None:
    if isinstance(outcome, str):
        with pytest.raises(ValueError, match=outcome):
            bot_from_environment(service, environ)
        return
    made = bot_from_environment(service, environ)
    if outcome is None:
        assert made is None
        return
    assert made is not None
    assert (set(made.allowed_chats), set(made.notify_chats), made.api_url) == outcome


async def test_the_bot_records_senders_and_keeps_its_offset_in_the_store(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService, store: Store
) -> None:
    telegram.push_message(STRANGER, "hello", username="Carol")
    assert await bot.poll_once() == 1
    assert await store.chats.lookup(bot.bot_id, "@CAROL") == STRANGER
    assert await store.chats.lookup(bot.bot_id, "dave") is None
    assert await store.settings.get(f"telegram.offset.{bot.bot_id}") == bot.offset
    fresh = TelegramBot(service, telegram.token, allowed_chats={OWNER}, api_url=telegram.api_url)
    try:
        await fresh.initialize()
        assert fresh.offset == bot.offset  # a restarted server confirms what was read
    finally:
        await fresh.stop()


async def test_cancel_rerun_and_resume_from_the_chat(
    bot: TelegramBot, telegram: FakeTelegram, service: PipelineService, store: Store
) -> None:
    # A run cut off by a crash: its first task had finished.
    run = await store.runs.create("quick", tasks=["first", "second"])
    await store.runs.set_task(run.id, "first", "succeeded", attempt=1, output=3)
    assert await service.upkeep.recover() == [run.id]
    reply = (await say(bot, telegram, OWNER, f"/resume {run.id[:8]}"))[0]
    (new,) = [r for r in await service.list_runs("quick") if r.id != run.id]
    assert reply == (
        f"Started run {new.id[:8]} (resume of {run.id[:8]}, 1 finished tasks reused). "
        "I will tell you when it ends."
    )
    assert await service.wait(new.id) == "succeeded"
    detail = await service.get_run(new.id)
    assert detail is not None
    assert {t.task_id: t.output for t in detail.tasks} == {"first": 3, "second": 3}
    assert await notices(telegram, 2)  # the notice of its end
    (not_running,) = await say(bot, telegram, OWNER, f"/cancel {new.id[:8]}")
    assert not_running == f"Run {new.id[:8]} is not running."
    (nothing,) = await say(bot, telegram, OWNER, f"/rerun {new.id[:8]}")
    assert nothing == f"run {new.id!r} has no failed tasks to run again"
