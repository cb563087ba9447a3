"""OUT_ANY_CONSOLE (the printed line, QO) and STEST_END (ending the run) in real resources."""

from __future__ import annotations

from typing import Any

import pytest

from fbruntime.core import Block, DataOutput, Device, EventInput, EventOutput, TestClock

from .rig import LIB, Rig


def source_of(type_name: str, value: Any) -> type[Block]:
    """A block whose REQ sends ``value`` on an output declared as ``type_name``."""

    class Source(Block):
        name = f"TestSource_{type_name}"
        REQ = EventInput()
        CNF = EventOutput(with_=("OUT",))
        OUT = DataOutput(type_name)

        def on_REQ(self) -> None:
            self.OUT = value
            self.CNF()

    return Source


@pytest.mark.parametrize(
    ("type_name", "value", "printed"),
    [
        # typed literals, as FORTE's OUT_ANY_CONSOLE prints its ANY input (seen on the binary)
        ("TIME", 1_500_000_000, "T#1s500ms"),
        ("BOOL", True, "BOOL#TRUE"),
        ("INT", -5, "INT#-5"),
        ("UDINT", 7, "UDINT#7"),
        ("REAL", 1.5, "REAL#1.5"),
        ("STRING", "it's", "STRING#'it$'s'"),
        ("WSTRING", "wide", 'WSTRING#"wide"'),
    ],
)
async def test_prints_label_and_the_value_as_its_connected_type(
    rig: Rig, capsys: pytest.CaptureFixture[str], type_name: str, value: Any, printed: str
) -> None:
    rig.res.add("SRC", source_of(type_name, value))
    rig.add("OUT", "OUT_ANY_CONSOLE", QI=True, LABEL="speed")
    rig.res.connect("SRC.CNF", "OUT.REQ")
    rig.res.connect("SRC.OUT", "OUT.IN")
    rig.start()
    await rig.fire("SRC.REQ")
    assert capsys.readouterr().out == f"speed = {printed}\n"
    assert rig.sent() == ["SRC.CNF", "OUT.CNF"]
    assert rig.values()[-1] == {"QO": True}


async def test_prints_the_stopwatch_time_in_the_ring_benchmark_shape(
    rig: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    rig.add("SW", "E_STOPWATCH")
    rig.add("OUT", "OUT_ANY_CONSOLE", QI=True, LABEL="TD")
    rig.res.connect("SW.EO", "OUT.REQ")
    rig.res.connect("SW.TD", "OUT.IN")
    rig.start()
    await rig.fire("SW.START")
    await rig.advance(0.25)
    await rig.fire("SW.STOP")
    assert capsys.readouterr().out == "TD = T#250ms\n"


async def test_unconnected_in_prints_its_parameter(
    rig: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    rig.add("OUT", "OUT_ANY_CONSOLE", QI=True, LABEL="x", IN=42)
    rig.start()
    await rig.fire("OUT.REQ")
    assert capsys.readouterr().out == "x = LINT#42\n"  # a Python int: the widest integer


async def test_qi_false_prints_nothing_but_confirms_with_qo_false(
    rig: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    rig.add("OUT", "OUT_ANY_CONSOLE", QI=False, LABEL="x", IN=1)
    rig.start()
    await rig.fire("OUT.REQ")
    assert capsys.readouterr().out == ""
    assert rig.sent() == ["OUT.CNF"]
    assert rig.values() == [{"QO": False}]


async def test_stest_end_asks_the_device_to_exit() -> None:
    device = Device("DEV", clock=TestClock())
    res = device.add_resource("RES")
    codes: list[int] = []
    device.on_exit.append(codes.append)
    res.add("END", LIB["STEST_END"])
    device.start()
    try:
        assert device.exit_code is None
        res.fire("END.REQ")
        await device.settle()
        assert device.exit_code == 0
        assert codes == [0]
    finally:
        device.kill()


async def test_stest_end_exits_with_1_when_a_test_condition_failed() -> None:
    device = Device("DEV", clock=TestClock())
    res = device.add_resource("RES")
    res.add("END", LIB["STEST_END"])
    device.failed_conditions.append("RES.CHECK")
    device.start()
    try:
        res.fire("END.REQ")
        await device.settle()
        assert device.exit_code == 1
    finally:
        device.kill()


async def test_stest_end_without_a_device_records_the_request_on_the_resource(rig: Rig) -> None:
    rig.add("END", "STEST_END")
    rig.start()
    assert getattr(rig.res, "exit_code", None) is None
    await rig.fire("END.REQ")
    assert getattr(rig.res, "exit_code", None) == 0
