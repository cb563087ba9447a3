"""FB_TON, FB_TOF and FB_TP of blocks/iec61131 on a test clock: their IEC 61131-3 timing diagrams.

Each diagram is a table of REQs: at a time (ms of the test clock) IN is written and REQ fired,
and the CNF that answers must carry the Q and ET of the table. The interfaces are checked
against the 4diac IDE's iec61131-3 library when the client's corpus is beside the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.cli.fourdiac import list_types

from .rig import LIB, Rig
from .test_interfaces import shape_of_file, shape_of_ours

TIMERS = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpus"
    / "4diac-ide"
    / "data"
    / "typelibrary"
    / "iec61131-3-1.0.0"
    / "typelib"
    / "timers"
)
TIMER_TYPES = ["FB_TON", "FB_TOF", "FB_TP"]

Step = tuple[float, bool, bool, float]
"""At ms, IN is written and REQ fired; CNF must carry Q and ET (in ms)."""


class Timer:
    """One timer block in a started rig, driven by REQs at absolute test-clock times."""

    def __init__(self, rig: Rig, type_name: str, pt: str) -> None:
        self.rig = rig
        rig.add("T", type_name, PT=pt)
        rig.start()

    async def req_at(self, ms: float, in_: bool, pt: str | None = None) -> tuple[bool, float]:
        """Fire REQ at ``ms`` with IN (and PT, if given); Q and ET (ms) as CNF carried them."""
        now_ms = self.rig.clock.monotonic_ns() / 1e6
        assert ms >= now_ms, f"steps must go forward in time ({ms} < {now_ms})"
        await self.rig.advance((ms - now_ms) / 1000)
        self.rig.write("T.IN", in_)
        if pt is not None:
            self.rig.write("T.PT", pt)
        await self.rig.fire("T.REQ")
        (cnf,) = self.rig.events
        self.rig.take()
        assert (cnf.path, cnf.event) == ("T", "CNF")
        return bool(cnf.values["Q"]), cnf.values["ET"] / 1e6


async def run_diagram(rig: Rig, type_name: str, pt: str, steps: list[Step]) -> None:
    timer = Timer(rig, type_name, pt)
    for ms, in_, q, et in steps:
        assert await timer.req_at(ms, in_) == (q, et), f"{type_name} at {ms} ms, IN={in_}"


async def test_each_req_is_answered_by_one_cnf_carrying_q_and_et(rig: Rig) -> None:
    rig.add("T", "FB_TON", PT="T#100ms", IN=True)
    rig.start()
    await rig.fire("T.REQ")
    await rig.advance(0.15)
    await rig.fire("T.REQ")
    assert rig.sent() == ["T.CNF", "T.CNF"]
    assert rig.values() == [{"Q": False, "ET": 0}, {"Q": True, "ET": 100_000_000}]


@pytest.mark.parametrize("type_name", TIMER_TYPES)
async def test_a_timer_sends_nothing_without_req(rig: Rig, type_name: str) -> None:
    rig.add("T", type_name, PT="T#10ms", IN=True)
    rig.start()
    await rig.fire("T.REQ")
    rig.take()
    rig.write("T.IN", False)
    await rig.advance(1)
    assert rig.sent() == []
    assert rig.clock.pending_timers == 0


TON_DIAGRAM: list[Step] = [
    (0, False, False, 0),
    (10, True, False, 0),  # rising edge: timing starts
    (60, True, False, 50),
    (109, True, False, 99),
    (110, True, True, 100),  # PT reached
    (300, True, True, 100),  # ET saturates at PT
    (310, False, False, 0),  # falling edge clears Q and ET
    (320, True, False, 0),
    (400, False, False, 0),  # IN shorter than PT: Q never rises
    (410, True, False, 0),  # a new edge starts from zero
    (509, True, False, 99),
    (510, True, True, 100),
]

TOF_DIAGRAM: list[Step] = [
    (0, False, False, 0),  # never TRUE yet: nothing to delay
    (50, False, False, 0),
    (60, True, True, 0),
    (100, False, True, 0),  # falling edge: timing starts
    (150, False, True, 50),
    (199, False, True, 99),
    (200, False, False, 100),  # PT reached
    (400, False, False, 100),  # ET saturates at PT
    (410, True, True, 0),  # rising edge sets Q, clears ET
    (420, False, True, 0),
    (480, True, True, 0),  # off for less than PT: Q never falls
    (500, False, True, 0),  # a new falling edge starts from zero
    (599, False, True, 99),
    (600, False, False, 100),
]

TP_DIAGRAM: list[Step] = [
    (0, False, False, 0),
    (10, True, True, 0),  # rising edge: the pulse starts
    (50, False, True, 40),  # IN falling during the pulse is ignored
    (60, True, True, 50),  # a new edge during the pulse does not retrigger
    (109, True, True, 99),
    (110, True, False, 100),  # the pulse ends after PT; IN TRUE holds ET at PT
    (300, True, False, 100),  # no new pulse while IN stays TRUE
    (310, False, False, 0),  # IN FALSE clears ET and re-arms
    (320, True, True, 0),
    (340, False, True, 20),
    (420, False, False, 0),  # pulse ends with IN already FALSE: ET drops at once
    (430, True, True, 0),  # armed again: a new pulse
    (530, True, False, 100),
]


@pytest.mark.parametrize(
    ("type_name", "steps"),
    [("FB_TON", TON_DIAGRAM), ("FB_TOF", TOF_DIAGRAM), ("FB_TP", TP_DIAGRAM)],
)
async def test_timing_diagram(rig: Rig, type_name: str, steps: list[Step]) -> None:
    await run_diagram(rig, type_name, "T#100ms", steps)


@pytest.mark.parametrize(
    ("type_name", "steps"),
    [
        ("FB_TON", [(0, True, True, 0), (50, True, True, 0), (60, False, False, 0)]),
        ("FB_TOF", [(0, True, True, 0), (50, False, False, 0), (60, False, False, 0)]),
        ("FB_TP", [(0, True, False, 0), (50, True, False, 0), (60, False, False, 0)]),
    ],
)
@pytest.mark.parametrize("pt", ["T#0s", "T#-5ms"])
async def test_zero_or_negative_pt_acts_at_the_edge(
    rig: Rig, type_name: str, steps: list[Step], pt: str
) -> None:
    await run_diagram(rig, type_name, pt, steps)


async def test_ton_pt_raised_before_expiry_lengthens_the_delay(rig: Rig) -> None:
    timer = Timer(rig, "FB_TON", "T#100ms")
    await timer.req_at(0, True)
    assert await timer.req_at(50, True, pt="T#200ms") == (False, 50)
    assert await timer.req_at(150, True) == (False, 150)
    assert await timer.req_at(200, True) == (True, 200)


async def test_ton_pt_lowered_below_elapsed_gives_q_at_the_next_req(rig: Rig) -> None:
    timer = Timer(rig, "FB_TON", "T#100ms")
    await timer.req_at(0, True)
    assert await timer.req_at(50, True, pt="T#30ms") == (True, 30)


async def test_ton_q_stays_true_when_pt_is_raised_after_expiry(rig: Rig) -> None:
    timer = Timer(rig, "FB_TON", "T#100ms")
    await timer.req_at(0, True)
    assert await timer.req_at(120, True) == (True, 100)
    assert await timer.req_at(150, True, pt="T#500ms") == (True, 150)
    assert await timer.req_at(700, True) == (True, 500)


async def test_tof_pt_changes_while_timing(rig: Rig) -> None:
    timer = Timer(rig, "FB_TOF", "T#100ms")
    await timer.req_at(0, True)
    await timer.req_at(10, False)
    assert await timer.req_at(60, False, pt="T#200ms") == (True, 50)
    assert await timer.req_at(150, False, pt="T#30ms") == (False, 30)
    # Once Q has fallen, raising PT does not bring it back; ET follows the new saturation.
    assert await timer.req_at(160, False, pt="T#1s") == (False, 150)


@pytest.mark.parametrize(
    ("new_pt", "at_150", "at_200"),
    [("T#200ms", (True, 150), (False, 200)), ("T#30ms", (False, 30), (False, 30))],
)
async def test_tp_pt_change_moves_the_end_of_a_running_pulse(
    rig: Rig, new_pt: str, at_150: tuple[bool, float], at_200: tuple[bool, float]
) -> None:
    timer = Timer(rig, "FB_TP", "T#100ms")
    await timer.req_at(0, True)
    await timer.req_at(50, True, pt=new_pt)
    assert await timer.req_at(150, True) == at_150
    assert await timer.req_at(200, True) == at_200


async def test_tp_edge_seen_only_during_the_pulse_does_not_start_another(rig: Rig) -> None:
    timer = Timer(rig, "FB_TP", "T#100ms")
    await timer.req_at(0, True)
    await timer.req_at(30, False)
    await timer.req_at(60, True)
    assert await timer.req_at(150, True) == (False, 100)
    assert await timer.req_at(250, True) == (False, 100)


async def test_ton_driven_by_e_cycle_sees_q_at_the_first_cycle_after_pt(rig: Rig) -> None:
    rig.add("C", "E_CYCLE", DT="T#30ms")
    rig.add("T", "FB_TON", PT="T#100ms", IN=True)
    rig.res.connect("C.EO", "T.REQ")
    rig.start()
    await rig.fire("C.START")
    await rig.advance(0.2)
    cnf = [e for e in rig.events if e.path == "T"]
    first_q = next(e for e in cnf if e.values["Q"])
    # Cycles at 30, 60, ...: timing began at 30, so 130 ms is due and the cycle at 150 sees it.
    assert first_q.time_ns == 150_000_000
    assert first_q.values["ET"] == 100_000_000
    assert [e.values["Q"] for e in cnf] == [False] * 4 + [True] * 2


@pytest.mark.parametrize(
    ("type_name", "in_after", "expected"),
    [
        ("FB_TON", True, {"Q": False, "ET": 0}),  # a fresh edge, not 50 ms of timing
        ("FB_TOF", False, {"Q": False, "ET": 0}),  # never saw IN TRUE: no off-delay
        ("FB_TP", True, {"Q": True, "ET": 0}),  # a new pulse, not the old one's 50 ms
    ],
)
async def test_a_reset_forgets_the_timing_state(
    rig: Rig, type_name: str, in_after: bool, expected: dict[str, object]
) -> None:
    rig.add("T", type_name, PT="T#100ms")
    rig.start()
    rig.write("T.IN", True)
    await rig.fire("T.REQ")
    await rig.advance(0.05)
    await rig.res.stop()
    rig.res.reset()
    assert (rig.read("T.Q"), rig.read("T.ET")) == (False, 0)
    rig.start()
    rig.take()
    rig.write("T.IN", in_after)
    await rig.fire("T.REQ")
    assert rig.values() == [expected]


def test_the_library_has_the_timers() -> None:
    assert set(TIMER_TYPES) <= set(LIB)


@pytest.mark.parametrize("type_name", TIMER_TYPES)
def test_interface_matches_the_4diac_iec61131_library(type_name: str) -> None:
    path = TIMERS / f"{type_name}.fbt"
    if not path.exists():
        pytest.skip(f"the 4diac corpus is not beside this checkout ({path})")
    assert shape_of_ours(LIB[type_name]) == shape_of_file(path)


def test_fbrt_types_lists_the_corpus_timers_as_native_without_problems() -> None:
    if not TIMERS.is_dir():
        pytest.skip(f"the 4diac corpus is not beside this checkout ({TIMERS})")
    rows = {row["name"]: row for row in list_types([TIMERS])}
    assert sorted(rows) == sorted(TIMER_TYPES)
    for row in rows.values():
        assert row["problems"] == []
        assert row["kind"].endswith("(native)")
