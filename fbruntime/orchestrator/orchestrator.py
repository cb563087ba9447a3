"""The Orchestrator: applications created, run, watched and persisted, in a script or a server.

::

    async with await Orchestrator.open(data_dir="data") as orch:   # restores saved applications
        await orch.create("blink", type_name="E_BLINK", parameters={"DT": "T#250ms"}, start=True)
        await orch.create_system("plant", path="project/Plant.sys", start=True)
        async for item in orch.stream("blink", ["Q"]):
            print(item)

One rule for the whole API: **every call acts when it is made.** Queries (``read``, ``watch``,
``app``, ``apps``, ``stream``) and ``fire`` are plain methods that act at once. Every action that
touches the store or waits (``create``, ``create_system``, ``restore``, ``start``, ``stop``,
``kill``, ``reset``, ``delete``, ``write``) is started as a task the moment it is called and
returns that task: ``await`` it for the result and for errors. A forgotten ``await`` therefore
never loses a write or a start (the task runs anyway, in call order, and ``close`` waits for it);
only its error goes unseen, and asyncio logs that ("Task exception was never retrieved").

Every change that must survive a restart (creation, written values, lifecycle state) is in the
store when its task is done; on :meth:`restore` each application is rebuilt from the same type
and version, its written values applied again, and started if it was running. Each application
is isolated in its own :class:`~fbruntime.orchestrator.application.Application` (whose own
methods act in memory only, without the store); closing the Orchestrator closes them all,
leaving nothing running, without recording them as stopped.

``slice_events`` (when set) bounds how many events each application's resources dispatch
before letting the event loop serve anything else (the API, timers): smaller keeps request
latency low beside a busy application, at some cost to that application's event rate.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

from fbruntime.core import Clock, RealClock
from fbruntime.loader import Loader
from fbruntime.orchestrator.application import Application
from fbruntime.orchestrator.builders import BUILTIN, AppSpec, Builder, BuiltApp
from fbruntime.orchestrator.errors import (
    AppExists,
    AppNotFound,
    BadDefinition,
    OrchestratorError,
)
from fbruntime.orchestrator.values import PinValue
from fbruntime.store import Store

__all__ = ["Orchestrator"]

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}$")

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _action(
    method: Callable[Concatenate[Orchestrator, _P], Coroutine[Any, Any, _T]],
) -> Callable[Concatenate[Orchestrator, _P], asyncio.Task[_T]]:
    """Start the method's work as a task when it is called (see the module docstring)."""

    def act(self: Orchestrator, /, *args: _P.args, **kwargs: _P.kwargs) -> asyncio.Task[_T]:
        task = asyncio.get_running_loop().create_task(method(self, *args, **kwargs))
        self._actions.add(task)
        task.add_done_callback(self._actions.discard)
        return task

    functools.update_wrapper(act, method)
    return act


