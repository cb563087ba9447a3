from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.fourdiac.deploy import DEFAULT_DEVICE, DEFAULT_RESOURCE, Deployment, resolve_system
from fbruntime.fourdiac.library import TypeLibrary
from fbruntime.fourdiac.model import ConnectionKind
from tests.fourdiac.conftest import Writer

T_FBT = """<FBType Name="T"><InterfaceList>
<EventInputs><Event Name="REQ"><With Var="IN"/></Event></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="IN" Type="INT"/><VarDeclaration Name="S" Type="STRING"/>
</InputVars>
<OutputVars><VarDeclaration Name="OUT" Type="INT"/></OutputVars>
</InterfaceList></FBType>"""

INNER_SUB = """<SubAppType Name="Inner"><CompilerInfo packageName="pkg"/>
<SubAppInterfaceList>
<SubAppEventInputs><SubAppEvent Name="go2"/></SubAppEventInputs>
<InputVars><VarDeclaration Name="v2" Type="INT"/></InputVars>
</SubAppInterfaceList>
<SubAppNetwork>
<FB Name="y" Type="T"/><FB Name="z" Type="T"/>
<EventConnections>
<Connection Source="go2" Destination="y.REQ"/><Connection Source="go2" Destination="z.REQ"/>
</EventConnections>
<DataConnections><Connection Source="v2" Destination="y.IN"/></DataConnections>
</SubAppNetwork></SubAppType>"""

APP = """<Application Name="App"><SubAppNetwork>
<FB Name="a" Type="T"/>
<SubApp Name="outer">
<SubAppInterfaceList>
<SubAppEventInputs><SubAppEvent Name="go"/></SubAppEventInputs>
<InputVars><VarDeclaration Name="v" Type="INT"/></InputVars>
</SubAppInterfaceList>
<SubAppNetwork>
<FB Name="x" Type="T"/>
<SubApp Name="inner" Type="pkg::Inner"/>
<EventConnections>
<Connection Source="go" Destination="x.REQ"/><Connection Source="go" Destination="inner.go2"/>
</EventConnections>
<DataConnections><Connection Source="v" Destination="inner.v2"/></DataConnections>
</SubAppNetwork>
<Parameter Name="v" Value="7"/>
</SubApp>
<EventConnections><Connection Source="a.CNF" Destination="outer.go"/></EventConnections>
</SubAppNetwork></Application>"""


@pytest.fixture
def library(write: Writer, tmp_path: Path) -> TypeLibrary:
    write("lib/T.fbt", T_FBT)
    write("lib/Inner.sub", INNER_SUB)
    write(
        "lib/E_RESTART.fbt",
        '<FBType Name="E_RESTART"><InterfaceList><EventOutputs>'
        '<Event Name="COLD"/><Event Name="WARM"/></EventOutputs></InterfaceList></FBType>',
    )
    write(
        "lib/EMB_RES.res",
        '<ResourceType Name="EMB_RES"><FBNetwork>'
        '<FB Name="START" Type="E_RESTART"/></FBNetwork></ResourceType>',
    )
    write(
        "lib/FORTE_PC.dev",
        '<DeviceType Name="FORTE_PC"><VarDeclaration Name="MGR_ID" '
        'Type="WSTRING" InitialValue="&quot;localhost:61499&quot;"/></DeviceType>',
    )
    write(
        "lib/consts.gcf",
        '<GlobalConstants Name="consts"><CompilerInfo packageName="c"/>'
        '<GlobalConstants><VarDeclaration Name="K" Type="INT" InitialValue="42"/>'
        '<VarDeclaration Name="HOST" Type="WSTRING" InitialValue="&quot;h:1&quot;"/>'
        "</GlobalConstants></GlobalConstants>",
    )
    return TypeLibrary([tmp_path / "lib"])


def names(deployment: Deployment, device: str, resource: str) -> list[str]:
    return [fb.name for fb in deployment.resource(device, resource).fbs]


def links(deployment: Deployment, device: str, resource: str) -> list[tuple[str, str]]:
    return [(c.source, c.destination) for c in deployment.resource(device, resource).connections]


