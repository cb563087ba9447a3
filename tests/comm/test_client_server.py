"""CLIENT_m_n <-> SERVER_m_n over real TCP on 127.0.0.1: requests, answers, peers and closing."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from fbruntime.core import Resource
from fbruntime.iec import NS_PER_SECOND, to_real32

from .rig import LIB, PATIENCE, Trace, bound_port, sink, source


def echo_server(res: Resource, typ: str, id_: str = "127.0.0.1:0") -> None:
    """SRV (SERVER_1_1) answering every request with the value it received (through ECHO)."""
    res.add("SRV", LIB["SERVER_1_1"], QI=True, ID=id_)
    res.add("ECHO", sink([typ]))
    res.connect("SRV.IND", "ECHO.REQ")
    res.connect("SRV.RD_1", "ECHO.IN_1")
    res.connect("ECHO.CNF", "SRV.RSP")
    res.connect("ECHO.OUT_1", "SRV.SD_1")


def client(res: Resource, typ: str, value: Any, port: int) -> None:
    """CLI (CLIENT_1_1) sending SRC's value on SRC.CNF; answers go to SINK."""
    res.add("SRC", source([typ], [value]))
    res.add("CLI", LIB["CLIENT_1_1"], QI=True, ID=f"127.0.0.1:{port}")
    res.add("SINK", sink([typ]))
    res.connect("SRC.CNF", "CLI.REQ")
    res.connect("SRC.OUT_1", "CLI.SD_1")
    res.connect("CLI.CNF", "SINK.REQ")
    res.connect("CLI.RD_1", "SINK.IN_1")


async def started_server(typ: str = "INT") -> tuple[Resource, Trace, int]:
    res = Resource("SERVING")
    trace = Trace(res)
    echo_server(res, typ)
    res.start()
    res.fire("SRV.INIT")
    assert (await trace.next("SRV.INITO")).values == {"QO": True, "STATUS": "OK"}
    return res, trace, bound_port(res, "SRV")


