"""The task node: one pipeline task as a function block in the run's engine resource.

A node's ``START`` event input joins its dependencies (each ``dep.CNF -> START`` arrival is
counted; the node is ready when all came), its data inputs ``D0..Dn`` hold the results of the
tasks its references read (``src.RESULT -> Dn``), sampled WITH ``START``, and its ``CNF`` output
sends its own ``RESULT`` on. What a ready node does is the run's business
(:meth:`~fbruntime.pipelines.runner.PipelineRun._ready`). A node with a ``trigger_rule`` other
than ``all_success`` asks the run on every arrival instead (:mod:`.flow`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fbruntime.core import DataPort, EventPort, FBInstance, FBType, Interface
from fbruntime.iec import lookup_type

from .attempts import OpShape
from .plan import TaskPlan
from .progress import TaskStatus

if TYPE_CHECKING:
    from .runner import PipelineRun

__all__ = ["TaskNode", "node_type"]

_ANY = lookup_type("ANY")


class _NodeType(FBType):
    """The type of a task node with ``inputs`` data inputs (one type per shape)."""

    kind = "service"

    def __init__(self, inputs: int) -> None:
        names = tuple(f"D{i}" for i in range(inputs))
        super().__init__(
            f"PIPELINE_TASK_{inputs}",
            Interface(
                event_inputs=(EventPort("START", names),),
                event_outputs=(EventPort("CNF", ("RESULT",)),),
                data_inputs=tuple(DataPort(n, _ANY) for n in names),
                data_outputs=(DataPort("RESULT", _ANY),),
            ),
            description="a pipeline task: joins its dependencies, runs its operation",
        )

    def create(self, name: str) -> FBInstance:
        return TaskNode(self, name)


_node_types: dict[int, _NodeType] = {}


def node_type(inputs: int) -> _NodeType:
    found = _node_types.get(inputs)
    if found is None:
        found = _node_types[inputs] = _NodeType(inputs)
    return found


class TaskNode(FBInstance):
    """One task in the run's resource (see the module docstring)."""

    run: PipelineRun
    plan: TaskPlan
    shape: OpShape
    sources: tuple[tuple[str, str], ...]  # (task referred to, data input holding its result)
    secrets: tuple[tuple[str, str], ...]  # (param, secret name)
    needed: int
    arrived: int
    status: TaskStatus
    RESULT: Any
    # The graph extras' state (:mod:`.flow`). Class-level defaults, set on a node only when it
    # differs, so a plain task's node carries no more attributes than it did before them.
    extras: bool = False  # the plan has when / for_each / pool / parameters
    rule: str | None = None  # the trigger rule, None for the default all_success
    failed_in: int = 0  # dependencies that failed, or were skipped because of a failure
    skipped_in: int = 0  # dependencies skipped by a condition or a rule
    slot_held: bool = False  # a pool slot was granted before the task was queued

    def rt__handler(self, event: str) -> Callable[[], Any]:
        return self._start if self.rule is None else self._start_ruled

    def rt__is_async(self, event: str) -> bool:
        return False

    def rt__any_async(self) -> bool:
        return False

    def _start(self) -> None:
        self.arrived += 1
        if self.arrived < self.needed or self.status is not TaskStatus.PENDING:
            return
        values = {task: getattr(self, pin) for task, pin in self.sources}
        self.run._ready(self, values)

    def _start_ruled(self) -> None:
        self.arrived += 1
        if self.status is TaskStatus.PENDING:
            self.run._decide(self)

    def finish(self, result: object) -> None:
        self.RESULT = result
        self.CNF()  # type: ignore[attr-defined]

    def fail(self) -> None:
        self.run._ended_badly(self, failed=True)

    def adopt(self, op: FBInstance) -> None:
        """Make the operation block this node's internal block (its clock, its path)."""
        op.rt__parent = self
        op.rt__resource = self.rt__resource
