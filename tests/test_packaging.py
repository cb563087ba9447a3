"""The wheel carries what an installed fbrt needs: the block library and the web page's files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_block_library_and_static_files(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("fbrt-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "fbruntime/_library/blocks/events/E_SPLIT.py" in names
    assert "fbruntime/web/static/app.js" in names
    assert any(n.startswith("fbruntime/store/migrations/") for n in names)
    assert not any(n.startswith("tests/") for n in names)
