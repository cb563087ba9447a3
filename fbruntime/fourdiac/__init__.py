"""4diac XML files read safely into a typed model, a type library, and systems resolved.

Layout: ``xmlread`` (safe parsing), ``model`` (the dataclasses), ``reader`` (XML to model,
dispatching on the root tag), ``conditions`` (ECC transition conditions), ``library`` (scan,
index, IDE-style name resolution), ``dns`` (virtual DNS), ``literals`` (typed values through
fbruntime.iec), ``deploy`` (a ``.sys`` flattened and mapped per device and resource).
The build step that turns the model into runtime types lives elsewhere.
"""

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
from fbruntime.fourdiac.reader import read_bytes, read_file

__all__ = [
    "DeployedConnection",
    "DeployedDevice",
    "DeployedFB",
    "DeployedParameter",
    "DeployedResource",
    "Deployment",
    "FourdiacError",
    "MissingType",
    "Origin",
    "Problem",
    "Resolution",
    "TypeEntry",
    "TypeInfo",
    "TypeLibrary",
    "read_bytes",
    "read_file",
    "resolve_system",
]
