"""A device's resources, FBs and pins over OPC UA (asyncua), for ``fbrt device --opcua PORT``.

``values`` converts IEC 61131-3 values to OPC UA variants and back, with FORTE's type mapping
(``src/com/opc_ua/opcua_helper.cpp``); ``server`` builds and keeps the address space of a running
device: browsable, readable, writable and subscribable pins, event inputs as methods.

Importing this package imports nothing of asyncua: ``server`` does, and only ``fbrt device
--opcua`` imports ``server`` (the device's import path stays free of it when the option is off).
"""

from __future__ import annotations

MISSING_EXTRA = "OPC UA needs the 'opcua' extra: pip install 'fbrt[opcua]' (asyncua)"

__all__ = ["MISSING_EXTRA"]
