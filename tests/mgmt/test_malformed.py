"""Broken frames and requests against a real device over TCP: an answer or a closed connection,
never a crash, and never a change to the device."""

from __future__ import annotations

from typing import Any

import pytest

from fbruntime.mgmt import ManagementClient, ManagementServer, parse_reply, serve
from fbruntime.mgmt.commands import QueryFB, ReadValue
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.framing import encode_request, encode_string

from .test_executor import deploy, snapshot

BAD_REQUESTS = [
    ("RES", "no xml at all", "INVALID_OBJECT"),
    ("RES", '<Request ID="1" Action="JUMP"/>', "UNSUPPORTED_CMD"),
    ("RES", '<Request ID="12345678" Action="START"/>', "UNSUPPORTED_CMD"),
    ("RES", '<Request ID="2" Action="CREATE"><FB Name="X"', "INVALID_OBJECT"),
    ("RES", '<Request ID="3" Action="CREATE"><Bogus/></Request>', "INVALID_OBJECT"),
    (
        "RES",
        '<Request ID="4" Action="CREATE"><FB Name="X" Type="E_NOPE" /></Request>',
        "UNSUPPORTED_TYPE",
    ),
    (
        "RES",
        '<Request ID="5" Action="WRITE"><Connection Source="1.5.7" Destination="App.CTR.PV" /></Request>',
        "BAD_PARAMS",
    ),
    (
        "RES",
        '<Request ID="6" Action="CREATE"><Connection Source="App.SPL.EO9" Destination="App.CTR.CU" /></Request>',
        "NO_SUCH_OBJECT",
    ),
    (
        "RES",
        '<Request ID="7" Action="CREATE"><Connection Source="App.SPL.EO1" Destination="Nobody.CU" /></Request>',
        "NO_SUCH_OBJECT",
    ),
    ("NORES", '<Request ID="8" Action="START"/>', "INVALID_DST"),
    ("RES", '<!DOCTYPE x [<!ENTITY a "b">]><Request ID="9" Action="START"/>', "INVALID_OBJECT"),
]


@pytest.fixture
async def device_server(device_target: DeviceTarget) -> Any:
    await deploy(device_target)
    server = await serve(device_target, port=0)
    yield server
    await server.close()


@pytest.mark.parametrize(("dst", "text", "reason"), BAD_REQUESTS)
async def test_a_bad_request_is_answered_with_forte_reason_and_changes_nothing(
    device_target: DeviceTarget, device_server: ManagementServer, dst: str, text: str, reason: str
) -> None:
    before = snapshot(device_target)
    async with ManagementClient("127.0.0.1", device_server.port) as client:
        reply = parse_reply(await client.request(dst, text))
        assert reply.reason.value == reason
        # The same connection still serves the next request.
        assert parse_reply(await client.send("RES", ReadValue("App.CTR.CV"))).ok
    await device_target.device.settle()
    assert snapshot(device_target) == before


@pytest.mark.parametrize(
    "data",
    [
        b"\x51\x00\x00",  # not an FBDK STRING tag
        encode_string("RES") + b"\x50\x00\x40<Request ID=",  # cut short, then the client leaves
        encode_string("RES"),  # a destination without its request
        b"\x50",  # half a header
    ],
)
async def test_broken_or_truncated_frames_leave_the_device_serving_and_unchanged(
    device_target: DeviceTarget, device_server: ManagementServer, data: bytes
) -> None:
    before = snapshot(device_target)
    async with ManagementClient("127.0.0.1", device_server.port) as client:
        await client.send_raw(data)
    await device_target.device.settle()
    assert snapshot(device_target) == before
    async with ManagementClient("127.0.0.1", device_server.port) as client:
        reply = await client.send("", QueryFB())
        assert '<FB name="RES" type="EMB_RES"/>' in reply


async def test_a_broken_frame_closes_only_that_connection_after_earlier_replies(
    device_target: DeviceTarget, device_server: ManagementServer
) -> None:
    async with ManagementClient("127.0.0.1", device_server.port) as client:
        await client.send_raw(
            encode_request(
                "RES", '<Request ID="1" Action="READ"><Connection Source="App.CTR.CV" /></Request>'
            )
            + b"\x99garbage"
        )
        assert parse_reply(await client.read_reply()).ok
        with pytest.raises(ConnectionError):
            await client.read_reply()
    async with ManagementClient("127.0.0.1", device_server.port) as client:
        assert parse_reply(await client.send("RES", ReadValue("App.CTR.CV"))).ok
