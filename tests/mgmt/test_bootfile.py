from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.mgmt import replies
from fbruntime.mgmt.bootfile import (
    BootEntry,
    BootFileError,
    format_boot_file,
    read_boot_file,
    read_boot_text,
    run_boot_file,
    write_boot_file,
)
from fbruntime.mgmt.commands import (
    ClearForce,
    Command,
    CreateConnection,
    CreateFB,
    CreateWatch,
    ForceValue,
    Kill,
    QueryFB,
    Start,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.replies import Response
from fbruntime.mgmt.requests import parse_request

from .conftest import HELLO_WORLD_BOOT, TRAINING_BOOT, RecordingTarget

needs_corpus = pytest.mark.skipif(not HELLO_WORLD_BOOT.exists(), reason="corpus not present")


def write(tmp_path: Path, text: str, name: str = "test.fboot") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return path


@needs_corpus
def test_the_hello_world_boot_file_reads_line_by_line() -> None:
    entries = list(read_boot_file(HELLO_WORLD_BOOT))
    assert [entry.line for entry in entries] == list(range(1, 11))
    assert entries[0].dst == ""
    assert {entry.dst for entry in entries[1:]} == {"HELLO"}
    commands = [parse_request(entry.request).command for entry in entries]
    assert commands[0] == CreateFB("HELLO", "EMB_RES")
    assert commands[5] == WriteParameter("STRING#'Hello World!'", "HelloWorld.CSV_WRITER_1.SD_1")
    assert commands[-1] == Start()


@needs_corpus
async def test_the_training_boot_file_runs_in_order() -> None:
    target = RecordingTarget()
    assert await run_boot_file(TRAINING_BOOT, target) == 19
    assert target.calls[0] == ("", CreateFB("EMB_RES_AX", "iec61499::system::EMB_RES"))
    assert target.calls[7] == (
        "EMB_RES_AX",
        WriteParameter("(Pin:=1)", "App_AX.Control.DigitalOutput_Q1.Output"),
    )
    assert target.calls[-1] == ("EMB_RES_AX", Start())


def test_only_the_first_semicolon_separates_the_destination(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'RES;<Request ID="1" Action="WRITE"><Connection Source="&apos;a;b&apos;" '
        'Destination="F.S" /></Request>\n'
        'RES;<Request ID="2" Action="WRITE"><Connection Source="x;y" Destination="F.T" /></Request>\n',
    )
    commands = [parse_request(entry.request).command for entry in read_boot_file(path)]
    assert commands == [WriteParameter("'a;b'", "F.S"), WriteParameter("x;y", "F.T")]


def test_a_request_over_several_lines_is_joined_and_reported_at_its_first_line() -> None:
    text = (
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        "\n"
        'RES;<Request ID="2" Action="CREATE">\n'
        '  <FB Name="X" Type="E_SR" />\n'
        "</Request>\n"
        'RES;<Request ID="3"\n'
        ' Action="START"/>\n'
    )
    entries = list(read_boot_text(text))
    assert [(entry.line, entry.dst) for entry in entries] == [(1, ""), (3, "RES"), (6, "RES")]
    assert parse_request(entries[1].request).command == CreateFB("X", "E_SR")
    assert parse_request(entries[2].request).command == Start()


def test_blank_lines_and_crlf_line_ends_are_accepted() -> None:
    text = '\r\n;<Request ID="1" Action="START"/>\r\n\r\n  \r\nR;<Request ID="2" Action="STOP"/>'
    entries = list(read_boot_text(text))
    assert entries == [
        BootEntry(2, "", '<Request ID="1" Action="START"/>'),
        BootEntry(5, "R", '<Request ID="2" Action="STOP"/>'),
    ]


def test_a_line_without_a_semicolon_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, ';<Request ID="1" Action="START"/>\n<Request ID="2" Action="START"/>\n')
    entries = read_boot_file(path)
    assert next(entries).line == 1
    with pytest.raises(BootFileError, match=r"test\.fboot:2: no ';'") as failure:
        next(entries)
    assert failure.value.line == 2


