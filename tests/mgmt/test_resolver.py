"""Type names in every spelling, native first, 4diac XML types behind the same seam."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import Device, TestClock
from fbruntime.mgmt.commands import CreateConnection, CreateFB, Start, TriggerEvent
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.resolver import LibraryResolver, default_resolver

COUNTER_FBT = """<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="XCount" Comment="counts REQ">
  <Identification Standard="61499-2"/>
  <VersionInfo Version="1.0" Author="test" Date="2024-01-01"/>
  <CompilerInfo packageName="test::pkg"/>
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"/></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="N"/></Event></EventOutputs>
    <OutputVars><VarDeclaration Name="N" Type="INT"/></OutputVars>
  </InterfaceList>
  <SimpleFB>
    <Algorithm Name="REQ"><ST><![CDATA[N := N + 1;]]></ST></Algorithm>
  </SimpleFB>
</FBType>
"""


@pytest.mark.parametrize(
    "spelling", ["E_CTU", "iec61499::events::E_CTU", "iec61499__events__E_CTU", " E_CTU "]
)
def test_every_spelling_of_a_type_name_resolves(resolver: LibraryResolver, spelling: str) -> None:
    found = resolver(spelling)
    assert found is not None and found.name == "E_CTU"


def test_an_unknown_type_resolves_to_none(resolver: LibraryResolver) -> None:
    assert resolver("nowhere::E_NOTHING") is None


async def test_xml_types_deploy_through_the_same_seam(tmp_path: Path) -> None:
    (tmp_path / "XCount.fbt").write_text(COUNTER_FBT)
    target = DeviceTarget(Device("D", clock=TestClock()), default_resolver([tmp_path]))
    for dst, command in [
        ("", CreateFB("R", "EMB_RES")),
        ("R", CreateFB("C", "test::pkg::XCount")),
        ("R", CreateConnection("START.COLD", "C.REQ")),
        ("R", Start()),
        ("R", TriggerEvent("C.REQ")),
    ]:
        assert (await target.execute(dst, command)).ok, command
    await target.device.settle()
    assert target.device.resources["R"].network.instances["C"].N == 2
    target.device.kill()
