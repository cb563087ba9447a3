"""What may differ between FORTE's recorded answer and fbrt's: the normalisation and the list.

`normalise` takes out what legitimately differs between any two devices: the time stamp of an
event watch (``time="..."``, each device's own clock). `expected_from_forte` turns FORTE's
recorded answer into the answer fbrt gives on purpose where FORTE is wrong; each case is one of
`DELIBERATE`, which README.md's "differs on purpose" section lists too. Everything else must be
equal byte for byte.
"""

from __future__ import annotations

import re

from tests.mgmt.differential.replay import Step

_WATCH_TIME = re.compile(r'(<Data value="[^"]*" time=")\d+(")')
_READ_SOURCE = re.compile(r'<Connection Source="[^"]*" Destination="')
_REQUEST_SOURCE = re.compile(r'<Connection Source="([^"]*)"')
_FB_REQUEST = re.compile(r'<FB Name="([^"]*)" Type="([^"]*)"')
_LISTED_FB = re.compile(r'<FB name="([^"]*)" type="([^"]*)"/>')
_REQUEST_ID = re.compile(r'<Request ID="([^"]*)"')

#: The deliberate differences, by the name `expected_from_forte` reports.
DELIBERATE = {
    "read-echo": 'READ of a pin: FORTE\'s reply names the FB twice (Source="FB.FB"); fbrt names '
    'the pin that was read (Source="FB.PIN").',
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


def expected_from_forte(step: Step, forte: str | None) -> tuple[str | None, str | None]:
    """(the answer fbrt should give, the name of the deliberate difference or None).

    A scenario's ``!fbrt NAME REPLY`` wins; the READ echo, the QUERY of one FB's type and long
    IDs are derived from FORTE's answer.
    """
    if step.fbrt is not None:
        return step.fbrt[1], step.fbrt[0]
    if forte is None:
        return None, None
    request_id = _REQUEST_ID.match(step.request)
    assert request_id is not None, step.request
    if len(request_id.group(1)) > 7:
        return '<Response ID="" Reason="UNSUPPORTED_CMD" />', "long-id"
    if "Reason=" in forte:
        return forte, None
    if step.action == "READ" and "<Connection" in step.request:
        source = _REQUEST_SOURCE.search(step.request)
        assert source is not None
        fixed = _READ_SOURCE.sub(
            lambda _: f'<Connection Source="{source.group(1)}" Destination="', forte, count=1
        )
        return fixed, "read-echo"
    fb = _FB_REQUEST.search(step.request)
    if step.action == "QUERY" and fb is not None and fb.group(1) != "*" and fb.group(2) == "*":
        listed = dict(_LISTED_FB.findall(forte))
        name = fb.group(1)
        if name not in listed:
            return (
                f'<Response ID="{request_id.group(1)}" Reason="NO_SUCH_OBJECT" />',
                "query-one-fb",
            )
        body = f'<FB Name="{name}" Type="{listed[name]}" />'
        return f'<Response ID="{request_id.group(1)}">\n  {body}\n</Response>', "query-one-fb"
    return forte, None
