"""``fbrt device`` end to end: deploy over TCP, persist, end by device KILL, restore, export."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import typer

from fbruntime.cli.device import parse_listen, run_device_server
from fbruntime.mgmt import ManagementClient, ManagementServer, parse_reply
from fbruntime.mgmt.commands import CreateConnection, CreateFB, Kill, Start, WriteParameter


async def test_a_deployment_outlives_the_process_and_exports_as_a_boot_file(
    tmp_path: Path,
) -> None:
    listening: asyncio.Queue[ManagementServer] = asyncio.Queue()
    run = asyncio.create_task(
        run_device_server(
            listen="127.0.0.1:0",
            boot=None,
            data_dir=tmp_path,
            export=None,
            name="DEV",
            on_listening=listening.put_nowait,
        )
    )
    server = await asyncio.wait_for(listening.get(), 30)
    async with ManagementClient("127.0.0.1", server.port) as client:
        for dst, command in [
            ("", CreateFB("RES", "EMB_RES")),
            ("RES", CreateFB("CTR", "E_CTU")),
            ("RES", WriteParameter("5", "CTR.PV")),
            ("RES", CreateConnection("START.COLD", "CTR.CU")),
            ("RES", Start()),
        ]:
            assert parse_reply(await client.send(dst, command)).ok
        # FORTE's device KILL ends the process.
        assert parse_reply(await client.send("", Kill())).ok
    assert await asyncio.wait_for(run, 30) == 0

    exported = tmp_path / "deployed.fboot"
    code = await run_device_server(
        listen=None, boot=None, data_dir=tmp_path, export=exported, name="DEV"
    )
    assert code == 0
    lines = exported.read_text().splitlines()
    assert lines[0] == ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>'
    assert (
        'RES;<Request ID="3" Action="WRITE"><Connection Source="5" Destination="CTR.PV" /></Request>'
        in lines
    )
    # A device KILL stops the resources, so the stored state is "not running": no START line.
    assert not any('Action="START"' in line for line in lines)


async def test_a_failing_test_condition_makes_the_exit_code_non_zero(tmp_path: Path) -> None:
    boot = tmp_path / "t.fboot"
    boot.write_text(
        ';<Request ID="1" Action="CREATE"><FB Name="R" Type="EMB_RES" /></Request>\n'
        'R;<Request ID="2" Action="CREATE"><FB Name="T" Type="TEST_CONDITION" /></Request>\n'
        'R;<Request ID="3" Action="CREATE"><FB Name="E" Type="STEST_END" /></Request>\n'
        'R;<Request ID="4" Action="CREATE"><Connection Source="START.COLD" Destination="T.REQ" /></Request>\n'
        'R;<Request ID="5" Action="CREATE"><Connection Source="T.CNF" Destination="E.REQ" /></Request>\n'
        'R;<Request ID="6" Action="START"/>\n'
    )
    code = await run_device_server(listen=None, boot=boot, data_dir=None, export=None, name="D")
    assert code == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:61499", ("127.0.0.1", 61499)),
        (":4000", ("127.0.0.1", 4000)),
        ("4000", ("127.0.0.1", 4000)),
        ("0.0.0.0:1", ("0.0.0.0", 1)),
        ("[::1]:61499", ("::1", 61499)),
    ],
)
def test_listen_addresses_default_to_loopback(text: str, expected: tuple[str, int]) -> None:
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["host:port", "127.0.0.1:70000"])
def test_bad_listen_addresses_are_refused_with_the_value(text: str) -> None:
    with pytest.raises(typer.BadParameter, match="--listen"):
        parse_listen(text)
