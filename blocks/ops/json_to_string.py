"""json.to_string: any JSON value as JSON text (a string stays itself unless ``quote_strings``)."""

import json

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation


class JsonToString(Operation):
    name = "json.to_string"
    version = "1.0"
    description = "Turn a JSON value into text"

    value = DataInput("ANY", comment="the value to write")
    indent = DataInput("ANY", comment="spaces per level; null writes one line")
    sort_keys = DataInput("BOOL", False, comment="write object keys in sorted order")
    quote_strings = DataInput("BOOL", False, comment="write a string value as a JSON string")
    result = DataOutput("WSTRING")

    param_types = {"value": "any", "indent": "int|null"}
    optional_params = ("indent",)
    run_on = "loop"  # a pure function of microseconds: no thread hand-over

    def execute(self) -> None:
        if isinstance(self.value, str) and not self.quote_strings:
            self.result = self.value
            return
        self.result = json.dumps(
            self.value, indent=self.indent, sort_keys=self.sort_keys, ensure_ascii=False
        )
