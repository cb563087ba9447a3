"""A Telegram bot that manages the service's pipelines from a chat.

::

    bot = TelegramBot(service, token, allowed_chats={42}, api_url="https://api.telegram.org")
    service.bot = bot            # service.start() starts its long-polling loop, close() stops it

Commands (``/cmd@botname`` works too)::

    /list                      the pipelines, with their schedules
    /run DAG [NAME=VALUE ...]  start a run with trigger parameters (VALUE as JSON, else text)
    /run DAG JSON              start a run with overrides ({"task": {"param": value}})
    /status [RUN]              a run's status and tasks (a unique prefix of its id will do);
                               without RUN: the latest runs
    /cancel RUN                cancel a run in progress
    /rerun RUN                 run again what failed (the tasks that succeeded are reused)
    /resume RUN                go on with an interrupted run (the finished tasks are reused)
    /schedule DAG [CRON]       show DAG's schedule, or set it ("/schedule weather 0 8 * * *")
    /unschedule DAG            clear DAG's schedule
    /help

Only chats on the allow-list may command it; any other chat gets a refusal naming its id (so
the owner can add it) and nothing else happens. Everyone who writes to the bot in a private chat
is recorded (``@username`` -> chat id, in the store), so ``telegram.send_message`` can send to
``"@alice"`` once Alice has written to the bot. The ``getUpdates`` offset is kept in the store
too, so a restarted server neither answers old commands again nor loses new ones. When a run ends the bot tells the chat that
started it and every chat in ``notify_chats`` (the allow-list unless given), scheduled runs
included.

The bot talks to the Bot API with python-telegram-bot's :class:`telegram.Bot` only (no
``Application``): :meth:`TelegramBot.poll_once` is one ``getUpdates`` round (what tests drive),
and the loop :meth:`start` runs calls it with long polling, backing off on the engine clock when
the API cannot be reached. The Bot API base URL is configurable (a Local Bot API Server, or the
tests' fake one).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from telegram import Bot, Update
from telegram.error import TelegramError

from fbruntime.store import NotFound, Run

from .problems import PipelineError

if TYPE_CHECKING:
    from .service import PipelineService, RunFinished

__all__ = ["DEFAULT_API_URL", "TelegramBot", "bot_from_environment"]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
MAX_TEXT = 4096
_NS = 1_000_000_000
_BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)

HELP = """Commands:
/list - the pipelines and their schedules
/run DAG [NAME=VALUE ...] - start a run with parameters, e.g. /run weather city=Paris
/run DAG JSON - start a run with overrides ({"task": {"param": value}})
/status [RUN] - a run's status (an id prefix will do); the latest runs without RUN
/cancel RUN - cancel a run in progress
/rerun RUN - run again what failed, reusing what succeeded
/resume RUN - go on with an interrupted run, reusing the finished tasks
/schedule DAG [CRON] - show or set DAG's cron schedule, e.g. /schedule weather 0 8 * * *
/unschedule DAG - clear DAG's schedule"""


class CommandError(Exception):
    """A command that cannot be done; its text is the reply."""


