"""The management server over real TCP on 127.0.0.1, with a recording target."""

from __future__ import annotations

import asyncio

import pytest

from fbruntime.mgmt import ManagementClient, ManagementServer, parse_reply, replies, serve
from fbruntime.mgmt.commands import (
    Command,
    CreateConnection,
    CreateFB,
    QueryFB,
    Start,
    WriteParameter,
)
from fbruntime.mgmt.framing import encode_request, encode_string
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.replies import Response

from .conftest import RecordingTarget

START = '<Request ID="1" Action="START"/>'


async def test_the_ide_deployment_order_round_trips(
    target: RecordingTarget, client: ManagementClient
) -> None:
    def answer(dst: str, command: Command) -> Response:
        if isinstance(command, QueryFB):
            return replies.fb_list([("OLD", "EMB_RES")])
        return replies.OK

    target.answer = answer
    deployment: list[tuple[str, Command]] = [
        ("", QueryFB()),
        ("", CreateFB("RES", "EMB_RES")),
        ("RES", CreateFB("App.CTR", "iec61499::events::E_CTU")),
        ("RES", WriteParameter("10", "App.CTR.PV")),
        ("RES", CreateFB("App.SPL", "E_SPLIT")),
        ("RES", CreateConnection("START.COLD", "App.SPL.EI")),
        ("RES", CreateConnection("App.SPL.EO1", "App.CTR.CU")),
        ("RES", Start()),
        ("", Start()),
    ]
    answers = [await client.send(dst, command) for dst, command in deployment]
    assert target.calls == deployment
    assert answers == [
        '<Response ID="1">\n  <FBList>\n    <FB name="OLD" type="EMB_RES"/>\n  </FBList>\n</Response>',
        '<Response ID="2" />',
        '<Response ID="3" />',
        '<Response ID="4">\n  \n</Response>',
        '<Response ID="5" />',
        '<Response ID="6" />',
        '<Response ID="7" />',
        '<Response ID="8" />',
        '<Response ID="9" />',
    ]


async def test_a_request_sent_byte_by_byte_is_answered_once(
    target: RecordingTarget, client: ManagementClient
) -> None:
    for byte in encode_request("RES", START):
        await client.send_raw(bytes([byte]))
    assert await client.read_reply() == '<Response ID="1" />'
    assert target.calls == [("RES", Start())]


async def test_many_requests_in_one_write_are_answered_in_order(
    target: RecordingTarget, client: ManagementClient
) -> None:
    data = b"".join(
        encode_request("RES", f'<Request ID="{i}" Action="START"/>') for i in range(100)
    )
    await client.send_raw(data)
    answers = [await client.read_reply() for _ in range(100)]
    assert answers == [f'<Response ID="{i}" />' for i in range(100)]
    assert len(target.calls) == 100


@pytest.mark.parametrize(
    ("xml", "reply"),
    [
        ('<Request ID="3" Action="FROB"/>', '<Response ID="3" Reason="UNSUPPORTED_CMD" />'),
        ('<Request ID="4" Action="CREATE"><FB Name="x"', '<Response ID="4" Reason="INVALID_OBJECT" />'),
        ('<Request ID="5" Action="CREATE"><FB Name="x"/></Request>',
         '<Response ID="5" Reason="INVALID_OBJECT" />'),
        ("not xml", '<Response ID="" Reason="INVALID_OBJECT" />'),
        ("<Hello/>", '<Response ID="" Reason="UNSUPPORTED_CMD" />'),
    ],
)  # fmt: skip
async def test_bad_requests_get_an_error_reply_and_the_connection_keeps_serving(
    target: RecordingTarget, client: ManagementClient, xml: str, reply: str
) -> None:
    assert await client.request("RES", xml) == reply
    assert await client.request("RES", START) == '<Response ID="1" />'
    assert target.calls == [("RES", Start())]


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x43\x00\x01x",  # a tag that is not STRING
        b"\x50\x00\x03RES\x05",  # an ASN.1 NULL where the request should be
        b"GET / HTTP/1.1\r\n\r\n",
    ],
)
async def test_a_broken_frame_closes_only_that_connection(
    server: ManagementServer, target: RecordingTarget, client: ManagementClient, garbage: bytes
) -> None:
    await client.send_raw(encode_request("RES", START) + garbage)
    assert await client.read_reply() == '<Response ID="1" />'
    with pytest.raises(ConnectionError):
        await client.read_reply()
    async with ManagementClient("127.0.0.1", server.port) as other:
        assert await other.request("", START) == '<Response ID="1" />'
    assert target.calls == [("RES", Start()), ("", Start())]


