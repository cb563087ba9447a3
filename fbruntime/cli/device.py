"""``fbrt device``: be a 4diac device, like FORTE: serve the management protocol, boot, persist.

The shell puts the management layer's pieces together: a device and its executor
(``fbruntime.mgmt``), the user's type folders (``--types``, ``FBRT_TYPES``; reread when a file
changes), an optional boot file run first (``--boot``, as FORTE's ``-f``), the deployment kept in
the project database (``--data-dir`` or ``FBRT_DATABASE_URL``; restored at start, every change
committed before its reply) and the DEV_MGR server (``--listen``, loopback by default). It runs
until interrupted or until the device asks to exit (STEST_END, a device KILL); the exit code is the
device's (1 when a TEST_CONDITION failed). ``--export FILE`` writes the deployment as a ``.fboot``:
the stored one and exit when nothing else is asked, otherwise the live one when the device ends.
A stored deployment that no longer replays does not keep the device from starting: what fails is
skipped and reported, the rest is restored (``fbruntime.mgmt.persistence``).
``--types DIR`` lets the device create the 4diac types of a folder besides the built-in ones;
``--opcua [HOST:]PORT`` serves the device over OPC UA too (``fbruntime.opcua``, imported only then).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer

from fbruntime.cli._fail import fail
from fbruntime.cli.stopping import WATCHDOG_HELP, process_guard, stop_on_signal
from fbruntime.eventloop import run_loop
from fbruntime.mgmt import (
    BootFileError,
    DeploymentSync,
    DeviceTarget,
    ManagementServer,
    default_resolver,
    export_boot_file,
    new_target,
    restore,
    run_boot_file,
    serve,
)
from fbruntime.mgmt.resolver import TYPES_ENV, type_dirs_from_env
from fbruntime.mgmt.server import DEFAULT_PORT

DEFAULT_LISTEN = f"127.0.0.1:{DEFAULT_PORT}"

__all__ = ["parse_listen", "register", "run_device_server"]


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``:PORT``, ``PORT`` or ``[v6]:PORT`` -> (host, port); loopback by default."""
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = "", text
    host = host.strip("[]") or "127.0.0.1"
    try:
        port = int(port_text)
    except ValueError:
        raise typer.BadParameter(f"--listen {text!r}: the port must be a number") from None
    if not 0 <= port <= 65535:
        raise typer.BadParameter(f"--listen {text!r}: the port must be within 0..65535")
    return host, port


def _wants_store(data_dir: Path | None) -> bool:
    return data_dir is not None or bool(os.environ.get("FBRT_DATABASE_URL"))


async def run_device_server(
    *,
    listen: str | None,
    boot: Path | None,
    data_dir: Path | None,
    export: Path | None,
    name: str,
    types: Sequence[Path] = (),
    on_listening: Callable[[ManagementServer], None] | None = None,
    opcua: str | None = None,
) -> int:
    """The whole life of ``fbrt device``; returns the process exit code.

    *types* are type folders besides those of ``FBRT_TYPES``.
    """
    from fbruntime.store import Store

    store = await Store.open(data_dir=data_dir) if _wants_store(data_dir) else None
    target = new_target(name, resolver=default_resolver(type_dirs_from_env(types)))
    device = target.device
    sync: DeploymentSync | None = None
    server = None
    ua_server: Any = None
    try:
        if store is not None and boot is None:
            report = await restore(target, store.deployments)
            if report.replayed or report.failures:
                typer.echo(f"fbrt device {name}: {report.summary(name)}", err=True)
        if export is not None and listen is None and boot is None:
            export_boot_file(target, export)
            typer.echo(f"fbrt device {name}: exported the deployment to {export}", err=True)
            return 0
        if store is not None:
            sync = DeploymentSync(target, store.deployments)
        if boot is not None:
            await run_boot_file(boot, target)
        if sync is not None:
            await sync.commit()  # the store now holds what the device runs
        if opcua is not None:
            ua_server = await _start_opcua(target, opcua)
            typer.echo(f"fbrt device {name}: OPC UA on {ua_server.endpoint}", err=True)
        ended = asyncio.Event()
        device.on_exit.append(lambda code: ended.set())
        if device.exit_code is not None:
            ended.set()
        if listen is not None:
            host, port = parse_listen(listen)
            server = await serve(target, host, port)
            typer.echo(f"fbrt device {name}: listening on {server.host}:{server.port}", err=True)
            if on_listening is not None:
                on_listening(server)
        await _wait(ended)
        return _exit_code(target)
    finally:
        if ua_server is not None:
            await ua_server.stop()
        if server is not None:
            await server.close()
        if export is not None and (listen is not None or boot is not None):
            export_boot_file(target, export)
        device.kill()
        if sync is not None:
            await sync.close()
        if store is not None:
            await store.close()


