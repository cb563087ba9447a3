"""``fbrt pipeline validate|run|runs|import|fbt`` and ``resume RUN``: TaskFlow pipelines from the
terminal.

``validate`` checks a config against the operation library and prints every problem (task,
field, message); ``run`` runs it here, in the data folder the server uses (``--data-dir``, else
``FBRT_DATA_DIR``, else ``./data``), with a live progress display, so the run shows up in
``runs``, the web page and the API like any other; ``runs`` lists the past runs of the
pipeline in FILE; ``resume`` goes on with an interrupted (or failed) run: a new run that reuses
the results of the tasks that had finished. FILE is the client's JSON or a 4diac system file (``.sys``), which
``import`` turns into the JSON; ``fbt`` writes the 4diac interface files of the operations.
``--folder DIR`` adds Python operations as ``fbrt serve --folder`` does; ``--param NAME=VALUE``
gives trigger parameters, ``--pool NAME=SIZE`` sizes pools, ``--with FILE`` stores other
pipelines first (those its ``pipeline.run`` tasks run). Exit codes: 0 success, 1 an invalid
config or a failed run, 2 usage errors. A thin shell over
:class:`fbruntime.pipelines.service.PipelineService`.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fbruntime.eventloop import run_loop

if TYPE_CHECKING:
    from fbruntime.loader import Loader
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
    Path,
    typer.Argument(
        help="The pipeline config (JSON) or a 4diac system file (.sys)",
        dir_okay=False,
        show_default=False,
    ),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data folder (env FBRT_DATA_DIR; default ./data)"),
]
FolderOpt = Annotated[
    list[Path] | None,
    typer.Option("--folder", help="Extra folder of Python operations (as fbrt serve --folder)"),
]
AppOpt = Annotated[
    str | None,
    typer.Option("--application", help="Which application of a .sys file (if it has several)"),
]
TypesOpt = Annotated[
    list[Path] | None,
    typer.Option("--types", help="Folder of the operations' .fbt files (besides the .sys's own)"),
]


def _data_dir(given: Path | None) -> Path:
    return given or Path(os.environ.get("FBRT_DATA_DIR") or "data")


def _loader(folders: list[Path] | None) -> Loader:
    from fbruntime.loader import Loader, LoaderError

    try:
        return Loader(folders or ())
    except LoaderError as error:
        raise typer.BadParameter(str(error), param_hint="--folder") from None


def _operations(folders: list[Path] | None = None) -> OperationRegistry:
    from fbruntime.pipelines.nested import RunPipeline
    from fbruntime.pipelines.plugins import OperationSource

    for folder in folders or ():
        if not folder.is_dir():
            raise typer.BadParameter(f"{folder}: not a folder", param_hint="--folder")
    return OperationSource(_loader(folders), builtins=(RunPipeline,)).current()


def _is_system(file: Path) -> bool:
    return file.suffix.lower() == ".sys"


def _config_bytes(
    file: Path,
    operations: OperationRegistry,
    application: str | None,
    types: list[Path] | None,
) -> bytes:
    """The JSON of FILE: as it is, or imported from a 4diac system file."""
    if not _is_system(file):
        return file.read_bytes()
    from fbruntime.pipelines.fourdiac_import import import_system

    imported = import_system(file, operations, application=application, type_folders=types or ())
    return imported.json().encode()


def _assignments(values: list[str], option: str, what: str) -> dict[str, Any]:
    """``NAME=VALUE`` items (VALUE as JSON, else as text)."""
    found: dict[str, Any] = {}
    for item in values:
        name, equals, text = item.partition("=")
        if not equals or not name:
            raise typer.BadParameter(f"{item!r}: write {what}=VALUE", param_hint=option)
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        found[name.strip()] = value
    return found


def _pool_sizes(values: list[str]) -> dict[str, int]:
    sizes = _assignments(values, "--pool", "NAME")
    for name, size in sizes.items():
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise typer.BadParameter(
                f"pool {name!r}: the size must be a whole number of at least 1, got {size!r}",
                param_hint="--pool",
            )
    return sizes


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
        self.maps: dict[str, str] = {}
        self.ended = 0
        self.each_success = total <= SUCCESS_LINES_UP_TO

    def __call__(self, task_id: str, state: TaskState) -> None:
        status = state.status.value
        extra = state.detail or {}
        items = extra.get("map")
        if status == "running":
            self.running.add(task_id)
            if items:
                done = items.get("succeeded", 0) + items.get("failed", 0)
                self.maps[task_id] = f"{task_id} {done}/{items['total']}"
        else:
            self.running.discard(task_id)
        if status in ("succeeded", "failed", "skipped", "cancelled"):
            self.ended += 1
            self.progress.update(self.bar, completed=self.ended)
        if status in _MARKS and (status != "succeeded" or self.each_success):
            why = state.error or extra.get("reason")
            detail = f": {why}" if why and status != "succeeded" else ""
            attempt = f" (attempt {state.attempt})" if state.attempt > 1 else ""
            count = f" ({items['total']} items)" if items and status == "succeeded" else ""
            self.progress.console.print(
                f"{_MARKS[status]} {task_id} {status}{attempt}{count}{detail}", highlight=False
            )
        shown = sorted(self.maps.get(task, task) for task in self.running)
        text = ", ".join(shown[:3]) + (f" +{len(shown) - 3}" if len(shown) > 3 else "")
        self.progress.update(self.bar, running=text)


@dataclass
class _RunOptions:
    overrides: dict[str, dict[str, Any]]
    parameters: dict[str, Any]
    max_parallel: int | None
    pools: dict[str, int]
    folders: list[Path]
    also: list[Path]
    application: str | None
    types: list[Path]
    executor: str | None = None
    resume: str | None = None


async def _run(file: Path | None, data_dir: Path, options: _RunOptions, console: Console) -> str:
    from fbruntime.pipelines import PipelineError
    from fbruntime.pipelines.executors import executor_from_url
    from fbruntime.pipelines.service import PipelineService
    from fbruntime.pipelines.settings import PipelineSettings
    from fbruntime.store import NotFound, Store

    loader = _loader(options.folders)
    executor = None
    if options.executor:
        from fbruntime.blockfiles import default_library_dirs

        executor = await executor_from_url(
            options.executor, [*default_library_dirs(), *options.folders]
        )
    store = await Store.open(data_dir=data_dir)
    service = PipelineService(
        store,
        data_dir,
        loader,
        pools=options.pools,
        max_parallel=options.max_parallel or 16,
        executor=executor,
        settings=PipelineSettings.from_env(),
    )
    try:
        await service.start(scheduler=False)
        current = file or Path(options.resume or "?")
        try:
            if options.resume is not None:
                run_id = await service.resume(await _find_run(store, options.resume))
            else:
                assert file is not None
                for other in [*options.also, file]:
                    current = other
                    data = _config_bytes(
                        other, service.operations, options.application, options.types
                    )
                    name = other.with_suffix(".json").name if _is_system(other) else other.name
                    info = service.upload(name, data)
                run_id = await service.start_run(
                    info.dag_id,
                    options.overrides or None,
                    trigger="cli",
                    parameters=options.parameters or None,
                    max_parallel=options.max_parallel,
                )
        except PipelineError as error:
            _print_problems(console, current, error)
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
        if detail is not None and status == "succeeded" and detail.run.result is not None:
            shown = json.dumps(detail.run.result, ensure_ascii=False, default=str)
            console.print(
                f"result: {shown if len(shown) <= 2000 else shown[:1997] + '...'}",
                highlight=False,
                markup=False,
            )
        for child in await service.children(run_id):
            console.print(
                f"nested run {child.id} of {child.pipeline} ({child.parent_task_id}): "
                f"{child.status}",
                highlight=False,
                markup=False,
            )
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
        help="TaskFlow pipelines (JSON task DAGs, or 4diac .sys): validate, run, list runs, "
        "resume, import from 4diac, write .fbt files.",
        no_args_is_help=True,
    )
    app.add_typer(group)

    @group.command()
    def validate(
        file: FileArg,
        folder: FolderOpt = None,
        application: AppOpt = None,
        types: TypesOpt = None,
    ) -> None:
        """Check a pipeline config (JSON or .sys); print every problem (task, field, message)."""
        from fbruntime.pipelines import PipelineError, load_pipeline
        from fbruntime.pipelines.fourdiac_import import load_system_pipeline

        console = Console(soft_wrap=True)
        operations = _operations(folder)
        try:
            if _is_system(file):
                _, pipeline = load_system_pipeline(
                    file, operations, application=application, type_folders=types or ()
                )
            else:
                pipeline = load_pipeline(file, operations)
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
        param: Annotated[
            list[str] | None,
            typer.Option("--param", help="A trigger parameter: NAME=VALUE (VALUE as JSON or text)"),
        ] = None,
        max_parallel: Annotated[
            int | None,
            typer.Option(min=1, help="Tasks run at once (default: the config's, else 16)"),
        ] = None,
        pool: Annotated[
            list[str] | None,
            typer.Option("--pool", help="Size a pool: NAME=SIZE (tasks in it at once)"),
        ] = None,
        folder: FolderOpt = None,
        with_: Annotated[
            list[Path] | None,
            typer.Option(
                "--with", help="Another pipeline to store first (one a pipeline.run task runs)"
            ),
        ] = None,
        application: AppOpt = None,
        types: TypesOpt = None,
        executor: Annotated[
            str | None,
            typer.Option(help="dask://HOST:PORT: run the tasks on that Dask cluster"),
        ] = None,
    ) -> None:
        """Run a pipeline here and show its progress; exit 1 if it does not succeed."""
        console = Console(soft_wrap=True)
        for path in (*(folder or ()), *(with_ or ())):
            if not path.exists():
                raise typer.BadParameter(f"{path} does not exist")
        options = _RunOptions(
            overrides=_overrides(set_ or []),
            parameters=_assignments(param or [], "--param", "NAME"),
            max_parallel=max_parallel,
            pools=_pool_sizes(pool or []),
            folders=list(folder or ()),
            also=list(with_ or ()),
            application=application,
            types=list(types or ()),
            executor=executor,
        )
        status = run_loop(_run(file, _data_dir(data_dir), options, console))
        if status != "succeeded":
            raise typer.Exit(1)

    @group.command()
    def resume(
        run_id: Annotated[str, typer.Argument(help="The run (its id, or the start of it)")],
        data_dir: DataDirOpt = None,
        max_parallel: Annotated[
            int | None, typer.Option(min=1, help="Tasks run at once (default: as configured)")
        ] = None,
        folder: FolderOpt = None,
    ) -> None:
        """Go on with an interrupted or failed run here: finished tasks are reused."""
        console = Console(soft_wrap=True)
        options = _RunOptions(
            overrides={},
            parameters={},
            max_parallel=max_parallel,
            pools={},
            folders=list(folder or ()),
            also=[],
            application=None,
            types=[],
            resume=run_id,
        )
        status = run_loop(_run(None, _data_dir(data_dir), options, console))
        if status != "succeeded":
            raise typer.Exit(1)

    @group.command(name="import")
    def import_(
        file: Annotated[Path, typer.Argument(help="A 4diac system file (.sys)", dir_okay=False)],
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the JSON here instead of printing it")
        ] = None,
        folder: FolderOpt = None,
        application: AppOpt = None,
        types: TypesOpt = None,
    ) -> None:
        """Turn a pipeline drawn in the 4diac IDE (an application of operation FBs) into JSON."""
        from fbruntime.pipelines import PipelineError
        from fbruntime.pipelines.fourdiac_import import load_system_pipeline

        console = Console(soft_wrap=True)
        try:
            imported, pipeline = load_system_pipeline(
                file, _operations(folder), application=application, type_folders=types or ()
            )
        except PipelineError as error:
            _print_problems(console, file, error)
            raise typer.Exit(1) from None
        if out is None:
            typer.echo(imported.json(), nl=False)
            return
        out.write_text(imported.json(), encoding="utf-8")
        console.print(
            f"[green]{out}[/]: pipeline {pipeline.dag_id!r} ({len(pipeline.graph)} tasks) "
            f"from application {imported.application!r} of {file}",
            highlight=False,
        )

    @group.command()
    def fbt(
        out: Annotated[Path, typer.Option("--out", help="Folder to write the .fbt files into")],
        names: Annotated[
            list[str] | None, typer.Argument(help="Operations (default: all)", show_default=False)
        ] = None,
        folder: FolderOpt = None,
    ) -> None:
        """Write 4diac interface files (.fbt) of operations, to draw pipelines in the 4diac IDE."""
        from fbruntime.pipelines.fbt_export import write_fbt_files

        operations = _operations(folder)
        unknown = [n for n in names or () if n not in operations]
        if unknown:
            raise typer.BadParameter(
                f"unknown operation {unknown[0]!r} (known: {', '.join(sorted(operations))})"
            )
        for path in write_fbt_files(operations, out, names or None):
            typer.echo(str(path))

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
            if _is_system(file):
                from fbruntime.pipelines.fourdiac_import import import_system

                dag_id = str(import_system(file, _operations()).config["dag_name"])
            else:
                dag_id = read_config(file).dag_name
        except PipelineError as error:
            _print_problems(console, file, error)
            raise typer.Exit(1) from None
        asyncio.run(_runs(dag_id, _data_dir(data_dir), limit, console))
