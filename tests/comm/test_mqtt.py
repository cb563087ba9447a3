"""PUBLISH_n/SUBSCRIBE_n over ``fbdk[].mqtt[...]`` and ``raw[].mqtt[...]`` on a real mosquitto.

The broker is Debian's mosquitto, started once for the module on a free port with a generated
configuration (skipped, saying why, only where mosquitto is not installed). A plain aiomqtt
client stands for FORTE or any other MQTT peer.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from fbruntime.comm.mqtt import MISSING_EXTRA, MQTT_BROKERS, MqttBroker
from fbruntime.core import Resource
from fbruntime.iec import to_real32

from .mosquitto import Mosquitto, mosquitto_binary
from .rig import LIB, PATIENCE, Trace, sink, source

_topics = itertools.count()


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    binary = mosquitto_binary()
    if binary is None:
        pytest.skip("mosquitto is not installed (Debian package 'mosquitto'; .ci/run installs it)")
    server = Mosquitto(tmp_path_factory.mktemp("mosquitto"), binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
async def _close_brokers() -> AsyncIterator[None]:
    yield
    await MQTT_BROKERS.aclose()


def topic() -> str:
    return f"fbrt/test/{next(_topics)}"


def mqtt_id(broker: Mosquitto, topic: str, client: str = "fbrt", top: str = "fbdk") -> str:
    return f"{top}[].mqtt[{broker.url}, {client}, {topic}]"


async def subscribed(broker: Mosquitto) -> MqttBroker:
    """fbrt's connection to *broker*, once it is up and has made its subscriptions."""

    async def wait() -> MqttBroker:
        while True:
            for found in MQTT_BROKERS.brokers.values():
                if found.address.port == broker.port:
                    await found.connected.wait()
                    return found
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(wait(), PATIENCE)


async def test_publish_3_reaches_subscribe_3_through_the_broker(broker: Mosquitto) -> None:
    where = topic()
    types = ["INT", "STRING", "REAL"]
    values: list[Any] = [-42, "über MQTT", to_real32(1.5)]
    receiving, sending = Resource("RECV"), Resource("SEND")
    trace = Trace(receiving, sending)
    receiving.add("SUB", LIB["SUBSCRIBE_3"], QI=True, ID=mqtt_id(broker, where))
    receiving.add("SINK", sink(types))
    receiving.connect("SUB.IND", "SINK.REQ")
    sending.add("SRC", source(types, values))
    sending.add("PUB", LIB["PUBLISH_3"], QI=True, ID=mqtt_id(broker, where))
    sending.connect("SRC.CNF", "PUB.REQ")
    for i in (1, 2, 3):
        receiving.connect(f"SUB.RD_{i}", f"SINK.IN_{i}")
        sending.connect(f"SRC.OUT_{i}", f"PUB.SD_{i}")
    for res, block in ((receiving, "SUB"), (sending, "PUB")):
        res.start()
        res.fire(f"{block}.INIT")
        # As FORTE's, INIT answers at once; the connection is made in the background.
        assert (await trace.next(f"{block}.INITO")).values == {"QO": True, "STATUS": "OK"}
    await subscribed(broker)
    sending.fire("SRC.REQ")
    assert (await trace.next("PUB.CNF")).values == {"QO": True, "STATUS": "OK"}
    ind = await trace.next("SUB.IND")
    assert ind.values == {"QO": True, "STATUS": "OK", "RD_1": -42, "RD_2": "über MQTT", "RD_3": 1.5}
    assert (await trace.next("SINK.CNF")).values == dict(
        zip(["OUT_1", "OUT_2", "OUT_3"], values, strict=True)
    )


async def test_payloads_are_forte_s_encodings_and_foreign_messages_arrive(
    broker: Mosquitto,
) -> None:
    fbdk_topic, raw_topic, inbound = topic(), topic(), topic()
    res = Resource("RES")
    trace = Trace(res)
    res.add("SRC", source(["INT", "BOOL"], [7, True]))
    res.add("PUB", LIB["PUBLISH_2"], QI=True, ID=mqtt_id(broker, fbdk_topic))
    res.connect("SRC.CNF", "PUB.REQ")
    res.connect("SRC.OUT_1", "PUB.SD_1")
    res.connect("SRC.OUT_2", "PUB.SD_2")
    res.add("TEXT", source(["STRING"], ["plain text"]))
    res.add("RAWPUB", LIB["PUBLISH_1"], QI=True, ID=mqtt_id(broker, raw_topic, top="raw"))
    res.connect("TEXT.CNF", "RAWPUB.REQ")
    res.connect("TEXT.OUT_1", "RAWPUB.SD_1")
    res.add("RAWSUB", LIB["SUBSCRIBE_1"], QI=True, ID=mqtt_id(broker, inbound, top="raw"))
    res.start()
    for block in ("PUB", "RAWPUB", "RAWSUB"):
        res.fire(f"{block}.INIT")
    await trace.until(lambda: len(trace.of("RAWSUB.INITO")) == 1)
    await subscribed(broker)
    async with aiomqtt.Client("127.0.0.1", broker.port, identifier="peer") as peer:
        await peer.subscribe(fbdk_topic)
        await peer.subscribe(raw_topic)
        res.fire("SRC.REQ")
        res.fire("TEXT.REQ")
        payloads: dict[str, bytes] = {}
        async with asyncio.timeout(PATIENCE):
            async for message in peer.messages:
                assert isinstance(message.payload, bytes)
                payloads[str(message.topic)] = message.payload
                if len(payloads) == 2:
                    break
        assert payloads[fbdk_topic] == b"\x43\x00\x07\x41"  # INT 7, BOOL TRUE (FBDK ASN.1)
        assert payloads[raw_topic] == b"plain text"
        await peer.publish(inbound, b"from a peer")
    ind = await trace.next("RAWSUB.IND")
    assert ind.values == {"QO": True, "STATUS": "OK", "RD_1": "from a peer"}


