"""FORTE's built-in types on a bare ``fbrt device`` over TCP: CREATE, WRITE, fire, READ.

One real ``fbrt device`` process (no type folder) serves every scenario; each scenario deploys
into its own resource with the management client, as the IDE would, and reads the results
back. The expected answers are FORTE's (checked against a FORTE built with the same modules;
a READ of an ANY pin is a typed literal, as FORTE's variants give it). Strings are compared
inside the device (F_EQ) rather than read, so these stay about the blocks, not READ's format.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fbruntime.mgmt import ManagementClient, parse_reply
from tests.device_process import listening_port

SCENARIOS: dict[str, str] = {
    "F_ADD of INTs is an INT": """
        C A F_ADD
        W INT#5 A.IN1
        W INT#3 A.IN2
        T A.REQ
        R A.OUT = INT#8
    """,
    "F_ADD wraps as its operands' type": """
        C A F_ADD
        W INT#32767 A.IN1
        W INT#3 A.IN2
        T A.REQ
        R A.OUT = INT#-32766
    """,
    "F_ADD of an INT and a DINT is a DINT": """
        C A F_ADD
        W INT#5 A.IN1
        W DINT#7 A.IN2
        T A.REQ
        R A.OUT = DINT#12
    """,
    "F_ADD of an INT and a REAL is a REAL": """
        C A F_ADD
        W INT#5 A.IN1
        W REAL#1.5 A.IN2
        T A.REQ
        R A.OUT = REAL#6.5
    """,
    "F_ADD of TIMEs": """
        C A F_ADD
        W T#1s A.IN1
        W T#2s A.IN2
        T A.REQ
        R A.OUT = T#3s
    """,
    "F_ADD typed by what is connected to it": """
        C I INT2INT
        C A F_ADD
        K I.CNF A.REQ
        K I.OUT A.IN1
        K I.OUT A.IN2
        W 20000 I.IN
        T I.REQ
        R A.OUT = INT#-25536
    """,
    "a chain of F_ADDs passes the type on": """
        C A F_ADD
        C B F_ADD
        K A.CNF B.REQ
        K A.OUT B.IN1
        W SINT#100 A.IN1
        W SINT#20 A.IN2
        W SINT#10 B.IN2
        T A.REQ
        R B.OUT = SINT#-126
    """,
    "F_DIV of DINTs truncates": """
        C D F_DIV
        W DINT#-7 D.IN1
        W DINT#2 D.IN2
        T D.REQ
        R D.OUT = DINT#-3
    """,
    "F_GT compares": """
        C G F_GT
        W INT#5 G.IN1
        W INT#3 G.IN2
        T G.REQ
        R G.OUT = TRUE
    """,
    "F_SEL picks IN1 when G": """
        C S F_SEL
        W TRUE S.G
        W LINT#0 S.IN0
        W LINT#1 S.IN1
        T S.REQ
        R S.OUT = LINT#1
    """,
    "F_SEL passes the chosen input on in its own type": """
        C S F_SEL
        W FALSE S.G
        W INT#1 S.IN0
        W DINT#2 S.IN1
        T S.REQ
        R S.OUT = INT#1
    """,
    "F_MAX of an INT and a DINT is a DINT": """
        C X F_MAX
        W INT#5 X.IN1
        W DINT#7 X.IN2
        T X.REQ
        R X.OUT = DINT#7
    """,
    "F_MUX_2 picks by K": """
        C M F_MUX_2
        W UINT#1 M.K
        W INT#10 M.IN1
        W INT#20 M.IN2
        T M.REQ
        R M.OUT = INT#20
    """,
    "F_SHL shifts in the operand's width": """
        C S F_SHL
        W BYTE#16#81 S.IN
        W UINT#1 S.N
        T S.REQ
        R S.OUT = BYTE#2
    """,
    "F_CONCAT joins strings": """
        C C F_CONCAT
        C E F_EQ
        K C.CNF E.REQ
        K C.OUT E.IN1
        W STRING#'ab' C.IN1
        W STRING#'cd' C.IN2
        W STRING#'abcd' E.IN2
        T C.REQ
        R E.OUT = TRUE
    """,
    "BOOL2BOOL copies": """
        C B BOOL2BOOL
        W TRUE B.IN
        T B.REQ
        R B.OUT = TRUE
    """,
    "F_REAL_TO_INT rounds half to even": """
        C A F_REAL_TO_INT
        C B F_REAL_TO_INT
        W 2.5 A.IN
        W 3.5 B.IN
        T A.REQ
        T B.REQ
        R A.OUT = 2
        R B.OUT = 4
    """,
    "F_DINT_TO_INT wraps": """
        C C F_DINT_TO_INT
        W 70000 C.IN
        T C.REQ
        R C.OUT = 4464
    """,
    "F_INT_AS_STRING into F_STRING_AS_INT": """
        C I F_INT_AS_STRING
        C S F_STRING_AS_INT
        K I.CNF S.REQ
        K I.OUT S.IN
        W -7 I.IN
        T I.REQ
        R S.OUT = -7
    """,
    "F_TIME_IN_MS_TO_DINT": """
        C T F_TIME_IN_MS_TO_DINT
        W T#1s500ms T.IN
        T T.REQ
        R T.OUT = 1500
    """,
    "BCD both ways": """
        C F F_BYTE_BCD_TO_USINT
        C B F_USINT_TO_BCD_BYTE
        W 16#42 F.IN
        W 42 B.IN
        T F.REQ
        T B.REQ
        R F.OUT = 42
        R B.OUT = 66
    """,
    "FB_CTU counts on each REQ while CU": """
        C C FB_CTU
        W TRUE C.CU
        W 2 C.PV
        T C.REQ
        T C.REQ
        R C.CV = 2
        R C.Q = TRUE
    """,
    "FB_R_TRIG sees one rising edge": """
        C R FB_R_TRIG
        C N E_CTU
        K R.CNF N.CU
        C P F_MOVE_1BOOL
        K R.Q P.IN
        K R.CNF P.REQ
        W TRUE R.CLK
        T R.REQ
        T R.REQ
        R N.CV = 2
        R P.OUT = FALSE
    """,
    "FB_RS resets first": """
        C F FB_RS
        W TRUE F.S
        W TRUE F.R1
        T F.REQ
        R F.Q1 = FALSE
    """,
    "SPLIT and ASSEMBLE are inverse": """
        C A ASSEMBLE_WORD_FROM_BYTES
        C S SPLIT_WORD_INTO_BYTES
        K A. S.IN
        K A.CNF S.REQ
        W 16#12 A.BYTE_00
        W 16#34 A.BYTE_01
        T A.REQ
        R A. = 13330
        R S.BYTE_00 = 18
        R S.BYTE_01 = 52
    """,
    "SPLIT_BYTE_INTO_QUARTERS": """
        C Q SPLIT_BYTE_INTO_QUARTERS
        W 2#11100100 Q.IN
        T Q.REQ
        R Q.QUARTER_BYTE_00 = 0
        R Q.QUARTER_BYTE_03 = 3
    """,
    "ADD_3 adds three UINTs": """
        C X ADD_3
        W UINT#1 X.IN1
        W UINT#2 X.IN2
        W UINT#3 X.IN3
        T X.REQ
        R X.OUT = UINT#6
    """,
    "AND_3 on BYTEs": """
        C X AND_3
        W BYTE#16#F0 X.IN1
        W BYTE#16#3C X.IN2
        W BYTE#16#FF X.IN3
        T X.REQ
        R X.OUT = BYTE#48
    """,
    "E_DEMUX_3 sends EO<K+1>": """
        C D E_DEMUX_3
        C N E_CTU
        K D.EO3 N.CU
        W 2 D.K
        T D.EI
        R N.CV = 1
    """,
    "E_MUX_3 says which input arrived": """
        C M E_MUX_3
        T M.EI2
        R M.K = 1
    """,
    "F_SEL_E_2 takes the input of the event": """
        C S F_SEL_E_2
        W INT#1 S.IN0
        W INT#2 S.IN1
        T S.REQ1
        R S.OUT = INT#2
    """,
    "VALUES2ARRAY into GET_AT_INDEX": """
        C V VALUES2ARRAY_3_INT
        C G GET_AT_INDEX
        K V.OUT G.IN_ARRAY
        K V.CNF G.REQ
        W 7 V.IN_1
        W 8 V.IN_2
        W 9 V.IN_3
        W 1 G.INDEX
        T V.REQ
        R G.OUT = INT#8
        R G.QO = TRUE
    """,
    "GET_AT_INDEX out of bounds": """
        C V VALUES2ARRAY_2_INT
        C G GET_AT_INDEX
        K V.OUT G.IN_ARRAY
        K V.CNF G.REQ
        W 5 G.INDEX
        T V.REQ
        R G.QO = FALSE
    """,
    "GetInstancePath joins the application path": """
        C App.Sub.P GetInstancePath
        C E F_EQ
        K App.Sub.P.CNF E.REQ
        K App.Sub.P.Path E.IN1
        W '/' App.Sub.P.Sep
        W STRING#'App/Sub/P' E.IN2
        T App.Sub.P.REQ
        R E.OUT = TRUE
    """,
}


@pytest.fixture(scope="module")
def device_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    log = tmp_path_factory.mktemp("device") / "device.log"
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "fbruntime", "device", "--listen", "127.0.0.1:0"],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        yield listening_port(process, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


async def _run(port: int, resource: str, script: str) -> None:
    requests: list[tuple[str, str]] = [("", f'<FB Name="{resource}" Type="EMB_RES"/>')]
    reads: list[tuple[str, str]] = []
    fires: list[str] = []
    for line in (raw.strip() for raw in script.strip().splitlines()):
        op, _, rest = line.partition(" ")
        if op == "C":
            name, type_name = rest.split()
            requests.append(("CREATE", f'<FB Name="{name}" Type="{type_name}"/>'))
        elif op == "K":
            source, destination = rest.split()
            requests.append(
                ("CREATE", f'<Connection Source="{source}" Destination="{destination}"/>')
            )
        elif op == "W":
            value, destination = rest.rsplit(" ", 1)
            requests.append(
                ("WRITE", f'<Connection Source="{_esc(value)}" Destination="{destination}"/>')
            )
        elif op == "T":
            fires.append(rest)
        elif op == "R":
            pin, _, expected = rest.partition(" = ")
            reads.append((pin, expected))
    async with ManagementClient("127.0.0.1", port) as client:
        for i, (action, body) in enumerate(requests, 1):
            dst, act = (resource, action) if action else ("", "CREATE")
            reply = await client.request(dst, f'<Request ID="{i}" Action="{act}">{body}</Request>')
            assert parse_reply(reply).ok, (body, reply)
        start = await client.request(resource, '<Request ID="s" Action="START"/>')
        assert parse_reply(start).ok
        for event in fires:
            body = f'<Connection Source="$e" Destination="{event}"/>'
            fired = await client.request(
                resource, f'<Request ID="t" Action="WRITE">{body}</Request>'
            )
            assert parse_reply(fired).ok, fired
            await asyncio.sleep(0)
        for pin, expected in reads:
            assert await _read_until(client, resource, pin, expected) == expected, pin


async def _read_until(client: ManagementClient, resource: str, pin: str, expected: str) -> str:
    """The pin's value once it is *expected*, or what it is after a few seconds of events."""
    body = f'<Connection Source="{pin}" Destination=""/>'
    value = ""
    for _ in range(200):
        reply = parse_reply(
            await client.request(resource, f'<Request ID="r" Action="READ">{body}</Request>')
        )
        assert reply.ok, pin
        connection = reply.root.find("Connection")
        value = connection.get("Destination", "") if connection is not None else ""
        if value == expected:
            break
        await asyncio.sleep(0.01)
    return value


