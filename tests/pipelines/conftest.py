"""Shared operation registry: the client's example operations, declared as the runner will."""

from __future__ import annotations

from typing import Any

import pytest

from fbruntime.pipelines import OperationSpec, ParamSpec

EXAMPLE_OPERATIONS = {
    "http.get_json": OperationSpec(
        "http.get_json",
        [
            ParamSpec("url", "str"),
            ParamSpec("headers", "dict|null", default=None),
            ParamSpec("timeout", "float", default=10.0),
        ],
    ),
    "json.to_string": OperationSpec(
        "json.to_string",
        [ParamSpec("value", "any"), ParamSpec("indent", "int|null", default=None)],
    ),
    "telegram.send_message": OperationSpec(
        "telegram.send_message",
        [ParamSpec("token", "str"), ParamSpec("chat_id", "int|str"), ParamSpec("text", "str")],
    ),
}


def example_config() -> dict[str, Any]:
    """The client's example pipeline: HTTP JSON -> string -> Telegram message."""
    return {
        "dag_name": "weather_to_telegram",
        "max_retries": 3,
        "retry_delay": 5,
        "tasks": [
            {
                "id": "fetch",
                "operation": "http.get_json",
                "independent_params": {"url": "https://api.example.com/weather"},
                "dependent_params": {},
                "dependencies": [],
            },
            {
                "id": "format",
                "operation": "json.to_string",
                "independent_params": {"indent": 2},
                "dependent_params": {"value": "fetch.current"},
                "dependencies": ["fetch"],
            },
            {
                "id": "send",
                "operation": "telegram.send_message",
                "independent_params": {"token": "123:ABC", "chat_id": 42},
                "dependent_params": {"text": "Weather now: ${format}"},
                "dependencies": ["format"],
            },
        ],
    }


@pytest.fixture
def operations() -> dict[str, OperationSpec]:
    return dict(EXAMPLE_OPERATIONS)
