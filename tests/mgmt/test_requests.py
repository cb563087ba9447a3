from __future__ import annotations

import pytest

from fbruntime.mgmt.commands import (
    ClearForce,
    Command,
    CreateConnection,
    CreateFB,
    CreateWatch,
    DeleteConnection,
    DeleteFB,
    DeleteWatch,
    ForceValue,
    Kill,
    QueryAdapterType,
    QueryAdapterTypes,
    QueryConnections,
    QueryDataTypes,
    QueryFB,
    QueryFBType,
    QueryFBTypes,
    ReadValue,
    ReadWatches,
    Reset,
    ResetEventCount,
    Start,
    Stop,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.requests import RequestError, parse_request, render_request

# The IDE's request templates (DeploymentExecutor.java and DynamicTypeLoadDeploymentExecutor.java),
# filled in, and the command each must become.
IDE_REQUESTS: list[tuple[str, Command]] = [
    ('<Request ID="1" Action="CREATE"><FB Name="EMB_RES" Type="EMB_RES" /></Request>',
     CreateFB("EMB_RES", "EMB_RES")),
    ('<Request ID="2" Action="CREATE"><FB Name="App.Sub.FB1" Type="iec61499::events::E_CTU" /></Request>',
     CreateFB("App.Sub.FB1", "iec61499::events::E_CTU")),
    ('<Request ID="3" Action="CREATE"><Connection Source="FB1.CUO" Destination="FB2.REQ" /></Request>',
     CreateConnection("FB1.CUO", "FB2.REQ")),
    ('<Request ID="4" Action="WRITE"><Connection Source="T#100ms" Destination="FB1.DT" /></Request>',
     WriteParameter("T#100ms", "FB1.DT")),
    ('<Request ID="5" Action="START"/>', Start()),
    ('<Request ID="6" Action="START"><FB Name="FB1" Type="E_CTU"/></Request>', Start("FB1", "E_CTU")),
    ('<Request ID="7" Action="KILL"><FB Name="RES" Type=""/></Request>', Kill("RES")),
    ('<Request ID="8" Action="KILL"></Request>', Kill()),
    ('<Request ID="9" Action="STOP"><FB Name="RES" Type=""/></Request>', Stop("RES")),
    ('<Request ID="10" Action="RESET"/>', Reset()),
    ('<Request ID="11" Action="DELETE"><FB Name="RES" Type=""/></Request>', DeleteFB("RES")),
    ('<Request ID="12" Action="DELETE"><Connection Source="A.EO" Destination="B.EI"/></Request>',
     DeleteConnection("A.EO", "B.EI")),
    ('<Request ID="13" Action="QUERY"><FB Name="*" Type="*"/></Request>', QueryFB()),
    ('<Request ID="14" Action="QUERY"><FB Name="FB1" Type="*"/></Request>', QueryFB("FB1", "*")),
    ('<Request ID="15" Action="READ"><Watches/></Request>', ReadWatches()),
    ('<Request ID="16" Action="CREATE"><Watch Source="FB1.CV" Destination="*" /></Request>',
     CreateWatch("FB1.CV")),
    ('<Request ID="17" Action="DELETE"><Watch Source="FB1.CV" Destination="*" /></Request>',
     DeleteWatch("FB1.CV")),
    ('<Request ID="18" Action="WRITE"><Connection Source="42" Destination="FB1.PV" force="true" /></Request>',
     ForceValue("42", "FB1.PV")),
    ('<Request ID="19" Action="WRITE"><Connection Source="*" Destination="FB1.PV" force="false" /></Request>',
     ClearForce("FB1.PV")),
    ('<Request ID="20" Action="WRITE"><Connection Source="$e" Destination="FB1.REQ" /></Request>',
     TriggerEvent("FB1.REQ")),
    ('<Request ID="21" Action="WRITE"><Connection Source="$E" Destination="FB1.REQ" /></Request>',
     TriggerEvent("FB1.REQ")),
    ('<Request ID="22" Action="WRITE"><Connection Source="$eR" Destination="FB1.REQ" /></Request>',
     ResetEventCount("FB1.REQ")),
    ('<Request ID="23" Action="QUERY"><FBType Name="*" /></Request>', QueryFBTypes()),
    ('<Request ID="24" Action="QUERY"><FBType Name="E_SWITCH" /></Request>', QueryFBType("E_SWITCH")),
    ('<Request ID="25" Action="QUERY"><AdapterType Name="*" /></Request>', QueryAdapterTypes()),
    ('<Request ID="26" Action="QUERY"><AdapterType Name="ATimeOut" /></Request>',
     QueryAdapterType("ATimeOut")),
    ('<Request ID="27" Action="QUERY"><DataType Name="*" /></Request>', QueryDataTypes()),
    ('<Request ID="28" Action="QUERY"><Connection Source="*" Destination="*"/></Request>',
     QueryConnections()),
    ('<Request ID="29" Action="READ"><Connection Source="FB1.CV" Destination="*" /></Request>',
     ReadValue("FB1.CV")),
    ('<Request ID="30" Action="READ"><Connection Source="FB1.CV" Destination="" /></Request>',
     ReadValue("FB1.CV")),
    ('<Request ID="1,234" Action="START"/>', Start()),
]  # fmt: skip


@pytest.mark.parametrize(("xml", "command"), IDE_REQUESTS)
def test_ide_requests_become_their_commands(xml: str, command: Command) -> None:
    request = parse_request(xml)
    assert request.command == command
    assert request.id == xml.split('"')[1]


# Other spellings that mean the same command; rendering gives the IDE's one.
ALTERNATIVE_SPELLINGS = ('Action="KILL"></Request>', 'Destination="" />', '"$E"', '"$eR"')
CANONICAL_REQUESTS = [
    (xml, command)
    for xml, command in IDE_REQUESTS
    if not any(spelling in xml for spelling in ALTERNATIVE_SPELLINGS)
]


@pytest.mark.parametrize(("xml", "command"), CANONICAL_REQUESTS)
def test_rendering_gives_the_ide_template_back(xml: str, command: Command) -> None:
    assert render_request(xml.split('"')[1], command) == xml


def test_reset_event_count_is_rendered_lower_case() -> None:
    assert render_request(1, ResetEventCount("F.E")) == (
        '<Request ID="1" Action="WRITE"><Connection Source="$er" Destination="F.E" /></Request>'
    )


@pytest.mark.parametrize(
    ("escaped", "value"),
    [
        ("&apos;hello&apos;", "'hello'"),
        ("STRING#&apos;Hello World!&apos;", "STRING#'Hello World!'"),
        ("&quot;a&quot; &lt;b&gt;", '"a" <b>'),
        ("&apos;Tom & Jerry&apos;", "'Tom & Jerry'"),  # the IDE does not escape '&'
        ("&amp;lt;", "&lt;"),
        ("&apos;a;b&apos;", "'a;b'"),
        ("(Pin:=1)", "(Pin:=1)"),
    ],
)
def test_written_values_are_unescaped(escaped: str, value: str) -> None:
    xml = f'<Request ID="1" Action="WRITE"><Connection Source="{escaped}" Destination="F.X" /></Request>'
    assert parse_request(xml).command == WriteParameter(value, "F.X")


def test_whitespace_and_line_breaks_around_elements_are_accepted() -> None:
    xml = '\n<Request  Action="CREATE" ID="9">\n  <FB Type="E_SR" Name="SR"/>\n</Request>\n'
    request = parse_request(xml)
    assert (request.id, request.command) == ("9", CreateFB("SR", "E_SR"))


@pytest.mark.parametrize(
    ("xml", "reason", "request_id"),
    [
        # FORTE: text without '>' is INVALID_OBJECT with no ID
        ("hello", Reason.INVALID_OBJECT, ""),
        # not a request at all
        ("<Foo/>", Reason.UNSUPPORTED_CMD, ""),
        ('<Request Action="START"/>', Reason.UNSUPPORTED_CMD, ""),
        ('<Request ID="12345678" Action="START"/>', Reason.UNSUPPORTED_CMD, ""),
        ("<<<>", Reason.UNSUPPORTED_CMD, ""),
        # unknown or missing action
        ('<Request ID="3" Action="FROB"/>', Reason.UNSUPPORTED_CMD, "3"),
        ('<Request ID="3" Action="start"/>', Reason.UNSUPPORTED_CMD, "3"),
        ('<Request ID="3"/>', Reason.UNSUPPORTED_CMD, "3"),
        ('<Request ID="3" Action="FROB"><FB Name="x"></Request>', Reason.UNSUPPORTED_CMD, "3"),
        # a known action with a body it cannot use
        ('<Request ID="4" Action="CREATE"><FB Name="x" Type="y"></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="CREATE"/>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="CREATE"><FB Name="x"/></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="CREATE"><FB Type="x"/></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="CREATE"><Connection Source="a.b"/></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="CREATE"><Gadget/></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="DELETE"><FB/></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="START"><Connection Source="a" Destination="b"/></Request>',
         Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="READ"/>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="WRITE"><Connection Destination="F.X"/></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="WRITE"><Connection Source="1" Destination="F.X" force="maybe"/></Request>',
         Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="QUERY"><Gadget/></Request>', Reason.INVALID_OBJECT, "4"),
        ('<Request ID="4" Action="CREATE"><FB Name="a" Type="b"/><FB Name="c" Type="d"/></Request>',
         Reason.INVALID_OBJECT, "4"),
        # FORTE without dynamic type loading
        ('<Request ID="5" Action="CREATE"><FBType Name="X">lua</FBType></Request>', Reason.UNSUPPORTED_CMD, "5"),
        ('<Request ID="5" Action="QUERY"><DataType Name="MyStruct" /></Request>', Reason.UNSUPPORTED_CMD, "5"),
        # no DTDs or entities, ever
        ('<!DOCTYPE Request [<!ENTITY x "y">]><Request ID="6" Action="START"/>', Reason.INVALID_OBJECT, ""),
    ],
)  # fmt: skip
def test_bad_requests_get_fortes_reason(xml: str, reason: Reason, request_id: str) -> None:
    with pytest.raises(RequestError) as refused:
        parse_request(xml)
    assert refused.value.reason is reason
    assert refused.value.request_id == request_id
    assert refused.value.message


def test_a_missing_attribute_is_named_in_the_error() -> None:
    with pytest.raises(RequestError, match="<FB> lacks the Type attribute"):
        parse_request('<Request ID="4" Action="CREATE"><FB Name="x"/></Request>')


ALL_COMMANDS: list[Command] = [command for _, command in IDE_REQUESTS] + [
    WriteParameter("'a;b' \"q\" <x> & y\nz\tw", "F.S"),
    ForceValue("T#1s", "F.DT"),
    ClearForce("F.X", ""),
    Start("App.FB", "E_CTU"),
    Reset("FB"),
    Stop(),
    QueryConnections("F.EO", "*"),
    CreateWatch("F.EO", "F.EO"),
]


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=repr)
def test_every_command_survives_rendering_and_parsing(command: Command) -> None:
    request = parse_request(render_request(17, command))
    assert (request.id, request.command) == ("17", command)
