"""value.pass: the result is the ``value`` param (constants, renaming, joining branches)."""

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation


class ValuePass(Operation):
    name = "value.pass"
    version = "1.0"
    description = "Return the value given"

    value = DataInput("ANY", comment="the result")
    result = DataOutput("ANY")

    param_types = {"value": "any"}
    optional_params = ("value",)
    run_on = "loop"  # a pure function of microseconds: no thread hand-over

    def execute(self) -> None:
        self.result = self.value
