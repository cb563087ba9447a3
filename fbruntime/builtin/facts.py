"""The FB types FORTE compiles in, as facts: their names and interfaces, written down by fbrt.

FORTE (``develop``, built for Posix with its IEC61131-3, CONVERT and UTILS modules and the
standard function block library) answers ``QUERY <FBType Name="*"/>`` with the names below; each
interface here was read off FORTE's sources (pin names and order, IEC types, WITH lists) and
written in fbrt's own compact notation, parsed by :mod:`fbruntime.builtin.interfaces`::

    EVENT_INPUTS > EVENT_OUTPUTS ; DATA_INPUTS > DATA_OUTPUTS

An event is ``NAME`` or ``NAME(PIN,PIN)`` (its WITH list, in FORTE's order); a data pin is
``NAME:TYPE``. Every event is of type ``Event`` (FORTE keeps no event types). A Function's
unnamed return value (``Name=""`` in the ``.fct``) is called ``OUT`` here, as everywhere in fbrt.

Families whose members follow one rule are listed as rules: the 277 conversion functions
(:data:`CONVERSIONS`: ``F_INT_TO_REAL`` is ``REQ(IN) > CNF(OUT) ; IN:INT > OUT:REAL``), the
converters ``BOOL2BOOL`` .. (:data:`IDENTITIES`) and the bit assembling and splitting functions
(:data:`PACKINGS`).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ADAPTERS",
    "CONFIGURED_BASES",
    "CONVERSIONS",
    "IDENTITIES",
    "INTERFACES",
    "PACKINGS",
    "TYPE_ABBREVIATIONS",
]

TYPE_ABBREVIATIONS: Final = {"DT": "DATE_AND_TIME", "TOD": "TIME_OF_DAY"}
"""Short type names used in conversion names (``F_DT_TO_TOD``)."""

CONVERSIONS: Final[dict[str, str]] = {
    # source type: what follows ``F_<source>_`` in each conversion FORTE has for it
    "BOOL": "TO_BYTE TO_DINT TO_DWORD TO_INT TO_SINT TO_UDINT TO_UINT TO_USINT TO_WORD "
    "AS_STRING TO_LINT TO_LWORD TO_ULINT AS_WSTRING",
    "BYTE": "TO_DINT TO_DWORD TO_INT TO_SINT TO_UDINT TO_UINT TO_USINT TO_WORD AS_STRING "
    "TO_LINT TO_LWORD TO_ULINT AS_WSTRING BCD_TO_USINT",
    "DINT": "TO_BYTE TO_DWORD TO_INT TO_SINT TO_UINT TO_UDINT TO_USINT TO_WORD AS_STRING "
    "TO_LINT TO_LWORD TO_ULINT TO_REAL TO_LREAL AS_WSTRING",
    "DWORD": "TO_BYTE TO_DINT TO_INT TO_SINT TO_UDINT TO_UINT TO_USINT TO_WORD AS_STRING "
    "TO_LINT TO_LWORD TO_ULINT TO_REAL AS_WSTRING BCD_TO_UDINT",
    "INT": "TO_BYTE TO_DINT TO_DWORD TO_SINT TO_UDINT TO_UINT TO_USINT TO_WORD AS_STRING "
    "TO_LINT TO_LWORD TO_ULINT TO_REAL TO_LREAL AS_WSTRING",
    "SINT": "TO_BYTE TO_DINT TO_DWORD TO_INT TO_UDINT TO_UINT TO_USINT TO_WORD AS_STRING "
    "TO_LINT TO_LWORD TO_ULINT TO_REAL TO_LREAL AS_WSTRING",
    "STRING": "AS_BOOL AS_BYTE AS_WORD AS_DWORD AS_INT AS_UINT AS_DINT AS_SINT AS_USINT "
    "AS_UDINT AS_TIME AS_LINT AS_LWORD AS_ULINT AS_REAL AS_LREAL TO_WSTRING",
    "TIME": "AS_STRING IN_S_TO_LINT IN_MS_TO_LINT IN_US_TO_LINT IN_NS_TO_LINT IN_S_TO_DINT "
    "IN_MS_TO_DINT IN_US_TO_DINT IN_NS_TO_DINT IN_S_TO_ULINT IN_MS_TO_ULINT IN_US_TO_ULINT "
    "IN_NS_TO_ULINT IN_S_TO_UDINT IN_MS_TO_UDINT IN_US_TO_UDINT IN_NS_TO_UDINT IN_S_TO_LREAL "
    "IN_MS_TO_LREAL IN_US_TO_LREAL IN_NS_TO_LREAL AS_WSTRING",
    "UDINT": "TO_BYTE TO_DINT TO_DWORD TO_INT TO_SINT TO_UINT TO_WORD AS_STRING TO_LINT "
    "TO_LWORD TO_ULINT TO_REAL TO_LREAL AS_WSTRING TO_BCD_DWORD",
    "UINT": "TO_BYTE TO_DINT TO_DWORD TO_INT TO_SINT TO_UDINT TO_USINT TO_WORD AS_STRING "
    "TO_LINT TO_LWORD TO_ULINT TO_REAL TO_LREAL AS_WSTRING TO_BCD_WORD",
    "USINT": "TO_BYTE TO_DINT TO_DWORD TO_INT TO_SINT TO_UDINT TO_UINT TO_WORD AS_STRING "
    "TO_ULINT TO_LINT TO_LWORD TO_REAL TO_LREAL AS_WSTRING TO_BCD_BYTE",
    "WORD": "TO_BYTE TO_DINT TO_DWORD TO_INT TO_SINT TO_UDINT TO_UINT TO_USINT AS_STRING "
    "TO_LINT TO_LWORD TO_ULINT AS_WSTRING BCD_TO_UINT",
    "LWORD": "BCD_TO_ULINT TO_BYTE TO_DINT TO_DWORD TO_INT TO_LINT TO_SINT TO_UDINT TO_UINT "
    "TO_ULINT TO_USINT TO_WORD AS_STRING TO_LREAL AS_WSTRING",
    "ULINT": "TO_BCD_LWORD TO_BYTE TO_DINT TO_DWORD TO_INT TO_LINT TO_LWORD TO_SINT TO_UDINT "
    "TO_UINT TO_USINT TO_WORD AS_STRING TO_REAL TO_LREAL AS_WSTRING",
    "WSTRING": "AS_UINT AS_BOOL AS_BYTE AS_DINT AS_DWORD AS_INT AS_SINT AS_UDINT AS_USINT "
    "AS_WORD TO_STRING AS_TIME AS_LINT AS_LWORD AS_ULINT AS_REAL AS_LREAL",
    "REAL": "TO_DWORD TO_DINT TO_SINT TO_USINT TO_INT TO_UDINT TO_UINT AS_STRING TO_LINT "
    "TO_ULINT TO_LREAL AS_WSTRING",
    "LREAL": "TO_DINT TO_INT TO_SINT TO_UDINT TO_UINT TO_USINT AS_STRING TO_LINT TO_LWORD "
    "TO_ULINT TO_REAL AS_WSTRING",
    "LINT": "TO_BYTE TO_DINT TO_DWORD TO_INT TO_SINT TO_UDINT TO_UINT TO_USINT TO_WORD "
    "AS_STRING TO_LWORD TO_ULINT TO_REAL TO_LREAL AS_WSTRING",
    "DT": "TO_TOD TO_DATE",
    "ANY": "AS_STRING",
}
"""``F_<source>_<rest>``: IN is the source type, OUT the type the name ends with."""

IDENTITIES: Final = [
    "BOOL",
    "BYTE",
    "DINT",
    "DWORD",
    "INT",
    "SINT",
    "STRING",
    "TIME",
    "UINT",
    "UDINT",
    "USINT",
    "WORD",
    "WSTRING",
    "REAL",
    "LREAL",
]
"""CONVERT's ``T2T`` blocks: ``REQ(IN) > CNF(OUT) ; IN:T > OUT:T``, OUT := IN."""

