"""Reply texts compared with what FORTE's DEV_MGR, resource.cpp and monitoring.cpp write."""

from __future__ import annotations

import pytest

from fbruntime.mgmt import replies
from fbruntime.mgmt.commands import (
    ClearForce,
    Command,
    CreateConnection,
    CreateFB,
    ForceValue,
    QueryAdapterType,
    QueryAdapterTypes,
    QueryConnections,
    QueryDataTypes,
    QueryFB,
    QueryFBType,
    QueryFBTypes,
    ReadValue,
    ReadWatches,
    ResetEventCount,
    Start,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.replies import (
    DataWatch,
    EventDecl,
    EventWatch,
    FBWatches,
    ResourceWatches,
    Response,
    TypeInterface,
    format_reply,
)


def test_reasons_are_spelled_as_forte_spells_them() -> None:
    assert [reason.value for reason in Reason] == [
        "RDY", "BAD_PARAMS", "LOCAL_TERMINATION", "SYSTEM_TERMINATION", "NOT_READY",
        "UNSUPPORTED_CMD", "UNSUPPORTED_TYPE", "NO_SUCH_OBJECT", "INVALID_OBJECT",
        "INVALID_OPERATION", "INVALID_STATE", "OVERFLOW", "INVALID_DST",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("command", "response", "reply"),
    [
        (CreateFB("F", "E_CTU"), replies.OK, '<Response ID="7" />'),
        (CreateFB("F", "NOPE"), replies.error(Reason.UNSUPPORTED_TYPE),
         '<Response ID="7" Reason="UNSUPPORTED_TYPE" />'),
        (CreateConnection("A.X", "B.Y"), replies.error(Reason.NO_SUCH_OBJECT),
         '<Response ID="7" Reason="NO_SUCH_OBJECT" />'),
        (Start(), replies.OK, '<Response ID="7" />'),
        # FORTE keeps the written value in the buffer that selects the long form
        (WriteParameter("5", "F.PV"), replies.OK, '<Response ID="7">\n  \n</Response>'),
        (WriteParameter("x", "F.PV"), replies.error(Reason.BAD_PARAMS),
         '<Response ID="7" Reason="BAD_PARAMS">\n  \n</Response>'),
        (WriteParameter("", "F.PV"), replies.error(Reason.BAD_PARAMS),
         '<Response ID="7" Reason="BAD_PARAMS" />'),
        (ForceValue("5", "F.PV"), replies.OK, '<Response ID="7">\n  \n</Response>'),
        (ClearForce("F.PV"), replies.OK, '<Response ID="7">\n  \n</Response>'),
        (TriggerEvent("F.REQ"), replies.OK, '<Response ID="7">\n  \n</Response>'),
        (ResetEventCount("F.REQ"), replies.error(Reason.NO_SUCH_OBJECT),
         '<Response ID="7" Reason="NO_SUCH_OBJECT">\n  \n</Response>'),
        # READ
        (ReadValue("FB1.CV"), replies.value("5"),
         '<Response ID="7">\n  <Connection Source="FB1.CV" Destination="5" />\n</Response>'),
        (ReadValue("FB1.S"), replies.value("'a<b' & \"c\""),
         '<Response ID="7">\n  <Connection Source="FB1.S" '
         'Destination="&apos;a&lt;b&apos; &amp; &quot;c&quot;" />\n</Response>'),
        (ReadValue("FB1.CV"), replies.error(Reason.NO_SUCH_OBJECT),
         '<Response ID="7" Reason="NO_SUCH_OBJECT" />'),
        # QUERY FBs
        (QueryFB(), replies.fb_list([("RES", "EMB_RES"), ("RES2", "EMB_RES")]),
         '<Response ID="7">\n  <FBList>\n    <FB name="RES" type="EMB_RES"/>\n'
         '<FB name="RES2" type="EMB_RES"/>\n  </FBList>\n</Response>'),
        (QueryFB(), replies.fb_list([]), '<Response ID="7" />'),
        (QueryFB("F", "E_CTU"), replies.fb_status("RUNNING"),
         '<Response ID="7">\n  <FBStatus Status="RUNNING" />\n</Response>'),
        (QueryFB("F"), replies.fb_type_of("F", "E_CTU"),
         '<Response ID="7">\n  <FB Name="F" Type="E_CTU" />\n</Response>'),
        # QUERY connections: in an EndpointList, whatever the ends asked for (FORTE's binary does
        # so for "*" too); bare only when both ends are empty. Line breaks only between
        # destinations of one source port.
        (QueryConnections(), replies.connection_list([("R.A.EO", "R.B.EI"), ("R.A.EO", "R.C.EI"), ("R.B.EO", "R.C.EI")]),
         '<Response ID="7">\n  <EndpointList>\n    <Connection Source="R.A.EO" Destination="R.B.EI"/>\n'
         '<Connection Source="R.A.EO" Destination="R.C.EI"/><Connection Source="R.B.EO" Destination="R.C.EI"/>'
         "\n  </EndpointList>\n</Response>"),
        (QueryConnections("A.EO", "*"), replies.connection_list([("R.A.EO", "R.B.EI")]),
         '<Response ID="7">\n  <EndpointList>\n    <Connection Source="R.A.EO" Destination="R.B.EI"/>'
         "\n  </EndpointList>\n</Response>"),
        (QueryConnections("", ""), replies.connection_list([("R.A.EO", "R.B.EI")]),
         '<Response ID="7">\n  <Connection Source="R.A.EO" Destination="R.B.EI"/>\n</Response>'),
        (QueryConnections(), replies.connection_list([]), '<Response ID="7" />'),
        # type lists
        (QueryFBTypes(), replies.type_names(["E_CTU", "E_SPLIT", "EMB_RES"]),
         '<Response ID="7">\n  <NameList>\n    E_CTU, E_SPLIT, EMB_RES\n  </NameList>\n</Response>'),
        (QueryAdapterTypes(), replies.type_names(["ATimeOut"]),
         '<Response ID="7">\n  <NameList>\n    ATimeOut\n  </NameList>\n</Response>'),
        (QueryDataTypes(), replies.type_names(["BOOL", "INT"]),
         '<Response ID="7">\n  <DTList>\n    BOOL, INT\n  </DTList>\n</Response>'),
        (QueryFBType("NOPE"), replies.error(Reason.UNSUPPORTED_TYPE),
         '<Response ID="7" Reason="UNSUPPORTED_TYPE" />'),
        # watches: nothing watched is the short form
        (ReadWatches(), replies.watches([ResourceWatches("RES")]), '<Response ID="7" />'),
    ],
)  # fmt: skip
def test_replies_match_forte(command: Command, response: Response, reply: str) -> None:
    assert format_reply("7", command, response) == reply


E_SWITCH = TypeInterface(
    "E_SWITCH",
    event_inputs=(EventDecl("EI", ("G",)),),
    event_outputs=(EventDecl("EO0"), EventDecl("EO1")),
    input_vars=(("G", "BOOL"),),
)


def test_a_type_interface_reply_matches_forte() -> None:
    assert format_reply("3", QueryFBType("E_SWITCH"), replies.type_interface(E_SWITCH)) == (
        '<Response ID="3">\n'
        '  <FBType Comment="generated" Name="E_SWITCH">\n'
        "    <InterfaceList>\n"
        "      <EventInputs>\n"
        '         <Event Name="EI" Type="Event">\n'
        '         <With Var="G"/>\n'
        "      </Event>\n"
        "      </EventInputs>\n"
        "   <EventOutputs>\n"
        '         <Event Name="EO0" Type="Event"/>\n'
        '<Event Name="EO1" Type="Event"/>\n'
        "</EventOutputs>\n"
        "   <InputVars>\n"
        '         <VarDeclaration Name="G" Type="BOOL"/>\n'
        "</InputVars>\n"
        "   </InterfaceList>\n"
        "  </FBType>\n"
        "</Response>"
    )


def test_an_adapter_type_reply_matches_forte() -> None:
    interface = TypeInterface(
        "ATimeOut",
        event_inputs=(EventDecl("START", ("DT",)),),
        input_vars=(("DT", "TIME"),),
        plugs=(("P", "APlug"),),
        sockets=(("S", "ASock"),),
    )
    assert format_reply("4", QueryAdapterType("ATimeOut"), replies.type_interface(interface)) == (
        '<Response ID="4">\n'
        '  <AdapterType Comment="generated" Name="ATimeOut">\n'
        "    <InterfaceList>\n"
        "      <EventInputs>\n"
        '         <Event Name="START" Type="Event">\n'
        '         <With Var="DT"/>\n'
        "      </Event>\n"
        "      </EventInputs>\n"
        "   <InputVars>\n"
        '         <VarDeclaration Name="DT" Type="TIME"/>\n'
        "</InputVars>\n"
        "   <Plugs>\n"
        '         <AdapterDeclaration Name="P" Type="APlug"/>\n'
        "</Plugs>\n"
        "   <Sockets>\n"
        '         <AdapterDeclaration Name="S" Type="ASock"/>\n'
        "</Sockets>\n"
        "   </InterfaceList>\n"
        '   <Service Comment="generated" LeftInterface="SOCKET" RightInterface="PLUG"/>\n'
        "</AdapterType>\n"
        "</Response>"
    )


def test_a_watches_reply_matches_forte() -> None:
    response = replies.watches(
        [
            ResourceWatches(
                "RES",
                (
                    FBWatches(
                        "App.CTR",
                        data=(DataWatch("CV", "3"), DataWatch("PV", "10", forced=True)),
                        events=(EventWatch("CU", 4, 123456),),
                    ),
                ),
            ),
            ResourceWatches("IDLE"),
            ResourceWatches("RES2", (FBWatches("S", data=(DataWatch("S", "'<x>'"),)),)),
        ]
    )
    assert format_reply("9", ReadWatches(), response) == (
        '<Response ID="9">\n  <Watches>\n    '
        '<Resource name="RES"><FB name="App.CTR">'
        '<Port name="CV"><Data value="3" forced="false"/></Port>'
        '<Port name="PV"><Data value="10" forced="true"/></Port>'
        '<Port name="CU"><Data value="4" time="123456"/>\n</Port>'
        "</FB></Resource>"
        '<Resource name="RES2"><FB name="S">'
        '<Port name="S"><Data value="&apos;&lt;x&gt;&apos;" forced="false"/></Port>'
        "</FB></Resource>"
        "\n  </Watches>\n</Response>"
    )


def test_a_failed_read_of_watches_is_a_short_reply() -> None:
    response = Response(Reason.INVALID_DST, replies.Watches())
    assert format_reply("9", ReadWatches(), response) == '<Response ID="9" Reason="INVALID_DST" />'


def test_a_payload_on_a_failure_is_not_sent() -> None:
    response = Response(Reason.NO_SUCH_OBJECT, replies.Value("5"))
    assert (
        format_reply("2", ReadValue("F.X"), response)
        == '<Response ID="2" Reason="NO_SUCH_OBJECT" />'
    )