async def test_publishing_resumes_after_the_broker_restarts(broker: Mosquitto) -> None:
    where = topic()
    res = Resource("RES")
    trace = Trace(res)
    res.add("SRC", source(["DINT"], [5]))
    res.add("PUB", LIB["PUBLISH_1"], QI=True, ID=mqtt_id(broker, where))
    res.add("SUB", LIB["SUBSCRIBE_1"], QI=True, ID=mqtt_id(broker, where))
    res.add("SINK", sink(["DINT"]))
    res.connect("SRC.CNF", "PUB.REQ")
    res.connect("SRC.OUT_1", "PUB.SD_1")
    res.connect("SUB.IND", "SINK.REQ")
    res.connect("SUB.RD_1", "SINK.IN_1")
    res.start()
    res.fire("PUB.INIT")
    res.fire("SUB.INIT")
    connection = await subscribed(broker)

    await asyncio.to_thread(broker.stop)
    await asyncio.wait_for(_until(lambda: not connection.connected.is_set()), PATIENCE)
    res.fire("SRC.REQ")  # the broker is gone: FORTE's SEND_FAILED, the stack stays open
    assert (await trace.next("PUB.CNF")).values == {"QO": False, "STATUS": "SEND_FAILED"}

    await asyncio.to_thread(broker.start)
    await asyncio.wait_for(connection.connected.wait(), PATIENCE)
    assert connection.connections == 2
    res.fire("SRC.REQ")
    assert (await trace.next("PUB.CNF", 2)).values == {"QO": True, "STATUS": "OK"}
    # subscribed again after the reconnection
    assert (await trace.next("SINK.CNF")).values == {"OUT_1": 5}


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.01)


@pytest.mark.parametrize(
    ("block", "id_", "status", "error"),
    [
        ("SUBSCRIBE_1", "fbdk[].mqtt[tcp://127.0.0.1:1, id]", "INVALID_ID", "3 parameters"),
        ("PUBLISH_1", "mqtt[tcp://127.0.0.1:1, id, t]", "INVALID_ID", "needs an encoding layer"),
        ("PUBLISH_1", "fbdk[].mqtt[ssl://h:8883, id, t]", "INVALID_ID", "tcp:// (or mqtt://)"),
        ("CLIENT_1_1", "fbdk[].mqtt[tcp://127.0.0.1:1, id, t]", "TERMINATED", "PUBLISH/SUBSCRIBE"),
    ],
)
async def test_bad_ids_answer_as_forte_with_the_reason_kept(
    block: str, id_: str, status: str, error: str
) -> None:
    res = Resource("RES")
    trace = Trace(res)
    res.add("C", LIB[block], QI=True, ID=id_)
    res.start()
    res.fire("C.INIT")
    assert (await trace.next("C.INITO")).values == {"QO": False, "STATUS": status}
    assert error in res.network.instances["C"].comm_error


async def test_a_second_client_id_for_one_broker_is_refused(broker: Mosquitto) -> None:
    res = Resource("RES")
    trace = Trace(res)
    res.add("A", LIB["PUBLISH_1"], QI=True, ID=mqtt_id(broker, topic(), client="one"))
    res.add("B", LIB["PUBLISH_1"], QI=True, ID=mqtt_id(broker, topic(), client="two"))
    res.start()
    res.fire("A.INIT")
    res.fire("B.INIT")
    assert (await trace.next("A.INITO")).values == {"QO": True, "STATUS": "OK"}
    assert (await trace.next("B.INITO")).values == {"QO": False, "STATUS": "INVALID_ID"}
    assert "client ID 'one'" in res.network.instances["B"].comm_error


async def test_without_aiomqtt_init_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "aiomqtt", None)  # import fails as if not installed
    res = Resource("RES")
    trace = Trace(res)
    res.add("P", LIB["PUBLISH_1"], QI=True, ID="fbdk[].mqtt[tcp://127.0.0.1:1, id, t]")
    res.start()
    res.fire("P.INIT")
    assert (await trace.next("P.INITO")).values == {"QO": False, "STATUS": "INVALID_ID"}
    assert MISSING_EXTRA in res.network.instances["P"].comm_error


def test_forte_s_client_configuration_file_gives_credentials(tmp_path: Path) -> None:
    from fbruntime.comm.mqtt import broker_credentials

    config = tmp_path / "mqtt.conf"
    config.write_text(
        "endpoint=tcp://other:1883\nusername=nobody\n\n"
        "endpoint=tcp://127.0.0.1:1883\nusername=fbrt\npassword=secret\n"
    )
    assert broker_credentials("tcp://127.0.0.1:1883", str(config)) == ("fbrt", "secret")
    assert broker_credentials("tcp://elsewhere:1883", str(config)) == (None, None)
