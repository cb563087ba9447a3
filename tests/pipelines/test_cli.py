"""``fbrt pipeline validate|run|runs`` through typer's CliRunner (and one real subprocess)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fbruntime.cli import app
from fbruntime.store import Store, TaskRun

runner = CliRunner()


def write(tmp_path: Path, config: dict[str, Any], name: str = "demo.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(config, indent=2))
    return path


def demo(*, broken: bool = False) -> dict[str, Any]:
    """a -> (b, c); c reads a file that is not there when ``broken``."""
    return {
        "dag_name": "demo",
        "max_retries": 1,
        "retry_delay": 0,
        "tasks": [
            {"id": "a", "operation": "value.pass", "independent_params": {"value": {"x": 1}}},
            {
                "id": "b",
                "operation": "value.pass",
                "dependent_params": {"value": "a.x"},
                "dependencies": ["a"],
            },
            {
                "id": "c",
                "operation": "file.read" if broken else "value.pass",
                "independent_params": {"file": "missing.txt"} if broken else {"value": 3},
                "dependencies": ["a"],
            },
        ],
    }


def stored_tasks(data_dir: Path) -> dict[str, TaskRun]:
    async def read() -> dict[str, TaskRun]:
        store = await Store.open(data_dir=data_dir)
        try:
            (run,) = await store.runs.list(pipeline="demo")
            detail = await store.runs.require(run.id)
        finally:
            await store.close()
        return {t.task_id: t for t in detail.tasks}

    return asyncio.run(read())


def test_validate_accepts_a_good_config(tmp_path: Path) -> None:
    result = runner.invoke(app, ["pipeline", "validate", str(write(tmp_path, demo()))])
    assert result.exit_code == 0, result.output
    assert "pipeline 'demo' is valid: 3 tasks in 2 layers" in result.output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda c: c["tasks"][1].update(operation="no.such", dependencies=["a", "zz"]),
            [
                "task 'b', dependencies[1]: unknown task 'zz'",
                "task 'b', operation: unknown operation 'no.such'",
            ],
        ),
        (
            lambda c: c["tasks"][0].update(dependencies=["b"]),
            ["task 'a', dependencies: dependency cycle: a -> b -> a"],
        ),
        (
            lambda c: c["tasks"][2].update(operation="file.read", independent_params={}),
            ["task 'c', params.file: missing required parameter 'file'"],
        ),
    ],
)
def test_validate_prints_every_problem_and_fails(
    tmp_path: Path, change: Any, expected: list[str]
) -> None:
    config = demo()
    change(config)
    path = write(tmp_path, config)
    result = runner.invoke(app, ["pipeline", "validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: {len(expected)} problem{'s' if len(expected) > 1 else ''}" + (
        " in pipeline 'demo'"
    )
    for line, text in zip(lines[1:], expected, strict=True):
        assert line.startswith(f"{path}: {text}")


def test_validate_names_the_line_of_a_json_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "dag_name": "x",\n  "tasks": [,]\n}')
    result = runner.invoke(app, ["pipeline", "validate", str(path)])
    assert result.exit_code == 1
    assert "line 3" in result.output


def test_run_runs_the_pipeline_in_the_data_dir_and_lists_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = write(tmp_path, demo())
    result = runner.invoke(app, ["pipeline", "run", str(path), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "of demo: 3 tasks" in result.output
    for task in "abc":
        assert f"✓ {task} succeeded" in result.output
    assert "3/3" in result.output
    assert "run succeeded" in result.output
    tasks = stored_tasks(data)
    assert {t: (r.status, r.output) for t, r in tasks.items()} == {
        "a": ("succeeded", {"x": 1}),
        "b": ("succeeded", 1),
        "c": ("succeeded", 3),
    }
    assert list((data / "dag" / "dag_demo").glob("*.zip"))
    listed = runner.invoke(app, ["pipeline", "runs", str(path), "--data-dir", str(data)])
    assert listed.exit_code == 0
    (row,) = listed.output.splitlines()[1:]
    assert row.split()[1:3] == ["succeeded", "cli"]


def test_a_failed_run_shows_the_failure_and_exits_non_zero(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = write(tmp_path, demo(broken=True))
    result = runner.invoke(app, ["pipeline", "run", str(path), "--data-dir", str(data)])
    assert result.exit_code == 1
    assert "↻ c retrying: OperationError: file 'missing.txt' does not exist" in result.output
    assert "✗ c failed (attempt 2)" in result.output
    assert "run failed: failed tasks: c" in result.output
    assert stored_tasks(data)["c"].status == "failed"
    listed = runner.invoke(app, ["pipeline", "runs", str(path), "--data-dir", str(data)])
    assert "failed tasks: c" in listed.output


def test_run_overrides_params_with_set(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = write(tmp_path, demo())
    result = runner.invoke(
        app,
        ["pipeline", "run", str(path), "--data-dir", str(data), "--set", 'a.value={"x": 9}'],
    )
    assert result.exit_code == 0, result.output
    assert stored_tasks(data)["b"].output == 9


@pytest.mark.parametrize("bad", ["a.value", "value=3", ".value=3"])
def test_a_malformed_set_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    path = write(tmp_path, demo())
    result = runner.invoke(
        app, ["pipeline", "run", str(path), "--data-dir", str(tmp_path), "--set", bad]
    )
    assert result.exit_code == 2
    assert "TASK.PARAM=VALUE" in result.output


def test_run_refuses_an_invalid_config_without_running(tmp_path: Path) -> None:
    config = demo()
    config["tasks"][1]["operation"] = "no.such"
    result = runner.invoke(
        app, ["pipeline", "run", str(write(tmp_path, config)), "--data-dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 1
    assert "task 'b', operation: unknown operation 'no.such'" in result.output
    assert "run " not in result.output.splitlines()[-1]


def test_the_data_dir_defaults_to_fbrt_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "env-data"
    monkeypatch.setenv("FBRT_DATA_DIR", str(data))
    monkeypatch.delenv("FBRT_DATABASE_URL", raising=False)
    path = write(tmp_path, demo())
    assert runner.invoke(app, ["pipeline", "run", str(path)]).exit_code == 0
    assert stored_tasks(data)["a"].status == "succeeded"
    listed = runner.invoke(app, ["pipeline", "runs", str(path)])
    assert len(listed.output.splitlines()) == 2


def test_runs_says_when_there_are_none(tmp_path: Path) -> None:
    path = write(tmp_path, demo())
    result = runner.invoke(
        app, ["pipeline", "runs", str(path), "--data-dir", str(tmp_path / "empty")]
    )
    assert result.exit_code == 0
    assert result.output.strip() == f"no runs of demo in {tmp_path / 'empty'}"


def test_the_fbrt_command_runs_a_pipeline_in_a_subprocess(tmp_path: Path) -> None:
    path = write(tmp_path, demo(broken=True))
    done = subprocess.run(
        [sys.executable, "-m", "fbruntime", "pipeline", "run", str(path), "--data-dir", "d"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "run failed: failed tasks: c" in done.stdout
    assert (tmp_path / "d" / "pipelines" / "demo").is_dir()
