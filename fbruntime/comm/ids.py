"""Communication IDs: the ``ID`` input of PUBLISH/SUBSCRIBE/CLIENT/SERVER, parsed into a stack.

FORTE's syntax (``basecommfb.cpp``): ``layer[params].layer[params]...``, top layer first; brackets
may nest inside the parameters. An ID without any ``]`` means ``fbdk[].ip[<ID>]``, so a bare
``225.0.0.1:61000`` is the usual FBDK-over-IP address. fbrt knows these stacks:

* ``fbdk[].ip[host:port]`` (``@interface`` may follow the port): values FBDK ASN.1 encoded
  over UDP (PUBLISH/SUBSCRIBE, multicast when the host is a multicast address) or TCP
  (CLIENT/SERVER);
* ``raw[].ip[host:port]``: one STRING whose bytes are the whole payload;
* ``loc[name]``: an in-process group; values are handed over without encoding;
* ``fbdk[].mqtt[broker, client ID, topic]`` and ``raw[].mqtt[...]`` (FORTE's ``mqtt_paho``
  layer, PUBLISH/SUBSCRIBE only): the FBDK encoding, or one STRING's bytes, as the payload of
  MQTT messages on ``topic`` (QoS 0, not retained) at the broker ``tcp://host:port``.

:func:`parse_id` raises :class:`CommIdError` with a message that quotes the ID and says what is
wrong with it; the blocks report it as FORTE's ``INVALID_ID``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CommId",
    "CommIdError",
    "IpAddress",
    "Layer",
    "MqttAddress",
    "parse_id",
    "parse_layers",
]

Encoding = Literal["fbdk", "raw", "local"]

SUPPORTED = (
    "fbdk[].ip[host:port], raw[].ip[host:port], loc[name] or "
    "fbdk[].mqtt[tcp://host:port, client ID, topic] (raw[] alike)"
)
MQTT_SCHEMES = {"tcp": 1883, "mqtt": 1883}
"""Broker URL schemes fbrt connects to, with their default ports (paho's ``tcp://``)."""


class CommIdError(ValueError):
    """An ID that names no communication stack fbrt can build."""


@dataclass(frozen=True)
class Layer:
    name: str
    params: str


@dataclass(frozen=True)
class IpAddress:
    host: str
    port: int
    interface: str | None = None

    @property
    def is_multicast(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_multicast
        except ValueError:
            return False

    def __str__(self) -> str:
        tail = f"@{self.interface}" if self.interface else ""
        return f"{self.host}:{self.port}{tail}"


@dataclass(frozen=True)
class MqttAddress:
    """``mqtt[broker, client ID, topic]``: where the broker is, who we are, what we use."""

    broker: str
    host: str
    port: int
    client_id: str
    topic: str


@dataclass(frozen=True)
class CommId:
    """A parsed ID: the encoding and an IP address, a local group name or an MQTT address."""

    text: str
    encoding: Encoding
    address: IpAddress | None = None
    group: str = ""
    mqtt: MqttAddress | None = None


def parse_layers(text: str) -> list[Layer]:
    """Split an ID into its layers (FORTE's ``extractLayerIdAndParams``)."""
    layers: list[Layer] = []
    pos = 0
    while pos < len(text):
        open_at = text.find("[", pos)
        if open_at < 0:
            raise CommIdError(f"ID {text!r}: {text[pos:]!r} has no '[...]' parameters")
        name = text[pos:open_at].strip()
        if not name:
            raise CommIdError(f"ID {text!r}: a layer name is missing before '[' at {open_at}")
        depth = 0
        close_at = -1
        for i in range(open_at, len(text)):
            if text[i] == "[":
                depth += 1
            elif text[i] == "]":
                depth -= 1
                if depth == 0:
                    close_at = i
                    break
        if close_at < 0:
            raise CommIdError(f"ID {text!r}: the '[' of layer {name!r} is never closed")
        layers.append(Layer(name, text[open_at + 1 : close_at]))
        pos = close_at + 1
        if pos < len(text):
            if text[pos] != ".":
                raise CommIdError(
                    f"ID {text!r}: expected '.' between layers after {name}[...], "
                    f"found {text[pos]!r}"
                )
            pos += 1
            if pos == len(text):
                raise CommIdError(f"ID {text!r}: ends with '.' but no layer follows")
    return layers


def parse_id(text: str) -> CommId:
    """The stack an ID describes; CommIdError names the ID and the problem."""
    raw_text = text.strip()
    if not raw_text:
        raise CommIdError("the ID is empty: expected host:port or " + SUPPORTED)
    full = raw_text if "]" in raw_text else f"fbdk[].ip[{raw_text}]"
    layers = parse_layers(full)
    names = [layer.name.lower() for layer in layers]
    if names == ["loc"]:
        group = layers[0].params.strip()
        if not group:
            raise CommIdError(f"ID {text!r}: loc[] needs a group name")
        return CommId(text, "local", group=group)
    if len(names) == 2 and names[0] in ("fbdk", "raw") and names[1] == "ip":
        encoding: Encoding = "fbdk" if names[0] == "fbdk" else "raw"
        return CommId(text, encoding, address=_ip_address(text, layers[1].params))
    if len(names) == 2 and names[0] in ("fbdk", "raw") and names[1] == "mqtt":
        encoding = "fbdk" if names[0] == "fbdk" else "raw"
        return CommId(text, encoding, mqtt=_mqtt_address(text, layers[1].params))
    if names and names[-1] == "mqtt":
        raise CommIdError(
            f"ID {text!r}: mqtt[] needs an encoding layer on top: fbdk[].mqtt[...] or raw[].mqtt[...]"
        )
    unknown = [n for n in names if n not in ("fbdk", "raw", "ip", "loc", "mqtt")]
    if unknown:
        why = f"layer {unknown[0]!r} is not available in fbrt"
    else:
        why = f"the layers {'.'.join(names)} do not form a stack"
    raise CommIdError(f"ID {text!r}: {why}; use {SUPPORTED}")


def _ip_address(text: str, params: str) -> IpAddress:
    spec, _, interface = params.partition("@")
    host, colon, port_text = spec.rpartition(":")
    host = host.strip()
    if not colon or not host:
        raise CommIdError(f"ID {text!r}: ip[{params}] must be host:port")
    port_text = port_text.strip()
    if not port_text.isdigit() or int(port_text) > 0xFFFF:
        raise CommIdError(f"ID {text!r}: port {port_text!r} is not a number from 0 to 65535")
    return IpAddress(host, int(port_text), interface.strip() or None)


def _mqtt_address(text: str, params: str) -> MqttAddress:
    """FORTE's three comma-separated parameters, each trimmed (``CParameterParser``)."""
    parts = [part.strip() for part in params.split(",")]
    if len(parts) != 3:
        raise CommIdError(
            f"ID {text!r}: mqtt[{params}] must be mqtt[tcp://host:port, client ID, topic] "
            f"(3 parameters, found {len(parts)})"
        )
    broker, client_id, topic = parts
    scheme, sep, rest = broker.partition("://")
    if not sep:
        scheme, rest = "tcp", broker
    scheme = scheme.lower()
    if scheme not in MQTT_SCHEMES:
        raise CommIdError(
            f"ID {text!r}: broker {broker!r}: fbrt connects to tcp:// (or mqtt://) brokers only"
        )
    host, colon, port_text = rest.rstrip("/").rpartition(":")
    if not colon:
        host, port_text = rest.rstrip("/"), str(MQTT_SCHEMES[scheme])
    host = host.strip("[]")
    if not host:
        raise CommIdError(f"ID {text!r}: broker {broker!r} names no host")
    if not port_text.isdigit() or not 0 < int(port_text) <= 0xFFFF:
        raise CommIdError(f"ID {text!r}: broker {broker!r}: port {port_text!r} is not 1..65535")
    if not client_id:
        raise CommIdError(f"ID {text!r}: the client ID (second parameter of mqtt[]) is empty")
    if not topic:
        raise CommIdError(f"ID {text!r}: the topic (third parameter of mqtt[]) is empty")
    return MqttAddress(
        f"{scheme}://{host}:{int(port_text)}", host, int(port_text), client_id, topic
    )
