"""The bounds every pipeline config stays within, checked before anything costly runs.

A config comes from users over HTTP, the bot and files, so each number that makes the runner
loop, wait or allocate has an upper bound, and so do the config's size and depth. Each bound is
refused with a :class:`~fbruntime.pipelines.problems.Problem` naming the field, like any other
mistake:

==========================  ==========  ===================================================
bound                       value       why
==========================  ==========  ===================================================
``max_retries``             100         10**18 retries of a task that fails at once is a
                                        retry storm that never ends
``retry_delay``,            86,400 s    a day; a longer wait is a schedule, not a retry
``max_delay``, ``timeout``
``backoff``                 100
tasks in a pipeline         10,000      validation and a run cost about 50 us a task
nesting of a param value    32 levels   deeper JSON is a parser bomb, not a setting
==========================  ==========  ===================================================

:func:`check_limits` looks at the decoded JSON before pydantic does, so a config of a million
tasks is refused after one ``len()`` rather than after a million model objects were built.
:func:`decode_json` turns JSON nested past the interpreter's recursion limit into a problem
instead of a ``RecursionError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .problems import PipelineError, Problem

__all__ = [
    "MAX_BACKOFF",
    "MAX_DELAY_S",
    "MAX_NESTING",
    "MAX_RETRIES",
    "MAX_TASKS",
    "check_limits",
    "decode_json",
    "nesting_depth",
]

MAX_RETRIES = 100
MAX_DELAY_S = 86_400.0
MAX_BACKOFF = 100.0
MAX_TASKS = 10_000
MAX_NESTING = 32


def nesting_depth(value: object, limit: int = MAX_NESTING) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), counted up to ``limit + 1``.

    Iterative, and it stops going down once past ``limit``, so a hostile value costs at most its
    size and never the interpreter's stack.
    """
    deepest = 0
    todo: list[tuple[object, int]] = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        todo.extend((child, depth) for child in children)
    return deepest


def check_limits(data: object) -> None:
    """Refuse a decoded config that is too big or too deep to be worth validating."""
    if not isinstance(data, Mapping):
        return
    tasks = data.get("tasks")
    if isinstance(tasks, list | tuple) and len(tasks) > MAX_TASKS:
        raise PipelineError(
            [
                Problem(
                    None,
                    "tasks",
                    f"a pipeline has at most {MAX_TASKS} tasks; this one has {len(tasks)}",
                )
            ],
            dag=data.get("dag_name") if isinstance(data.get("dag_name"), str) else None,
        )
    if not isinstance(tasks, list | tuple):
        return
    problems: list[Problem] = []
    for index, task in enumerate(tasks):
        if not isinstance(task, Mapping):
            continue
        task_id = task.get("id")
        who = task_id if isinstance(task_id, str) else None
        where = "" if who is not None else f"tasks[{index}]."
        for group in ("independent_params", "dependent_params"):
            params = task.get(group)
            if not isinstance(params, Mapping):
                continue
            for name, value in params.items():
                if nesting_depth(value) > MAX_NESTING:
                    problems.append(
                        Problem(
                            who,
                            f"{where}{group}.{name}",
                            f"the value nests lists and objects more than {MAX_NESTING} "
                            "levels deep",
                        )
                    )
    if problems:
        dag = data.get("dag_name")
        raise PipelineError(problems, dag=dag if isinstance(dag, str) else None)


def decode_json(
    text: str | bytes,
    *,
    source: str | None = None,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """``json.loads`` that reports what it cannot read as a problem: nesting past the recursion
    limit, and integers longer than Python converts (4,300 digits). Syntax errors stay
    :class:`json.JSONDecodeError`, for the caller to place by line and column."""
    where = f"{source}: " if source else ""
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except RecursionError:
        reason = "the JSON nests lists and objects too deeply to read"
    except json.JSONDecodeError:
        raise
    except ValueError as error:  # int too long to convert
        reason = f"the JSON cannot be read: {error}"
    raise PipelineError([Problem(None, None, where + reason)], source=source)
