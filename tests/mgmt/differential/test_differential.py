"""fbrt answers the management scenarios as FORTE did, except where it differs on purpose.

Each scenario (``scenarios/*.txt``) is replayed over real TCP against its own ``fbrt device``
process; the processes start together, so their start-up overlaps. The expected answers are
FORTE's, recorded in ``recorded/`` (see ``record.py``), after the normalisation and deliberate
differences of ``differences.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mgmt.differential.compare import compare
from tests.mgmt.differential.replay import FbrtDevice, read_scenario, scenario_paths

PATHS = scenario_paths()


@pytest.fixture(scope="module")
def devices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, FbrtDevice]]:
    logs = tmp_path_factory.mktemp("differential")
    started = {path.stem: FbrtDevice(logs / f"{path.stem}.log") for path in PATHS}
    try:
        yield started
    finally:
        for device in started.values():
            device.close()


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
async def test_fbrt_answers_as_forte_recorded(path: Path, devices: dict[str, FbrtDevice]) -> None:
    scenario = read_scenario(path)
    result = await compare(scenario, await devices[scenario.name].port())
    assert result.ok, "\n".join(result.mismatches)
    assert result.exact > 0
