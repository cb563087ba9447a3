"""text.template: fill ``{name}`` fields of a template from a values object.

Python's ``str.format`` syntax: ``{name}``, ``{user[name]}``, ``{price:.2f}``; ``{{`` and ``}}``
are literal braces. A field naming a missing value fails with kind ``template.missing``.
"""

from typing import Any

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, OperationError


class TextTemplate(Operation):
    name = "text.template"
    version = "1.0"
    description = "Fill {name} fields of a template from an object of values"

    template = DataInput("WSTRING", comment="the text with {name} fields")
    values = DataInput("ANY", comment="an object: field name -> value")
    result = DataOutput("WSTRING")

    param_types = {"values": "dict|null"}
    optional_params = ("values",)
    run_on = "loop"  # a pure function of microseconds: no thread hand-over

    def execute(self) -> None:
        values: dict[str, Any] = dict(self.values or {})
        try:
            self.result = self.template.format_map(values)
        except KeyError as error:
            known = ", ".join(sorted(values)) or "none"
            raise OperationError(
                f"template field {error.args[0]!r} has no value (values given: {known})",
                kind="template.missing",
            ) from None
        except (IndexError, ValueError) as error:
            raise OperationError(f"bad template: {error}", kind="template.invalid") from None
