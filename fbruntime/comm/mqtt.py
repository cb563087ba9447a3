"""The ``mqtt`` layer: PUBLISH/SUBSCRIBE through an MQTT broker, FORTE's ``mqtt_paho``.

As FORTE's ``MQTTHandler``, a process keeps one broker connection per broker address, shared by
every block that names it; all of them must use the same client ID (a second ID for the same
broker is refused, INVALID_ID). Messages are QoS 0 and not retained; the payload is what the
layer above makes of the SDs (FBDK ASN.1, or one STRING's bytes for ``raw[]``). A SUBSCRIBE's
topic is subscribed when the connection is up and again after every reconnection.

The connection is kept by a task on the event loop (aiomqtt, over paho-mqtt): when the broker goes
away it is retried, from 50 ms doubling to 2 s, for as long as a block uses it, and the
subscriptions are made again. An INIT answers OK at once, as FORTE's (the connection is made in
the background). A REQ before the first connection attempt has ended is held and sent once
connected (FORTE fails it); a REQ while the broker is unreachable answers SEND_FAILED, as FORTE's.

Where fbrt differs from FORTE: received payloads are not cut at 255 bytes; a subscription topic
may hold the wildcards ``+`` and ``#`` and receives what they match (FORTE subscribes but compares
topics literally, so a wildcard never delivers); a wrong broker URL is INVALID_ID at INIT.

aiomqtt is imported when the first broker is connected, so the base install runs without it;
without it an INIT answers INVALID_ID and ``comm_error`` names the extra to install.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fbruntime.comm.ids import CommIdError, MqttAddress

if TYPE_CHECKING:
    import aiomqtt

__all__ = [
    "MISSING_EXTRA",
    "MQTT_BROKERS",
    "MqttBroker",
    "MqttBrokers",
    "MqttLink",
    "broker_credentials",
]

log = logging.getLogger(__name__)

MISSING_EXTRA = "MQTT needs the 'mqtt' extra: pip install 'fbrt[mqtt]' (aiomqtt)"
RETRY_FIRST = 0.05
RETRY_MAX = 2.0
KEEPALIVE = 20  # seconds, as FORTE's smKeepAliveInterval
HELD_MAX = 1000  # REQs held while the first connection is being made
CONNECT_TIMEOUT = 5.0

Deliver = Callable[[bytes], None]


def _aiomqtt() -> Any:
    try:
        import aiomqtt
    except ImportError:
        raise CommIdError(MISSING_EXTRA) from None
    return aiomqtt


def broker_credentials(broker: str, path: str | None = None) -> tuple[str | None, str | None]:
    """User name and password for *broker* from FORTE's MQTT client configuration file.

    FORTE reads it from ``-mc FILE``; fbrt from ``FBRT_MQTT_CONFIG``. Lines are ``key=value``:
    an ``endpoint=<broker URL>`` line starts the broker's block, ``username=`` and ``password=``
    lines follow it. No file, or no block for the broker: no credentials.
    """
    path = path if path is not None else os.environ.get("FBRT_MQTT_CONFIG")
    if not path:
        return None, None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommIdError(f"FBRT_MQTT_CONFIG {path!r}: {exc.strerror or exc}") from None
    found = False
    user = password = None
    wanted = {broker.lower(), broker.lower().replace("tcp://", "mqtt://")}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        key, eq, value = line.partition("=")
        if not eq:
            raise CommIdError(f"{path}:{number}: expected key=value, found {line!r}")
        key, value = key.strip(), value.strip()
        if key == "endpoint":
            if found:
                break
            found = value.lower().rstrip("/") in wanted
        elif found and key == "username":
            user = value
        elif found and key == "password":
            password = value
    return user, password


class MqttLink:
    """One block's use of a broker: a topic, and for a SUBSCRIBE where messages go."""

    def __init__(self, broker: MqttBroker, topic: str, deliver: Deliver | None) -> None:
        self.broker: MqttBroker | None = broker
        self.topic = topic
        self.deliver = deliver

    def publish(self, payload: bytes) -> bool:
        """Hand one message to the broker connection; False: it cannot be sent (SEND_FAILED)."""
        broker = self.broker
        return broker is not None and broker.publish(self.topic, payload)

    def close(self) -> None:
        broker, self.broker = self.broker, None
        if broker is not None:
            broker.leave(self)


