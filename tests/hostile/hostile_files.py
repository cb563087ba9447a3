"""The hostile inputs of issue 15, written by the tests: 4diac types, Python blocks, a system.

Each 4diac type is a Basic FB START -REQ-> RUN (algorithm ALG, then CNF) -1-> START, so the
algorithm's text is the only thing that differs; ``ALG`` starts on line 3 of every file.
"""

from __future__ import annotations

from pathlib import Path

from tests.fourdiac import xmlfix as x

ITF = x.interface(
    ei=[("REQ", ["IN"])], eo=[("CNF", ["OUT"])], di=[("IN", "DINT")], do=[("OUT", "LREAL")]
)
BOOL_ITF = x.interface(
    ei=[("REQ", ["B"])], eo=[("CNF", ["Q"])], di=[("B", "BOOL")], do=[("Q", "BOOL")]
)

RUNNING = {
    "LOOP": "WHILE TRUE DO OUT := OUT + 1.0; END_WHILE;",
    "POW": "OUT := 10 ** IN;",
    "DIVZ": "OUT := 1 / IN;",
}
"""Types that load and misbehave when run."""

REFUSED = {
    "PARENS": ("OUT := " + "(" * 1000 + "1" + ")" * 1000 + ";", "nested too deeply"),
    "SUM": ("OUT := " + " + ".join(["1"] * 20_000) + ";", "expression too large"),
    "IFS": (
        "".join(f"IF IN > {i} THEN\n" for i in range(500)) + "OUT := 1.0;\n" + "END_IF;\n" * 500,
        "nested too deeply",
    ),
}
"""Types whose ST must be refused with a clear error: name -> (algorithm, words of the error)."""

SPIN = """
from fbruntime.core import Block, DataOutput, EventInput, EventOutput


class Spin(Block):
    name = "Spin"
    version = "1.0"
    description = "a hostile block: its REQ handler never returns"

    REQ = EventInput()
    CNF = EventOutput(with_=("N",))
    N = DataOutput("DINT")

    def on_REQ(self) -> None:
        self.N += 1
        print("spinning", flush=True)
        while True:
            pass
"""

TEXT = """
from fbruntime.core import Block, EventInput, Parameter


class Text(Block):
    name = "Text"
    version = "1.0"
    description = "holds a STRING"

    REQ = EventInput()
    S = Parameter("STRING", "")

    def on_REQ(self) -> None:
        pass
"""

SPIN_SYSTEM = """
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "blocks"))
from spin import Spin  # noqa: E402


def build(device):
    device.add_resource("R").add("S", Spin)
"""


def write_types(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    bodies = {**RUNNING, **{name: text for name, (text, _) in REFUSED.items()}}
    for name, alg in bodies.items():
        _basic(folder, name, ITF, alg)
    _basic(folder, "NOTS", BOOL_ITF, "Q := " + "NOT " * 50_000 + "B;")
    _basic(folder, "BIGARR", ITF, "OUT := 1.0;", internals=[("A", "LREAL", "0..100000000")])
    itf = x.interface(
        ei=[("REQ", ["__class__"])],
        eo=[("CNF", ["__dict__"])],
        di=[("__class__", "DINT")],
        do=[("__dict__", "DINT")],
    )
    _basic(folder, "DUNDER", itf, "__dict__ := __class__;")
    return folder


def write_blocks(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spin.py").write_text(SPIN)
    (folder / "text.py").write_text(TEXT)
    (folder.parent / "spin_system.py").write_text(SPIN_SYSTEM)
    return folder


def _basic(
    folder: Path,
    name: str,
    itf: str,
    alg: str,
    internals: list[tuple[str, str, str]] | None = None,
) -> None:
    text = x.basic(
        name,
        itf,
        [("START", []), ("RUN", [("ALG", "CNF")])],
        [("START", "RUN", "REQ"), ("RUN", "START", "1")],
        {"ALG": alg},
    )
    for var, typ, size in internals or []:
        decl = f'<VarDeclaration Name="{var}" Type="{typ}" ArraySize="{size}"/>'
        text = text.replace("<ECC>", f"<InternalVars>{decl}</InternalVars><ECC>", 1)
    (folder / f"{name}.fbt").write_text(text, encoding="utf-8")
