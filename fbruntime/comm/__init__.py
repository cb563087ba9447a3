"""4diac/FORTE communication: the FBDK ASN.1 codec, communication IDs and their layers.

``asn1`` encodes and decodes IEC values as FORTE's ``fbdk`` layer does; ``ids`` parses the ``ID``
input of the communication blocks; ``ip`` (UDP/TCP on the asyncio loop), ``local`` (in-process
groups) and ``mqtt`` (an MQTT broker, through aiomqtt, imported on first use) carry the bytes or
values; ``commfb`` is the behaviour the blocks in ``blocks/net``
(PUBLISH_n, SUBSCRIBE_n, CLIENT_m_n, SERVER_m_n) share.
"""

from fbruntime.comm.asn1 import FBDK, Asn1Error, Codec, Decoded, MessageDecoder
from fbruntime.comm.ids import CommId, CommIdError, IpAddress, parse_id

__all__ = [
    "FBDK",
    "Asn1Error",
    "Codec",
    "CommId",
    "CommIdError",
    "Decoded",
    "IpAddress",
    "MessageDecoder",
    "parse_id",
]
