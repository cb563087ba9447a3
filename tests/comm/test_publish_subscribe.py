"""PUBLISH_n -> SUBSCRIBE_n over real UDP on 127.0.0.1 and through loc[] groups."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from fbruntime.comm.local import LOCAL_GROUPS
from fbruntime.core import Resource
from fbruntime.iec import NS_PER_MS, to_real32

from .rig import LIB, Trace, bound_port, sink, source


@pytest.fixture
def udp_peer() -> Iterator[socket.socket]:
    """A plain UDP socket on 127.0.0.1, as a foreign peer (FORTE, a test tool) would use."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(10)
    yield sock
    sock.close()


def subscriber(res: Resource, width: int, types: list[str], id_: str = "127.0.0.1:0") -> None:
    """SUB (SUBSCRIBE_<width>) feeding SINK, whose typed inputs type the RD pins."""
    res.add("SUB", LIB[f"SUBSCRIBE_{width}"], QI=True, ID=id_)
    res.add("SINK", sink(types))
    res.connect("SUB.IND", "SINK.REQ")
    for i in range(1, width + 1):
        res.connect(f"SUB.RD_{i}", f"SINK.IN_{i}")


def publisher(res: Resource, types: list[str], values: list[Any], id_: str) -> None:
    """PUB (PUBLISH_<n>) sending SRC's typed outputs on each SRC.CNF."""
    res.add("SRC", source(types, values))
    res.add("PUB", LIB[f"PUBLISH_{len(types)}"], QI=True, ID=id_)
    res.connect("SRC.CNF", "PUB.REQ")
    for i in range(1, len(types) + 1):
        res.connect(f"SRC.OUT_{i}", f"PUB.SD_{i}")


@pytest.mark.parametrize(
    ("types", "values"),
    [
        (["INT", "REAL"], [-1234, to_real32(2.5)]),
        (["STRING", "TIME"], ["hello 4diac", 1500 * NS_PER_MS]),
        (["BOOL", "WSTRING"], [True, "Grüße"]),
    ],
)
async def test_publish_2_reaches_subscribe_2_with_typed_values(
    types: list[str], values: list[Any]
) -> None:
    receiving, sending = Resource("RECV"), Resource("SEND")
    trace = Trace(receiving, sending)
    subscriber(receiving, 2, types)
    receiving.start()
    receiving.fire("SUB.INIT")
    assert (await trace.next("SUB.INITO")).values == {"QO": True, "STATUS": "OK"}
    publisher(sending, types, values, f"127.0.0.1:{bound_port(receiving, 'SUB')}")
    sending.start()
    sending.fire("PUB.INIT")
    await sending.settle()
    sending.fire("SRC.REQ")
    assert (await trace.next("PUB.CNF")).values == {"QO": True, "STATUS": "OK"}
    ind = await trace.next("SUB.IND")
    assert ind.values == {"QO": True, "STATUS": "OK", "RD_1": values[0], "RD_2": values[1]}
    assert (await trace.next("SINK.CNF")).values == {"OUT_1": values[0], "OUT_2": values[1]}


async def test_the_datagram_is_forte_s_fbdk_encoding(udp_peer: socket.socket) -> None:
    res = Resource("SEND")
    publisher(
        res, ["INT", "STRING", "BOOL"], [7, "ab", True], f"127.0.0.1:{udp_peer.getsockname()[1]}"
    )
    res.start()
    res.fire("PUB.INIT")
    res.fire("SRC.REQ")
    await res.settle()
    assert udp_peer.recv(100) == bytes.fromhex("43 0007 50 0002 6162 41")


