"""The ECC ring: E_CTUD_UDINT, E_SPLIT and E_SWITCH from their .fbt files vs the native blocks.

START -> E_SPLIT; CTR (E_CTUD_UDINT, PV=N) CO -> K chained E_SPLIT -> E_SWITCH (G <- CTR.QU);
EO0 -> CTR.CU; EO1 stops. Prints events per second for both and the ratio (target: the XML
ring within 1.5x of the native one). ``--quick`` runs a small N.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from fbruntime.core import FBType, Resource, TestClock
from fbruntime.fourdiac.build import FourdiacTypes

EVENTS_LIB = Path("/work/shared/corpus/4diac-ide/data/typelibrary/events-1.0.0/typelib")


def ring(types: dict[str, FBType], n: int, k: int) -> Resource:
    res = Resource("RES", clock=TestClock())
    res.add("START", types["E_SPLIT"])
    res.add("CTR", types["E_CTUD_UDINT"])
    res.write("CTR.PV", n)
    for i in range(k):
        res.add(f"S{i}", types["E_SPLIT"])
    res.add("SW", types["E_SWITCH"])
    res.connect("START.EO1", "CTR.CU")
    res.connect("CTR.CO", "S0.EI")
    for i in range(1, k):
        res.connect(f"S{i - 1}.EO1", f"S{i}.EI")
    res.connect(f"S{k - 1}.EO1", "SW.EI")
    res.connect("CTR.QU", "SW.G")
    res.connect("SW.EO0", "CTR.CU")
    return res


def run(types: dict[str, FBType], n: int, k: int) -> float:
    return asyncio.run(_run(types, n, k))


async def _run(types: dict[str, FBType], n: int, k: int) -> float:
    res = ring(types, n, k)
    res.start()
    await res.settle()
    start = time.perf_counter()
    res.fire("START.EI")
    await res.settle()
    elapsed = time.perf_counter() - start
    await res.stop()
    assert res.read("CTR.CV") == n, res.read("CTR.CV")
    events = n * (k + 2)  # CTR.CU, K splits and the switch per lap
    return events / elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if not EVENTS_LIB.is_dir():
        print(f"ecc_ring: corpus absent ({EVENTS_LIB}); skipped")
        return 0
    n = 3_000 if args.quick else 50_000
    k = 5
    xml_types = FourdiacTypes([EVENTS_LIB], prefer_xml=True, native={})
    xml = {name: xml_types.get(name) for name in ("E_SPLIT", "E_SWITCH", "E_CTUD_UDINT")}
    native_types = FourdiacTypes([], prefer_xml=False)
    native = {name: native_types.get(name) for name in xml}
    best_xml = max(run(xml, n, k) for _ in range(3))
    best_native = max(run(native, n, k) for _ in range(3))
    print(f"ecc_ring_xml: {best_xml:,.0f} events/s (target >= {best_native / 1.5:,.0f})")
    print(f"ecc_ring_native: {best_native:,.0f} events/s (reference)")
    print(f"ecc_ring_ratio: {best_native / best_xml:.2f} x slower (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
