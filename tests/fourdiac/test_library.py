from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.fourdiac.library import FB_TAGS, TypeLibrary
from fbruntime.fourdiac.model import Kind
from tests.fourdiac.conftest import Writer


def fbt(name: str, package: str = "", comment: str = "") -> str:
    compiler = f'<CompilerInfo packageName="{package}"/>' if package else ""
    return (
        f'<FBType Name="{name}" Comment="{comment}"><VersionInfo Version="2.0"/>{compiler}'
        "<InterfaceList/></FBType>"
    )


@pytest.fixture
def library(write: Writer, tmp_path: Path) -> TypeLibrary:
    write("std/E_CTU.fbt", fbt("E_CTU", comment="plain counter"))
    write("std/E_TRIG_OLD.FBT", fbt("E_SWITCH"))
    write("proj/a/X.fbt", fbt("X", "a"))
    write("proj/b/X.fbt", fbt("X", "b"))
    write("proj/b/Y.fbt", fbt("Y", "b"))
    write("proj/own/Z.fbt", fbt("Z", "own::pkg"))
    write("proj/ns/E_CTU.fbt", fbt("Counter", "iec61499::events"))
    write(
        "proj/.lib/deep/D.sub",
        '<SubAppType Name="D"><CompilerInfo packageName="x::y"/></SubAppType>',
    )
    return TypeLibrary([tmp_path / "proj", tmp_path / "std"])


@pytest.mark.parametrize(
    ("name", "package", "imports", "expected", "how"),
    [
        ("a::X", "", (), "a::X", "as given"),
        ("A::x", "", (), "a::X", "as given"),
        ("Z", "own::pkg", (), "own::pkg::Z", "own package"),
        ("X", "", ("b::X",), "b::X", "import"),
        ("X", "", ("a::*",), "a::X", "import"),
        ("Y", "", ("a::*", "b::*"), "b::Y", "import"),
        ("iec61499::events::E_CTU", "", (), "E_CTU", "fallback by plain name"),
        ("iec61499__events__Counter", "", (), "iec61499::events::Counter", "as given"),
        ("e_switch", "", (), "E_SWITCH", "as given"),
        ("x::y::D", "", (), "x::y::D", "as given"),
    ],
)
def test_names_resolve_in_ide_order(
    library: TypeLibrary,
    name: str,
    package: str,
    imports: tuple[str, ...],
    expected: str,
    how: str,
) -> None:
    resolution = library.resolve_detailed(name, package, imports)
    assert resolution.entry is not None
    assert resolution.entry.qualified_name == expected
    assert resolution.how == how


def test_ambiguous_wildcard_imports_resolve_to_nothing(library: TypeLibrary) -> None:
    resolution = library.resolve_detailed("X", "", ("a::*", "b::*"))
    assert resolution.entry is None
    assert resolution.how == "ambiguous: imports match a::X, b::X"


def test_unknown_name_is_reported_not_found(library: TypeLibrary) -> None:
    resolution = library.resolve_detailed("NOPE", "", ())
    assert resolution.entry is None
    assert resolution.how == "not found in the type library"


def test_tag_filter_excludes_other_kinds(library: TypeLibrary) -> None:
    assert library.resolve("x::y::D", tags=FB_TAGS) is None


def test_listing_gives_version_description_kind_and_problems(write: Writer, tmp_path: Path) -> None:
    write("lib/E_CTU.fbt", fbt("E_CTU", comment="plain counter&#10;second line"))
    write("lib/Broken.fbt", '<FBType Name="B"><InterfaceList>')
    write("lib/Odd.adp", '<Nonsense Name="N"/>')
    write("lib/readme.txt", "not a type")
    library = TypeLibrary([tmp_path / "lib"])
    listing = {info.file.rsplit("/", 1)[-1]: info for info in library.list_types()}
    assert set(listing) == {"E_CTU.fbt", "Broken.fbt", "Odd.adp"}
    ctu = listing["E_CTU.fbt"]
    assert (ctu.version, ctu.description, ctu.kind, ctu.problems) == (
        "2.0",
        "plain counter",
        Kind.SERVICE,
        (),
    )
    assert listing["Broken.fbt"].kind is None
    assert "malformed XML" in listing["Broken.fbt"].problems[0].message
    assert "unknown root element <Nonsense>" in listing["Odd.adp"].problems[0].message
    assert len(library.problems) == 2
    assert library.resolve("E_CTU") is not None


def test_changed_file_is_read_again(write: Writer, tmp_path: Path) -> None:
    path = write("lib/A.fbt", fbt("A", comment="first"))
    library = TypeLibrary([tmp_path / "lib"])
    entry = library.resolve("A")
    assert entry is not None
    model = library.load(entry)
    assert model is not None and model.header.comment == "first"
    path.write_text(fbt("A", comment="second and longer"))
    again = TypeLibrary([tmp_path / "lib"])
    entry = again.resolve("A")
    assert entry is not None
    model = again.load(entry)
    assert model is not None and model.header.comment == "second and longer"


def test_constants_resolve_plain_qualified_and_through_imports(
    write: Writer, tmp_path: Path
) -> None:
    write(
        "lib/c.gcf",
        '<GlobalConstants Name="ports"><CompilerInfo packageName="vv::const"/><GlobalConstants>'
        '<VarDeclaration Name="P0" Type="STRING" InitialValue="&apos;a&apos;"/>'
        "</GlobalConstants></GlobalConstants>",
    )
    write(
        "lib/old.gcf",
        '<GlobalConstants Name="virtuals"><GlobalConstants>'
        '<VarDeclaration Name="local" Type="INT" InitialValue="5"/></GlobalConstants></GlobalConstants>',
    )
    library = TypeLibrary([tmp_path / "lib"])
    for reference, imports in [
        ("vv::const::ports::P0", ()),
        ("P0", ("vv::const::ports::P0",)),
        ("P0", ("vv::const::ports::*",)),
        ("ports::P0", ("vv::const::ports",)),
    ]:
        found = library.find_constant(reference, "", imports)
        assert found is not None, reference
        assert found[1].initial_value == "'a'"
    found = library.find_constant("virtuals::local")
    assert found is not None and found[1].initial_value == "5"
    assert library.find_constant("P0") is None