async def peer(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A plain TCP peer, as FORTE or a test tool would be."""
    return await asyncio.open_connection("127.0.0.1", port)


async def read(reader: asyncio.StreamReader, size: int) -> bytes:
    return await asyncio.wait_for(reader.readexactly(size), PATIENCE)


@pytest.mark.parametrize(
    ("typ", "value"),
    [
        ("INT", -300),
        ("REAL", to_real32(0.1)),
        ("STRING", "Grüße aus fbrt"),
        ("TIME", 90 * NS_PER_SECOND),
        ("BOOL", True),
    ],
)
async def test_client_1_1_and_server_1_1_exchange_typed_values(typ: str, value: Any) -> None:
    _serving, strace, port = await started_server(typ)
    asking = Resource("ASKING")
    trace = Trace(asking)
    client(asking, typ, value, port)
    asking.start()
    asking.fire("CLI.INIT")
    assert (await trace.next("CLI.INITO")).values == {"QO": True, "STATUS": "OK"}
    asking.fire("SRC.REQ")
    assert (await strace.next("SRV.IND")).values == {"QO": True, "STATUS": "OK", "RD_1": value}
    assert (await trace.next("CLI.CNF")).values == {"QO": True, "STATUS": "OK", "RD_1": value}
    assert (await trace.next("SINK.CNF")).values == {"OUT_1": value}
    assert strace.of("SRV.IND") and not trace.of("CLI.INITO")[1:]


async def test_requests_sent_while_connecting_go_out_once_connected() -> None:
    _serving, _strace, port = await started_server()
    asking = Resource("ASKING")
    trace = Trace(asking)
    client(asking, "INT", 5, port)
    asking.start()
    asking.fire("CLI.INIT")
    asking.fire("SRC.REQ")  # before the connect has completed
    asking.fire("SRC.REQ")
    await trace.next("CLI.CNF", 2)
    assert [e.values["RD_1"] for e in trace.of("CLI.CNF")] == [5, 5]


async def test_the_server_speaks_fbdk_to_a_foreign_peer_across_split_packets() -> None:
    _serving, strace, port = await started_server()
    reader, writer = await peer(port)
    writer.write(bytes.fromhex("43 00"))
    await writer.drain()
    writer.write(bytes.fromhex("2a 43 ff"))  # completes 42, starts the next value
    await writer.drain()
    assert (await strace.next("SRV.IND")).values["RD_1"] == 42
    writer.write(bytes.fromhex("ff"))
    assert (await strace.next("SRV.IND", 2)).values["RD_1"] == -1
    assert await read(reader, 6) == bytes.fromhex("43 002a 43 ffff")
    writer.close()
    await writer.wait_closed()


async def test_garbage_from_a_peer_is_reported_and_the_server_keeps_working() -> None:
    serving, strace, port = await started_server()
    _reader, writer = await peer(port)
    writer.write(bytes.fromhex("ff ff ff"))
    await writer.drain()
    bad = await strace.next("SRV.IND")
    assert bad.values == {"QO": False, "STATUS": "DATA_TYPE_ERROR", "RD_1": 0}
    assert "0xFF" in serving.network.instances["SRV"].comm_error  # type: ignore[attr-defined]
    writer.write(bytes.fromhex("43 0007"))
    await writer.drain()
    assert (await strace.next("SRV.IND", 2)).values == {"QO": True, "STATUS": "OK", "RD_1": 7}
    writer.close()
    await writer.wait_closed()


async def test_one_client_at_a_time_and_the_server_listens_again_when_it_leaves() -> None:
    _serving, strace, port = await started_server()
    _first_r, first_w = await peer(port)
    first_w.write(bytes.fromhex("43 0001"))
    await strace.next("SRV.IND")
    second_r, second_w = await peer(port)
    assert await asyncio.wait_for(second_r.read(10), PATIENCE) == b""  # turned away
    second_w.close()
    first_w.close()
    await first_w.wait_closed()
    third_r, third_w = await peer(port)
    third_w.write(bytes.fromhex("43 0003"))
    assert await read(third_r, 3) == bytes.fromhex("43 0003")
    assert [e.values["STATUS"] for e in strace.of("SRV.IND")] == ["OK", "OK"]
    assert len(strace.of("SRV.INITO")) == 1  # a client leaving is no event
    third_w.close()
    await third_w.wait_closed()


async def test_the_server_closing_terminates_the_client() -> None:
    serving, strace, port = await started_server()
    asking = Resource("ASKING")
    trace = Trace(asking)
    client(asking, "INT", 1, port)
    asking.start()
    asking.fire("CLI.INIT")
    await trace.next("CLI.INITO")
    asking.fire("SRC.REQ")
    await trace.next("CLI.CNF")
    serving.write("SRV.QI", False)
    serving.fire("SRV.INIT")
    assert (await strace.next("SRV.INITO", 2)).values == {"QO": False, "STATUS": "TERMINATED"}
    assert (await trace.next("CLI.INITO", 2)).values == {"QO": False, "STATUS": "TERMINATED"}
    asking.fire("SRC.REQ")
    await asking.settle()
    assert trace.of("CLI.CNF")[-1].values["STATUS"] == "NO_SOCKET"


async def test_a_client_without_a_server_answers_invalid_id() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    asking = Resource("ASKING")
    trace = Trace(asking)
    client(asking, "INT", 1, port)
    asking.start()
    asking.fire("CLI.INIT")
    assert (await trace.next("CLI.INITO")).values == {"QO": False, "STATUS": "INVALID_ID"}
    assert "refused" in asking.network.instances["CLI"].comm_error  # type: ignore[attr-defined]


async def test_a_server_answer_without_a_client_is_silent() -> None:
    serving, strace, _port = await started_server()
    serving.fire("SRV.RSP")
    await serving.settle()
    assert strace.of("SRV.IND") == []


@pytest.mark.parametrize("how", ["init", "stop", "kill"])
async def test_closing_the_server_frees_its_port(how: str) -> None:
    serving, _strace, port = await started_server()
    reader, writer = await peer(port)
    writer.write(bytes.fromhex("43 0001"))
    await read(reader, 3)
    if how == "init":
        serving.write("SRV.QI", False)
        serving.fire("SRV.INIT")
        await serving.settle()
    elif how == "stop":
        await serving.stop()
    else:
        serving.kill()
    assert await asyncio.wait_for(reader.read(10), PATIENCE) == b""  # the client was closed too
    writer.close()
    await writer.wait_closed()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
        listener.listen(1)
    finally:
        listener.close()


async def test_client_2_1_talks_to_server_1_2() -> None:
    serving = Resource("SERVING")
    strace = Trace(serving)
    serving.add("SRV", LIB["SERVER_1_2"], QI=True, ID="127.0.0.1:0", SD_1="'done'")
    serving.add("SUM", sink(["DINT", "LREAL"]))
    serving.connect("SRV.IND", "SUM.REQ")
    serving.connect("SRV.RD_1", "SUM.IN_1")
    serving.connect("SRV.RD_2", "SUM.IN_2")
    serving.connect("SUM.CNF", "SRV.RSP")
    serving.start()
    serving.fire("SRV.INIT")
    await strace.next("SRV.INITO")
    asking = Resource("ASKING")
    trace = Trace(asking)
    asking.add("SRC", source(["DINT", "LREAL"], [-7, 0.25]))
    asking.add("CLI", LIB["CLIENT_2_1"], QI=True, ID=f"127.0.0.1:{bound_port(serving, 'SRV')}")
    asking.connect("SRC.CNF", "CLI.REQ")
    asking.connect("SRC.OUT_1", "CLI.SD_1")
    asking.connect("SRC.OUT_2", "CLI.SD_2")
    asking.start()
    asking.fire("CLI.INIT")
    await trace.next("CLI.INITO")
    asking.fire("SRC.REQ")
    assert (await strace.next("SUM.CNF")).values == {"OUT_1": -7, "OUT_2": 0.25}
    assert (await trace.next("CLI.CNF")).values == {"QO": True, "STATUS": "OK", "RD_1": "done"}
