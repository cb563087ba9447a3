"""temperature.convert: degrees Celsius to Fahrenheit or Kelvin (an operation plugin).

An example of an operation kept outside the shipped library: ``fbrt pipeline run --folder
systems/pipelines/plugins/ops systems/pipelines/plugins/fahrenheit.json`` (or ``fbrt serve
--folder ...``) loads it; edit the file and the next run uses the new version, no restart.
"""

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, OperationError


class TemperatureConvert(Operation):
    name = "temperature.convert"
    version = "1.0"
    description = "Convert degrees Celsius to Fahrenheit or Kelvin"

    celsius = DataInput("LREAL", comment="the temperature in degrees Celsius")
    to = DataInput("WSTRING", "F", comment="F (Fahrenheit) or K (Kelvin)")
    result = DataOutput("LREAL", comment="the converted temperature")

    param_types = {"celsius": "float"}

    def execute(self) -> None:
        unit = str(self.to).upper()
        if unit == "F":
            self.result = round(self.celsius * 9 / 5 + 32, 2)
        elif unit == "K":
            self.result = round(self.celsius + 273.15, 2)
        else:
            raise OperationError(f"unknown unit {self.to!r}: use F or K", kind="convert.unit")
