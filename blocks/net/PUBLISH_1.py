"""PUBLISH_0 .. PUBLISH_10: send SD_1 .. SD_n as one UDP datagram (or to a loc[] group) per REQ.

FORTE's ``GEN_PUBLISH`` (``src/stdfblib/net``): INIT(QI, ID) -> INITO(QO, STATUS), REQ(QI, SD_1..n)
-> CNF(QO, STATUS). The ID is ``host:port`` (FBDK ASN.1 over UDP, multicast when the host is a
multicast group), ``raw[].ip[host:port]``, ``loc[group]`` or an MQTT topic
(``fbdk[].mqtt[tcp://host:port, client ID, topic]``, ``raw[]`` alike); the behaviour and STATUS texts are
described in :mod:`fbruntime.comm.commfb`. One file holds every width (the 4diac library ships
0 .. 10); it stands for PUBLISH_1.
"""

from __future__ import annotations

from fbruntime.comm.commfb import comm_block

WIDTHS = range(0, 11)

for _n in WIDTHS:
    globals()[f"PUBLISH_{_n}"] = comm_block("PUBLISH", _n, 0, __name__)
