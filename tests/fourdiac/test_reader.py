from __future__ import annotations

import pytest

from fbruntime.fourdiac.errors import FourdiacError, Problem
from fbruntime.fourdiac.model import (
    AdapterType,
    BasicFBType,
    CompositeFBType,
    ConnectionKind,
    DataType,
    DeviceType,
    FunctionType,
    GlobalConstants,
    Kind,
    ResourceType,
    SegmentType,
    ServiceFBType,
    SimpleFBType,
    SubAppType,
    SystemConfiguration,
)
from fbruntime.fourdiac.reader import read_bytes, read_file
from tests.fourdiac.conftest import Writer

OLD_BASIC = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE FBType SYSTEM "http://www.holobloc.com/xml/LibraryElement.dtd">
<FBType Comment="Counter" Name="CTU">
  <Identification Standard="61499-2" Function="Counts up"/>
  <VersionInfo Author="a" Version="1.0"/>
  <VersionInfo Author="b" Version="1.1"/>
  <InterfaceList>
    <EventInputs>
      <Event Comment="Count up" Name="CU" Type="Event"><With Var="PV"/></Event>
      <Event Name="R" Type="Event"/>
    </EventInputs>
    <EventOutputs>
      <Event Name="CUO" Type="Event"><With Var="Q"/><With Var="CV"/></Event>
    </EventOutputs>
    <InputVars><VarDeclaration Name="PV" Type="UINT" InitialValue="3" Comment="limit"/></InputVars>
    <OutputVars>
      <VarDeclaration Name="Q" Type="BOOL"/>
      <VarDeclaration Name="CV" Type="UINT" ArraySize="0..7"/>
    </OutputVars>
  </InterfaceList>
  <BasicFB>
    <InternalVars><VarDeclaration Name="N" Type="INT"/></InternalVars>
    <ECC>
      <ECState Name="START" Comment="Initial"/>
      <ECState Name="CU"><ECAction Algorithm="CU" Output="CUO"/></ECState>
      <ECState Name="R"><ECAction Algorithm="R"/></ECState>
      <ECTransition Source="START" Destination="CU" Condition="CU&amp;CV &lt; 65535"/>
      <ECTransition Source="START" Destination="R" Condition="R"/>
      <ECTransition Source="CU" Destination="START" Condition="1"/>
      <ECTransition Source="R" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="CU" Comment="count">
      <ST Text="CV := CV + 1;&#13;&#10;Q := (CV &gt;= PV);"/>
    </Algorithm>
    <Algorithm Name="R"><Other Language="Java" Text="CV = 0;"/></Algorithm>
  </BasicFB>
</FBType>
"""

NEW_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="CTU2" Comment="">
\t<CompilerInfo packageName="my::counters">
\t\t<Import declaration="my::types::*"/>
\t</CompilerInfo>
\t<InterfaceList>
\t\t<EventInputs><Event Name="CU" Type="Event"/></EventInputs>
\t\t<EventOutputs><Event Name="CUO" Type="Event"/></EventOutputs>
\t\t<InOutVars><VarDeclaration Name="IO" Type="INT"/></InOutVars>
\t\t<Sockets><AdapterDeclaration Name="S" Type="my::ADP"/></Sockets>
\t\t<Plugs><AdapterDeclaration Name="P" Type="my::ADP"/></Plugs>
\t</InterfaceList>
\t<BasicFB>
\t\t<InternalVars>
\t\t\t<VarDeclaration Name="X" Type="INT"/>
\t\t\t<FB Name="inner" Type="my::PI"/>
\t\t</InternalVars>
\t\t<InternalConstVars><VarDeclaration Name="K" Type="INT" InitialValue="10"/></InternalConstVars>
\t\t<ECC>
\t\t\t<ECState Name="IDLE"/>
\t\t\t<ECState Name="RUN"><ECAction Algorithm="run" Output="CUO"/></ECState>
\t\t\t<ECTransition Source="IDLE" Destination="RUN" Condition="CU[X &lt; K]"/>
\t\t\t<ECTransition Source="IDLE" Destination="RUN" Condition="P.E1"/>
\t\t\t<ECTransition Source="RUN" Destination="IDLE" Condition="[X = 0]"/>
\t\t\t<ECTransition Source="RUN" Destination="IDLE" Condition="NOT Q"/>
\t\t</ECC>
\t\t<Algorithm Name="run">
\t\t\t<ST><![CDATA[ALGORITHM run
VAR_TEMP t : INT; END_VAR
X := X + 1;\r
END_ALGORITHM]]></ST>
\t\t</Algorithm>
\t\t<Algorithm Name="bare"><ST><![CDATA[Q := TRUE;]]></ST></Algorithm>
\t\t<Method Name="helper"><ST><![CDATA[METHOD helper END_METHOD]]></ST></Method>
\t</BasicFB>
</FBType>
"""


