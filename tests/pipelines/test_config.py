from __future__ import annotations

from typing import Any

import pytest

from fbruntime.pipelines import PipelineConfig, PipelineError, parse_config

from .conftest import example_config


def problems_of(data: object) -> list[str]:
    with pytest.raises(PipelineError) as caught:
        parse_config(data)
    return [str(problem) for problem in caught.value.problems]


def test_client_example_parses_with_documented_defaults() -> None:
    config = parse_config(example_config())
    assert config.dag_id == "weather_to_telegram"
    assert [task.id for task in config.tasks] == ["fetch", "format", "send"]
    assert config.tasks[1].dependencies == ("fetch",)
    assert (config.backoff, config.max_delay, config.jitter, config.timeout) == (
        1.0,
        86400.0,
        0.0,
        None,
    )
    minimal = parse_config({"dag_name": "m", "tasks": [{"id": "a", "operation": "op"}]})
    assert (minimal.max_retries, minimal.retry_delay) == (0, 5.0)
    task = minimal.tasks[0]
    assert (task.independent_params, task.dependent_params, task.dependencies) == ({}, {}, ())


@pytest.mark.parametrize("name", ["weather", "Weather_2", "a", "dag.v2", "x-y", "0day", "a" * 100])
def test_safe_dag_names_are_accepted(name: str) -> None:
    assert parse_config({"dag_name": name, "tasks": [{"id": "a", "operation": "o"}]}).dag_id == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "''"),
        ("a/b", "'a/b'"),
        ("..", "'..'"),
        (".hidden", "'.hidden'"),
        ("with space", "'with space'"),
        ("a" * 101, "'" + "a" * 101 + "'"),
        ("résumé", "'résumé'"),
        ("a\\b", "'a\\\\b'"),
    ],
)
def test_unsafe_dag_names_are_refused(name: str, message: str) -> None:
    assert problems_of({"dag_name": name, "tasks": [{"id": "a", "operation": "o"}]}) == [
        f"dag_name: {message} cannot be used as a folder name: use 1 to 100 letters, digits, "
        "'_', '-' or '.', starting with a letter or digit"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("dag.", "dag_name: 'dag.' cannot be used as a folder name: it ends with '.'"),
        ("CON", "dag_name: 'CON' cannot be used as a folder name: it is reserved on Windows"),
        (
            "nul.txt",
            "dag_name: 'nul.txt' cannot be used as a folder name: it is reserved on Windows",
        ),
    ],
)
def test_dag_names_windows_cannot_create_are_refused(name: str, message: str) -> None:
    assert problems_of({"dag_name": name, "tasks": [{"id": "a", "operation": "o"}]}) == [message]


@pytest.mark.parametrize("task_id", ["a.b", "a b", "-a", "a[0]", "", "x" * 129, "a$"])
def test_task_ids_that_would_break_references_are_refused(task_id: str) -> None:
    assert problems_of({"dag_name": "d", "tasks": [{"id": task_id, "operation": "o"}]}) == [
        f"tasks[0].id: {task_id!r} is not a valid task id: use 1 to 128 letters, digits, '_' "
        "or '-', not starting with '-' (ids are used in references like 'fetch.items[0]')"
    ]


def test_every_shape_problem_is_reported_with_task_and_field() -> None:
    data: dict[str, Any] = {
        "dag_name": "d",
        "max_retries": "3",
        "retry_delay": -1,
        "color": "blue",
        "tasks": [
            {
                "id": "fetch",
                "oprtation": "http.get_json",
                "dependencies": "start",
                "dependent_params": {"n": 3},
                "jitter": 2,
                "timeout": 0,
            },
            {"operation": "x"},
            7,
        ],
    }
    assert problems_of(data) == [
        "max_retries: expected an integer, got a string '3'",
        "retry_delay: must be >= 0, got -1",
        "task 'fetch', operation: required field is missing",
        "task 'fetch', dependent_params.n: expected a reference string like 'fetch.items[0]', "
        "got a number 3 (fixed values belong in independent_params)",
        "task 'fetch', dependencies: expected a list, got a string 'start'",
        "task 'fetch', jitter: must be <= 1, got 2",
        "task 'fetch', timeout: must be > 0, got 0",
        "task 'fetch', oprtation: unknown field 'oprtation' (did you mean 'operation'?); "
        "allowed fields: id, operation, independent_params, dependent_params, dependencies, "
        "max_retries, retry_delay, backoff, max_delay, jitter, no_retry_on, timeout, when, "
        "trigger_rule, for_each, max_parallel, on_item_failure, pool",
        "tasks[1].id: required field is missing",
        "tasks[2]: a task must be a JSON object, got a number",
        "color: unknown field 'color'; allowed fields: dag_name, max_retries, retry_delay, "
        "backoff, max_delay, jitter, no_retry_on, timeout, parameters, max_parallel, pools, "
        "result, tasks",
    ]


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        ([], ["a pipeline must be a JSON object, got a list"]),
        ({"tasks": [{"id": "a", "operation": "o"}]}, ["dag_name: required field is missing"]),
        ({"dag_name": "d"}, ["tasks: required field is missing"]),
        ({"dag_name": "d", "tasks": []}, ["tasks: a pipeline needs at least one task"]),
        (
            {"dag_name": "d", "tasks": [{"id": "a", "operation": ""}]},
            ["task 'a', operation: must not be empty"],
        ),
        (
            {"dag_name": "d", "max_retries": True, "tasks": [{"id": "a", "operation": "o"}]},
            ["max_retries: expected an integer, got a boolean True"],
        ),
        (
            {"dag_name": "d", "tasks": [{"id": "a", "operation": "o", "dependencies": [1]}]},
            ["task 'a', dependencies[0]: expected a string, got a number 1"],
        ),
        (
            {"dag_name": "d", "tasks": [{"id": "a", "operation": "o", "independent_params": []}]},
            ["task 'a', independent_params: expected an object, got a list []"],
        ),
    ],
)
def test_shape_problem_table(data: object, problems: list[str]) -> None:
    assert problems_of(data) == problems


def test_error_text_names_the_pipeline_and_lists_problems() -> None:
    with pytest.raises(PipelineError) as caught:
        parse_config({"dag_name": "d", "max_retries": -1, "tasks": []}, source="d.json")
    assert str(caught.value) == (
        "pipeline 'd' (d.json) has 2 problems:\n"
        "  - max_retries: must be >= 0, got -1\n"
        "  - tasks: a pipeline needs at least one task"
    )


def test_task_settings_override_pipeline_retry_defaults_field_by_field() -> None:
    data = example_config()
    data.update(backoff=2, no_retry_on=["ValueError"], timeout=30)
    data["tasks"][2].update(max_retries=0, jitter=0.5, no_retry_on=[], timeout=5)
    config = parse_config(data)
    fetch, _, send = config.tasks
    assert config.retry_policy(fetch).model_dump() == {
        "max_retries": 3,
        "retry_delay": 5.0,
        "backoff": 2.0,
        "max_delay": 86400.0,
        "jitter": 0.0,
        "no_retry_on": ("ValueError",),
    }
    assert config.retry_policy(send).model_dump() == {
        "max_retries": 0,
        "retry_delay": 5.0,
        "backoff": 2.0,
        "max_delay": 86400.0,
        "jitter": 0.5,
        "no_retry_on": (),
    }
    assert (config.timeout_for(fetch), config.timeout_for(send)) == (30, 5)


def test_config_is_immutable() -> None:
    config = parse_config(example_config())
    with pytest.raises(ValueError, match="frozen"):
        config.dag_name = "other"
    assert isinstance(config, PipelineConfig)
