"""Blocks that never return, powers that never end, faults that used to swallow events: over a
real ``fbrt serve``, which answers all along and runs on after each fault."""

from __future__ import annotations

import time

import httpx

from tests.hostile.conftest import AUTH, WATCHDOG, create_app, fault_of, wait_until


def fire(api: httpx.Client, app: str, event: str = "REQ") -> None:
    assert api.post(f"/api/apps/{app}/events/{event}", headers=AUTH).status_code == 202


def write(api: httpx.Client, app: str, pin: str, value: object) -> httpx.Response:
    return api.put(f"/api/apps/{app}/values/{pin}", json={"value": value}, headers=AUTH)


def test_an_endless_st_loop_is_stopped_by_the_watchdog_and_the_server_runs_on(
    api: httpx.Client,
) -> None:
    assert create_app(api, "loop", "LOOP").status_code == 201
    fire(api, "loop")
    assert api.get("/api/health").status_code == 200  # answered while the block loops
    fault = wait_until(lambda: fault_of(api, "loop"))
    assert isinstance(fault, dict)
    ms = round(WATCHDOG * 1000)
    assert fault["kind"] == "WatchdogExpired" and fault["event"] == "REQ"
    assert str(fault["message"]).endswith(
        f"LOOP.fbt: watchdog: ran over {ms} ms in algorithm ALG, line 3"
    )
    fire(api, "loop")  # the resource runs on: the next event runs (and is stopped) too
    wait_until(lambda: (fault_of(api, "loop") or {}).get("count") == 2)


def test_a_python_handler_that_never_returns_is_stopped_too(api: httpx.Client) -> None:
    assert create_app(api, "spin", "Spin").status_code == 201
    fire(api, "spin")
    fault = wait_until(lambda: fault_of(api, "spin"))
    assert isinstance(fault, dict) and fault["kind"] == "WatchdogExpired"
    assert "on_REQ (" in str(fault["message"]) and "spin.py, line" in str(fault["message"])
    assert api.get("/api/apps/spin/values/N").json()["value"] == 1
    fire(api, "spin")
    wait_until(lambda: (fault_of(api, "spin") or {}).get("count") == 2)


def test_a_huge_power_is_computed_in_floating_point_at_once(api: httpx.Client) -> None:
    assert create_app(api, "pow", "POW").status_code == 201
    assert write(api, "pow", "IN", 10_000_000).status_code == 200
    started = time.monotonic()
    fire(api, "pow")
    wait_until(lambda: api.get("/api/apps/pow/values/OUT").json()["literal"] == "inf", 5)
    assert time.monotonic() - started < 3  # the exact integer power took 8 s
    assert fault_of(api, "pow") is None


def test_a_faulting_action_loses_no_event(api: httpx.Client) -> None:
    assert create_app(api, "divz", "DIVZ").status_code == 201
    assert write(api, "divz", "IN", 0).status_code == 200
    for _ in range(6):
        fire(api, "divz")
    fault = wait_until(lambda: (f := fault_of(api, "divz")) and f["count"] == 6 and f)
    assert isinstance(fault, dict) and fault["event"] == "REQ"
    assert "DIVZ.fbt:3: in algorithm ALG: integer division by zero" in str(fault["message"])
    # the ECC went back to START after each fault, so the next REQ runs the action at once
    assert write(api, "divz", "IN", 1).status_code == 200
    fire(api, "divz")
    wait_until(lambda: api.get("/api/apps/divz/values/OUT").json()["value"] == 1.0)
    assert (fault_of(api, "divz") or {})["count"] == 6
