"""Operations for the tests against a real ``fbrt serve`` (loaded with ``--folder``)."""

import os
import time
from pathlib import Path

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, current_task


class Blocking(Operation):
    """A plugin that blocks its thread, as a careless synchronous plugin does."""

    name = "test.block"
    seconds = DataInput("LREAL", 30.0)
    result = DataOutput("ANY")
    param_types = {"seconds": "float"}

    def execute(self) -> None:
        time.sleep(self.seconds)
        self.result = os.getpid()


class BlockingInProcess(Blocking):
    name = "test.block_process"
    run_on = "process"


class Spinning(Operation):
    """A plugin that computes on its thread (holding the interpreter lock) for ``seconds``."""

    name = "test.spin"
    seconds = DataInput("LREAL", 0.6)
    result = DataOutput("ANY")
    param_types = {"seconds": "float"}

    def execute(self) -> None:
        started = time.thread_time()
        while time.thread_time() - started < self.seconds:
            pass
        self.result = "done"


class Pid(Operation):
    """Where it ran: a worker process has its own pid."""

    name = "test.pid"
    run_on = "process"
    result = DataOutput("ANY")

    def execute(self) -> None:
        current_task().log("running in a worker process")
        self.result = os.getpid()


class Fail(Operation):
    """Fails, quoting what it was given (a secret, for the redaction tests)."""

    name = "test.fail"
    token = DataInput("ANY")
    result = DataOutput("ANY")
    param_types = {"token": "str"}

    def execute(self) -> None:
        current_task().log(f"calling https://api.example.com/?key={self.token}")
        raise RuntimeError(f"the service refused key {self.token}")


class Gate(Operation):
    """Waits until a file exists (the test opens the gate), then returns its text."""

    name = "test.gate"
    file = DataInput("WSTRING")
    result = DataOutput("ANY")

    async def execute(self) -> None:
        gate = Path(self.file)
        while not gate.exists():
            await self.sleep(0.02)
        self.result = gate.read_text()
