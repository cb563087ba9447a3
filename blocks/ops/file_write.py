"""file.write: write text (or a JSON value) to a file in the run folder; the file is archived."""

import json

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, current_task


class FileWrite(Operation):
    name = "file.write"
    version = "1.0"
    description = "Write text or JSON to a file in the run folder"

    file = DataInput("WSTRING", comment="path relative to the run folder")
    content = DataInput("ANY", comment="a string is written as is, anything else as JSON")
    result = DataOutput("WSTRING", comment="the path written, relative to the run folder")

    param_types = {"content": "any"}

    def execute(self) -> None:
        task = current_task()
        target = task.run_path(self.file)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = self.content
        if not isinstance(content, str):
            content = json.dumps(content, ensure_ascii=False, indent=2)
        target.write_text(content, encoding="utf-8")
        self.result = self.file
        task.log(f"wrote {self.file} ({len(content)} characters)")
