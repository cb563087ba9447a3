"""`fbrt run` in-process (typer's runner): each kind of PATH, --dump and --trace, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fbruntime.cli import app
from fbruntime.mgmt import ring_boot_file

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def last_json(output: str) -> dict[str, object]:
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_boot_file_runs_until_stest_end(tmp_path: Path) -> None:
    boot = tmp_path / "ring.fboot"
    boot.write_text(ring_boot_file(200, 2))
    result = runner.invoke(app, ["run", str(boot), "--dump", "--for", "30"])
    assert result.exit_code == 0, result.output
    dumped = last_json(result.output)
    assert dumped["CTR.CV"] == 200 and dumped["CTR.QU"] is True
    assert str(dumped["SW.TD"]).startswith("T#")  # a TIME is dumped as its IEC literal


def test_a_failing_boot_file_names_file_line_and_reason(tmp_path: Path) -> None:
    boot = tmp_path / "bad.fboot"
    boot.write_text(
        ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>\n'
        'RES;<Request ID="2" Action="CREATE"><FB Name="X" Type="NO_SUCH_TYPE" /></Request>\n'
    )
    result = runner.invoke(app, ["run", str(boot)])
    assert result.exit_code != 0
    assert "bad.fboot:2" in result.output and "UNSUPPORTED_TYPE" in result.output


def test_a_4diac_system_runs_with_trace_and_dump() -> None:
    sys_file = ROOT / "systems" / "blinker4diac" / "Blinker.sys"
    result = runner.invoke(app, ["run", str(sys_file), "--for", "0.6", "--trace", "--dump"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    events = [json.loads(x) for x in lines if x.startswith('{"block"')]
    assert events[0]["block"] == "START" and events[0]["event"] == "COLD"
    assert any(e["block"].endswith("Counter") for e in events)
    dumped = last_json(result.output)
    assert dumped["BlinkApp.Counter.CV"] >= 1


def test_an_unknown_trigger_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", str(ROOT / "systems" / "blinker.py"), "--trigger", "NOPE.EV", "--for", "0.1"]
    )
    assert result.exit_code != 0
    assert "NOPE.EV" in result.output


def test_a_broken_4diac_file_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "Bad.sys"
    bad.write_text('<?xml version="1.0"?>\n<System Name="Bad">\n  <Application Name="A">\n')
    result = runner.invoke(app, ["run", str(bad), "--for", "0.1"])
    assert result.exit_code != 0
    assert "Bad.sys" in result.output


TWO_RESOURCES = """<?xml version="1.0" encoding="UTF-8"?>
<System Name="Two">
<Application Name="App"><SubAppNetwork>
<FB Name="C" Type="iec61499::events::E_CTU"><Parameter Name="PV" Value="5"/></FB>
</SubAppNetwork></Application>
<Application Name="Side"><SubAppNetwork><FB Name="S" Type="iec61499::events::E_CTU"/>
</SubAppNetwork></Application>
<Device Name="PC" Type="iec61499::system::FORTE_PC">
<Resource Name="R" Type="iec61499::system::EMB_RES"><FBNetwork><EventConnections>
<Connection Source="START.COLD" Destination="Side.S.CU"/></EventConnections></FBNetwork>
</Resource></Device>
<Mapping From="Side.S" To="PC.R"/>
</System>
"""


def test_each_pin_has_one_name_in_trigger_trace_and_dump(tmp_path: Path) -> None:
    """App.C is mapped nowhere (it runs in the resource _default), Side.S runs in R: both are
    named by their application path; only START, in both resources, needs its resource."""
    sys_file = tmp_path / "Two.sys"
    sys_file.write_text(TWO_RESOURCES)
    result = runner.invoke(
        app, ["run", str(sys_file), "--trigger", "App.C.CU", "--trace", "--dump", "--for", "0.1"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    blocks = {json.loads(x)["block"] for x in lines if x.startswith('{"block"')}
    assert blocks == {"R.START", "_default.START", "Side.S", "App.C"}
    assert last_json(result.output) == {
        "App.C.CV": 1,
        "App.C.Q": False,
        "Side.S.CV": 1,
        "Side.S.Q": True,  # PV 0
    }


def test_a_broken_python_system_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def build(device):\n    x = (\n")
    result = runner.invoke(app, ["run", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip() == f"fbrt: {bad}:2: syntax error: '(' was never closed"
    missing = runner.invoke(app, ["run", str(tmp_path / "nope.sys")])
    assert missing.output.strip() == f"fbrt: {tmp_path / 'nope.sys'}: no such file or folder"
