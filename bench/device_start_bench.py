#!/usr/bin/env python3
"""How long a bare ``fbrt device`` takes to start, and to create its first built-in type.

FORTE's ~460 standard types are built in (``fbruntime.builtin``), each built when first named,
so starting must not cost more than it did with 31 types. Each run starts a fresh process
(``fbrt device --listen 127.0.0.1:0``, no data directory) and measures:

* listening: from spawning the process to its "listening on" line;
* first CREATE: from spawning to the reply of ``CREATE F_ADD`` (after ``CREATE`` of a
  resource), the first built-in type the device builds.

``--compare OTHER_FBRT`` measures another installation (e.g. the main branch's) alternately
with this one, under the same load. Prints ``name: value unit (target ...)`` lines and the load
average beside them. Run: ``python bench/device_start_bench.py [--quick] [--compare PATH]``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fbruntime.mgmt import ManagementClient, parse_reply  # noqa: E402

DEFAULT_FBRT = ROOT / ".venv" / "bin" / "fbrt"


async def _first_create(port: int) -> None:
    async with ManagementClient("127.0.0.1", port) as client:
        res = '<Request ID="1" Action="CREATE"><FB Name="R" Type="EMB_RES"/></Request>'
        assert parse_reply(await client.request("", res)).ok
        fb = '<Request ID="2" Action="CREATE"><FB Name="A" Type="F_ADD"/></Request>'
        reply = parse_reply(await client.request("R", fb))
        if not reply.ok:
            raise RuntimeError(f"CREATE F_ADD answered {reply.reason.value}")


def one_start(fbrt: Path) -> tuple[float, float | None]:
    """(seconds to listening, seconds to the F_ADD reply or None if F_ADD is unsupported)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(fbrt), "device", "--listen", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        port = 0
        for line in process.stderr:
            found = re.search(r"listening on [\d.]+:(\d+)", line)
            if found:
                port = int(found.group(1))
                break
        listening = time.perf_counter() - started
        if not port:
            raise RuntimeError(f"{fbrt} device did not start")
        try:
            asyncio.run(_first_create(port))
            first: float | None = time.perf_counter() - started
        except RuntimeError:
            first = None
        return listening, first
    finally:
        process.terminate()
        process.wait(timeout=30)


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _report(label: str, runs: list[tuple[float, float | None]]) -> None:
    listening = statistics.median(r[0] for r in runs)
    firsts = [r[1] for r in runs if r[1] is not None]
    print(f"device cold start {label} (listening): {listening:.2f} s (median of {len(runs)})")
    if firsts:
        first = statistics.median(firsts)
        print(f"device cold start {label} (first CREATE F_ADD): {first:.2f} s")
    else:
        print(f"device cold start {label} (first CREATE F_ADD): unsupported type")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--fbrt", type=Path, default=DEFAULT_FBRT)
    parser.add_argument("--compare", type=Path, help="another fbrt executable to measure")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    mine: list[tuple[float, float | None]] = []
    other: list[tuple[float, float | None]] = []
    load_before = _load()
    for _ in range(runs):
        mine.append(one_start(args.fbrt))
        if args.compare is not None:
            other.append(one_start(args.compare))
    print(f"load average: {load_before} before, {_load()} after")
    _report("this checkout", mine)
    if args.compare is not None:
        _report(str(args.compare), other)
        ratio = statistics.median(r[0] for r in mine) / statistics.median(r[0] for r in other)
        print(f"device cold start ratio (listening, this / other): {ratio:.2f} (target <= 1.1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
