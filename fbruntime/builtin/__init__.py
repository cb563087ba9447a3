"""The FB types fbrt has built in, as FORTE compiles in its standard modules (layer 3b).

A bare ``fbrt device`` (and ``fbrt run`` of a boot file or a system) can create every type FORTE
offers when built with its IEC61131-3, CONVERT and UTILS modules and its standard FB library,
with FORTE's interfaces, without any type folder. This package sits above ``fbruntime.fourdiac``
(it reuses its native F_* operations and builds the time-out composites through it) and
``fbruntime.comm``, and below ``fbruntime.mgmt`` and the Loader, which use it:

* ``facts``: FORTE's type names and interfaces, written down in a compact notation;
* ``interfaces``: that notation read into core interfaces;
* ``simple``: the types whose behaviour fbrt writes as one ST algorithm (conversions, ``T2T``,
  counters, bistables, edge detectors, bit packing);
* ``functions``: the F_* functions, typed like FORTE's variants;
* ``configured``: FORTE's generic blocks configured by name (``ADD_3``, ``E_DEMUX_8``...);
* ``timeouts``: E_TimeOut and E_RTimeOut and their adapters;
* ``catalog``: every name, built on first use (:class:`BuiltinTypes`), and the lazy native
  library the importer takes (:class:`BuiltinLibrary`).

The stateful blocks (timers, event blocks, utilities) are Python blocks of the shipped library
(``blocks/``), which the catalog imports by name.
"""

from fbruntime.builtin.catalog import (
    EXCLUDED,
    FORTE_ADAPTER_TYPES,
    BuiltinLibrary,
    BuiltinTypes,
    builtin_types,
    forte_type_names,
)

__all__ = [
    "EXCLUDED",
    "FORTE_ADAPTER_TYPES",
    "BuiltinLibrary",
    "BuiltinTypes",
    "builtin_types",
    "forte_type_names",
]
