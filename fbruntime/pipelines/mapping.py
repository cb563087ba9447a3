"""Mapped tasks (``for_each``): one task, run once per element of a list produced upstream.

``"for_each": "list_users.users"`` makes the task run once per element; inside it, ``item``
is the element (``"dependent_params": {"url": "${item.profile_url}"}``). The task's result is
the list of the items' results, in the list's order, so a later task depends on the whole map
like on any other task.

Each item is a unit of work of its own:

* it goes through the run's worker queue (so it counts against the run's ``max_parallel``)
  and, with ``pool``, takes a pool slot per attempt;
* it is retried and timed out on its own, with the task's retry policy and timeout;
* at most ``max_parallel`` items of this task run at once (the task's own bound);
* its failure is its own: with ``on_item_failure: "fail"`` (the default) no new items start
  after an item failed for good, those not started are skipped, and the task fails once the
  running ones end; with ``"continue"`` every item runs and a failed item's result is ``null``.

The task's ``detail.map`` (store, API, page) counts the items per state, and
``detail.failed_items`` lists the first failures with their errors. Item attempts log under the
task's id, prefixed ``item N:``, and are kept as attempts of ``task[N]``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from .attempts import traceback_text
from .progress import TaskStatus, describe_error, error_kind
from .references import ResolutionError, resolve
from .retry import delay_for_attempt, should_retry

if TYPE_CHECKING:
    from .runner import PipelineRun, TaskNode

__all__ = ["MapItem", "MapTask"]

FAILURES_KEPT = 20
"""How many failed items ``detail.failed_items`` lists (all are in the log)."""


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


class MapItem:
    """One element of a mapped task, as the run's workers see it."""

    __slots__ = ("index", "label", "map", "slot_held", "value")

    def __init__(self, owner: MapTask, index: int, value: object) -> None:
        self.map = owner
        self.index = index
        self.value = value
        self.label = f"{owner.node.rt__name}[{index}]"
        self.slot_held = False

    async def execute(self) -> None:
        """All attempts of this item (the runner's ``_execute``, for one element)."""
        owner = self.map
        run = owner.run
        plan = owner.node.plan
        values = dict(owner.values)
        values["item"] = self.value
        clock = run.clock
        attempt = 0
        while True:
            attempt += 1
            owner.item_changed(self.index, "running", attempt)
            started = clock.monotonic_ns()
            try:
                result = await run._attempt(owner.node, plan, values, attempt, item=self)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                message = describe_error(error)
                if run.redactor is not None:
                    message = run.redactor.text(message)
                retry = should_retry(plan.retry, attempt, error)
                run.recorder.attempt(
                    self.label,
                    attempt,
                    "failed",
                    clock.monotonic_ns() - started,
                    error=message,
                    kind=error_kind(error),
                    trace=traceback_text(error),
                )
                run.recorder.log(
                    f"item {self.index}: attempt {attempt} failed: {message}",
                    task_id=plan.id,
                    level="WARNING" if retry else "ERROR",
                )
                if not retry:
                    owner.item_ended(self.index, failed=message)
                    return
                owner.item_changed(self.index, "retrying", attempt)
                await run._pause(delay_for_attempt(plan.retry, attempt, run.rng))
                continue
            run.recorder.attempt(self.label, attempt, "succeeded", clock.monotonic_ns() - started)
            owner.item_ended(self.index, result=result)
            return


class MapTask:
    """The items of one mapped task in one run: hands them out, gathers their results."""

    def __init__(self, run: PipelineRun, node: TaskNode, values: dict[str, object]) -> None:
        self.run = run
        self.node = node
        self.values = values
        self.items: Sequence[object] = ()
        self.results: list[object] = []
        self.states: list[str] = []
        self.counts: dict[str, int] = {}
        self.failures: list[dict[str, Any]] = []
        self.next = 0
        self.running = 0
        self.stopped = False

    def start(self) -> None:
        """Evaluate ``for_each`` and hand out the first items (called in the run's FIFO)."""
        node = self.node
        plan = node.plan
        assert plan.for_each is not None
        try:
            items = resolve(plan.for_each, self.values, task=plan.id, param="for_each")
        except ResolutionError as error:
            self.run._fail_now(node, str(error))
            return
        if not isinstance(items, list | tuple):
            self.run._fail_now(
                node,
                f"for_each {str(plan.for_each)!r} gave {_describe(items)}, not a list",
            )
            return
        self.items = items
        total = len(items)
        self.results = [None] * total
        self.states = ["pending"] * total
        self.counts = {"total": total, "pending": total}
        run = self.run
        run._set(plan.id, TaskStatus.RUNNING, attempt=1, detail=self.detail())
        run.recorder.log(f"mapping over {total} items", task_id=plan.id)
        if total == 0:
            self._finish()
            return
        limit = plan.map_parallel or total
        for _ in range(min(limit, total)):
            self._launch()

    def detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "map": {k: v for k, v in self.counts.items() if v or k == "total"}
        }
        if self.failures:
            detail["failed_items"] = list(self.failures)
        return detail

    def _count(self, index: int, state: str) -> None:
        old = self.states[index]
        self.states[index] = state
        self.counts[old] -= 1
        self.counts[state] = self.counts.get(state, 0) + 1

    def _launch(self) -> None:
        index = self.next
        self.next += 1
        self.running += 1
        item = MapItem(self, index, self.items[index])
        self.run._enqueue(item, {}, self.node.plan.pool)

    def item_changed(self, index: int, state: str, attempt: int) -> None:
        if self.states[index] != state:
            self._count(index, state)
            self.run._set(self.node.plan.id, TaskStatus.RUNNING, detail=self.detail())

    def item_ended(self, index: int, *, result: object = None, failed: str | None = None) -> None:
        plan = self.node.plan
        self.running -= 1
        if failed is None:
            self.results[index] = result
            self._count(index, "succeeded")
        else:
            self._count(index, "failed")
            if len(self.failures) < FAILURES_KEPT:
                self.failures.append({"index": index, "error": failed})
            if plan.on_item_failure == "fail" and not self.stopped:
                self.stopped = True
                for later in range(self.next, len(self.items)):
                    self._count(later, "skipped")
                if self.next < len(self.items):
                    self.run.recorder.log(
                        f"item {index} failed: {len(self.items) - self.next} items not "
                        "started are skipped",
                        task_id=plan.id,
                        level="WARNING",
                    )
                self.next = len(self.items)
        if not self.stopped and self.next < len(self.items):
            self._launch()
        if self.running == 0 and self.next >= len(self.items):
            self._finish()
        else:
            self.run._set(plan.id, TaskStatus.RUNNING, detail=self.detail())

    def _finish(self) -> None:
        run = self.run
        node = self.node
        failed = self.counts.get("failed", 0)
        if failed and node.plan.on_item_failure == "fail":
            shown = ", ".join(str(f["index"]) for f in self.failures[:5])
            more = "..." if failed > 5 else ""
            first = self.failures[0]["error"] if self.failures else ""
            message = f"{failed} of {len(self.items)} items failed (items {shown}{more}): {first}"
            node.status = TaskStatus.FAILED
            run._set(node.plan.id, TaskStatus.FAILED, error=message, detail=self.detail())
            run.resource.post(node.fail)
            return
        result = list(self.results)
        node.status = TaskStatus.SUCCEEDED
        run._set(node.plan.id, TaskStatus.SUCCEEDED, result=result, detail=self.detail())
        run.resource.post(partial(node.finish, result))
