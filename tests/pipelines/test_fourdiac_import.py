"""4diac XML -> pipelines: the example system runs, and every problem names file, line, FB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fbruntime.cli import app
from fbruntime.fourdiac.model import ServiceFBType
from fbruntime.fourdiac.reader import read_file
from fbruntime.pipelines import PipelineError
from fbruntime.pipelines.fbt_export import fbt_text, type_name
from fbruntime.pipelines.fourdiac_import import import_system, load_system_pipeline
from fbruntime.pipelines.service import PipelineService

from .conftest import shipped_operations
from .servers import FakeTelegram, JsonApi

FOLDER = Path(__file__).parents[2] / "systems" / "pipelines" / "weather4diac"
EXAMPLE = FOLDER / "WeatherAlerts.sys"
runner = CliRunner()


def test_the_example_imports_into_the_clients_json() -> None:
    imported = import_system(EXAMPLE, shipped_operations())
    config = imported.config
    assert config["dag_name"] == "weather_alerts_4diac"
    assert config["parameters"]["city"] == {"type": "str", "default": "Berlin"}
    tasks = {t["id"]: t for t in config["tasks"]}
    assert list(tasks) == ["fetch", "format", "hot", "mild", "send"]
    assert tasks["fetch"] == {
        "id": "fetch",
        "operation": "http.get_json",
        "independent_params": {"timeout": 10.0},
        "dependent_params": {"url": "${params.weather_api}?city=${params.city}"},
        "max_retries": 2,
        "retry_delay": 1,
    }
    # data connection -> dependent param, event connection -> dependency, 4diac "$N" -> newline
    assert tasks["format"]["dependent_params"] == {"value": "fetch"}
    assert tasks["format"]["dependencies"] == ["fetch"]
    assert tasks["hot"]["dependent_params"] == {"value": "Heat alert in ${params.city}:\n${format}"}
    assert tasks["hot"]["when"] == "fetch.current_weather.temperature > params.threshold"
    assert tasks["send"]["dependencies"] == ["hot", "mild"]
    assert tasks["send"]["dependent_params"]["text"] == "hot ?? mild"
    assert tasks["send"]["trigger_rule"] == "none_failed_min_one_success"
    assert imported.lines == {"fetch": 9, "format": 15, "hot": 18, "mild": 22, "send": 26}


@pytest.mark.parametrize(("threshold", "branch"), [(30, "All clear"), (20, "Heat alert")])
async def test_the_example_runs_and_takes_the_branch_the_weather_says(
    service: PipelineService,
    api: JsonApi,
    telegram: FakeTelegram,
    threshold: float,
    branch: str,
) -> None:
    imported, _ = load_system_pipeline(EXAMPLE, service.operations)
    service.upload("weather4diac.json", imported.json())
    detail = await service.run(
        "weather_alerts_4diac",
        parameters={
            "city": "Oslo",
            "threshold": threshold,
            "weather_api": f"{api.server.url}/weather",
            "token": telegram.token,
            "telegram_api": telegram.api_url,
        },
    )
    assert detail.run.status == "succeeded", detail.run.error
    (text,) = telegram.texts_to(42)
    assert text.startswith(f"{branch} in Oslo:\n{{")
    assert json.loads(text.split("\n", 1)[1])["current_weather"]["temperature"] == 21.5
    assert api.server.requests[0].query == {"city": "Oslo"}
    skipped = [t.task_id for t in detail.tasks if t.status == "skipped"]
    assert skipped == (["hot"] if branch == "All clear" else ["mild"])


BROKEN = """<?xml version="1.0" encoding="UTF-8"?>
<System Name="Broken">
  <Application Name="BrokenApp">
    <SubAppNetwork>
      <FB Name="fetch" Type="http_get_json">
        <Parameter Name="url" Value="'https://example.com'"/>
        <Parameter Name="uri" Value="'typo'"/>
        <Attribute Name="fbrt::retries" Type="STRING" Value="3"/>
      </FB>
      <FB Name="format" Type="json_to_string">
        <Parameter Name="indent" Value="DINT#"/>
      </FB>
      <FB Name="send" Type="NoSuchType"/>
      <FB Name="late" Type="value_pass">
        <Attribute Name="fbrt::max_retries" Type="STRING" Value="many"/>
      </FB>
      <EventConnections>
        <Connection Source="fetch.CNF" Destination="late.START"/>
        <Connection Source="ghost.CNF" Destination="late.REQ"/>
      </EventConnections>
      <DataConnections>
        <Connection Source="fetch.result" Destination="format.value"/>
        <Connection Source="fetch.body" Destination="late.value"/>
      </DataConnections>
    </SubAppNetwork>
  </Application>
