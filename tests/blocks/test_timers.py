"""E_DELAY, E_RDELAY, E_CYCLE and E_TRAIN on a test clock: deadlines, restarts and cancels."""

from __future__ import annotations

import pytest

from fbruntime.core import FBState

from .rig import Rig


def times(rig: Rig) -> list[float]:
    """When each event was sent, in ms of the test clock."""
    return [e.time_ns / 1e6 for e in rig.events]


async def test_delay_sends_eo_once_after_dt(rig: Rig) -> None:
    rig.add("D", "E_DELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    await rig.advance(0.099)
    assert rig.sent() == []
    await rig.advance(0.001)
    assert rig.sent() == ["D.EO"]
    await rig.advance(1)
    assert rig.sent() == ["D.EO"]
    assert rig.clock.pending_timers == 0


async def test_delay_ignores_start_while_pending(rig: Rig) -> None:
    rig.add("D", "E_DELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    await rig.advance(0.06)
    rig.write("D.DT", "T#10ms")
    await rig.fire("D.START")
    await rig.advance(0.5)
    assert times(rig) == [100.0]


async def test_delay_can_start_again_after_it_fired(rig: Rig) -> None:
    rig.add("D", "E_DELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    await rig.advance(0.1)
    await rig.fire("D.START")
    await rig.advance(0.1)
    assert times(rig) == [100.0, 200.0]


async def test_delay_stop_cancels_and_allows_a_new_start(rig: Rig) -> None:
    rig.add("D", "E_DELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    await rig.advance(0.05)
    await rig.fire("D.STOP")
    await rig.advance(0.2)
    assert rig.sent() == []
    await rig.fire("D.START")
    await rig.advance(0.1)
    assert times(rig) == [350.0]


@pytest.mark.parametrize(
    ("dt", "expected_ms"),
    [("T#2ms", 2.0), ("T#2ms900us", 2.0), ("T#0s", 1.0), ("T#300us", 1.0), ("T#-5ms", 1.0)],
)
@pytest.mark.parametrize("type_name", ["E_DELAY", "E_RDELAY"])
async def test_delay_is_truncated_to_whole_ms_with_a_1_ms_minimum(
    rig: Rig, type_name: str, dt: str, expected_ms: float
) -> None:
    rig.add("D", type_name, DT=dt)
    rig.start()
    await rig.fire("D.START")
    await rig.advance(0.01)
    assert times(rig) == [expected_ms]


async def test_delay_timer_is_cancelled_when_the_resource_stops(rig: Rig) -> None:
    rig.add("D", "E_DELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    await rig.res.stop()
    assert rig.clock.pending_timers == 0
    rig.start()
    await rig.fire("D.START")  # not still "active" from before the stop
    await rig.advance(0.1)
    assert times(rig) == [100.0]


async def test_delay_of_a_stopped_block_sends_nothing(rig: Rig) -> None:
    rig.add("D", "E_DELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    rig.res.set_block_state("D", FBState.STOPPED)
    await rig.advance(0.2)
    assert rig.sent() == []


async def test_rdelay_restarts_on_start_while_pending(rig: Rig) -> None:
    rig.add("D", "E_RDELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    await rig.advance(0.06)
    await rig.fire("D.START")
    await rig.advance(0.06)
    assert rig.sent() == []
    rig.write("D.DT", "T#10ms")
    await rig.fire("D.START")  # the new DT counts from now
    await rig.advance(0.5)
    assert times(rig) == [130.0]


async def test_rdelay_stop_cancels(rig: Rig) -> None:
    rig.add("D", "E_RDELAY", DT="T#100ms")
    rig.start()
    await rig.fire("D.START")
    await rig.advance(0.05)
    await rig.fire("D.STOP")
    await rig.advance(0.5)
    assert rig.sent() == []
    assert rig.clock.pending_timers == 0


async def test_cycle_sends_eo_every_dt_until_stop(rig: Rig) -> None:
    rig.add("C", "E_CYCLE", DT="T#100ms")
    rig.start()
    await rig.fire("C.START")
    await rig.advance(0.35)
    assert times(rig) == [100.0, 200.0, 300.0]
    await rig.fire("C.STOP")
    await rig.advance(1)
    assert len(rig.events) == 3
    assert rig.clock.pending_timers == 0


async def test_cycle_ignores_start_while_running(rig: Rig) -> None:
    rig.add("C", "E_CYCLE", DT="T#100ms")
    rig.start()
    await rig.fire("C.START")
    await rig.advance(0.05)
    rig.write("C.DT", "T#10ms")
    await rig.fire("C.START")
    await rig.advance(0.2)
    assert times(rig) == [100.0, 200.0]


async def test_cycle_restarts_with_a_new_dt_after_stop(rig: Rig) -> None:
    rig.add("C", "E_CYCLE", DT="T#100ms")
    rig.start()
    await rig.fire("C.START")
    await rig.advance(0.15)
    await rig.fire("C.STOP")
    rig.write("C.DT", "T#20ms")
    await rig.fire("C.START")
    await rig.advance(0.05)
    assert times(rig) == [100.0, 170.0, 190.0]


async def test_cycle_period_does_not_drift_with_the_events_it_sends(rig: Rig) -> None:
    rig.add("C", "E_CYCLE", DT="T#1ms")
    rig.add("N", "E_CTUD_UDINT")
    rig.res.connect("C.EO", "N.CU")
    rig.start()
    await rig.fire("C.START")
    await rig.advance(1)
    assert rig.read("N.CV") == 1000


async def test_cycle_stops_with_the_resource(rig: Rig) -> None:
    rig.add("C", "E_CYCLE", DT="T#100ms")
    rig.start()
    await rig.fire("C.START")
    await rig.advance(0.15)
    await rig.res.stop()
    await rig.advance(1)
    assert len(rig.events) == 1
    assert rig.clock.pending_timers == 0


async def test_train_sends_n_events_dt_apart_numbered_from_zero(rig: Rig) -> None:
    rig.add("T", "E_TRAIN", DT="T#10ms", N=3)
    rig.start()
    await rig.fire("T.START")
    await rig.advance(1)
    top = [e for e in rig.events if e.path == "T"]
    assert [(e.event, e.values, e.time_ns // 1_000_000) for e in top] == [
        ("EO", {"CV": 0}, 10),
        ("EO", {"CV": 1}, 20),
        ("EO", {"CV": 2}, 30),
    ]
    assert rig.clock.pending_timers == 0


async def test_train_with_n_zero_still_sends_one_event(rig: Rig) -> None:
    rig.add("T", "E_TRAIN", DT="T#10ms", N=0)
    rig.start()
    await rig.fire("T.START")
    await rig.advance(1)
    assert [e.values for e in rig.events if e.path == "T"] == [{"CV": 0}]


async def test_train_stop_ends_it_and_start_begins_a_new_count(rig: Rig) -> None:
    rig.add("T", "E_TRAIN", DT="T#10ms", N=5)
    rig.start()
    await rig.fire("T.START")
    await rig.advance(0.025)
    await rig.fire("T.STOP")
    await rig.advance(1)
    assert [e.values["CV"] for e in rig.events if e.path == "T"] == [0, 1]
    rig.events.clear()
    await rig.fire("T.START")
    await rig.advance(1)
    assert [e.values["CV"] for e in rig.events if e.path == "T"] == [0, 1, 2, 3, 4]


async def test_train_inner_blocks_are_addressable(rig: Rig) -> None:
    rig.add("T", "E_TRAIN", DT="T#10ms", N=2)
    rig.start()
    await rig.fire("T.START")
    await rig.advance(1)
    assert (rig.read("T.CTR.CV"), rig.read("T.CTR.Q"), rig.read("T.CV")) == (2, True, 1)


async def test_cycle_of_a_block_stopped_on_its_own_ends_and_needs_a_new_start(rig: Rig) -> None:
    rig.add("C", "E_CYCLE", DT="T#100ms")
    rig.start()
    await rig.fire("C.START")
    await rig.advance(0.15)
    rig.res.set_block_state("C", FBState.STOPPED)
    await rig.advance(0.5)
    assert rig.clock.pending_timers == 0
    rig.res.set_block_state("C", FBState.RUNNING)
    await rig.advance(0.5)
    assert times(rig) == [100.0]
    await rig.fire("C.START")
    await rig.advance(0.1)
    assert times(rig) == [100.0, 1250.0]


async def test_train_start_while_pending_restarts_the_count_but_not_the_delay(rig: Rig) -> None:
    rig.add("T", "E_TRAIN", DT="T#10ms", N=3)
    rig.start()
    await rig.fire("T.START")
    await rig.advance(0.015)
    await rig.fire("T.START")
    await rig.advance(1)
    top = [(e.time_ns // 1_000_000, e.values["CV"]) for e in rig.events if e.path == "T"]
    assert top == [(10, 0), (20, 0), (30, 1), (40, 2)]
