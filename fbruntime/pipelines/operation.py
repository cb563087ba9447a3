"""Operations are function blocks: the base class, the task context, and the registry.

An operation is a Python block (found by the Loader like any other, e.g. in ``blocks/ops/``)
that subclasses :class:`Operation`::

    class GetJson(Operation):
        name = "http.get_json"
        description = "GET a URL and return the decoded JSON body"

        url = DataInput("WSTRING", comment="the address to fetch")
        headers = DataInput("ANY", comment="extra request headers")
        result = DataOutput("ANY")

        param_types = {"headers": "dict|null"}   # JSON-level types where IEC says too little
        optional_params = ("headers",)            # may be left out of a config

        async def execute(self) -> None:
            ...
            self.result = response.json()

How the interface becomes an :class:`OperationSpec` (see :func:`spec_of`):

* every data input (``DataInput`` or ``Parameter``) is a param, named as the pin;
* its type is the pin's IEC type (``WSTRING`` -> str, ``DINT`` -> int in range, ``ANY`` -> any),
  unless ``param_types`` names a JSON-level type for it;
* a pin with an initial value has that default; a pin in ``optional_params`` may be left out
  (it keeps its initial value); any other pin is required;
* the data outputs are the result: the value of the only one, or ``{pin: value}`` for several.

Where ``execute`` runs is the class's ``run_on`` (see :mod:`.offload`): a plain ``def execute``
runs on a thread (``"thread"``, the default), so a blocking call never stalls the server;
``run_on = "process"`` runs it in a worker process that a timeout kills; ``run_on = "loop"``
keeps a tiny pure function on the event loop; an ``async def execute`` always runs on the loop
(it must await, not block). ``secret_params`` names params that hold secrets (see
:mod:`.secrets`; params named like ``token`` or ``password`` are secret anyway).

``execute`` runs inside a task scope: :func:`current_task` gives the run and task ids, the
attempt number, the run folder, a working folder of the task's own, a logger that lands in the
store, and the services the runner injects (the HTTP transport, the Telegram Bot API URL).
Errors raised by ``execute`` are recorded and retried by the runner; an :class:`OperationError`
carries a ``kind`` (e.g. ``"http.401"``) that ``no_retry_on`` can name.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from fbruntime.core import Block, BlockType, EventInput, EventOutput, FBType

from .operations import NO_DEFAULT, OperationSpec, ParamSpec, param_type
from .secrets import is_secret_param

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Operation",
    "OperationError",
    "OperationRegistry",
    "Services",
    "TaskContext",
    "current_task",
    "spec_of",
]


class OperationError(Exception):
    """An operation's failure with a ``kind`` for ``no_retry_on`` (``"http.404"``)."""

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Services:
    """What the runner hands to operations; tests swap the transport and the URLs.

    ``http_transport`` is passed to every ``httpx.AsyncClient`` the operations make (a
    ``MockTransport`` or ``ASGITransport`` in tests, ``None`` for the network).
    """

    http_transport: httpx.AsyncBaseTransport | None = None
    telegram_api_url: str = "https://api.telegram.org"
    http_timeout: float = 30.0
    telegram_token: str | None = None
    """The configured bot's token: what ``telegram.send_message`` uses when a task gives none."""
    chats: Any = None
    """Who has talked to the bot (``await chats.lookup(bot_id, "alice") -> chat id | None``)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def http_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """A client to use in ``async with``; the injected transport, explicit timeouts."""
        import httpx

        kwargs.setdefault("timeout", httpx.Timeout(self.http_timeout))
        if self.http_transport is not None:
            kwargs.setdefault("transport", self.http_transport)
        return httpx.AsyncClient(**kwargs)


LogFn = Callable[[str, str], None]


class TaskContext:
    """One attempt of one task, as an operation sees it (``current_task()``)."""

    __slots__ = (
        "_log",
        "_loop",
        "_thread",
        "_workdir",
        "attempt",
        "closed",
        "dag_id",
        "run_dir",
        "run_id",
        "services",
        "task_id",
    )

    def __init__(
        self,
        *,
        dag_id: str,
        run_id: str,
        task_id: str,
        attempt: int,
        run_dir: Path,
        services: Services,
        log: LogFn,
    ) -> None:
        self.dag_id = dag_id
        self.run_id = run_id
        self.task_id = task_id
        self.attempt = attempt
        self.run_dir = run_dir
        self.services = services
        self._log = log
        self._workdir: Path | None = None
        self._thread = threading.get_ident()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.closed = False
        """Set when the attempt is over; an abandoned thread's later log lines are dropped."""

    @property
    def workdir(self) -> Path:
        """The task's own folder inside the run folder, made on first use."""
        if self._workdir is None:
            path = self.run_dir / "tasks" / self.task_id
            path.mkdir(parents=True, exist_ok=True)
            self._workdir = path
        return self._workdir

    def log(self, message: str, level: str = "INFO") -> None:
        """A line in the run's log, tagged with this task (kept in the store); callable from
        the operation's own thread too."""
        if self.closed:
            return
        if threading.get_ident() == self._thread:
            self._log(message, level)
            return
        loop = self._loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._log_later, message, level)
            except RuntimeError:  # the loop is closed
                pass

    def _log_later(self, message: str, level: str) -> None:
        if not self.closed:
            self._log(message, level)

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Where log lines from other threads are handed to (the runner's loop)."""
        self._loop = loop

    def run_path(self, relative: str) -> Path:
        """A path inside the run folder; ``ValueError`` if ``relative`` would leave it."""
        if not relative or Path(relative).is_absolute():
            raise OperationError(
                f"file {relative!r} must be a relative path inside the run folder",
                kind="file.outside",
            )
        root = self.run_dir.resolve()
        target = (root / relative).resolve()
        if target != root and root not in target.parents:
            raise OperationError(f"file {relative!r} leaves the run folder", kind="file.outside")
        return target


_current: contextvars.ContextVar[TaskContext | None] = contextvars.ContextVar(
    "fbrt_task", default=None
)


def current_task() -> TaskContext:
    """The task attempt being run; ``RuntimeError`` outside a pipeline run."""
    context = _current.get()
    if context is None:
        raise RuntimeError("current_task() is only available while a pipeline task runs")
    return context


def _set_current(context: TaskContext | None) -> contextvars.Token[TaskContext | None]:
    return _current.set(context)


def _reset_current(token: contextvars.Token[TaskContext | None]) -> None:
    _current.reset(token)


class Operation(Block):
    """Base of operation blocks: REQ runs :meth:`execute`, CNF says it finished.

    The block stays a normal function block (REQ/CNF, pins), so it can also be wired into an
    ordinary network; the pipeline runner calls it as its task's internal block.
    """

    param_types: ClassVar[Mapping[str, str]] = {}
    optional_params: ClassVar[tuple[str, ...]] = ()
    run_on: ClassVar[str | None] = None
    """``"thread"``, ``"process"`` or ``"loop"``; None: the loop for ``async def execute``, a
    thread for a plain one (see :mod:`.offload`)."""
    secret_params: ClassVar[tuple[str, ...]] = ()

    REQ = EventInput()
    CNF = EventOutput()

    async def on_REQ(self) -> None:
        result = self.execute()
        if inspect.isawaitable(result):
            await result
        self.CNF()

    def execute(self) -> Awaitable[None] | None:
        """Do the work: read the input pins, set the output pins; raise on failure."""
        raise NotImplementedError(f"operation {self.name} does not define execute()")


PLACES = ("loop", "thread", "process")


def placement(cls: type[Operation]) -> str:
    """Where the class's ``execute`` runs: its ``run_on``, else by whether it is async."""
    if inspect.iscoroutinefunction(cls.execute):
        return "loop"
    place = cls.run_on
    if place is None:
        return "thread"
    if place not in PLACES:
        raise ValueError(
            f"operation {cls.name}: run_on must be one of {', '.join(PLACES)}, got {place!r}"
        )
    return place


def is_operation(fbtype: FBType) -> bool:
    return isinstance(fbtype, BlockType) and issubclass(fbtype.cls, Operation)


def spec_of(fbtype: FBType) -> OperationSpec:
    """The params an operation block takes, read from its interface (module docstring)."""
    cls = fbtype.cls if isinstance(fbtype, BlockType) else None
    types_override: Mapping[str, str] = getattr(cls, "param_types", {}) or {}
    optional = set(getattr(cls, "optional_params", ()) or ())
    params: list[ParamSpec] = []
    for port in fbtype.interface.data_inputs:
        type_text = types_override.get(port.name)
        if type_text is not None:
            kind = param_type(type_text)
        else:
            try:
                kind = param_type(port.type.name)
            except ValueError:
                kind = param_type("any")
        default: object = NO_DEFAULT
        if port.initial is not None:
            default = port.initial
        params.append(
            ParamSpec(
                port.name,
                kind,
                default=default,
                optional=port.name in optional,
                description=port.comment,
            )
        )
    return OperationSpec(fbtype.name, params, description=fbtype.description)


class OperationRegistry(Mapping[str, OperationSpec]):
    """Operation name -> spec (what the validator needs) and type (what the runner needs)."""

    def __init__(self, types: Iterable[FBType] = ()) -> None:
        self._types: dict[str, FBType] = {}
        self._specs: dict[str, OperationSpec] = {}
        self._places: dict[str, str] = {}
        self._secret: dict[str, frozenset[str]] = {}
        for fbtype in types:
            self.add(fbtype)

    def add(self, fbtype: FBType | type[Block]) -> None:
        if isinstance(fbtype, type):
            fbtype = fbtype.fbtype
        if not is_operation(fbtype):
            raise TypeError(f"{fbtype.name} is not an operation block (subclass Operation)")
        cls = fbtype.cls  # type: ignore[attr-defined]
        place = placement(cls)
        spec = spec_of(fbtype)
        self._types[fbtype.name] = fbtype
        self._specs[fbtype.name] = spec
        self._places[fbtype.name] = place
        self._secret[fbtype.name] = frozenset(
            name for name in spec.params if is_secret_param(name, cls.secret_params)
        )

    @classmethod
    def from_loader(cls, loader: Any) -> OperationRegistry:
        """Every operation block the Loader knows (its folders, the shipped ``blocks/ops``)."""
        registry = cls()
        for entry in loader.list(include_errors=False):
            try:
                fbtype = loader.get(entry.name)
            except Exception:  # listed but unloadable: the Loader reports it itself
                continue
            if is_operation(fbtype):
                registry.add(fbtype)
        return registry

    def fbtype(self, name: str) -> FBType:
        return self._types[name]

    def placement(self, name: str) -> str:
        """Where operation ``name`` runs: ``"loop"``, ``"thread"`` or ``"process"``."""
        return self._places[name]

    def secret_params(self, name: str) -> frozenset[str]:
        """The params of operation ``name`` whose values are secret (redacted when shown)."""
        return self._secret.get(name, frozenset())

    def __getitem__(self, name: str) -> OperationSpec:
        return self._specs[name]

    def __iter__(self) -> Any:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def describe(self) -> list[dict[str, Any]]:
        """Name, description and params of every operation, for listings."""
        rows = []
        for name in sorted(self._specs):
            spec = self._specs[name]
            rows.append(
                {
                    "name": name,
                    "description": spec.description,
                    "params": [
                        {
                            "name": p.name,
                            "type": str(p.type),
                            "required": p.required,
                            "default": None if p.default is NO_DEFAULT else p.default,
                            "description": p.description,
                        }
                        for p in spec.params.values()
                    ],
                }
            )
        return rows
