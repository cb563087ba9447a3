"""The editor's picture kept beside a deployment: FB and subapp x/y, subapp pins, connections as
drawn (ending on subapp pins), one drawing per resource, hung beside the resource's network."""

from __future__ import annotations

from pathlib import Path

from fbruntime.fourdiac import FourdiacTypes
from fbruntime.fourdiac.deploy import resolve_system
from fbruntime.fourdiac.drawing import DrawnConnection, SubappPins, drawing_of
from fbruntime.fourdiac.library import TypeLibrary
from fbruntime.fourdiac.loader import load_system
from fbruntime.fourdiac.model import SystemConfiguration
from fbruntime.fourdiac.reader import read_file

BLINKER = Path(__file__).resolve().parents[2] / "systems" / "blinker4diac" / "Blinker.sys"
SCOPE = "Blinker_PC.BlinkRes"


def test_reader_keeps_x_and_y_of_fbs_and_subapps() -> None:
    system = read_file(BLINKER)
    assert isinstance(system, SystemConfiguration)
    network = system.applications[0].network
    pulse = network.subapps[0]
    assert (pulse.name, pulse.x, pulse.y) == ("Pulse", 400.0, 300.0)
    assert {(fb.name, fb.x, fb.y) for fb in network.fbs} == {
        ("Text", 3000.0, 200.0),
        ("Counter", 3000.0, 900.0),
    }
    assert pulse.network is not None
    assert [(fb.name, fb.x) for fb in pulse.network.fbs] == [("Clock", 300.0), ("Toggle", 1200.0)]


def test_deployment_draws_each_resource_with_subapp_pins_and_drawn_connections() -> None:
    deployment = resolve_system(BLINKER, TypeLibrary([BLINKER.parent]))
    drawing = deployment.drawings[SCOPE]
    assert drawing.positions["BlinkApp.Pulse"] == (400.0, 300.0)
    assert drawing.positions["BlinkApp.Pulse.Toggle"] == (1200.0, 200.0)
    assert drawing.subapps["BlinkApp.Pulse"] == SubappPins(
        ("START", "STOP"), ("TOGGLED",), (), (("Q", "BOOL"),)
    )
    # As drawn: from outside the subapp ends on its pin; inside, its pin feeds the inner FB.
    assert (
        DrawnConnection(
            "event", "BlinkApp", ("BlinkApp.Pulse", "TOGGLED"), ("BlinkApp.Text", "REQ")
        )
        in drawing.connections
    )
    assert (
        DrawnConnection(
            "event",
            "BlinkApp.Pulse",
            ("BlinkApp.Pulse", "START"),
            ("BlinkApp.Pulse.Clock", "START"),
        )
        in drawing.connections
    )


def test_loaded_resource_network_carries_its_drawing() -> None:
    result = load_system(BLINKER, FourdiacTypes([BLINKER.parent]))
    network = result.device.resources["BlinkRes"].network
    drawing = drawing_of(network)
    assert drawing is not None
    assert "BlinkApp.Counter" in drawing.positions
