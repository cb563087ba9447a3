"""SERVER_m_n (m SD pins, n RD pins; m, n = 0 .. 4) and SERVER_n (= SERVER_n_n): a TCP server.

FORTE's ``GEN_SERVER`` (``src/stdfblib/net``): INIT(QI, ID) listens on ``host:port`` (FBDK ASN.1
over TCP) -> INITO(QO, STATUS); a client's request arrives as IND(QO, STATUS, RD_1..n);
RSP(QI, SD_1..m) answers it. One client is served at a time; when it leaves the server listens
again without an event. See :mod:`fbruntime.comm.commfb`. One file holds every size; it stands
for SERVER_1_1.
"""

from __future__ import annotations

from fbruntime.comm.commfb import comm_block

SIZES = range(0, 5)

for _m in SIZES:
    for _n in SIZES:
        globals()[f"SERVER_{_m}_{_n}"] = comm_block("SERVER", _m, _n, __name__)
    globals()[f"SERVER_{_m}"] = comm_block("SERVER", _m, _m, __name__, name=f"SERVER_{_m}")
