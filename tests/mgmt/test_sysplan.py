"""What ``fbrt deploy`` sends each device: the IDE's requests, in the IDE's order."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.fourdiac.deploy import resolve_system
from fbruntime.fourdiac.library import TypeLibrary
from fbruntime.mgmt import read_boot_text
from fbruntime.mgmt.commands import CreateConnection, CreateFB, Start, WriteParameter
from fbruntime.mgmt.sysplan import DevicePlan, PlanError, dry_run_text, parse_mgr_id, plan_system

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "systems/distributed/Chain.sys"


def chain_plans(addresses: dict[str, str] | None = None) -> tuple[list[DevicePlan], list[str]]:
    deployment = resolve_system(CHAIN, TypeLibrary([CHAIN.parent]))
    return plan_system(deployment, addresses)


def test_each_device_gets_its_resources_fbs_parameters_connections_and_start_in_order() -> None:
    plans, warnings = chain_plans()
    assert warnings == []
    assert [(p.device, p.host, p.port) for p in plans] == [
        ("Sensor", "localhost", 61499),
        ("Scaler", "localhost", 61500),
        ("Sink", "localhost", 61501),
    ]
    sensor = [(r.dst, r.command) for r in plans[0].requests]
    assert sensor[0] == ("", CreateFB("SensorRes", "EMB_RES"))  # qualified name sent plain
    assert sensor[1:4] == [
        ("SensorRes", CreateFB("App.Clock", "E_CYCLE")),
        ("SensorRes", WriteParameter("T#20ms", "App.Clock.DT")),
        ("SensorRes", CreateFB("App.Count", "E_CTU")),
    ]
    # The virtual DNS name is written as its value.
    assert ("SensorRes", WriteParameter("127.0.0.1:61510", "App.Send.ID")) in sensor
    kinds = [type(c).__name__ for _, c in sensor]
    # every FB (and its parameters) before the first connection, START last
    assert kinds.index("CreateConnection") > max(i for i, k in enumerate(kinds) if k == "CreateFB")
    assert sensor[-1] == ("SensorRes", Start())
    # the resource's own connections (from its START) are sent with the application's
    assert ("SensorRes", CreateConnection("START.COLD", "App.Send.INIT")) in sensor
    assert not any(isinstance(c, CreateFB) and c.name == "START" for _, c in sensor)
    # nothing of another device
    assert not any("Take" in str(c) for _, c in sensor)


def test_device_overrides_win_over_mgr_id_and_unknown_names_are_refused() -> None:
    plans, _ = chain_plans({"Sink": "127.0.0.1:4000"})
    assert plans[2].address == "127.0.0.1:4000"
    with pytest.raises(PlanError, match=r"no such device.*Scaler, Sensor, Sink"):
        chain_plans({"Sinq": "127.0.0.1:4000"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [('"localhost:61499"', ("localhost", 61499)), ("10.0.0.2:4000", ("10.0.0.2", 4000))],
)
def test_mgr_ids_are_read_with_or_without_quotes(text: str, expected: tuple[str, int]) -> None:
    assert parse_mgr_id(text, "x") == expected


@pytest.mark.parametrize("text", ['"localhost"', "host:port", "h:70000"])
def test_bad_mgr_ids_name_where_and_what(text: str) -> None:
    with pytest.raises(PlanError, match=f"Dev MGR_ID: {text!r}"):
        parse_mgr_id(text, "Dev MGR_ID")


def test_dry_run_text_is_one_boot_file_per_device_under_a_header() -> None:
    plans, _ = chain_plans()
    text = dry_run_text(plans)
    assert text.startswith("# device Sensor (iec61499::system::FORTE_PC) at localhost:61499\n")
    sections = text.split("# device ")[1:]
    assert len(sections) == 3
    for plan, section in zip(plans, sections, strict=True):
        body = section.split("\n", 1)[1]
        entries = list(read_boot_text(body))
        assert len(entries) == len(plan.requests)
        assert entries[0].request.startswith('<Request ID="1" Action="CREATE">')


SYSTEM = """<?xml version="1.0" encoding="UTF-8"?>
<System Name="S">
<Application Name="App"><SubAppNetwork>
<FB Name="Mux" Type="STRUCT_MUX"><Attribute Name="StructuredType" Type="STRING" Value="geo::Point"/></FB>
<FB Name="Loose" Type="E_SPLIT"/>
</SubAppNetwork></Application>
<Device Name="D" Type="FORTE_PC">
<Parameter Name="MGR_ID" Value="&quot;localhost:4444&quot;"/>
<Resource Name="R" Type="EMB_RES"><Parameter Name="OPT" Value="1"/></Resource>
</Device>
<Mapping From="App.Mux" To="D.R"/>
</System>
"""


def test_configured_fbs_unmapped_fbs_and_resource_parameters(tmp_path: Path) -> None:
    path = tmp_path / "S.sys"
    path.write_text(SYSTEM)
    plans, warnings = plan_system(resolve_system(path, TypeLibrary([tmp_path])))
    [plan] = plans
    commands = [(r.dst, r.command) for r in plan.requests]
    assert commands[:3] == [
        ("", CreateFB("R", "EMB_RES")),
        ("", WriteParameter("1", "R.OPT")),
        ("R", CreateFB("App.Mux", "STRUCT_MUX_1Point")),  # as the IDE names it for FORTE
    ]
    assert any("mapped to no resource" in w and "App.Loose" in w for w in warnings)