</System>
"""


def test_every_problem_names_the_file_the_line_and_the_fb(tmp_path: Path) -> None:
    path = tmp_path / "Broken.sys"
    path.write_text(BROKEN)
    with pytest.raises(PipelineError) as caught:
        import_system(path, shipped_operations(), type_folders=[FOLDER])
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:7: FB 'fetch': parameter 'uri': operation 'http.get_json' has no such input "
        "(its inputs: url, headers, query, timeout)",
        f"{path}:8: FB 'fetch': unknown attribute 'fbrt::retries' (known: fbrt::when, "
        "fbrt::trigger_rule, fbrt::for_each, fbrt::pool, fbrt::on_item_failure, "
        "fbrt::max_parallel, fbrt::max_retries, fbrt::retry_delay, fbrt::backoff, "
        "fbrt::max_delay, fbrt::jitter, fbrt::timeout, fbrt::no_retry_on)",
        f"{path}:11: FB 'format': parameter 'indent': bad literal 'DINT#': no value",
        f"{path}:13: FB 'send': type 'NoSuchType' is not an operation (write its .fbt with "
        "'fbrt pipeline fbt', or give the folder with --types)",
        f"{path}:15: FB 'late': attribute 'fbrt::max_retries': expected a whole number, got 'many'",
        f"{path}:18: FB 'late': event connection fetch.CNF -> late.START: connect CNF to REQ (a "
        "task starts on REQ and says it finished with CNF)",
        f"{path}:19: event connection ghost.CNF -> late.REQ: both ends must be FBs of the "
        "application",
        f"{path}:22: FB 'format': data connection fetch.result -> format.value: 'format' does "
        "not wait for 'fetch', so the value may not exist yet; connect fetch.CNF to format.REQ "
        "(or to an FB before format)",
        f"{path}:23: FB 'late': data connection fetch.body -> late.value: 'body' is not an "
        "output of 'fetch' (operation 'http.get_json' gives: result)",
    ]


def test_the_validators_findings_come_back_at_the_fbs_line(tmp_path: Path) -> None:
    path = tmp_path / "App.sys"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<System Name="S">
  <Application Name="App">
    <SubAppNetwork>
      <FB Name="first" Type="value_pass"/>
      <FB Name="second" Type="value_pass">
        <Attribute Name="fbrt::when" Type="STRING" Value="frist.x == 1"/>
      </FB>
      <FB Name="third" Type="telegram_send_message"/>
      <EventConnections>
        <Connection Source="first.CNF" Destination="second.REQ"/>
      </EventConnections>
    </SubAppNetwork>
  </Application>
</System>
"""
    )
    with pytest.raises(PipelineError) as caught:
        load_system_pipeline(path, shipped_operations())
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:6: FB 'second', when: 'frist.x' refers to unknown task 'frist' (did you mean "
        "'first'?)",
        f"{path}:9: FB 'third', params.chat_id: missing required parameter 'chat_id' of "
        "operation 'telegram.send_message'; set it in independent_params or dependent_params",
        f"{path}:9: FB 'third', params.text: missing required parameter 'text' of operation "
        "'telegram.send_message'; set it in independent_params or dependent_params",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<System Name='x'><Application", "malformed XML"),
        (
            '<!DOCTYPE x [<!ENTITY e "boom">]><System Name="x"/>',
            "entity declaration 'e' is not allowed",
        ),
        ("<FBType Name='x'/>", ":1: <FBType> is not a 4diac system"),
        ("<System Name='x'/>", "has no application"),
    ],
)
def test_files_that_are_not_pipelines_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "X.sys"
    path.write_text(text)
    with pytest.raises(PipelineError, match=message):
        import_system(path, shipped_operations())


def test_the_example_fbt_files_are_what_fbt_writes_and_4diac_reads() -> None:
    ops = shipped_operations()
    for path in sorted(FOLDER.glob("*.fbt")):
        (operation,) = [op for op in ops if type_name(op) == path.stem]
        fbtype = ops.fbtype(operation)
        assert path.read_text() == fbt_text(operation, fbtype, ops[operation].description)
        read = read_file(path)
        assert isinstance(read, ServiceFBType)
        assert [v.name for v in read.interface.inputs] == [
            p.name for p in fbtype.interface.data_inputs
        ]
        assert read.interface.event_inputs[0].with_vars == tuple(ops[operation].params)


def test_the_cli_imports_writes_fbt_files_and_validates_a_sys(tmp_path: Path) -> None:
    out = tmp_path / "alerts.json"
    result = runner.invoke(app, ["pipeline", "import", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["dag_name"] == "weather_alerts_4diac"
    printed = runner.invoke(app, ["pipeline", "import", str(EXAMPLE)])
    assert json.loads(printed.output) == json.loads(out.read_text())
    result = runner.invoke(app, ["pipeline", "fbt", "--out", str(tmp_path / "types"), "value.pass"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "types" / "value_pass.fbt").read_text() == (
        FOLDER / "value_pass.fbt"
    ).read_text()
    result = runner.invoke(app, ["pipeline", "validate", str(EXAMPLE)])
    assert "pipeline 'weather_alerts_4diac' is valid: 5 tasks in 4 layers" in result.output
    broken = tmp_path / "Broken.sys"
    broken.write_text(BROKEN)
    result = runner.invoke(app, ["pipeline", "import", str(broken), "--types", str(FOLDER)])
    assert result.exit_code == 1
    assert (
        f"{broken}: {broken}:13: FB 'send': type 'NoSuchType' is not an operation" in result.output
    )
