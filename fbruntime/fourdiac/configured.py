"""Generic FBs configured with a data type: by an instance attribute (IDE) or by name (FORTE).

The 4diac IDE configures a STRUCT_MUX, STRUCT_DEMUX or F_MOVE instance with an attribute on the
FB element (``<Attribute Name="StructuredType" Value="pkg::Point"/>``, or ``DataType``); FORTE
receives the same instance as the type ``STRUCT_MUX_1Point``. These two functions turn either
form into the runnable type, so a loader or the management protocol needs one call:
:func:`configure_instance` when it has the instance's attributes, :func:`resolve_configured`
when a type name is not found as given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fbruntime import iec
from fbruntime.core import FBType
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.generic import CONFIG_ATTRIBUTES, GenericFBType
from fbruntime.fourdiac.model import Attribute
from fbruntime.fourdiac.structmux import configured_struct_name

if TYPE_CHECKING:
    from fbruntime.fourdiac.build import FourdiacTypes


def configuration(attributes: Iterable[Attribute]) -> str | None:
    """The data type an instance's attributes configure it with (``StructuredType`` first)."""
    found: dict[str, str] = {}
    for attribute in attributes:
        plain = attribute.name.rsplit("::", 1)[-1].lower()
        found.setdefault(plain, attribute.value.strip().strip("'\""))
    for name in CONFIG_ATTRIBUTES:
        value = found.get(name.lower())
        if value:
            return value
    return None


def data_type(types: FourdiacTypes, name: str) -> iec.IecType:
    """An elementary type or a struct of the library, by (possibly qualified) name."""
    plain = name.strip().rsplit("::", 1)[-1]
    elementary = iec.find_elementary(plain)
    if elementary is not None:
        return elementary
    return types.structs.struct(name.strip())


def configure_instance(
    types: FourdiacTypes, fbtype: FBType, attributes: Iterable[Attribute]
) -> FBType:
    """``fbtype`` configured by the instance's attributes; unchanged when they configure nothing.

    Raises :class:`FourdiacError` when the attribute names a type that does not exist or one the
    FB cannot take (a STRUCT_MUX configured with an INT).
    """
    if not isinstance(fbtype, GenericFBType):
        return fbtype
    wanted = configuration(attributes)
    if wanted is None:
        return fbtype
    return fbtype.configure(data_type(types, wanted))


def resolve_configured(types: FourdiacTypes, name: str) -> FBType | None:
    """``STRUCT_MUX_1Point`` (FORTE's name for a configured instance) -> its type, else None."""
    parsed = configured_struct_name(name)
    if parsed is None:
        return None
    base_name, struct_name = parsed
    base = types.get(base_name)
    if not isinstance(base, GenericFBType):
        raise FourdiacError(
            base.origin or "", 0, "FBType", f"{base_name} is not a generic FB that takes a struct"
        )
    return base.configure(types.structs.struct(struct_name))
