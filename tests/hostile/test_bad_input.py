"""Input an attacker or a careless user sends: each gets one clear 4xx that names the place and
never echoes the input back, and the server goes on answering."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.hostile.conftest import AUTH, Server, create_app, wait_until
from tests.hostile.hostile_files import REFUSED, write_types

CASES = [
    *((name, [f"{name}.fbt:", words]) for name, (_, words) in REFUSED.items()),
    ("NOTS", ["NOTS.fbt:3", "nested too deeply"]),
    ("BIGARR", ["BIGARR.fbt:", "100,000,001 values", "at most 1,000,000"]),
    ("DUNDER", ["DUNDER.fbt:", "pin '__class__'", "two underscores"]),
]


@pytest.mark.parametrize(("type_name", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_type_beyond_the_limits_is_refused_naming_file_line_and_element(
    api: httpx.Client, type_name: str, words: list[str]
) -> None:
    r = create_app(api, type_name.lower(), type_name)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert all(w in detail for w in words), detail
    assert "Traceback" not in detail and len(r.content) < 2_000


def raw(server: Server, head: bytes, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send bytes on a fresh connection; everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as s:
        s.sendall(head + body)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def text_app(server: Server) -> str:
    with httpx.Client(base_url=server.base) as api:
        assert create_app(api, "text", "Text").status_code == 201
    return "text"


def test_a_50_mb_write_is_refused_at_once_without_reading_it(server: Server, text_app: str) -> None:
    head = (
        f"PUT /api/apps/{text_app}/values/S HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {AUTH['Authorization'].split()[1]}\r\n"
        "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer = raw(server, head, b'{"value": "' + b"x" * 10_000)  # the rest never comes
    assert time.monotonic() - started < 2
    status, _, body = answer.partition(b"\r\n")[0], 0, answer.split(b"\r\n\r\n", 1)[1]
    assert b" 413 " in status and len(body) < 300
    assert json.loads(body)["error"] == "too_large"


def test_a_string_over_65534_characters_is_refused_without_an_echo(
    api: httpx.Client, text_app: str
) -> None:
    r = api.put(f"/api/apps/{text_app}/values/S", json={"value": "x" * 100_000}, headers=AUTH)
    assert r.status_code == 422 and len(r.content) < 1_000
    assert "at most 65,534 characters" in r.json()["detail"]
    ok = api.put(f"/api/apps/{text_app}/values/S", json={"value": "x" * 65_534}, headers=AUTH)
    assert ok.status_code == 200


def test_a_bad_3_mb_literal_gets_a_short_answer(api: httpx.Client) -> None:
    assert create_app(api, "lit", "POW").status_code == 201
    r = api.put("/api/apps/lit/values/IN", json={"value": "9" * 3_000_000}, headers=AUTH)
    assert r.status_code == 422 and len(r.content) < 3_000, r.content[:300]


def test_a_deeply_nested_json_body_is_a_4xx(api: httpx.Client, text_app: str) -> None:
    body = b'{"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = api.put(
        f"/api/apps/{text_app}/values/S",
        content=body,
        headers={**AUTH, "content-type": "application/json"},
    )
    assert 400 <= r.status_code < 500 and len(r.content) < 1_000


def test_a_lone_surrogate_in_a_pipeline_is_refused(api: httpx.Client) -> None:
    config = (
        b'{"file_name": "s.json", "config": {"dag_name": "s", "tasks": [{"id": "a", '
        b'"operation": "text.template", "independent_params": {"template": "\\udcff"}}]}}'
    )
    r = api.post(
        "/api/pipelines", content=config, headers={**AUTH, "content-type": "application/json"}
    )
    assert r.status_code == 422 and "surrogate" in r.json()["detail"]
    assert api.get("/api/pipelines").status_code == 200


def test_a_template_cannot_blow_up_a_tiny_config(api: httpx.Client, server: Server) -> None:
    config = {
        "dag_name": "wide",
        "tasks": [
            {
                "id": "a",
                "operation": "text.template",
                "independent_params": {"template": "{a:>50000000}", "values": {"a": "x"}},
            }
        ],
    }
    r = api.post("/api/pipelines", json={"file_name": "w.json", "config": config}, headers=AUTH)
    assert r.status_code == 201, r.text
    run = api.post("/api/pipelines/wide/runs", headers=AUTH).json()["id"]
    detail = wait_until(
        lambda: (d := api.get(f"/api/runs/{run}").json())["status"] in ("failed", "succeeded") and d
    )
    assert isinstance(detail, dict) and detail["status"] == "failed"
    assert "at most 65,534" in str(detail["tasks"][0]["error"])
    size = sum(f.stat().st_size for f in server.data_dir.rglob("*") if f.is_file())
    assert size < 5_000_000


@pytest.mark.parametrize("path", ["/web/static/a%00b", "/api/apps/%00/values/X"])
def test_a_nul_in_the_path_is_a_400(api: httpx.Client, path: str) -> None:
    r = api.get(path)
    assert r.status_code == 400 and r.json()["error"] == "bad_path"


def test_fbrt_types_lists_each_problem_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from fbruntime.cli import app

    result = CliRunner().invoke(app, ["types", str(write_types(tmp_path / "types"))])
    assert result.exit_code == 1 and "Traceback" not in result.output
    problems = [line for line in result.output.splitlines() if line.startswith("    ")]
    assert len(problems) == len(CASES), result.output
    assert all(".fbt:" in line for line in problems)
