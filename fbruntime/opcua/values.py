"""IEC 61131-3 values as OPC UA variants and back: FORTE's mapping, one table.

FORTE (``opcua_helper.cpp``) maps each elementary type to one built-in OPC UA type: BOOL Boolean,
SINT SByte, INT Int16, DINT Int32, LINT Int64, USINT/BYTE/CHAR Byte, UINT/WORD/WCHAR UInt16,
UDINT/DWORD UInt32, ULINT/LWORD UInt64, REAL Float, LREAL Double, STRING/WSTRING String,
TIME/LTIME Int64 (nanoseconds, FORTE develop's unit) and the dates and times of day DateTime.
A pin of any other type (arrays, structs, ANY pins) is a String holding the IEC literal, as the
management protocol's READ shows it, and a String written to it is read as a literal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from asyncua import ua

__all__ = ["VARIANT_TYPES", "from_variant", "variant_type"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

VARIANT_TYPES: dict[str, ua.VariantType] = {
    "BOOL": ua.VariantType.Boolean,
    "SINT": ua.VariantType.SByte,
    "INT": ua.VariantType.Int16,
    "DINT": ua.VariantType.Int32,
    "LINT": ua.VariantType.Int64,
    "USINT": ua.VariantType.Byte,
    "UINT": ua.VariantType.UInt16,
    "UDINT": ua.VariantType.UInt32,
    "ULINT": ua.VariantType.UInt64,
    "BYTE": ua.VariantType.Byte,
    "WORD": ua.VariantType.UInt16,
    "DWORD": ua.VariantType.UInt32,
    "LWORD": ua.VariantType.UInt64,
    "CHAR": ua.VariantType.Byte,
    "WCHAR": ua.VariantType.UInt16,
    "REAL": ua.VariantType.Float,
    "LREAL": ua.VariantType.Double,
    "STRING": ua.VariantType.String,
    "WSTRING": ua.VariantType.String,
    "TIME": ua.VariantType.Int64,
    "LTIME": ua.VariantType.Int64,
    "DATE": ua.VariantType.DateTime,
    "TIME_OF_DAY": ua.VariantType.DateTime,
    "DATE_AND_TIME": ua.VariantType.DateTime,
    "LDATE": ua.VariantType.DateTime,
    "LTIME_OF_DAY": ua.VariantType.DateTime,
    "LDATE_AND_TIME": ua.VariantType.DateTime,
}
_ALIASES = {
    "TOD": "TIME_OF_DAY",
    "DT": "DATE_AND_TIME",
    "LTOD": "LTIME_OF_DAY",
    "LDT": "LDATE_AND_TIME",
}


def variant_type(type_name: str) -> ua.VariantType:
    """The OPC UA type of an IEC type's pin (String for anything not elementary)."""
    name = _ALIASES.get(type_name.upper(), type_name.upper())
    return VARIANT_TYPES.get(name, ua.VariantType.String)


def to_variant(type_name: str, value: Any, literal: str) -> ua.Variant:
    """*value* of an IEC type as a variant; *literal* is its text, for the String fallback."""
    kind = variant_type(type_name)
    if kind is ua.VariantType.String:
        text = (
            value
            if isinstance(value, str) and type_name.upper() in ("STRING", "WSTRING")
            else literal
        )
        return ua.Variant(text, kind)
    if kind is ua.VariantType.DateTime:
        return ua.Variant(_EPOCH + timedelta(microseconds=int(value) // 1000), kind)
    if type_name.upper() in ("CHAR", "WCHAR"):
        return ua.Variant(ord(value) if isinstance(value, str) and value else 0, kind)
    return ua.Variant(value, kind)


def from_variant(type_name: str, value: Any) -> Any:
    """A value written by a client, as the IEC value (or literal text) to set the pin to."""
    kind = variant_type(type_name)
    if kind is ua.VariantType.DateTime and isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        delta = moment - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
    if type_name.upper() in ("CHAR", "WCHAR") and isinstance(value, int):
        return chr(value)
    return value
