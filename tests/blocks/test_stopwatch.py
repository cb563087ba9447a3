"""E_STOPWATCH: its ECC (START, Measure, Trig) on the test clock's monotonic time."""

from __future__ import annotations

from .rig import Rig

MS = 1_000_000


async def test_measures_from_start_to_stop(rig: Rig) -> None:
    rig.add("W", "E_STOPWATCH")
    rig.start()
    await rig.fire("W.START")
    await rig.advance(0.25)
    await rig.fire("W.STOP")
    assert rig.sent() == ["W.EO"]
    assert rig.values() == [{"TD": 250 * MS}]


async def test_et_reports_the_running_time_and_stop_still_ends_it(rig: Rig) -> None:
    rig.add("W", "E_STOPWATCH")
    rig.start()
    await rig.fire("W.START")
    await rig.advance(0.01)
    await rig.fire("W.ET")
    await rig.advance(0.01)
    await rig.fire("W.ET")
    await rig.advance(0.01)
    await rig.fire("W.STOP")
    assert rig.sent() == ["W.ETO", "W.ETO", "W.EO"]
    assert [v["TD"] for v in rig.values()] == [10 * MS, 20 * MS, 30 * MS]


async def test_start_while_measuring_does_not_restart(rig: Rig) -> None:
    rig.add("W", "E_STOPWATCH")
    rig.start()
    await rig.fire("W.START")
    await rig.advance(0.1)
    await rig.fire("W.START")
    await rig.advance(0.1)
    await rig.fire("W.STOP")
    assert rig.values() == [{"TD": 200 * MS}]


async def test_stop_and_et_before_start_send_nothing(rig: Rig) -> None:
    rig.add("W", "E_STOPWATCH")
    rig.start()
    await rig.fire("W.STOP", "W.ET")
    assert rig.sent() == []


async def test_reset_clears_td_in_every_state(rig: Rig) -> None:
    rig.add("W", "E_STOPWATCH")
    rig.start()
    await rig.fire("W.RESET")  # from START
    await rig.fire("W.START")
    await rig.advance(0.1)
    await rig.fire("W.ET")
    await rig.fire("W.RESET")  # from Trig
    await rig.fire("W.STOP")  # back in START: ignored
    await rig.fire("W.START")
    await rig.fire("W.RESET")  # from Measure
    assert rig.sent() == ["W.RESETO", "W.ETO", "W.RESETO", "W.RESETO"]
    assert rig.values()[-1] == {"TD": 0}
    assert rig.read("W.TD") == 0


async def test_a_new_measurement_starts_after_stop(rig: Rig) -> None:
    rig.add("W", "E_STOPWATCH")
    rig.start()
    await rig.fire("W.START")
    await rig.advance(0.1)
    await rig.fire("W.STOP")
    await rig.advance(0.5)
    await rig.fire("W.START")
    await rig.advance(0.03)
    await rig.fire("W.STOP")
    assert [v["TD"] for v in rig.values()] == [100 * MS, 30 * MS]
