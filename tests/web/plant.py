"""4diac systems the browser tests load, written here (the project's own files, not the corpus).

:func:`plant_system` is a 100-FB application: a clock fanned out to four typed-looking subapps
(``Line1`` .. ``Line4``, each with its own pins START, DONE and COUNT) of eight
E_SPLIT -> E_CTU -> E_SWITCH stages, every FB placed with x/y as the IDE writes them.
:func:`reversed_system` places a consumer left of its producer, so a page that follows the file's
x/y and one that lays out by data flow disagree.
"""

from __future__ import annotations

from pathlib import Path

STAGES = 8
LINES = 4

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<System Name="{name}" Comment="written by the fbrt web tests">
  <Identification Standard="61499-2"/>
  <VersionInfo Organization="fbrt" Version="1.0" Author="tests" Date="2026-01-01"/>
  <Application Name="{app}" Comment="">
    <SubAppNetwork>
"""
TAIL = """    </SubAppNetwork>
  </Application>
</System>
"""


def _fb(name: str, type_name: str, x: float, y: float, params: dict[str, str] | None = None) -> str:
    inner = "".join(f'<Parameter Name="{k}" Value="{v}"/>' for k, v in (params or {}).items())
    return f'<FB Name="{name}" Type="{type_name}" x="{x}" y="{y}">{inner}</FB>\n'


def _connections(events: list[tuple[str, str]], data: list[tuple[str, str]]) -> str:
    def group(tag: str, pairs: list[tuple[str, str]]) -> str:
        rows = "".join(f'<Connection Source="{s}" Destination="{d}"/>' for s, d in pairs)
        return f"<{tag}>{rows}</{tag}>\n" if pairs else ""

    return group("EventConnections", events) + group("DataConnections", data)


def _line(name: str, x: float, y: float) -> str:
    fbs = []
    events: list[tuple[str, str]] = [("START", "S0.EI")]
    data: list[tuple[str, str]] = [("C0.CV", "COUNT")]
    for i in range(STAGES):
        bx = 200 + i * 2400
        fbs.append(_fb(f"S{i}", "E_SPLIT", bx, 200))
        fbs.append(_fb(f"C{i}", "E_CTU", bx + 800, 700, {"PV": "1000"}))
        fbs.append(_fb(f"W{i}", "E_SWITCH", bx + 1600, 200))
        events += [(f"S{i}.EO1", f"C{i}.CU"), (f"C{i}.CUO", f"W{i}.EI")]
        data.append((f"C{i}.Q", f"W{i}.G"))
        events.append((f"W{i}.EO0", f"S{i + 1}.EI") if i + 1 < STAGES else (f"W{i}.EO0", "DONE"))
    return f"""<SubApp Name="{name}" x="{x}" y="{y}">
  <SubAppInterfaceList>
    <SubAppEventInputs><SubAppEvent Name="START" Type="Event"/></SubAppEventInputs>
    <SubAppEventOutputs><SubAppEvent Name="DONE" Type="Event"/></SubAppEventOutputs>
    <OutputVars><VarDeclaration Name="COUNT" Type="UINT"/></OutputVars>
  </SubAppInterfaceList>
  <SubAppNetwork>
{"".join(fbs)}{_connections(events, data)}  </SubAppNetwork>
</SubApp>
"""


def _flat_line(n: int, y: float) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Line ``n``'s 24 FBs drawn straight into the application (no subapp), names ``L{n}_S0``."""
    fbs: list[str] = []
    events: list[tuple[str, str]] = []
    data: list[tuple[str, str]] = []
    for i in range(STAGES):
        bx = 4000 + i * 2400
        p = f"L{n}_"
        fbs.append(_fb(f"{p}S{i}", "E_SPLIT", bx, y))
        fbs.append(_fb(f"{p}C{i}", "E_CTU", bx + 800, y + 500, {"PV": "1000"}))
        fbs.append(_fb(f"{p}W{i}", "E_SWITCH", bx + 1600, y))
        events += [(f"{p}S{i}.EO1", f"{p}C{i}.CU"), (f"{p}C{i}.CUO", f"{p}W{i}.EI")]
        data.append((f"{p}C{i}.Q", f"{p}W{i}.G"))
        if i + 1 < STAGES:
            events.append((f"{p}W{i}.EO0", f"{p}S{i + 1}.EI"))
    return fbs, events, data


def plant_system(folder: Path, *, flat: bool = False) -> Path:
    """``Plant.sys``: 100 FBs (4 + 4 x 24), to be fired at ``Plant.Clock.START``; the lines
    are subapps, or with ``flat`` all 100 FBs lie in the application's own network."""
    if flat:
        return _flat_plant(folder)
    body = [_fb("Clock", "E_CYCLE", 100, 1600, {"DT": "T#50ms"})]
    events = [("Clock.EO", "Fan1.EI")]
    for i in range(1, 4):
        body.append(_fb(f"Fan{i}", "E_SPLIT", 1000 + i * 600, 400 + i * 900))
    events += [("Fan1.EO1", "Line1.START"), ("Fan1.EO2", "Fan2.EI")]
    events += [("Fan2.EO1", "Line2.START"), ("Fan2.EO2", "Fan3.EI")]
    events += [("Fan3.EO1", "Line3.START"), ("Fan3.EO2", "Line4.START")]
    for n in range(1, LINES + 1):
        body.append(_line(f"Line{n}", 4000, (n - 1) * 1300))
    text = HEAD.format(name="Plant", app="Plant") + "".join(body)
    text += _connections(events, []) + TAIL
    path = folder / "Plant.sys"
    path.write_text(text)
    return path


def _flat_plant(folder: Path) -> Path:
    body = [_fb("Clock", "E_CYCLE", 100, 2600, {"DT": "T#50ms"})]
    events = [("Clock.EO", "Fan1.EI")]
    data: list[tuple[str, str]] = []
    for i in range(1, 4):
        body.append(_fb(f"Fan{i}", "E_SPLIT", 900 + i * 700, 600 + i * 1200))
    events += [("Fan1.EO1", "L1_S0.EI"), ("Fan1.EO2", "Fan2.EI")]
    events += [("Fan2.EO1", "L2_S0.EI"), ("Fan2.EO2", "Fan3.EI")]
    events += [("Fan3.EO1", "L3_S0.EI"), ("Fan3.EO2", "L4_S0.EI")]
    for n in range(1, LINES + 1):
        fbs, ev, da = _flat_line(n, (n - 1) * 1500)
        body += fbs
        events += ev
        data += da
    text = HEAD.format(name="FlatPlant", app="Plant") + "".join(body)
    text += _connections(events, data) + TAIL
    path = folder / "FlatPlant.sys"
    path.write_text(text)
    return path


def reversed_system(folder: Path) -> Path:
    """``Backwards.sys``: First feeds Second, yet the file draws Second far left of First."""
    body = [
        _fb("First", "E_SPLIT", 3000, 100),
        _fb("Second", "E_SPLIT", 100, 900),
        _fb("Third", "E_SPLIT", 1500, 100),
    ]
    events = [("First.EO1", "Second.EI"), ("Second.EO1", "Third.EI")]
    text = HEAD.format(name="Backwards", app="Flow") + "".join(body)
    text += _connections(events, []) + TAIL
    path = folder / "Backwards.sys"
    path.write_text(text)
    return path