async def test_an_oversize_string_closes_the_connection(target: RecordingTarget) -> None:
    server = await serve(target, port=0, max_string_length=64)
    try:
        async with ManagementClient("127.0.0.1", server.port) as client:
            await client.send_raw(encode_string("RES") + encode_string("x" * 65))
            with pytest.raises(ConnectionError):
                await client.read_reply()
        async with ManagementClient("127.0.0.1", server.port) as client:
            assert await client.request("RES", START) == '<Response ID="1" />'
    finally:
        await server.close()
    assert target.calls == [("RES", Start())]


async def test_a_client_leaving_mid_request_does_not_disturb_the_server(
    server: ManagementServer, target: RecordingTarget
) -> None:
    async with ManagementClient("127.0.0.1", server.port) as leaver:
        await leaver.send_raw(encode_request("RES", START)[:-5])
    async with ManagementClient("127.0.0.1", server.port) as client:
        assert await client.request("RES", START) == '<Response ID="1" />'
    assert target.calls == [("RES", Start())]


async def test_a_target_that_raises_gets_invalid_operation_and_serving_goes_on(
    target: RecordingTarget, client: ManagementClient
) -> None:
    def answer(dst: str, command: Command) -> Response:
        if dst == "BROKEN":
            raise RuntimeError("engine bug")
        return replies.OK

    target.answer = answer
    assert await client.request("BROKEN", START) == '<Response ID="1" Reason="INVALID_OPERATION" />'
    assert await client.request("RES", START) == '<Response ID="1" />'


async def test_a_reply_too_long_for_one_string_is_answered_overflow(
    target: RecordingTarget, client: ManagementClient
) -> None:
    target.answer = lambda dst, command: replies.fb_list((f"FB{i}", "E_SPLIT") for i in range(3000))
    reply = await client.send("RES", QueryFB())
    assert reply == '<Response ID="1" Reason="OVERFLOW" />'


class OverlapDetector:
    """A target that yields inside execute and notes whether two commands ever ran at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.calls: list[tuple[str, Command]] = []

    async def execute(self, dst: str, command: Command) -> Response:
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0)
        self.calls.append((dst, command))
        self.running -= 1
        return replies.OK


async def test_concurrent_clients_each_get_their_replies_in_order_one_command_at_a_time() -> None:
    target = OverlapDetector()
    async with await serve(target, port=0) as server:

        async def deploy(resource: str) -> list[str]:
            async with ManagementClient("127.0.0.1", server.port) as client:
                return [
                    await client.send(resource, CreateFB(f"FB{i}", "E_SPLIT")) for i in range(20)
                ]

        results = await asyncio.gather(*(deploy(f"RES{n}") for n in range(5)))
    for answers in results:
        assert answers == [f'<Response ID="{i}" />' for i in range(1, 21)]
    assert len(target.calls) == 100
    for n in range(5):
        mine = [command for dst, command in target.calls if dst == f"RES{n}"]
        assert mine == [CreateFB(f"FB{i}", "E_SPLIT") for i in range(20)]
    assert target.most == 1


async def test_closing_the_server_drops_connected_clients(target: RecordingTarget) -> None:
    server = await serve(target, port=0)
    async with ManagementClient("127.0.0.1", server.port) as client:
        assert await client.request("", START) == '<Response ID="1" />'
        await server.close()
        with pytest.raises(ConnectionError):
            await client.read_reply()


def test_replies_parse_with_their_id_and_reason() -> None:
    assert parse_reply('<Response ID="3" />').ok
    failed = parse_reply('<Response ID="4" Reason="NO_SUCH_OBJECT">\n  \n</Response>')
    assert (failed.request_id, failed.reason, failed.ok) == ("4", Reason.NO_SUCH_OBJECT, False)
