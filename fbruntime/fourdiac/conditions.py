"""ECC transition conditions split into (event, guard), accepting all five forms of §a.3.

1. 1st edition ``EV & expr`` (split at the first ``&``), 2. 2nd edition ``EV[expr]``,
3. a bare event ``EV`` or adapter event ``plug.EV``, 4. a guard only ``[expr]`` or ``NOT G``,
5. ``1``/``TRUE``: unconditional.  Whether a bare word is an event or a guard depends on the FB's
event inputs (the IDE asks the interface too), so callers pass the names they know.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from fbruntime.fourdiac.model import Condition

_EVENT_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$")
_ALWAYS = {"1", "TRUE"}


def _guard(text: str) -> str | None:
    text = text.strip()
    return None if not text or text.upper() in _ALWAYS else text


def _is_event(name: str, events: Collection[str] | None, adapters: Collection[str]) -> bool:
    if not _EVENT_NAME.match(name) or name.upper() in _ALWAYS:
        return False
    if events is None:
        return True
    prefix, dot, _ = name.partition(".")
    if dot:
        return prefix.lower() in {adapter.lower() for adapter in adapters}
    return name.lower() in {event.lower() for event in events}


def parse_condition(
    text: str, events: Collection[str] | None = None, adapters: Collection[str] = ()
) -> Condition:
    """Split *text*.

    *events* lists the event inputs (None: any bare name counts as an event); a dotted
    ``plug.EV`` is an adapter event when ``plug`` is one of *adapters* (sockets and plugs).
    """
    raw = text
    text = " ".join(text.split())
    if not text or text.upper() in _ALWAYS:
        return Condition(None, None, raw)
    bracket = text.find("[")
    if bracket >= 0 and text.endswith("]"):
        head = text[:bracket].strip()
        inner = text[bracket + 1 : -1]
        if not head:
            return Condition(None, _guard(inner), raw)
        if _EVENT_NAME.match(head):
            return Condition(head, _guard(inner), raw)
    if "&" in text and bracket < 0:
        head, _, tail = text.partition("&")
        head = head.strip()
        if _is_event(head, events, adapters):
            return Condition(head, _guard(tail), raw)
    if _is_event(text, events, adapters):
        return Condition(text, None, raw)
    return Condition(None, _guard(text), raw)
