"""Where a synchronous operation runs, so that it can never stall the server's event loop.

The server's one event loop serves the API, the web page, the applications' dispatchers and the
pipeline runner. An operation whose ``execute`` is a plain function (it may call ``time.sleep``,
``requests.get``, a C library) therefore runs elsewhere, as its class says (``run_on``):

``"thread"`` (the default for a plain ``execute``)
    on one of the :class:`ThreadPool`'s threads (at most ``max_threads`` at once, then attempts
    wait for a free one). Python cannot stop a thread, so when the task's timeout passes the
    thread is *abandoned*: the attempt fails on time with kind ``timeout`` and the thread's late
    result is thrown away; it keeps its slot until its function returns. The threads are daemon
    threads that nothing joins, so a thread stuck for ever never holds up the server's exit.
``"process"``
    in a worker process of the :class:`ProcessPool` (forked from a clean ``forkserver``, not from
    the server). A timeout kills the worker (SIGKILL), so the work really stops; a new worker is
    made for the next attempt. The operation's class is imported again in the worker (by module
    name, else from its file), its inputs and outputs must pickle, and ``current_task()`` there
    has the ids, the attempt, the folders and log lines (sent back with the result), but no
    injected HTTP transport.
``"loop"``
    on the event loop itself: right for an ``async def execute`` (it awaits, it does not block)
    and for tiny pure functions that finish in microseconds (``value.pass``), where a thread
    hand-over would cost more than the work.
"""

from __future__ import annotations

import asyncio
import contextvars
import importlib
import importlib.util
import inspect
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "Executors",
    "ProcessJob",
    "ProcessPool",
    "RemoteError",
    "ThreadPool",
    "shared_executors",
]

T = TypeVar("T")

DEFAULT_THREADS = 32
DEFAULT_PROCESSES = 2


class ThreadPool:
    """Daemon threads that run blocking calls for the event loop (see the module docstring)."""

    def __init__(self, max_threads: int = DEFAULT_THREADS, name: str = "fbrt-op") -> None:
        if max_threads < 1:
            raise ValueError(f"max_threads must be at least 1, got {max_threads}")
        self.max_threads = max_threads
        self.name = name
        self._jobs: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._waiting = 0
        self.busy = 0
        self.abandoned = 0
        """Calls whose caller gave up (a timeout) while their thread went on."""

    @property
    def threads(self) -> int:
        return self._threads

    async def run(self, fn: Callable[[], T]) -> T:
        """``fn()`` on a pool thread, in a copy of the caller's context; cancelling the await
        abandons the call (the thread finishes it and its result is dropped)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            self._waiting += 1
            start = self._threads - self.busy < self._waiting and self._threads < self.max_threads
            if start:
                self._threads += 1
        self._jobs.put((contextvars.copy_context(), fn, loop, future))
        if start:
            threading.Thread(target=self._work, name=self.name, daemon=True).start()
        try:
            return await future
        except asyncio.CancelledError:
            self.abandoned += 1
            raise

    def _work(self) -> None:
        jobs = self._jobs
        while True:
            job = jobs.get()
            if job is None:
                with self._lock:
                    self._threads -= 1
                return
            context, fn, loop, future = job
            with self._lock:
                self._waiting -= 1
                if future.cancelled():  # given up while it waited for a thread: skip it
                    continue
                self.busy += 1
            try:
                outcome: tuple[bool, Any] = (True, context.run(fn))
            except BaseException as error:  # delivered to the awaiting attempt
                outcome = (False, error)
            with self._lock:
                self.busy -= 1
            try:
                loop.call_soon_threadsafe(_deliver, future, outcome)
            except RuntimeError:  # the loop is closed: nobody waits any more
                pass
            del job, context, fn, future, outcome

    def close(self) -> None:
        """Let idle threads end; busy ones end when their call returns (nothing waits for them)."""
        with self._lock:
            count = self._threads
        for _ in range(count):
            self._jobs.put(None)


def _deliver(future: asyncio.Future[Any], outcome: tuple[bool, Any]) -> None:
    if future.done():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


# -- processes ---------------------------------------------------------------------------------


class RemoteError(Exception):
    """An operation's error from a worker process that could not be sent back as itself.

    ``kinds`` keeps the names of its classes (and its ``kind``), so ``no_retry_on`` matches it as
    it would have matched the original.
    """

    def __init__(self, message: str, kinds: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.kinds = kinds


@dataclass
class ProcessJob:
    """One attempt of a ``run_on = "process"`` operation, as the worker needs it."""

    module: str
    qualname: str
    file: str
    task_id: str
    inputs: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProcessResult:
    outputs: dict[str, Any]
    logs: list[tuple[str, str]]


class _Worker:
    __slots__ = ("conn", "process")

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, ValueError):
            pass
        self.conn.close()

    def reap(self) -> None:
        """Collect the worker's exit status (call after kill; it is quick then)."""
        try:
            self.process.join(1.0)
        except (OSError, ValueError, AssertionError):
            pass


