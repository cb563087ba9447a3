"""A device: a named set of resources with one lifecycle, as FORTE's device (``device.cpp``).

All resources of a device share the process's event loop and clock; each keeps its own FIFO
and dispatcher, so an event storm in one does not reorder another.
"""

from __future__ import annotations

from typing import Any

from fbruntime.core.clock import Clock, RealClock
from fbruntime.core.errors import LifecycleError, NetworkError, NoSuchObject
from fbruntime.core.instance import FBInstance
from fbruntime.core.resource import Resource, ResourceState

__all__ = ["Device"]


class Device:
    def __init__(self, name: str = "FORTE_PC", *, clock: Clock | None = None) -> None:
        self.name = name
        self.clock: Clock = clock or RealClock()
        self.resources: dict[str, Resource] = {}
        self.exit_code: int | None = None  # set by STEST_END / failed test conditions
        self.failed_conditions: list[str] = []
        self.on_exit: list[Any] = []

    def add_resource(self, name: str) -> Resource:
        if name in self.resources:
            raise NetworkError(f"device {self.name}: resource {name!r} exists already")
        res = Resource(name, clock=self.clock)
        res.device = self
        self.resources[name] = res
        return res

    def remove_resource(self, name: str) -> Resource:
        res = self.resource(name)
        if res.state is ResourceState.RUNNING:
            res.kill()
        return self.resources.pop(name)

    def resource(self, name: str) -> Resource:
        try:
            return self.resources[name]
        except KeyError:
            raise NoSuchObject(f"device {self.name}: no resource {name!r}") from None

    def find(self, path: str) -> tuple[Resource, FBInstance, str | None]:
        """``RES.Block.PIN`` across resources."""
        res_name, _, rest = path.partition(".")
        res = self.resource(res_name)
        inst, pin = res.find(rest)
        return res, inst, pin

    def start(self) -> None:
        for res in self.resources.values():
            if res.state is not ResourceState.RUNNING:
                res.start()

    async def stop(self) -> None:
        for res in self.resources.values():
            if res.state is ResourceState.RUNNING:
                await res.stop()

    def kill(self) -> None:
        for res in self.resources.values():
            res.kill()

    def reset(self) -> None:
        for res in self.resources.values():
            if res.state is ResourceState.RUNNING:
                raise LifecycleError(f"resource {res.name} is running; stop before reset")
        for res in self.resources.values():
            res.reset()

    async def settle(self) -> None:
        for res in list(self.resources.values()):
            await res.settle()

    def request_exit(self, code: int = 0) -> None:
        """Ask the process running this device to end (STEST_END, as FORTE's kills the device)."""
        if self.failed_conditions:
            code = code or 1
        self.exit_code = code
        for callback in list(self.on_exit):
            callback(code)