def test_a_request_that_never_closes_is_reported_at_its_start() -> None:
    text = ';<Request ID="1" Action="START"/>\nR;<Request ID="2" Action="CREATE">\n<FB Name="x" Type="y"/>\n'
    with pytest.raises(BootFileError, match=r"f\.fboot:2: .*not closed.*line 3"):
        list(read_boot_text(text, "f.fboot"))


def test_a_missing_file_is_a_boot_file_error(tmp_path: Path) -> None:
    with pytest.raises(BootFileError, match="cannot read the boot file"):
        read_boot_file(tmp_path / "absent.fboot")


async def test_a_bad_request_stops_the_run_with_line_and_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        'RES;<Request ID="2" Action="CREATE"><FB Name="X" /></Request>\n'
        'RES;<Request ID="3" Action="START"/>\n',
    )
    target = RecordingTarget()
    with pytest.raises(BootFileError) as failure:
        await run_boot_file(path, target)
    assert failure.value.line == 2
    assert failure.value.reason is Reason.INVALID_OBJECT
    assert str(failure.value).startswith(f"{path}:2: ")
    assert "lacks the Type attribute" in str(failure.value)
    assert target.calls == [("", CreateFB("RES", "EMB_RES"))]


async def test_the_first_failing_command_stops_the_run_with_its_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        'RES;<Request ID="2" Action="CREATE"><FB Name="X" Type="NOPE" /></Request>\n'
        'RES;<Request ID="3" Action="START"/>\n',
    )

    def answer(dst: str, command: Command) -> Response:
        if command == CreateFB("X", "NOPE"):
            return replies.error(Reason.UNSUPPORTED_TYPE)
        return replies.OK

    target = RecordingTarget(answer)
    with pytest.raises(
        BootFileError, match=r":2: request 2 on resource 'RES' failed with UNSUPPORTED_TYPE"
    ):
        await run_boot_file(path, target)
    assert len(target.calls) == 2


PERSISTED: list[tuple[str, Command]] = [
    ("", CreateFB("RES", "EMB_RES")),
    ("RES", CreateFB("App.Sub.X", "iec61499::events::E_CTU")),
    ("RES", WriteParameter("'semi;colon' \"quoted\" <tag> & amp\nnext line", "App.Sub.X.S")),
    ("RES", ForceValue("5", "App.Sub.X.PV")),
    ("RES", ClearForce("App.Sub.X.PV")),
    ("RES", TriggerEvent("App.Sub.X.CU")),
    ("RES", CreateWatch("App.Sub.X.CV")),
    ("RES", CreateConnection("START.COLD", "App.Sub.X.CU")),
    ("RES", QueryFB()),
    ("RES", Start()),
    ("", Kill("RES")),
]


def test_written_boot_files_read_back_to_the_same_commands(tmp_path: Path) -> None:
    path = tmp_path / "deploy.fboot"
    write_boot_file(path, PERSISTED)
    read_back = [
        (entry.dst, parse_request(entry.request).command) for entry in read_boot_file(path)
    ]
    assert read_back == PERSISTED
    assert len(path.read_text("latin-1").splitlines()) == len(PERSISTED)


def test_written_lines_have_the_ide_layout() -> None:
    assert format_boot_file([("", CreateFB("RES", "EMB_RES")), ("RES", Start())]) == (
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        'RES;<Request ID="2" Action="START"/>\n'
    )


def test_writing_replaces_the_old_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = write(tmp_path, "old content\n", "deploy.fboot")
    write_boot_file(path, [("RES", Start())])
    assert path.read_text("latin-1") == 'RES;<Request ID="1" Action="START"/>\n'
    assert [p.name for p in tmp_path.iterdir()] == ["deploy.fboot"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = write(tmp_path, "old content\n", "deploy.fboot")
    with pytest.raises(ValueError, match="destination cannot contain"):
        write_boot_file(path, [("RES;X", Start())])
    assert path.read_text("latin-1") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["deploy.fboot"]
