"""Where a task's attempts run: in the runner's process (the default) or on a Dask cluster.

The runner (:mod:`fbruntime.pipelines.runner`) keeps everything that is the run's state: the
DAG on its engine resource, the queue, retries, the timeout on the engine clock, cancellation and
the records in the store. An executor only runs one attempt's operation with its params and
gives back the result (or raises the operation's error). ``PipelineRun(executor=None)`` runs the
operation inline, as it always did; :class:`DaskExecutor` sends it to a Dask distributed cluster.

On Dask, each attempt is one future (``pure=False``, Dask's own retries off: the runner retries).
The worker process builds the operation from the block files of ``folders`` (the shipped library
by default; the same paths must exist on the workers, as on one machine or a shared disk), runs
its REQ with a :class:`~fbruntime.pipelines.operation.TaskContext` of its own (``current_task()``
works; the run folder is the same path) and returns the result with the lines the operation
logged, which are recorded centrally. Results travel back through the runner to the tasks that
use them, so a dependent parameter is the same value on either executor. A timeout or a cancelled
run cancels the attempt's future on the cluster. An operation's exception is re-raised as it
was (Dask pickles it), so ``no_retry_on`` kinds still apply. Services that are objects of the
runner's process (an injected HTTP transport) do not travel: workers use the network.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .operation import OperationRegistry, Services, TaskContext, _reset_current, _set_current
from .plan import ParamTypeError, TaskPlan

__all__ = [
    "MISSING_EXTRA",
    "DaskExecutor",
    "RemoteAttempt",
    "TaskExecutor",
    "executor_from_url",
    "run_operation",
]

MISSING_EXTRA = "Dask needs the 'dask' extra: pip install 'fbrt[dask]' (dask[distributed])"


class TaskExecutor(Protocol):
    """Runs one attempt of one task's operation; the runner does the rest."""

    async def run(self, plan: TaskPlan, params: dict[str, Any], context: TaskContext) -> object: ...


async def run_operation(
    operations: OperationRegistry,
    plan_id: str,
    operation: str,
    params: dict[str, Any],
    parent: Any = None,
    resource: Any = None,
) -> object:
    """Create the operation block, set its pins from *params*, run REQ, return the outputs.

    The result is the only data output's value, or ``{pin: value}`` for several.
    """
    from fbruntime.iec import IecError

    op = operations.fbtype(operation).create(plan_id)
    op.rt__parent = parent
    op.rt__resource = resource
    interface = op.rt__type.interface
    for name, value in params.items():
        port = interface.data_port(name)
        if port is None:
            continue
        try:
            setattr(op, name, port.type.coerce(value))
        except (IecError, TypeError, ValueError) as error:
            raise ParamTypeError(plan_id, name, str(error)) from None
    outcome = op.rt__handler("REQ")()
    if asyncio.iscoroutine(outcome):
        await outcome
    outputs = interface.data_outputs
    if len(outputs) == 1:
        return getattr(op, outputs[0].name)
    return {port.name: getattr(op, port.name) for port in outputs}


# -- Dask -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteAttempt:
    """What a worker needs to run one attempt (plain data: it is pickled to the worker)."""

    dag_id: str
    run_id: str
    task_id: str
    attempt: int
    operation: str
    params: dict[str, Any]
    run_dir: str
    folders: tuple[str, ...]
    telegram_api_url: str
    http_timeout: float
    extra: dict[str, Any] = field(default_factory=dict)


_registries: dict[tuple[str, ...], OperationRegistry] = {}


def _registry(folders: tuple[str, ...]) -> OperationRegistry:
    """The worker's operations, built once per worker process and folder list."""
    found = _registries.get(folders)
    if found is None:
        from fbruntime.blockfiles import load_library

        from .operation import is_operation

        library = load_library([Path(f) for f in folders])
        found = _registries[folders] = OperationRegistry(
            t for t in library.values() if is_operation(t)
        )
    return found


def remote_attempt(spec: RemoteAttempt) -> tuple[object, list[tuple[str, str]], int]:
    """Run on a Dask worker: the attempt's result, the lines it logged, the worker's pid."""
    logs: list[tuple[str, str]] = []
    services = Services(
        telegram_api_url=spec.telegram_api_url, http_timeout=spec.http_timeout, extra=spec.extra
    )
    context = TaskContext(
        dag_id=spec.dag_id,
        run_id=spec.run_id,
        task_id=spec.task_id,
        attempt=spec.attempt,
        run_dir=Path(spec.run_dir),
        services=services,
        log=lambda message, level: logs.append((level, message)),
    )

    async def attempt() -> object:
        token = _set_current(context)
        try:
            return await run_operation(
                _registry(spec.folders), spec.task_id, spec.operation, spec.params
            )
        finally:
            _reset_current(token)

    return asyncio.run(attempt()), logs, os.getpid()


class DaskExecutor:
    """Attempts as futures on the Dask scheduler at *address* (``dask://`` or ``tcp://``)."""

    def __init__(self, address: str, *, folders: Sequence[str | Path] | None = None) -> None:
        scheme, sep, rest = address.partition("://")
        self.address = f"tcp://{rest}" if sep and scheme == "dask" else address
        if folders is None:
            from fbruntime.blockfiles import default_library_dirs

            folders = default_library_dirs()
        self.folders = tuple(str(Path(f).resolve()) for f in folders)
        self.client: Any = None
        self.pids: set[int] = set()
        """The worker processes attempts ran in (for tests and reports)."""

    async def start(self) -> DaskExecutor:
        try:
            from distributed import Client
        except ImportError:
            raise RuntimeError(MISSING_EXTRA) from None
        self.client = await Client(self.address, asynchronous=True)  # type: ignore[no-untyped-call]
        return self

    async def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            await client.close()

    async def __aenter__(self) -> DaskExecutor:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def run(self, plan: TaskPlan, params: dict[str, Any], context: TaskContext) -> object:
        client = self.client
        if client is None:
            raise RuntimeError("the Dask executor is not started")
        services = context.services
        spec = RemoteAttempt(
            dag_id=context.dag_id,
            run_id=context.run_id,
            task_id=context.task_id,
            attempt=context.attempt,
            operation=plan.operation,
            params=params,
            run_dir=str(context.run_dir),
            folders=self.folders,
            telegram_api_url=services.telegram_api_url,
            http_timeout=services.http_timeout,
            extra=dict(services.extra),
        )
        future = client.submit(
            remote_attempt,
            spec,
            # Unique: a key Dask still remembers would hand back that future (a rerun's
            # attempt 1 must not get the cancelled attempt 1 of the run before).
            key=f"fbrt-{context.run_id}-{context.task_id}-{context.attempt}-{uuid.uuid4().hex}",
            pure=False,
            retries=0,
        )
        try:
            result, logs, pid = await future
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                # A timeout or a cancelled run: the attempt stops on the cluster too.
                await future.cancel()
                raise
            # Cancelled on the cluster (a worker lost, someone else's cancel): a failed attempt.
            raise RuntimeError(
                f"the attempt was cancelled on the Dask cluster ({future.key})"
            ) from None
        self.pids.add(pid)
        for level, message in logs:
            context.log(message, level)
        return result


async def executor_from_url(url: str | None, folders: Sequence[str | Path] | None = None) -> Any:
    """``None``/``inprocess`` -> None (run inline); ``dask://host:port`` -> a started executor."""
    if url is None or url in ("", "inprocess", "local"):
        return None
    if url.startswith(("dask://", "tcp://")):
        return await DaskExecutor(url, folders=folders).start()
    raise ValueError(f"--executor {url!r}: expected dask://HOST:PORT (or leave it out)")
