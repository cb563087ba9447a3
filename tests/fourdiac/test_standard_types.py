"""Device and resource types FORTE has built in: used when no file defines them, files win."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import TestClock
from fbruntime.fourdiac import FourdiacError, LoadError, load_device, resolve_system
from fbruntime.fourdiac.library import FB_TAGS, TypeLibrary
from fbruntime.fourdiac.model import DeviceType, ResourceType
from tests.fourdiac.conftest import Writer

APP = """<Application Name="App"><SubAppNetwork>
<FB Name="count" Type="E_CTU"><Parameter Name="PV" Value="3"/></FB>
</SubAppNetwork></Application>"""


def bare_system(device_type: str = "FORTE_PC", resource_type: str = "EMB_RES") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<System Name="Bare">{APP}
<Device Name="Dev" Type="{device_type}">
<Parameter Name="MGR_ID" Value="&quot;localhost:61500&quot;"/>
<Resource Name="Res" Type="{resource_type}"><FBNetwork>
<EventConnections><Connection Source="START.COLD" Destination="App.count.CU"/></EventConnections>
</FBNetwork></Resource></Device>
<Mapping From="App.count" To="Dev.Res"/>
</System>"""


async def test_bare_project_naming_forte_pc_and_emb_res_runs_and_start_cold_reaches_the_app(
    write: Writer,
) -> None:
    path = write("proj/Bare.sys", bare_system())
    clock = TestClock()
    device = load_device(path, clock=clock)
    res = device.resource("Res")
    seen: list[str] = []
    res.add_tracer(lambda ev: seen.append(f"{ev.path}.{ev.event}"))
    device.start()
    await device.settle()
    assert seen == ["START.COLD", "App.count.CUO"]
    assert res.read("App.count.CV") == 1


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("FORTE_PC", "DeviceType"),
        ("RMT_DEV", "DeviceType"),
        ("RaspberryPI", "DeviceType"),
        ("BeagleBoneBlack", "DeviceType"),
        ("PFC200", "DeviceType"),
        ("FBRT_WINDOW", "DeviceType"),
        ("EMB_RES", "ResourceType"),
        ("RMT_RES", "ResourceType"),
        ("Config_EMB_RES", "ResourceType"),
        ("iec61499::system::EMB_RES", "ResourceType"),
        ("iec61499__system__FORTE_PC", "DeviceType"),
        ("emb_res", "ResourceType"),
    ],
)
def test_standard_type_resolves_without_a_file(tmp_path: Path, name: str, tag: str) -> None:
    library = TypeLibrary([tmp_path])
    resolution = library.resolve_detailed(name, tags=frozenset({tag}))
    assert resolution.entry is not None
    assert resolution.entry.root_tag == tag
    assert resolution.how == "built into FORTE (no file defines it)"
    model = library.load(resolution.entry)
    assert isinstance(model, DeviceType if tag == "DeviceType" else ResourceType)
    assert model.header.package == "iec61499::system"


@pytest.mark.parametrize("name", ["EMB_RES", "RMT_RES", "Config_EMB_RES"])
def test_standard_resource_holds_start_as_e_restart(tmp_path: Path, name: str) -> None:
    library = TypeLibrary([tmp_path])
    entry = library.resolve(name, tags=frozenset({"ResourceType"}))
    assert entry is not None
    model = library.load(entry)
    assert isinstance(model, ResourceType) and model.network is not None
    assert [(fb.name, fb.type_name) for fb in model.network.fbs] == [("START", "E_RESTART")]


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("EMB_RES", []),
        ("RMT_RES", [("MGR_ID", "WSTRING", None)]),
        ("FORTE_PC", [("MGR_ID", "WSTRING", '"localhost:61499"')]),
        (
            "FBRT_WINDOW",
            [
                ("BOUNDS", "DINT", None),
                ("GRID", "DINT", None),
                ("MGR_ID", "WSTRING", '"localhost:61499"'),
            ],
        ),
    ],
)
def test_standard_type_declares_the_parameters_forte_has(
    tmp_path: Path, name: str, parameters: list[tuple[str, str, str | None]]
) -> None:
    library = TypeLibrary([tmp_path])
    entry = library.resolve(name)
    assert entry is not None
    model = library.load(entry)
    assert isinstance(model, DeviceType | ResourceType)
    assert [(v.name, v.type_name, v.initial_value or None) for v in model.parameters] == parameters


def test_standard_types_are_not_fb_types(tmp_path: Path) -> None:
    library = TypeLibrary([tmp_path])
    assert library.resolve("EMB_RES", tags=FB_TAGS) is None
    assert library.resolve("FORTE_PC", tags=FB_TAGS) is None
    assert library.entries == []


def test_a_resource_file_in_the_type_folders_wins_over_the_built_in(
    write: Writer, tmp_path: Path
) -> None:
    write(
        "lib/EMB_RES.res",
        '<ResourceType Name="EMB_RES"><FBNetwork><FB Name="BOOT" Type="E_RESTART"/>'
        "</FBNetwork></ResourceType>",
    )
    library = TypeLibrary([tmp_path / "lib"])
    deployment = resolve_system(write("proj/Bare.sys", bare_system()), library)
    resource = deployment.resource("Dev", "Res")
    assert resource.type_entry is not None and resource.type_entry.file.endswith("EMB_RES.res")
    assert [fb.name for fb in resource.builtin_fbs] == ["BOOT"]


def test_built_in_device_types_the_mgr_id_parameter(write: Writer, tmp_path: Path) -> None:
    deployment = resolve_system(write("proj/Bare.sys", bare_system()), TypeLibrary([tmp_path]))
    assert deployment.problems == ()
    [parameter] = deployment.devices[0].parameters
    assert (parameter.pin, parameter.value) == ("MGR_ID", "localhost:61500")
    # Only FB types are left for fbrt's natives; the device and resource types resolved.
    assert [m.type_name for m in deployment.missing_types] == ["E_CTU", "E_RESTART"]


async def test_system_without_devices_gets_start_in_its_default_resource(
    write: Writer,
) -> None:
    path = write("proj/S.sys", f'<System Name="S">{APP}</System>')
    device = load_device(path, clock=TestClock())
    [res] = device.resources.values()
    assert sorted(res.network.instances) == ["App.count", "START"]


@pytest.mark.parametrize(
    ("device_type", "resource_type", "missing"),
    [("NOPE_DEV", "EMB_RES", "NOPE_DEV"), ("FORTE_PC", "NOPE_RES", "NOPE_RES")],
)
def test_unknown_device_or_resource_type_is_still_an_error_naming_file_and_line(
    write: Writer, device_type: str, resource_type: str, missing: str
) -> None:
    path = write("proj/Bare.sys", bare_system(device_type, resource_type))
    with pytest.raises(LoadError) as info:
        load_device(path)
    assert f"type {missing!r}" in str(info.value)
    assert f"{path}:" in str(info.value)
    assert isinstance(info.value, FourdiacError)
