"""Calls: internal FB instances run synchronously, adapters' pins, and user functions (.fct)."""

from __future__ import annotations

import pytest
from st_support import Instance, make_instance

from fbruntime import iec
from fbruntime.st import (
    CallableInterface,
    STError,
    STRuntimeError,
    STScope,
    VarInfo,
    compile_algorithms,
    compile_function,
)

REAL = iec.elementary("REAL")
INT = iec.elementary("INT")
BOOL = iec.elementary("BOOL")

PI = CallableInterface(
    event_inputs=("INIT", "REQ"), inputs={"IN": REAL, "KP": REAL}, outputs={"Y": REAL}
)
CO = CallableInterface(event_inputs=("REQ",), inputs={"CI": REAL}, outputs={"Y": REAL})


def _controller(inst: Instance, event: str) -> None:
    inst.Y = inst.IN * inst.KP if event == "REQ" else 0.0


def _scope() -> STScope:
    return STScope(
        {
            "DIFF": VarInfo("DIFF", REAL, "input"),
            "KP": VarInfo("KP", REAL, "input"),
            "OUT": VarInfo("OUT", REAL, "output"),
        },
        fb_instances={"pi": PI, "co": CO},
        adapters={"AX": CallableInterface(("E1",), {"D1": BOOL}, {"D2": BOOL})},
    )


def _instance(scope: STScope) -> Instance:
    fb = make_instance(scope, DIFF=2.0, KP=3.0)
    fb.pi = Instance(_controller)
    fb.pi.IN = fb.pi.KP = fb.pi.Y = 0.0
    fb.co = Instance(lambda i, e: setattr(i, "Y", i.CI + 1))
    fb.co.CI = fb.co.Y = 0.0
    fb.AX = Instance()
    fb.AX.D1 = fb.AX.D2 = False
    return fb


def test_internal_fb_call_sets_inputs_runs_event_and_reads_outputs() -> None:
    scope = _scope()
    fns = compile_algorithms(
        "T",
        {"REQ": "pi.REQ(in := DIFF, kp := KP, Y => OUT);\nco(ci := pi.Y);\nOUT := OUT + co.y;"},
        scope,
    )
    fb = _instance(scope)
    fns["REQ"](fb)
    assert fb.pi.invoked == ["REQ"] and fb.co.invoked == ["REQ"]
    assert fb.OUT == 6.0 + 7.0


def test_call_without_event_needs_a_single_event_input() -> None:
    with pytest.raises(STError, match="'pi' has 2 event inputs"):
        compile_algorithms("T", {"REQ": "pi(in := DIFF);"}, _scope())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pi.GO();", "'pi' has no event input 'GO'"),
        ("pi.REQ(nope := 1.0);", "'pi' has no input 'nope'"),
        ("pi.REQ(DIFF);", "arguments of an FB call must be named"),
        ("OUT := pi;", "'pi' is an FB instance, not a value"),
        ("OUT := pi.Z;", "'pi' has no data pin 'Z'"),
        ("AX.E1();", "'AX' is an adapter"),
    ],
)
def test_bad_fb_calls_are_refused(text: str, message: str) -> None:
    with pytest.raises(STError, match=message):
        compile_algorithms("T", {"REQ": text}, _scope())


def test_adapter_data_pins_are_attributes() -> None:
    scope = _scope()
    fns = compile_algorithms("T", {"A": "AX.D2 := NOT AX.d1;"}, scope)
    fb = _instance(scope)
    fns["A"](fb)
    assert fb.AX.D2 is True


SCALE = """PACKAGE signal;
(* scaling *)
FUNCTION SCALE : REAL
VAR_INPUT
  IN : REAL;
  MAX_IN : REAL := 10.0;
END_VAR
VAR_OUTPUT
  CLIPPED : BOOL;
END_VAR
VAR_TEMP
  t : REAL;
END_VAR
t := IN / MAX_IN;
IF t > 1.0 THEN
  t := 1.0;
  CLIPPED := TRUE;
  SCALE := t;
  RETURN;
END_IF;
SCALE := t * 100.0;
END_FUNCTION
"""


def test_function_returns_value_and_outputs() -> None:
    fn = compile_function(SCALE, origin="SCALE.fct")
    assert (fn.name, fn.package, fn.return_type) == ("SCALE", "signal", REAL)
    assert list(fn.inputs) == ["IN", "MAX_IN"] and list(fn.outputs) == ["CLIPPED"]
    assert fn.fn(Instance(), 5.0, 10.0) == (50.0, False)
    assert fn.fn(Instance(), 50.0, 10.0) == (1.0, True)


def test_algorithm_calls_user_function_with_outputs() -> None:
    fn = compile_function(SCALE)
    scope = STScope(
        {
            "X": VarInfo("X", REAL, "input"),
            "Y": VarInfo("Y", REAL, "output"),
            "C": VarInfo("C", BOOL, "output"),
        },
        functions={"signal::SCALE": fn},
    )
    fns = compile_algorithms("T", {"REQ": "Y := SCALE(X, 20.0, CLIPPED => C) + 1.0;"}, scope)
    fb = make_instance(scope, X=5.0)
    fns["REQ"](fb)
    assert (fb.Y, fb.C) == (26.0, False)
    with pytest.raises(STError, match="function SCALE has no input 'FOO'"):
        compile_algorithms("T", {"REQ": "Y := SCALE(FOO := X);"}, scope)


def test_function_with_dynamic_array_inout() -> None:
    fn = compile_function(
        """FUNCTION SUM : DINT
VAR_IN_OUT A : ARRAY[*] OF INT; END_VAR
VAR_TEMP i : INT; END_VAR
FOR i := LOWER_BOUND(A, 1) TO UPPER_BOUND(A, 1) DO
  SUM := SUM + A[i];
END_FOR;
END_FUNCTION"""
    )
    assert fn.fn(Instance(), [1, 2, 3])[0] == 6


def test_function_runtime_fault_names_function_and_line() -> None:
    fn = compile_function(
        "FUNCTION F : INT\nVAR_INPUT D : INT; END_VAR\nF := 1;\nF := F / D;\nEND_FUNCTION",
        origin="F.fct",
    )
    with pytest.raises(STRuntimeError) as info:
        fn.fn(Instance(), 0)
    assert (info.value.algorithm, info.value.line, info.value.origin) == ("F", 4, "F.fct")


def test_function_without_return_type_returns_none_first() -> None:
    fn = compile_function(
        "FUNCTION SPLIT\nVAR_INPUT IN : WORD; END_VAR\nVAR_OUTPUT LO : BYTE; HI : BYTE; END_VAR\n"
        "LO := IN.%B0; HI := IN.%B1;\nEND_FUNCTION"
    )
    assert fn.fn(Instance(), 0xABCD) == (None, 0xCD, 0xAB)
