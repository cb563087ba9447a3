"""FORTE's names for configured generic FBs (``STRUCT_MUX_1<struct>``) create working blocks.

The IDE deploys a STRUCT_MUX configured with ``geo::Pair`` as the type ``STRUCT_MUX_1geo::Pair``
(ForteTypeNameCreator: type name, ``_1``, the data type's full name; older IDEs write ``::`` as
``__``). No angle brackets are sent: ``<struct>`` is notation. The requests here are parsed from
the XML the IDE sends, so the spelling goes through the same path as on the wire.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import Device, TestClock
from fbruntime.mgmt.commands import Start, TriggerEvent
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.requests import parse_request
from fbruntime.mgmt.resolver import default_resolver

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def service(name: str, events_in: str, events_out: str, data: str, generic: str) -> str:
    return (
        f'{HEAD}<FBType Name="{name}"><CompilerInfo packageName="eclipse4diac::convert"/>'
        f"<InterfaceList><EventInputs>{events_in}</EventInputs>"
        f"<EventOutputs>{events_out}</EventOutputs>{data}</InterfaceList>"
        '<Attribute Name="eclipse4diac::core::GenericClassName" Type="STRING" '
        f"Value=\"'{generic}'\"/></FBType>"
    )


def write_library(folder: Path) -> None:
    (folder / "STRUCT_MUX.fbt").write_text(
        service(
            "STRUCT_MUX",
            '<Event Name="REQ" Type="Event"/>',
            '<Event Name="CNF" Type="Event"><With Var="OUT"/></Event>',
            '<OutputVars><VarDeclaration Name="OUT" Type="ANY_STRUCT"/></OutputVars>',
            "GEN_STRUCT_MUX",
        )
    )
    (folder / "STRUCT_DEMUX.fbt").write_text(
        service(
            "STRUCT_DEMUX",
            '<Event Name="REQ" Type="Event"><With Var="IN"/></Event>',
            '<Event Name="CNF" Type="Event"/>',
            '<InputVars><VarDeclaration Name="IN" Type="ANY_STRUCT"/></InputVars>',
            "GEN_STRUCT_DEMUX",
        )
    )
    (folder / "Pair.dtp").write_text(
        f'{HEAD}<DataType Name="Pair"><CompilerInfo packageName="geo"/><StructuredType>'
        '<VarDeclaration Name="A" Type="DINT"/><VarDeclaration Name="B" Type="BOOL"/>'
        "</StructuredType></DataType>"
    )


def request(action: str, body: str) -> str:
    return f'<Request ID="1" Action="{action}">{body}</Request>'


@pytest.mark.parametrize(
    ("mux", "demux"),
    [
        ("STRUCT_MUX_1Pair", "STRUCT_DEMUX_1Pair"),
        ("STRUCT_MUX_1geo::Pair", "STRUCT_DEMUX_1geo::Pair"),
        ("STRUCT_MUX_1geo__Pair", "STRUCT_DEMUX_1geo__Pair"),
        ("eclipse4diac::convert::STRUCT_MUX_1geo::Pair", "STRUCT_DEMUX_1geo::Pair"),
        ("eclipse4diac__convert__STRUCT_MUX_1geo__Pair", "STRUCT_DEMUX_1Pair"),
    ],
)
async def test_a_configured_mux_and_demux_created_by_name_move_a_struct(
    tmp_path: Path, mux: str, demux: str
) -> None:
    write_library(tmp_path)
    target = DeviceTarget(Device("D", clock=TestClock()), default_resolver([tmp_path]))
    steps = [
        ("", request("CREATE", '<FB Name="R" Type="EMB_RES"/>')),
        ("R", request("CREATE", f'<FB Name="M" Type="{mux}"/>')),
        ("R", request("CREATE", f'<FB Name="X" Type="{demux}"/>')),
        ("R", request("CREATE", '<Connection Source="M.CNF" Destination="X.REQ"/>')),
        ("R", request("CREATE", '<Connection Source="M.OUT" Destination="X.IN"/>')),
        ("R", request("WRITE", '<Connection Source="-9" Destination="M.A"/>')),
        ("R", request("WRITE", '<Connection Source="TRUE" Destination="M.B"/>')),
    ]
    for dst, text in steps:
        command = parse_request(text).command
        assert (await target.execute(dst, command)).ok, text
    assert (await target.execute("R", Start())).ok
    assert (await target.execute("R", TriggerEvent("M.REQ"))).ok
    await target.device.settle()
    demuxed = target.device.resources["R"].network.instances["X"]
    assert (demuxed.A, demuxed.B) == (-9, True)
    target.device.kill()


@pytest.mark.parametrize("name", ["STRUCT_MUX_1Nowhere", "STRUCT_MUX_1DINT", "E_NOTHING_1Pair"])
async def test_a_configured_name_that_cannot_be_built_is_refused(tmp_path: Path, name: str) -> None:
    write_library(tmp_path)
    target = DeviceTarget(Device("D", clock=TestClock()), default_resolver([tmp_path]))
    assert (
        await target.execute(
            "", parse_request(request("CREATE", '<FB Name="R" Type="EMB_RES"/>')).command
        )
    ).ok
    reply = await target.execute(
        "R", parse_request(request("CREATE", f'<FB Name="M" Type="{name}"/>')).command
    )
    assert not reply.ok
    assert "M" not in target.device.resources["R"].network.instances
    target.device.kill()
