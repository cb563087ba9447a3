"""time.delay: wait (on the engine's clock), then pass ``value`` on as the result."""

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation


class TimeDelay(Operation):
    name = "time.delay"
    version = "1.0"
    description = "Wait some seconds, then pass a value on"

    seconds = DataInput("LREAL", comment="how long to wait")
    value = DataInput("ANY", comment="what to pass on")
    result = DataOutput("ANY")

    param_types = {"seconds": "float", "value": "any"}
    optional_params = ("value",)

    async def execute(self) -> None:
        if self.seconds < 0:
            raise ValueError(f"seconds must not be negative, got {self.seconds:g}")
        await self.sleep(self.seconds)
        self.result = self.value
