#!/usr/bin/env python3
"""Deploying like FORTE: the ring benchmark run from its boot file and deployed over TCP, and the
time a 25-request deployment takes over the management protocol.

* ring (boot file): ``ring_boot_file(N, 8)`` executed by ``target_from_boot_file``;
* ring (TCP): the same commands sent by ``ManagementClient`` to ``fbrt device``'s server;
  both rates are N * (K + 2) block executions over the E_STOPWATCH TD, as FORTE's figure;
* deployment (TCP): the IDE's order (QUERY, CREATE resource, FBs, WRITEs, connections, START),
  25 requests on one open connection to a fresh device, median of several runs.

Prints ``name: value unit (target ...)`` lines. Run: ``python bench/deploy_bench.py [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fbruntime.mgmt import (  # noqa: E402
    DeviceTarget,
    ManagementClient,
    native_resolver,
    new_target,
    ring_boot_file,
    ring_commands,
    serve,
    target_from_boot_file,
)
from fbruntime.mgmt.commands import Command, QueryFB, Start  # noqa: E402
from fbruntime.mgmt.resolver import LibraryResolver  # noqa: E402

K = 8
TARGET_RATE = 3_000_000
TARGET_DEPLOY_MS = 10.0


async def _finished(target: DeviceTarget, n: int, k: int) -> float:
    """Wait for STEST_END, then the rate measured by the stopwatch."""
    done = asyncio.Event()
    device = target.device
    device.on_exit.append(lambda code: done.set())
    if device.exit_code is None:
        await asyncio.wait_for(done.wait(), 600)
    td_ns = device.resources["RES"].network.instances["SW"].TD
    device.kill()
    return n * (k + 2) / (td_ns / 1e9)


async def ring_from_boot_file(n: int, k: int, resolver: LibraryResolver) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ring.fboot"
        path.write_text(ring_boot_file(n, k))
        target = await target_from_boot_file(path, resolver=resolver)
        return await _finished(target, n, k)


async def ring_over_tcp(n: int, k: int, resolver: LibraryResolver) -> float:
    target = new_target(resolver=resolver)
    server = await serve(target, port=0)
    try:
        async with ManagementClient("127.0.0.1", server.port) as client:
            for dst, command in ring_commands(n, k):
                reply = await client.send(dst, command)
                if "Reason=" in reply:
                    raise RuntimeError(f"{command!r} on {dst!r} refused: {reply}")
        return await _finished(target, n, k)
    finally:
        await server.close()


def deployment_25() -> list[tuple[str, Command]]:
    """The IDE's order, 25 requests: QUERY, a one-round K=2 ring (23 without START), START.

    One round, so that the application finishes at once and the timing is the protocol's alone.
    """
    ring = [(dst, c) for dst, c in ring_commands(1, 2) if not isinstance(c, Start)]
    commands: list[tuple[str, Command]] = [("", QueryFB()), *ring, ("RES", Start())]
    assert len(commands) == 25, len(commands)
    return commands


async def deploy_time_ms(resolver: LibraryResolver) -> float:
    target = new_target(resolver=resolver)
    server = await serve(target, port=0)
    try:
        async with ManagementClient("127.0.0.1", server.port) as client:
            start = time.perf_counter()
            for dst, command in deployment_25():
                await client.send(dst, command)
            elapsed = time.perf_counter() - start
    finally:
        await server.close()
        target.device.kill()
    return elapsed * 1000


async def main_async(quick: bool) -> None:
    resolver = native_resolver()  # the library is loaded once, for every run
    n = 200_000 if quick else 2_000_000
    repeats = 2 if quick else 3
    gc.disable()
    with contextlib.redirect_stdout(io.StringIO()):  # the ring's OUT_ANY_CONSOLE line
        boot = max([await ring_from_boot_file(n, K, resolver) for _ in range(repeats)])
        tcp = max([await ring_over_tcp(n, K, resolver) for _ in range(repeats)])
        times = [await deploy_time_ms(resolver) for _ in range(10 if quick else 30)]
    gc.enable()
    target = f"target >= {TARGET_RATE / 1e6:.0f} M/s"
    print(f"ring K={K} from boot file: {boot / 1e6:.2f} M block executions/s ({target})")
    print(f"ring K={K} deployed over TCP: {tcp / 1e6:.2f} M block executions/s ({target})")
    print(
        f"25-request deployment over TCP: {statistics.median(times):.2f} ms median, "
        f"{min(times):.2f} ms best (target < {TARGET_DEPLOY_MS:.0f} ms; FORTE 1 ms, DINASORE 700 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (a few seconds)")
    args = parser.parse_args()
    asyncio.run(main_async(args.quick))


if __name__ == "__main__":
    main()
