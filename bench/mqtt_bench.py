"""Round-trip latency of PUBLISH/SUBSCRIBE through a real mosquitto, beside loc[] and UDP.

One resource plays ping-pong with itself: a PUBLISH_1 sends a counter, the SUBSCRIBE_1 on the
same channel receives it and its IND makes the next REQ, N times. The figure is the wall time
per round trip (publish, broker, delivery, the resource's FIFO), the median of 3 runs, printed
beside the same loop over ``loc[]`` (in-process, no encoding) and over ``fbdk[].ip`` (UDP on
127.0.0.1), with the load average. The broker is started on a free port for the benchmark
(Debian's mosquitto; without it the MQTT line says so). ``--quick`` makes fewer round trips.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fbruntime.blockfiles import load_library  # noqa: E402
from fbruntime.comm.mqtt import MQTT_BROKERS  # noqa: E402
from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput, Resource  # noqa: E402
from fbruntime.eventloop import run_loop  # noqa: E402
from tests.comm.mosquitto import Mosquitto, mosquitto_binary  # noqa: E402

LIB = load_library()


class Pinger(Block):
    """Counts round trips; each received value goes out again plus one, until N."""

    name = "BenchPinger"
    GO = EventInput(with_=("X",))
    NEXT = EventOutput(with_=("Y",))
    X = DataInput("DINT")
    Y = DataOutput("DINT")
    limit: int = 0
    done: Any = None

    def on_GO(self) -> None:
        if self.limit <= self.X:
            self.done.set_result(time.perf_counter())
            return
        self.Y = self.X + 1
        self.NEXT()


async def round_trip_us(channel: str, count: int) -> float:
    res = Resource("BENCH")
    res.add("PUB", LIB["PUBLISH_1"], QI=True, ID=channel)
    res.add("SUB", LIB["SUBSCRIBE_1"], QI=True, ID=channel)
    pinger = res.add("P", Pinger)
    res.connect("SUB.IND", "P.GO")
    res.connect("SUB.RD_1", "P.X")
    res.connect("P.NEXT", "PUB.REQ")
    res.connect("P.Y", "PUB.SD_1")
    pinger.limit = count
    pinger.done = asyncio.get_running_loop().create_future()
    res.start()
    res.fire("SUB.INIT")
    res.fire("PUB.INIT")
    await res.settle()
    broker = next(iter(MQTT_BROKERS.brokers.values()), None)
    if broker is not None:
        await asyncio.wait_for(broker.connected.wait(), 10)
    started = time.perf_counter()
    res.write("P.Y", 0)
    res.fire("PUB.REQ")
    ended = await asyncio.wait_for(pinger.done, 60)
    res.kill()
    await MQTT_BROKERS.aclose()
    return (ended - started) / count * 1e6


def free_udp() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def median_of_3(channel: str, count: int) -> float:
    return statistics.median(run_loop(round_trip_us(channel, count)) for _ in range(3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="300 round trips instead of 3,000")
    args = parser.parse_args()
    count = 300 if args.quick else 3000
    load = os.getloadavg()
    local = median_of_3("loc[bench]", count)
    udp = median_of_3(f"127.0.0.1:{free_udp()}", count)
    print(
        f"round trip, in-process loc[] (mqtt_bench): {local:.0f} us "
        f"(target none, for scale; median of 3, {count} trips)"
    )
    print(f"round trip, FBDK over UDP 127.0.0.1: {udp:.0f} us (target none, for scale)")
    binary = mosquitto_binary()
    if binary is None:
        print("round trip, MQTT: not measured (mosquitto is not installed)")
    else:
        with tempfile.TemporaryDirectory() as folder:
            broker = Mosquitto(Path(folder), binary)
            broker.start()
            try:
                mqtt = median_of_3(f"fbdk[].mqtt[{broker.url}, fbrt-bench, bench/ping]", count)
            finally:
                broker.stop()
        print(f"round trip, FBDK over MQTT (mosquitto on 127.0.0.1): {mqtt:.0f} us, "
              f"{mqtt / local:.0f} x loc[] (target none, for scale)")  # fmt: skip
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