def test_old_basic_fb_reads_header_interface_ecc_and_text_algorithms(write: Writer) -> None:
    fb = read_file(write("CTU.fbt", OLD_BASIC))
    assert isinstance(fb, BasicFBType)
    assert fb.kind is Kind.BASIC
    assert fb.header.qualified_name == "CTU"
    assert fb.header.version == "1.1"
    assert fb.header.description == "Counter"
    cu = fb.interface.event_inputs[0]
    assert (cu.name, cu.with_vars, cu.comment) == ("CU", ("PV",), "Count up")
    assert fb.interface.event_outputs[0].with_vars == ("Q", "CV")
    pv = fb.interface.inputs[0]
    assert (pv.type_name, pv.initial_value, pv.array_size) == ("UINT", "3", None)
    assert fb.interface.outputs[1].array_size == "0..7"
    assert fb.ecc.initial_state is not None and fb.ecc.initial_state.name == "START"
    first = fb.ecc.transitions[0].condition
    assert (first.event, first.guard) == ("CU", "CV < 65535")
    assert fb.ecc.states[1].actions[0].output == "CUO"
    assert fb.ecc.states[2].actions[0].output is None
    cu_alg, r_alg = fb.algorithms
    assert cu_alg.text == "CV := CV + 1;\nQ := (CV >= PV);"
    assert cu_alg.language == "ST"
    assert cu_alg.text_line == 33
    assert (r_alg.language, r_alg.text) == ("Java", "CV = 0;")
    assert fb.origin.line == 3
    assert fb.interface.inputs[0].origin.line == 15


def test_new_basic_fb_reads_package_cdata_internals_and_methods(write: Writer) -> None:
    fb = read_file(write("CTU2.fbt", NEW_BASIC))
    assert isinstance(fb, BasicFBType)
    assert fb.header.qualified_name == "my::counters::CTU2"
    assert fb.header.imports == ("my::types::*",)
    assert fb.interface.in_outs[0].name == "IO"
    assert fb.interface.sockets[0].type_name == "my::ADP"
    assert fb.interface.plugs[0].name == "P"
    assert fb.internal_fbs[0].type_name == "my::PI"
    assert fb.internal_consts[0].initial_value == "10"
    conditions = [(t.condition.event, t.condition.guard) for t in fb.ecc.transitions]
    assert conditions == [("CU", "X < K"), ("P.E1", None), (None, "X = 0"), (None, "NOT Q")]
    run, bare = fb.algorithms
    assert run.text.startswith("ALGORITHM run\nVAR_TEMP")
    assert "\r" not in run.text
    assert run.text_line == 28
    assert bare.text == "Q := TRUE;"
    assert fb.methods[0].name == "helper"


def test_simple_fb_ignores_stray_states() -> None:
    fb = read_bytes(
        b"""<FBType Name="S"><InterfaceList><EventInputs><Event Name="REQ"/></EventInputs>
        </InterfaceList><SimpleFB><InternalVars><VarDeclaration Name="a" Type="INT"/></InternalVars>
        <ECState Name="stray"/><Algorithm Name="REQ"><ST><![CDATA[a := 1;]]></ST></Algorithm>
        </SimpleFB></FBType>"""
    )
    assert isinstance(fb, SimpleFBType)
    assert [a.name for a in fb.algorithms] == ["REQ"]
    assert fb.internal_vars[0].name == "a"


def test_composite_reads_network_parameters_and_connection_kinds() -> None:
    fb = read_bytes(
        b"""<FBType Name="C"><InterfaceList/><FBNetwork>
        <FB Name="d" Type="E_DELAY"><Parameter Name="DT" Value="T#1s"/>
        <Attribute Name="Color" Type="STRING" Value="1,2,3"/></FB>
        <EventConnections><Connection Source="REQ" Destination="d.START"/></EventConnections>
        <DataConnections><Connection Source="d.X" Destination="Y"/></DataConnections>
        <AdapterConnections><Connection Source="S" Destination="d.P"/></AdapterConnections>
        </FBNetwork></FBType>"""
    )
    assert isinstance(fb, CompositeFBType)
    d = fb.network.fbs[0]
    assert d.parameters[0].value == "T#1s"
    assert d.attributes[0].value == "1,2,3"
    kinds = [c.kind for c in fb.network.connections]
    assert kinds == [ConnectionKind.EVENT, ConnectionKind.DATA, ConnectionKind.ADAPTER]


