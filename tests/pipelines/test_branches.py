"""Branches: ``when`` conditions, skips with reasons, and joins by ``trigger_rule``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import TestClock
from fbruntime.pipelines import PipelineError, RunStatus
from fbruntime.pipelines.service import PipelineService

from .graph_ops import build_run, reasons, task, value
from .helpers import statuses


def branch(temp: int, rule: str = "none_failed_min_one_success") -> list[dict[str, Any]]:
    """check -> hot | cold (exclusive conditions) -> report (a join over both)."""
    return [
        value("check", {"temp": temp}),
        value("hot", "hot", ("check",), when="check.temp > 20"),
        value("cold", "cold", ("check",), when="check.temp <= 20"),
        task(
            "report",
            deps=("hot", "cold"),
            trigger_rule=rule,
            dependent_params={"value": "hot ?? cold"},
        ),
        task(
            "raw",
            deps=("hot", "cold"),
            trigger_rule="none_failed",
            dependent_params={"value": "${hot}/${cold}"},
        ),
        task("after_hot", deps=("hot",), dependent_params={"value": "hot"}),
    ]


async def test_the_branch_not_taken_is_skipped_with_its_reason_and_the_join_runs(
    tmp_path: Path, clock: TestClock
) -> None:
    run = build_run(tmp_path, clock, branch(12))
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert statuses(run) == {
        "check": "succeeded",
        "hot": "skipped",
        "cold": "succeeded",
        "report": "succeeded",
        "raw": "succeeded",
        "after_hot": "skipped",
    }
    assert reasons(run) == {
        "hot": "condition not met: check.temp > 20 (check.temp = 12)",
        "after_hot": "dependency 'hot' was skipped (trigger_rule all_success)",
    }
    # The join takes the side that ran; a skipped task has no result (null).
    assert run.results()["report"] == "cold"
    assert run.results()["raw"] == "null/cold"


async def test_the_other_branch_is_taken_when_the_condition_flips(
    tmp_path: Path, clock: TestClock
) -> None:
    run = build_run(tmp_path, clock, branch(30))
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert statuses(run)["cold"] == "skipped"
    assert run.results() == {
        "check": {"temp": 30},
        "hot": "hot",
        "report": "hot",
        "raw": "hot/null",
        "after_hot": "hot",
    }


async def test_the_default_rule_skips_a_join_after_a_branch(
    tmp_path: Path, clock: TestClock
) -> None:
    run = build_run(tmp_path, clock, branch(12, rule="all_success"))
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert reasons(run)["report"] == "dependency 'hot' was skipped (trigger_rule all_success)"


def rules_graph(rule: str, outcomes: tuple[str, ...]) -> list[dict[str, Any]]:
    """One dependency per outcome (ok, fail, skip), joined by ``rule``."""
    tasks: list[dict[str, Any]] = [value("gate", False)]
    for index, outcome in enumerate(outcomes):
        name = f"{outcome}{index}"
        if outcome == "ok":
            tasks.append(value(name, index))
        elif outcome == "fail":
            tasks.append(task(name, "test.fail"))
        else:
            tasks.append(value(name, index, ("gate",), when="gate"))
    deps = tuple(t["id"] for t in tasks[1:])
    tasks.append(value("join", "ran", deps, trigger_rule=rule))
    return tasks


@pytest.mark.parametrize(
    ("rule", "outcomes", "joined"),
    [
        ("all_success", ("ok", "ok"), "succeeded"),
        ("all_success", ("ok", "fail"), "skipped"),
        ("none_failed", ("ok", "skip"), "succeeded"),
        ("none_failed", ("skip", "skip"), "succeeded"),
        ("none_failed", ("ok", "fail"), "skipped"),
        ("none_failed_min_one_success", ("skip", "skip"), "skipped"),
        ("none_failed_min_one_success", ("ok", "skip"), "succeeded"),
        ("all_done", ("ok", "fail", "skip"), "succeeded"),
        ("one_success", ("fail", "ok"), "succeeded"),
        ("one_success", ("fail", "skip"), "skipped"),
        ("one_failed", ("ok", "fail"), "succeeded"),
        ("one_failed", ("ok", "skip"), "skipped"),
        ("all_failed", ("fail", "fail"), "succeeded"),
        ("all_failed", ("fail", "ok"), "skipped"),
    ],
)
async def test_trigger_rules_decide_on_what_the_dependencies_did(
    tmp_path: Path, clock: TestClock, rule: str, outcomes: tuple[str, ...], joined: str
) -> None:
    run = build_run(tmp_path, clock, rules_graph(rule, outcomes))
    run.start()
    await run.wait()
    assert statuses(run)["join"] == joined, run.states["join"].detail


async def test_a_task_skipped_because_of_a_failure_counts_as_failed_downstream(
    tmp_path: Path, clock: TestClock
) -> None:
    # fail -> middle (skipped: upstream failed) -> join(none_failed): must not run, as in
    # Airflow's upstream_failed; a skip by a condition would have let it run.
    run = build_run(
        tmp_path,
        clock,
        [
            task("broken", "test.fail"),
            value("middle", 1, ("broken",)),
            value("fine", 2),
            value("join", 3, ("middle", "fine"), trigger_rule="none_failed"),
            value("cleanup", 4, ("join",), trigger_rule="all_done"),
        ],
    )
    run.start()
    assert await run.wait() is RunStatus.FAILED
    assert statuses(run) == {
        "broken": "failed",
        "middle": "skipped",
        "fine": "succeeded",
        "join": "skipped",
        "cleanup": "succeeded",
    }
    assert reasons(run) == {
        "middle": "upstream task 'broken' failed",
        "join": "upstream task 'middle' failed (trigger_rule none_failed)",
    }


async def test_a_condition_that_cannot_be_evaluated_fails_the_task(
    tmp_path: Path, clock: TestClock
) -> None:
    run = build_run(
        tmp_path,
        clock,
        [value("check", {"temp": "warm"}), value("hot", 1, ("check",), when="check.temp > 20")],
    )
    run.start()
    assert await run.wait() is RunStatus.FAILED
    assert run.states["hot"].error == (
        "when 'check.temp > 20': cannot compare a string (\"warm\") > a number (20); "
        "'<' and friends need two numbers or two strings"
    )


async def test_conditions_read_parameters_and_a_root_can_be_skipped(
    tmp_path: Path, clock: TestClock
) -> None:
    tasks = [
        value("notify", "sent", when="params.notify"),
        value("always", "done"),
    ]
    declared = {"notify": {"type": "bool", "default": False}}
    run = build_run(tmp_path, clock, tasks, run_id="a", parameters=declared)
    run.start()
    assert await run.wait() is RunStatus.SUCCEEDED
    assert reasons(run) == {"notify": "condition not met: params.notify (params.notify = false)"}
    loud = build_run(
        tmp_path, clock, tasks, given={"notify": True}, run_id="b", parameters=declared
    )
    loud.start()
    assert await loud.wait() is RunStatus.SUCCEEDED
    assert loud.results()["notify"] == "sent"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"when": "check.temp >"}, "when: invalid condition 'check.temp >': expected a value"),
        ({"when": "ghost.x == 1"}, "when: 'ghost.x' refers to unknown task 'ghost'"),
        ({"when": "other == 1"}, "when: 'other' refers to task 'other', which is not upstream"),
        ({"when": "item.x"}, "'item' is the current element of a mapped task"),
        ({"when": "params.x"}, "when: 'params.x' refers to unknown task 'params'"),
        ({"trigger_rule": "any"}, "trigger_rule: must be one of 'all_success'"),
    ],
)
def test_bad_conditions_are_refused_before_running(
    extra: dict[str, Any], message: str, tmp_path: Path
) -> None:
    with pytest.raises(PipelineError) as caught:
        build_run(
            tmp_path,
            TestClock(),
            [value("check", 1), value("other", 2), value("t", 3, ("check",), **extra)],
        )
    assert message in str(caught.value)


async def test_skip_reasons_are_stored_with_sqlite(service: PipelineService) -> None:
    config = {"dag_name": "branchy", "tasks": branch(12)}
    service.upload("branchy.json", json.dumps(config))
    detail = await service.run("branchy")
    assert detail.run.status == "succeeded"
    stored = {t.task_id: (t.status, (t.detail or {}).get("reason")) for t in detail.tasks}
    assert stored["hot"] == ("skipped", "condition not met: check.temp > 20 (check.temp = 12)")
    assert stored["report"] == ("succeeded", None)
    # The pipeline's result: its leaves that succeeded.
    assert detail.run.result == {"report": "cold", "raw": "null/cold"}


async def test_a_succeeded_run_with_skipped_branches_has_nothing_to_rerun(
    service: PipelineService,
) -> None:
    service.upload("branchy.json", json.dumps({"dag_name": "branchy", "tasks": branch(12)}))
    detail = await service.run("branchy")
    with pytest.raises(ValueError, match="no failed tasks"):
        await service.rerun_failed(detail.run.id)
