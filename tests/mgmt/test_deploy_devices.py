"""``fbrt deploy`` end to end: one system over three ``fbrt device`` processes on loopback.

The example ``systems/distributed/Chain.sys`` is copied with a virtual DNS of its own (free UDP
ports for its two PUBLISH/SUBSCRIBE links) and deployed, through the real CLI, to three device
processes listening on ephemeral ports; the value counted on the first device arrives, plus 1000,
on the third.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fbruntime.cli import app
from fbruntime.mgmt import ManagementClient, parse_reply
from fbruntime.mgmt.commands import ReadValue
from tests.device_process import listening_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "systems/distributed"
DEVICES = ("Sensor", "Scaler", "Sink")
runner = CliRunner()

DNS = """<?xml version="1.0" encoding="UTF-8"?>
<virtualDNS:VirtualDNSManagement xmi:version="2.0" xmlns:xmi="http://www.omg.org/XMI"
 xmlns:virtualDNS="org.eclipse.fordiac.ide.virtualDNS" activeVirtualDNS="//@availableDNSCollections.0">
  <availableDNSCollections name="test">
    <virtualDNSEntries name="SCALER_LINK" value="127.0.0.1:{0}"/>
    <virtualDNSEntries name="SINK_LINK" value="127.0.0.1:{1}"/>
  </availableDNSCollections>
</virtualDNS:VirtualDNSManagement>
"""


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """Three ``fbrt device`` processes, started together; their management ports by name."""
    logs = tmp_path_factory.mktemp("devices")
    processes: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    try:
        for name in DEVICES:
            log = logs / f"{name}.log"
            with log.open("w") as err:
                processes[name] = (
                    subprocess.Popen(
                        [sys.executable, "-m", "fbruntime", "device", "--listen", "127.0.0.1:0"],
                        stdout=subprocess.DEVNULL,
                        stderr=err,
                    ),
                    log,
                )
        yield {name: listening_port(process, log) for name, (process, log) in processes.items()}
    finally:
        for process, _ in processes.values():
            process.terminate()
        for process, _ in processes.values():
            process.wait(timeout=30)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE / "Chain.sys", tmp_path / "Chain.sys")
    (tmp_path / "virtualDNS.dns").write_text(DNS.format(free_udp_port(), free_udp_port()))
    return tmp_path / "Chain.sys"


def deploy(system: Path, ports: dict[str, int], *extra: str) -> tuple[int, str, str]:
    overrides = [a for name in DEVICES for a in ("--device", f"{name}=127.0.0.1:{ports[name]}")]
    result = runner.invoke(app, ["deploy", str(system), *overrides, *extra])
    return result.exit_code, result.stdout, result.stderr


async def read(port: int, resource: str, pin: str) -> int:
    async with ManagementClient("127.0.0.1", port) as client:
        reply = parse_reply(await client.send(resource, ReadValue(pin)))
    assert reply.ok, reply
    text = next(reply.root.iter("Connection")).get("Destination", "")
    # An ANY output answers a typed literal (UDINT#1024), and nothing before its first value.
    digits = text.rpartition("#")[2]
    return int(digits) if digits.isdigit() else 0


async def values(ports: dict[str, int]) -> tuple[int, int, int]:
    # Downstream first: each value read is then no newer than the one read after it.
    sink = await read(ports["Sink"], "SinkRes", "App.Last.OUT")
    scaler = await read(ports["Scaler"], "ScaleRes", "App.Scale.OUT")
    sensor = await read(ports["Sensor"], "SensorRes", "App.Count.CV")
    return sensor, scaler, sink


def test_a_three_device_system_deploys_and_exchanges_values(
    project: Path, ports: dict[str, int]
) -> None:
    code, out, err = deploy(project, ports)
    assert code == 0, err
    for name, requests in (("Sensor", 15), ("Scaler", 20), ("Sink", 10)):
        assert f"{name} at 127.0.0.1:{ports[name]}: 1 resource(s), {requests} requests OK" in out

    deadline = time.monotonic() + 30
    sensor = scaler = sink = 0
    while time.monotonic() < deadline:
        sensor, scaler, sink = asyncio.run(values(ports))
        if sink > 1002:
            break
        time.sleep(0.05)
    assert 1002 < sink <= scaler <= sensor + 1000, (sensor, scaler, sink)

    # Deployed again: refused while the resources exist, then replaced.
    code, _, err = deploy(project, ports)
    assert code == 1
    for name, resource in (("Sensor", "SensorRes"), ("Scaler", "ScaleRes"), ("Sink", "SinkRes")):
        assert f"device {name} at 127.0.0.1:{ports[name]}: resource(s) {resource} exist" in err
    assert "3 of 3 device(s) not deployed" in err
    code, out, err = deploy(project, ports, "--replace")
    assert code == 0, err
    assert "replaced SinkRes" in out
    assert asyncio.run(values(ports))[0] < sensor  # the counter started again


def test_boot_files_are_written_one_per_device(project: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["deploy", str(project), "--boot-files", str(tmp_path / "boot")])
    assert result.exit_code == 0, result.stderr
    for name, resource in (("Sensor", "SensorRes"), ("Scaler", "ScaleRes"), ("Sink", "SinkRes")):
        lines = (tmp_path / "boot" / f"{name}.fboot").read_text().splitlines()
        assert lines[0] == (
            f';<Request ID="1" Action="CREATE"><FB Name="{resource}" Type="EMB_RES" /></Request>'
        )
        assert lines[-1] == f'{resource};<Request ID="{len(lines)}" Action="START"/>'


def test_a_boot_files_folder_that_cannot_be_made_is_one_line(project: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file, not a folder")
    result = runner.invoke(app, ["deploy", str(project), "--boot-files", str(taken)])
    assert result.exit_code == 2
    assert f"fbrt: {taken}: cannot make the folder for boot files" in result.stderr
    assert "Traceback" not in result.output and taken.read_text() == "a file, not a folder"


def test_a_bad_device_override_is_a_usage_error(project: Path) -> None:
    result = runner.invoke(app, ["deploy", str(project), "--device", "Nowhere=127.0.0.1:1"])
    assert result.exit_code == 2
    assert "--device Nowhere: the system 'Chain' has no such device" in result.stderr
