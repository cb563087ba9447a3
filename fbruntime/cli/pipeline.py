"""``fbrt pipeline validate|run|runs FILE`` and ``resume RUN``: TaskFlow pipelines from the terminal.

``validate`` checks a config against the operation library and prints every problem (task,
field, message); ``run`` runs it here, in the data folder the server uses (``--data-dir``, else
``FBRT_DATA_DIR``, else ``./data``), with a live progress display, so the run shows up in
``runs``, the web page and the API like any other; ``runs`` lists the past runs of the
pipeline in FILE; ``resume`` goes on with an interrupted (or failed) run: a new run that reuses
the results of the tasks that had finished. Exit codes: 0 success, 1 an invalid config or a
failed run, 2 usage errors.
A thin shell over :class:`fbruntime.pipelines.service.PipelineService`.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fbruntime.eventloop import run_loop

if TYPE_CHECKING:
    from fbruntime.pipelines import OperationRegistry, PipelineError
    from fbruntime.pipelines.runner import TaskState

__all__ = ["register"]

SUCCESS_LINES_UP_TO = 50
"""Bigger runs print a line only for tasks that did not simply succeed."""

_MARKS = {
    "succeeded": "[green]✓[/]",
    "failed": "[red]✗[/]",
    "skipped": "[yellow]-[/]",
    "cancelled": "[yellow]⊘[/]",
    "retrying": "[yellow]↻[/]",
}

FileArg = Annotated[
    Path, typer.Argument(help="The pipeline config (JSON)", dir_okay=False, show_default=False)
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data folder (env FBRT_DATA_DIR; default ./data)"),
]
FolderOpt = Annotated[
    list[Path] | None,
    typer.Option("--folder", help="Extra folder of operation blocks (as fbrt serve --folder)"),
]


def _data_dir(given: Path | None) -> Path:
    return given or Path(os.environ.get("FBRT_DATA_DIR") or "data")


def _operations(folders: list[Path] | None = None) -> OperationRegistry:
    from fbruntime.loader import Loader
    from fbruntime.pipelines import OperationRegistry

    return OperationRegistry.from_loader(Loader(folders=folders or ()))


def _print_problems(console: Console, file: Path, error: PipelineError) -> None:
    """One line per problem, compiler style (``FILE: task 'x', field: message``)."""
    count = len(error.problems)
    console.print(
        f"[red]{file}[/]: {count} problem{'s' if count != 1 else ''}"
        + (f" in pipeline {error.dag!r}" if error.dag else ""),
        highlight=False,
    )
    for problem in error.problems:
        console.print(f"{file}: {problem}", highlight=False, markup=False)


def _overrides(values: list[str]) -> dict[str, dict[str, Any]]:
    """``TASK.PARAM=VALUE`` (VALUE as JSON, else as text) -> ``{task: {param: value}}``."""
    overrides: dict[str, dict[str, Any]] = {}
    for item in values:
        target, equals, text = item.partition("=")
        task, dot, param = target.partition(".")
        if not equals or not dot or not task or not param:
            raise typer.BadParameter(f"{item!r}: write TASK.PARAM=VALUE", param_hint="--set")
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        overrides.setdefault(task, {})[param] = value
    return overrides


class _Display:
    """The live view of one run: a bar of finished tasks and a line per task that ended."""

    def __init__(self, console: Console, total: int) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[running]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.bar = self.progress.add_task("tasks", total=total, running="")
        self.running: set[str] = set()
        self.ended = 0
        self.each_success = total <= SUCCESS_LINES_UP_TO

    def __call__(self, task_id: str, state: TaskState) -> None:
        status = state.status.value
        if status == "running":
            self.running.add(task_id)
        else:
            self.running.discard(task_id)
        if status in ("succeeded", "failed", "skipped", "cancelled"):
            self.ended += 1
            self.progress.update(self.bar, completed=self.ended)
        if status in _MARKS and (status != "succeeded" or self.each_success):
            detail = f": {state.error}" if state.error and status != "succeeded" else ""
            attempt = f" (attempt {state.attempt})" if state.attempt > 1 else ""
            self.progress.console.print(
                f"{_MARKS[status]} {task_id} {status}{attempt}{detail}", highlight=False
            )
        shown = sorted(self.running)
        text = ", ".join(shown[:3]) + (f" +{len(shown) - 3}" if len(shown) > 3 else "")
        self.progress.update(self.bar, running=text)


async def _run(
    file: Path | None,
    data_dir: Path,
    overrides: dict[str, dict[str, Any]],
    max_parallel: int,
    console: Console,
    executor_url: str | None = None,
    resume: str | None = None,
    folders: list[Path] | None = None,
) -> str:
    from fbruntime.pipelines import PipelineError
    from fbruntime.pipelines.executors import executor_from_url
    from fbruntime.pipelines.service import PipelineService
    from fbruntime.pipelines.settings import PipelineSettings
    from fbruntime.store import NotFound, Store

    operations = _operations(folders)
    executor = await executor_from_url(executor_url)
    store = await Store.open(data_dir=data_dir)
    service = PipelineService(
        store,
        data_dir,
        operations,
        max_parallel=max_parallel,
        executor=executor,
        settings=PipelineSettings.from_env(),
    )
    try:
        await service.start(scheduler=False)
        try:
            if resume is not None:
                old = await _find_run(store, resume)
                run_id = await service.resume(old)
            else:
                assert file is not None
                info = service.upload(file.name, file.read_bytes())
                run_id = await service.start_run(info.dag_id, overrides or None, trigger="cli")
        except PipelineError as error:
            _print_problems(console, file or Path(resume or "?"), error)
            return "invalid"
        except (NotFound, ValueError) as error:
            console.print(f"[red]{error}[/]", highlight=False)
            return "invalid"
        run = service.run_handle(run_id)
        assert run is not None
        info = service.info(run.pipeline.dag_id)
        reused = f", {len(run.reuse)} reused" if run.reuse else ""
        console.print(
            f"run [bold]{run_id}[/] of {info.dag_id}: {info.tasks} tasks{reused}", highlight=False
        )
        display = _Display(console, info.tasks)
        run.add_listener(display)
        with display.progress:
            status = await service.wait(run_id)
        detail = await service.get_run(run_id)
        colour = "green" if status == "succeeded" else "red"
        console.print(f"[{colour}]run {status}[/]", highlight=False, end="")
        if detail is not None and detail.run.error:
            console.print(f": {detail.run.error}", highlight=False, end="")
        console.print(f" ({run.elapsed_s():.2f} s)", highlight=False)
        archive = await service.archive_path(run_id)
        if archive is not None:
            console.print(f"archive: {archive}", highlight=False)
        return status
    finally:
        await service.close()
        await store.close()
        if executor is not None:
            await executor.close()


async def _find_run(store: Any, prefix: str) -> str:
    """The run whose id is ``prefix`` or starts with it (at least 4 characters)."""
    from fbruntime.store import NotFound

    if len(prefix) < 4:
        raise ValueError("give at least 4 characters of the run id")
    found: list[str] = [
        r.id for r in await store.runs.list(limit=10_000) if r.id.startswith(prefix)
    ]
    if len(found) != 1:
        raise NotFound(
            f"no run starts with {prefix!r}" if not found else f"{prefix!r} names {len(found)} runs"
        )
    return found[0]


async def _runs(dag_id: str, data_dir: Path, limit: int, console: Console) -> int:
    from fbruntime.store import Store

    store = await Store.open(data_dir=data_dir)
    try:
        runs = await store.runs.list(pipeline=dag_id, limit=limit)
    finally:
        await store.close()
    if not runs:
        console.print(f"no runs of {dag_id} in {data_dir}", highlight=False)
        return 0
    console.print(
        "run                               status       trigger  started (UTC)", highlight=False
    )
    for run in runs:
        started = f"{run.started_at:%Y-%m-%d %H:%M:%S}" if run.started_at else "-"
        took = (
            f"  {(run.ended_at - run.started_at).total_seconds():.2f} s"
            if run.started_at and run.ended_at
            else ""
        )
        error = f"  {run.error}" if run.error else ""
        console.print(
            f"{run.id}  {run.status:<11}  {run.trigger or '-':<7}  {started}{took}{error}",
            highlight=False,
            markup=False,
        )
    return len(runs)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        name="pipeline",
        help="TaskFlow pipelines (JSON task DAGs): validate, run, list runs, resume.",
        no_args_is_help=True,
    )
    app.add_typer(group)

    @group.command()
    def validate(file: FileArg) -> None:
        """Check a pipeline config; print every problem (task, field, message)."""
        from fbruntime.pipelines import PipelineError, load_pipeline

        console = Console(soft_wrap=True)
        try:
            pipeline = load_pipeline(file, _operations())
        except PipelineError as error:
            _print_problems(console, file, error)
            raise typer.Exit(1) from None
        graph = pipeline.graph
        console.print(
            f"[green]{file}[/]: pipeline {pipeline.dag_id!r} is valid: {len(graph)} tasks "
            f"in {len(graph.layers)} layers",
            highlight=False,
        )

    @group.command()
    def run(
        file: FileArg,
        data_dir: DataDirOpt = None,
        set_: Annotated[
            list[str] | None,
            typer.Option(
                "--set", help="Override a param: TASK.PARAM=VALUE (VALUE as JSON or text)"
            ),
        ] = None,
        max_parallel: Annotated[int, typer.Option(min=1, help="Tasks run at once")] = 16,
        executor: Annotated[
            str | None,
            typer.Option(help="dask://HOST:PORT: run the tasks on that Dask cluster"),
        ] = None,
    ) -> None:
        """Run a pipeline here and show its progress; exit 1 if it does not succeed."""
        console = Console(soft_wrap=True)
        overrides = _overrides(set_ or [])
        status = run_loop(
            _run(file, _data_dir(data_dir), overrides, max_parallel, console, executor)
        )
        if status != "succeeded":
            raise typer.Exit(1)

    @group.command()
    def resume(
        run_id: Annotated[str, typer.Argument(help="The run (its id, or the start of it)")],
        data_dir: DataDirOpt = None,
        max_parallel: Annotated[int, typer.Option(min=1, help="Tasks run at once")] = 16,
        folder: FolderOpt = None,
    ) -> None:
        """Go on with an interrupted or failed run here: finished tasks are reused."""
        console = Console(soft_wrap=True)
        status = run_loop(
            _run(None, _data_dir(data_dir), {}, max_parallel, console, None, run_id, folder)
        )
        if status != "succeeded":
            raise typer.Exit(1)

    @group.command()
    def runs(
        file: FileArg,
        data_dir: DataDirOpt = None,
        limit: Annotated[int, typer.Option(min=1, help="How many, newest first")] = 20,
    ) -> None:
        """List the past runs of the pipeline in FILE, newest first."""
        from fbruntime.pipelines import PipelineError, read_config

        console = Console(soft_wrap=True)
        try:
            dag_id = read_config(file).dag_name
        except PipelineError as error:
            _print_problems(console, file, error)
            raise typer.Exit(1) from None
        asyncio.run(_runs(dag_id, _data_dir(data_dir), limit, console))