class TelegramBot:
    """Commands in, notifications out (see the module docstring)."""

    def __init__(
        self,
        service: PipelineService,
        token: str,
        *,
        allowed_chats: Iterable[int],
        notify_chats: Iterable[int] | None = None,
        api_url: str = DEFAULT_API_URL,
        poll_timeout: int = 30,
    ) -> None:
        self.service = service
        self.allowed_chats = frozenset(int(c) for c in allowed_chats)
        self.notify_chats = (
            self.allowed_chats if notify_chats is None else frozenset(int(c) for c in notify_chats)
        )
        self.api_url = api_url.rstrip("/")
        self.poll_timeout = poll_timeout
        self.bot = Bot(token, base_url=f"{self.api_url}/bot")
        self.bot_id = token.split(":", 1)[0]
        self.offset: int | None = None
        self.username: str | None = None
        self._known: dict[str, int] = {}  # usernames recorded since start -> chat id
        # Runs started by a command whose reply is not out yet: their end is told after it.
        self._unreplied: dict[str, asyncio.Event] = {}
        self._requested: dict[str, int] = {}  # run id -> chat that started it
        self._task: asyncio.Task[None] | None = None
        self._initialized = False
        self._listening = False

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def _offset_key(self) -> str:
        return f"telegram.offset.{self.bot_id}"

    async def initialize(self) -> None:
        """Meet the API (``getMe``), take up the stored offset and listen for the ends of runs;
        idempotent."""
        if not self._initialized:
            await self.bot.initialize()
            self.username = self.bot.username
            if self.offset is None:
                stored = await self.service.store.settings.get(self._offset_key)
                self.offset = stored if isinstance(stored, int) else None
            self._initialized = True
        if not self._listening:
            self.service.add_listener(self._run_finished)
            self._listening = True

    async def start(self) -> None:
        """Start the long-polling loop (the service calls this). It meets the API first, and
        keeps trying with back-off while the API cannot be reached: a Telegram outage must not
        keep the server from starting."""
        if not self._listening:
            self.service.add_listener(self._run_finished)
            self._listening = True
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="fbrt bot")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._initialized:
            self._initialized = False
            await self.bot.shutdown()

    async def _loop(self) -> None:
        failures = 0
        while True:
            try:
                await self.poll_once(self.poll_timeout)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the API is down, a proxy hiccup: keep trying
                delay = _BACKOFF_S[min(failures, len(_BACKOFF_S) - 1)]
                failures += 1
                log.warning("telegram: getUpdates failed (%s); again in %g s", error, delay)
                await self.service.clock.sleep(round(delay * _NS))

    # -- commands ----------------------------------------------------------------------------

    async def poll_once(self, timeout: int = 0) -> int:
        """One ``getUpdates`` round: answer every message in it; how many updates came."""
        await self.initialize()
        updates = await self.bot.get_updates(
            offset=self.offset, timeout=timeout, allowed_updates=["message"]
        )
        for update in updates:
            self.offset = update.update_id + 1  # confirmed by the next getUpdates
            try:
                await self._handle_update(update)
            finally:
                # Kept before the next update: a crash answers no command twice.
                await self.service.store.settings.set(self._offset_key, self.offset)
        return len(updates)

    async def _remember(self, update: Update) -> None:
        """Record who wrote to the bot in a private chat (username -> chat id)."""
        message = update.message
        if message is None or message.chat.type != "private":
            return
        user = message.from_user
        if user is None or not user.username:
            return
        name = user.username.lower()
        if self._known.get(name) == message.chat.id:
            return
        await self.service.store.chats.remember(self.bot_id, name, message.chat.id, user.first_name)
        self._known[name] = message.chat.id

    async def _handle_update(self, update: Update) -> None:
        message = update.message
        if message is None:
            return
        await self._remember(update)
        if not message.text:
            return
        chat_id = message.chat.id
        try:
            reply = await self.handle(chat_id, message.text)
            if reply is not None:
                await self._send(chat_id, reply)
        finally:
            for replied in self._unreplied.values():
                replied.set()
            self._unreplied.clear()

    async def handle(self, chat_id: int, text: str) -> str | None:
        """The reply to ``text`` from ``chat_id`` (None: not a command, nothing to say)."""
        if chat_id not in self.allowed_chats:
            log.warning("telegram: refused a message from chat %s", chat_id)
            return (
                f"Sorry, chat {chat_id} may not command this bot. "
                "Ask its owner to add this chat id to the allow-list."
            )
        text = text.strip()
        if not text.startswith("/"):
            return "Send /help for the commands."
        head, _, rest = text.partition(" ")
        command, _, mention = head[1:].partition("@")
        if mention and self.username and mention.lower() != self.username.lower():
            return None  # a command for another bot in a group
        handler = _COMMANDS.get(command.lower())
        if handler is None:
            return f"Unknown command /{command}.\n{HELP}"
        try:
            return await handler(self, chat_id, rest.strip())
        except CommandError as error:
            return str(error)
        except (NotFound, PipelineError, ValueError) as error:
            return str(error)

    async def _help(self, chat_id: int, args: str) -> str:
        return HELP

    async def _list(self, chat_id: int, args: str) -> str:
        pipelines = self.service.list()
        if not pipelines:
            return "No pipelines yet: upload a config first."
        schedules = {s.pipeline: s for s in await self.service.schedules()}
        lines = ["Pipelines:"]
        for info in pipelines:
            schedule = schedules.get(info.dag_id)
            when = f", schedule {schedule.cron} ({schedule.timezone})" if schedule else ""
            running = len(self.service.active_runs(info.dag_id))
            now = f", {running} running" if running else ""
            lines.append(f"- {info.dag_id}: {info.tasks} tasks{when}{now}")
        return "\n".join(lines)

    async def _run(self, chat_id: int, args: str) -> str:
        dag_id, _, extra = args.partition(" ")
        if not dag_id:
            raise CommandError("Usage: /run DAG [NAME=VALUE ...] or /run DAG JSON")
        params: Mapping[str, Mapping[str, Any]] | None = None
        parameters: dict[str, Any] = {}
        if extra.strip() and not extra.strip().startswith("{"):
            for item in extra.split():
                name, equals, text = item.partition("=")
                if not equals or not name:
                    raise CommandError(f"{item!r}: write NAME=VALUE (e.g. city=Paris).")
                try:
                    parameters[name] = json.loads(text)
                except ValueError:
                    parameters[name] = text
        elif extra.strip():
            try:
                params = json.loads(extra)
            except ValueError as error:
                raise CommandError(f"The overrides are not JSON: {error}") from None
            if not isinstance(params, dict) or not all(
                isinstance(v, dict) for v in params.values()
            ):
                raise CommandError('Overrides are {"task": {"param": value}}.')
        run_id = await self.service.start_run(
            dag_id, params, trigger=f"telegram:{chat_id}", parameters=parameters or None
        )
        self._requested[run_id] = chat_id
        self._unreplied[run_id] = asyncio.Event()
        given = (
            " with " + ", ".join(f"{k}={v}" for k, v in parameters.items()) if parameters else ""
        )
        return f"Started run {run_id[:8]} of {dag_id}{given}. I will tell you when it ends."

    async def _status(self, chat_id: int, args: str) -> str:
        if not args:
            runs = await self.service.list_runs(limit=5)
            if not runs:
                return "No runs yet."
            return "Latest runs:\n" + "\n".join(_run_line(run) for run in runs)
        run_id = await self._find_run(args.split()[0])
        detail = await self.service.get_run(run_id)
        if detail is None:
            raise CommandError(f"No run {args!r}.")
        lines = [_run_line(detail.run)]
        if detail.run.error:
            lines.append(f"error: {detail.run.error}")
        for task in detail.tasks:
            attempts = f", attempt {task.attempt}" if task.attempt > 1 else ""
            error = f": {task.error}" if task.error and task.status != "succeeded" else ""
            lines.append(f"- {task.task_id}: {task.status}{attempts}{error}")
        return "\n".join(lines)

    async def _find_run(self, prefix: str) -> str:
        if len(prefix) == 32:
            return prefix
        if len(prefix) < 4:
            raise CommandError("Give at least 4 characters of the run id.")
        found = {
            r.id for r in await self.service.list_runs(limit=500) if r.id.startswith(prefix.lower())
        }
        if not found:
            raise CommandError(f"No run starts with {prefix!r}.")
        if len(found) > 1:
            raise CommandError(f"{len(found)} runs start with {prefix!r}; give more of the id.")
        return found.pop()

    async def _cancel(self, chat_id: int, args: str) -> str:
        if not args:
            raise CommandError("Usage: /cancel RUN (an id prefix will do)")
        run_id = await self._find_run(args.split()[0])
        if await self.service.cancel(run_id, reason=f"cancelled from Telegram chat {chat_id}"):
            return f"Cancelled run {run_id[:8]}."
        return f"Run {run_id[:8]} is not running."

    async def _again(self, chat_id: int, args: str, *, resume: bool) -> str:
        word = "resume" if resume else "rerun"
        if not args:
            raise CommandError(f"Usage: /{word} RUN (an id prefix will do)")
        run_id = await self._find_run(args.split()[0])
        if resume:
            new_id = await self.service.resume(run_id)
        else:
            new_id = await self.service.rerun_failed(run_id)
        self._requested[new_id] = chat_id
        self._unreplied[new_id] = asyncio.Event()
        handle = self.service.run_handle(new_id)
        reused = len(handle.reuse) if handle is not None else 0
        return (
            f"Started run {new_id[:8]} ({word} of {run_id[:8]}, {reused} finished tasks "
            "reused). I will tell you when it ends."
        )

    async def _rerun(self, chat_id: int, args: str) -> str:
        return await self._again(chat_id, args, resume=False)

    async def _resume(self, chat_id: int, args: str) -> str:
        return await self._again(chat_id, args, resume=True)

    async def _schedule(self, chat_id: int, args: str) -> str:
        dag_id, _, cron = args.partition(" ")
        if not dag_id:
            raise CommandError("Usage: /schedule DAG [CRON], e.g. /schedule weather 0 8 * * *")
        cron = cron.strip()
        if not cron:
            self.service.pipeline(dag_id)
            schedules = await self.service.schedules(dag_id)
            if not schedules:
                return f"{dag_id} has no schedule."
            return "\n".join(
                f"{dag_id} runs at '{s.cron}' ({s.timezone}), overlap {s.overlap}"
                + (f", last fired {s.last_fire_at:%Y-%m-%d %H:%M}" if s.last_fire_at else "")
                for s in schedules
            )
        schedule = await self.service.set_schedule(dag_id, cron)
        return f"{dag_id} now runs at '{schedule.cron}' ({schedule.timezone})."

    async def _unschedule(self, chat_id: int, args: str) -> str:
        dag_id = args.split()[0] if args else ""
        if not dag_id:
            raise CommandError("Usage: /unschedule DAG")
        self.service.pipeline(dag_id)
        if await self.service.clear_schedule(dag_id):
            return f"{dag_id} is no longer scheduled."
        return f"{dag_id} had no schedule."

    # -- notifications -----------------------------------------------------------------------

    async def _run_finished(self, event: RunFinished) -> None:
        chats = set(self.notify_chats)
        requester = self._requested.pop(event.run_id, None)
        if requester is not None:
            chats.add(requester)
        if not chats:
            return
        mark = "✅" if event.status == "succeeded" else "❌"
        text = f"{mark} Run {event.run_id[:8]} of {event.dag_id} {event.status}"
        if event.error:
            text += f": {event.error}"
        if event.trigger:
            text += f"\n(started by {event.trigger})"
        replied = self._unreplied.get(event.run_id)
        if replied is not None:
            await replied.wait()
        for chat_id in sorted(chats):
            await self._send(chat_id, text)

    async def _send(self, chat_id: int, text: str) -> None:
        if len(text) > MAX_TEXT:
            text = text[: MAX_TEXT - 1] + "…"
        try:
            await self.bot.send_message(chat_id, text)
        except TelegramError as error:  # a chat that blocked the bot must not stop the rest
            log.warning("telegram: could not send to chat %s: %s", chat_id, error)