async def test_an_unconnected_sd_parameter_is_sent_as_the_type_of_its_value(
    udp_peer: socket.socket,
) -> None:
    res = Resource("SEND")
    port = udp_peer.getsockname()[1]
    res.add(
        "PUB", LIB["PUBLISH_2"], QI=True, ID=f"fbdk[].ip[127.0.0.1:{port}]", SD_1="5", SD_2="'x'"
    )
    res.start()
    res.fire("PUB.INIT")
    res.fire("PUB.REQ")
    await res.settle()
    assert udp_peer.recv(100) == bytes.fromhex("44 00000005 50 0001 78")


async def test_a_forte_datagram_is_received_and_garbage_reported(udp_peer: socket.socket) -> None:
    res = Resource("RECV")
    trace = Trace(res)
    subscriber(res, 1, ["DINT"])
    res.start()
    res.fire("SUB.INIT")
    await trace.next("SUB.INITO")
    address = ("127.0.0.1", bound_port(res, "SUB"))
    udp_peer.sendto(bytes.fromhex("43 0001"), address)  # an INT where a DINT is expected
    bad = await trace.next("SUB.IND")
    assert bad.values == {"QO": False, "STATUS": "DATA_TYPE_ERROR", "RD_1": 0}
    assert "expected DINT" in res.network.instances["SUB"].comm_error  # type: ignore[attr-defined]
    udp_peer.sendto(bytes.fromhex("44 0001 00"), address)  # ends inside the DINT
    assert (await trace.next("SUB.IND", 2)).values["STATUS"] == "DATA_TYPE_ERROR"
    udp_peer.sendto(bytes.fromhex("44 fffffffe"), address)
    good = await trace.next("SUB.IND", 3)
    assert good.values == {"QO": True, "STATUS": "OK", "RD_1": -2}
    assert trace.of("SINK.CNF")[-1].values == {"OUT_1": -2}


async def test_an_untyped_rd_takes_the_type_the_tag_names(udp_peer: socket.socket) -> None:
    res = Resource("RECV")
    trace = Trace(res)
    res.add("SUB", LIB["SUBSCRIBE_1"], QI=True, ID="127.0.0.1:0")
    res.start()
    res.fire("SUB.INIT")
    await trace.next("SUB.INITO")
    udp_peer.sendto(
        bytes.fromhex("76 0002 4b 3ff0000000000000 4000000000000000"),
        ("127.0.0.1", bound_port(res, "SUB")),
    )
    assert (await trace.next("SUB.IND")).values["RD_1"] == [1.0, 2.0]


async def test_multicast_subscribers_join_the_group() -> None:
    receiving, sending = Resource("RECV"), Resource("SEND")
    trace = Trace(receiving)
    subscriber(receiving, 1, ["UINT"], "239.192.0.2:0")
    receiving.start()
    receiving.fire("SUB.INIT")
    assert (await trace.next("SUB.INITO")).values["QO"] is True
    publisher(sending, ["UINT"], [4242], f"239.192.0.2:{bound_port(receiving, 'SUB')}")
    sending.start()
    sending.fire("PUB.INIT")
    sending.fire("SRC.REQ")
    assert (await trace.next("SINK.CNF")).values == {"OUT_1": 4242}


@pytest.mark.parametrize(
    ("qi", "init_first", "status"),
    [(False, True, "INHIBITED"), (True, False, "NO_SOCKET")],
)
async def test_req_without_leave_or_socket_is_refused(
    qi: bool, init_first: bool, status: str
) -> None:
    res = Resource("SEND")
    trace = Trace(res)
    res.add("PUB", LIB["PUBLISH_1"], QI=True, ID="127.0.0.1:61999", SD_1="1")
    res.start()
    if init_first:
        res.fire("PUB.INIT")
    res.write("PUB.QI", qi)
    res.fire("PUB.REQ")
    await res.settle()
    assert trace.of("PUB.CNF")[-1].values == {"QO": False, "STATUS": status}


