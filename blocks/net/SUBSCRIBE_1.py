"""SUBSCRIBE_0 .. SUBSCRIBE_10: receive what a PUBLISH_n sends; each message is an IND.

FORTE's ``GEN_SUBSCRIBE`` (``src/stdfblib/net``): INIT(QI, ID) -> INITO(QO, STATUS), and received
data -> IND(QO, STATUS, RD_1..n); RSP(QI) does nothing. The ID is ``host:port`` (FBDK ASN.1 over
UDP; a multicast group is joined), ``raw[].ip[host:port]``, ``loc[group]`` or an MQTT topic,
``fbdk[].mqtt[tcp://host:port, client ID, topic]`` (``raw[]`` alike; :mod:`fbruntime.comm.mqtt`). RD pins decode as
the type of the inputs they feed; see :mod:`fbruntime.comm.commfb`. One file holds every width
(0 .. 10); it stands for SUBSCRIBE_1.
"""

from __future__ import annotations

from fbruntime.comm.commfb import comm_block

WIDTHS = range(0, 11)

for _n in WIDTHS:
    globals()[f"SUBSCRIBE_{_n}"] = comm_block("SUBSCRIBE", 0, _n, __name__)
