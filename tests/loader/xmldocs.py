"""Small 4diac XML documents the Loader, Orchestrator and API tests write into their folders.

Written for these tests (a counting Basic FB, a composite around it, an adapter, a subapp, a
system mapped onto one resource, and the device and resource types a system names).
"""

from __future__ import annotations

from pathlib import Path

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def counter(name: str = "XCounter", version: str = "1.2", step: int = 1) -> str:
    """A Basic FB: each CU adds STEP to CV and sends CO."""
    return f"""{HEAD}<FBType Name="{name}" Comment="counts CU by STEP">
<VersionInfo Version="{version}" Author="tests" Date="2024-01-01"/>
<InterfaceList>
<EventInputs><Event Name="CU" Type="Event"><With Var="STEP"/></Event></EventInputs>
<EventOutputs><Event Name="CO" Type="Event"><With Var="CV"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="STEP" Type="DINT" InitialValue="{step}"/></InputVars>
<OutputVars><VarDeclaration Name="CV" Type="DINT"/></OutputVars>
</InterfaceList>
<BasicFB><ECC>
<ECState Name="START"/>
<ECState Name="COUNT"><ECAction Algorithm="INC" Output="CO"/></ECState>
<ECTransition Source="START" Destination="COUNT" Condition="CU"/>
<ECTransition Source="COUNT" Destination="START" Condition="1"/>
</ECC>
<Algorithm Name="INC"><ST><![CDATA[CV := CV + STEP;]]></ST></Algorithm>
</BasicFB></FBType>
"""


def twice(name: str = "XTwice", inner: str = "XCounter") -> str:
    """A composite: one inner counter with STEP 2, its CO and CV brought out."""
    return f"""{HEAD}<FBType Name="{name}" Comment="counts by two">
<VersionInfo Version="1.0" Author="tests" Date="2024-01-01"/>
<InterfaceList>
<EventInputs><Event Name="CU" Type="Event"/></EventInputs>
<EventOutputs><Event Name="CO" Type="Event"><With Var="CV"/></Event></EventOutputs>
<OutputVars><VarDeclaration Name="CV" Type="DINT"/></OutputVars>
</InterfaceList>
<FBNetwork>
<FB Name="C" Type="{inner}"><Parameter Name="STEP" Value="2"/></FB>
<EventConnections>
<Connection Source="CU" Destination="C.CU"/><Connection Source="C.CO" Destination="CO"/>
</EventConnections>
<DataConnections><Connection Source="C.CV" Destination="CV"/></DataConnections>
</FBNetwork></FBType>
"""


def broken_algorithm(name: str = "XBroken") -> str:
    """A Basic FB whose algorithm assigns to a variable that does not exist."""
    return counter(name).replace("CV := CV + STEP;", "NOPE := 1;")


ADAPTER = f"""{HEAD}<AdapterType Name="XAdp" Comment="a plain adapter">
<InterfaceList>
<EventInputs><Event Name="REQ" Type="Event"/></EventInputs>
<EventOutputs><Event Name="CNF" Type="Event"/></EventOutputs>
</InterfaceList></AdapterType>
"""

SUBAPP = f"""{HEAD}<SubAppType Name="XSub" Comment="an empty subapp">
<SubAppInterfaceList><SubAppEventInputs><SubAppEvent Name="go"/></SubAppEventInputs>
</SubAppInterfaceList><SubAppNetwork/></SubAppType>
"""

E_RESTART = f"""{HEAD}<FBType Name="E_RESTART"><InterfaceList><EventOutputs>
<Event Name="COLD"/><Event Name="WARM"/></EventOutputs></InterfaceList></FBType>
"""

EMB_RES = f"""{HEAD}<ResourceType Name="EMB_RES"><FBNetwork>
<FB Name="START" Type="E_RESTART"/></FBNetwork></ResourceType>
"""

FORTE_PC = f"""{HEAD}<DeviceType Name="FORTE_PC"><VarDeclaration Name="MGR_ID" Type="WSTRING"
InitialValue="&quot;localhost:61499&quot;"/></DeviceType>
"""


def system(name: str = "Plant", fb_type: str = "XCounter", step: str = "3") -> str:
    """``App.count`` (``fb_type``, STEP ``step``) mapped onto ``D.R``; START.COLD fires its CU."""
    return f"""{HEAD}<System Name="{name}" Comment="one counter">
<VersionInfo Version="1.0" Author="tests" Date="2024-01-01"/>
<Application Name="App"><SubAppNetwork>
<FB Name="count" Type="{fb_type}"><Parameter Name="STEP" Value="{step}"/></FB>
</SubAppNetwork></Application>
<Device Name="D" Type="FORTE_PC"><Resource Name="R" Type="EMB_RES"><FBNetwork>
<EventConnections><Connection Source="START.COLD" Destination="App.count.CU"/></EventConnections>
</FBNetwork></Resource></Device>
<Mapping From="App.count" To="D.R"/>
</System>
"""


def write_platform(folder: Path) -> None:
    """The device and resource types a system names (a 4diac standard library has them)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "E_RESTART.fbt").write_text(E_RESTART, encoding="utf-8")
    (folder / "EMB_RES.res").write_text(EMB_RES, encoding="utf-8")
    (folder / "FORTE_PC.dev").write_text(FORTE_PC, encoding="utf-8")


def write_library(folder: Path) -> Path:
    """A 4diac folder with every document above; returns it."""
    write_platform(folder)
    files = {
        "XCounter.fbt": counter(),
        "XTwice.fbt": twice(),
        "XBroken.fbt": broken_algorithm(),
        "XAdp.adp": ADAPTER,
        "XSub.sub": SUBAPP,
        "Plant.sys": system(),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