def test_system_without_devices_runs_in_the_default_resource_with_subapps_flattened(
    write: Writer, library: TypeLibrary
) -> None:
    path = write("proj/S.sys", f'<System Name="S">{APP}</System>')
    deployment = resolve_system(path, library)
    assert deployment.missing_types == ()
    assert deployment.problems == ()
    assert names(deployment, DEFAULT_DEVICE, DEFAULT_RESOURCE) == [
        "App.a",
        "App.outer.x",
        "App.outer.inner.y",
        "App.outer.inner.z",
    ]
    assert links(deployment, DEFAULT_DEVICE, DEFAULT_RESOURCE) == [
        ("App.a.CNF", "App.outer.x.REQ"),
        ("App.a.CNF", "App.outer.inner.y.REQ"),
        ("App.a.CNF", "App.outer.inner.z.REQ"),
    ]
    resource = deployment.resource(DEFAULT_DEVICE, DEFAULT_RESOURCE)
    assert [fb.name for fb in resource.builtin_fbs] == ["START"]
    y = next(fb for fb in resource.fbs if fb.name == "App.outer.inner.y")
    assert [(p.pin, p.text) for p in y.parameters] == [("IN", "7")]
    z = next(fb for fb in resource.fbs if fb.name == "App.outer.inner.z")
    assert z.parameters == ()
    assert y.type_entry is not None and y.type_entry.name == "T"


def test_new_style_mapping_places_whole_subapps_and_reads_app_qualified_names(
    write: Writer, library: TypeLibrary
) -> None:
    system = f"""<System Name="S">{APP}
<Device Name="D" Type="FORTE_PC"><Parameter Name="MGR_ID" Value="&quot;localhost:61499&quot;"/>
<Resource Name="R" Type="EMB_RES"><FBNetwork>
<FB Name="local" Type="T"><Parameter Name="IN" Value="3"/></FB>
<EventConnections>
<Connection Source="START.COLD" Destination="local.REQ"/>
<Connection Source="local.CNF" Destination="App.a.REQ"/>
</EventConnections>
<DataConnections><Connection Source="App.outer.inner.y.OUT" Destination="local.IN"/></DataConnections>
</FBNetwork></Resource></Device>
<Mapping From="App.a" To="D.R"/><Mapping From="App.outer" To="D.R"/>
</System>"""
    deployment = resolve_system(write("proj/S.sys", system), library)
    assert deployment.problems == ()
    assert [d.name for d in deployment.devices] == ["D"]
    assert names(deployment, "D", "R") == [
        "App.a",
        "App.outer.x",
        "App.outer.inner.y",
        "App.outer.inner.z",
        "local",
    ]
    assert links(deployment, "D", "R") == [
        ("App.a.CNF", "App.outer.x.REQ"),
        ("App.a.CNF", "App.outer.inner.y.REQ"),
        ("App.a.CNF", "App.outer.inner.z.REQ"),
        ("START.COLD", "local.REQ"),
        ("local.CNF", "App.a.REQ"),
        ("App.outer.inner.y.OUT", "local.IN"),
    ]
    kinds = [c.kind for c in deployment.resource("D", "R").connections]
    assert kinds[-1] is ConnectionKind.DATA
    assert deployment.devices[0].parameters[0].text == '"localhost:61499"'


def test_old_style_mapping_treats_resource_copies_as_the_application_fbs(
    write: Writer, library: TypeLibrary
) -> None:
    system = f"""<System Name="S">{APP}
<Device Name="D" Type="FORTE_PC"><Resource Name="R" Type="EMB_RES"><FBNetwork>
<FB Name="a" Type="T"/>
<SubApp Name="outer"><SubAppInterfaceList><SubAppEventInputs><SubAppEvent Name="go"/>
</SubAppEventInputs></SubAppInterfaceList></SubApp>
<EventConnections>
<Connection Source="START.COLD" Destination="a.REQ"/>
<Connection Source="a.CNF" Destination="outer.go"/>
</EventConnections>
</FBNetwork></Resource></Device>
<Mapping From="App.a" To="D.R.a"/><Mapping From="App.outer" To="D.R.outer"/>
</System>"""
    deployment = resolve_system(write("proj/S.sys", system), library)
    assert deployment.problems == ()
    assert names(deployment, "D", "R") == [
        "App.a",
        "App.outer.x",
        "App.outer.inner.y",
        "App.outer.inner.z",
    ]
    assert links(deployment, "D", "R") == [
        ("App.a.CNF", "App.outer.x.REQ"),
        ("App.a.CNF", "App.outer.inner.y.REQ"),
        ("App.a.CNF", "App.outer.inner.z.REQ"),
        ("START.COLD", "App.a.REQ"),
    ]


