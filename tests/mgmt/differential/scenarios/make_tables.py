"""Writes the table scenarios (``literals.txt``, ``functions.txt``, ``convert.txt``) from tables.

The tables say what to try; the requests are what 4diac IDE sends to try it: CREATE the FB,
WRITE its inputs, trigger REQ with ``$e``, READ its outputs. Run it after changing a table, then
record FORTE's answers again (``python -m tests.mgmt.differential.record --forte ... NAME``)::

    python tests/mgmt/differential/scenarios/make_tables.py

FB names start with ``q`` so that FORTE, which lists FBs in the order of its string dictionary,
lists them in creation order as fbrt does (no type of FORTE's uses such a name).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).parent


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


class Script:
    """Numbered requests in boot-file form, as the IDE numbers them."""

    def __init__(self, title: str, resource: str) -> None:
        self.lines = [f"# {line}" if line else "#" for line in title.splitlines()]
        self.next_id = 1
        self.res = resource
        self.resource(resource)

    def resource(self, name: str) -> None:
        """Create resource *name*; the following requests go to it."""
        self.device(f'<FB Name="{name}" Type="EMB_RES" />', "CREATE")
        self.res = name

    def _add(self, dst: str, action: str, body: str) -> None:
        rid = self.next_id
        self.next_id += 1
        if body:
            self.lines.append(f'{dst};<Request ID="{rid}" Action="{action}">{body}</Request>')
        else:
            self.lines.append(f'{dst};<Request ID="{rid}" Action="{action}"/>')

    def device(self, body: str, action: str) -> None:
        self._add("", action, body)

    def request(self, action: str, body: str) -> None:
        self._add(self.res, action, body)

    def comment(self, text: str) -> None:
        self.lines.append(f"# {text}")

    def create(self, name: str, type_name: str) -> None:
        self.request("CREATE", f'<FB Name="{name}" Type="{type_name}" />')

    def write(self, value: str, pin: str) -> None:
        self.request("WRITE", f'<Connection Source="{_escape(value)}" Destination="{pin}" />')

    def read(self, pin: str, *, settle: bool = False) -> None:
        if settle:
            self.lines.append("!wait 0.05")
        self.request("READ", f'<Connection Source="{pin}" Destination="*" />')

    def read_reply(self, pin: str, value: str) -> str:
        body = f'<Connection Source="{pin}" Destination="{_escape(value)}" />'
        return f'<Response ID="{self.next_id - 1}">\\n  {body}\\n</Response>'

    def watch(self, pin: str) -> None:
        self.request("CREATE", f'<Watch Source="{pin}" Destination="*" />')

    def read_watches(self) -> None:
        self.request("READ", "<Watches/>")

    def fbrt(self, difference: str, reply: str) -> None:
        """fbrt answers the last request with *reply*, on purpose (``!fbrt``)."""
        self.lines.append(f"!fbrt {difference} {reply.replace(chr(10), chr(92) + 'n')}")

    def write_reply(self, *, refused: bool) -> str:
        reason = ' Reason="BAD_PARAMS"' if refused else ""
        return f'<Response ID="{self.next_id - 1}"{reason}>\n  \n</Response>'

    def watches_reply(self, fb: str, pin: str, shown: str) -> str:
        return self.watches_reply_of(fb, {pin: shown})

    def watches_reply_of(self, fb: str, shown: dict[str, str]) -> str:
        ports = "".join(
            f'<Port name="{pin}"><Data value="{_escape(value)}" forced="false"/></Port>'
            for pin, value in shown.items()
        )
        body = f'<Resource name="{self.res}"><FB name="{fb}">{ports}</FB></Resource>'

        return f'<Response ID="{self.next_id - 1}">\n  <Watches>\n    {body}\n  </Watches>\n</Response>'

    def save(self, name: str) -> None:
        (HERE / f"{name}.txt").write_text("\n".join(self.lines) + "\n", encoding="utf-8")


# -- literals: what WRITE accepts for a pin of each type, and how READ shows it ---------------

#: (pin type, an FB with an input of that type, the pin) -- X2X blocks where FORTE has one.
TYPED_PINS = [
    ("BOOL", "BOOL2BOOL", "IN"),
    ("SINT", "SINT2SINT", "IN"),
    ("INT", "INT2INT", "IN"),
    ("DINT", "DINT2DINT", "IN"),
    ("LINT", "F_LINT_TO_DINT", "IN"),
    ("USINT", "USINT2USINT", "IN"),
    ("UINT", "UINT2UINT", "IN"),
    ("UDINT", "UDINT2UDINT", "IN"),
    ("ULINT", "F_ULINT_TO_DINT", "IN"),
    ("BYTE", "BYTE2BYTE", "IN"),
    ("WORD", "WORD2WORD", "IN"),
    ("DWORD", "DWORD2DWORD", "IN"),
    ("LWORD", "F_LWORD_TO_DWORD", "IN"),
    ("REAL", "REAL2REAL", "IN"),
    ("LREAL", "LREAL2LREAL", "IN"),
    ("STRING", "STRING2STRING", "IN"),
    ("WSTRING", "WSTRING2WSTRING", "IN"),
    ("TIME", "TIME2TIME", "IN"),
    ("DATE_AND_TIME", "F_DT_TO_DATE", "IN"),
    ("DATE", "F_SUB_DATE_DATE", "IN1"),
    ("TIME_OF_DAY", "F_ADD_TOD_TIME", "IN1"),
]

#: Literals tried on every integer and bit-string pin.
INTEGER_LITERALS = [
    "5", "-5", "+5", "1_000", "16#FF", "2#101", "8#17", "5.0", "abc", " 5", "TRUE",
    "INT#5", "SINT#5", "UINT#5", "DINT#5", "LINT#5", "BYTE#5", "WORD#5", "BOOL#1",
    "REAL#5", "LREAL#5.5", "TIME#5", "STRING#5", "INT#-5", "UINT#70000", "INT#16#FF",
    "DINT#16#FFFFFFFF", "FOO#5", "int#5",
]  # fmt: skip
RANGES = {
    "SINT": ("127", "128", "-128", "-129"),
    "INT": ("32767", "32768", "-32768", "-32769"),
    "DINT": ("2147483647", "2147483648", "-2147483648", "-2147483649"),
    "LINT": ("9223372036854775807", "9223372036854775808", "-9223372036854775808"),
    "USINT": ("255", "256"),
    "UINT": ("65535", "65536"),
    "UDINT": ("4294967295", "4294967296"),
    "ULINT": ("18446744073709551615", "18446744073709551616"),
    "BYTE": ("255", "256", "16#100"),
    "WORD": ("65535", "16#FFFF", "16#10000"),
    "DWORD": ("4294967295", "16#FFFFFFFF"),
    "LWORD": ("16#FFFFFFFFFFFFFFFF",),
}
OTHER_LITERALS = {
    "BOOL": [
        "TRUE", "FALSE", "true", "1", "0", "2", "BOOL#TRUE", "BOOL#1", "INT#1", "yes", "T",
    ],
    "REAL": [
        "1.5", "-2.25", "5", "1e3", "1.0E-3", "REAL#1.5", "LREAL#1.5", "INT#5", "DINT#7",
        "1.5e39", "3.4028235e38", "abc", "16#10", "REAL#-0.0",
    ],
    "LREAL": [
        "0.1", "5", "1e300", "-1.5E-10", "LREAL#2.5", "REAL#2.5", "INT#5", "1e400", "abc",
        "LREAL#1", "1_000.5",
    ],
    "STRING": [
        "'abc'", "''", "'a$'b'", "'$$'", "'a''b'", "\"abc\"", "abc", "STRING#'x'",
        "'$41'", "'a<b>&c'", "WSTRING#\"w\"",
    ],
    "WSTRING": ['"abc"', '""', "'abc'", "abc", 'WSTRING#"x"', '"$"q"'],
    "TIME": [
        "T#1s", "TIME#1s500ms", "t#2m", "T#1h2m3s4ms", "T#-1s", "T#1.5s", "T#1d", "T#0s",
        "LT#1s", "1000", "T#1us", "T#5ns", "INT#5", "T#abc", "1s",
    ],
    "DATE_AND_TIME": [
        "DT#2024-01-02-03:04:05", "DATE_AND_TIME#2024-01-02-03:04:05.5",
        "DT#1970-01-01-00:00:00", "DT#2024-13-02-03:04:05", "2024-01-02-03:04:05",
    ],
    "DATE": ["D#2024-01-02", "DATE#2000-02-29", "D#2023-02-29", "2024-01-02"],
    "TIME_OF_DAY": ["TOD#12:34:56", "TIME_OF_DAY#23:59:59.999", "TOD#24:00:00", "12:00:00"],
}  # fmt: skip


_SYNTAX = (("+5", "5"), (" 5", "5"), ("int#5", "5"), ("1_000", "1000"))

#: Where fbrt answers otherwise on purpose (``differences.DELIBERATE``):
#: (type, literal) -> (difference, what a watch then shows; None: fbrt refuses the literal).
FBRT_LITERALS: dict[tuple[str, str], tuple[str, str | None]] = {
    **{
        (type_name, literal): ("literal-syntax", shown)
        for type_name in RANGES
        for literal, shown in _SYNTAX
        if not (literal == "1_000" and type_name in ("SINT", "USINT", "BYTE"))
    },
    ("REAL", "INT#5"): ("literal-widening", "5.0"),
    ("LREAL", "REAL#2.5"): ("literal-widening", "2.5"),
    ("LREAL", "INT#5"): ("literal-widening", "5.0"),
    ("LREAL", "1_000.5"): ("literal-syntax", "1000.5"),
    ("STRING", '"abc"'): ("literal-syntax", "'abc'"),
    ("STRING", "abc"): ("literal-syntax", "'abc'"),
    ("WSTRING", "'abc'"): ("literal-syntax", '"abc"'),
    ("TIME", "T#1.5s"): ("literal-syntax", "T#1s500ms"),
    ("TIME", "1s"): ("literal-syntax", "T#1s"),
    ("DATE_AND_TIME", "DT#2024-13-02-03:04:05"): ("literal-invalid", None),
    ("DATE", "D#2023-02-29"): ("literal-invalid", None),
    ("TIME_OF_DAY", "TOD#24:00:00"): ("literal-invalid", None),
}
#: How a watch shows the first value of a list, where fbrt keeps it after refusing a literal.
BASELINE_SHOWN = {
    "DATE_AND_TIME": "DT#2024-01-02-03:04:05.000",
    "DATE": "D#2024-01-02",
    "TIME_OF_DAY": "TOD#12:34:56.000",
}


def literals() -> Script:
    s = Script(
        "Typed and untyped literals written to a pin of each type, each read back through a\n"
        "watch (FORTE's READ fails on any value of 8 characters or more); READ too for the\n"
        "first. One resource per type, so that each READ of the watches shows one pin. Before\n"
        "each literal the pin gets the first value of its list again, and is read.",
        "qLit",
    )
    for number, (type_name, fb_type, pin) in enumerate(TYPED_PINS):
        fb = f"qLit{number}"
        if number:
            s.resource(f"qLitRes{number}")
        s.comment(f"{type_name}: {fb_type}.{pin}")
        s.create(fb, fb_type)
        s.watch(f"{fb}.{pin}")
        values = OTHER_LITERALS.get(type_name)
        if values is None:
            values = INTEGER_LITERALS + list(RANGES[type_name])
        baseline = values[0]
        s.write(baseline, f"{fb}.{pin}")
        s.read_watches()
        s.read(f"{fb}.{pin}")
        for value in values[1:]:
            s.write(value, f"{fb}.{pin}")
            differs = FBRT_LITERALS.get((type_name, value))
            if differs is not None:
                name, shown = differs
                s.fbrt(name, s.write_reply(refused=shown is None))
            s.read_watches()
            if differs is not None:
                name, shown = differs
                watched = (fb, pin, shown or BASELINE_SHOWN[type_name])
                s.fbrt(name, s.watches_reply(*watched))
            s.write(baseline, f"{fb}.{pin}")
            s.read_watches()
    return s


# -- functions: IEC 61131-3 functions as FORTE builds them in --------------------------------

Case = tuple[str, dict[str, str], Sequence[str]]

#: Where fbrt answers otherwise on purpose (``differences.DELIBERATE``), by the case's
#: type and inputs: (difference, inputs fbrt accepts where FORTE refuses them, the outputs as
#: fbrt's watch shows them).
FBRT_FUNCTIONS: dict[tuple[str, str], tuple[str, Sequence[str], dict[str, str]]] = {
    ("F_ADD", "IN1=5 IN2=7"): ("untyped-any", ("IN1", "IN2"), {"OUT": "DINT#12"}),
    ("F_EQ", "IN1='abc' IN2=STRING#'abc'"): ("untyped-any", ("IN1",), {"OUT": "TRUE"}),
    ("F_SQRT", "IN=LREAL#-1"): ("nan-text", (), {"OUT": "LREAL#nan"}),
    ("F_TRUNC", "IN=REAL#2.7"): ("any-int-output", (), {"OUT": "INT#2"}),
    ("F_TRUNC", "IN=LREAL#-2.7"): ("any-int-output", (), {"OUT": "INT#-2"}),
    ("F_LEN", "IN=STRING#'hello'"): ("any-int-output", (), {"OUT": "INT#5"}),
    ("F_FIND", "IN1=STRING#'hello' IN2=STRING#'ll'"): ("any-int-output", (), {"OUT": "INT#3"}),
    ("F_ADD_TOD_TIME", "IN1=TOD#23:00:00 IN2=T#2h"): ("tod-wrap", (), {"OUT": "TOD#01:00:00.000"}),
    ("F_CONCAT_DATE_TOD", "IN1=D#2024-03-01 IN2=TOD#12:00:00"): (
        "forte-function-bug",
        (),
        {"OUT": "DT#2024-03-01-12:00:00.000"},
    ),
    ("SPLIT_DWORD_INTO_WORDS", "IN=16#12345678"): (
        "forte-function-bug",
        (),
        {"WORD_00": "22136", "WORD_01": "4660"},
    ),
}


def _case_key(fb_type: str, inputs: dict[str, str]) -> tuple[str, str]:
    return fb_type, " ".join(f"{k}={v}" for k, v in inputs.items())


FUNCTIONS: list[Case] = [
    # arithmetic
    ("F_ADD", {"IN1": "INT#5", "IN2": "INT#7"}, ["OUT"]),
    ("F_ADD", {"IN1": "SINT#100", "IN2": "SINT#100"}, ["OUT"]),
    ("F_ADD", {"IN1": "DINT#2147483647", "IN2": "DINT#1"}, ["OUT"]),
    ("F_ADD", {"IN1": "REAL#1.5", "IN2": "REAL#2.25"}, ["OUT"]),
    ("F_ADD", {"IN1": "LREAL#0.1", "IN2": "LREAL#0.2"}, ["OUT"]),
    ("F_ADD", {"IN1": "INT#5", "IN2": "DINT#7"}, ["OUT"]),
    ("F_ADD", {"IN1": "UINT#5", "IN2": "INT#7"}, ["OUT"]),
    ("F_ADD", {"IN1": "T#1s", "IN2": "T#500ms"}, ["OUT"]),
    ("F_ADD", {"IN1": "5", "IN2": "7"}, ["OUT"]),
    ("F_SUB", {"IN1": "INT#5", "IN2": "INT#7"}, ["OUT"]),
    ("F_SUB", {"IN1": "USINT#0", "IN2": "USINT#1"}, ["OUT"]),
    ("F_SUB", {"IN1": "LREAL#1.0", "IN2": "LREAL#0.9"}, ["OUT"]),
    ("F_MUL", {"IN1": "INT#300", "IN2": "INT#300"}, ["OUT"]),
    ("F_MUL", {"IN1": "DINT#300", "IN2": "DINT#300"}, ["OUT"]),
    ("F_MUL", {"IN1": "REAL#1.5", "IN2": "REAL#4"}, ["OUT"]),
    ("F_DIV", {"IN1": "INT#7", "IN2": "INT#2"}, ["OUT"]),
    ("F_DIV", {"IN1": "INT#-7", "IN2": "INT#2"}, ["OUT"]),
    ("F_DIV", {"IN1": "INT#7", "IN2": "INT#0"}, ["OUT"]),
    ("F_DIV", {"IN1": "LREAL#1", "IN2": "LREAL#3"}, ["OUT"]),
    ("F_DIV", {"IN1": "REAL#1", "IN2": "REAL#0"}, ["OUT"]),
    ("F_MOD", {"IN1": "INT#7", "IN2": "INT#3"}, ["OUT"]),
    ("F_MOD", {"IN1": "INT#-7", "IN2": "INT#3"}, ["OUT"]),
    ("F_MOD", {"IN1": "DINT#7", "IN2": "DINT#0"}, ["OUT"]),
    ("F_EXPT", {"IN1": "REAL#2", "IN2": "REAL#10"}, ["OUT"]),
    ("F_ABS", {"IN": "INT#-5"}, ["OUT"]),
    ("F_ABS", {"IN": "SINT#-128"}, ["OUT"]),
    ("F_ABS", {"IN": "REAL#-1.5"}, ["OUT"]),
    ("F_SQRT", {"IN": "REAL#2"}, ["OUT"]),
    ("F_SQRT", {"IN": "LREAL#16"}, ["OUT"]),
    ("F_SQRT", {"IN": "LREAL#-1"}, ["OUT"]),
    ("F_LN", {"IN": "LREAL#1"}, ["OUT"]),
    ("F_LOG", {"IN": "REAL#100"}, ["OUT"]),
    ("F_EXP", {"IN": "LREAL#0"}, ["OUT"]),
    ("F_SIN", {"IN": "LREAL#0"}, ["OUT"]),
    ("F_COS", {"IN": "REAL#0"}, ["OUT"]),
    ("F_TRUNC", {"IN": "REAL#2.7"}, ["OUT"]),
    ("F_TRUNC", {"IN": "LREAL#-2.7"}, ["OUT"]),
    ("F_MAX", {"IN1": "INT#3", "IN2": "INT#9"}, ["OUT"]),
    ("F_MIN", {"IN1": "REAL#3.5", "IN2": "REAL#-9"}, ["OUT"]),
    ("F_LIMIT", {"MN": "INT#0", "IN": "INT#15", "MX": "INT#10"}, ["OUT"]),
    ("F_LIMIT", {"MN": "INT#0", "IN": "INT#-3", "MX": "INT#10"}, ["OUT"]),
    ("F_MULTIME", {"IN1": "T#1s", "IN2": "INT#3"}, ["OUT"]),
    ("F_DIVTIME", {"IN1": "T#1s", "IN2": "INT#4"}, ["OUT"]),
    # comparison
    ("F_GT", {"IN1": "INT#5", "IN2": "INT#3"}, ["OUT"]),
    ("F_GT", {"IN1": "REAL#1.5", "IN2": "REAL#1.5"}, ["OUT"]),
    ("F_GE", {"IN1": "REAL#1.5", "IN2": "REAL#1.5"}, ["OUT"]),
    ("F_LT", {"IN1": "T#1s", "IN2": "T#2s"}, ["OUT"]),
    ("F_LE", {"IN1": "UINT#7", "IN2": "UINT#6"}, ["OUT"]),
    ("F_EQ", {"IN1": "INT#5", "IN2": "INT#5"}, ["OUT"]),
    ("F_EQ", {"IN1": "INT#5", "IN2": "DINT#5"}, ["OUT"]),
    ("F_EQ", {"IN1": "STRING#'abc'", "IN2": "STRING#'abc'"}, ["OUT"]),
    ("F_EQ", {"IN1": "BOOL#TRUE", "IN2": "BOOL#FALSE"}, ["OUT"]),
    ("F_NE", {"IN1": "STRING#'abc'", "IN2": "STRING#'abd'"}, ["OUT"]),
    ("F_GT", {"IN1": "STRING#'b'", "IN2": "STRING#'abc'"}, ["OUT"]),
    ("F_EQ", {"IN1": "'abc'", "IN2": "STRING#'abc'"}, ["OUT"]),
    # selection
    ("F_SEL", {"G": "TRUE", "IN0": "INT#1", "IN1": "INT#2"}, ["OUT"]),
    ("F_SEL", {"G": "FALSE", "IN0": "STRING#'zero'", "IN1": "STRING#'one'"}, ["OUT"]),
    ("F_MUX_2", {"K": "UINT#1", "IN1": "INT#10", "IN2": "INT#20"}, ["OUT"]),
    ("F_MUX_2", {"K": "UINT#0", "IN1": "INT#10", "IN2": "INT#20"}, ["OUT"]),
    ("F_MUX_2", {"K": "UINT#2", "IN1": "INT#10", "IN2": "INT#20"}, ["OUT"]),
    ("F_MOVE", {"IN": "LREAL#2.5"}, ["OUT"]),
    ("F_MOVE", {"IN": "T#3s"}, ["OUT"]),
    # bit strings
    ("F_AND", {"IN1": "BYTE#16#F0", "IN2": "BYTE#16#3C"}, ["OUT"]),
    ("F_OR", {"IN1": "WORD#16#F000", "IN2": "WORD#16#000F"}, ["OUT"]),
    ("F_XOR", {"IN1": "BOOL#TRUE", "IN2": "BOOL#TRUE"}, ["OUT"]),
    ("F_NOT", {"IN": "BOOL#FALSE"}, ["OUT"]),
    ("F_NOT", {"IN": "BYTE#16#0F"}, ["OUT"]),
    ("F_SHL", {"IN": "BYTE#16#81", "N": "UINT#1"}, ["OUT"]),
    ("F_SHR", {"IN": "WORD#16#8001", "N": "UINT#4"}, ["OUT"]),
    ("F_ROL", {"IN": "BYTE#16#81", "N": "UINT#1"}, ["OUT"]),
    ("F_ROR", {"IN": "BYTE#16#81", "N": "UINT#1"}, ["OUT"]),
    # type conversions
    ("F_REAL_TO_INT", {"IN": "2.5"}, ["OUT"]),
    ("F_REAL_TO_INT", {"IN": "3.5"}, ["OUT"]),
    ("F_REAL_TO_INT", {"IN": "-2.5"}, ["OUT"]),
    ("F_REAL_TO_INT", {"IN": "1.7"}, ["OUT"]),
    ("F_REAL_TO_INT", {"IN": "40000.0"}, ["OUT"]),
    ("F_LREAL_TO_DINT", {"IN": "-1.2"}, ["OUT"]),
    ("F_INT_TO_REAL", {"IN": "-7"}, ["OUT"]),
    ("F_DINT_TO_INT", {"IN": "70000"}, ["OUT"]),
    ("F_UINT_TO_INT", {"IN": "65535"}, ["OUT"]),
    ("F_INT_TO_UINT", {"IN": "-1"}, ["OUT"]),
    ("F_BOOL_TO_INT", {"IN": "TRUE"}, ["OUT"]),
    ("F_BYTE_TO_WORD", {"IN": "16#AB"}, ["OUT"]),
    ("F_WORD_TO_BYTE", {"IN": "16#ABCD"}, ["OUT"]),
    ("F_LREAL_TO_REAL", {"IN": "0.1"}, ["OUT"]),
    ("F_TIME_IN_MS_TO_DINT", {"IN": "T#1s500ms"}, ["OUT"]),
    ("F_INT_AS_STRING", {"IN": "-42"}, ["OUT"]),
    ("F_STRING_AS_INT", {"IN": "'42'"}, ["OUT"]),
    ("F_BYTE_BCD_TO_USINT", {"IN": "16#42"}, ["OUT"]),
    ("F_USINT_TO_BCD_BYTE", {"IN": "42"}, ["OUT"]),
    ("F_DT_TO_DATE", {"IN": "DT#2024-05-06-07:08:09"}, ["OUT"]),
    ("F_DT_TO_TOD", {"IN": "DT#2024-05-06-07:08:09"}, ["OUT"]),
    ("F_ADD_TOD_TIME", {"IN1": "TOD#23:00:00", "IN2": "T#2h"}, ["OUT"]),
    ("F_SUB_DATE_DATE", {"IN1": "D#2024-03-01", "IN2": "D#2024-02-01"}, ["OUT"]),
    ("F_CONCAT_DATE_TOD", {"IN1": "D#2024-03-01", "IN2": "TOD#12:00:00"}, ["OUT"]),
    # strings
    ("F_CONCAT", {"IN1": "STRING#'ab'", "IN2": "STRING#'cd'"}, ["OUT"]),
    ("F_CONCAT", {"IN1": 'WSTRING#"ab"', "IN2": 'WSTRING#"cd"'}, ["OUT"]),
    ("F_LEN", {"IN": "STRING#'hello'"}, ["OUT"]),
    ("F_LEFT", {"IN": "STRING#'hello'", "L": "UINT#2"}, ["OUT"]),
    ("F_RIGHT", {"IN": "STRING#'hello'", "L": "UINT#3"}, ["OUT"]),
    ("F_MID", {"IN": "STRING#'hello'", "L": "UINT#2", "P": "UINT#2"}, ["OUT"]),
    ("F_FIND", {"IN1": "STRING#'hello'", "IN2": "STRING#'ll'"}, ["OUT"]),
    ("F_INSERT", {"IN1": "STRING#'held'", "IN2": "STRING#'lo wor'", "P": "UINT#3"}, ["OUT"]),
    ("F_DELETE", {"IN": "STRING#'hello'", "L": "UINT#2", "P": "UINT#2"}, ["OUT"]),
    (
        "F_REPLACE",
        {"IN1": "STRING#'hello'", "IN2": "STRING#'XY'", "L": "UINT#2", "P": "UINT#2"},
        ["OUT"],
    ),
    # assembling and splitting bit strings
    ("ASSEMBLE_WORD_FROM_BOOLS", {"BIT_00": "TRUE", "BIT_15": "TRUE"}, [""]),
    ("SPLIT_WORD_INTO_BOOLS", {"IN": "16#8001"}, ["BIT_00", "BIT_01", "BIT_15"]),
    ("ASSEMBLE_WORD_FROM_BYTES", {"BYTE_00": "16#CD", "BYTE_01": "16#AB"}, [""]),
    ("SPLIT_WORD_INTO_BYTES", {"IN": "16#ABCD"}, ["BYTE_00", "BYTE_01"]),
    ("ASSEMBLE_DWORD_FROM_WORDS", {"WORD_00": "16#5678", "WORD_01": "16#1234"}, [""]),
    ("SPLIT_DWORD_INTO_WORDS", {"IN": "16#12345678"}, ["WORD_00", "WORD_01"]),
    ("SPLIT_BYTE_INTO_QUARTERS", {"IN": "2#11100100"}, ["QUARTER_BYTE_00", "QUARTER_BYTE_03"]),
    ("ASSEMBLE_BYTE_FROM_QUARTERS", {"QUARTER_BYTE_00": "1", "QUARTER_BYTE_03": "3"}, [""]),
]

#: X2X blocks: IN -> OUT, one value each.
CONVERT = [
    ("BOOL2BOOL", "TRUE"),
    ("SINT2SINT", "-100"),
    ("INT2INT", "INT#-300"),
    ("DINT2DINT", "DINT#26"),
    ("USINT2USINT", "200"),
    ("UINT2UINT", "INT#5"),
    ("UDINT2UDINT", "4000000000"),
    ("BYTE2BYTE", "16#7F"),
    ("WORD2WORD", "WORD#16#BEEF"),
    ("DWORD2DWORD", "16#DEADBEEF"),
    ("REAL2REAL", "3.25"),
    ("LREAL2LREAL", "-0.5"),
    ("STRING2STRING", "'text'"),
    ("WSTRING2WSTRING", '"wide"'),
    ("TIME2TIME", "T#1m30s"),
]


def _add_cases(s: Script, prefix: str, cases: Sequence[Case]) -> None:
    """Everything created and written first, then the resource started, as the IDE deploys
    (FORTE leaves an FB created in a running resource idle until it is started itself)."""
    for number, (fb_type, inputs, _) in enumerate(cases):
        fb = f"{prefix}{number}"
        differs = FBRT_FUNCTIONS.get(_case_key(fb_type, inputs))
        s.comment(" ".join(_case_key(fb_type, inputs)))
        s.create(fb, fb_type)
        for pin, value in inputs.items():
            s.write(value, f"{fb}.{pin}")
            if differs is not None and pin in differs[1]:
                s.fbrt(differs[0], s.write_reply(refused=False))
    s.request("START", "")
    for number, (fb_type, inputs, outputs) in enumerate(cases):
        fb = f"{prefix}{number}"
        differs = FBRT_FUNCTIONS.get(_case_key(fb_type, inputs))
        s.comment(fb_type)
        for pin in outputs:
            s.watch(f"{fb}.{pin}")
        s.write("$e", f"{fb}.REQ")
        s.lines.append("!wait 0.05")
        s.read_watches()
        if differs is not None:
            s.fbrt(differs[0], s.watches_reply_of(fb, differs[2]))
        for pin in outputs:
            s.read(f"{fb}.{pin}")
            if differs is not None:
                s.fbrt(differs[0], s.read_reply(f"{fb}.{pin}", differs[2][pin]))
        for pin in outputs:
            s.request("DELETE", f'<Watch Source="{fb}.{pin}" Destination="*" />')


def functions() -> Script:
    s = Script(
        "IEC 61131-3 functions built into FORTE: arithmetic, comparison, selection, bit\n"
        "strings, conversions, strings, assembling and splitting; inputs written as typed\n"
        "literals, REQ triggered, outputs READ.",
        "qFun",
    )
    _add_cases(s, "qFn", FUNCTIONS)
    return s


def convert() -> Script:
    s = Script("The CONVERT module's X2X blocks: IN written, REQ triggered, OUT read.", "qConv")
    cases: list[Case] = [(fb_type, {"IN": value}, ["OUT"]) for fb_type, value in CONVERT]
    _add_cases(s, "qCv", cases)
    return s


if __name__ == "__main__":
    literals().save("literals")
    functions().save("functions")
    convert().save("convert")
