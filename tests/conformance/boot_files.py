"""Conformance: execute the corpus's real boot files on fbrt and report every command's reply.

Run as ``python tests/conformance/boot_files.py /work/shared/corpus``. Each boot file is executed
command by command on a fresh device (native types first, then the 4diac XML types of its project
folder and the IDE 1.0.0 library through ``fbruntime.fourdiac``). Unlike FORTE's loader, the run
goes on after a failing command, so every command gets its reply in the report. A failure is
expected when it creates an FB of a type listed in EXPECTED_MISSING (with why), or names a pin of
such an FB (NO_SUCH_OBJECT, since the FB does not exist). Exits 0 only when every failure is
expected, and 1 on anything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from fbruntime.core import Device
from fbruntime.mgmt import DeviceTarget, read_boot_file, render_request
from fbruntime.mgmt.commands import CreateFB
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.requests import RequestError, parse_request
from fbruntime.mgmt.resolver import FourdiacResolver, default_resolver

IDE_LIBRARY = "4diac-ide/data/typelibrary"


@dataclass(frozen=True)
class BootCase:
    boot_file: str
    type_dirs: tuple[str, ...]


CASES = (
    BootCase("4diac-fbe/scripts/HelloWorld.fboot", (IDE_LIBRARY,)),
    BootCase(
        "4diac_training1/Ventilsteuerung/boot-files/test_FORTE_PC.fboot",
        ("4diac_training1/Ventilsteuerung/4diacIDE-workspace", IDE_LIBRARY),
    ),
)

EXPECTED_MISSING: dict[str, str] = {
    "logiBUS::io::DQ::logiBUS_QXA": (
        "its InitialValue uses the enumerated constant logiBUS_DO::Invalid, which the XML "
        "literal reader does not resolve yet"
    ),
    "logiBUS::io::DI::logiBUS_IE": "a logiBUS hardware service FB; no native fbrt block",
    "adapter::events::unidirectional::AX_T_FF_SR_SYM_STORE": "not in the corpus",
    "eclipse4diac::storage::INI_AX2": "not in the corpus",
}


@dataclass(frozen=True)
class Outcome:
    line: int
    dst: str
    request: str
    reason: Reason
    detail: str = ""


async def run_case(corpus: Path, case: BootCase) -> list[Outcome]:
    resolver = default_resolver([corpus / folder for folder in case.type_dirs])
    target = DeviceTarget(Device("FORTE_PC"), resolver)
    outcomes: list[Outcome] = []
    try:
        for entry in read_boot_file(corpus / case.boot_file):
            try:
                request = parse_request(entry.request)
            except RequestError as refused:
                outcomes.append(
                    Outcome(entry.line, entry.dst, entry.request, refused.reason, refused.message)
                )
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                response = await target.execute(entry.dst, request.command)
            outcomes.append(
                Outcome(
                    entry.line,
                    entry.dst,
                    render_request(request.id, request.command),
                    response.reason,
                    _why(resolver, response.reason),
                )
            )
    finally:
        target.device.kill()
    return outcomes


def _why(resolver: object, reason: Reason) -> str:
    """The newest XML build problem, when a type could not be made."""
    if reason is not Reason.UNSUPPORTED_TYPE:
        return ""
    for part in getattr(resolver, "resolvers", [resolver]):
        if isinstance(part, FourdiacResolver) and part.types.problems:
            return str(part.types.problems[-1])
    return ""


def _created(outcome: Outcome) -> tuple[str, str]:
    """(FB name, type name) of a CREATE FB request, else ("", "")."""
    try:
        command = parse_request(outcome.request).command
    except RequestError:
        return "", ""
    if isinstance(command, CreateFB):
        return command.name, command.type_name
    return "", ""


def _expected(outcome: Outcome, absent: set[str]) -> str | None:
    """Why this failure is expected, or None; remembers FBs that could not be created."""
    name, type_name = _created(outcome)
    if outcome.reason is Reason.UNSUPPORTED_TYPE and type_name in EXPECTED_MISSING:
        absent.add(name)
        return EXPECTED_MISSING[type_name]
    if outcome.reason is Reason.NO_SUCH_OBJECT:
        for fb in absent:
            if f'"{fb}.' in outcome.request:
                return f"{fb} was not created"
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} CORPUS_DIR", file=sys.stderr)
        return 2
    corpus = Path(argv[1])
    unexpected = 0
    total = 0
    missing: dict[str, str] = {}
    for case in CASES:
        print(f"== {case.boot_file}")
        outcomes = asyncio.run(run_case(corpus, case))
        absent: set[str] = set()  # FBs whose type is missing, as the boot file names them
        for outcome in outcomes:
            total += 1
            verdict = outcome.reason.value
            if outcome.reason is not Reason.RDY:
                why = _expected(outcome, absent)
                if why is not None:
                    verdict += f" (expected: {why})"
                    if outcome.reason is Reason.UNSUPPORTED_TYPE:
                        missing[_created(outcome)[1]] = why
                else:
                    verdict += " UNEXPECTED"
                    unexpected += 1
            print(f"  line {outcome.line:>3} {outcome.dst or '<device>'}: {verdict}")
            print(f"           {outcome.request}")
            if outcome.detail:
                print(f"           {outcome.detail}")
    for type_name, why in sorted(missing.items()):
        print(f"missing type {type_name}: {why}")
    print(f"{total} commands, {unexpected} unexpected failures")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
