"""GetInstancePath and GetInstancePathAndName: where in the application this FB sits.

FORTE's ``utils``: Path is the FB's path from its application (the resource's name left out),
its parts joined by the CHAR Sep; GetInstancePathAndName gives the path of the FB's container
as Path and the FB's own name as Name. fbrt's FB names may themselves hold dots (the IDE's
flattened ``App.Sub.FB``): each dot counts as a level, as FORTE's containers do.
"""

from __future__ import annotations

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


def _parts(block: Block) -> list[str]:
    return block.rt__path().split(".")


class GetInstancePath(Block):
    name = "GetInstancePath"
    version = "1.0"
    description = "Path := this FB's path in its application, joined by Sep"

    REQ = EventInput(with_=("Sep",))
    CNF = EventOutput(with_=("Path",))
    Sep = DataInput("CHAR")
    Path = DataOutput("STRING")

    def on_REQ(self) -> None:
        self.Path = self.Sep.join(_parts(self))
        self.CNF()


class GetInstancePathAndName(Block):
    name = "GetInstancePathAndName"
    version = "1.0"
    description = "Path := the path of this FB's container (joined by Sep), Name := its name"

    REQ = EventInput(with_=("Sep",))
    CNF = EventOutput(with_=("Path", "Name"))
    Sep = DataInput("CHAR")
    Path = DataOutput("STRING")
    Name = DataOutput("STRING")

    def on_REQ(self) -> None:
        parts = _parts(self)
        self.Path = self.Sep.join(parts[:-1])
        self.Name = parts[-1]
        self.CNF()