class ProcessPool:
    """Worker processes for ``run_on = "process"`` operations (see the module docstring)."""

    def __init__(self, size: int = DEFAULT_PROCESSES, start_method: str = "forkserver") -> None:
        if size < 1:
            raise ValueError(f"the process pool needs at least 1 worker, got {size}")
        self.size = size
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._context.set_forkserver_preload([__name__])
        self._idle: list[_Worker] = []
        self._slots: asyncio.Semaphore | None = None
        self.killed = 0
        """Workers killed because their attempt ran out of time or was cancelled."""
        self.busy = 0

    def _start_worker(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(theirs,), name="fbrt-op-process", daemon=True
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    async def run(self, job: ProcessJob) -> ProcessResult:
        """Run ``job`` in a worker; cancelling the await kills that worker."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        async with self._slots:
            loop = asyncio.get_running_loop()
            worker = None
            while self._idle:
                candidate = self._idle.pop()
                if candidate.process.is_alive():
                    worker = candidate
                    break
                candidate.kill()
            if worker is None:
                worker = await asyncio.to_thread(self._start_worker)
            self.busy += 1
            try:
                answer = await self._exchange(loop, worker, job)
            except BaseException:
                self.killed += 1
                worker.kill()
                loop.run_in_executor(None, worker.reap)
                raise
            finally:
                self.busy -= 1
            self._idle.append(worker)
        return _unpack(answer)

    async def _exchange(
        self, loop: asyncio.AbstractEventLoop, worker: _Worker, job: ProcessJob
    ) -> tuple[Any, ...]:
        conn = worker.conn
        conn.send(job)
        readable: asyncio.Future[None] = loop.create_future()
        fd = conn.fileno()

        def ready() -> None:
            if not readable.done():
                readable.set_result(None)

        loop.add_reader(fd, ready)
        try:
            await readable
        finally:
            loop.remove_reader(fd)
        try:
            answer: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError):
            code = worker.process.exitcode
            raise RemoteError(
                f"the worker process died while running the operation (exit code {code})",
                ("process.died",),
            ) from None
        return answer

    def close(self) -> None:
        """End the idle workers (a busy one is killed by its attempt's cancellation)."""
        for worker in self._idle:
            worker.kill()
            worker.reap()
        self._idle.clear()


def _unpack(answer: tuple[Any, ...]) -> ProcessResult:
    if answer[0] == "ok":
        return ProcessResult(answer[1], answer[2])
    _, payload, message, kinds, trace, logs = answer
    error: BaseException | None = None
    if payload is not None:
        try:
            error = pickle.loads(payload)
        except Exception:
            error = None
    if not isinstance(error, Exception):
        error = RemoteError(message, tuple(kinds))
    error.__dict__.setdefault("remote_traceback", trace)
    error.__dict__.setdefault("remote_logs", logs)
    raise error


# -- the worker side ---------------------------------------------------------------------------

_classes: dict[tuple[str, str, str], Any] = {}


def _operation_class(job: ProcessJob) -> Any:
    key = (job.module, job.qualname, job.file)
    found = _classes.get(key)
    if found is not None:
        return found
    cls = None
    try:
        cls = _lookup(importlib.import_module(job.module), job.qualname)
    except Exception:
        cls = None
    if cls is None and job.file:
        name = f"fbrt_process_op_{abs(hash(job.file))}"
        spec = importlib.util.spec_from_file_location(name, job.file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {job.file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        cls = _lookup(module, job.qualname)
    if cls is None:
        raise ImportError(f"operation class {job.qualname} not found in {job.module} ({job.file})")
    _classes[key] = cls
    return cls


def _lookup(module: Any, qualname: str) -> Any:
    target = module
    for part in qualname.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def _run_job(job: ProcessJob) -> tuple[Any, ...]:
    from .operation import Services, TaskContext, _reset_current, _set_current

    logs: list[tuple[str, str]] = []
    try:
        cls = _operation_class(job)
        op = cls(job.task_id)
        for name, value in job.inputs.items():
            setattr(op, name, value)
        ctx = job.context
        context = TaskContext(
            dag_id=ctx.get("dag_id", ""),
            run_id=ctx.get("run_id", ""),
            task_id=job.task_id,
            attempt=ctx.get("attempt", 1),
            run_dir=Path(ctx.get("run_dir", ".")),
            services=Services(**ctx.get("services", {})),
            log=lambda message, level: logs.append((level, message)),
        )
        token = _set_current(context)
        try:
            outcome = op.execute()
            if inspect.isawaitable(outcome):
                asyncio.run(_awaited(outcome))
        finally:
            _reset_current(token)
        outputs = {port.name: getattr(op, port.name) for port in cls.fbtype.interface.data_outputs}
        pickle.dumps(outputs)  # fail here, with a clear error, rather than in the pipe
        return ("ok", outputs, logs)
    except Exception as error:
        trace = traceback.format_exc()
        try:
            payload: bytes | None = pickle.dumps(error)
        except Exception:
            payload = None
        kinds: list[str] = []
        kind = getattr(error, "kind", None)
        if isinstance(kind, str):
            kinds.append(kind)
        for klass in type(error).__mro__[:-1]:
            kinds += [klass.__name__, f"{klass.__module__}.{klass.__qualname__}"]
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return ("error", payload, message, kinds, trace, logs)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _worker_main(conn: Connection) -> None:
    """A worker process: run jobs until the pipe closes (the server went away) or None comes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; it ends us itself
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        answer = _run_job(job)
        try:
            conn.send(answer)
        except (OSError, ValueError):
            break
    os._exit(0)


class Executors:
    """The thread pool and (made on first use) the process pool that runs share."""

    def __init__(self, threads: int = DEFAULT_THREADS, processes: int = DEFAULT_PROCESSES) -> None:
        self.threads = ThreadPool(threads)
        self.process_count = processes
        self._processes: ProcessPool | None = None

    @property
    def processes(self) -> ProcessPool:
        if self._processes is None:
            self._processes = ProcessPool(self.process_count)
        return self._processes

    @property
    def started_processes(self) -> ProcessPool | None:
        return self._processes

    def close(self) -> None:
        self.threads.close()
        if self._processes is not None:
            self._processes.close()
            self._processes = None


_shared: list[Executors] = []


def shared_executors() -> Executors:
    """The executors of runs that were given none (one set per process)."""
    if not _shared:
        _shared.append(Executors())
    return _shared[0]
