"""Operations as plugins: Python operation files in a folder, picked up again when changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fbruntime.core import TestClock
from fbruntime.loader import Loader
from fbruntime.pipelines import PipelineError
from fbruntime.pipelines.service import PipelineService
from fbruntime.store import Store

OPERATION = """
from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation


class Greet(Operation):
    name = "my.greet"
    version = "{version}"
    description = "Greets"
    who = DataInput("WSTRING", "world")
    result = DataOutput("ANY")
{extra}
    def execute(self) -> None:
        self.result = "{greeting}, " + self.who
"""

PIPELINE = {
    "dag_name": "greet",
    "tasks": [{"id": "hello", "operation": "my.greet", "independent_params": {"who": "Ann"}}],
}


def write_operation(folder: Path, version: str, greeting: str, extra: str = "") -> None:
    (folder / "greet.py").write_text(
        OPERATION.format(version=version, greeting=greeting, extra=extra), encoding="utf-8"
    )


async def test_a_changed_operation_file_is_used_without_a_restart(
    store: Store, tmp_path: Path, clock: TestClock
) -> None:
    folder = tmp_path / "ops"
    folder.mkdir()
    write_operation(folder, "1.0", "Hello")
    loader = Loader([folder], rescan_interval=0)
    service = PipelineService(store, tmp_path / "data", loader, clock)
    await service.start(scheduler=False)
    try:
        service.upload("greet.json", json.dumps(PIPELINE))
        first = await service.run("greet")
        assert [t.output for t in first.tasks] == ["Hello, Ann"]

        write_operation(folder, "1.1", "Good morning")
        second = await service.run("greet")
        assert [t.output for t in second.tasks] == ["Good morning, Ann"]

        # A parameter the new version adds is accepted at once; one it drops is refused.
        config = {**PIPELINE, "dag_name": "greet2"}
        config["tasks"] = [{**PIPELINE["tasks"][0], "independent_params": {"who": "B", "n": 2}}]
        with pytest.raises(PipelineError, match="has no parameter 'n'"):
            service.validate(json.dumps(config))
        write_operation(folder, "1.2", "Hi", extra='    n = DataInput("DINT", 1)\n')
        assert service.validate(json.dumps(config)).dag_id == "greet2"
    finally:
        await service.close()


async def test_stored_configs_are_checked_again_when_an_operation_changes(
    store: Store, tmp_path: Path, clock: TestClock
) -> None:
    folder = tmp_path / "ops"
    folder.mkdir()
    write_operation(folder, "1.0", "Hello")
    loader = Loader([folder], rescan_interval=0)
    service = PipelineService(store, tmp_path / "data", loader, clock)
    await service.start(scheduler=False)
    try:
        service.upload("greet.json", json.dumps(PIPELINE))
        (folder / "greet.py").unlink()
        assert "my.greet" not in service.operations
        assert "unknown operation 'my.greet'" in service.load_errors["greet"]
        assert [p.dag_id for p in service.list()] == []
    finally:
        await service.close()
