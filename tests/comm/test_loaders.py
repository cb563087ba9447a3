"""PUBLISH_1/SUBSCRIBE_1 in files: a boot file and a 4diac system find the native blocks by name."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from fbruntime.core import Device
from fbruntime.fourdiac.loader import load
from fbruntime.mgmt import device_from_boot_file

from .rig import PATIENCE


def free_udp_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


async def ended(device: Device) -> int | None:
    """Wait for STEST_END (the subscriber's first IND ends the run)."""
    done: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    def finish(code: int | None) -> None:
        if not done.done():
            done.set_result(code)

    device.on_exit.append(finish)
    return await asyncio.wait_for(done, PATIENCE)


def request(dst: str, number: int, action: str, body: str = "") -> str:
    inner = f'<Request ID="{number}" Action="{action}">{body}</Request>'
    return f"{dst};{inner}\n"


async def test_a_boot_file_with_publish_1_and_subscribe_1_runs(tmp_path: Path) -> None:
    port = free_udp_port()
    lines = [
        request("", 1, "CREATE", '<FB Name="PUBRES" Type="EMB_RES" />'),
        request("PUBRES", 2, "CREATE", '<FB Name="PUB" Type="PUBLISH_1" />'),
        request("PUBRES", 3, "CREATE", '<FB Name="CYC" Type="E_CYCLE" />'),
        request("PUBRES", 4, "WRITE", '<Connection Source="1" Destination="PUB.QI" />'),
        request(
            "PUBRES",
            5,
            "WRITE",
            f'<Connection Source="&quot;127.0.0.1:{port}&quot;" Destination="PUB.ID" />',
        ),
        request("PUBRES", 6, "WRITE", '<Connection Source="INT#42" Destination="PUB.SD_1" />'),
        request("PUBRES", 7, "WRITE", '<Connection Source="T#20ms" Destination="CYC.DT" />'),
        request("PUBRES", 8, "CREATE", '<Connection Source="START.COLD" Destination="PUB.INIT" />'),
        request("PUBRES", 9, "CREATE", '<Connection Source="PUB.INITO" Destination="CYC.START" />'),
        request("PUBRES", 10, "CREATE", '<Connection Source="CYC.EO" Destination="PUB.REQ" />'),
        request("", 11, "CREATE", '<FB Name="SUBRES" Type="EMB_RES" />'),
        request("SUBRES", 12, "CREATE", '<FB Name="SUB" Type="SUBSCRIBE_1" />'),
        request("SUBRES", 13, "CREATE", '<FB Name="END" Type="STEST_END" />'),
        request("SUBRES", 14, "WRITE", '<Connection Source="TRUE" Destination="SUB.QI" />'),
        request(
            "SUBRES",
            15,
            "WRITE",
            f'<Connection Source="&quot;127.0.0.1:{port}&quot;" Destination="SUB.ID" />',
        ),
        request(
            "SUBRES", 16, "CREATE", '<Connection Source="START.COLD" Destination="SUB.INIT" />'
        ),
        request("SUBRES", 17, "CREATE", '<Connection Source="SUB.IND" Destination="END.REQ" />'),
        request("SUBRES", 18, "START"),
        request("PUBRES", 19, "START"),
    ]
    boot = tmp_path / "pubsub.fboot"
    boot.write_text("".join(lines))
    device = await device_from_boot_file(boot)
    try:
        assert await ended(device) == 0
        assert device.resource("SUBRES").read("SUB.STATUS") == "OK"
        assert (
            device.resource("SUBRES").read("SUB.RD_1") == 42
        )  # an ANY parameter keeps no type: DINT
        assert device.resource("PUBRES").read("PUB.STATUS") == "OK"
    finally:
        device.kill()


SYSTEM = """<?xml version="1.0" encoding="UTF-8"?>
<System Name="PubSub">
  <Application Name="App">
    <SubAppNetwork>
      <FB Name="Pub" Type="iec61499::net::PUBLISH_1">
        <Parameter Name="QI" Value="TRUE"/>
        <Parameter Name="ID" Value="&quot;fbdk[].ip[127.0.0.1:{port}]&quot;"/>
        <Parameter Name="SD_1" Value="'temperature'"/>
      </FB>
      <FB Name="Clock" Type="E_CYCLE">
        <Parameter Name="DT" Value="T#20ms"/>
      </FB>
      <FB Name="Sub" Type="SUBSCRIBE_1">
        <Parameter Name="QI" Value="TRUE"/>
        <Parameter Name="ID" Value="&quot;127.0.0.1:{port}&quot;"/>
      </FB>
      <FB Name="End" Type="STEST_END"/>
      <EventConnections>
        <Connection Source="Pub.INITO" Destination="Clock.START"/>
        <Connection Source="Clock.EO" Destination="Pub.REQ"/>
        <Connection Source="Sub.IND" Destination="End.REQ"/>
      </EventConnections>
    </SubAppNetwork>
  </Application>
  <Device Name="Sender" Type="FORTE_PC">
    <Resource Name="SendRes" Type="EMB_RES">
      <FBNetwork>
        <EventConnections>
          <Connection Source="START.COLD" Destination="App.Pub.INIT"/>
        </EventConnections>
      </FBNetwork>
    </Resource>
  </Device>
  <Device Name="Receiver" Type="FORTE_PC">
    <Resource Name="RecvRes" Type="EMB_RES">
      <FBNetwork>
        <EventConnections>
          <Connection Source="START.COLD" Destination="App.Sub.INIT"/>
        </EventConnections>
      </FBNetwork>
    </Resource>
  </Device>
  <Mapping From="App.Pub" To="Sender.SendRes"/>
  <Mapping From="App.Clock" To="Sender.SendRes"/>
  <Mapping From="App.Sub" To="Receiver.RecvRes"/>
  <Mapping From="App.End" To="Receiver.RecvRes"/>
</System>
"""


async def test_a_4diac_system_with_publish_1_and_subscribe_1_runs(tmp_path: Path) -> None:
    sys_file = tmp_path / "PubSub.sys"
    sys_file.write_text(SYSTEM.replace("{port}", str(free_udp_port())))
    result = load(sys_file)
    assert result.problems == []
    device = result.device
    device.start()
    try:
        assert await ended(device) == 0
        assert device.resource("RecvRes").read("App.Sub.RD_1") == "temperature"
    finally:
        device.kill()