async def test_a_bad_id_answers_invalid_id_and_says_why() -> None:
    res = Resource("RECV")
    trace = Trace(res)
    res.add("SUB", LIB["SUBSCRIBE_1"], QI=True, ID="udp[].ip[1.2.3.4:5]")
    res.start()
    res.fire("SUB.INIT")
    await res.settle()
    assert trace.of("SUB.INITO")[-1].values == {"QO": False, "STATUS": "INVALID_ID"}
    error = res.network.instances["SUB"].comm_error  # type: ignore[attr-defined]
    assert "'udp[].ip[1.2.3.4:5]'" in error and "'udp'" in error


async def test_a_port_in_use_answers_invalid_id(udp_peer: socket.socket) -> None:
    res = Resource("RECV")
    trace = Trace(res)
    res.add("SUB", LIB["SUBSCRIBE_1"], QI=True, ID=f"127.0.0.1:{udp_peer.getsockname()[1]}")
    res.start()
    res.fire("SUB.INIT")
    await res.settle()
    assert trace.of("SUB.INITO")[-1].values == {"QO": False, "STATUS": "INVALID_ID"}
    assert "in use" in res.network.instances["SUB"].comm_error  # type: ignore[attr-defined]


def rebind_udp(port: int) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.bind(("127.0.0.1", port))
    finally:
        probe.close()


@pytest.mark.parametrize("how", ["init", "stop", "kill"])
async def test_closing_releases_the_port(how: str) -> None:
    res = Resource("RECV")
    trace = Trace(res)
    subscriber(res, 1, ["INT"])
    res.start()
    res.fire("SUB.INIT")
    await trace.next("SUB.INITO")
    port = bound_port(res, "SUB")
    with pytest.raises(OSError):
        rebind_udp(port)
    if how == "init":
        res.write("SUB.QI", False)
        res.fire("SUB.INIT")
        await res.settle()
        assert trace.of("SUB.INITO")[-1].values == {"QO": False, "STATUS": "TERMINATED"}
    elif how == "stop":
        await res.stop()
    else:
        res.kill()
    rebind_udp(port)


async def test_loc_groups_deliver_to_every_subscriber_in_the_process() -> None:
    a, b, c = Resource("A"), Resource("B"), Resource("C")
    trace = Trace(a, b, c)
    for res in (b, c):
        subscriber(res, 2, ["STRING", "TIME"], "loc[plant/line1]")
        res.start()
        res.fire("SUB.INIT")
    publisher(a, ["STRING", "TIME"], ["hot", 3 * NS_PER_MS], "loc[plant/line1]")
    a.start()
    a.fire("PUB.INIT")
    a.fire("SRC.REQ")
    await trace.until(lambda: len(trace.of("SINK.CNF")) == 2)
    assert {e.path for e in trace.of("SINK.CNF")} == {"SINK"}
    assert all(e.values == {"OUT_1": "hot", "OUT_2": 3 * NS_PER_MS} for e in trace.of("SINK.CNF"))
    for res in (a, b, c):
        res.kill()
    assert "plant/line1" not in LOCAL_GROUPS.groups


async def test_a_loc_member_of_other_types_is_refused() -> None:
    a, b = Resource("A"), Resource("B")
    trace = Trace(a, b)
    subscriber(b, 1, ["INT"], "loc[typed]")
    b.start()
    b.fire("SUB.INIT")
    publisher(a, ["STRING"], ["x"], "loc[typed]")
    a.start()
    a.fire("PUB.INIT")
    await a.settle()
    assert trace.of("PUB.INITO")[-1].values == {"QO": False, "STATUS": "INVALID_ID"}
    assert "value 1 of group 'typed' is INT, not STRING" in a.network.instances["PUB"].comm_error  # type: ignore[attr-defined]


