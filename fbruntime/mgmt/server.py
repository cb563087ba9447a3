"""The DEV_MGR server: 4diac IDE (or any management client) talks to a target over TCP.

`serve` listens on asyncio streams. Each connection is read incrementally (`FrameDecoder`) and
answered in order, one reply per request. Commands from all connections reach the target one at a
time. A broken frame closes that connection only (after answering the requests completed before
it); a bad request gets FORTE's error reply; a client leaving mid-request is simply dropped; none
of these reach past their own connection.

The requests that arrived together (one read) are executed, then the target's ``commit`` (when
it has one) is awaited, then their replies are sent: a reply never announces a change the store
does not hold yet, and a burst shares one commit. If the commit fails, the connection is closed
without those replies. Closing the server lets replies already being committed go out first.

Limits, so that no client can hold the device: at most ``max_connections`` connections at once
(one more is closed as soon as it is accepted), a request must be complete within
``request_timeout`` seconds of its first byte, and a connection with no request for
``idle_timeout`` seconds is closed (the 4diac IDE reconnects when it needs to).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType

from fbruntime.mgmt.framing import MAX_STRING_LENGTH, FrameDecoder, encode_reply
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.replies import Response, format_reply, short_reply
from fbruntime.mgmt.requests import RequestError, parse_request
from fbruntime.mgmt.target import ManagementTarget

DEFAULT_PORT = 61499
MAX_CONNECTIONS = 64
REQUEST_TIMEOUT = 10.0
IDLE_TIMEOUT = 600.0
_READ_SIZE = 65536
_CLOSE_GRACE = 5.0  # seconds a closing server waits for replies that are being committed

log = logging.getLogger(__name__)


async def respond(target: ManagementTarget, dst: str, text: str) -> str:
    """The reply text for one request: parse, execute on *target*, format as FORTE would."""
    try:
        request = parse_request(text)
    except RequestError as refused:
        log.info("refused request to %r: %s", dst, refused.message)
        return short_reply(refused.request_id, refused.reason)
    try:
        response = await target.execute(dst, request.command)
    except Exception:
        log.exception("target failed on request %s to %r: %r", request.id, dst, request.command)
        response = Response(Reason.INVALID_OPERATION)
    reply = format_reply(request.id, request.command, response)
    if len(reply.encode("latin-1", errors="xmlcharrefreplace")) > MAX_STRING_LENGTH:
        log.warning("reply to request %s exceeds one FBDK STRING; answering OVERFLOW", request.id)
        return short_reply(request.id, Reason.OVERFLOW)
    return reply


class ManagementServer:
    """A listening management endpoint; `port` is the bound port (useful after binding port 0)."""

    def __init__(
        self,
        target: ManagementTarget,
        max_string_length: int,
        *,
        max_connections: int = MAX_CONNECTIONS,
        request_timeout: float = REQUEST_TIMEOUT,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self._target = target
        self._max_string_length = max_string_length
        self.max_connections = max_connections
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self._lock = asyncio.Lock()
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._server: asyncio.Server | None = None
        self._commit: Callable[[], Awaitable[None]] | None = getattr(target, "commit", None)
        self._replying = 0
        self._replied = asyncio.Event()
        self._replied.set()

    async def _start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve_connection, host, port)

    @property
    def sockname(self) -> tuple[str, int]:
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the management server is not listening")
        name = self._server.sockets[0].getsockname()
        return str(name[0]), int(name[1])

    @property
    def host(self) -> str:
        return self.sockname[0]

    @property
    def port(self) -> int:
        return self.sockname[1]

    async def handle(self, dst: str, text: str) -> str:
        """Answer one request, serialised with every other connection's requests."""
        async with self._lock:
            return await respond(self._target, dst, text)

    async def close(self) -> None:
        """Stop listening and drop every open connection."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._replied.wait(), _CLOSE_GRACE)
        # Closing a connection's transport ends its read loop; cancelling the task instead would
        # make asyncio's stream callback report the cancellation as an error.
        for writer in self._connections.values():
            writer.close()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> ManagementServer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        peer = writer.get_extra_info("peername")
        if len(self._connections) >= self.max_connections:
            log.warning(
                "refusing management client %s: %d connections are open already",
                peer,
                len(self._connections),
            )
            writer.close()
            return
        if task is not None:
            self._connections[task] = writer
        decoder = FrameDecoder(self._max_string_length)
        try:
            while True:
                wait = self.request_timeout if decoder.mid_request else self.idle_timeout
                try:
                    async with asyncio.timeout(wait):
                        data = await reader.read(_READ_SIZE)
                except TimeoutError:
                    what = "a request unfinished" if decoder.mid_request else "idle"
                    log.info("closing management client %s: %s for %g s", peer, what, wait)
                    break
                if not data:
                    if decoder.mid_request:
                        log.info("management client %s left in the middle of a request", peer)
                    break
                if not await self._answer(writer, decoder.feed(data)):
                    break
                await writer.drain()
                if decoder.error is not None:
                    log.warning("closing management client %s: %s", peer, decoder.error)
                    break
        except ConnectionError as lost:
            log.info("management client %s lost: %s", peer, lost)
        finally:
            if task is not None:
                self._connections.pop(task, None)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _answer(self, writer: asyncio.StreamWriter, requests: list[tuple[str, str]]) -> bool:
        """Execute, commit, then reply; False when the commit failed (nothing is replied)."""
        if not requests:
            return True
        self._replying += 1
        self._replied.clear()
        try:
            replies = [await self.handle(dst, text) for dst, text in requests]
            if self._commit is not None:
                try:
                    await self._commit()
                except Exception:
                    log.exception("could not commit; closing the connection without replies")
                    return False
            for reply in replies:
                writer.write(encode_reply(reply))
            return True
        finally:
            self._replying -= 1
            if not self._replying:
                self._replied.set()


async def serve(
    target: ManagementTarget,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    max_string_length: int = MAX_STRING_LENGTH,
    max_connections: int = MAX_CONNECTIONS,
    request_timeout: float = REQUEST_TIMEOUT,
    idle_timeout: float = IDLE_TIMEOUT,
) -> ManagementServer:
    """Listen for management connections; port 0 picks a free port (see `ManagementServer.port`)."""
    server = ManagementServer(
        target,
        max_string_length,
        max_connections=max_connections,
        request_timeout=request_timeout,
        idle_timeout=idle_timeout,
    )
    await server._start(host, port)
    return server
