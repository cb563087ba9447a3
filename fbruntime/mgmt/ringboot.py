"""The ring benchmark as a boot file that FORTE, DINASORE and fbrt all accept unchanged.

Topology (PEERS.md section 5): ``START.COLD`` fires ``SPL0`` (E_SPLIT), which starts the stopwatch
``SW`` and then counts ``CTR`` (E_CTUD_UDINT, ``PV = n``) up. Each count runs ``CTR.CO`` through
``K`` chained E_SPLITs ``S1..SK`` into ``SWI`` (E_SWITCH, ``G = CTR.QU``); ``SWI.EO0`` counts again,
so the ring runs ``n`` times and executes ``n * (K + 2)`` FB events. When ``CV`` reaches ``n``,
``SWI.EO1`` stops the stopwatch, ``OUT`` (OUT_ANY_CONSOLE, ``QI = TRUE`` so that it prints) prints
``SW.TD`` and ``END`` (STEST_END) ends the run.
"""

from __future__ import annotations

from fbruntime.mgmt.bootfile import format_boot_file
from fbruntime.mgmt.commands import Command, CreateConnection, CreateFB, Start, WriteParameter


def ring_commands(n: int, k: int, resource: str = "RES") -> list[tuple[str, Command]]:
    """The ring's ``(dst, command)`` pairs, in the IDE's order (FBs, parameters, connections)."""
    if n < 1:
        raise ValueError(f"the ring needs at least one round, not n={n}")
    if k < 0:
        raise ValueError(f"the number of E_SPLITs in the ring cannot be negative: k={k}")
    splits = [f"S{i}" for i in range(1, k + 1)]
    fbs = [
        ("SPL0", "E_SPLIT"),
        ("SW", "E_STOPWATCH"),
        ("CTR", "E_CTUD_UDINT"),
        *((name, "E_SPLIT") for name in splits),
        ("SWI", "E_SWITCH"),
        ("OUT", "OUT_ANY_CONSOLE"),
        ("END", "STEST_END"),
    ]
    sources = ["CTR.CO", *(f"{name}.EO1" for name in splits)]
    destinations = [*(f"{name}.EI" for name in splits), "SWI.EI"]
    chain = list(zip(sources, destinations, strict=True))
    connections = [
        ("START.COLD", "SPL0.EI"),
        ("SPL0.EO1", "SW.START"),
        ("SPL0.EO2", "CTR.CU"),
        *chain,
        ("CTR.QU", "SWI.G"),
        ("SWI.EO0", "CTR.CU"),
        ("SWI.EO1", "SW.STOP"),
        ("SW.EO", "OUT.REQ"),
        ("SW.TD", "OUT.IN"),
        ("OUT.CNF", "END.REQ"),
    ]
    commands: list[tuple[str, Command]] = [("", CreateFB(resource, "EMB_RES"))]
    commands += [(resource, CreateFB(name, type_name)) for name, type_name in fbs]
    commands += [
        (resource, WriteParameter(str(n), "CTR.PV")),
        (resource, WriteParameter("TRUE", "OUT.QI")),
    ]
    commands += [(resource, CreateConnection(src, dst)) for src, dst in connections]
    commands.append((resource, Start()))
    return commands


def ring_boot_file(n: int, k: int, resource: str = "RES") -> str:
    """The ring benchmark's boot-file text: ``n`` rounds through ``k + 2`` FBs."""
    return format_boot_file(ring_commands(n, k, resource))
