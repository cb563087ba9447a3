"""``fbrt run``: load a system, start it, optionally trigger events, trace and dump, then stop.

What PATH may be is decided by its form: a Python system file (``def build(device)``), a 4diac
``.sys``/``.fbt`` or project folder (the importer), or a ``.fboot`` boot file (the management
layer). The loaders for the last two are imported only when needed, so this module stays a thin
shell.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from fbruntime.blockfiles import describe_error, import_file
from fbruntime.cli._fail import fail
from fbruntime.cli.stopping import WATCHDOG_HELP, process_guard, stop_on_signal
from fbruntime.core import BlockFault, Device, FBInstance, NoSuchObject, OutputEvent, Resource
from fbruntime.eventloop import run_loop
from fbruntime.iec import ElementaryType, IecType, format_value

__all__ = ["json_value", "load_path", "register", "run_device"]


def json_value(typ: IecType | None, value: Any) -> Any:
    """Numbers, booleans and strings as JSON; times, dates, arrays and structs as IEC literals."""
    if isinstance(typ, ElementaryType) and (
        typ.is_bool or typ.is_integer or typ.is_real or typ.is_string or typ.is_char
    ):
        return value
    if typ is not None and not getattr(typ, "is_generic", False):
        return format_value(typ, value)
    if isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def load_python_system(path: Path) -> Device:
    """Import the file and call its ``build(device)``; any error is one line (file and line)."""
    try:
        module = import_file(path)
        build = getattr(module, "build", None)
        if not callable(build):
            fail(f"{path}: a Python system defines build(device)")
        device = Device(path.stem)
        result = build(device)
    except typer.Exit:
        raise
    except Exception as exc:
        fail(describe_error(path, exc))
    return result if isinstance(result, Device) else device


async def load_path(path: Path, type_dirs: list[Path]) -> Device:
    if not path.exists():
        fail(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix == ".py":
        return load_python_system(path)
    from fbruntime.mgmt.resolver import type_dirs_from_env

    folders = type_dirs_from_env(type_dirs)  # --types, then FBRT_TYPES, as fbrt device
    if suffix == ".fboot":
        from fbruntime.mgmt import BootFileError, default_resolver, device_from_boot_file

        try:
            return await device_from_boot_file(path, resolver=default_resolver(folders))
        except BootFileError as exc:
            fail(str(exc))
    from fbruntime import fourdiac
    from fbruntime.builtin import BuiltinLibrary

    try:
        return fourdiac.load_device(path, folders, native=BuiltinLibrary())
    except fourdiac.FourdiacError as exc:
        fail(str(exc))


def dump(device: Device) -> dict[str, Any]:
    """Every data output of every block, keyed by its one name (see fbruntime.core.device)."""
    out: dict[str, Any] = {}
    for res in device.resources.values():
        for inst in res.network.walk():
            for port in inst.rt__type.interface.data_outputs:
                out[device.name_of(res, f"{inst.rt__path()}.{port.name}")] = json_value(
                    port.type, getattr(inst, port.name)
                )
    return out


def resolve_trigger(device: Device, path: str) -> tuple[Resource, str]:
    """(resource, block path + event) for ``--trigger``; a clear error when nothing matches."""
    try:
        res, inst, pin = device.find(path)
    except NoSuchObject as exc:
        fail(f"--trigger {path}: {exc}")
    if pin is None or inst.rt__type.interface.event_input(pin) is None:
        fail(f"--trigger {path}: not an event input")
    return res, f"{inst.rt__path()}.{pin}"


async def run_device(
    device: Device,
    *,
    seconds: float | None,
    triggers: list[str],
    trace: Callable[[str], None] | None,
) -> int:
    """Start, trigger, wait (for ``seconds``, STEST_END, or a signal), stop. Returns the exit code."""
    name = device.name_of
    if trace is not None:
        for res in device.resources.values():

            def tracer(ev: OutputEvent, res: Resource = res) -> None:
                trace(
                    json.dumps(
                        {
                            "block": name(res, ev.path),
                            "event": ev.event,
                            "values": _jsonable(res, ev),
                        },
                        separators=(",", ":"),
                    )
                )

            res.add_tracer(tracer)
    for res in device.resources.values():

        def report(inst: FBInstance, fault: BlockFault, res: Resource = res) -> None:
            where = name(res, inst.rt__path())
            print(f"fault in {where}.{fault.event}: {fault.kind}: {fault.message}", file=sys.stderr)

        res.on_fault(report)
    done = asyncio.Event()
    device.on_exit.append(lambda code: done.set())
    if device.exit_code is not None:  # a boot file may have ended the run while loading
        done.set()
    undo_signals = stop_on_signal(done.set)
    fires = [resolve_trigger(device, path) for path in triggers]
    device.start()
    for res, target in fires:
        res.fire(target)
    try:
        if seconds is None:
            await done.wait()
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), seconds)
    finally:
        undo_signals()
    if device.exit_code is None:
        await device.stop()
    else:
        device.kill()
    if device.failed_conditions:
        return 1
    return device.exit_code or 0


def _jsonable(res: Resource, ev: OutputEvent) -> dict[str, Any]:
    try:
        inst: FBInstance = res.find(ev.path)[0]
    except KeyError:
        return {k: json_value(None, v) for k, v in ev.values.items()}
    itf = inst.rt__type.interface
    return {
        k: json_value(p.type if (p := itf.data_port(k)) else None, v) for k, v in ev.values.items()
    }


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        path: Path = typer.Argument(
            ..., help="A Python system (.py), a 4diac .sys/.fbt or folder, or a .fboot"
        ),
        types: list[Path] = typer.Option(
            [],
            "--types",
            help="Extra type folders (repeatable; also FBRT_TYPES, separated by os.pathsep)",
        ),
        trigger: list[str] = typer.Option(
            [],
            "--trigger",
            help="Fire an event input after start, e.g. App.Sub.FB.REQ (repeatable)",
        ),
        seconds: float | None = typer.Option(
            None, "--for", help="Run this many seconds, then stop (default: until Ctrl-C)"
        ),
        trace: bool = typer.Option(
            False, "--trace", help="Print each emitted event as a JSON line"
        ),
        dump_values: bool = typer.Option(
            False, "--dump", help="Print every data output as one JSON object at the end"
        ),
        watchdog: float | None = typer.Option(
            None, "--watchdog", min=0, help=WATCHDOG_HELP, show_default=False
        ),
    ) -> None:
        """Run a system until --for elapses, STEST_END ends it, or Ctrl-C."""

        async def main() -> int:
            device = await load_path(path, list(types))
            code = await run_device(
                device,
                seconds=seconds,
                triggers=list(trigger),
                trace=(lambda line: print(line, flush=False)) if trace else None,
            )
            if dump_values:
                print(json.dumps(dump(device), indent=None, sort_keys=True))
            sys.stdout.flush()
            return code

        with process_guard(watchdog):
            code = run_loop(main())
        raise typer.Exit(code)
