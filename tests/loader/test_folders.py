"""Finding types in folders: names, file names, class names, errors, and rescans."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fbruntime.core import BlockType
from fbruntime.loader import Loader, LoaderError, TypeNotFound

from .conftest import block_source

Writer = Callable[[str, str], Path]


def make_loader(folder: Path) -> Loader:
    return Loader([folder], include_library=False, rescan_interval=0)


def test_every_shipped_block_and_composite_loads_without_error() -> None:
    loader = Loader()
    names = {e.name for e in loader.list()}
    assert {"E_SPLIT", "E_CTUD_UDINT", "E_SWITCH", "E_EVERY_N", "E_BLINK"} <= names
    assert loader.problems() == []


@pytest.mark.parametrize(
    "query",
    ["Scaler", "ScaleClass", "scale_block.py", "scale_block"],
    ids=["type name", "class name", "file name", "file stem"],
)
def test_a_type_is_found_by_type_class_or_file_name(write_file: Writer, query: str) -> None:
    path = write_file("scale_block.py", block_source(cls="ScaleClass", name="Scaler"))
    loader = make_loader(path.parent)
    t = loader.get(query)
    assert isinstance(t, BlockType) and t.name == "Scaler"


def test_listing_shows_name_version_description_kind_and_origin(write_file: Writer) -> None:
    path = write_file("AddOne.py", block_source(version="2.1", description="adds one"))
    (entry,) = make_loader(path.parent).list()
    assert (entry.name, entry.version, entry.description, entry.kind, entry.source) == (
        "AddOne",
        "2.1",
        "adds one",
        "python",
        "file",
    )
    assert entry.origin == str(path) and entry.file_name == "AddOne.py"


def test_a_broken_file_is_listed_with_its_error_and_the_scan_goes_on(write_file: Writer) -> None:
    write_file("AddOne.py", block_source())
    broken = write_file("Broken.py", "x = 1\nraise RuntimeError('no luck')\n")
    loader = make_loader(broken.parent)
    by_name = {e.name: e for e in loader.list()}
    assert by_name["AddOne"].error is None
    assert by_name["Broken"].error == f"{broken}:2: RuntimeError: no luck"
    with pytest.raises(TypeNotFound, match=r"failed to load.*no luck"):
        loader.get("Broken")


def test_a_syntax_error_names_the_file_and_line(write_file: Writer) -> None:
    path = write_file("Bad.py", "def f(:\n")
    (entry,) = make_loader(path.parent).list()
    assert entry.error is not None and entry.error.startswith(f"{path}:1: syntax error")


def test_a_file_whose_name_matches_no_class_says_so(write_file: Writer) -> None:
    two = block_source(cls="First") + block_source(cls="Second").split("\n\n\n", 1)[1]
    path = write_file("pair.py", two)
    loader = make_loader(path.parent)
    assert loader.get("First").name == "First"
    with pytest.raises(LoaderError, match=r"no class or type is named 'pair'.*First, Second"):
        loader.get("pair.py")
    assert any("__block__" in p for p in loader.problems())


def test_the_block_attribute_names_the_class_a_file_stands_for(write_file: Writer) -> None:
    two = block_source(cls="First") + block_source(cls="Second").split("\n\n\n", 1)[1]
    path = write_file("pair.py", two + '\n__block__ = "Second"\n')
    assert make_loader(path.parent).get("pair.py").name == "Second"


def test_a_block_attribute_naming_nothing_is_an_error(write_file: Writer) -> None:
    path = write_file("AddOne.py", block_source() + '\n__block__ = "Missing"\n')
    with pytest.raises(LoaderError, match="__block__ = 'Missing' names no type here"):
        make_loader(path.parent).load_file(path)


def test_an_unchanged_file_is_never_imported_again(write_file: Writer) -> None:
    path = write_file("AddOne.py", block_source())
    loader = make_loader(path.parent)
    first = loader.get("AddOne")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # touched, same text
    assert loader.scan(force=True) is False
    assert loader.get("AddOne") is first
    assert loader.stats.imports == 1


def test_a_changed_file_is_imported_again(write_file: Writer) -> None:
    path = write_file("AddOne.py", block_source(version="1.0"))
    loader = make_loader(path.parent)
    assert loader.get("AddOne").version == "1.0"
    path.write_text(block_source(version="1.1", description="now longer text"))
    assert loader.get("AddOne").version == "1.1"
    assert loader.stats.imports == 2


def test_a_deleted_file_leaves_the_listing(write_file: Writer) -> None:
    path = write_file("AddOne.py", block_source())
    loader = make_loader(path.parent)
    assert [e.name for e in loader.list()] == ["AddOne"]
    path.unlink()
    assert loader.list() == []


def test_rescans_wait_for_the_interval() -> None:
    now = [0.0]
    loader = Loader(include_library=False, rescan_interval=1.0, monotonic=lambda: now[0])
    loader.list()
    loader.list()
    assert loader.stats.scans == 1
    now[0] = 1.5
    loader.list()
    assert loader.stats.scans == 2


def test_later_folders_win_and_the_highest_version_wins(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "AddOne.py").write_text(block_source(version="1.0", add=1))
    (b / "AddOne.py").write_text(block_source(version="1.0", add=2))
    (b / "Newer.py").write_text(block_source(cls="Newer", version="3.0"))
    (a / "Newer.py").write_text(block_source(cls="Newer", version="10.0"))
    loader = Loader([a, b], include_library=False, rescan_interval=0)
    assert loader.entry("AddOne").origin == str(b / "AddOne.py")
    assert loader.get("Newer").version == "10.0"
    assert loader.get("Newer", "3.0").version == "3.0"
    with pytest.raises(TypeNotFound, match=r"no version '9' \(available: 10.0, 3.0\)"):
        loader.get("Newer", "9")


def test_an_unknown_name_says_where_it_looked(tmp_path: Path) -> None:
    loader = Loader([tmp_path], include_library=False, rescan_interval=0)
    with pytest.raises(TypeNotFound, match=f"no type named 'Nope' in {tmp_path}"):
        loader.get("Nope")
