"""What may differ between FORTE's recorded answer and fbrt's: the normalisation and the list.

`normalise` takes out what legitimately differs between any two devices: the time stamp of an
event watch (``time="..."``, each device's own clock). `Expectations` turns FORTE's recorded
answers, step by step, into the answers fbrt gives on purpose where FORTE is wrong; each case is
one of `DELIBERATE`, which README.md's "differs on purpose" section lists too. Some are derived
from FORTE's own earlier answers in the same scenario (the value a watch showed, the value a pin
held before a refused WRITE); the rest are written into the scenario (``!fbrt NAME REPLY``).
Everything else must be equal byte for byte.
"""

from __future__ import annotations

import re

from tests.mgmt.differential.replay import Step

_WATCH_TIME = re.compile(r'(<Data value="[^"]*" time=")\d+(")')
_READ_REPLY = re.compile(r'<Connection Source="[^"]*" Destination="([^"]*)" />')
_REQUEST_SOURCE = re.compile(r'<Connection Source="([^"]*)"')
_WRITE = re.compile(r'<Connection Source="([^"]*)" Destination="([^"]*)" />')
_FB_REQUEST = re.compile(r'<FB Name="([^"]*)" Type="([^"]*)"')
_LISTED_FB = re.compile(r'<FB name="([^"]*)" type="([^"]*)"/>')
_REQUEST_ID = re.compile(r'<Request ID="([^"]*)"')
_RESPONSE_ID = re.compile(r'^<Response ID="[^"]*"')
_WATCHED_RESOURCE = re.compile(r'<Resource name="([^"]*)">(.*?)</Resource>', re.DOTALL)
_WATCHED_FB = re.compile(r'<FB name="([^"]*)">(.*?)</FB>', re.DOTALL)
_WATCHED_DATA = re.compile(r'<Port name="([^"]*)"><Data value="([^"]*)" forced=')

#: FORTE's READ writes a value into a buffer the size of a pointer: 7 characters and the end.
_READ_BUFFER = 7

#: The deliberate differences, by the name `Expectations` reports.
DELIBERATE = {
    "read-echo": 'READ of a pin: FORTE\'s reply names the FB twice (Source="FB.FB"); fbrt names '
    'the pin that was read (Source="FB.PIN").',
    "read-long-value": "READ of a value of 8 characters or more (2147483647, T#1s500ms, "
    "LREAL#0.5): FORTE writes it into an 8-byte buffer and answers INVALID_OBJECT or the first "
    "7 characters; fbrt answers the value, as FORTE's watches show it.",
    "refused-write": "A WRITE that FORTE refuses (BAD_PARAMS) may still change the pin to what "
    "it parsed before giving up ('1_000' leaves 1, 'abc' leaves 0); fbrt leaves the pin as it was.",
    "literal-syntax": "IEC 61131-3 literals FORTE refuses: a leading '+', '_' between digits, "
    "a fraction in a duration (T#1.5s), a lower-case type name (int#5), blanks around the "
    "value; and fbrt's documented leniencies: an unquoted or double-quoted STRING, a "
    "single-quoted WSTRING, a duration without T# (1s).",
    "literal-widening": "A typed literal that widens implicitly to the pin's type (INT#5 or "
    "REAL#2.5 for an LREAL, INT#5 for a REAL): FORTE refuses it; fbrt accepts it.",
    "literal-invalid": "Literals that name no value: dates and times that do not exist "
    "(DT#2024-13-02-..., D#2023-02-29, TOD#24:00:00), which FORTE accepts and rolls over (to "
    "2025-01-02, 2023-03-01), and a type with no digits (INT# for an ANY pin), which FORTE "
    "accepts; fbrt refuses them (BAD_PARAMS).",
    "type-name-case": "Type names in another case (f_add): FORTE knows only its own spelling "
    "(UNSUPPORTED_TYPE); fbrt finds the type, IEC 61131-3 names being case-insensitive.",
    "type-commands": "Commands about one type: FORTE, built without its Lua type loading, "
    "answers a QUERY of one FB or adapter type with UNSUPPORTED_CMD and a CREATE <FBType> "
    "with INVALID_OBJECT; fbrt answers the type's interface (UNSUPPORTED_TYPE for an unknown "
    "one) and refuses CREATE <FBType> with UNSUPPORTED_CMD.",
    "untyped-any": "An untyped literal for an ANY pin ('5' for F_ADD.IN1, ''abc'' for F_EQ.IN1): "
    "FORTE refuses it (BAD_PARAMS); fbrt takes the literal's own type (DINT, STRING), so the "
    "function runs.",
    "any-int-output": "An ANY_INT output that nothing types (F_TRUNC, F_LEN, F_FIND on their "
    "own): FORTE makes it a SINT (F_LEN of 200 characters would overflow); fbrt an INT.",
    "nan-text": "A NaN (F_SQRT of -1): FORTE prints what printf gives plus '.0' (-nan.0); "
    "fbrt prints nan.",
    "tod-wrap": "F_ADD_TOD_TIME past midnight: FORTE answers TOD#25:00:00.000, which is no time "
    "of day; fbrt wraps to TOD#01:00:00.000.",
    "forte-function-bug": "FORTE's F_CONCAT_DATE_TOD answers a wrong date (DT#2224-01-05-...) and "
    "its SPLIT_DWORD_INTO_WORDS always gives WORD_01 = 0 (it takes a BOOL where a WORD is "
    "meant); fbrt answers DT#2024-03-01-12:00:00.000 and 16#1234.",
    "query-one-fb": 'QUERY of one FB (Name="X"): FORTE pastes the whole FB list, unescaped, into '
    "the Status or Type attribute, even for an FB that does not exist; fbrt answers that FB's "
    "state or type, or NO_SUCH_OBJECT.",
    "device-kill": "A device KILL: FORTE ends without answering; fbrt answers, then ends.",
    "device-state": "A device STOP (START) stops (starts) the resources that are running (not "
    "running) and succeeds; FORTE applies it to every resource and answers INVALID_STATE when "
    "one of them is already in that state.",
    "long-id": "A request ID longer than 7 characters: both refuse it (UNSUPPORTED_CMD); FORTE "
    "echoes the rest of the request as the ID, fbrt answers with an empty ID.",
}