class MqttBroker:
    """The connection to one broker, shared by every link that names it."""

    def __init__(self, brokers: MqttBrokers, address: MqttAddress) -> None:
        self.brokers = brokers
        self.address = address
        self.links: list[MqttLink] = []
        self.connected = asyncio.Event()
        self.tried = False
        """Whether a connection attempt has ended (REQs are held only before that)."""
        self.connections = 0
        self.last_error = ""
        self._client: aiomqtt.Client | None = None
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self._stopping = asyncio.Event()
        self._aiomqtt = _aiomqtt()
        self._credentials = broker_credentials(address.broker)
        self.loop = loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._run(), name=f"mqtt {address.broker}")
        self._sender = loop.create_task(self._send_loop(), name=f"mqtt send {address.broker}")

    # -- links ------------------------------------------------------------------------------

    def join(self, link: MqttLink) -> None:
        self.links.append(link)
        client = self._client
        if link.deliver is not None and client is not None:
            self._spawn(self._subscribe(client, link.topic))

    def leave(self, link: MqttLink) -> None:
        if link in self.links:
            self.links.remove(link)
        client = self._client
        if (
            link.deliver is not None
            and client is not None
            and not any(other.deliver and other.topic == link.topic for other in self.links)
        ):
            self._spawn(self._unsubscribe(client, link.topic))
        if not self.links:
            self.close()

    def publish(self, topic: str, payload: bytes) -> bool:
        if not self.connected.is_set() and (self.tried or self._outbox.qsize() >= HELD_MAX):
            return False
        self._outbox.put_nowait((topic, payload))
        return True

    def close(self) -> None:
        self.brokers.forget(self)
        self._stopping.set()
        self._sender.cancel()

    @property
    def alive(self) -> bool:
        """Still served by its tasks on the running loop (a closed loop leaves a dead one)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return False
        return self.loop is running and not self._stopping.is_set()

    async def wait_closed(self) -> None:
        await asyncio.gather(self._task, self._sender, return_exceptions=True)
        # aiomqtt cancels its housekeeping task with call_soon: let that run to its end too.
        for _ in range(3):
            await asyncio.sleep(0)

    # -- the connection task ------------------------------------------------------------------

    async def _run(self) -> None:
        aiomqtt = self._aiomqtt
        address = self.address
        user, password = self._credentials
        delay = RETRY_FIRST
        while not self._stopping.is_set():
            try:
                # Never cancelled half way: a connect cancelled in aiomqtt's executor thread
                # would leave its socket behind. close() sets _stopping and the loop ends here.
                async with aiomqtt.Client(
                    address.host,
                    address.port,
                    identifier=address.client_id,
                    username=user,
                    password=password,
                    keepalive=KEEPALIVE,
                    clean_session=True,
                    timeout=CONNECT_TIMEOUT,
                ) as client:
                    for topic in dict.fromkeys(lk.topic for lk in self.links if lk.deliver):
                        await client.subscribe(topic, qos=0)
                    self._client = client
                    self.connections += 1
                    self.tried = True
                    self.connected.set()
                    delay = RETRY_FIRST
                    log.info("MQTT: connected to %s", address.broker)
                    await self._serve(client)
            except aiomqtt.MqttError as exc:
                if self.last_error != str(exc):
                    log.warning("MQTT: broker %s: %s", address.broker, exc)
                self.last_error = str(exc)
            finally:
                self._client = None
                self.connected.clear()
            self.tried = True
            self._drop_held()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            delay = min(delay * 2, RETRY_MAX)

    async def _serve(self, client: aiomqtt.Client) -> None:
        """Deliver messages until the connection fails (MqttError) or the broker is closed."""
        reader = asyncio.ensure_future(self._read(client))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait((reader, stopping), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, stopping):
                task.cancel()
            await asyncio.gather(reader, stopping, return_exceptions=True)
        error = reader.exception() if reader.done() and not reader.cancelled() else None
        if error is not None:
            raise error

    async def _read(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            self._dispatch(message)

    def _dispatch(self, message: aiomqtt.Message) -> None:
        payload = message.payload
        data = payload if isinstance(payload, bytes) else str(payload or "").encode()
        for link in list(self.links):
            if link.deliver is not None and message.topic.matches(link.topic):
                link.deliver(data)

    async def _send_loop(self) -> None:
        aiomqtt = self._aiomqtt
        while True:
            topic, payload = await self._outbox.get()
            await self.connected.wait()
            client = self._client
            if client is None:
                continue
            try:
                await client.publish(topic, payload, qos=0, retain=False)
            except aiomqtt.MqttError as exc:
                log.warning("MQTT: publish to %s on %s failed: %s", topic, self.address.broker, exc)

    def _drop_held(self) -> None:
        """Messages held for the first connection are not kept once it has failed."""
        while not self._outbox.empty():
            self._outbox.get_nowait()

    async def _subscribe(self, client: aiomqtt.Client, topic: str) -> None:
        with contextlib.suppress(self._aiomqtt.MqttError):
            await client.subscribe(topic, qos=0)

    async def _unsubscribe(self, client: aiomqtt.Client, topic: str) -> None:
        with contextlib.suppress(self._aiomqtt.MqttError):
            await client.unsubscribe(topic)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.brokers.tasks.add(task)
        task.add_done_callback(self.brokers.tasks.discard)


class MqttBrokers:
    """Every broker connection of the process, by broker address (FORTE's ``MQTTHandler``)."""

    def __init__(self) -> None:
        self.brokers: dict[tuple[str, int], MqttBroker] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def link(self, address: MqttAddress, deliver: Deliver | None = None) -> MqttLink:
        """Use *address*'s broker (connecting it if needed); CommIdError if refused."""
        key = (address.host.lower(), address.port)
        broker = self.brokers.get(key)
        if broker is not None and not broker.alive:
            self.forget(broker)
            broker = None
        if broker is not None and broker.address.client_id != address.client_id:
            raise CommIdError(
                f"broker {address.broker} is used with client ID "
                f"{broker.address.client_id!r} in this process; {address.client_id!r} would "
                "be a second connection (FORTE allows one client ID per broker)"
            )
        if broker is None:
            broker = self.brokers[key] = MqttBroker(self, address)
        link = MqttLink(broker, address.topic, deliver)
        broker.join(link)
        return link

    def forget(self, broker: MqttBroker) -> None:
        key = (broker.address.host.lower(), broker.address.port)
        if self.brokers.get(key) is broker:
            del self.brokers[key]

    def find(self, address: MqttAddress) -> MqttBroker | None:
        return self.brokers.get((address.host.lower(), address.port))

    async def aclose(self) -> None:
        """Close every connection and wait until its tasks have ended (tests, shutdown)."""
        brokers = list(self.brokers.values())
        for broker in brokers:
            broker.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(
            *(b.wait_closed() for b in brokers), *self.tasks, return_exceptions=True
        )


MQTT_BROKERS = MqttBrokers()
