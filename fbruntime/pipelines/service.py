"""The pipeline service: configs, runs, archives, schedules and the bot behind one object.

::

    store = await Store.open(data_dir="data")
    service = PipelineService(store, "data", Loader())     # or an OperationRegistry
    await service.start()              # marks crashed runs interrupted, loads configs, cron
    service.upload("weather.json", text)
    run_id = await service.start_run("weather_to_telegram", {"fetch": {"url": "..."}})
    await service.wait(run_id)
    detail = await service.get_run(run_id)      # tasks, attempts, errors, outputs, logs
    await service.close()

The API router (:mod:`.routes`), the CLI (``fbrt pipeline``), the cron scheduler (:mod:`.cron`)
and the Telegram bot (:mod:`.telegram_bot`) all go through it, so a run started from any of
them is the same thing. Runs go to the store as they happen (:mod:`.recording`); when a run ends
its folder is zipped next to it (:mod:`.archive`).

After a crash, :meth:`PipelineService.start` marks the runs that were in progress interrupted
and archives each with what it had written (:mod:`.upkeep`); :meth:`PipelineService.resume`
(CLI, API, page, bot) starts a new run of the same pipeline that reuses the results of the
tasks that had finished and runs the rest. The same module removes runs older than the
retention setting. Secrets (:mod:`.secrets`) are looked up when a task runs and redacted from
everything the service shows (:meth:`config_view`, :meth:`run_view`).

The service also holds what runs share: the pools (:mod:`.pools`), the operations, rebuilt when
a Loader's folder changes (:mod:`.plugins`), and the nested runs that ``pipeline.run`` tasks
start (:mod:`.nested`: :meth:`run_child`, the parent/child links, the cycle checks).
"""

from __future__ import annotations

import asyncio
import builtins
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fbruntime.core import Clock, RealClock
from fbruntime.store import NotFound, Run, RunDetail, Schedule, Store

from .archive import archive_file, run_folder, write_archive
from .configs import ConfigFolder, StoredConfig
from .lease import RunnerLease
from .loading import parse_config_json
from .metrics import PipelineMetrics
from .nested import OPERATION as NESTED_OPERATION
from .nested import NestedRuns, RunPipeline, call_problems
from .offload import Executors
from .operation import OperationRegistry, Services, TaskContext
from .plan import Pipeline
from .plugins import OperationSource
from .pools import PoolRegistry
from .problems import PipelineError, Problem
from .recording import StoreRecorder, wall_time
from .runner import PipelineRun, jsonable
from .secrets import (
    SecretStore,
    redact_params,
)
from .settings import PipelineSettings
from .upkeep import Upkeep
from .validation import validate_pipeline
from .views import ServiceViews

__all__ = ["POOLS_SETTING", "PipelineInfo", "PipelineService", "RunFinished"]

log = logging.getLogger(__name__)

POOLS_SETTING = "pipelines.pools"
"""The store setting that keeps pool sizes set through the API."""

