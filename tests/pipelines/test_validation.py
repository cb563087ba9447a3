from __future__ import annotations

import copy
from typing import Any

import pytest

from fbruntime.pipelines import (
    OperationSpec,
    ParamSpec,
    PipelineError,
    Problem,
    Reference,
    Template,
    check_pipeline,
    parse_config,
    validate_pipeline,
)

from .conftest import EXAMPLE_OPERATIONS, example_config


def task(task_id: str, *deps: str, operation: str = "noop", **fields: Any) -> dict[str, Any]:
    return {"id": task_id, "operation": operation, "dependencies": list(deps), **fields}


def problems(tasks: list[dict[str, Any]], operations: Any = None, **top: Any) -> list[str]:
    config = parse_config({"dag_name": "d", "tasks": tasks, **top})
    return [str(problem) for problem in check_pipeline(config, operations)]


def test_client_example_validates_into_a_plan() -> None:
    pipeline = validate_pipeline(parse_config(example_config()), EXAMPLE_OPERATIONS)
    assert pipeline.dag_id == "weather_to_telegram"
    assert pipeline.graph.layers == (("fetch",), ("format",), ("send",))
    send = pipeline.tasks["send"]
    assert send.dependent_params == {
        "text": Template(("Weather now: ", Reference("format"))),
    }
    assert send.references == (Reference("format"),)
    assert send.spec is EXAMPLE_OPERATIONS["telegram.send_message"]
    assert send.retry.max_retries == 3 and send.retry.retry_delay == 5
    assert pipeline.tasks["format"].dependencies == ("fetch",)


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        (
            [task("a"), task("a"), task("b"), task("a")],
            [
                "task 'a', id: duplicate task id: tasks[0] and tasks[1] are both 'a'",
                "task 'a', id: duplicate task id: tasks[0] and tasks[3] are both 'a'",
            ],
        ),
        (
            [task("fetch"), task("send", "fech")],
            ["task 'send', dependencies[0]: unknown task 'fech' (did you mean 'fetch'?)"],
        ),
        (
            [task("a"), task("b", "zzz")],
            ["task 'b', dependencies[0]: unknown task 'zzz'"],
        ),
        (
            [task("a", "a")],
            ["task 'a', dependencies[0]: a task cannot depend on itself"],
        ),
        (
            [task("a"), task("b", "a", "a")],
            ["task 'b', dependencies[1]: 'a' is listed twice"],
        ),
        (
            [task("a", "c"), task("b", "a"), task("c", "b"), task("d")],
            [
                "task 'a', dependencies: dependency cycle: a -> b -> c -> a (each task waits "
                "for the one before it, so none can start)"
            ],
        ),
        (
            [task("x", "y"), task("y", "x"), task("p", "q"), task("q", "p")],
            [
                "task 'x', dependencies: dependency cycle: x -> y -> x (each task waits for the "
                "one before it, so none can start)",
                "task 'p', dependencies: dependency cycle: p -> q -> p (each task waits for the "
                "one before it, so none can start)",
            ],
        ),
    ],
)
def test_dependency_rules(tasks: list[dict[str, Any]], expected: list[str]) -> None:
    assert problems(tasks) == expected


