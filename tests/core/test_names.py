"""One name per pin in a device: the path in its resource, the resource's name only where two
resources hold a block of the same name."""

from __future__ import annotations

import pytest

from fbruntime.core import Device, NoSuchObject

from .blocks import Counter, Split


def two_resources() -> Device:
    device = Device("D")
    r1 = device.add_resource("R1")
    r2 = device.add_resource("R2")
    r1.add("START", Split)
    r2.add("START", Split)
    r1.add("App.Count", Counter)  # an application's FB, as a .sys deploys it
    r2.add("Side.Count", Counter)
    return device


def test_a_block_unique_in_the_device_is_named_without_its_resource() -> None:
    device = two_resources()
    r1, r2 = device.resources["R1"], device.resources["R2"]
    assert device.name_of(r1, "App.Count.CV") == "App.Count.CV"
    assert device.name_of(r2, "Side.Count") == "Side.Count"
    assert device.name_of(r1, "START.EO1") == "R1.START.EO1"
    assert device.find("App.Count.CV")[:2] == (r1, r1.network.instances["App.Count"])
    assert device.find("R2.START.EO1")[0] is r2


def test_the_resource_qualified_form_is_accepted_too() -> None:
    device = two_resources()
    res, inst, pin = device.find("R1.App.Count.CV")
    assert (res.name, inst.rt__name, pin) == ("R1", "App.Count", "CV")


def test_a_name_in_two_resources_asks_for_the_resource() -> None:
    with pytest.raises(NoSuchObject, match=r"R1\.START\.EI, R2\.START\.EI"):
        two_resources().find("START.EI")


def test_a_single_resource_names_its_blocks_plainly() -> None:
    device = Device("D")
    res = device.add_resource("RES")
    res.add("C", Counter)
    assert device.name_of(res, "C.CV") == "C.CV"
    with pytest.raises(NoSuchObject, match="has no pin 'NOPE'"):
        device.find("C.NOPE")
