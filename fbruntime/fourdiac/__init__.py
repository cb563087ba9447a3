"""4diac XML files read safely into a typed model, a type library, and systems resolved.

Layout: ``xmlread`` (safe parsing), ``model`` (the dataclasses), ``reader`` (XML to model,
dispatching on the root tag), ``conditions`` (ECC transition conditions), ``library`` (scan,
index, IDE-style name resolution), ``standard`` (the device and resource types FORTE has built
in, used when no file defines them), ``dns`` (virtual DNS), ``literals`` (typed values through
fbruntime.iec), ``deploy`` (a ``.sys`` flattened and mapped per device and resource; its
result types in ``deployed``, its working graph in ``sysgraph``).
``iectypes`` (declared types and values as iec ones), ``generic`` (native F_* with ANY pins),
``build`` (model to runtime types: :class:`FourdiacTypes`, the resolver and cache), with the
kinds built in ``kinds`` (Basic, Simple, Function, Service) and ``composite``, ANY pins typed per
use in ``specialize``, plugs joined to sockets in ``adapters``, and build failures named in
``elementerrors``; ``loader`` (a ``.sys``, ``.fbt`` or folder built into a running
:class:`fbruntime.core.Device`).
"""

from fbruntime.fourdiac.build import FourdiacTypes, XmlGenericType
from fbruntime.fourdiac.deploy import (
    DeployedConnection,
    DeployedDevice,
    DeployedFB,
    DeployedParameter,
    DeployedResource,
    Deployment,
    MissingType,
    resolve_system,
)
from fbruntime.fourdiac.errors import FourdiacError, Origin, Problem
from fbruntime.fourdiac.library import Resolution, TypeEntry, TypeInfo, TypeLibrary
from fbruntime.fourdiac.loader import LoadError, LoadResult, load, load_device, resolve_trigger
from fbruntime.fourdiac.reader import read_bytes, read_file

__all__ = [
    "DeployedConnection",
    "DeployedDevice",
    "DeployedFB",
    "DeployedParameter",
    "DeployedResource",
    "Deployment",
    "FourdiacError",
    "FourdiacTypes",
    "LoadError",
    "LoadResult",
    "MissingType",
    "Origin",
    "Problem",
    "Resolution",
    "TypeEntry",
    "TypeInfo",
    "TypeLibrary",
    "XmlGenericType",
    "load",
    "load_device",
    "read_bytes",
    "read_file",
    "resolve_system",
    "resolve_trigger",
]