def normalise(reply: str | None) -> str | None:
    """*reply* with what differs legitimately between devices taken out."""
    if reply is None:
        return None
    return _WATCH_TIME.sub(r"\g<1>*\g<2>", reply)


def _with_id(reply: str, request_id: str) -> str:
    return _RESPONSE_ID.sub(f'<Response ID="{request_id}"', reply, count=1)


def _read_reply(request_id: str, source: str, value: str) -> str:
    body = f'<Connection Source="{source}" Destination="{value}" />'
    return f'<Response ID="{request_id}">\n  {body}\n</Response>'


class Expectations:
    """Feed it a scenario's steps in order with FORTE's answers; it says what fbrt answers."""

    def __init__(self) -> None:
        # (resource, "FB.PIN") -> the value FORTE's last READ of the watches showed
        self._watched: dict[tuple[str, str], str] = {}
        # (resource, request without its ID) -> what fbrt answered to the last such READ
        self._reads: dict[tuple[str, str], str] = {}
        # the resource and pin of a WRITE that FORTE just refused
        self._refused: tuple[str, str] | None = None

    def expect(self, step: Step, forte: str | None) -> tuple[str | None, str | None]:
        """(the answer fbrt should give, the name of the deliberate difference or None)."""
        refused, self._refused = self._refused, None
        if step.fbrt is not None:
            return step.fbrt[1], step.fbrt[0]
        if forte is None:
            return None, None
        request_id = _REQUEST_ID.match(step.request)
        assert request_id is not None, step.request
        rid = request_id.group(1)
        if len(rid) > 7:
            return '<Response ID="" Reason="UNSUPPORTED_CMD" />', "long-id"
        if step.action == "WRITE" and 'Reason="BAD_PARAMS"' in forte:
            write = _WRITE.search(step.request)
            if write is not None and not write.group(1).lower().startswith("$e"):
                self._refused = (step.dst, write.group(2))
            return forte, None
        if step.action != "READ":
            return self._query(step, rid, forte)
        key = (step.dst, step.request[len(request_id.group(0)) :])
        expected, name = self._read(step, rid, forte, refused, self._reads.get(key))
        self._reads[key] = expected
        return expected, name

    def _read(
        self,
        step: Step,
        rid: str,
        forte: str,
        refused: tuple[str, str] | None,
        before: str | None,
    ) -> tuple[str, str | None]:
        if "<Watches" in step.request:
            changed = before is not None and _with_id(before, rid) != forte
            if refused is not None and before is not None and refused[0] == step.dst and changed:
                return _with_id(before, rid), "refused-write"
            self._remember_watches(step.dst, forte)
            return forte, None
        source = _REQUEST_SOURCE.search(step.request)
        if source is None:
            return forte, None
        pin = source.group(1)
        if refused == (step.dst, pin) and before is not None and _with_id(before, rid) != forte:
            return _with_id(before, rid), "refused-write"
        shown = self._watched.get((step.dst, pin))
        value = _READ_REPLY.search(forte)
        if shown is not None and len(shown) > _READ_BUFFER and not shown.startswith(("'", '"')):
            invalid = 'Reason="INVALID_OBJECT"' in forte
            cut = value is not None and value.group(1) != shown and shown.startswith(value.group(1))
            if invalid or cut:
                return _read_reply(rid, pin, shown), "read-long-value"
        if value is None:
            return forte, None
        return _read_reply(rid, pin, value.group(1)), "read-echo"

    def _remember_watches(self, dst: str, forte: str) -> None:
        for resource, fbs in _WATCHED_RESOURCE.findall(forte):
            for fb, ports in _WATCHED_FB.findall(fbs):
                for port, value in _WATCHED_DATA.findall(ports):
                    self._watched[(dst or resource, f"{fb}.{port}")] = value

    @staticmethod
    def _query(step: Step, rid: str, forte: str) -> tuple[str, str | None]:
        fb = _FB_REQUEST.search(step.request)
        if (
            step.action != "QUERY"
            or "Reason=" in forte
            or fb is None
            or fb.group(1) == "*"
            or fb.group(2) != "*"
        ):
            return forte, None
        listed = dict(_LISTED_FB.findall(forte))
        name = fb.group(1)
        if name not in listed:
            return f'<Response ID="{rid}" Reason="NO_SUCH_OBJECT" />', "query-one-fb"
        body = f'<FB Name="{name}" Type="{listed[name]}" />'
        return f'<Response ID="{rid}">\n  {body}\n</Response>', "query-one-fb"