PACKINGS: Final[dict[str, tuple[str, str, str, int]]] = {
    # name: (whole type, part pin prefix, part type, number of parts)
    "ASSEMBLE_BYTE_FROM_BOOLS": ("BYTE", "BIT", "BOOL", 8),
    "ASSEMBLE_BYTE_FROM_QUARTERS": ("BYTE", "QUARTER_BYTE", "BYTE", 4),
    "ASSEMBLE_DWORD_FROM_BOOLS": ("DWORD", "BIT", "BOOL", 32),
    "ASSEMBLE_DWORD_FROM_BYTES": ("DWORD", "BYTE", "BYTE", 4),
    "ASSEMBLE_DWORD_FROM_QUARTERS": ("DWORD", "QUARTER_BYTE", "BYTE", 16),
    "ASSEMBLE_DWORD_FROM_WORDS": ("DWORD", "WORD", "WORD", 2),
    "ASSEMBLE_LWORD_FROM_BOOLS": ("LWORD", "BIT", "BOOL", 64),
    "ASSEMBLE_LWORD_FROM_QUARTERS": ("LWORD", "QUARTER_BYTE", "BYTE", 32),
    "ASSEMBLE_WORD_FROM_BOOLS": ("WORD", "BIT", "BOOL", 16),
    "ASSEMBLE_WORD_FROM_BYTES": ("WORD", "BYTE", "BYTE", 2),
    "ASSEMBLE_WORD_FROM_QUARTERS": ("WORD", "QUARTER_BYTE", "BYTE", 8),
    "SPLIT_BYTE_INTO_BOOLS": ("BYTE", "BIT", "BOOL", 8),
    "SPLIT_BYTE_INTO_QUARTERS": ("BYTE", "QUARTER_BYTE", "BYTE", 4),
    "SPLIT_DWORD_INTO_BOOLS": ("DWORD", "BIT", "BOOL", 32),
    "SPLIT_DWORD_INTO_QUARTERS": ("DWORD", "QUARTER_BYTE", "BYTE", 16),
    "SPLIT_DWORD_INTO_WORDS": ("DWORD", "WORD", "WORD", 2),
    "SPLIT_LWORD_INTO_BOOLS": ("LWORD", "BIT", "BOOL", 64),
    "SPLIT_LWORD_INTO_QUARTERS": ("LWORD", "QUARTER_BYTE", "BYTE", 32),
    "SPLIT_WORD_INTO_BOOLS": ("WORD", "BIT", "BOOL", 16),
    "SPLIT_WORD_INTO_BYTES": ("WORD", "BYTE", "BYTE", 2),
    "SPLIT_WORD_INTO_QUARTERS": ("WORD", "QUARTER_BYTE", "BYTE", 8),
}
"""ASSEMBLE_*: REQ(parts) > CNF(OUT), parts ``<prefix>_00`` .. numbered from the least
significant; SPLIT_*: REQ(IN) > CNF(parts). A quarter byte is two bits held in a BYTE."""

