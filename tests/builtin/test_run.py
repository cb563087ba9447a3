"""``fbrt run`` of a 4diac system and of a boot file that use FORTE's types, with no type folder."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fbruntime.cli import app

runner = CliRunner()

SYSTEM = """<?xml version="1.0" encoding="UTF-8"?>
<System Name="Sums">
  <Application Name="App">
    <SubAppNetwork>
      <FB Name="Src" Type="iec61131::conversion::INT2INT"><Parameter Name="IN" Value="20000"/></FB>
      <FB Name="Add" Type="F_ADD"/>
      <FB Name="Add3" Type="ADD_3">
        <Parameter Name="IN1" Value="UINT#1"/>
        <Parameter Name="IN2" Value="UINT#2"/>
        <Parameter Name="IN3" Value="UINT#3"/>
      </FB>
      <FB Name="Flag" Type="BOOL2BOOL"><Parameter Name="IN" Value="TRUE"/></FB>
      <FB Name="Bytes" Type="SPLIT_WORD_INTO_BYTES"><Parameter Name="IN" Value="16#1234"/></FB>
      <FB Name="End" Type="STEST_END"/>
      <EventConnections>
        <Connection Source="Src.CNF" Destination="Add.REQ"/>
        <Connection Source="Add.CNF" Destination="Add3.REQ"/>
        <Connection Source="Add3.CNF" Destination="Flag.REQ"/>
        <Connection Source="Flag.CNF" Destination="Bytes.REQ"/>
        <Connection Source="Bytes.CNF" Destination="End.REQ"/>
      </EventConnections>
      <DataConnections>
        <Connection Source="Src.OUT" Destination="Add.IN1"/>
        <Connection Source="Src.OUT" Destination="Add.IN2"/>
      </DataConnections>
    </SubAppNetwork>
  </Application>
  <Device Name="PC" Type="FORTE_PC">
    <Resource Name="RES" Type="EMB_RES">
      <FBNetwork>
        <EventConnections><Connection Source="START.COLD" Destination="App.Src.REQ"/></EventConnections>
      </FBNetwork>
    </Resource>
  </Device>
  <Mapping From="App.Src" To="PC.RES"/>
  <Mapping From="App.Add" To="PC.RES"/>
  <Mapping From="App.Add3" To="PC.RES"/>
  <Mapping From="App.Flag" To="PC.RES"/>
  <Mapping From="App.Bytes" To="PC.RES"/>
  <Mapping From="App.End" To="PC.RES"/>
</System>
"""


def last_json(output: str) -> dict[str, object]:
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_system_of_forte_types_runs_without_a_type_folder(tmp_path: Path) -> None:
    sys_file = tmp_path / "Sums.sys"
    sys_file.write_text(SYSTEM)
    result = runner.invoke(app, ["run", str(sys_file), "--dump", "--for", "30"])
    assert result.exit_code == 0, result.output
    dumped = last_json(result.output)
    assert dumped["App.Add.OUT"] == -25536  # typed INT by its connection, so it wraps
    assert dumped["App.Add3.OUT"] == 6
    assert dumped["App.Flag.OUT"] is True
    bytes_ = (dumped["App.Bytes.BYTE_00"], dumped["App.Bytes.BYTE_01"])
    assert bytes_ == ("52", "18")  # 16#34, 16#12


BOOT = """\
;<Request ID="1" Action="CREATE"><FB Name="R" Type="EMB_RES" /></Request>
R;<Request ID="2" Action="CREATE"><FB Name="B" Type="BOOL2BOOL" /></Request>
R;<Request ID="3" Action="CREATE"><FB Name="N" Type="F_NOT" /></Request>
R;<Request ID="4" Action="CREATE"><FB Name="T" Type="TEST_CONDITION" /></Request>
R;<Request ID="5" Action="CREATE"><FB Name="E" Type="STEST_END" /></Request>
R;<Request ID="6" Action="WRITE"><Connection Source="{value}" Destination="B.IN" /></Request>
R;<Request ID="7" Action="CREATE"><Connection Source="START.COLD" Destination="B.REQ" /></Request>
R;<Request ID="8" Action="CREATE"><Connection Source="B.CNF" Destination="N.REQ" /></Request>
R;<Request ID="9" Action="CREATE"><Connection Source="B.OUT" Destination="N.IN" /></Request>
R;<Request ID="10" Action="CREATE"><Connection Source="N.CNF" Destination="T.REQ" /></Request>
R;<Request ID="11" Action="CREATE"><Connection Source="N.OUT" Destination="T.check" /></Request>
R;<Request ID="12" Action="CREATE"><Connection Source="T.CNF" Destination="E.REQ" /></Request>
R;<Request ID="13" Action="START"/>
"""


def test_a_boot_file_of_forte_types_passes_and_fails_as_on_forte(tmp_path: Path) -> None:
    """A system-test boot file in FORTE's style: BOOL2BOOL into F_NOT into TEST_CONDITION."""
    passing = tmp_path / "pass.fboot"
    passing.write_text(BOOT.format(value="FALSE"))
    failing = tmp_path / "fail.fboot"
    failing.write_text(BOOT.format(value="TRUE"))
    passed = runner.invoke(app, ["run", str(passing), "--for", "30"])
    assert passed.exit_code == 0, passed.output
    assert "[TEST_CONDITION_PASSED] R.T passed" in passed.output
    failed = runner.invoke(app, ["run", str(failing), "--for", "30"])
    assert failed.exit_code == 1
    assert "[TEST_CONDITION_FAILED] R.T failed" in failed.output


def test_fbrt_types_without_a_folder_lists_the_built_ins() -> None:
    result = runner.invoke(app, ["types", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert len(rows) == 463
    assert rows["F_ADD"]["kind"] == "generic"
    assert rows["E_TimeOut"]["kind"] == "composite"
    assert rows["DEV_MGR"]["kind"] == "" and "management" in rows["DEV_MGR"]["description"]
    assert not any(row["problems"] for row in rows.values())


def test_the_loader_finds_forte_s_types_by_name() -> None:
    from fbruntime import Loader

    loader = Loader()
    assert loader.get("F_ADD").name == "F_ADD"
    assert loader.get("ADD_3").interface.data_port("IN3") is not None
    assert loader.get("E_CTU").name == "E_CTU"  # a shipped block file still comes first
