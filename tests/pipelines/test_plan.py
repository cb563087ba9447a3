from __future__ import annotations

import pytest

from fbruntime.pipelines import (
    ParamTypeError,
    ResolutionError,
    parse_config,
    validate_pipeline,
)

from .conftest import EXAMPLE_OPERATIONS, example_config


def test_params_merge_defaults_then_independent_then_dependent() -> None:
    tasks = validate_pipeline(parse_config(example_config()), EXAMPLE_OPERATIONS).tasks
    results: dict[str, object] = {"fetch": {"current": {"t": 21}}}
    assert tasks["fetch"].params(results) == {
        "url": "https://api.example.com/weather",
        "headers": None,
        "timeout": 10.0,
    }
    assert tasks["format"].params(results) == {"value": {"t": 21}, "indent": 2}
    results["format"] = '{"t": 21}'
    assert tasks["send"].params(results) == {
        "token": "123:ABC",
        "chat_id": 42,
        "text": 'Weather now: {"t": 21}',
    }


def test_dependent_value_overrides_independent_one() -> None:
    data = example_config()
    data["tasks"][1]["independent_params"]["value"] = "fallback"
    tasks = validate_pipeline(parse_config(data), EXAMPLE_OPERATIONS).tasks
    assert tasks["format"].params({"fetch": {"current": 1}})["value"] == 1


def test_missing_value_at_run_time_names_task_param_and_key() -> None:
    tasks = validate_pipeline(parse_config(example_config()), EXAMPLE_OPERATIONS).tasks
    with pytest.raises(ResolutionError) as caught:
        tasks["format"].params({"fetch": {"forecast": []}})
    assert str(caught.value) == (
        "task 'format', param 'value': cannot resolve 'fetch.current': key 'current' is missing "
        "(keys: forecast) at 'fetch'"
    )


def test_wrong_type_at_run_time_names_task_and_param() -> None:
    data = example_config()
    data["tasks"][2]["dependent_params"] = {"chat_id": "fetch.user"}
    data["tasks"][2]["independent_params"]["text"] = "hi"
    tasks = validate_pipeline(parse_config(data), EXAMPLE_OPERATIONS).tasks
    with pytest.raises(ParamTypeError) as caught:
        tasks["send"].params({"fetch": {"user": [1]}})
    assert str(caught.value) == "task 'send', param 'chat_id': expected int|str, got list [1]"


def test_plan_params_are_read_only() -> None:
    tasks = validate_pipeline(parse_config(example_config()), EXAMPLE_OPERATIONS).tasks
    with pytest.raises(TypeError):
        tasks["fetch"].independent_params["url"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        tasks["extra"] = tasks["fetch"]  # type: ignore[index]


def test_plan_without_registry_passes_params_through() -> None:
    tasks = validate_pipeline(parse_config(example_config())).tasks
    assert tasks["fetch"].spec is None
    assert tasks["fetch"].params({}) == {"url": "https://api.example.com/weather"}
