"""Generic FBs configured with a data type: by an instance attribute (IDE) or by name (FORTE).

The 4diac IDE configures a STRUCT_MUX, STRUCT_DEMUX or F_MOVE instance with an attribute on the
FB element (``<Attribute Name="StructuredType" Value="pkg::Point"/>``, or ``DataType``); FORTE
receives the same instance as the type ``STRUCT_MUX_1Point``. These two functions turn either
form into the runnable type, so a loader or the management protocol needs one call:
:func:`configure_instance` when it has the instance's attributes, :func:`resolve_configured`
when a type name is not found as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from fbruntime import iec
from fbruntime.core import FBType
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.generic import CONFIG_ATTRIBUTES, GenericFBType
from fbruntime.fourdiac.model import Attribute

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


_CONFIGURED = re.compile(r"_(\d)(?=.)")


def configured_names(name: str) -> list[tuple[str, str]]:
    """(base type, data type) readings of a deployed configured name, FORTE's first.

    The IDE deploys a configured instance as its type name, ``_1`` and the data type's full
    name (``STRUCT_MUX_1geo::Point``, ``F_MOVE_1UINT``; older IDEs write ``::`` as ``__``).
    Every ``_<digit>`` is a possible split; the leftmost comes first, as FORTE splits.
    """
    text = name.strip()
    readings = []
    for match in _CONFIGURED.finditer(text):
        base, config = text[: match.start()], text[match.end() :]
        if base.strip("_") and config.strip("_"):
            readings.append((base, config.replace("__", "::")))
    return readings


def resolve_configured(
    types: FourdiacTypes, name: str, package: str = "", imports: Sequence[str] = ()
) -> FBType | None:
    """``STRUCT_MUX_1Point`` (the deployed name of a configured instance) -> its type, else None.

    None when no reading of ``name`` names a generic FB; a :class:`FourdiacError` naming
    ``name`` when one does but its data type does not exist or does not fit.
    """
    for base_name, config in configured_names(name):
        try:
            base = types.get(base_name, package, imports)
        except FourdiacError:
            continue
        if not isinstance(base, GenericFBType):
            continue
        try:
            return base.configure(data_type(types, config))
        except FourdiacError as exc:
            raise FourdiacError(
                exc.problem.file or base.origin or "",
                exc.problem.line,
                exc.problem.element or "FBType",
                f"type {name!r} ({base_name} configured with {config}): {exc.reason}",
            ) from None
    return None
