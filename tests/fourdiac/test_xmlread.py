from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.reader import read_file
from fbruntime.fourdiac.xmlread import parse_bytes, parse_file
from tests.fourdiac.conftest import Writer


def test_old_doctype_is_tolerated_and_not_loaded(write: Writer) -> None:
    path = write(
        "A.fbt",
        """<?xml version="1.0"?>
<!DOCTYPE FBType SYSTEM "http://127.0.0.1:9/LibraryElement.dtd">
<FBType Name="A"><InterfaceList/></FBType>""",
    )
    assert read_file(path).header.name == "A"


def test_external_entity_is_never_resolved(write: Writer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = write(
        "A.fbt",
        f"""<?xml version="1.0"?>
<!DOCTYPE FBType [<!ENTITY xxe SYSTEM "file://{secret}">]>
<FBType Name="A" Comment="x"><Identification Description="&xxe;"/></FBType>""",
    )
    with pytest.raises(FourdiacError) as info:
        read_file(path)
    assert "TOP-SECRET" not in str(info.value)
    assert info.value.file == str(path)


def test_internal_entity_declaration_is_refused() -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE FBType [<!ENTITY e "expanded">]>
<FBType Name="A" Comment="&e;"/>"""
    with pytest.raises(FourdiacError, match="entity declaration 'e'"):
        parse_bytes(data, "A.fbt")


def test_external_dtd_and_parameter_entity_fetch_nothing() -> None:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "leaked">')

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        plain = f"""<?xml version="1.0"?>
<!DOCTYPE FBType SYSTEM "http://127.0.0.1:{port}/x.dtd"><FBType Name="A"/>""".encode()
        assert parse_bytes(plain, "a.fbt").get("Name") == "A"
        hostile = f"""<?xml version="1.0"?>
<!DOCTYPE FBType [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>
<FBType Name="A"/>""".encode()
        with pytest.raises(FourdiacError):
            parse_bytes(hostile, "b.fbt")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


def test_malformed_xml_names_file_and_line(write: Writer) -> None:
    path = write(
        "Bad.fbt", '<?xml version="1.0"?>\n<FBType Name="A">\n  <InterfaceList>\n</FBType>\n'
    )
    with pytest.raises(FourdiacError) as info:
        parse_file(path)
    assert info.value.file == str(path)
    assert info.value.line == 4
    assert "malformed XML" in str(info.value)


def test_file_size_limit_is_enforced(write: Writer) -> None:
    path = write("Big.fbt", '<FBType Name="A">' + " " * 2000 + "</FBType>")
    with pytest.raises(FourdiacError, match="more than the 1000 allowed"):
        parse_file(path, max_bytes=1000)


def test_depth_limit_is_enforced() -> None:
    data = b"<FBType Name='A'>" + b"<X>" * 20 + b"</X>" * 20 + b"</FBType>"
    with pytest.raises(FourdiacError, match="deeper than 10"):
        parse_bytes(data, "deep.fbt", max_depth=10)
