"""CSV_WRITER_n: opening, writing and closing files as FORTE's GEN_CSV_WRITER does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import Block, DataOutput, EventInput, EventOutput
from fbruntime.fourdiac import read_file

from .rig import LIB, Rig

UTILS = (
    Path(__file__).resolve().parents[2].parent
    / "shared/corpus/4diac-ide/data/typelibrary/utils-1.0.0/typelib"
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """File names are relative to the working directory, as in FORTE."""
    monkeypatch.chdir(tmp_path)


def writer(rig: Rig, width: int = 1, file_name: str = "out.csv", **params: Any) -> None:
    rig.add("W", f"CSV_WRITER_{width}", QI=True, FILE_NAME=file_name, **params)


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


async def test_init_creates_the_file_and_answers_ok(rig: Rig, tmp_path: Path) -> None:
    writer(rig)
    rig.start()
    await rig.fire("W.INIT")
    assert rig.sent() == ["W.INITO"]
    assert rig.values() == [{"QO": True, "STATUS": "OK"}]
    assert (tmp_path / "out.csv").read_text() == ""


async def test_init_truncates_an_existing_file(rig: Rig, tmp_path: Path) -> None:
    (tmp_path / "out.csv").write_text("old line\n")
    writer(rig, SD_1="1")
    rig.start()
    await rig.fire("W.INIT", "W.REQ")
    assert (tmp_path / "out.csv").read_text() == "1; \n"


async def test_two_lines_of_three_values_in_forte_format(rig: Rig, tmp_path: Path) -> None:
    # FORTE's own system test (normalExecutionMultiple) expects exactly these bytes.
    writer(rig, 3, SD_1="'csvFirstValue'", SD_2="TRUE", SD_3="1")
    rig.start()
    await rig.fire("W.INIT", "W.REQ")
    rig.write("W.SD_2", "FALSE")
    rig.write("W.SD_3", "2")
    await rig.fire("W.REQ")
    assert (tmp_path / "out.csv").read_text() == (
        "'csvFirstValue'; TRUE; 1; \n'csvFirstValue'; FALSE; 2; \n"
    )
    assert rig.sent() == ["W.INITO", "W.CNF", "W.CNF"]
    assert rig.values()[-1] == {"QO": True, "STATUS": "OK"}


@pytest.mark.parametrize(
    ("type_name", "value", "written"),
    [
        ("STRING", "it's", "'it$'s'"),
        ("WSTRING", "wide", '"wide"'),
        ("BOOL", False, "FALSE"),
        ("INT", -5, "-5"),
        ("REAL", 1.5, "1.5"),
        ("TIME", 1_500_000_000, "T#1s500ms"),
    ],
)
async def test_a_connected_value_is_written_as_its_source_type(
    rig: Rig, tmp_path: Path, type_name: str, value: Any, written: str
) -> None:
    rig.res.add("SRC", source_of(type_name, value))
    writer(rig)
    rig.res.connect("SRC.OUT", "W.SD_1")
    rig.res.connect("SRC.CNF", "W.REQ")
    rig.start()
    await rig.fire("W.INIT", "SRC.REQ")
    assert (tmp_path / "out.csv").read_text() == f"{written}; \n"


async def test_an_unset_value_is_an_empty_field(rig: Rig, tmp_path: Path) -> None:
    writer(rig, 2, SD_2="7")
    rig.start()
    await rig.fire("W.INIT", "W.REQ")
    assert (tmp_path / "out.csv").read_text() == "; 7; \n"


async def test_req_with_qi_false_writes_nothing(rig: Rig, tmp_path: Path) -> None:
    writer(rig, SD_1="1")
    rig.start()
    await rig.fire("W.INIT")
    rig.write("W.QI", False)
    await rig.fire("W.REQ")
    assert rig.sent() == ["W.INITO", "W.CNF"]
    assert rig.values()[-1] == {"QO": False, "STATUS": "OK"}
    assert (tmp_path / "out.csv").read_text() == ""


async def test_req_without_init_answers_file_not_opened(rig: Rig, tmp_path: Path) -> None:
    writer(rig, SD_1="1")
    rig.start()
    await rig.fire("W.REQ")
    assert rig.sent() == ["W.CNF"]
    assert rig.values() == [{"QO": False, "STATUS": "File not opened"}]
    assert not (tmp_path / "out.csv").exists()


async def test_second_init_answers_already_opened_and_the_file_stays_open(
    rig: Rig, tmp_path: Path
) -> None:
    writer(rig, SD_1="1")
    rig.start()
    await rig.fire("W.INIT", "W.INIT")
    assert rig.values() == [
        {"QO": True, "STATUS": "OK"},
        {"QO": False, "STATUS": "File already opened"},
    ]
    await rig.fire("W.REQ")
    assert rig.values()[-1] == {"QO": True, "STATUS": "File already opened"}
    assert (tmp_path / "out.csv").read_text() == "1; \n"


async def test_init_with_qi_false_closes_the_file(rig: Rig, tmp_path: Path) -> None:
    writer(rig, SD_1="1")
    rig.start()
    await rig.fire("W.INIT", "W.REQ")
    rig.write("W.QI", False)
    await rig.fire("W.INIT")
    rig.write("W.QI", True)
    await rig.fire("W.REQ")
    assert rig.values()[-2:] == [
        {"QO": False, "STATUS": "OK"},
        {"QO": False, "STATUS": "File not opened"},
    ]
    assert (tmp_path / "out.csv").read_text() == "1; \n"


async def test_closing_with_no_file_open_only_clears_qo(rig: Rig) -> None:
    writer(rig, QO=True, STATUS="before")
    rig.write("W.QI", False)
    rig.start()
    await rig.fire("W.INIT")
    assert rig.sent() == ["W.INITO"]
    assert rig.values() == [{"QO": False, "STATUS": "before"}]


@pytest.mark.parametrize(
    ("file_name", "status"),
    [("missing/out.csv", "No such file or directory"), ("", "No such file or directory")],
)
async def test_a_file_that_cannot_be_opened_answers_the_system_error(
    rig: Rig, file_name: str, status: str
) -> None:
    writer(rig, file_name=file_name)
    rig.start()
    await rig.fire("W.INIT", "W.REQ")
    assert rig.values() == [
        {"QO": False, "STATUS": status},
        {"QO": False, "STATUS": "File not opened"},
    ]


async def test_the_name_is_relative_to_the_working_directory(rig: Rig, tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    writer(rig, file_name="logs/run.csv", SD_1="TRUE")
    rig.start()
    await rig.fire("W.INIT", "W.REQ")
    assert (tmp_path / "logs" / "run.csv").read_text() == "TRUE; \n"


async def test_killing_the_resource_closes_the_file(rig: Rig, tmp_path: Path) -> None:
    writer(rig, SD_1="1")
    rig.start()
    await rig.fire("W.INIT")
    rig.res.kill()
    rig.res.reset()
    rig.events.clear()
    rig.start()
    await rig.fire("W.REQ", "W.INIT")
    assert rig.values() == [
        {"QO": False, "STATUS": "File not opened"},
        {"QO": True, "STATUS": "OK"},
    ]


@pytest.mark.skipif(not UTILS.is_dir(), reason="the 4diac corpus is not beside the checkout")
@pytest.mark.parametrize("width", range(1, 11))
def test_interface_is_the_4diac_library_one(width: int) -> None:
    name = f"CSV_WRITER_{width}"
    ours = LIB[name].interface
    theirs = read_file(UTILS / f"{name}.fbt").interface  # type: ignore[union-attr]
    assert [(e.name, *e.with_) for e in ours.event_inputs] == [
        (e.name, *e.with_vars) for e in theirs.event_inputs
    ]
    assert [(e.name, *e.with_) for e in ours.event_outputs] == [
        (e.name, *e.with_vars) for e in theirs.event_outputs
    ]
    assert [(d.name, d.type.name) for d in ours.data_inputs] == [
        (v.name, v.type_name) for v in theirs.inputs
    ]
    assert [(d.name, d.type.name) for d in ours.data_outputs] == [
        (v.name, v.type_name) for v in theirs.outputs
    ]
