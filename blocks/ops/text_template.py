"""text.template: fill ``{name}`` fields of a template from a values object.

Python's ``str.format`` syntax: ``{name}``, ``{user[name]}``, ``{price:.2f}``; ``{{`` and ``}}``
are literal braces. A field naming a missing value fails with kind ``template.missing``.

Bounded, since the template comes from a config file: a width or precision above 65,534 (a
STRING's length) and attribute names starting with ``_`` (``{a.__class__}``) are refused with
kind ``template.invalid``; a 90-byte template cannot make 50 MB of text.
"""

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from fbruntime.core import DataInput, DataOutput
from fbruntime.iec.limits import MAX_STRING_LENGTH
from fbruntime.pipelines import Operation, OperationError

_SPEC_SIZES = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?")


class _BoundedFormatter(string.Formatter):
    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        for part in re.split(r"[.\[\]]", field_name):
            if part.startswith("_"):
                raise ValueError(f"field {field_name!r}: names starting with '_' are not allowed")
        return super().get_field(field_name, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        sizes = _SPEC_SIZES.match(format_spec)
        if sizes is not None:
            for size in sizes.groups():
                if size and (len(size) > 6 or int(size) > MAX_STRING_LENGTH):
                    raise ValueError(
                        f"format {format_spec!r}: a width or precision may be at most "
                        f"{MAX_STRING_LENGTH:,}"
                    )
        return super().format_field(value, format_spec)


_FORMATTER = _BoundedFormatter()


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
            self.result = _FORMATTER.vformat(self.template, (), values)
        except KeyError as error:
            known = ", ".join(sorted(values)) or "none"
            raise OperationError(
                f"template field {error.args[0]!r} has no value (values given: {known})",
                kind="template.missing",
            ) from None
        except (IndexError, ValueError) as error:
            raise OperationError(f"bad template: {error}", kind="template.invalid") from None
