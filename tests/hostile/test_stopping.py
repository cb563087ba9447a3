"""SIGTERM and SIGINT stop ``fbrt serve``, ``fbrt device`` and ``fbrt run`` within seconds,
whatever a block does; a data directory that cannot be used is said in one line."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from fbruntime.cli import app
from tests.hostile.conftest import AUTH, Process, start_server
from tests.hostile.hostile_files import write_blocks

GRACE = {"FBRT_STOP_GRACE": "1"}


def test_run_with_a_runaway_block_and_no_watchdog_exits_hard_on_sigterm(tmp_path: Path) -> None:
    write_blocks(tmp_path / "blocks")
    run = Process(
        ["run", str(tmp_path / "spin_system.py"), "--trigger", "R.S.REQ", "--watchdog", "0"],
        env=GRACE,
    )
    try:
        run.wait_line("spinning")
        code, took = run.stop(signal.SIGTERM)
        assert code == 128 + signal.SIGTERM and took < 4
        assert any("SIGTERM: not stopped 1 s after the signal" in line for line in run.err)
    finally:
        run.kill()


def test_run_with_the_watchdog_stops_the_block_and_exits_cleanly(tmp_path: Path) -> None:
    write_blocks(tmp_path / "blocks")
    run = Process(
        ["run", str(tmp_path / "spin_system.py"), "--trigger", "R.S.REQ", "--watchdog", "0.3"]
    )
    try:
        run.wait_line(r"fault in .*WatchdogExpired: watchdog: ran over 300 ms")
        code, took = run.stop(signal.SIGINT)
        assert code == 0 and took < 3, run.err
    finally:
        run.kill()


def test_serve_stops_on_sigint_while_a_block_runs_away(tmp_path: Path) -> None:
    srv = start_server(tmp_path, "--watchdog", "0", env=GRACE)
    try:
        with httpx.Client(base_url=srv.base, timeout=5) as c:
            r = c.post("/api/apps", json={"name": "s", "type": "Spin", "start": True}, headers=AUTH)
            assert r.status_code == 201
            assert c.post("/api/apps/s/events/REQ", headers=AUTH).status_code == 202
        srv.process.wait_line("spinning")
        code, took = srv.process.stop(signal.SIGINT)
        assert code == 128 + signal.SIGINT and took < 4
    finally:
        srv.process.kill()


def test_device_stops_on_sigterm(tmp_path: Path) -> None:
    device = Process(["device", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path / "d")])
    try:
        device.wait_line(r"listening on 127\.0\.0\.1:\d+")
        code, took = device.stop(signal.SIGTERM)
        assert code == 0 and took < 3, device.err
    finally:
        device.kill()


def _data_dir_cases(tmp_path: Path) -> list[tuple[list[str], str]]:
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "fbrt.db").write_bytes(b"this is not a SQLite database" * 10)
    return [
        (["serve", "--port", "0", "--data-dir", str(a_file)], "cannot use the data directory"),
        (["device", "--listen", "127.0.0.1:0", "--data-dir", str(corrupt)], "not a database"),
        (["apps", "--data-dir", "/sys/fbrt-hostile"], "cannot use the data directory"),
    ]


@pytest.mark.parametrize("case", range(3), ids=["a-file", "corrupt", "unwritable"])
def test_a_data_dir_that_cannot_be_used_is_one_line(tmp_path: Path, case: int) -> None:
    args, words = _data_dir_cases(tmp_path)[case]
    proc = Process(args)
    try:
        code = proc.popen.wait(30)
    finally:
        proc.kill()
    proc.wait_line(words, 0)
    assert code == 2
    assert len(proc.err) == 1 and proc.err[0].startswith("fbrt: "), proc.err


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("FBRT_WATCHDOG", "soon", "FBRT_WATCHDOG='soon' is not a number of seconds"),
        ("FBRT_STOP_GRACE", "-1", "FBRT_STOP_GRACE='-1': a number of seconds cannot be negative"),
    ],
)
def test_a_bad_duration_in_the_environment_is_one_line_naming_it(
    name: str, value: str, said: str
) -> None:
    root = Path(__file__).resolve().parents[2]
    result = CliRunner().invoke(
        app, ["run", str(root / "systems" / "blinker.py"), "--for", "0.1"], env={name: value}
    )
    assert result.exit_code == 2
    assert said in result.output and "Traceback" not in result.output
