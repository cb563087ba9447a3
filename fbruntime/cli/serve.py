"""``fbrt serve`` (the REST control API) and ``fbrt apps`` (list stored applications)."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from fbruntime.cli.stopping import WATCHDOG_HELP, process_guard, stop_on_signal

__all__ = ["compose", "register"]


DEMO_APP = "blinker"


def demo_system() -> Path:
    """The example 4diac project: next to the package in a checkout, inside it when installed."""
    package = Path(__file__).resolve().parents[1]
    for base in (package.parent / "systems", package / "_library" / "systems"):
        candidate = base / "blinker4diac" / "Blinker.sys"
        if candidate.is_file():
            return candidate
    raise typer.BadParameter("the example system systems/blinker4diac/Blinker.sys is missing")


async def compose(
    orch: Any, settings: Any, *, demo: bool = False, executor: str | None = None
) -> tuple[list[Any], Any]:
    """The whole product behind one server: the pipelines service (with the Telegram bot when
    ``FBRT_TELEGRAM_TOKEN`` is set) and the web page; with ``demo``, the example system too.

    The API layer knows neither; this shell puts them together (see fbruntime/api/server.py).
    """
    from fbruntime.api.context import read_access, write_access
    from fbruntime.api.routes_metrics import metrics_router
    from fbruntime.blockfiles import default_library_dirs
    from fbruntime.pipelines.executors import executor_from_url
    from fbruntime.pipelines.routes import pipelines_router
    from fbruntime.pipelines.service import PipelineService
    from fbruntime.pipelines.settings import PipelineSettings
    from fbruntime.pipelines.telegram_bot import bot_from_environment
    from fbruntime.web import web_routers

    folders = [*default_library_dirs(), *settings.folders]
    runner = await executor_from_url(executor, folders)
    service = PipelineService(
        orch.store,
        settings.data_dir,
        orch.loader,
        orch.clock,
        executor=runner,
        settings=PipelineSettings.from_env(),
    )
    service.bot = bot_from_environment(service)
    await service.start()
    if demo and DEMO_APP not in {a.name for a in orch.apps()}:
        await orch.create_system(DEMO_APP, path=demo_system(), start=True)
    routers = [
        pipelines_router(service, auth_dependency=write_access, read_dependency=read_access),
        metrics_router(orch, [lambda: service.metrics.families(service)], read_access),
    ]
    routers.extend(web_routers(orch, service))
    if runner is None:
        return routers, service.close

    async def close() -> None:
        await service.close()
        await runner.close()

    return routers, close


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[
            str | None, typer.Option(help="Address to bind (env FBRT_HOST; default 127.0.0.1)")
        ] = None,
        port: Annotated[int | None, typer.Option(help="Port (env FBRT_PORT; default 8000)")] = None,
        data_dir: Annotated[
            Path | None, typer.Option(help="Data folder (env FBRT_DATA_DIR; default ./data)")
        ] = None,
        database_url: Annotated[
            str | None,
            typer.Option(help="SQLAlchemy URL (env FBRT_DATABASE_URL; default SQLite in data)"),
        ] = None,
        token: Annotated[
            str | None, typer.Option(help="API token to require (env FBRT_API_TOKEN)")
        ] = None,
        new_token: Annotated[
            bool, typer.Option(help="Generate and print a new API token, forgetting the old one")
        ] = False,
        allow_python_upload: Annotated[
            bool,
            typer.Option(help="Accept Python block source over HTTP: this runs uploaded code"),
        ] = False,
        folder: Annotated[
            list[Path] | None, typer.Option(help="Extra folder of Python blocks / composites")
        ] = None,
        fourdiac_folder: Annotated[
            list[Path] | None, typer.Option(help="Folder of 4diac type files")
        ] = None,
        demo: Annotated[
            bool,
            typer.Option(
                help="Also run the example 4diac system (systems/blinker4diac) as the "
                f"application {DEMO_APP!r}; open the printed address to watch it"
            ),
        ] = False,
        slice_events: Annotated[
            int | None,
            typer.Option(
                min=1,
                help="Events a resource runs before the server answers requests again "
                "(env FBRT_SLICE_EVENTS); smaller: lower API latency, slower busy apps",
            ),
        ] = None,
        log_format: Annotated[
            str | None,
            typer.Option(help="The server's log: text or json lines (env FBRT_LOG_FORMAT)"),
        ] = None,
        executor: Annotated[
            str | None,
            typer.Option(help="dask://HOST:PORT: run pipeline tasks on that Dask cluster"),
        ] = None,
        watchdog: Annotated[
            float | None,
            typer.Option(min=0, help=WATCHDOG_HELP, show_default=False),
        ] = None,
    ) -> None:
        """Serve the control API (OpenAPI docs at /docs)."""
        import os

        from fbruntime.api.server import run_loop
        from fbruntime.api.server import serve as run
        from fbruntime.api.settings import ApiSettings
        from fbruntime.cli.logs import configure_logging

        try:
            configure_logging(log_format or os.environ.get("FBRT_LOG_FORMAT") or "text")
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--log-format") from None

        settings = ApiSettings.from_env(
            host=host,
            port=port,
            data_dir=data_dir,
            database_url=database_url,
            token=token,
            allow_python_upload=allow_python_upload or None,
            folders=tuple(folder or ()),
            fourdiac_folders=tuple(fourdiac_folder or ()),
            slice_events=slice_events,
            watchdog=watchdog,
        )
        with process_guard(settings.watchdog):
            run_loop(
                run(
                    settings,
                    new_token=new_token,
                    compose=partial(compose, demo=demo, executor=executor),
                    stop_hook=stop_on_signal,
                )
            )

    @app.command()
    def apps(
        data_dir: Annotated[Path | None, typer.Option(help="Data folder")] = None,
        database_url: Annotated[str | None, typer.Option(help="SQLAlchemy URL")] = None,
    ) -> None:
        """List the stored applications (name, kind, type, state)."""
        from fbruntime.store import Store

        async def listing() -> None:
            store = await Store.open(database_url, data_dir=data_dir)
            try:
                rows = await store.applications.list()
            finally:
                await store.close()
            if not rows:
                typer.echo("no applications")
            for a in rows:
                version = f" {a.type_version}" if a.type_version else ""
                error = f"  ({a.last_error})" if a.last_error else ""
                typer.echo(f"{a.name}\t{a.kind}\t{a.type_name or '-'}{version}\t{a.state}{error}")

        asyncio.run(listing())
