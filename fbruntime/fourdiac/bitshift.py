"""SHL, SHR, ROL and ROR for the native ``F_*`` generic FBs, at the width of the operand's type.

A shift or rotation only means something for a fixed number of bits, so these are built per
concrete type by :mod:`fbruntime.fourdiac.generic` once the ``IN`` pin is typed (by a connection
or a typed literal). The rules are FORTE's (``iec61131_functions.h``): a negative ``N`` gives 0,
shifted-out bits are lost at the type's width, a rotation by ``N`` is a rotation by
``N mod width``. BOOL counts as one bit, as in FORTE's BOOL specialisations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fbruntime import iec

Op = Callable[[list[Any]], Any]

BIT_WIDTHS = {"BOOL": 1, "BYTE": 8, "WORD": 16, "DWORD": 32, "LWORD": 64}
"""Bits of each ANY_BIT type."""


class UntypedOperandError(ValueError):
    """The operand of a width-dependent operation has no bit-string type."""


def bit_width(t: iec.IecType | None) -> int | None:
    """The number of bits of ``t`` when it is a bit string type, else None."""
    if t is None or t.is_generic:
        return None
    return BIT_WIDTHS.get(t.name)


def _shl(value: int, n: int, width: int) -> int:
    return (value << n) & ((1 << width) - 1) if n < width else 0


def _shr(value: int, n: int, width: int) -> int:
    return value >> n if n < width else 0


def _rol(value: int, n: int, width: int) -> int:
    n %= width
    mask = (1 << width) - 1
    return ((value << n) | (value >> (width - n))) & mask


def _ror(value: int, n: int, width: int) -> int:
    return _rol(value, width - n % width, width)


_KERNELS: dict[str, Callable[[int, int, int], int]] = {
    "SHL": _shl,
    "SHR": _shr,
    "ROL": _rol,
    "ROR": _ror,
}

OPERATIONS = frozenset(_KERNELS)
"""The operations this module builds."""


def shift_operation(name: str, operand: iec.IecType | None) -> Op:
    """The operation ``name`` (SHL, SHR, ROL, ROR) for values of the type ``operand``.

    Without a bit-string type the operation raises :class:`UntypedOperandError` when it runs,
    as FORTE refuses an ANY_BIT input whose type is unknown.
    """
    kernel = _KERNELS[name]
    width = bit_width(operand)
    if width is None:
        what = "no type" if operand is None or operand.is_generic else f"type {operand.name}"

        def untyped(values: list[Any]) -> Any:
            raise UntypedOperandError(
                f"{name}: IN has {what}, not a bit string (BOOL, BYTE, WORD, DWORD, LWORD): "
                "connect IN or OUT to a typed pin or give IN a typed literal such as WORD#16#FF"
            )

        return untyped
    mask = (1 << width) - 1

    def op(values: list[Any]) -> Any:
        value, n = values[0], values[1]
        if n < 0:
            return False if width == 1 else 0
        result = kernel(int(value) & mask, int(n), width)
        return bool(result) if width == 1 else result

    return op
