"""A device: a named set of resources with one lifecycle, as FORTE's device (``device.cpp``).

All resources of a device share the process's event loop and clock; each keeps its own FIFO
and dispatcher, so an event storm in one does not reorder another.

Names: a block or pin of a device has one name, used by everything that prints or takes one
(``fbrt run --trigger/--dump/--trace``, the REST API, its event stream, errors): its path in its
resource (``App.Sub.FB.PIN`` for an application's FB, ``START.COLD``), prefixed with the
resource's name (``RES2.START.COLD``) only when another resource of the device holds a block of
the same name. Where the resource an FB is mapped to is a deployment detail, its name stays the
one the application gives it. The resource-qualified form (``RES.path``) is also accepted on
input, so that older scripts keep working; it is never printed unless it is the one name.
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

    def name_of(self, res: Resource, path: str) -> str:
        """The one name of ``path`` (a block or pin path inside ``res``); module docstring."""
        if len(self.resources) > 1:
            top = _top_block(res, path)
            if any(top in r.network.instances for r in self.resources.values() if r is not res):
                return f"{res.name}.{path}"
        return path

    def find(self, name: str) -> tuple[Resource, FBInstance, str | None]:
        """The block or pin with that name (see the module docstring), in whichever resource."""
        found: list[tuple[Resource, FBInstance, str | None]] = []
        near: list[str] = []  # a resource held the block but not the pin, or not the inner block
        for res in self.resources.values():
            try:
                inst, pin = res.find(name)
            except NoSuchObject as exc:
                if res.has_block_for(name):
                    near.append(str(exc).removeprefix(f"resource {res.name}: "))
                continue
            found.append((res, inst, pin))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            which = ", ".join(f"{r.name}.{name}" for r, _, _ in found)
            raise NoSuchObject(f"device {self.name}: {name!r} is in several resources; say {which}")
        res_name, _, rest = name.partition(".")
        qualified = self.resources.get(res_name)
        if qualified is not None and rest:
            inst, pin = qualified.find(rest)
            return qualified, inst, pin
        if len(near) == 1:
            raise NoSuchObject(f"device {self.name}: {near[0]}")
        raise NoSuchObject(f"device {self.name}: no block or pin named {name!r}")

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


def _top_block(res: Resource, path: str) -> str:
    """The name of the top-level block ``path`` starts with (block names may contain dots)."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in res.network.instances:
            return candidate
    return parts[0]