@pytest.mark.parametrize(
    ("dependent", "expected"),
    [
        ({"v": "a.x"}, []),
        ({"v": "root.x"}, []),
        ({"v": "Sum: ${root.total} of ${a}"}, []),
        (
            {"v": "side.x"},
            [
                "task 'b', dependent_params.v: 'side.x' refers to task 'side', which is not "
                "upstream of 'b' (not among its dependencies, direct or indirect), so it may "
                "not have run yet; add 'side' to dependencies"
            ],
        ),
        (
            {"v": "later"},
            [
                "task 'b', dependent_params.v: 'later' refers to task 'later', which runs after "
                "'b' (it depends on 'b'), so its result cannot exist yet"
            ],
        ),
        (
            {"v": "b.out"},
            [
                "task 'b', dependent_params.v: 'b.out' refers to the task itself; refer to an "
                "earlier task"
            ],
        ),
        (
            {"v": "rot.x"},
            [
                "task 'b', dependent_params.v: 'rot.x' refers to unknown task 'rot' (did you "
                "mean 'root'?)"
            ],
        ),
        (
            {"v": "x ${side} ${nope}"},
            [
                "task 'b', dependent_params.v: 'side' refers to task 'side', which is not "
                "upstream of 'b' (not among its dependencies, direct or indirect), so it may "
                "not have run yet; add 'side' to dependencies",
                "task 'b', dependent_params.v: 'nope' refers to unknown task 'nope'",
            ],
        ),
        (
            {"v": "a..x", "w": "${a"},
            [
                "task 'b', dependent_params.v: invalid reference 'a..x': expected a name after "
                "'.', found '.' (a key with other characters is written [\"key\"]) (column 3)",
                "task 'b', dependent_params.w: invalid reference '${a': expected '}' to close "
                "the '${' at column 1, found the end (column 4)",
            ],
        ),
    ],
)
def test_dependent_params_may_only_refer_upstream(
    dependent: dict[str, str], expected: list[str]
) -> None:
    tasks = [
        task("root"),
        task("side"),
        task("a", "root"),
        task("b", "a", dependent_params=dependent),
        task("later", "b"),
    ]
    assert problems(tasks) == expected


def test_reference_checks_still_run_when_the_graph_has_a_cycle() -> None:
    tasks = [
        task("a", "b", dependent_params={"v": "b.x", "w": "c"}),
        task("b", "a"),
        task("c"),
    ]
    assert problems(tasks) == [
        "task 'a', dependencies: dependency cycle: a -> b -> a (each task waits for the one "
        "before it, so none can start)",
        "task 'a', dependent_params.w: 'c' refers to task 'c', which is not upstream of 'a' "
        "(not among its dependencies, direct or indirect), so it may not have run yet; add "
        "'c' to dependencies",
    ]


def op_task(operation: str, **fields: Any) -> dict[str, Any]:
    return task("t", "src", operation=operation, **fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "operation": "telegram.send_message",
                "independent_params": {"token": "x", "chat_id": 1, "text": "hi"},
            },
            [],
        ),
        (
            {"operation": "http.get_jsn", "independent_params": {"url": "u"}},
            [
                "task 't', operation: unknown operation 'http.get_jsn' (did you mean 'http.get_json'?)"
            ],
        ),
        (
            {"operation": "http.get_json", "independent_params": {"url": 5, "timeout": "10"}},
            [
                "task 't', independent_params.url: expected str, got int 5",
                "task 't', independent_params.timeout: expected float, got str '10'",
            ],
        ),
        (
            {"operation": "http.get_json", "independent_params": {"urll": "u"}},
            [
                "task 't', independent_params.urll: operation 'http.get_json' has no parameter "
                "'urll' (did you mean 'url'?); its parameters: url, headers, timeout",
                "task 't', params.url: missing required parameter 'url' of operation "
                "'http.get_json'; set it in independent_params or dependent_params",
            ],
        ),
        (
            {"operation": "http.get_json", "dependent_params": {"url": "src.link", "extra": "src"}},
            [
                "task 't', dependent_params.extra: operation 'http.get_json' has no parameter "
                "'extra'; its parameters: url, headers, timeout"
            ],
        ),
        (
            {
                "operation": "json.to_string",
                "dependent_params": {"value": "src", "indent": "${src.n}"},
            },
            [
                "task 't', dependent_params.indent: a ${...} template always gives a string, but "
                "parameter 'indent' of operation 'json.to_string' expects int|null"
            ],
        ),
        (
            {"operation": "telegram.send_message", "independent_params": {"chat_id": 1.5}},
            [
                "task 't', independent_params.chat_id: expected int|str, got float 1.5",
                "task 't', params.text: missing required parameter 'text' of operation "
                "'telegram.send_message'; set it in independent_params or dependent_params",
            ],
        ),
        (
            {
                "operation": "free",
                "independent_params": {"anything": 1},
                "dependent_params": {"more": "src"},
            },
            [],
        ),
        (
            {"operation": "nothing", "independent_params": {"x": 1}},
            [
                "task 't', independent_params.x: operation 'nothing' has no parameter 'x'; it takes no parameters"
            ],
        ),
    ],
)
def test_params_are_checked_against_the_operation(
    fields: dict[str, Any], expected: list[str]
) -> None:
    operations = {
        **EXAMPLE_OPERATIONS,
        "free": OperationSpec("free", [ParamSpec("mode", "str", default="x")], extra_params=True),
        "nothing": OperationSpec("nothing"),
    }
    tasks = [task("src", operation="free"), op_task(**fields)]
    assert problems(tasks, operations) == expected