_CTU = "REQ(CU,R) > CNF(Q,CV) ; CU:BOOL R:BOOL PV:{t} > Q:BOOL CV:{t}"
_CTD = "REQ(CD,PV,LD) > CNF(Q,CV) ; CD:BOOL LD:BOOL PV:{t} > Q:BOOL CV:{t}"
_CTUD = (
    "REQ(CU,CD,R,LD,PV) > CNF(QU,QD,CV) ; CU:BOOL CD:BOOL R:BOOL LD:BOOL PV:{t} "
    "> QU:BOOL QD:BOOL CV:{t}"
)
_COUNTERS = {
    f"FB_{kind}{suffix}": spec.format(t=t)
    for kind, spec in (("CTU", _CTU), ("CTD", _CTD), ("CTUD", _CTUD))
    for suffix, t in (
        ("", "INT"),
        ("_DINT", "DINT"),
        ("_LINT", "LINT"),
        ("_UDINT", "UDINT"),
        ("_ULINT", "ULINT"),
    )
}
# FORTE has FB_CTU_UDINT and FB_CTD_UDINT but no FB_CTUD_UDINT.
del _COUNTERS["FB_CTUD_UDINT"]

_UNARY = "REQ(IN) > CNF(OUT) ; IN:{t} > OUT:{t}"
_BINARY = "REQ(IN1,IN2) > CNF(OUT) ; IN1:{t} IN2:{t} > OUT:{o}"
_SEL_E = "{ins} > CNF(OUT) ; {pins} > OUT:ANY"

