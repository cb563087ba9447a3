"""``fbrt deploy System.sys``: the 4diac IDE's Deploy (and "Create boot files") from a shell.

The system is resolved as ``fbrt run`` resolves it (subapps flattened, mapping applied, virtual
DNS substituted; types from the project folder and ``--types``), planned per device by
:mod:`fbruntime.mgmt.sysplan` and sent by :mod:`fbruntime.mgmt.sysdeploy` to each device's
MGR_ID (``--device NAME=HOST:PORT`` overrides one). ``--boot-files DIR`` writes one
``<device>.fboot`` per device instead, ``--dry-run`` prints the requests. Exit code 0 when every
device took its whole plan, 1 when one did not (each failure named), 2 for a system that cannot
be read or planned.
"""

from __future__ import annotations

from pathlib import Path

import typer

from fbruntime.cli._fail import fail
from fbruntime.eventloop import run_loop
from fbruntime.fourdiac.deploy import Deployment, resolve_system
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.library import TypeLibrary
from fbruntime.mgmt.bootfile import write_boot_file
from fbruntime.mgmt.sysdeploy import DEFAULT_TIMEOUT, deploy_devices
from fbruntime.mgmt.sysplan import DevicePlan, PlanError, dry_run_text, plan_system

__all__ = ["parse_device_overrides", "register"]


def parse_device_overrides(values: list[str]) -> dict[str, str]:
    """``NAME=HOST:PORT`` options -> {name: address}; a malformed one is a usage error."""
    found: dict[str, str] = {}
    for value in values:
        name, eq, address = value.partition("=")
        if not eq or not name.strip() or not address.strip():
            raise typer.BadParameter(f"--device {value!r}: expected NAME=HOST:PORT")
        found[name.strip()] = address.strip()
    return found


def _system_file(path: Path) -> Path:
    if path.is_dir():
        systems = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".sys")
        if len(systems) != 1:
            what = "no .sys file" if not systems else f"{len(systems)} .sys files; name one"
            raise typer.BadParameter(f"{path}: the folder holds {what}")
        return systems[0]
    if not path.is_file():
        raise typer.BadParameter(f"{path}: no such file")
    return path


def _unknown_types(deployment: Deployment) -> list[str]:
    """Types neither the project nor fbrt's built-ins provide: the device must know them."""
    from fbruntime.mgmt.resolver import native_resolver

    resolver = native_resolver()
    found: dict[str, str] = {}
    for missing in deployment.missing_types:
        if missing.type_name not in found and resolver(missing.type_name) is None:
            found[missing.type_name] = str(missing)
    return list(found.values())


def plan(system: Path, types: list[Path], devices: list[str]) -> tuple[list[DevicePlan], list[str]]:
    """Read and plan *system*; usage errors for what cannot be read or planned."""
    path = _system_file(system)
    library = TypeLibrary([path.parent, *types])
    try:
        deployment = resolve_system(path, library)
        plans, warnings = plan_system(deployment, parse_device_overrides(devices))
    except (FourdiacError, PlanError) as exc:
        raise typer.BadParameter(str(exc)) from None
    warnings += [f"{text} (the device must know it)" for text in _unknown_types(deployment)]
    if not plans:
        raise typer.BadParameter(f"{path}: the system has no device to deploy to")
    return plans, warnings


def register(app: typer.Typer) -> None:
    @app.command("deploy")
    def deploy_command(
        system: Path = typer.Argument(..., help="The .sys file (or a project folder holding one)."),
        types: list[Path] = typer.Option([], "--types", help="Extra type folders (repeatable)."),
        device: list[str] = typer.Option(
            [], "--device", help="NAME=HOST:PORT: send device NAME there, not to its MGR_ID."
        ),
        boot_files: Path | None = typer.Option(
            None, "--boot-files", help="Write one <device>.fboot per device here; send nothing."
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the requests; send nothing."),
        replace: bool = typer.Option(
            False, "--replace", help="Kill and delete resources that exist already (IDE: Replace)."
        ),
        timeout: float = typer.Option(
            DEFAULT_TIMEOUT,
            "--timeout",
            min=0.001,
            help="Seconds to wait for a connection or a reply.",
        ),
    ) -> None:
        """Deploy a 4diac system to its devices over the management protocol (fbrt or FORTE)."""
        plans, warnings = plan(system, types, device)
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)
        if dry_run:
            typer.echo(dry_run_text(plans), nl=False)
            return
        if boot_files is not None:
            try:
                boot_files.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                fail(f"{boot_files}: cannot make the folder for boot files: {exc.strerror or exc}")
            for p in plans:
                target = boot_files / f"{p.device}.fboot"
                try:
                    write_boot_file(target, ((r.dst, r.command) for r in p.requests))
                except OSError as exc:
                    fail(f"{target}: cannot write the boot file: {exc.strerror or exc}")
                typer.echo(f"{p.device}: {len(p.requests)} requests -> {target}")
            return
        outcomes = run_loop(deploy_devices(plans, replace=replace, timeout=timeout))
        failed = 0
        for outcome in outcomes:
            p = outcome.plan
            if outcome.ok:
                replaced = f", replaced {', '.join(outcome.replaced)}" if outcome.replaced else ""
                typer.echo(
                    f"{p.device} at {p.address}: {len(p.resources)} resource(s), "
                    f"{outcome.sent} requests OK in {outcome.seconds * 1000:.0f} ms{replaced}"
                )
            else:
                failed += 1
                typer.echo(f"error: {outcome.error}", err=True)
        if failed:
            typer.echo(f"{failed} of {len(outcomes)} device(s) not deployed", err=True)
            raise typer.Exit(1)