def test_dependent_param_wins_over_independent_one_and_satisfies_required() -> None:
    tasks = [
        task("src", operation="http.get_json", independent_params={"url": "u"}),
        op_task(
            "json.to_string",
            independent_params={"value": "fallback"},
            dependent_params={"value": "src"},
        ),
    ]
    assert problems(tasks, EXAMPLE_OPERATIONS) == []


def test_empty_registry_says_nothing_is_registered() -> None:
    assert problems([task("a", operation="x.y")], {}) == [
        "task 'a', operation: unknown operation 'x.y' (no operations are registered)"
    ]


def test_without_registry_operations_are_not_checked() -> None:
    assert problems([task("a", operation="whatever", independent_params={"q": 1})]) == []


@pytest.mark.parametrize(
    ("top", "fields", "expected"),
    [
        (
            {"retry_delay": 60, "max_delay": 10},
            {},
            [
                "max_delay: max_delay (10) is smaller than retry_delay (60); the cap would cut every delay"
            ],
        ),
        (
            {"max_delay": 10},
            {"retry_delay": 20},
            [
                "task 'a', max_delay: max_delay (10) is smaller than retry_delay (20); the cap would cut every delay"
            ],
        ),
        ({"max_delay": 10}, {"retry_delay": 20, "max_delay": 30}, []),
    ],
)
def test_merged_retry_settings_must_be_consistent(
    top: dict[str, Any], fields: dict[str, Any], expected: list[str]
) -> None:
    assert problems([task("a", **fields), task("b")], **top) == expected


def test_all_problems_come_together_in_config_order() -> None:
    data = example_config()
    broken = copy.deepcopy(data)
    broken["tasks"][0]["operation"] = "http.get"
    broken["tasks"][1]["dependencies"] = ["fetch", "ghost"]
    broken["tasks"][2]["dependencies"] = []
    broken["tasks"][2]["dependent_params"] = {"text": "fetch.body"}
    broken["tasks"][2]["independent_params"]["chat_id"] = None
    with pytest.raises(PipelineError) as caught:
        validate_pipeline(parse_config(broken), EXAMPLE_OPERATIONS, source="w.json")
    error = caught.value
    assert error.problems == (
        Problem(
            "fetch", "operation", "unknown operation 'http.get' (did you mean 'http.get_json'?)"
        ),
        Problem("format", "dependencies[1]", "unknown task 'ghost'"),
        Problem("send", "independent_params.chat_id", "expected int|str, got null"),
        Problem(
            "send",
            "dependent_params.text",
            "'fetch.body' refers to task 'fetch', which is not upstream of 'send' (not among "
            "its dependencies, direct or indirect), so it may not have run yet; add 'fetch' to "
            "dependencies",
        ),
    )
    assert str(error).startswith(
        "pipeline 'weather_to_telegram' (w.json) has 4 problems:\n  - task 'fetch', operation: "
    )


def test_ten_thousand_tasks_validate() -> None:
    count = 10_000
    tasks = [task("t0", operation="json.to_string", independent_params={"value": 0})]
    for i in range(1, count):
        deps = [f"t{i - 1}"] + ([f"t{i // 2}"] if i // 2 != i - 1 else [])
        tasks.append(
            task(
                f"t{i}",
                *deps,
                operation="json.to_string",
                dependent_params={"value": f"t0.items[{i}]", "indent": f"t{i // 2}.indent"},
            )
        )
    config = parse_config({"dag_name": "big", "tasks": tasks})
    pipeline = validate_pipeline(config, EXAMPLE_OPERATIONS)
    assert len(pipeline.graph.order) == count
    assert pipeline.graph.order[-1] == f"t{count - 1}"
    assert pipeline.graph.is_upstream("t0", f"t{count - 1}")
