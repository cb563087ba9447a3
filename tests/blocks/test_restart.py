"""E_RESTART across the resource lifecycle: COLD, WARM, STOP, and COLD again after a reset."""

from __future__ import annotations

from .rig import Rig


async def test_first_start_is_cold(rig: Rig) -> None:
    rig.add("START", "E_RESTART")
    rig.start()
    await rig.res.settle()
    assert rig.sent() == ["START.COLD"]


async def test_stop_start_reset_start_sends_stop_warm_stop_cold(rig: Rig) -> None:
    rig.add("START", "E_RESTART")
    rig.start()
    await rig.res.settle()
    await rig.res.stop()
    rig.start()
    await rig.res.settle()
    await rig.res.stop()
    rig.res.reset()
    rig.start()
    await rig.res.settle()
    assert rig.sent() == [
        "START.COLD",
        "START.STOP",
        "START.WARM",
        "START.STOP",
        "START.COLD",
    ]


async def test_the_chain_started_by_stop_is_delivered_before_the_resource_stops(
    rig: Rig,
) -> None:
    rig.add("START", "E_RESTART")
    rig.add("C", "E_CTU")
    rig.add("S", "E_SPLIT")
    rig.res.connect("START.STOP", "S.EI")
    rig.res.connect("S.EO2", "C.CU")
    rig.start()
    await rig.res.settle()
    await rig.res.stop()
    assert rig.read("C.CV") == 1


async def test_cold_starts_the_application(rig: Rig) -> None:
    rig.add("START", "E_RESTART")
    rig.add("C", "E_CTU")
    rig.res.connect("START.COLD", "C.CU")
    rig.res.connect("START.WARM", "C.R")
    rig.start()
    await rig.res.settle()
    assert rig.read("C.CV") == 1
    await rig.res.stop()
    rig.start()
    await rig.res.settle()
    assert rig.read("C.CV") == 0
