"""Communication IDs: FORTE's layer syntax, the fbdk[].ip[] default and clear errors."""

from __future__ import annotations

import pytest

from fbruntime.comm.ids import CommIdError, IpAddress, Layer, MqttAddress, parse_id, parse_layers


@pytest.mark.parametrize(
    ("text", "encoding", "address"),
    [
        ("225.0.0.1:61000", "fbdk", IpAddress("225.0.0.1", 61000)),
        (" 127.0.0.1:0 ", "fbdk", IpAddress("127.0.0.1", 0)),
        ("fbdk[].ip[localhost:61499]", "fbdk", IpAddress("localhost", 61499)),
        ("raw[].ip[10.0.0.2:5000]", "raw", IpAddress("10.0.0.2", 5000)),
        ("239.192.0.2:61499@192.168.1.5", "fbdk", IpAddress("239.192.0.2", 61499, "192.168.1.5")),
    ],
)
def test_ip_ids_name_encoding_and_address(text: str, encoding: str, address: IpAddress) -> None:
    parsed = parse_id(text)
    assert (parsed.encoding, parsed.address) == (encoding, address)


@pytest.mark.parametrize(
    ("text", "encoding", "address"),
    [
        (
            "raw[].mqtt[tcp://localhost:1883, fbrt1, plant/line1]",
            "raw",
            MqttAddress("tcp://localhost:1883", "localhost", 1883, "fbrt1", "plant/line1"),
        ),
        (
            "fbdk[].mqtt[ mqtt://10.0.0.2 ,id ,  a/+/b ]",
            "fbdk",
            MqttAddress("mqtt://10.0.0.2:1883", "10.0.0.2", 1883, "id", "a/+/b"),
        ),
    ],
)
def test_mqtt_ids_name_broker_client_and_topic_trimmed_as_forte(
    text: str, encoding: str, address: MqttAddress
) -> None:
    parsed = parse_id(text)
    assert (parsed.encoding, parsed.mqtt, parsed.address) == (encoding, address, None)


def test_multicast_addresses_are_recognised() -> None:
    assert IpAddress("225.0.0.1", 1).is_multicast
    assert not IpAddress("127.0.0.1", 1).is_multicast
    assert not IpAddress("localhost", 1).is_multicast


def test_a_local_group_is_named_by_loc() -> None:
    parsed = parse_id("loc[line/temperature]")
    assert (parsed.encoding, parsed.group, parsed.address) == ("local", "line/temperature", None)


def test_layer_parameters_may_hold_nested_brackets() -> None:
    assert parse_layers("a[x[1]].b[]") == [Layer("a", "x[1]"), Layer("b", "")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the ID is empty"),
        ("localhost", r"ip\[localhost\] must be host:port"),
        ("127.0.0.1:http", "port 'http' is not a number"),
        ("127.0.0.1:70000", "port '70000' is not a number from 0 to 65535"),
        ("fbdk[].ip[127.0.0.1:1", "is never closed"),
        ("fbdk[]ip[127.0.0.1:1]", "expected '.' between layers"),
        ("mqtt[tcp://broker:1883, id, topic]", r"mqtt\[\] needs an encoding layer on top"),
        ("fbdk[].mqtt[x]", "3 parameters, found 1"),
        ("raw[].mqtt[ws://h:80, id, t]", r"tcp:// \(or mqtt://\) brokers only"),
        ("raw[].mqtt[tcp://h:80, , t]", "the client ID .* is empty"),
        ("fbdk[].opc_ua[READ;x]", "layer 'opc_ua' is not available in fbrt"),
        ("ip[127.0.0.1:1]", "the layers ip do not form a stack"),
        ("loc[]", "loc.. needs a group name"),
        ("[x]", "a layer name is missing"),
        ("fbdk[].", "ends with '.'"),
    ],
)
def test_bad_ids_are_refused_naming_the_id(text: str, message: str) -> None:
    with pytest.raises(CommIdError, match=message) as info:
        parse_id(text)
    if text:
        assert repr(text) in str(info.value)
