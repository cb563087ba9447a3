"""The 4diac management protocol: how 4diac IDE deploys to fbrt, and how boot files replay.

Layers, each using only those before it:

* `reasons`, `commands`: the vocabulary (FORTE's reply Reasons; one dataclass per command).
* `framing`: FBDK ASN.1 STRING frames, decoded incrementally from a TCP stream.
* `requests`: request XML to commands and back; `replies`: a target's `Response` to reply text,
  byte for byte as FORTE's DEV_MGR writes it.
* `target`: the `ManagementTarget` protocol, the only seam to the engine; `typenames`: the type
  names a lookup should try.
* `server` (asyncio TCP, the DEV_MGR side), `client`, `bootfile` (``.fboot`` read, run, write),
  `ringboot` (the benchmark's boot file).
* `resolver` (type names -> FBTypes, the seam for XML types), `typefolders` (the user's type
  folders, reread when a file changes), `testblocks` (TEST_CONDITION),
  `refusal` (a refused command and its Reason), `pins` (FBs and pins a command names),
  `watches` (the watch commands), `queries` (what QUERY reports),
  `executor` (`DeviceTarget`: the commands carried out on a ``fbruntime.core.Device``),
  `deployment` (what was deployed, compacted), `persistence` (every change journaled and
  committed before its reply; restore), `hosting` (devices from boot files, export).
"""

from fbruntime.mgmt.bootfile import (
    BootEntry,
    BootFileError,
    format_boot_file,
    read_boot_file,
    read_boot_text,
    run_boot_file,
    write_boot_file,
)
from fbruntime.mgmt.client import ManagementClient, Reply, parse_reply
from fbruntime.mgmt.commands import Command
from fbruntime.mgmt.deployment import DeploymentRecord, StoredResource
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.framing import FrameDecoder, FramingError
from fbruntime.mgmt.hosting import (
    device_from_boot_file,
    export_boot_file,
    new_target,
    target_from_boot_file,
)
from fbruntime.mgmt.persistence import DeploymentStore, DeploymentSync, restore
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.replies import Response, format_reply
from fbruntime.mgmt.requests import Request, RequestError, parse_request, render_request
from fbruntime.mgmt.resolver import (
    ChainResolver,
    LibraryResolver,
    TypeResolver,
    default_resolver,
    native_resolver,
)
from fbruntime.mgmt.ringboot import ring_boot_file, ring_commands
from fbruntime.mgmt.server import ManagementServer, respond, serve
from fbruntime.mgmt.target import ManagementTarget
from fbruntime.mgmt.typenames import normalize_type_name

__all__ = [
    "BootEntry",
    "BootFileError",
    "ChainResolver",
    "Command",
    "DeploymentRecord",
    "DeploymentStore",
    "DeploymentSync",
    "DeviceTarget",
    "FrameDecoder",
    "FramingError",
    "LibraryResolver",
    "ManagementClient",
    "ManagementServer",
    "ManagementTarget",
    "Reason",
    "Reply",
    "Request",
    "RequestError",
    "Response",
    "StoredResource",
    "TypeResolver",
    "default_resolver",
    "device_from_boot_file",
    "export_boot_file",
    "format_boot_file",
    "format_reply",
    "native_resolver",
    "new_target",
    "normalize_type_name",
    "parse_reply",
    "parse_request",
    "read_boot_file",
    "read_boot_text",
    "render_request",
    "respond",
    "restore",
    "ring_boot_file",
    "ring_commands",
    "run_boot_file",
    "serve",
    "target_from_boot_file",
    "write_boot_file",
]
