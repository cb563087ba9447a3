"""E_CTU, E_CTD, E_CTUD and E_CTUD_UDINT: counting, guards at the limits, outputs sent WITH."""

from __future__ import annotations

import pytest

from .rig import Rig


async def test_ctu_counts_up_and_q_follows_pv(rig: Rig) -> None:
    rig.add("C", "E_CTU", PV=2)
    rig.start()
    await rig.fire("C.CU", "C.CU", "C.CU")
    assert rig.sent() == ["C.CUO"] * 3
    assert rig.values() == [{"Q": False, "CV": 1}, {"Q": True, "CV": 2}, {"Q": True, "CV": 3}]


async def test_ctu_reset_clears_and_sends_ro(rig: Rig) -> None:
    rig.add("C", "E_CTU", PV=1)
    rig.start()
    await rig.fire("C.CU", "C.R")
    assert rig.sent() == ["C.CUO", "C.RO"]
    assert rig.values()[-1] == {"Q": False, "CV": 0}


async def test_ctu_stops_at_65535_without_sending(rig: Rig) -> None:
    rig.add("C", "E_CTU", PV=0, CV=65534)
    rig.start()
    await rig.fire("C.CU", "C.CU")
    assert rig.values() == [{"Q": True, "CV": 65535}]
    assert rig.read("C.CV") == 65535


async def test_ctd_counts_down_to_zero_and_stops(rig: Rig) -> None:
    rig.add("C", "E_CTD", PV=2)
    rig.start()
    await rig.fire("C.LD", "C.CD", "C.CD", "C.CD")
    assert rig.sent() == ["C.LDO", "C.CDO", "C.CDO"]
    assert rig.values() == [{"Q": False, "CV": 2}, {"Q": False, "CV": 1}, {"Q": True, "CV": 0}]


async def test_ctd_at_zero_sends_nothing(rig: Rig) -> None:
    rig.add("C", "E_CTD")
    rig.start()
    await rig.fire("C.CD")
    assert rig.sent() == []


async def test_ctd_load_of_zero_sets_q(rig: Rig) -> None:
    rig.add("C", "E_CTD", PV=0)
    rig.start()
    await rig.fire("C.LD")
    assert rig.values() == [{"Q": True, "CV": 0}]


@pytest.mark.parametrize(("type_name", "top"), [("E_CTUD", 65535), ("E_CTUD_UDINT", 4294967295)])
class TestUpDown:
    async def test_counts_up_and_down_with_qu_and_qd(
        self, rig: Rig, type_name: str, top: int
    ) -> None:
        rig.add("C", type_name, PV=2)
        rig.start()
        await rig.fire("C.CU", "C.CU", "C.CD", "C.CD")
        assert rig.sent() == ["C.CO"] * 4
        assert [(v["CV"], v["QU"], v["QD"]) for v in rig.values()] == [
            (1, False, False),
            (2, True, False),
            (1, False, False),
            (0, False, True),
        ]

    async def test_cu_at_the_top_and_cd_at_zero_send_nothing(
        self, rig: Rig, type_name: str, top: int
    ) -> None:
        rig.add("C", type_name, CV=top - 1)
        rig.start()
        await rig.fire("C.CU", "C.CU")
        assert rig.take() == ["C.CO"]
        assert rig.read("C.CV") == top
        await rig.fire("C.R", "C.CD")
        assert rig.sent() == ["C.RO"]
        assert rig.read("C.CV") == 0

    async def test_reset_uses_pv_for_qu(self, rig: Rig, type_name: str, top: int) -> None:
        rig.add("A", type_name, PV=0)
        rig.add("B", type_name, PV=5)
        rig.start()
        await rig.fire("A.R", "B.R")
        assert rig.values() == [
            {"QU": True, "CV": 0, "QD": True},
            {"QU": False, "CV": 0, "QD": True},
        ]

    async def test_load_takes_pv(self, rig: Rig, type_name: str, top: int) -> None:
        rig.add("C", type_name, PV=top)
        rig.start()
        await rig.fire("C.LD", "C.CU")
        assert rig.sent() == ["C.LDO"]
        assert rig.values() == [{"QU": True, "QD": False, "CV": top}]

    async def test_load_of_zero_sets_qu_and_qd(self, rig: Rig, type_name: str, top: int) -> None:
        rig.add("C", type_name, PV=0)
        rig.start()
        await rig.fire("C.LD")
        assert rig.values() == [{"QU": True, "QD": True, "CV": 0}]


async def test_ctud_udint_samples_pv_from_its_connection_on_cu(rig: Rig) -> None:
    rig.add("P", "E_CTUD_UDINT", PV=3)  # its CV (after LD) is the PV the counter sees
    rig.add("C", "E_CTUD_UDINT")
    rig.res.connect("P.CV", "C.PV")
    rig.start()
    await rig.fire("C.CU")
    assert rig.read("C.QU") is True  # PV still 0: nothing was sent WITH P.CV yet
    await rig.fire("P.LD", "C.CU")
    assert (rig.read("C.PV"), rig.read("C.CV"), rig.read("C.QU")) == (3, 2, False)