def test_connection_between_resources_is_reported_not_deployed(
    write: Writer, library: TypeLibrary
) -> None:
    system = f"""<System Name="S">{APP}
<Device Name="D" Type="FORTE_PC"><Resource Name="R" Type="EMB_RES"/></Device>
<Mapping From="App.a" To="D.R"/>
</System>"""
    deployment = resolve_system(write("proj/S.sys", system), library)
    assert links(deployment, "D", "R") == []
    assert names(deployment, DEFAULT_DEVICE, DEFAULT_RESOURCE)[0] == "App.outer.x"
    assert len(deployment.problems) == 3
    assert "crosses resources" in deployment.problems[0].message


def test_virtual_dns_and_constants_are_substituted_in_parameters(
    write: Writer, library: TypeLibrary
) -> None:
    write(
        "proj/virtualDNS.dns",
        """<?xml version="1.0" encoding="UTF-8"?>
<virtualDNS:VirtualDNSManagement xmi:version="2.0" xmlns:xmi="http://www.omg.org/XMI"
 xmlns:virtualDNS="org.eclipse.fordiac.ide.virtualDNS" activeVirtualDNS="//@availableDNSCollections.1">
<availableDNSCollections name="Other"><virtualDNSEntries name="id" value="wrong"/></availableDNSCollections>
<availableDNSCollections name="Used"><virtualDNSEntries name="id" value="239.0.0.1:61000"/>
</availableDNSCollections></virtualDNS:VirtualDNSManagement>""",
    )
    system = """<System Name="S"><CompilerInfo packageName="p"><Import declaration="c::consts::K"/>
</CompilerInfo>
<Application Name="App"><SubAppNetwork>
<FB Name="a" Type="T"><Parameter Name="S" Value="fbdk[].ip[%id%]"/><Parameter Name="IN" Value="K"/></FB>
<FB Name="b" Type="T"><Parameter Name="S" Value="%nope%"/><Parameter Name="IN" Value="c::consts::K"/></FB>
</SubAppNetwork></Application>
<Device Name="D" Type="FORTE_PC"><Parameter Name="MGR_ID" Value="c::consts::HOST"/></Device>
</System>"""
    deployment = resolve_system(write("proj/sub/S.sys", system), library)
    fbs = deployment.resource(DEFAULT_DEVICE, DEFAULT_RESOURCE).fbs
    a, b = fbs
    assert [(p.pin, p.text, p.written) for p in a.parameters] == [
        ("S", "fbdk[].ip[239.0.0.1:61000]", "fbdk[].ip[%id%]"),
        ("IN", "42", "K"),
    ]
    assert [p.text for p in b.parameters] == ["%nope%", "42"]
    assert deployment.devices[0].parameters[0].text == '"h:1"'
    assert [p.message for p in deployment.problems] == [
        "App.b.S: virtual DNS name %nope% is not defined"
    ]
    assert deployment.problems[0].line == 5


def test_unresolvable_types_are_listed_with_user_and_line(
    write: Writer, library: TypeLibrary
) -> None:
    system = """<System Name="S">
<Application Name="App"><SubAppNetwork>
<FB Name="a" Type="iec61499::events::E_TRIG"/>
<SubApp Name="s" Type="Missing"/>
</SubAppNetwork></Application></System>"""
    deployment = resolve_system(write("proj/S.sys", system), library)
    missing = [(m.type_name, m.used_by, m.reason, m.origin.line) for m in deployment.missing_types]
    assert missing == [
        ("iec61499::events::E_TRIG", "App.a", "not found in the type library", 3),
        ("Missing", "App.s", "not found in the type library", 4),
    ]
    assert names(deployment, DEFAULT_DEVICE, DEFAULT_RESOURCE) == ["App.a"]
    assert deployment.resource(DEFAULT_DEVICE, DEFAULT_RESOURCE).fbs[0].type_entry is None


def test_types_needed_by_used_types_must_resolve_too(write: Writer, tmp_path: Path) -> None:
    write(
        "lib/C.fbt",
        '<FBType Name="C"><InterfaceList><Sockets><AdapterDeclaration Name="s" '
        'Type="ANOPE"/></Sockets><InputVars><VarDeclaration Name="d" Type="MyStruct"/>'
        '</InputVars></InterfaceList><FBNetwork><FB Name="i" Type="Gone"/></FBNetwork></FBType>',
    )
    library = TypeLibrary([tmp_path / "lib"])
    system = '<System Name="S"><Application Name="A"><SubAppNetwork><FB Name="c" Type="C"/>'
    system += "</SubAppNetwork></Application></System>"
    deployment = resolve_system(write("proj/S.sys", system), library)
    assert sorted((m.type_name, m.used_by) for m in deployment.missing_types) == [
        ("ANOPE", "C.s"),
        ("Gone", "C.i"),
        ("MyStruct", "C.d"),
    ]
