"""The public surface only grows on purpose (httpx's test_exported_members)."""

from __future__ import annotations

import fbruntime


def test_public_api_is_pinned() -> None:
    assert sorted(fbruntime.__all__) == [
        "Block",
        "BlockFault",
        "CompositeBuilder",
        "CompositeType",
        "DataInput",
        "DataOutput",
        "Device",
        "EventInput",
        "EventOutput",
        "FBState",
        "FBType",
        "Loader",
        "Orchestrator",
        "OutputEvent",
        "Parameter",
        "RealClock",
        "Resource",
        "ResourceState",
        "Store",
        "TestClock",
    ]
    for name in fbruntime.__all__:
        assert getattr(fbruntime, name) is not None
    from fbruntime.loader import Loader
    from fbruntime.orchestrator import Orchestrator
    from fbruntime.store import Store

    assert fbruntime.Loader is Loader and fbruntime.Orchestrator is Orchestrator
    assert fbruntime.Store is Store


def test_importing_blocks_does_not_import_the_heavy_layers() -> None:
    import subprocess
    import sys

    code = (
        "import sys, fbruntime; from fbruntime import Block, Resource; "
        "print(sorted(m for m in ('sqlalchemy', 'fastapi', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_core_imports_nothing_outward() -> None:
    import ast
    from pathlib import Path

    core = Path(fbruntime.__file__).parent / "core"
    for path in core.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("fbruntime.")
            ):
                assert node.module.startswith(("fbruntime.core", "fbruntime.iec")), (
                    f"{path.name} imports {node.module}"
                )
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                for n in names:
                    assert not n.startswith(("lxml", "fastapi", "sqlalchemy", "httpx")), (
                        f"{path.name} imports {n}"
                    )
