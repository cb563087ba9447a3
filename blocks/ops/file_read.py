"""file.read: read a file from the run folder as text, or as JSON with ``as_json``."""

import json

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, OperationError, current_task


class FileRead(Operation):
    name = "file.read"
    version = "1.0"
    description = "Read a file of the run folder as text or JSON"

    file = DataInput("WSTRING", comment="path relative to the run folder")
    as_json = DataInput("BOOL", False, comment="decode the file as JSON")
    result = DataOutput("ANY")

    def execute(self) -> None:
        target = current_task().run_path(self.file)
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise OperationError(
                f"file {self.file!r} does not exist in the run folder", kind="file.missing"
            ) from None
        if not self.as_json:
            self.result = text
            return
        try:
            self.result = json.loads(text)
        except ValueError as error:
            raise OperationError(
                f"file {self.file!r} is not JSON: {error}", kind="file.invalid_json"
            ) from None
