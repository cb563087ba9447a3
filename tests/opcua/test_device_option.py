"""``fbrt device --opcua``: the option serves the device; without it asyncua is never imported."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from asyncua import Client

from fbruntime.mgmt import ManagementClient, parse_reply
from fbruntime.mgmt.commands import CreateFB
from tests.opcua.test_server import _children_include, child, eventually

OPCUA_ARGS = ("--opcua", "127.0.0.1:0", "--name", "Cell")


def test_fbrt_device_serves_opc_ua_only_when_asked(tmp_path: Path) -> None:
    probe = "import sys, fbruntime.cli; assert 'asyncua' not in sys.modules, 'asyncua imported'"
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)

    log = tmp_path / "device.log"
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "fbruntime", "device", "--listen", "127.0.0.1:0", *OPCUA_ARGS],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 90
        while not re.search(r"listening on .*:(\d+)", log.read_text()):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        text = log.read_text()
        mgr = int(re.findall(r"listening on [\d.]+:(\d+)", text)[0])
        endpoint = re.findall(r"OPC UA on (opc\.tcp://\S+)", text)[0]
        asyncio.run(_deploy_and_browse(mgr, endpoint))
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _deploy_and_browse(mgr: int, endpoint: str) -> None:
    async with ManagementClient("127.0.0.1", mgr) as mgmt:
        for dst, command in (("", CreateFB("R", "EMB_RES")), ("R", CreateFB("T", "E_SPLIT"))):
            assert parse_reply(await mgmt.send(dst, command)).ok
    async with Client(endpoint) as client:
        res = await child(client.nodes.objects, "Cell", "R")
        await eventually(lambda: _children_include(res, "T"))


def test_an_opc_ua_port_in_use_is_one_line_naming_the_option(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["device", "--listen", "127.0.0.1:0", "--opcua", f"127.0.0.1:{port}"]
        done = subprocess.run(
            [sys.executable, "-m", "fbruntime", *args, "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=90,
        )
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"fbrt: --opcua 127.0.0.1:{port}: cannot serve OPC UA there"), last
