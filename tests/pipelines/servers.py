"""Real HTTP servers on 127.0.0.1 for the tests: a JSON API and a fake Telegram Bot API.

Both sit on a tiny HTTP/1.1 server over ``asyncio.start_server`` (keep-alive, Content-Length
bodies), so the operations and the bot talk real HTTP through httpx, as in production.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[["Request"], Awaitable[tuple[int, Any]]]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Error"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def params(self) -> dict[str, Any]:
        """Body params as the Bot API reads them: JSON, form or query string."""
        kind = self.headers.get("content-type", "")
        values: dict[str, Any] = dict(self.query)
        if "json" in kind and self.body:
            values.update(json.loads(self.body))
        elif "x-www-form-urlencoded" in kind and self.body:
            for key, value in urllib.parse.parse_qsl(self.body.decode()):
                try:
                    values[key] = json.loads(value)
                except ValueError:
                    values[key] = value
        return values


class HttpServer:
    """Serves ``handler`` on 127.0.0.1, on a free port; ``url`` once started."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.server: asyncio.Server | None = None
        self.requests: list[Request] = []
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> HttpServer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _ = line.decode().split(" ", 2)
                headers: dict[str, str] = {}
                while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = header.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                parts = urllib.parse.urlsplit(target)
                request = Request(
                    method, parts.path, dict(urllib.parse.parse_qsl(parts.query)), headers, body
                )
                self.requests.append(request)
                status, payload = await self.handler(request)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                kind = "text/plain" if isinstance(payload, bytes) else "application/json"
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n"
                    f"Content-Type: {kind}\r\nContent-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


class JsonApi:
    """A weather-like JSON API: ``GET /weather?city=X``; ``fail_next`` answers 500 first."""

    def __init__(self) -> None:
        self.fail_next = 0
        self.status_override: int | None = None
        self.server = HttpServer(self._handle)

    async def _handle(self, request: Request) -> tuple[int, Any]:
        if self.fail_next > 0:
            self.fail_next -= 1
            return 500, {"error": "temporarily broken"}
        if self.status_override is not None:
            return self.status_override, {"error": "refused"}
        if request.path == "/weather":
            city = request.query.get("city", "Berlin")
            return 200, {"city": city, "current_weather": {"temperature": 21.5, "windspeed": 7.2}}
        if request.path == "/text":
            return 200, b"not json"
        return 404, {"error": "no such path"}


@dataclass
class FakeTelegram:
    """The Bot API methods the runtime uses, answering as api.telegram.org does.

    Known chats are the only ones ``sendMessage`` accepts ("chat not found" otherwise); updates
    pushed with :meth:`push_message` are served by ``getUpdates`` until confirmed by offset. A
    ``getUpdates`` with a ``timeout`` and nothing queued is held open until a message is pushed
    (long polling); :meth:`wait_sent` waits, without sleeping, until messages were sent.
    """

    token: str = "123456:TEST-token"
    chats: set[int] = field(default_factory=lambda: {42, 7})
    sent: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    bot_user: dict[str, Any] = field(
        default_factory=lambda: {
            "id": 123456,
            "is_bot": True,
            "first_name": "TaskFlow",
            "username": "taskflow_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
    )

    def __post_init__(self) -> None:
        self.server = HttpServer(self._handle)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._changed = asyncio.Condition()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_sent(self, count: int) -> list[dict[str, Any]]:
        """Wait until ``count`` messages were sent in all; the messages sent so far."""
        async with self._changed:
            await self._changed.wait_for(lambda: len(self.sent) >= count)
        return list(self.sent)

    @property
    def api_url(self) -> str:
        return self.server.url

    def push_message(self, chat_id: int, text: str, username: str | None = None) -> None:
        asyncio.get_running_loop().create_task(self._notify())
        message_id = next(self._message_ids)
        sender: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "User"}
        if username is not None:
            sender["username"] = username
        self.updates.append(
            {
                "update_id": next(self._update_ids),
                "message": {
                    "message_id": message_id,
                    "from": sender,
                    "chat": {"id": chat_id, "type": "private", "first_name": "User"},
                    "date": 1_700_000_000,
                    "text": text,
                    **(
                        {
                            "entities": [
                                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
                            ]
                        }
                        if text.startswith("/")
                        else {}
                    ),
                },
            }
        )

    def texts_to(self, chat_id: int) -> list[str]:
        return [m["text"] for m in self.sent if m["chat_id"] == chat_id]

    def offsets(self) -> list[int | None]:
        """The ``offset`` of every ``getUpdates`` call so far (None: none given)."""
        found: list[int | None] = []
        for request in self.server.requests:
            if request.path.endswith("/getUpdates"):
                offset = request.params().get("offset")
                found.append(int(offset) if offset is not None else None)
        return found

    async def wait_for(self, test: Callable[[], bool]) -> None:
        """Wait, without sleeping, until ``test()`` holds after some request."""
        async with self._changed:
            await self._changed.wait_for(test)

    async def _handle(self, request: Request) -> tuple[int, Any]:
        prefix, _, method = request.path.lstrip("/").partition("/")
        if not prefix.startswith("bot") or prefix[3:] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        params = request.params()
        await self._notify()
        if method == "getMe":
            return 200, {"ok": True, "result": self.bot_user}
        if method == "sendMessage":
            answer = self._send(params)
            await self._notify()
            return answer
        if method == "getUpdates":
            offset = int(params.get("offset", 0) or 0)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            timeout = float(params.get("timeout", 0) or 0)
            if not self.updates and timeout > 0:
                async with self._changed:
                    try:
                        await asyncio.wait_for(
                            self._changed.wait_for(lambda: bool(self.updates)), timeout
                        )
                    except TimeoutError:
                        pass
            return 200, {"ok": True, "result": list(self.updates)}
        if method in ("deleteWebhook", "setMyCommands", "close", "logOut"):
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _send(self, params: dict[str, Any]) -> tuple[int, Any]:
        text = params.get("text")
        if not text:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }
        try:
            chat_id = int(params.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            chat_id = -1
        if chat_id not in self.chats:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }
        self.sent.append({"chat_id": chat_id, "text": text})
        return 200, {
            "ok": True,
            "result": {
                "message_id": next(self._message_ids),
                "from": self.bot_user,
                "chat": {"id": chat_id, "type": "private", "first_name": "User"},
                "date": 1_700_000_000,
                "text": text,
            },
        }
