"""CLIENT_m_n (m SD pins, n RD pins; m, n = 0 .. 4) and CLIENT_n (= CLIENT_n_n): a TCP client.

FORTE's ``GEN_CLIENT`` (``src/stdfblib/net``): INIT(QI, ID) connects to ``host:port`` (FBDK ASN.1
over TCP) -> INITO(QO, STATUS); REQ(QI, SD_1..m) sends; the server's answer arrives as
CNF(QO, STATUS, RD_1..n). The server closing the connection gives INITO 'TERMINATED'. See
:mod:`fbruntime.comm.commfb`. One file holds every size; it stands for CLIENT_1_1.
"""

from __future__ import annotations

from fbruntime.comm.commfb import comm_block

SIZES = range(0, 5)

for _m in SIZES:
    for _n in SIZES:
        globals()[f"CLIENT_{_m}_{_n}"] = comm_block("CLIENT", _m, _n, __name__)
    globals()[f"CLIENT_{_m}"] = comm_block("CLIENT", _m, _m, __name__, name=f"CLIENT_{_m}")
