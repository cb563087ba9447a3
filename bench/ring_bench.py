#!/usr/bin/env python3
"""The ring benchmark (the topology FORTE's and DINASORE's figures were taken on), plus the bare
Python reference loop measured in the same run, and the memory of 100,000 E_SPLIT instances.

START.COLD -> SPL0 (E_SPLIT); SPL0.EO1 -> SW (E_STOPWATCH).START; SPL0.EO2 -> CTR (E_CTUD_UDINT, PV=N).CU
CTR.CO -> S1 .. SK (E_SPLIT, chained on EO1) -> SWI (E_SWITCH).EI; CTR.QU -> SWI.G
SWI.EO0 -> CTR.CU (loop); SWI.EO1 -> SW.STOP; SW.EO -> END (STEST_END)

Block executions timed = N * (K + 2), over the stopwatch's TD (as FORTE's figure is taken).
The reference is a single-thread deque FIFO of (block, event) entries and one plain dispatch
function per event that appends the destinations: the same work with no WITH data, no handlers,
no error capture. Run: ``python bench/ring_bench.py [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fbruntime.blockfiles import load_library  # noqa: E402
from fbruntime.core import Device  # noqa: E402

TARGET_RATE = 3_000_000


def build_ring(device: Device, n: int, k: int) -> None:
    lib = load_library()
    res = device.add_resource("RES")
    res.add("START", lib["E_RESTART"])
    res.add("SPL0", lib["E_SPLIT"])
    res.add("SW", lib["E_STOPWATCH"])
    res.add("CTR", lib["E_CTUD_UDINT"], PV=n)
    res.add("SWI", lib["E_SWITCH"])
    res.add("END", lib["STEST_END"])
    res.connect("START.COLD", "SPL0.EI")
    res.connect("SPL0.EO1", "SW.START")
    res.connect("SPL0.EO2", "CTR.CU")
    prev = "CTR.CO"
    for i in range(1, k + 1):
        res.add(f"S{i}", lib["E_SPLIT"])
        res.connect(prev, f"S{i}.EI")
        prev = f"S{i}.EO1"
    res.connect(prev, "SWI.EI")
    res.connect("CTR.QU", "SWI.G")
    res.connect("SWI.EO0", "CTR.CU")
    res.connect("SWI.EO1", "SW.STOP")
    res.connect("SW.EO", "END.REQ")


async def run_ring(n: int, k: int) -> float:
    device = Device("bench")
    build_ring(device, n, k)
    done = asyncio.Event()
    device.on_exit.append(lambda code: done.set())
    device.start()
    await asyncio.wait_for(done.wait(), 600)
    td_ns = device.resource("RES").read("SW.TD")
    device.kill()
    return n * (k + 2) / (td_ns / 1e9)


def reference(n: int, k: int) -> float:
    q: deque[tuple[int, str]] = deque()
    append = q.append
    popleft = q.popleft
    conns: dict[tuple[int, str], list[tuple[int, str]]] = {}
    state = {"cv": 0}

    def run(block: int, event: str) -> None:
        if block == 0:
            state["cv"] += 1
            if state["cv"] < n:
                for d in conns[(0, "CO")]:
                    append(d)
        elif block <= k:
            for d in conns[(block, "EO1")]:
                append(d)
        else:
            for d in conns[(block, "EO0")]:
                append(d)

    conns[(0, "CO")] = [(1, "EI")] if k else [(k + 1, "EI")]
    for b in range(1, k + 1):
        conns[(b, "EO1")] = [(b + 1, "EI")]
    conns[(k + 1, "EO0")] = [(0, "CU")]
    append((0, "CU"))
    t0 = time.perf_counter()
    while q:
        b, e = popleft()
        run(b, e)
    return n * (k + 2) / (time.perf_counter() - t0)


MEMORY_CHILD = """
import gc, resource, sys
sys.path.insert(0, {root!r})
from fbruntime.blockfiles import load_library
from fbruntime.core import FBState, Resource
split = load_library()["E_SPLIT"]
gc.collect()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
res = Resource()
prev = None
for i in range({count}):
    res.add(f"S{{i}}", split)
    if prev is not None:
        res.connect(prev + ".EO1", f"S{{i}}.EI")
    prev = f"S{{i}}"
for fb in res.network.walk():  # linked as a running resource links them (entries, counters)
    fb.rt__state = FBState.RUNNING
res.relink_if_needed()
gc.collect()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024)
"""


def memory_mb(count: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD.format(root=str(ROOT), count=count)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (a few seconds)")
    args = parser.parse_args()
    n = 200_000 if args.quick else 2_000_000
    repeats = 3 if args.quick else 5
    gc.disable()
    for k in (0, 8):
        # Ours and the reference alternate, so both see the same machine load; each figure is
        # the median of its runs, and the ratio the median of the per-pair ratios.
        pairs = [(asyncio.run(run_ring(n, k)), reference(n, k)) for _ in range(repeats)]
        ours = statistics.median(p[0] for p in pairs)
        ref = statistics.median(p[1] for p in pairs)
        ratio = statistics.median(p[0] / p[1] for p in pairs)
        print(
            f"ring K={k}: {ours / 1e6:.2f} M block executions/s "
            f"(bare deque reference {ref / 1e6:.2f} M/s, ratio {ratio:.2f}; median of {repeats}, "
            f"load {os.getloadavg()[0]:.2f}; "
            f"target >= {TARGET_RATE / 1e6:.0f} M/s and >= 1.0 x reference at K=8)"
        )
    gc.enable()
    count = 100_000
    mb = memory_mb(count)
    print(f"memory, {count:,} E_SPLIT in one resource: {mb:.0f} MB (target <= 200 MB)")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
