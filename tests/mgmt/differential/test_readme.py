"""Every deliberate difference the differential suite allows is listed in the README."""

from __future__ import annotations

from pathlib import Path

from tests.mgmt.differential.differences import DELIBERATE

README = Path(__file__).parents[3] / "README.md"


def test_every_deliberate_difference_is_listed_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Where fbrt differs from FORTE, on purpose") :]
    missing = [name for name in DELIBERATE if f"`{name}`" not in section]
    assert not missing, f"README's 'differs on purpose' section does not name {missing}"
