"""Making devices that the management protocol drives: from nothing, from a boot file, export.

These are the entry points the CLI (``fbrt device``, ``fbrt run FILE.fboot``) and tests use; they
put a `Device`, its `DeviceTarget` and a type resolver together, and leave serving, storing and
process lifetime to the caller.
"""

from __future__ import annotations

import os

from fbruntime.core import Clock, Device
from fbruntime.mgmt.bootfile import run_boot_file, write_boot_file
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.resolver import TypeResolver, default_resolver

DEFAULT_DEVICE_NAME = "FORTE_PC"


def new_target(
    name: str = DEFAULT_DEVICE_NAME,
    *,
    clock: Clock | None = None,
    resolver: TypeResolver | None = None,
) -> DeviceTarget:
    """An empty device and its executor; *resolver* defaults to `default_resolver()`."""
    return DeviceTarget(Device(name, clock=clock), resolver or default_resolver())


async def target_from_boot_file(
    path: str | os.PathLike[str],
    *,
    clock: Clock | None = None,
    resolver: TypeResolver | None = None,
    name: str = DEFAULT_DEVICE_NAME,
) -> DeviceTarget:
    """A device built by executing the boot file, as FORTE does at start-up.

    Must run inside the event loop that will run the device (STARTs create tasks). Raises
    `BootFileError` at the first failing command, with the file, the line and the Reason; the
    partly built device is killed first so nothing it started outlives the failure.
    """
    target = new_target(name, clock=clock, resolver=resolver)
    try:
        await run_boot_file(path, target)
    except BaseException:
        target.device.kill()
        raise
    return target


async def device_from_boot_file(
    path: str | os.PathLike[str],
    *,
    clock: Clock | None = None,
    resolver: TypeResolver | None = None,
    name: str = DEFAULT_DEVICE_NAME,
) -> Device:
    """The started device a boot file describes (see `target_from_boot_file`).

    Await ``device.on_exit`` (STEST_END) or your own signal; ``device.exit_code`` and
    ``device.failed_conditions`` tell how a test run ended.
    """
    target = await target_from_boot_file(path, clock=clock, resolver=resolver, name=name)
    return target.device


def export_boot_file(target: DeviceTarget, path: str | os.PathLike[str]) -> None:
    """Write what *target*'s device was deployed, compacted, as a ``.fboot`` file (atomically)."""
    write_boot_file(path, target.record.commands())
