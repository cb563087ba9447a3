"""FORTE's event-driven timers and time-out service on a test clock: when CNF comes, with what Q."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import Device, OutputEvent, Resource, TestClock
from fbruntime.mgmt import DeviceTarget, parse_request
from fbruntime.mgmt.resolver import default_resolver, native_resolver

RESOLVE = native_resolver()


class Timed:
    """One resource on a test clock, logging (ms, Q) of each CNF of the FB called T."""

    def __init__(self, type_name: str, **params: Any) -> None:
        self.clock = TestClock()
        self.res = Resource("RES", clock=self.clock)
        fbtype = RESOLVE(type_name)
        assert fbtype is not None
        self.res.add("T", fbtype, **params)
        self.log: list[tuple[float, bool]] = []
        self.res.add_tracer(self._trace)
        self.res.start()

    def _trace(self, event: OutputEvent) -> None:
        if event.path == "T" and event.event == "CNF":
            self.log.append((event.time_ns / 1e6, bool(event.values["Q"])))

    async def req(self, **values: Any) -> None:
        for pin, value in values.items():
            self.res.write(f"T.{pin}", value)
        self.res.fire("T.REQ")
        await self.res.settle()

    async def reset(self) -> None:
        self.res.fire("T.R")
        await self.res.settle()

    async def at(self, ms: float) -> None:
        await self.clock.advance(ms / 1000 - self.clock.monotonic_ns() / 1e9)


@pytest.fixture
async def close() -> AsyncIterator[list[Timed]]:
    made: list[Timed] = []
    yield made
    for timed in made:
        timed.res.kill()


async def test_e_ton_sets_q_pt_after_in_rose_and_clears_it_at_once(close: list[Timed]) -> None:
    t = Timed("E_TON", PT="T#100ms")
    close.append(t)
    await t.req(IN=True)
    await t.at(99)
    assert t.log == []
    await t.at(100)
    assert t.log == [(100.0, True)]
    await t.at(150)
    await t.req(IN=False)
    assert t.log == [(100.0, True), (150.0, False)]


async def test_e_ton_does_not_fire_when_in_falls_first(close: list[Timed]) -> None:
    t = Timed("E_TON", PT="T#100ms")
    close.append(t)
    await t.req(IN=True)
    await t.at(50)
    await t.req(IN=False)
    await t.at(300)
    assert t.log == []  # Q never rose, so E_RS sends nothing


async def test_e_tof_keeps_q_pt_after_in_fell(close: list[Timed]) -> None:
    t = Timed("E_TOF", PT="T#100ms")
    close.append(t)
    await t.req(IN=True)
    await t.at(20)
    await t.req(IN=False)
    await t.at(119)
    assert t.log == [(0.0, True)]
    await t.at(120)
    assert t.log == [(0.0, True), (120.0, False)]


async def test_e_tof_reset_clears_q_and_the_delay(close: list[Timed]) -> None:
    t = Timed("E_TOF", PT="T#100ms")
    close.append(t)
    await t.req(IN=True)
    await t.req(IN=False)
    await t.reset()
    await t.at(500)
    assert t.log == [(0.0, True), (0.0, False)]


async def test_e_tp_gives_one_pulse_of_pt(close: list[Timed]) -> None:
    t = Timed("E_TP", PT="T#100ms")
    close.append(t)
    await t.req(IN=True)
    await t.at(50)
    await t.req(IN=True)  # a REQ during the pulse neither extends nor repeats it
    await t.at(300)
    assert t.log == [(0.0, True), (100.0, False)]


async def test_e_tp_needs_in_true(close: list[Timed]) -> None:
    t = Timed("E_TP", PT="T#100ms")
    close.append(t)
    await t.req(IN=False)
    await t.at(300)
    assert t.log == []


async def test_e_pulse_resets_early_on_r(close: list[Timed]) -> None:
    t = Timed("E_PULSE", PT="T#100ms")
    close.append(t)
    await t.req()
    await t.at(30)
    await t.reset()
    await t.at(300)
    assert t.log == [(0.0, True), (30.0, False)]


async def test_e_tonof_delays_both_edges(close: list[Timed]) -> None:
    t = Timed("E_TONOF", PT_ON="T#100ms", PT_OFF="T#50ms")
    close.append(t)
    await t.req(IN=True)
    await t.at(200)
    await t.req(IN=False)
    await t.at(400)
    assert t.log == [(100.0, True), (250.0, False)]


PLUGGED = """<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="Waiter">
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"/></EventInputs>
    <EventOutputs><Event Name="DONE" Type="Event"><With Var="N"/></Event></EventOutputs>
    <OutputVars><VarDeclaration Name="N" Type="INT"/></OutputVars>
    <Plugs><AdapterDeclaration Name="Tmo" Type="{adapter}"/></Plugs>
  </InterfaceList>
  <BasicFB>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="WAIT"><ECAction Algorithm="ARM" Output="Tmo.START"/></ECState>
      <ECState Name="FIRED"><ECAction Algorithm="COUNT" Output="DONE"/></ECState>
      <ECTransition Source="START" Destination="WAIT" Condition="REQ"/>
      <ECTransition Source="WAIT" Destination="WAIT" Condition="REQ"/>
      <ECTransition Source="WAIT" Destination="FIRED" Condition="Tmo.TimeOut"/>
      <ECTransition Source="FIRED" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="ARM"><ST><![CDATA[Tmo.DT := T#100ms;]]></ST></Algorithm>
    <Algorithm Name="COUNT"><ST><![CDATA[N := N + 1;]]></ST></Algorithm>
  </BasicFB>
</FBType>
"""


async def deploy(target: DeviceTarget, *requests: tuple[str, str]) -> None:
    for dst, xml in requests:
        request = parse_request(xml)
        response = await target.execute(dst, request.command)
        assert response.ok, (xml, response)
        await target.device.settle()


@pytest.mark.parametrize(
    ("service", "adapter", "done_ms"),
    [("E_TimeOut", "ATimeOut", 100.0), ("E_RTimeOut", "ARTimeOut", 150.0)],
)
async def test_a_plug_of_a_project_type_drives_the_built_in_time_out_service(
    tmp_path: Path, service: str, adapter: str, done_ms: float
) -> None:
    """E_TimeOut ignores a second START while armed; E_RTimeOut restarts (FORTE's E_RDELAY)."""
    (tmp_path / "Waiter.fbt").write_text(PLUGGED.format(adapter=adapter))
    clock = TestClock()
    target = DeviceTarget(Device("D", clock=clock), default_resolver([tmp_path]))
    done: list[float] = []
    try:
        await deploy(
            target,
            ("", '<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES"/></Request>'),
            ("RES", '<Request ID="2" Action="CREATE"><FB Name="W" Type="Waiter"/></Request>'),
            ("RES", f'<Request ID="3" Action="CREATE"><FB Name="S" Type="{service}"/></Request>'),
            (
                "RES",
                '<Request ID="4" Action="CREATE">'
                '<Connection Source="W.Tmo" Destination="S.TimeOutSocket"/></Request>',
            ),
            ("RES", '<Request ID="5" Action="START"/>'),
        )
        res = target.device.resources["RES"]
        res.add_tracer(lambda e: done.append(e.time_ns / 1e6) if e.event == "DONE" else None)
        res.fire("W.REQ")
        await res.settle()
        await clock.advance(0.05)
        res.fire("W.REQ")
        await res.settle()
        await clock.advance(0.3)
        assert done == [done_ms]
        assert res.read("W.N") == 1
    finally:
        target.device.kill()
