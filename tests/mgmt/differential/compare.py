"""Compare a device's answers with FORTE's recorded ones, step by step (used by the test).

``python -m tests.mgmt.differential.compare`` replays every scenario against a fresh
``fbrt device`` each and prints, per scenario, how many answers equal FORTE's exactly, how many
differ on purpose (by name) and every other difference.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.mgmt.differential.differences import DELIBERATE, Expectations, normalise
from tests.mgmt.differential.replay import (
    FbrtDevice,
    Scenario,
    Step,
    load_recording,
    read_scenario,
    replay,
    scenario_paths,
)


@dataclass
class Comparison:
    scenario: str
    exact: int = 0
    deliberate: Counter[str] = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def expectations(scenario: Scenario) -> list[tuple[str | None, str | None]]:
    """Per step: (the answer fbrt must give, the deliberate difference's name or None)."""
    recording = load_recording(scenario.name)
    recorded = [(s["dst"], s["request"]) for s in recording["steps"]]
    wanted = [(s.dst, s.request) for s in scenario.steps]
    if recorded != wanted:
        raise AssertionError(
            f"recorded/{scenario.name}.json is stale: the scenario's requests changed; "
            "record it again (python -m tests.mgmt.differential.record --forte ...)"
        )
    out = []
    derive = Expectations()
    for step, data in zip(scenario.steps, recording["steps"], strict=True):
        expected, name = derive.expect(step, data["reply"])
        if name is not None and name not in DELIBERATE:
            raise AssertionError(f"{scenario.name}:{step.line}: unknown difference {name!r}")
        out.append((normalise(expected), name))
    return out


async def compare(scenario: Scenario, port: int) -> Comparison:
    wanted = expectations(scenario)
    by_step = {step: expected for step, (expected, _) in zip(scenario.steps, wanted, strict=True)}

    def settled(step: Step, reply: str) -> bool:
        return normalise(reply) == by_step[step]

    replies = await replay(port, scenario, settled=settled)
    result = Comparison(scenario.name)
    for step, reply, (expected, name) in zip(scenario.steps, replies, wanted, strict=True):
        if normalise(reply) != expected:
            result.mismatches.append(
                f"{scenario.name}.txt:{step.line}: {step.dst};{step.request}\n"
                f"  expected{f' ({name})' if name else ''}: {expected!r}\n"
                f"  fbrt answered: {reply!r}"
            )
        elif name is None:
            result.exact += 1
        else:
            result.deliberate[name] += 1
    return result


async def compare_with_fresh_device(path: Path, workdir: Path) -> Comparison:
    scenario = read_scenario(path)
    device = FbrtDevice(workdir / f"{scenario.name}.log")
    try:
        return await compare(scenario, await device.port())
    finally:
        device.close()


async def main(argv: list[str]) -> int:
    paths = [p for p in scenario_paths() if not argv or p.stem in argv]
    total = Comparison("all")
    with tempfile.TemporaryDirectory() as tmp:
        results = await asyncio.gather(
            *(compare_with_fresh_device(path, Path(tmp)) for path in paths)
        )
    for result in results:
        print(
            f"{result.scenario}: {result.exact} exact, "
            f"{sum(result.deliberate.values())} on purpose {dict(result.deliberate)}, "
            f"{len(result.mismatches)} different"
        )
        for mismatch in result.mismatches:
            print(mismatch)
        total.exact += result.exact
        total.deliberate.update(result.deliberate)
        total.mismatches.extend(result.mismatches)
    print(
        f"total: {total.exact} exact, {sum(total.deliberate.values())} on purpose "
        f"{dict(total.deliberate)}, {len(total.mismatches)} different"
    )
    return 0 if total.ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