INTERFACES: Final[dict[str, str]] = {
    # IEC 61131-3 function blocks
    "FB_RS": "REQ(S,R1) > CNF(Q1) ; S:BOOL R1:BOOL > Q1:BOOL",
    "FB_SR": "REQ(S1,R) > CNF(Q1) ; S1:BOOL R:BOOL > Q1:BOOL",
    **_COUNTERS,
    "FB_F_TRIG": "REQ(CLK) > CNF(Q) ; CLK:BOOL > Q:BOOL",
    "FB_R_TRIG": "REQ(CLK) > CNF(Q) ; CLK:BOOL > Q:BOOL",
    "FB_TOF": "REQ(IN,PT) > CNF(Q,ET) ; IN:BOOL PT:TIME > Q:BOOL ET:TIME",
    "FB_TON": "REQ(IN,PT) > CNF(Q,ET) ; IN:BOOL PT:TIME > Q:BOOL ET:TIME",
    "FB_TP": "REQ(IN,PT) > CNF(Q,ET) ; IN:BOOL PT:TIME > Q:BOOL ET:TIME",
    # IEC 61131-3 functions
    **{
        f"F_{op}": _UNARY.format(t="ANY_REAL")
        for op in ("SQRT", "LN", "LOG", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "EXP")
    },
    "F_ABS": _UNARY.format(t="ANY_NUM"),
    "F_NOT": _UNARY.format(t="ANY_BIT"),
    **{f"F_{op}": _BINARY.format(t="ANY_BIT", o="ANY_BIT") for op in ("AND", "OR", "XOR")},
    **{
        f"F_{op}": "REQ(IN,N) > CNF(OUT) ; IN:ANY_BIT N:ANY_INT > OUT:ANY_BIT"
        for op in ("SHL", "SHR", "ROR", "ROL")
    },
    "F_LIMIT": (
        "REQ(MN,MX,IN) > CNF(OUT) ; MN:ANY_ELEMENTARY IN:ANY_ELEMENTARY MX:ANY_ELEMENTARY "
        "> OUT:ANY_ELEMENTARY"
    ),
    "F_MIN": _BINARY.format(t="ANY_ELEMENTARY", o="ANY_ELEMENTARY"),
    "F_MAX": _BINARY.format(t="ANY_ELEMENTARY", o="ANY_ELEMENTARY"),
    "F_SEL": "REQ(G,IN1,IN0) > CNF(OUT) ; G:BOOL IN0:ANY IN1:ANY > OUT:ANY",
    "F_MUX_2": "REQ(IN1,IN2,K) > CNF(OUT) ; K:ANY_INT IN1:ANY IN2:ANY > OUT:ANY",
    **{
        f"F_{op}": _BINARY.format(t="ANY_ELEMENTARY", o="BOOL")
        for op in ("GT", "EQ", "GE", "LE", "LT", "NE")
    },
    "F_ADD": _BINARY.format(t="ANY_MAGNITUDE", o="ANY_MAGNITUDE"),
    "F_SUB": _BINARY.format(t="ANY_MAGNITUDE", o="ANY_MAGNITUDE"),
    "F_MUL": _BINARY.format(t="ANY_NUM", o="ANY_NUM"),
    "F_DIV": _BINARY.format(t="ANY_NUM", o="ANY_NUM"),
    "F_MOD": _BINARY.format(t="ANY_INT", o="ANY_NUM"),
    "F_EXPT": _BINARY.format(t="ANY_REAL", o="ANY_REAL"),
    "F_MOVE": _UNARY.format(t="ANY"),
    "F_MULTIME": "REQ(IN1,IN2) > CNF(OUT) ; IN1:TIME IN2:ANY_NUM > OUT:TIME",
    "F_DIVTIME": "REQ(IN1,IN2) > CNF(OUT) ; IN1:TIME IN2:ANY_NUM > OUT:TIME",
    "F_TRUNC": "REQ(IN) > CNF(OUT) ; IN:ANY_REAL > OUT:ANY_INT",
    "F_ADD_DT_TIME": "REQ(IN1,IN2) > CNF(OUT) ; IN1:DATE_AND_TIME IN2:TIME > OUT:DATE_AND_TIME",
    "F_ADD_TOD_TIME": "REQ(IN1,IN2) > CNF(OUT) ; IN1:TIME_OF_DAY IN2:TIME > OUT:TIME_OF_DAY",
    "F_SUB_DT_TIME": "REQ(IN1,IN2) > CNF(OUT) ; IN1:DATE_AND_TIME IN2:TIME > OUT:DATE_AND_TIME",
    "F_SUB_TOD_TIME": "REQ(IN1,IN2) > CNF(OUT) ; IN1:TIME_OF_DAY IN2:TIME > OUT:TIME_OF_DAY",
    "F_SUB_DT_DT": "REQ(IN1,IN2) > CNF(OUT) ; IN1:DATE_AND_TIME IN2:DATE_AND_TIME > OUT:TIME",
    "F_SUB_DATE_DATE": "REQ(IN1,IN2) > CNF(OUT) ; IN1:DATE IN2:DATE > OUT:TIME",
    "F_SUB_TOD_TOD": "REQ(IN1,IN2) > CNF(OUT) ; IN1:TIME_OF_DAY IN2:TIME_OF_DAY > OUT:TIME",
    "F_LEN": "REQ(IN) > CNF(OUT) ; IN:ANY_STRING > OUT:ANY_INT",
    "F_LEFT": "REQ(IN,L) > CNF(OUT) ; IN:ANY_STRING L:ANY_INT > OUT:ANY_STRING",
    "F_RIGHT": "REQ(IN,L) > CNF(OUT) ; IN:ANY_STRING L:ANY_INT > OUT:ANY_STRING",
    "F_MID": "REQ(IN,L,P) > CNF(OUT) ; IN:ANY_STRING L:ANY_INT P:ANY_INT > OUT:ANY_STRING",
    "F_CONCAT": _BINARY.format(t="ANY_STRING", o="ANY_STRING"),
    "F_INSERT": (
        "REQ(IN1,IN2,P) > CNF(OUT) ; IN1:ANY_STRING IN2:ANY_STRING P:ANY_INT > OUT:ANY_STRING"
    ),
    "F_DELETE": "REQ(IN,L,P) > CNF(OUT) ; IN:ANY_STRING L:ANY_INT P:ANY_INT > OUT:ANY_STRING",
    "F_REPLACE": (
        "REQ(IN1,IN2,L,P) > CNF(OUT) ; IN1:ANY_STRING IN2:ANY_STRING L:ANY_INT P:ANY_INT "
        "> OUT:ANY_STRING"
    ),
    "F_FIND": _BINARY.format(t="ANY_STRING", o="ANY_INT"),
    "F_CONCAT_DATE_TOD": "REQ(IN1,IN2) > CNF(OUT) ; IN1:DATE IN2:TIME_OF_DAY > OUT:DATE_AND_TIME",
    # utils
    "GetInstancePath": "REQ(Sep) > CNF(Path) ; Sep:CHAR > Path:STRING",
    "GetInstancePathAndName": "REQ(Sep) > CNF(Path,Name) ; Sep:CHAR > Path:STRING Name:STRING",
    "OUT_ANY_CONSOLE": "REQ(QI,IN,LABEL) > CNF(QO) ; QI:BOOL LABEL:STRING IN:ANY > QO:BOOL",
    "GET_AT_INDEX": "REQ(IN_ARRAY,INDEX) > CNF(QO,OUT) ; IN_ARRAY:ANY INDEX:UINT > QO:BOOL OUT:ANY",
    "SET_AT_INDEX": (
        "REQ(IN_ARRAY,INDEX,VALUE) > CNF(QO,OUT_ARRAY) ; IN_ARRAY:ANY INDEX:UINT VALUE:ANY "
        "> QO:BOOL OUT_ARRAY:ANY"
    ),
    "FB_RANDOM": "INIT(SEED) REQ > INITO CNF(VAL) ; SEED:UINT > VAL:REAL",
    "GET_STRUCT_VALUE": (
        "REQ(member,in_struct) > CNF(QO,output) ; in_struct:ANY member:STRING > QO:BOOL output:ANY"
    ),
    "SET_STRUCT_VALUE": (
        "REQ(member,in_struct,element_value) > CNF(out_struct) ; in_struct:ANY member:STRING "
        "element_value:ANY > out_struct:ANY"
    ),
    "STEST_END": "REQ > ; >",
    "TEST_CONDITION": "REQ(check) > CNF ; check:BOOL >",
    **{
        f"F_SEL_E_{n}": _SEL_E.format(
            ins=" ".join(f"REQ{i}(IN{i})" for i in range(n)),
            pins=" ".join(f"IN{i}:ANY" for i in range(n)),
        )
        for n in (2, 3, 4)
    },
    "utils__timing__F_NOW": "REQ > CNF(OUT) ; > OUT:DATE_AND_TIME",
    "utils__timing__F_NOW_MONOTONIC": "REQ > CNF(OUT) ; > OUT:TIME",
    "E_STOPWATCH": "START ET STOP RESET > EO(TD) ETO(TD) RESETO(TD) ; > TD:TIME",
    "TIMESTAMP_NS": "REQ(startDate) > CNF(OUT) ; startDate:DATE_AND_TIME > OUT:ULINT",
    # events
    "E_CTU": "CU(PV) R > CUO(Q,CV) RO(Q,CV) ; PV:UINT > Q:BOOL CV:UINT",
    "E_CTD": "CD LD(PV) > CDO(Q,CV) LDO(Q,CV) ; PV:UINT > Q:BOOL CV:UINT",
    "E_CTUD": (
        "CU(PV) CD R LD(PV) > CO(QU,CV,QD) RO(QU,CV,QD) LDO(QU,QD,CV) ; PV:UINT "
        "> QU:BOOL QD:BOOL CV:UINT"
    ),
    "E_CTUD_UDINT": (
        "CU(PV) CD R LD(PV) > CO(QU,CV,QD) RO(QU,CV,QD) LDO(QU,QD,CV) ; PV:UDINT "
        "> QU:BOOL QD:BOOL CV:UDINT"
    ),
    # FORTE's timed FBs declare no WITH but read DT with every event; START WITH DT (the
    # IDE's declaration, which fbrt keeps) samples it the same way where it matters.
    "E_DELAY": "START(DT) STOP > EO ; DT:TIME >",
    "E_RDELAY": "START(DT) STOP > EO ; DT:TIME >",
    "E_CYCLE": "START(DT) STOP > EO ; DT:TIME >",
    "E_D_FF": "CLK(D) > EO(Q) ; D:BOOL > Q:BOOL",
    "E_MERGE": "EI1 EI2 > EO ; >",
    "E_REND": "EI1 EI2 R > EO ; >",
    "E_RS": "R S > EO(Q) ; > Q:BOOL",
    "E_SELECT": "EI0(G) EI1(G) > EO ; G:BOOL >",
    "E_SR": "S R > EO(Q) ; > Q:BOOL",
    "E_DEMUX": "EI(K) > EO0 EO1 EO2 EO3 ; K:UINT >",
    "E_F_TRIG": "EI(QI) > EO ; QI:BOOL >",
    "E_PERMIT": "EI(PERMIT) > EO ; PERMIT:BOOL >",
    "E_RESTART": "> COLD WARM STOP ; >",
    "E_R_TRIG": "EI(QI) > EO ; QI:BOOL >",
    "E_SPLIT": "EI > EO1 EO2 ; >",
    "E_SWITCH": "EI(G) > EO0 EO1 ; G:BOOL >",
    "E_T_FF": "CLK > EO(Q) ; > Q:BOOL",
    "E_TRAIN": "START(DT) STOP(DT) > EO(CV) ; DT:TIME N:UINT > CV:UINT",
    "E_PULSE": "REQ(PT) R > CNF(Q) ; PT:TIME > Q:BOOL",
    "E_TP": "REQ(IN,PT) R(IN) > CNF(Q) ; IN:BOOL PT:TIME > Q:BOOL",
    "E_TON": "REQ(IN,PT) > CNF(Q) ; IN:BOOL PT:TIME > Q:BOOL",
    "E_TOF": "REQ(IN,PT) R > CNF(Q) ; IN:BOOL PT:TIME > Q:BOOL",
    "E_TONOF": "REQ(IN,PT_ON,PT_OFF) R > CNF(Q) ; IN:BOOL PT_ON:TIME PT_OFF:TIME > Q:BOOL",
    "E_TimeOut": "> ; > ; socket TimeOutSocket:ATimeOut",
    "E_RTimeOut": "> ; > ; socket TimeOutSocket:ARTimeOut",
    # system and communication
    "DEV_MGR": (
        "INIT(QI,ID) REQ > INITO(QO,STATUS) CNF ; QI:BOOL ID:WSTRING RESP:STRING "
        "> QO:BOOL STATUS:STRING DST:STRING RQST:STRING"
    ),
    "PUBLISH_1": (
        "INIT(QI,ID) REQ(QI,SD_1) > INITO(QO,STATUS) CNF(QO,STATUS) ; QI:BOOL ID:WSTRING "
        "SD_1:ANY > QO:BOOL STATUS:WSTRING"
    ),
    "SUBSCRIBE_1": (
        "INIT(QI,ID) RSP(QI) > INITO(QO,STATUS) IND(QO,STATUS,RD_1) ; "
        "QI:BOOL ID:WSTRING > QO:BOOL STATUS:WSTRING RD_1:ANY"
    ),
}
"""Every FB type with a fixed interface, but the rule-made families above."""

