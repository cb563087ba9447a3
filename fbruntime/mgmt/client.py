"""A small management client, for tests, benchmarks and deploying boot files to a device.

`ManagementClient` speaks the same framing as 4diac IDE's
``EthernetDeviceManagementCommunicationHandler``: one request, then wait for its reply, on one
connection. `send` numbers requests like the IDE (1, 2, 3, ...). `parse_reply` reads a reply's ID
and Reason for callers that check them.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass
from types import TracebackType

from lxml import etree

from fbruntime.mgmt.commands import Command
from fbruntime.mgmt.framing import ReplyDecoder, encode_request
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.requests import render_request
from fbruntime.mgmt.server import DEFAULT_PORT

_REPLY_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True, slots=True)
class Reply:
    request_id: str
    reason: Reason
    root: etree._Element

    @property
    def ok(self) -> bool:
        return self.reason is Reason.RDY


def parse_reply(text: str) -> Reply:
    """Read a ``<Response>``; a missing Reason means success (``RDY``)."""
    root = etree.fromstring(text, _REPLY_PARSER)
    if root.tag != "Response":
        raise ValueError(f"expected a <Response>, got <{root.tag}>")
    return Reply(root.get("ID", ""), Reason(root.get("Reason", Reason.RDY.value)), root)


class ManagementClient:
    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
        self.host = host
        self.port = port
        self._ids = itertools.count(1)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._decoder = ReplyDecoder()
        self._replies: deque[str] = deque()

    async def connect(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self._writer is None:
            return
        writer, self._writer, self._reader = self._writer, None, None
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass

    async def __aenter__(self) -> ManagementClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def next_id(self) -> str:
        return str(next(self._ids))

    async def request(self, dst: str, xml: str) -> str:
        """Send one request and return its reply text."""
        writer = self._connected_writer()
        writer.write(encode_request(dst, xml))
        await writer.drain()
        return await self.read_reply()

    async def send(self, dst: str, command: Command) -> str:
        """Send *command* with the next request ID and return the reply text."""
        return await self.request(dst, render_request(self.next_id(), command))

    async def send_raw(self, data: bytes) -> None:
        """Write bytes as they are (for exercising the server with broken or split frames)."""
        writer = self._connected_writer()
        writer.write(data)
        await writer.drain()

    async def read_reply(self) -> str:
        """The next reply; raises ConnectionError if the server closes the connection first."""
        reader = self._reader
        if reader is None:
            raise ConnectionError("the management client is not connected")
        while not self._replies:
            data = await reader.read(65536)
            if not data:
                raise ConnectionError(
                    f"the management server at {self.host}:{self.port} closed the connection"
                )
            self._replies.extend(self._decoder.feed(data))
            if self._decoder.error is not None:
                raise ConnectionError(f"bad reply framing: {self._decoder.error}")
        return self._replies.popleft()

    def _connected_writer(self) -> asyncio.StreamWriter:
        if self._writer is None:
            raise ConnectionError("the management client is not connected")
        return self._writer
