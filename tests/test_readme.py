"""The README's tour works as written: its shell commands, pasted in order into a new shell after
the set-up command, succeed; its files are what a user would save; its scripts print what their
comments say.

The only liberty taken: the tour's fixed ports (8000, 61499) become free ones, since tests run
beside each other (FBRT_PORT carries the server's, as a user could set it).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FILE_CAPTION = re.compile(r"`([\w/]+\.py)`:\s*$")


def tour(heading: str = "## A five-minute tour") -> list[tuple[str, str, str]]:
    """(language, code, the text just before it) of each fenced block in a README section."""
    text = README.read_text()
    start = text.index(heading)
    section = text[start : text.index("\n## ", start)]
    blocks = []
    for match in re.finditer(r"```(\w+)\n(.*?)```", section, re.S):
        before = section[: match.start()].rstrip().rsplit("\n", 1)[-1]
        blocks.append((match.group(1), match.group(2), before))
    return blocks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fresh_shell_env(workdir: Path) -> dict[str, str]:
    """A new shell's environment: no virtualenv active, no fbrt settings; ``.venv`` in the
    folder is the one the set-up command made (this interpreter's)."""
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FBRT_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    if sys.prefix != sys.base_prefix:
        (workdir / ".venv").symlink_to(sys.prefix)
    else:  # tests run outside a virtualenv: an activate script that finds this interpreter
        (workdir / ".venv" / "bin").mkdir(parents=True)
        (workdir / ".venv" / "bin" / "activate").write_text(f'PATH="{venv_bin}:$PATH"\n')
    return env


def run_pasted(script: str, cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """The script in a new bash session, as pasted; its exit code and output. Whatever it left
    running in the background (a server, a worker slow to obey its kill) is ended when the
    shell is done, as closing the terminal would; the output goes to a file, so a process left
    behind cannot hold the reading open."""
    log = cwd / ".shell-output"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", "-e", "-c", script],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its background processes are ours to end
        )
        try:
            code = proc.wait(timeout=timeout)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return code, log.read_text()


def test_the_tour_runs_as_written(tmp_path: Path) -> None:
    blocks = tour()
    (tmp_path / "systems").symlink_to(ROOT / "systems")
    scripts: list[str] = []
    shell: list[str] = []
    for language, code, before in blocks:
        caption = FILE_CAPTION.search(before)
        if language == "python" and caption:
            target = tmp_path / caption.group(1)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code)  # the user saves the file
        elif language == "python":
            scripts.append(code)
        elif language == "sh":
            shell.append(code)
    assert len(shell) >= 5 and len(scripts) == 1 and (tmp_path / "my_blocks" / "Line.py").exists()

    api, device = free_port(), free_port()
    commands = "\n".join(shell).replace("localhost:8000", f"localhost:{api}")
    commands = commands.replace("127.0.0.1:61499", f"127.0.0.1:{device}")
    env = fresh_shell_env(tmp_path)
    env["FBRT_PORT"] = str(api)
    code, out = run_pasted(commands, tmp_path, env, timeout=300)
    assert code == 0, out
    assert re.search(r"^fbrt \d", out, re.M), out  # fbrt --version
    assert '"BlinkApp.Counter.CV": 1' in out  # --trigger and --dump by the pin's one name
    assert '"value":1' in out.replace(" ", "")  # the REST read after one CU
    assert re.search(r"^\s+Line\s+1\.0\s+composite", out, re.M), out  # fbrt types my_blocks
    assert re.search(r"^\s+Scale\s+1\.0\s+python", out, re.M), out
    assert "run succeeded" in out

    for code in scripts:
        expected = re.findall(r"^\s*print\(.*\)\s+# (.*)$", code, re.M)
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == expected


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_beyond_one_machine_runs_as_written(tmp_path: Path) -> None:
    """Three devices deployed to, an OPC UA device, a pipeline on a Dask cluster: as pasted.

    The liberty taken as in the tour: every fixed port (devices, OPC UA, the Dask scheduler, the
    example's PUBLISH/SUBSCRIBE links) becomes a free one, in the commands and in a copy of the
    example system.
    """
    shell = [code for language, code, _ in tour("## Beyond one machine") if language == "sh"]
    commands = "\n".join(shell)
    assert "fbrt deploy systems/distributed/Chain.sys" in commands and "dask://" in commands
    assert commands.startswith(". .venv/bin/activate && pip install")
    commands = commands.split("\n", 1)[1]  # the extras are installed (.[dev] has them)

    systems = tmp_path / "systems"
    (systems / "distributed").mkdir(parents=True)
    (systems / "pipelines").symlink_to(ROOT / "systems" / "pipelines")
    chain = (ROOT / "systems/distributed/Chain.sys").read_text()
    dns = (ROOT / "systems/distributed/virtualDNS.dns").read_text()
    for fixed in ("61499", "61500", "61501", "61502", "4840", "8786"):
        port = str(free_port())
        chain = chain.replace(f"localhost:{fixed}", f"localhost:{port}")
        commands = commands.replace(f":{fixed}", f":{port}").replace(
            f"--port {fixed}", f"--port {port}"
        )
    for fixed in ("61510", "61511"):
        dns = dns.replace(f"127.0.0.1:{fixed}", f"127.0.0.1:{free_udp_port()}")
    (systems / "distributed" / "Chain.sys").write_text(chain)
    (systems / "distributed" / "virtualDNS.dns").write_text(dns)

    env = fresh_shell_env(tmp_path)
    code, out = run_pasted(". .venv/bin/activate\n" + commands, tmp_path, env, timeout=240)
    assert code == 0, out
    for name, requests in (("Sensor", 15), ("Scaler", 20), ("Sink", 10)):
        assert re.search(
            rf"^{name} at localhost:\d+: 1 resource\(s\), {requests} requests OK", out, re.M
        ), out
    assert "replaced SinkRes" in out, out
    assert sorted(p.name for p in (tmp_path / "boot").iterdir()) == [
        "Scaler.fboot",
        "Sensor.fboot",
        "Sink.fboot",
    ]
    assert "run succeeded" in out, out
