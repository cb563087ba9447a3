"""The user's type folders on a device (``--types``, ``FBRT_TYPES``), reread when files change."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from fbruntime.mgmt import ManagementClient, parse_reply
from fbruntime.mgmt.commands import Command, CreateConnection, CreateFB, ReadValue, Start
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.typefolders import FourdiacResolver

from .test_durability import device
from .test_resolver import COUNTER_FBT

ADD_TEN = COUNTER_FBT.replace("N := N + 1;", "N := N + 10;")

COMPOSITE_FBT = """<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="XPair">
  <Identification Standard="61499-2"/>
  <VersionInfo Version="1.0" Author="test" Date="2024-01-01"/>
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"/></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="N"/></Event></EventOutputs>
    <OutputVars><VarDeclaration Name="N" Type="INT"/></OutputVars>
  </InterfaceList>
  <FBNetwork>
    <FB Name="Inner" Type="XCount" x="0" y="0"/>
    <EventConnections>
      <Connection Source="REQ" Destination="Inner.REQ"/>
      <Connection Source="Inner.CNF" Destination="CNF"/>
    </EventConnections>
    <DataConnections><Connection Source="Inner.N" Destination="N"/></DataConnections>
  </FBNetwork>
</FBType>
"""


async def send_all(client: ManagementClient, commands: list[tuple[str, Command]]) -> None:
    for dst, command in commands:
        assert parse_reply(await client.send(dst, command)).ok, command


async def read(client: ManagementClient, path: str) -> str:
    reply = parse_reply(await client.send("RES", ReadValue(path)))
    connection = reply.root.find("Connection")
    assert connection is not None, path
    return connection.get("Destination", "")


async def test_a_type_file_edited_between_two_creates_gives_the_second_the_new_definition(
    tmp_path: Path,
) -> None:
    types = tmp_path / "types"
    types.mkdir()
    (types / "XCount.fbt").write_text(COUNTER_FBT)
    async with device(tmp_path / "data", types=[types]) as (_, client):
        await send_all(client, [("", CreateFB("RES", "EMB_RES")), ("RES", CreateFB("A", "XCount"))])
        (types / "XCount.fbt").write_text(ADD_TEN)
        await send_all(
            client,
            [
                ("RES", CreateFB("B", "XCount")),
                ("RES", CreateConnection("START.COLD", "A.REQ")),
                ("RES", CreateConnection("START.COLD", "B.REQ")),
                ("RES", Start()),
            ],
        )
        # A keeps the definition it was created with, as in FORTE; B has the new one.
        assert [await read(client, "A.N"), await read(client, "B.N")] == ["1", "10"]


async def test_an_unknown_type_is_unsupported_and_the_log_says_where_it_looked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    types = tmp_path / "types"
    types.mkdir()
    async with device(tmp_path / "data", types=[types]) as (_, client):
        await send_all(client, [("", CreateFB("RES", "EMB_RES"))])
        with caplog.at_level(logging.WARNING, logger="fbruntime.mgmt"):
            reply = parse_reply(await client.send("RES", CreateFB("X", "XCount")))
        assert reply.reason is Reason.UNSUPPORTED_TYPE
        (line,) = [r.getMessage() for r in caplog.records if "XCount" in r.getMessage()]
        assert "'XCount'" in line and "built-in library" in line and str(types) in line

        # A file added later is found without restarting the device.
        (types / "XCount.fbt").write_text(COUNTER_FBT)
        assert parse_reply(await client.send("RES", CreateFB("X", "XCount"))).ok


async def test_type_folders_come_from_fbrt_types_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (second / "XCount.fbt").write_text(COUNTER_FBT)
    monkeypatch.setenv("FBRT_TYPES", os.pathsep.join([str(first), str(second)]))
    async with device(tmp_path / "data") as (_, client):
        await send_all(client, [("", CreateFB("RES", "EMB_RES")), ("RES", CreateFB("X", "XCount"))])


def test_a_composite_is_rebuilt_when_a_type_inside_it_changes(tmp_path: Path) -> None:
    (tmp_path / "XCount.fbt").write_text(COUNTER_FBT)
    (tmp_path / "XPair.fbt").write_text(COMPOSITE_FBT)
    resolver = FourdiacResolver([tmp_path])
    first = resolver("XPair")
    assert first is not None
    assert resolver("XPair") is first and resolver.generation == 1  # nothing changed: no reread

    (tmp_path / "XCount.fbt").write_text(ADD_TEN)
    second = resolver("XPair")
    assert second is not None and second is not first
    assert resolver.generation == 2
    inner = second.create("P").rt__network.instances["Inner"]  # type: ignore[attr-defined]
    assert inner.rt__type is resolver("XCount")