@pytest.mark.parametrize("title", list(SCENARIOS))
async def test_a_built_in_runs_as_on_forte(device_port: int, title: str) -> None:
    resource = "R" + str(list(SCENARIOS).index(title))
    await _run(device_port, resource, SCENARIOS[title])


async def test_the_device_lists_forte_s_types_and_adapters(device_port: int) -> None:
    async with ManagementClient("127.0.0.1", device_port) as client:
        fb_reply = parse_reply(
            await client.request("", '<Request ID="1" Action="QUERY"><FBType Name="*"/></Request>')
        )
        adapters = parse_reply(
            await client.request(
                "", '<Request ID="2" Action="QUERY"><AdapterType Name="*"/></Request>'
            )
        )
        rmt = '<Request ID="3" Action="CREATE"><FB Name="REMOTE" Type="RMT_RES"/></Request>'
        assert parse_reply(await client.request("", rmt)).ok
    fb_names = {n.strip() for n in (fb_reply.root.findtext("NameList") or "").split(",")}
    recorded = (Path(__file__).parent / "forte_fb_types.txt").read_text().splitlines()
    forte = {line for line in recorded if line and not line.startswith("#")}
    assert forte - fb_names == {"DEV_MGR"}  # fbrt serves the management protocol itself
    assert "F_ADD" in fb_names and "utils__timing__F_NOW" in fb_names
    assert [n.strip() for n in (adapters.root.findtext("NameList") or "").split(",")] == [
        "ANY_ADAPTER",
        "ATimeOut",
        "ARTimeOut",
    ]
