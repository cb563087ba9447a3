"""fbrt answers the management scenarios as FORTE did, except where it differs on purpose.

Each scenario (``scenarios/*.txt``) is replayed over real TCP against a real ``fbrt device``
process: the scenarios marked ``!device own`` each against one of their own, the others one
after the other against one shared device (each in resources of its own). The processes start
together, so their start-up overlaps. The expected answers are FORTE's, recorded in
``recorded/`` (see ``record.py``), after the normalisation and the deliberate differences of
``differences.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mgmt.differential.compare import compare
from tests.mgmt.differential.replay import FbrtDevice, read_scenario, scenario_paths

PATHS = scenario_paths()
SHARED = "shared"


def _device_of(path: Path) -> str:
    return path.stem if read_scenario(path).own_device else SHARED


@pytest.fixture(scope="module")
def devices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, FbrtDevice]]:
    logs = tmp_path_factory.mktemp("differential")
    keys = dict.fromkeys(_device_of(path) for path in PATHS)
    started = {key: FbrtDevice(logs / f"{key}.log") for key in keys}
    try:
        yield started
    finally:
        for device in started.values():
            device.close()


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
async def test_fbrt_answers_as_forte_recorded(path: Path, devices: dict[str, FbrtDevice]) -> None:
    scenario = read_scenario(path)
    result = await compare(scenario, await devices[_device_of(path)].port())
    assert result.ok, "\n".join(result.mismatches)
    assert result.exact > 0
