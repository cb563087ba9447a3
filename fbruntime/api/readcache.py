"""Answers to the busiest database-backed reads, shared for a fraction of a second.

A read such as ``GET /api/runs`` costs nine round trips to SQLite, each through aiosqlite's
thread and back through the event loop. While an application keeps the loop busy, every round
trip waits for a dispatcher slice and a CPU, so one such read takes tens of milliseconds, and a
dashboard's worth of them queue behind each other for a second. Here the answer of a ``GET`` to
one of ``paths`` is kept for ``ttl`` seconds, and identical requests that arrive while it is
being computed wait for it instead of querying again. An answer older than ``ttl`` but younger
than ``stale`` (and of the current generation, see below) is still given at once while a fresh
one is computed behind it, so a dashboard never waits for the database twice in a row.

It never answers from before a change the client made: every request that is not a GET or HEAD
(a run started, an app created or deleted) starts a new generation, and an answer computed in an
older generation is neither served nor kept. The two mutations a busy client sends all the
time are narrower: firing an event (``POST /api/apps/{name}/events/...``) changes nothing these
reads show, and writing a value (``PUT /api/apps/{name}/values/...``) changes only the reads
that show application values (``paths`` maps each path to whether it does). Changes made in
the background (a run finishing) show within about ``ttl`` plus one query. Only complete 200
answers are kept, per path, query and Authorization header, and at most ``max_entries``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ReadCache"]

_Key = tuple[str, bytes, bytes]


@dataclass
class _Entry:
    generation: int
    made: float
    messages: list[Message]


class ReadCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: dict[str, bool],
        ttl: float = 0.25,
        stale: float = 2.0,
        max_entries: int = 256,
    ) -> None:
        self.app = app
        self.paths = paths  # path -> whether it shows application values
        self.ttl = ttl
        self.stale = max(stale, ttl)
        self._tasks: set[asyncio.Task[None]] = set()
        self.max_entries = max_entries
        self.generation = 0  # every change
        self.values_generation = 0  # every change but values written
        self._entries: dict[_Key, _Entry] = {}
        self._filling: dict[_Key, tuple[int, asyncio.Future[list[Message] | None]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method != "GET":
            kind = _change_kind(method, scope["path"])
            if kind is None:
                await self.app(scope, receive, send)
                return
            self._changed(kind)
            try:
                await self.app(scope, receive, send)
            finally:
                self._changed(kind)  # what the change did is in place only now
            return
        shows_values = self.paths.get(scope["path"])
        if shows_values is None:
            await self.app(scope, receive, send)
            return
        auth = b""
        for name, value in scope["headers"]:
            if name == b"authorization":  # the first one, as the token check reads it
                auth = value
                break
        key = (scope["path"], scope["query_string"], auth)
        generation = self.generation if shows_values else self.values_generation
        entry = self._entries.get(key)
        if entry is not None and entry.generation == generation:
            age = time.monotonic() - entry.made
            if age < self.ttl:
                await _replay(entry.messages, send)
                return
            if age < self.stale:
                # still this generation, only older: answer now, refresh behind the answer
                if key not in self._filling:
                    self._refresh(key, generation, scope)
                await _replay(entry.messages, send)
                return
        filling = self._filling.get(key)
        if filling is not None and filling[0] == generation:
            messages = await asyncio.shield(filling[1])
            if messages is not None:
                await _replay(messages, send)
                return
        await self._fill(key, generation, scope, receive, send)

    def _refresh(self, key: _Key, generation: int, scope: Scope) -> None:
        async def nobody(message: Message) -> None:
            return None

        async def no_body() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        task = asyncio.get_running_loop().create_task(
            self._fill(key, generation, dict(scope), no_body, nobody)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _changed(self, kind: str) -> None:
        self.generation += 1
        if kind == "any":
            self.values_generation += 1

    def _current(self, key: _Key) -> int:
        return self.generation if self.paths.get(key[0]) else self.values_generation

    async def _fill(
        self, key: _Key, generation: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        future: asyncio.Future[list[Message] | None] = asyncio.get_running_loop().create_future()
        self._filling[key] = (generation, future)
        messages: list[Message] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal keep
            if message["type"] == "http.response.start" and message["status"] != 200:
                keep = False
            elif message["type"] == "http.response.body" and message.get("more_body", False):
                keep = False  # a stream: never shared
            if keep:
                messages.append(message)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            done = keep and len(messages) == 2 and self._current(key) == generation
            if self._filling.get(key, (None,))[0] == generation:
                del self._filling[key]
            if done:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = _Entry(generation, time.monotonic(), messages)
            if not future.done():
                future.set_result(messages if done else None)


def _change_kind(method: str, path: str) -> str | None:
    """None: changes nothing cached (HEAD, OPTIONS, firing an event); "values": writes a value;
    "any": anything else."""
    if method in ("HEAD", "OPTIONS"):
        return None
    if path.startswith("/api/apps/"):
        kind = path.split("/", 5)[4:5]
        if kind == ["events"]:
            return None
        if kind == ["values"]:
            return "values"
    return "any"


async def _replay(messages: list[Message], send: Send) -> None:
    for message in messages:
        await send(message)
