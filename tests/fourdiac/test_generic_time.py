"""Date and time arithmetic F_* blocks from XML (F_ADD_DT_TIME, F_SUB_TOD_TOD, F_MULTIME ...)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime import iec
from fbruntime.fourdiac import load_device, resolve_trigger
from tests.fourdiac import xmlfix as x

# (block, IN1 type, IN2 type, OUT type) as the IEC 61131-3 library declares them
BLOCKS = {
    "F_ADD_DT_TIME": ("DATE_AND_TIME", "TIME", "DATE_AND_TIME"),
    "F_ADD_TOD_TIME": ("TIME_OF_DAY", "TIME", "TIME_OF_DAY"),
    "F_SUB_DT_TIME": ("DATE_AND_TIME", "TIME", "DATE_AND_TIME"),
    "F_SUB_TOD_TIME": ("TIME_OF_DAY", "TIME", "TIME_OF_DAY"),
    "F_SUB_DT_DT": ("DATE_AND_TIME", "DATE_AND_TIME", "TIME"),
    "F_SUB_TOD_TOD": ("TIME_OF_DAY", "TIME_OF_DAY", "TIME"),
    "F_SUB_DATE_DATE": ("DATE", "DATE", "TIME"),
    "F_CONCAT_DATE_TOD": ("DATE", "TIME_OF_DAY", "DATE_AND_TIME"),
    "F_MULTIME": ("TIME", "ANY_NUM", "TIME"),
    "F_DIVTIME": ("TIME", "ANY_NUM", "TIME"),
}


def write(folder: Path, name: str, text: str, ext: str = "fbt") -> None:
    (folder / f"{name}.{ext}").write_text(text, encoding="utf-8")


def ns(literal: str) -> int:
    value: int = iec.parse_literal(literal)[1]
    return value


async def run_block(
    folder: Path, block: str, in1: str, in2: str, in2_type: str | None = None
) -> tuple[int, str]:
    """Src (typed outputs holding the literals) -> block; returns OUT and its type's name."""
    t1, t2, tout = BLOCKS[block]
    itf = x.interface(
        ei=[("REQ", ["IN1", "IN2"])],
        eo=[("CNF", ["OUT"])],
        di=[("IN1", t1), ("IN2", t2)],
        do=[("OUT", tout)],
    )
    write(folder, block, x.service(block, itf))
    src = x.interface(
        ei=[("REQ", [])],
        eo=[("CNF", ["A", "B"])],
        do=[("A", t1, in1), ("B", in2_type or t2, in2)],
    )
    write(folder, "SRC", x.simple("SRC", src, {}))
    net = x.network(
        [("Src", "SRC", {}), ("Op", block, {})],
        [("Src.CNF", "Op.REQ")],
        [("Src.A", "Op.IN1"), ("Src.B", "Op.IN2")],
    )
    write(folder, "S", x.system("S", net), "sys")
    device = load_device(folder / "S.sys", prefer_xml=True)
    res, fb, event = resolve_trigger(device, "App.Src.REQ")
    device.start()
    res.fire(f"{fb}.{event}")
    await res.settle()
    inst = res.find("App.Op")[0]
    assert inst.rt__fault is None
    return res.read("App.Op.OUT"), inst.rt__type.interface.data_port("OUT").type.name


@pytest.mark.parametrize(
    ("block", "in1", "in2", "expected"),
    [
        ("F_ADD_DT_TIME", "DT#2024-01-31-23:59:59.500", "T#1s", "DT#2024-02-01-00:00:00.500"),
        ("F_ADD_TOD_TIME", "TOD#23:59:59", "T#2s", "TOD#00:00:01"),  # wraps at midnight
        ("F_ADD_TOD_TIME", "TOD#10:00:00", "T#1h30m", "TOD#11:30:00"),
        ("F_SUB_DT_TIME", "DT#2024-03-01-00:00:00", "T#1d", "DT#2024-02-29-00:00:00"),
        ("F_SUB_TOD_TIME", "TOD#00:00:01", "T#2s", "TOD#23:59:59"),
        ("F_SUB_DT_DT", "DT#2024-01-02-06:00:00", "DT#2024-01-01-00:00:00", "T#1d6h"),
        ("F_SUB_TOD_TOD", "TOD#01:00:00", "TOD#02:30:00", "T#-1h30m"),
        ("F_SUB_DATE_DATE", "D#2024-03-01", "D#2024-02-01", "T#29d"),
        ("F_CONCAT_DATE_TOD", "D#2024-01-31", "TOD#12:30:00.250", "DT#2024-01-31-12:30:00.250"),
    ],
)
async def test_date_and_time_arithmetic_gives_the_declared_output_type(
    tmp_path: Path, block: str, in1: str, in2: str, expected: str
) -> None:
    out, out_type = await run_block(tmp_path, block, in1, in2)
    assert out_type == BLOCKS[block][2]
    assert out == ns(expected)


@pytest.mark.parametrize(
    ("block", "duration", "number", "number_type", "expected"),
    [
        ("F_MULTIME", "T#1500ms", "3", "DINT", "T#4s500ms"),
        ("F_MULTIME", "T#1s", "-2", "SINT", "T#-2s"),
        ("F_MULTIME", "T#1s", "0.5", "LREAL", "T#500ms"),
        ("F_MULTIME", "T#1ns", "0.9", "REAL", "T#0ns"),  # truncated towards zero
        ("F_DIVTIME", "T#1s", "3", "INT", "T#333ms333us333ns"),
        ("F_DIVTIME", "T#-1s", "3", "INT", "T#-333ms333us333ns"),
        ("F_DIVTIME", "T#1s", "0.25", "LREAL", "T#4s"),
        ("F_DIVTIME", "T#7s", "0", "UINT", "T#7s"),  # by zero: IN1 unchanged (FORTE)
    ],
)
async def test_multime_and_divtime_take_the_number_type_of_their_connection(
    tmp_path: Path, block: str, duration: str, number: str, number_type: str, expected: str
) -> None:
    out, out_type = await run_block(tmp_path, block, duration, number, number_type)
    assert out_type == "TIME"
    assert out == ns(expected)