ADAPTERS: Final[dict[str, str]] = {
    # as seen from the socket side (the plug sees them mirrored)
    "ATimeOut": "TimeOut > START(DT) STOP ; > DT:TIME",
    "ARTimeOut": "TimeOut > START(DT) STOP ; > DT:TIME",
}
"""FORTE's adapter types, besides ``ANY_ADAPTER`` (a placeholder FORTE lists, not a type)."""

CONFIGURED_BASES: Final = [
    "GEN_ADD",
    "GEN_AND",
    "GEN_OR",
    "GEN_XOR",
    "GEN_F_MOVE",
    "GEN_F_MUX",
    "GEN_E_DEMUX",
    "GEN_E_MUX",
    "GEN_STRUCT_MUX",
    "GEN_STRUCT_DEMUX",
    "GEN_ARRAY2VALUES",
    "GEN_VALUES2ARRAY",
    "GEN_ARRAY2ARRAY",
    "GEN_CSV_WRITER",
    "GEN_PUBLISH",
    "GEN_SUBSCRIBE",
    "GEN_CLIENT",
    "GEN_SERVER",
    "GEN_PUBL",
    "GEN_SUBL",
]
"""FORTE's generic FB types, configured by the name an FB is created with (``ADD_3``,
``F_MUX_2_1``, ``PUBLISH_2``); see :mod:`fbruntime.builtin.configured`."""
