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


def test_a_checkout_finds_its_block_library() -> None:
    from fbruntime.blockfiles import default_library_dirs, load_library

    assert default_library_dirs()[:2] == [ROOT / "blocks", ROOT / "composites"]
    assert {"E_SPLIT", "E_RESTART", "PUBLISH_1", "FB_TON"} <= set(load_library())


def test_the_importer_and_the_device_do_not_pull_in_the_store() -> None:
    code = (
        "import sys, fbruntime.fourdiac, fbruntime.mgmt; "
        "print(sorted(m for m in ('sqlalchemy', 'fastapi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
