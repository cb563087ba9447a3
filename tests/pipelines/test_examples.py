"""The example pipelines in systems/pipelines run for real: SQLite, local HTTP servers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from fbruntime.cli import app
from fbruntime.pipelines.service import PipelineService

from .servers import FakeTelegram, JsonApi

EXAMPLES = Path(__file__).parents[2] / "systems" / "pipelines"
runner = CliRunner()


def endpoints(api: JsonApi, telegram: FakeTelegram) -> dict[str, Any]:
    return {
        "weather_api": f"{api.server.url}/weather",
        "token": telegram.token,
        "telegram_api": telegram.api_url,
    }


async def test_weather_alerts_maps_over_cities_in_a_pool_and_branches(
    service: PipelineService, api: JsonApi, telegram: FakeTelegram
) -> None:
    service.upload("weather_alerts.json", (EXAMPLES / "weather_alerts.json").read_bytes())
    detail = await service.run(
        "weather_alerts",
        parameters={
            "cities": ["Oslo", "Lima", "Pune"],
            "threshold": 20,
            **endpoints(api, telegram),
        },
    )
    assert detail.run.status == "succeeded", detail.run.error
    tasks = {t.task_id: t for t in detail.tasks}
    assert tasks["fetch"].detail == {"map": {"total": 3, "succeeded": 3}}
    assert tasks["temperatures"].output == [21.5, 21.5, 21.5]
    assert tasks["all_clear"].status == "skipped"
    assert tasks["all_clear"].detail == {
        "reason": "condition not met: max(temperatures) <= params.threshold "
        "(temperatures = [21.5, 21.5, 21.5], params.threshold = 20)"
    }
    expected = 'Heat alert! ["Oslo", "Lima", "Pune"]: [21.5, 21.5, 21.5] degrees C (alert above 20)'
    assert telegram.texts_to(42) == [expected]
    assert detail.run.result["text"] == expected
    assert sorted(r.query["city"] for r in api.server.requests) == ["Lima", "Oslo", "Pune"]
    assert service.pools.describe() == [
        {"name": "weather_api", "size": 2, "in_use": 0, "waiting": 0}
    ]


async def test_all_city_reports_runs_one_nested_pipeline_per_city(
    service: PipelineService, api: JsonApi, telegram: FakeTelegram
) -> None:
    service.upload("city_report.json", (EXAMPLES / "city_report.json").read_bytes())
    service.upload("all_city_reports.json", (EXAMPLES / "all_city_reports.json").read_bytes())
    detail = await service.run("all_city_reports", parameters=endpoints(api, telegram))
    assert detail.run.status == "succeeded", detail.run.error
    reports = [
        "Berlin: 21.5 degrees C, wind 7.2 km/h",
        "Oslo: 21.5 degrees C, wind 7.2 km/h",
    ]
    assert detail.run.result == reports
    children = await service.children(detail.run.id)
    assert [(c.pipeline, c.parent_task_id, c.parameters["city"]) for c in children] == [
        ("city_report", "reports[0]", "Berlin"),
        ("city_report", "reports[1]", "Oslo"),
    ]
    # inherit: the children got the parent's weather_api, which they declare too
    assert {c.parameters["weather_api"] for c in children} == {f"{api.server.url}/weather"}
    assert telegram.texts_to(42) == ["City reports:\n" + json.dumps(reports, indent=1)]


async def cli(*args: str) -> Any:
    """``fbrt ARGS`` in a thread (it runs its own event loop), while the test's servers serve."""
    return await asyncio.to_thread(runner.invoke, app, list(args))


async def test_the_4diac_example_runs_from_the_command_line(
    tmp_path: Path, api: JsonApi, telegram: FakeTelegram
) -> None:
    params = [f"--param={k}={v}" for k, v in endpoints(api, telegram).items()]
    result = await cli(
        "pipeline",
        "run",
        str(EXAMPLES / "weather4diac" / "WeatherAlerts.sys"),
        "--data-dir",
        str(tmp_path / "data"),
        "--param",
        "city=Quito",
        *params,
    )
    assert result.exit_code == 0, result.output
    assert "run succeeded" in result.output
    assert "- hot skipped: condition not met" in result.output
    (text,) = telegram.texts_to(42)
    assert text.startswith("All clear in Quito:")


async def test_the_nested_example_runs_from_the_command_line_with_its_child(
    tmp_path: Path, api: JsonApi, telegram: FakeTelegram
) -> None:
    params = [f"--param={k}={v}" for k, v in endpoints(api, telegram).items()]
    result = await cli(
        "pipeline",
        "run",
        str(EXAMPLES / "all_city_reports.json"),
        "--with",
        str(EXAMPLES / "city_report.json"),
        "--data-dir",
        str(tmp_path / "data"),
        "--param",
        'cities=[{"city": "Kyiv"}]',
        "--pool",
        "weather_api=1",
        *params,
    )
    assert result.exit_code == 0, result.output
    assert 'result: ["Kyiv: 21.5 degrees C, wind 7.2 km/h"]' in result.output
    assert (
        "nested run " in result.output and "of city_report (reports[0]): succeeded" in result.output
    )


def test_the_plugin_example_runs_with_its_operation_folder(tmp_path: Path) -> None:
    example = str(EXAMPLES / "plugins" / "fahrenheit.json")
    ops = str(EXAMPLES / "plugins" / "ops")
    data = str(tmp_path / "data")
    result = runner.invoke(
        app, ["pipeline", "run", example, "--folder", ops, "--data-dir", data, "--param", "unit=K"]
    )
    assert result.exit_code == 0, result.output
    assert "converted succeeded (4 items)" in result.output
    assert "result: [233.15, 273.15, 294.65, 373.15]" in result.output
    refused = runner.invoke(app, ["pipeline", "validate", example])
    assert refused.exit_code == 1
    assert "unknown operation 'temperature.convert'" in refused.output
