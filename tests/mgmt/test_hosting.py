"""Devices from boot files (as FORTE's ForteBootFileLoader), the test blocks, and export."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import TestClock
from fbruntime.mgmt import BootFileError, Reason, read_boot_file
from fbruntime.mgmt.hosting import export_boot_file, target_from_boot_file
from fbruntime.mgmt.resolver import LibraryResolver

TEST_RUN = """\
;<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>
RES;<Request ID="2" Action="CREATE"><FB Name="Tests.OK" Type="TEST_CONDITION" /></Request>
RES;<Request ID="3" Action="CREATE"><FB Name="Tests.BAD" Type="TEST_CONDITION" /></Request>
RES;<Request ID="4" Action="CREATE"><FB Name="END" Type="iec61499::utils::STEST_END" /></Request>
RES;<Request ID="5" Action="WRITE"><Connection Source="TRUE" Destination="Tests.OK.check" /></Request>
RES;<Request ID="6" Action="WRITE"><Connection Source="{bad}" Destination="Tests.BAD.check" /></Request>
RES;<Request ID="7" Action="CREATE"><Connection Source="START.COLD" Destination="Tests.OK.REQ" /></Request>
RES;<Request ID="8" Action="CREATE"><Connection Source="Tests.OK.CNF" Destination="Tests.BAD.REQ" /></Request>
RES;<Request ID="9" Action="CREATE"><Connection Source="Tests.BAD.CNF" Destination="END.REQ" /></Request>
RES;<Request ID="10" Action="START"/>
"""


@pytest.mark.parametrize(("bad", "code", "failed"), [("FALSE", 1, ["RES.Tests.BAD"]), ("1", 0, [])])
async def test_a_boot_file_test_run_reports_conditions_and_exit_code(
    tmp_path: Path,
    resolver: LibraryResolver,
    capsys: pytest.CaptureFixture[str],
    bad: str,
    code: int,
    failed: list[str],
) -> None:
    path = tmp_path / "run.fboot"
    path.write_text(TEST_RUN.format(bad=bad))
    exits: list[int] = []
    target = await target_from_boot_file(path, clock=TestClock(), resolver=resolver)
    target.device.on_exit.append(exits.append)
    await target.device.settle()
    assert exits == [code]
    assert target.device.failed_conditions == failed
    # FORTE's log lines, on standard error as FORTE writes them, timestamps aside
    err = [line.partition(": ")[::2] for line in capsys.readouterr().err.splitlines()]
    lines = [(level, text.partition(": ")[2]) for level, text in err]
    passed = " ------------------------------ [TEST_CONDITION_PASSED] RES.Tests.{} passed"
    failure = (
        "------------------------------ [TEST_CONDITION_FAILED] RES.Tests.BAD failed "
        "------------------------------"
    )
    assert lines[0] == ("INFO", passed.format("OK"))
    assert lines[1] == (("ERROR", failure) if failed else ("INFO", passed.format("BAD")))
    report = f" ------------------------ 2 tests executed, {len(failed)} failed {'-' * 23}"
    assert lines[2:] == [
        ("INFO", " " + "-" * 78),
        ("INFO", " ------------------------ [TEST_CONDITION FINAL REPORT] -----------------------"),
        ("ERROR" if failed else "INFO", report),
        ("INFO", " " + "-" * 78),
    ]


@pytest.mark.parametrize(
    ("line", "failing", "reason"),
    [
        (
            3,
            '<Request ID="3" Action="CREATE"><FB Name="X" Type="E_NOTHING" /></Request>',
            "UNSUPPORTED_TYPE",
        ),
        (
            3,
            '<Request ID="3" Action="WRITE"><Connection Source="x" Destination="S.NOPE" /></Request>',
            "NO_SUCH_OBJECT",
        ),
        (
            3,
            '<Request ID="3" Action="CREATE"><FB Name="S" Type="E_SPLIT" /></Request>',
            "INVALID_STATE",
        ),
        (3, '<Request ID="3" Action="JUMP"/>', "UNSUPPORTED_CMD"),
    ],
)
async def test_a_boot_file_stops_at_the_first_failing_command_with_line_and_reason(
    tmp_path: Path, resolver: LibraryResolver, line: int, failing: str, reason: str
) -> None:
    path = tmp_path / "broken.fboot"
    path.write_text(
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        'RES;<Request ID="2" Action="CREATE"><FB Name="S" Type="E_SPLIT" /></Request>\n'
        f"RES;{failing}\n"
        'RES;<Request ID="4" Action="START"/>\n'
    )
    with pytest.raises(BootFileError) as failure:
        await target_from_boot_file(path, clock=TestClock(), resolver=resolver)
    assert failure.value.line == line
    assert failure.value.reason is Reason(reason)
    assert str(path) in str(failure.value)
    assert reason in str(failure.value)


async def test_export_writes_the_compacted_deployment_as_a_boot_file(
    tmp_path: Path, resolver: LibraryResolver
) -> None:
    source = tmp_path / "in.fboot"
    source.write_text(
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        'RES;<Request ID="2" Action="CREATE"><FB Name="A" Type="E_SPLIT" /></Request>\n'
        'RES;<Request ID="3" Action="CREATE"><FB Name="B" Type="E_CTU" /></Request>\n'
        'RES;<Request ID="4" Action="WRITE"><Connection Source="3" Destination="B.PV" /></Request>\n'
        'RES;<Request ID="5" Action="WRITE"><Connection Source="5" Destination="B.PV" /></Request>\n'
        'RES;<Request ID="6" Action="CREATE"><Connection Source="START.COLD" Destination="A.EI" /></Request>\n'
        'RES;<Request ID="7" Action="CREATE"><Connection Source="A.EO1" Destination="B.CU" /></Request>\n'
        'RES;<Request ID="8" Action="CREATE"><FB Name="C" Type="E_SPLIT" /></Request>\n'
        'RES;<Request ID="9" Action="CREATE"><Connection Source="A.EO2" Destination="C.EI" /></Request>\n'
        'RES;<Request ID="10" Action="DELETE"><FB Name="C" Type=""/></Request>\n'
        'RES;<Request ID="11" Action="START"/>\n'
    )
    target = await target_from_boot_file(source, clock=TestClock(), resolver=resolver)
    exported = tmp_path / "out.fboot"
    export_boot_file(target, exported)
    assert exported.read_text() == (
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        'RES;<Request ID="2" Action="CREATE"><FB Name="A" Type="E_SPLIT" /></Request>\n'
        'RES;<Request ID="3" Action="CREATE"><FB Name="B" Type="E_CTU" /></Request>\n'
        'RES;<Request ID="4" Action="WRITE"><Connection Source="5" Destination="B.PV" /></Request>\n'
        'RES;<Request ID="5" Action="CREATE"><Connection Source="START.COLD" Destination="A.EI" /></Request>\n'
        'RES;<Request ID="6" Action="CREATE"><Connection Source="A.EO1" Destination="B.CU" /></Request>\n'
        'RES;<Request ID="7" Action="START"/>\n'
    )
    # The export is itself a boot file that rebuilds the same device.
    again = await target_from_boot_file(exported, clock=TestClock(), resolver=resolver)
    await again.device.settle()
    assert again.device.resources["RES"].network.instances["B"].CV == 1
    assert len(list(read_boot_file(exported))) == 7