async def test_raw_sends_the_string_bytes_alone(udp_peer: socket.socket) -> None:
    receiving, sending = Resource("RECV"), Resource("SEND")
    trace = Trace(receiving)
    subscriber(receiving, 1, ["STRING"], "raw[].ip[127.0.0.1:0]")
    receiving.start()
    receiving.fire("SUB.INIT")
    await trace.next("SUB.INITO")
    sending.add(
        "PUB",
        LIB["PUBLISH_1"],
        QI=True,
        ID=f"raw[].ip[127.0.0.1:{udp_peer.getsockname()[1]}]",
        SD_1="'{\"t\": 1}'",
    )
    sending.start()
    sending.fire("PUB.INIT")
    sending.fire("PUB.REQ")
    await sending.settle()
    assert udp_peer.recv(100) == b'{"t": 1}'
    udp_peer.sendto(b"plain text", ("127.0.0.1", bound_port(receiving, "SUB")))
    assert (await trace.next("SINK.CNF")).values == {"OUT_1": "plain text"}


async def test_raw_refuses_pins_that_are_not_one_string() -> None:
    res = Resource("RECV")
    trace = Trace(res)
    subscriber(res, 1, ["INT"], "raw[].ip[127.0.0.1:0]")
    res.start()
    res.fire("SUB.INIT")
    await res.settle()
    assert trace.of("SUB.INITO")[-1].values == {"QO": False, "STATUS": "TERMINATED"}


async def test_publish_0_sends_the_null_byte_and_subscribe_0_indicates_it(
    udp_peer: socket.socket,
) -> None:
    receiving, sending = Resource("RECV"), Resource("SEND")
    trace = Trace(receiving)
    receiving.add("SUB", LIB["SUBSCRIBE_0"], QI=True, ID="127.0.0.1:0")
    receiving.start()
    receiving.fire("SUB.INIT")
    await trace.next("SUB.INITO")
    sending.add("PUB", LIB["PUBLISH_0"], QI=True, ID=f"127.0.0.1:{udp_peer.getsockname()[1]}")
    sending.start()
    sending.fire("PUB.INIT")
    sending.fire("PUB.REQ")
    await sending.settle()
    assert udp_peer.recv(10) == b"\x05"
    udp_peer.sendto(b"\x05", ("127.0.0.1", bound_port(receiving, "SUB")))
    assert (await trace.next("SUB.IND")).values == {"QO": True, "STATUS": "OK"}


@pytest.mark.parametrize(
    ("qi", "sent"), [(True, []), (False, [{"QO": False, "STATUS": "INHIBITED"}])]
)
async def test_subscribe_rsp_does_nothing_unless_inhibited(
    qi: bool, sent: list[dict[str, Any]]
) -> None:
    res = Resource("RECV")
    trace = Trace(res)
    res.add("SUB", LIB["SUBSCRIBE_1"], QI=True, ID="127.0.0.1:0")
    res.start()
    res.fire("SUB.INIT")
    await res.settle()
    res.write("SUB.QI", qi)
    res.fire("SUB.RSP")
    await res.settle()
    assert [e.values for e in trace.of("SUB.IND")] == [{**v, "RD_1": None} for v in sent]


async def test_a_gateway_relays_values_in_the_type_they_arrived_in(udp_peer: socket.socket) -> None:
    res = Resource("GATEWAY")
    trace = Trace(res)
    res.add("SUB", LIB["SUBSCRIBE_2"], QI=True, ID="127.0.0.1:0")
    res.add("PUB", LIB["PUBLISH_2"], QI=True, ID=f"127.0.0.1:{udp_peer.getsockname()[1]}")
    res.connect("SUB.IND", "PUB.REQ")
    res.connect("SUB.RD_1", "PUB.SD_1")
    res.connect("SUB.RD_2", "PUB.SD_2")
    res.start()
    res.fire("SUB.INIT")
    res.fire("PUB.INIT")
    await res.settle()
    wire = bytes.fromhex("43 0005 76 0002 46 07 08")  # an INT and an ARRAY [0..1] OF USINT
    udp_peer.sendto(wire, ("127.0.0.1", bound_port(res, "SUB")))
    await trace.next("PUB.CNF")
    assert udp_peer.recv(100) == wire
