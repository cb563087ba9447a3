"""`fbrt types`: lists what a folder holds, with each type's problems, as text or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fbruntime.cli import app

GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="Doubler" Comment="Doubles IN">
  <Identification Description="doubles its input"/>
  <VersionInfo Version="2.3" Author="fbrt tests" Date="2026-11-22"/>
  <InterfaceList>
    <EventInputs><Event Name="REQ"><With Var="IN"/></Event></EventInputs>
    <EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
    <InputVars><VarDeclaration Name="IN" Type="INT"/></InputVars>
    <OutputVars><VarDeclaration Name="OUT" Type="INT"/></OutputVars>
  </InterfaceList>
  <SimpleFB>
    <Algorithm Name="REQ"><ST><![CDATA[OUT := IN * 2;]]></ST></Algorithm>
  </SimpleFB>
</FBType>
"""

BROKEN = GOOD.replace("OUT := IN * 2;", "OUT := NOPE * 2;").replace("Doubler", "Broken")


def test_types_lists_name_version_kind_and_problems(tmp_path: Path) -> None:
    (tmp_path / "Doubler.fbt").write_text(GOOD)
    result = CliRunner().invoke(app, ["types", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = [t for t in json.loads(result.output) if t["name"] == "Doubler"]
    assert (entry["version"], entry["kind"]) == ("2.3", "simple")
    assert entry["problems"] == []


def test_types_exits_non_zero_and_names_the_broken_file(tmp_path: Path) -> None:
    (tmp_path / "Doubler.fbt").write_text(GOOD)
    (tmp_path / "Broken.fbt").write_text(BROKEN)
    result = CliRunner().invoke(app, ["types", str(tmp_path)])
    assert result.exit_code == 1
    assert "Broken" in result.output and "NOPE" in result.output
    assert "Doubler" in result.output  # one bad file does not hide the others


PY_BLOCK = """
from fbruntime import Block, EventInput


class Ping(Block):
    version = "0.3"
    description = "answers nothing"
    REQ = EventInput()

    def on_REQ(self) -> None:
        pass
"""


def test_types_lists_python_blocks_and_json_composites_too(tmp_path: Path) -> None:
    (tmp_path / "Doubler.fbt").write_text(GOOD)
    (tmp_path / "Ping.py").write_text(PY_BLOCK)
    composite = {
        "name": "Pings",
        "interface": {"event_inputs": [{"name": "GO"}]},
        "blocks": [{"name": "P", "type": "Ping"}, {"name": "C", "type": "E_CTU"}],
        "connections": [["GO", "P.REQ"], ["GO", "C.CU"]],
    }
    (tmp_path / "Pings.json").write_text(json.dumps(composite))
    result = CliRunner().invoke(app, ["types", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    rows = {t["name"]: (t["version"], t["kind"]) for t in json.loads(result.output)}
    assert rows == {
        "Doubler": ("2.3", "simple"),
        "Ping": ("0.3", "python"),
        "Pings": ("1.0", "composite"),
    }
    root = Path(__file__).resolve().parents[2]
    shipped = CliRunner().invoke(app, ["types", str(root / "composites")])
    assert shipped.exit_code == 0, shipped.output
    assert "E_BLINK" in shipped.output and "E_EVERY_N" in shipped.output