@pytest.mark.parametrize(
    ("xml", "has_service"),
    [
        (b'<FBType Name="E"><InterfaceList/></FBType>', False),
        (b'<FBType Name="E"><InterfaceList/><Service LeftInterface="A"/></FBType>', True),
    ],
)
def test_fb_without_body_is_a_service_interface(xml: bytes, has_service: bool) -> None:
    fb = read_bytes(xml)
    assert isinstance(fb, ServiceFBType)
    assert fb.has_service is has_service


def test_dangling_connection_is_dropped_with_a_problem() -> None:
    problems: list[Problem] = []
    fb = read_bytes(
        b"""<FBType Name="C"><InterfaceList/><FBNetwork>
<EventConnections>
<Connection Destination="x.REQ"/>
</EventConnections></FBNetwork></FBType>""",
        "C.fbt",
        problems,
    )
    assert isinstance(fb, CompositeFBType)
    assert fb.network.connections == ()
    assert problems == [Problem("C.fbt", 3, "Connection", "connection without Source ignored")]


def test_other_kinds_dispatch_on_root_tag() -> None:
    cases = {
        b'<Function Name="F"><InterfaceList><OutputVars><VarDeclaration Name="" Type="REAL"/>'
        b"</OutputVars></InterfaceList><FunctionBody><ST><![CDATA[FUNCTION F : REAL\nEND_FUNCTION]]>"
        b"</ST></FunctionBody></Function>": FunctionType,
        b'<AdapterType Name="A"><InterfaceList/></AdapterType>': AdapterType,
        b'<SubAppType Name="S"><SubAppInterfaceList><SubAppEventInputs><SubAppEvent Name="E"/>'
        b"</SubAppEventInputs></SubAppInterfaceList><SubAppNetwork/></SubAppType>": SubAppType,
        b'<DataType Name="D"><StructuredType><VarDeclaration Name="a" Type="INT" InitialValue="1"/>'
        b"</StructuredType></DataType>": DataType,
        b'<GlobalConstants Name="G"><GlobalConstants><VarDeclaration Name="K" Type="INT" '
        b'InitialValue="4"/></GlobalConstants></GlobalConstants>': GlobalConstants,
        b'<DeviceType Name="D"><VarDeclaration Name="MGR_ID" Type="WSTRING"/></DeviceType>': DeviceType,
        b'<!DOCTYPE FBType SYSTEM "x.dtd"><ResourceType Name="R"><FBNetwork><FB Name="START" '
        b'Type="E_RESTART"/></FBNetwork></ResourceType>': ResourceType,
        b'<SegmentType Name="E"/>': SegmentType,
        b'<System Name="S"/>': SystemConfiguration,
    }
    for xml, cls in cases.items():
        assert isinstance(read_bytes(xml), cls)
    function = read_bytes(next(iter(cases)))
    assert isinstance(function, FunctionType) and function.body is not None
    assert function.body.text.startswith("FUNCTION F")
    assert function.interface.outputs[0].name == ""
    subapp = read_bytes(list(cases)[2])
    assert isinstance(subapp, SubAppType)
    assert subapp.interface.event_inputs[0].name == "E"


def test_unknown_root_is_refused_with_file_and_line() -> None:
    with pytest.raises(FourdiacError) as info:
        read_bytes(b'<?xml version="1.0"?>\n<Something Name="x"/>', "x.fbt")
    assert (info.value.file, info.value.line, info.value.element) == ("x.fbt", 2, "Something")
    assert "unknown root element <Something>" in str(info.value)


def test_missing_required_attribute_names_element_and_line() -> None:
    xml = b'<FBType Name="A">\n<InterfaceList>\n<InputVars>\n<VarDeclaration Name="X"/>'
    xml += b"</InputVars></InterfaceList></FBType>"
    with pytest.raises(FourdiacError) as info:
        read_bytes(xml, "A.fbt")
    assert (info.value.line, info.value.element) == (4, "VarDeclaration")
    assert "missing required attribute 'Type'" in str(info.value)