async def _start_opcua(target: DeviceTarget, where: str) -> Any:
    try:
        from fbruntime.opcua.server import DeviceOpcUaServer
    except ImportError:
        from fbruntime.opcua import MISSING_EXTRA

        raise typer.BadParameter(f"--opcua: {MISSING_EXTRA}") from None
    host, port = parse_listen(where)
    ua_server = DeviceOpcUaServer(target, host, port)
    try:
        await ua_server.start()
    except OSError as exc:  # named here: the caller's OSError message is about --listen
        fail(f"--opcua {where}: cannot serve OPC UA there: {exc.strerror or exc}")
    return ua_server


def _exit_code(target: DeviceTarget) -> int:
    code = target.device.exit_code
    if target.device.failed_conditions:
        return code or 1
    return code or 0


async def _wait(ended: asyncio.Event) -> None:
    """Until the device asks to exit or the process is told to stop (Ctrl-C, SIGTERM)."""
    undo = stop_on_signal(ended.set)
    try:
        await ended.wait()
    finally:
        undo()


def register(app: typer.Typer) -> None:
    @app.command("device")
    def device_command(
        listen: str | None = typer.Option(
            None,
            "--listen",
            help=f"HOST:PORT to serve the management protocol on [default: {DEFAULT_LISTEN}].",
        ),
        serve_protocol: bool = typer.Option(
            True, "--serve/--no-serve", help="Serve the management protocol at all."
        ),
        boot: Path | None = typer.Option(
            None, "--boot", help="A .fboot boot file to execute first (as FORTE's -f)."
        ),
        data_dir: Path | None = typer.Option(
            None,
            "--data-dir",
            help="Keep the deployment in this directory's database (or set FBRT_DATABASE_URL).",
        ),
        export: Path | None = typer.Option(
            None,
            "--export",
            help="Write the deployment as a .fboot file (alone: the stored one, then exit).",
        ),
        name: str = typer.Option("FORTE_PC", "--name", help="The device name (key in the store)."),
        types: list[Path] = typer.Option(
            [],
            "--types",
            help=(
                "A folder of 4diac types (.fbt, .adp, .dtp...) the device can create, e.g. "
                f"your 4diac project (repeatable; also {TYPES_ENV}, separated by "
                f"{os.pathsep!r}). Reread when a file changes."
            ),
        ),
        opcua: str | None = typer.Option(
            None, "--opcua", help="[HOST:]PORT: serve the device over OPC UA too (off by default)."
        ),
        watchdog: float | None = typer.Option(
            None, "--watchdog", min=0, help=WATCHDOG_HELP, show_default=False
        ),
    ) -> None:
        """Run a 4diac device: deploy to it from 4diac IDE, or boot it from a .fboot file."""
        export_only = export is not None and boot is None and listen is None
        listen_at = None if export_only or not serve_protocol else (listen or DEFAULT_LISTEN)
        try:
            with process_guard(watchdog):
                code = run_loop(
                    run_device_server(
                        listen=listen_at,
                        boot=boot,
                        data_dir=data_dir,
                        export=export,
                        name=name,
                        types=types,
                        opcua=opcua,
                    )
                )
        except BootFileError as failure:
            typer.echo(f"fbrt device: {failure}", err=True)
            raise typer.Exit(2) from None
        except OSError as failure:
            typer.echo(f"fbrt device: cannot serve on {listen_at}: {failure}", err=True)
            raise typer.Exit(2) from None
        raise typer.Exit(code)
