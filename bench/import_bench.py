"""Import (parse, resolve, build types, build the device) of the OPCUATests system (4,277 FBs).

Prints the cold time (fresh process caches) and a warm time (the type library's file cache
reused, as a long-running server sees it). Target: cold < 2 s. ``--quick`` measures once.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fbruntime.fourdiac.build import FourdiacTypes
from fbruntime.fourdiac.loader import load

SYSTEM = Path("/work/shared/corpus/4diac-examples/OPCUATests/OPCUATests.sys")


def once() -> tuple[float, int, int]:
    start = time.perf_counter()
    types = FourdiacTypes([SYSTEM.parent])
    result = load(SYSTEM, types=types, strict=False)
    elapsed = time.perf_counter() - start
    fbs = sum(len(r.network.instances) for r in result.device.resources.values())
    return elapsed, fbs, len(result.problems)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if not SYSTEM.is_file():
        print(f"import: corpus absent ({SYSTEM}); skipped")
        return 0
    cold, fbs, problems = once()
    print(f"import_cold: {cold:.2f} s for {fbs} FBs, {problems} problems (target < 2 s)")
    if not args.quick:
        warm = min(once()[0] for _ in range(3))
        print(f"import_warm: {warm:.2f} s (target < 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