class Orchestrator:
    def __init__(
        self,
        loader: Loader | None = None,
        store: Store | None = None,
        *,
        clock: Clock | None = None,
        watch_interval: float = 0.1,
        slice_events: int | None = None,
    ) -> None:
        self.store = store
        self.slice_events = slice_events
        self.loader = loader if loader is not None else Loader(store=store)
        if self.loader.store is None:
            self.loader.store = store
        self.clock: Clock = clock or RealClock()
        self.watch_interval = watch_interval
        self._apps: dict[str, Application] = {}
        self._builders: dict[str, Builder] = dict(BUILTIN)
        self._owns_store = False
        self._actions: set[asyncio.Task[Any]] = set()

    @classmethod
    async def open(
        cls,
        *,
        data_dir: str | Path | None = None,
        database_url: str | None = None,
        folders: Sequence[str | Path] = (),
        fourdiac_folders: Sequence[str | Path] = (),
        clock: Clock | None = None,
        restore: bool = True,
        slice_events: int | None = None,
    ) -> Orchestrator:
        """An Orchestrator with its own store (closed with it), its applications restored."""
        if data_dir is not None:
            Path(data_dir).expanduser().mkdir(parents=True, exist_ok=True)
        store = await Store.open(database_url, data_dir=data_dir)
        loader = Loader(folders, fourdiac_folders=fourdiac_folders, store=store)
        orch = cls(loader, store, clock=clock, slice_events=slice_events)
        orch._owns_store = True
        if restore:
            try:
                await orch.restore()
            except BaseException:
                await orch.close()
                raise
        return orch

    async def close(self) -> None:
        """Finish the actions still running (an un-awaited write is kept), then close every
        application and, when it owns it, the store."""
        while self._actions:
            await asyncio.gather(*list(self._actions), return_exceptions=True)
        for app in list(self._apps.values()):
            await app.aclose()
        self._apps.clear()
        if self._owns_store and self.store is not None:
            await self.store.close()

    async def __aenter__(self) -> Orchestrator:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- kinds ------------------------------------------------------------------------------------

    def register_kind(self, kind: str, builder: Builder) -> None:
        """Teach the Orchestrator a new kind of application (pipelines do)."""
        self._builders[kind] = builder

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self._builders)

    # -- creating ---------------------------------------------------------------------------------

    @_action
    async def create(
        self,
        name: str,
        type_name: str | None = None,
        *,
        version: str | None = None,
        kind: str | None = None,
        definition: Any = None,
        parameters: dict[str, Any] | None = None,
        start: bool = False,
    ) -> Application:
        """Create an application from a type name, or a ``definition`` of some ``kind``.

        Nothing is kept if any step fails: a bad parameter refuses the whole creation.
        """
        if not _NAME.match(name):
            raise BadDefinition(
                f"application name {name!r}: use letters, digits, '_', '.' and '-' "
                "(at most 128, not starting with '.' or '-')"
            )
        if name in self._apps:
            raise AppExists(f"application {name!r} already exists; delete it or pick another name")
        kind = kind or ("type" if definition is None else "composite")
        spec = AppSpec(name, kind, type_name, version, definition)
        built = await self._build(spec)
        app = self._wrap(spec, built)
        try:
            for path, value in (parameters or {}).items():
                app.write(path, value)
            if self.store is not None:
                await self.store.applications.create(
                    name,
                    kind,
                    definition=built.definition,
                    parameters=dict(app.values),
                    type_name=built.type_name,
                    type_version=built.type_version,
                )
        except BaseException:
            await app.aclose()
            raise
        self._apps[name] = app
        if start:
            await self.start(name)
        return app

    @_action
    async def create_system(
        self,
        name: str,
        *,
        xml: str | bytes | None = None,
        filename: str = "upload.sys",
        path: str | Path | None = None,
        system: str | None = None,
        version: str | None = None,
        parameters: dict[str, Any] | None = None,
        start: bool = False,
    ) -> Application:
        """An application from a 4diac ``.sys`` or ``.fbt``: its XML (``filename`` says which),
        a file or folder on disk (read again on restore), or a system the Loader lists by name.

        Paths in a system's application are ``RES.FB.PIN`` (FB names as mapped, e.g.
        ``R.App.count.CV``); in a ``.fbt``'s they are relative to the one instance.
        """
        definition: dict[str, Any] = {}
        if xml is not None:
            text = xml.decode("utf-8", errors="replace") if isinstance(xml, bytes) else xml
            definition = {"xml": text, "file": filename}
        if path is not None:
            definition["path"] = str(path)
        if system is not None:
            definition["system"] = system
            if version is not None:
                definition["version"] = version
        if len(definition.keys() & {"xml", "path", "system"}) != 1:
            raise BadDefinition(
                f"application {name!r}: give exactly one of xml=, path= and system="
            )
        return await self.create(
            name, kind="system", definition=definition, parameters=parameters, start=start
        )

    async def _build(self, spec: AppSpec) -> BuiltApp:
        builder = self._builders.get(spec.kind)
        if builder is None:
            raise BadDefinition(
                f"application {spec.name!r}: unknown kind {spec.kind!r} "
                f"(known: {', '.join(self._builders)})"
            )
        return await builder(self.loader, spec, self.clock)

    def _wrap(self, spec: AppSpec, built: BuiltApp) -> Application:
        if self.slice_events is not None:
            for res in built.device.resources.values():
                res.slice_events = self.slice_events
        return Application(
            spec.name,
            spec.kind,
            built.device,
            root=built.root,
            type_name=built.type_name,
            type_version=built.type_version,
            definition=built.definition,
            clock=self.clock,
        )

    @_action
    async def restore(self) -> list[Application]:
        """Bring back every stored application as it was; a broken one is listed as failed."""
        if self.store is None:
            return []
        await self.loader.refresh()
        restored: list[Application] = []
        for saved in await self.store.applications.list():
            if saved.name in self._apps:
                continue
            spec = AppSpec(
                saved.name, saved.kind, saved.type_name, saved.type_version, saved.definition
            )
            try:
                app = self._wrap(spec, await self._build(spec))
            except Exception as exc:
                app = Application(
                    saved.name,
                    saved.kind,
                    None,
                    type_name=saved.type_name,
                    type_version=saved.type_version,
                    definition=saved.definition,
                    clock=self.clock,
                    error=f"cannot be rebuilt: {exc}",
                )
                app.values = dict(saved.parameters)
                self._apps[saved.name] = app
                restored.append(app)
                continue
            problems = []
            for path, value in saved.parameters.items():
                try:
                    app.write(path, value)
                except OrchestratorError as exc:
                    problems.append(str(exc))
            app.state = saved.state if saved.state in ("stopped", "killed") else "created"
            if saved.state == "running":
                try:
                    app.start()
                except Exception as exc:
                    problems.append(f"restart failed: {exc}")
            app.error = "; ".join(problems) or None
            self._apps[saved.name] = app
            restored.append(app)
        return restored

    # -- finding ----------------------------------------------------------------------------------

    def app(self, name: str) -> Application:
        try:
            return self._apps[name]
        except KeyError:
            raise AppNotFound(f"no application named {name!r}") from None

    def apps(self) -> list[Application]:
        return [self._apps[n] for n in sorted(self._apps)]

    # -- lifecycle --------------------------------------------------------------------------------

    async def _persist_state(self, app: Application) -> None:
        if self.store is not None:
            await self.store.applications.update(app.name, state=app.state, last_error=app.error)

    @_action
    async def start(self, name: str) -> Application:
        app = self.app(name)
        async with app.lock:
            try:
                app.start()
            finally:
                await self._persist_state(app)
        return app

    @_action
    async def stop(self, name: str) -> Application:
        app = self.app(name)
        async with app.lock:
            await app.stop()
            await self._persist_state(app)
        return app

    @_action
    async def kill(self, name: str) -> Application:
        app = self.app(name)
        async with app.lock:
            app.kill()
            await self._persist_state(app)
        return app

    @_action
    async def reset(self, name: str) -> Application:
        app = self.app(name)
        async with app.lock:
            app.reset()
            await self._persist_state(app)
        return app

    @_action
    async def delete(self, name: str) -> None:
        app = self.app(name)
        async with app.lock:
            await app.aclose()
            if self.store is not None:
                await self.store.applications.delete(name)
            self._apps.pop(name, None)

    # -- values and events ------------------------------------------------------------------------

    def read(self, name: str, path: str) -> PinValue:
        return self.app(name).read(path)

    @_action
    async def write(self, name: str, path: str, value: Any) -> PinValue:
        """Write a pin or parameter; it is stored before this returns, and kept on restore."""
        app = self.app(name)
        async with app.lock:
            app.check_value(path, value)
            previous = dict(app.values)
            result = app.write(path, value)
            if self.store is not None and previous != app.values:
                try:
                    await self.store.applications.update(name, parameters=dict(app.values))
                except BaseException:
                    app.values = previous
                    raise
        return result

    def fire(self, name: str, path: str) -> None:
        self.app(name).fire(path)

    def watch(self, name: str, paths: Sequence[str]) -> dict[str, Any]:
        """The current values of some pins, as JSON-ready values, by each pin's one name."""
        app = self.app(name)
        return {(pv := app.read(p)).path: pv.value for p in paths}

    def stream(
        self,
        name: str,
        paths: Sequence[str] = (),
        *,
        interval: float | None = None,
        events: bool = True,
        max_items: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Emitted events and changed watched values, sampled every ``interval`` seconds."""
        return self.app(name).stream(
            paths,
            interval=self.watch_interval if interval is None else interval,
            events=events,
            max_items=max_items,
        )