Overrides = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class PipelineInfo:
    dag_id: str
    file_name: str
    tasks: int
    operations: tuple[str, ...]
    parameters: tuple[dict[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "dag_id": self.dag_id,
            "file_name": self.file_name,
            "tasks": self.tasks,
            "operations": list(self.operations),
            "parameters": list(self.parameters),
        }


@dataclass(frozen=True)
class RunFinished:
    """What listeners (the bot's notifications) hear when a run ends."""

    run_id: str
    dag_id: str
    status: str
    error: str | None
    trigger: str | None


Listener = Callable[[RunFinished], Awaitable[None] | None]


def _info(pipeline: Pipeline, file_name: str) -> PipelineInfo:
    operations = tuple(dict.fromkeys(t.operation for t in pipeline.config.tasks))
    parameters = tuple(spec.as_dict() for spec in pipeline.parameters.values())
    return PipelineInfo(pipeline.dag_id, file_name, len(pipeline.graph), operations, parameters)


class PipelineService(ServiceViews):
    def __init__(
        self,
        store: Store,
        data_dir: str | Path,
        operations: OperationRegistry | Any,
        clock: Clock | None = None,
        *,
        services: Services | None = None,
        max_parallel: int = 16,
        rng: Any = None,
        settings: PipelineSettings | None = None,
        secrets: SecretStore | None = None,
        executor: Any = None,
        pools: Mapping[str, int] | None = None,
    ) -> None:
        self.store = store
        self.data_dir = Path(data_dir)
        self._operations = OperationSource(operations, builtins=(RunPipeline,))
        self._operations_version = self._operations.version
        self.clock: Clock = clock or RealClock()
        self.settings = settings or PipelineSettings()
        self.pools = PoolRegistry({**self.settings.pools, **(pools or {})})
        if services is None:
            services = Services(
                telegram_api_url=self.settings.telegram_api_url,
                telegram_token=self.settings.telegram_token,
            )
        if services.chats is None:
            services.chats = store.chats
        self.services = services
        self.secrets = secrets or SecretStore(self.settings.secrets_file)
        if self.services.telegram_token:
            self.secrets.extra.add(self.services.telegram_token)
        self.executors = Executors(self.settings.threads, self.settings.processes)
        self.metrics = PipelineMetrics()
        self.upkeep = Upkeep(self)
        self.max_parallel = max_parallel
        self.rng = rng
        self.executor = executor  # where attempts run (None: in this process); executors.py
        self.configs = ConfigFolder(self.data_dir / "pipelines")
        self._pipelines: dict[str, tuple[Pipeline, str]] = {}
        self._runs: dict[str, tuple[PipelineRun, asyncio.Task[str]]] = {}
        self._listeners: list[Listener] = []
        self.nested = NestedRuns(self)
        self.load_errors: dict[str, str] = {}
        self.interrupted: list[str] = []
        self.lease = RunnerLease(self.data_dir)
        self.scheduler: Any = None
        self.bot: Any = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, *, scheduler: bool = True) -> None:
        """Mark runs a crash left unfinished (and archive them), load the stored configs, start
        the scheduler, the bot and the retention clean-up. Runs are taken for crashed ones only
        when no other process runs pipelines on this data folder (:mod:`.lease`)."""
        if self.lease.take():
            self.interrupted = await self.upkeep.recover()
        else:
            log.info(
                "another process runs pipelines on %s: its unfinished runs are left to it",
                self.data_dir,
            )
        stored_pools = await self.store.settings.get(POOLS_SETTING, {})
        for name, size in (stored_pools or {}).items():
            self.pools.set_size(name, int(size))
        self.reload()
        if scheduler:
            from .cron import CronScheduler

            self.scheduler = CronScheduler(self)
            self.scheduler.start()
            self.upkeep.start()
        if self.bot is not None:
            await self.bot.start()

    async def close(self) -> None:
        """Stop the scheduler and the bot, cancel what is still running, record it all."""
        if self.scheduler is not None:
            await self.scheduler.stop()
        await self.upkeep.stop()
        if self.bot is not None:
            await self.bot.stop()
        for run_id in list(self._runs):
            await self.cancel(run_id, reason="the service stopped")
        await self.store.flush()
        self.executors.close()
        self.lease.release()

    @property
    def operations(self) -> OperationRegistry:
        """The operations now (see :meth:`refresh_operations`)."""
        return self.refresh_operations()

    def refresh_operations(self) -> OperationRegistry:
        """The operations now: when a Loader folder changed, they are built again and the
        stored configs are checked against them (see :mod:`.plugins`)."""
        registry = self._operations.current()
        if self._operations.version != self._operations_version:
            self._operations_version = self._operations.version
            self.reload()
        return registry

    def reload(self) -> None:
        """(Re)read every active config; a broken file is kept in ``load_errors``."""
        self._pipelines.clear()
        self.load_errors.clear()
        for stored in self.configs.all_active():
            try:
                pipeline = self._validate(stored.path.read_bytes(), str(stored.path))
            except (OSError, PipelineError) as error:
                self.load_errors[stored.dag_id] = str(error)
                continue
            self._pipelines[pipeline.dag_id] = (pipeline, stored.file_name)
        # Nested calls need every pipeline: checked once all are read.
        for dag_id, (pipeline, _) in list(self._pipelines.items()):
            others = {d: p for d, (p, _) in self._pipelines.items() if d != dag_id}
            problems = call_problems(pipeline, others)
            if problems:
                self.load_errors[dag_id] = str(PipelineError(problems, dag=dag_id))
                del self._pipelines[dag_id]
        for pipeline, _ in self._pipelines.values():
            self.pools.declare(pipeline.dag_id, pipeline.pools)

    def add_listener(self, listener: Listener) -> None:
        """Called with a :class:`RunFinished` when any run ends (sync or async callable)."""
        self._listeners.append(listener)

    # -- pipelines ---------------------------------------------------------------------------

    def _validate(self, data: bytes | str, source: str) -> Pipeline:
        config = parse_config_json(data, source=source)
        pipeline = validate_pipeline(
            config, self._operations.current(), source=source, pools=self.pools.names()
        )
        self._check_secrets(pipeline, source)
        return pipeline

    def _check_calls(self, pipeline: Pipeline, source: str) -> None:
        others = {d: p for d, (p, _) in self._pipelines.items() if d != pipeline.dag_id}
        problems = call_problems(pipeline, others)
        if problems:
            raise PipelineError(problems, source=source, dag=pipeline.dag_id)

    def validate(self, content: bytes | str, file_name: str = "<upload>") -> Pipeline:
        """Check a config without keeping it; ``PipelineError`` lists every problem."""
        self.refresh_operations()
        pipeline = self._validate(content, file_name)
        self._check_calls(pipeline, file_name)
        return pipeline

    def validate_data(self, data: object, file_name: str = "<upload>") -> Pipeline:
        """Like :meth:`validate`, for a config already decoded from JSON."""
        from .config import parse_config

        pipeline = validate_pipeline(
            parse_config(data, source=file_name),
            self.operations,
            source=file_name,
            pools=self.pools.names(),
        )
        self._check_secrets(pipeline, file_name)
        self._check_calls(pipeline, file_name)
        return pipeline

    def upload(
        self, file_name: str, content: bytes | str, *, validated: Pipeline | None = None
    ) -> PipelineInfo:
        """Validate and keep a config in its dag_id's folder; it becomes the active one.

        ``validated`` is the pipeline ``content`` already gave (the API validates large bodies
        on a thread), so it is not validated twice."""
        data = content.encode() if isinstance(content, str) else content
        if validated is None:
            self.refresh_operations()
        pipeline = validated or self._validate(data, file_name)
        self._check_calls(pipeline, file_name)
        try:
            stored: StoredConfig = self.configs.save(pipeline.dag_id, file_name, data)
        except ValueError as error:
            raise PipelineError(
                [Problem(None, "file_name", str(error))], source=file_name
            ) from None
        self._pipelines[pipeline.dag_id] = (pipeline, stored.file_name)
        self.load_errors.pop(pipeline.dag_id, None)
        self.pools.declare(pipeline.dag_id, pipeline.pools)
        return _info(pipeline, stored.file_name)

    def list(self) -> builtins.list[PipelineInfo]:
        return [_info(p, name) for _, (p, name) in sorted(self._pipelines.items())]

    def pipeline(self, dag_id: str) -> Pipeline:
        found = self._pipelines.get(dag_id)
        if found is None:
            if dag_id in self.load_errors:
                raise NotFound(
                    f"pipeline {dag_id!r} could not be loaded: {self.load_errors[dag_id]}"
                )
            known = ", ".join(sorted(self._pipelines)) or "none uploaded"
            raise NotFound(f"pipeline {dag_id!r} does not exist (known: {known})")
        return found[0]

    def info(self, dag_id: str) -> PipelineInfo:
        pipeline = self.pipeline(dag_id)
        return _info(pipeline, self._pipelines[dag_id][1])

    def with_overrides(self, dag_id: str, overrides: Overrides | None) -> Pipeline:
        """The pipeline with ``{task: {param: value}}`` replacing independent params, checked."""
        pipeline = self.pipeline(dag_id)
        if not overrides:
            return pipeline
        config = pipeline.config
        unknown = [t for t in overrides if t not in pipeline.graph]
        if unknown:
            raise PipelineError(
                [
                    Problem(t, None, "params given for a task the pipeline does not have")
                    for t in unknown
                ],
                dag=dag_id,
            )
        tasks = []
        for task in config.tasks:
            extra = overrides.get(task.id)
            if extra:
                if not isinstance(extra, Mapping):
                    raise PipelineError(
                        [Problem(task.id, "params", "overrides must be an object of params")],
                        dag=dag_id,
                    )
                task = task.model_copy(
                    update={"independent_params": {**task.independent_params, **extra}}
                )
            tasks.append(task)
        return validate_pipeline(
            config.model_copy(update={"tasks": tuple(tasks)}),
            self.operations,
            source="parameter overrides",
            pools=self.pools.names(),
        )

    # -- runs --------------------------------------------------------------------------------

    async def start_run(
        self,
        dag_id: str,
        params: Overrides | None = None,
        *,
        trigger: str = "manual",
        parameters: Mapping[str, Any] | None = None,
        parent: tuple[str, str] | None = None,
        max_parallel: int | None = None,
        _reuse: Mapping[str, object] | None = None,
    ) -> str:
        """Start a run now and return its id; it goes on in the background.

        ``params`` override tasks' independent params (``{task: {param: value}}``);
        ``parameters`` are the pipeline's declared trigger parameters (checked, defaults
        filled in); ``parent`` is ``(run id, task id)`` of the task that starts a nested run;
        ``max_parallel`` (workers of this run) wins over the config's, which wins over the
        service's default.
        """
        operations = self.operations
        pipeline = self.with_overrides(dag_id, params)
        resolved = pipeline.resolve_parameters(parameters)
        run_id = uuid.uuid4().hex
        folder = run_folder(self.data_dir, dag_id, run_id)
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        await self.store.runs.create(
            dag_id,
            run_id=run_id,
            params={k: dict(v) for k, v in (params or {}).items()},
            trigger=trigger,
            tasks=pipeline.graph.ids,
            started_at=wall_time(self.clock),
            parameters=resolved,
            parent_run_id=parent[0] if parent else None,
            parent_task_id=parent[1] if parent else None,
        )
        redactor = self.redactor_for(pipeline, params, resolved)
        recorder = StoreRecorder(
            self.store,
            run_id,
            self.clock,
            redactor=redactor,
            dag_id=dag_id,
            metrics=self.metrics,
        )
        run = PipelineRun(
            pipeline,
            operations,
            run_id=run_id,
            run_dir=folder,
            clock=self.clock,
            services=self.services,
            recorder=recorder,
            max_parallel=max_parallel or pipeline.max_parallel or self.max_parallel,
            reuse=_reuse,
            rng=self.rng,
            executors=self.executors,
            secrets=self.secrets,
            redactor=redactor,
            executor=self.executor,
            parameters=resolved,
            pools=self.pools,
        )
        self.nested.started(run_id, dag_id, parent[0] if parent else None)
        recorder.log(f"run started ({trigger})")
        if resolved:
            shown = redact_params(resolved)
            recorder.log("parameters: " + ", ".join(f"{k}={v!r}" for k, v in shown.items()))
        self.metrics.run_started()
        run.start()
        supervisor = asyncio.get_running_loop().create_task(self._supervise(run, recorder, trigger))
        self._runs[run_id] = (run, supervisor)
        return run_id

    async def _supervise(self, run: PipelineRun, recorder: StoreRecorder, trigger: str) -> str:
        try:
            status = await run.wait()
            self.metrics.run_ended(status.value, run.elapsed_s())
            runs = self.store.runs
            recorder.log(
                f"run {status.value}" + (f": {run.error}" if run.error else ""),
                level="INFO" if status.value == "succeeded" else "ERROR",
            )
            recorder.flush()
            dag_id = run.pipeline.dag_id
            target = archive_file(self.data_dir, dag_id, run.run_id)
            # The writer keeps order: the end is committed after every row recorded before it.
            ended = await runs.finish(
                run.run_id,
                status.value,
                error=run.error,
                archive_path=str(target),
                result=jsonable(run.result),
            )
            detail = recorder.detail(ended, run.pipeline.graph.ids)
            await self.write_archive(run.run_id, detail)
        finally:
            self._runs.pop(run.run_id, None)
            self.nested.ended(run.run_id)
        event = RunFinished(run.run_id, run.pipeline.dag_id, status.value, run.error, trigger)
        for listener in list(self._listeners):
            try:
                outcome = listener(event)
                if outcome is not None:
                    await outcome
            except Exception:  # a broken listener must not hide the run's end
                log.exception("run %s: a finish listener failed", run.run_id)
        return status.value

    def active_runs(self, dag_id: str | None = None) -> builtins.list[PipelineRun]:
        return [
            run for run, _ in self._runs.values() if dag_id is None or run.pipeline.dag_id == dag_id
        ]

    def run_handle(self, run_id: str) -> PipelineRun | None:
        found = self._runs.get(run_id)
        return found[0] if found else None

    async def wait(self, run_id: str) -> str:
        """Wait for a run to end (archive written, listeners told); its final status."""
        found = self._runs.get(run_id)
        if found is not None:
            return await asyncio.shield(found[1])
        detail = await self.store.runs.get(run_id, with_logs=False)
        if detail is None:
            raise NotFound(f"run {run_id!r} does not exist")
        return detail.run.status

    async def run(
        self,
        dag_id: str,
        params: Overrides | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
    ) -> RunDetail:
        """Start a run, wait for its end, return it with its tasks and logs."""
        run_id = await self.start_run(dag_id, params, parameters=parameters)
        await self.wait(run_id)
        return await self.store.runs.require(run_id)

    async def run_child(
        self,
        context: TaskContext,
        dag_id: str,
        parameters: Mapping[str, Any] | None,
        *,
        inherit: bool = False,
    ) -> object:
        """Run ``dag_id`` for a ``pipeline.run`` task and return its result (see
        :class:`~.nested.NestedRuns`)."""
        return await self.nested.run_child(context, dag_id, parameters, inherit=inherit)

    async def cancel(self, run_id: str, *, reason: str = "cancelled by request") -> bool:
        """Cancel a running run; ``False`` if it is not running (``NotFound`` if unknown)."""
        found = self._runs.get(run_id)
        if found is None:
            if await self.store.runs.get(run_id, with_logs=False) is None:
                raise NotFound(f"run {run_id!r} does not exist")
            return False
        run, supervisor = found
        run.recorder.log(f"cancel requested: {reason}", level="WARNING")
        cancelled = await run.cancel(reason)
        await asyncio.shield(supervisor)
        return cancelled

    async def write_archive(self, run_id: str, detail: RunDetail | None = None) -> Path | None:
        """Zip the run's folder with its record (``run.json``, ``log.txt``); the ZIP's path.

        ``detail`` is the run as its recorder kept it (a run that just ended); without it the
        run is read from the store (a run archived after a crash, or on demand)."""
        runs = self.store.runs
        try:
            recorded = detail is not None
            if detail is None:
                detail = await runs.require(run_id)
            target = archive_file(self.data_dir, detail.run.pipeline, run_id)
            folder = run_folder(self.data_dir, detail.run.pipeline, run_id)
            children = await self.children(run_id, dag_id=detail.run.pipeline)
            view = self.run_view(detail, children=children)
            view["archive"] = True
            await asyncio.to_thread(write_archive, folder, target, detail, view, children)
            if not recorded or detail.run.archive_path != str(target):
                await runs.update(run_id, archive_path=str(target))
            return target
        except OSError as error:
            log.exception("run %s: archive failed", run_id)
            await runs.update(run_id, archive_path=None)
            await runs.log(run_id, f"archive failed: {error}", level="ERROR")
            return None

    async def resume(self, run_id: str) -> str:
        """Go on with an interrupted (or failed, or cancelled) run: a new run of the same
        pipeline that reuses the results of the tasks that had finished and runs the rest."""
        return await self.rerun_failed(run_id, trigger="resume")

    async def rerun_failed(self, run_id: str, *, trigger: str = "rerun") -> str:
        """A new run of the same pipeline that reuses what succeeded and runs the rest.

        The tasks that did not succeed (failed, skipped, cancelled, interrupted) run again with
        everything downstream of them; the others hand on their stored results. A run whose
        only unsucceeded tasks were skipped by a condition or rule has nothing to run again.
        """
        detail = await self.store.runs.get(run_id, with_logs=False)
        if detail is None:
            raise NotFound(f"run {run_id!r} does not exist")
        if run_id in self._runs:
            raise ValueError(f"run {run_id!r} is still running; cancel it or wait for its end")
        dag_id = detail.run.pipeline
        pipeline = self.pipeline(dag_id)
        succeeded = {t.task_id: t.output for t in detail.tasks if t.status == "succeeded"}
        unsucceeded = [t for t in pipeline.graph.ids if t not in succeeded]
        again = pipeline.graph.downstream(unsucceeded, include_self=True)
        skipped = {t.task_id for t in detail.tasks if t.status == "skipped"}
        if not again or (detail.run.status == "succeeded" and set(unsucceeded) <= skipped):
            raise ValueError(f"run {run_id!r} has no failed tasks to run again")
        reuse = {t: succeeded[t] for t in pipeline.graph.ids if t not in set(again)}
        params = {k: v for k, v in detail.run.params.items() if isinstance(v, dict)}
        return await self.start_run(
            dag_id,
            params or None,
            trigger=f"{trigger}:{run_id}",
            parameters=detail.run.parameters or None,
            _reuse=reuse,
        )

    async def get_run(self, run_id: str) -> RunDetail | None:
        return await self.store.runs.get(run_id)

    async def get_run_and_children(
        self, run_id: str
    ) -> tuple[RunDetail, builtins.list[Run]] | None:
        """A run and the nested runs it started, in one read of the store (a run's page)."""
        return await self.store.runs.get_with_children(run_id)

    async def children(self, run_id: str, *, dag_id: str | None = None) -> builtins.list[Run]:
        """The nested runs a run started (none, without asking the store, when ``dag_id`` is a
        known pipeline that has no ``pipeline.run`` task)."""
        known = self._pipelines.get(dag_id) if dag_id is not None else None
        if known is not None and not any(
            plan.operation == NESTED_OPERATION for plan in known[0].tasks.values()
        ):
            return []
        return await self.store.runs.children(run_id)

    # -- pools -------------------------------------------------------------------------------

    async def set_pool(self, name: str, size: int) -> dict[str, Any]:
        """Fix a pool's size on the service (kept in the store across restarts)."""
        pool = self.pools.set_size(name, size)
        stored = dict(await self.store.settings.get(POOLS_SETTING, {}) or {})
        stored[name] = size
        await self.store.settings.set(POOLS_SETTING, stored)
        return pool.as_dict()

    async def list_runs(
        self, dag_id: str | None = None, *, status: str | None = None, limit: int = 50
    ) -> builtins.list[Run]:
        return await self.store.runs.list(pipeline=dag_id, status=status, limit=limit)

    async def archive_path(self, run_id: str) -> Path | None:
        """The run's ZIP archive, once the run has ended (``NotFound`` for an unknown run);
        written now if an ended run has none (its archiving failed, or it predates it)."""
        detail = await self.store.runs.get(run_id, with_logs=False, with_attempts=False)
        if detail is None:
            raise NotFound(f"run {run_id!r} does not exist")
        path = detail.run.archive_path
        if path is not None and Path(path).is_file():
            return Path(path)
        if run_id in self._runs or detail.run.status in ("pending", "running"):
            return None
        return await self.write_archive(run_id)

    # -- schedules ---------------------------------------------------------------------------

    async def set_schedule(
        self,
        dag_id: str,
        cron: str,
        *,
        overlap: str = "skip",
        catchup_limit: int = 1,
        params: Overrides | None = None,
        timezone: str = "UTC",
    ) -> Schedule:
        """Run ``dag_id`` on a cron schedule (replacing its schedule, if it had one)."""
        from .cron import check_schedule

        self.with_overrides(dag_id, params)  # params must fit before they are kept
        self.pipeline(dag_id).resolve_parameters(None)  # scheduled runs take the defaults
        check_schedule(cron, overlap, catchup_limit, timezone)
        for old in await self.store.schedules.list(pipeline=dag_id):
            await self.store.schedules.delete(old.id)
        schedule = await self.store.schedules.add(
            dag_id,
            cron,
            overlap=overlap,
            catchup_limit=catchup_limit,
            params={k: dict(v) for k, v in (params or {}).items()},
            timezone=timezone,
        )
        if self.scheduler is not None:
            self.scheduler.wake()
        return schedule

    async def clear_schedule(self, dag_id: str) -> bool:
        removed = False
        for old in await self.store.schedules.list(pipeline=dag_id):
            removed = await self.store.schedules.delete(old.id) or removed
        if self.scheduler is not None:
            self.scheduler.wake()
        return removed

    async def schedules(self, dag_id: str | None = None) -> builtins.list[Schedule]:
        return await self.store.schedules.list(pipeline=dag_id)