def _run_line(run: Run) -> str:
    return f"{run.id[:8]} {run.pipeline}: {run.status}" + (
        f" ({run.trigger})" if run.trigger else ""
    )


_COMMANDS = {
    "start": TelegramBot._help,
    "help": TelegramBot._help,
    "list": TelegramBot._list,
    "run": TelegramBot._run,
    "status": TelegramBot._status,
    "cancel": TelegramBot._cancel,
    "rerun": TelegramBot._rerun,
    "resume": TelegramBot._resume,
    "schedule": TelegramBot._schedule,
    "unschedule": TelegramBot._unschedule,
}


def bot_from_environment(
    service: PipelineService, environ: Mapping[str, str] | None = None
) -> TelegramBot | None:
    """The bot configured by ``FBRT_TELEGRAM_TOKEN``, ``FBRT_TELEGRAM_ALLOWED_CHATS`` (comma
    separated ids), optional ``FBRT_TELEGRAM_NOTIFY_CHATS`` and ``FBRT_TELEGRAM_API_URL``; None
    without a token. An empty allow-list is refused: a bot anyone can command runs anything."""
    env = os.environ if environ is None else environ
    token = env.get("FBRT_TELEGRAM_TOKEN", "").strip()
    if not token:
        return None
    allowed = _chat_ids(env.get("FBRT_TELEGRAM_ALLOWED_CHATS", ""), "FBRT_TELEGRAM_ALLOWED_CHATS")
    if not allowed:
        raise ValueError(
            "FBRT_TELEGRAM_ALLOWED_CHATS is empty: list the chat ids that may command the bot"
        )
    notify_text = env.get("FBRT_TELEGRAM_NOTIFY_CHATS")
    return TelegramBot(
        service,
        token,
        allowed_chats=allowed,
        notify_chats=None
        if notify_text is None
        else _chat_ids(notify_text, "FBRT_TELEGRAM_NOTIFY_CHATS"),
        api_url=env.get("FBRT_TELEGRAM_API_URL", DEFAULT_API_URL),
    )


def _chat_ids(text: str, name: str) -> list[int]:
    ids = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            try:
                ids.append(int(part))
            except ValueError:
                raise ValueError(f"{name}: {part.strip()!r} is not a chat id (a number)") from None
    return ids
