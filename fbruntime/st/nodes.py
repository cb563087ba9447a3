"""The syntax tree the parser builds and the code generator walks.

Every node records the line and column where it starts (lines counted inside the algorithm text;
the caller's line offset is added only when an error is reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Node:
    line: int
    col: int


# --- expressions -----------------------------------------------------------------------------


@dataclass(slots=True)
class Expr(Node):
    pass


@dataclass(slots=True)
class Literal(Expr):
    """A literal as written; ``kind`` is int, real, bool, string, wstring, or typed (``T#1s``)."""

    kind: str
    text: str


@dataclass(slots=True)
class Name(Expr):
    """An identifier, possibly qualified with ``::`` (a package constant)."""

    name: str


@dataclass(slots=True)
class Member(Expr):
    base: Expr
    name: str


@dataclass(slots=True)
class Index(Expr):
    base: Expr
    indices: list[Expr]


@dataclass(slots=True)
class BitAccess(Expr):
    """Partial access ``x.%X3`` (size X, B, W, D or L) or the shortcut ``x.3``."""

    base: Expr
    size: str
    index: int


@dataclass(slots=True)
class Arg(Node):
    """A call argument: positional (name None), input ``p := e`` or output ``p => var``."""

    name: str | None
    value: Expr
    output: bool = False


@dataclass(slots=True)
class Call(Expr):
    func: Expr
    args: list[Arg]


@dataclass(slots=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(slots=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(slots=True)
class ArrayInit(Expr):
    """``[1, 2, 3(0)]`` in an initializer: each item is (value, repeat count or None)."""

    items: list[tuple[Expr, Expr | None]]


@dataclass(slots=True)
class Range(Expr):
    """``lo..hi`` as a CASE label."""

    low: Expr
    high: Expr


# --- declarations ---------------------------------------------------------------------------


@dataclass(slots=True)
class TypeSpec(Node):
    name: str
    ranges: list[tuple[Expr, Expr]] | None = None  # ARRAY [a..b, c..d] OF name
    dynamic: bool = False  # ARRAY [*] OF name
    length: Expr | None = None  # STRING[20]


@dataclass(slots=True)
class VarDecl(Node):
    name: str
    type: TypeSpec
    init: Expr | None
    section: str  # VAR, VAR_TEMP, VAR_INPUT, VAR_OUTPUT, VAR_IN_OUT
    constant: bool = False


# --- statements -----------------------------------------------------------------------------


@dataclass(slots=True)
class Stmt(Node):
    pass


@dataclass(slots=True)
class Assign(Stmt):
    target: Expr
    value: Expr


@dataclass(slots=True)
class CallStmt(Stmt):
    call: Call


@dataclass(slots=True)
class If(Stmt):
    branches: list[tuple[Expr, list[Stmt]]]
    orelse: list[Stmt] | None


@dataclass(slots=True)
class CaseClause(Node):
    labels: list[Expr]
    body: list[Stmt]


@dataclass(slots=True)
class Case(Stmt):
    selector: Expr
    clauses: list[CaseClause]
    orelse: list[Stmt] | None


@dataclass(slots=True)
class For(Stmt):
    var: Expr
    start: Expr
    stop: Expr
    step: Expr | None
    body: list[Stmt]


@dataclass(slots=True)
class While(Stmt):
    cond: Expr
    body: list[Stmt]


@dataclass(slots=True)
class Repeat(Stmt):
    body: list[Stmt]
    cond: Expr


@dataclass(slots=True)
class Exit(Stmt):
    pass


@dataclass(slots=True)
class Continue(Stmt):
    pass


@dataclass(slots=True)
class Return(Stmt):
    pass


# --- whole units ----------------------------------------------------------------------------


@dataclass(slots=True)
class Body(Node):
    """An algorithm body: its own temporaries and its statements."""

    name: str | None
    decls: list[VarDecl] = field(default_factory=list)
    statements: list[Stmt] = field(default_factory=list)


@dataclass(slots=True)
class FunctionUnit(Node):
    package: str | None
    name: str
    return_type: TypeSpec | None
    decls: list[VarDecl]
    statements: list[Stmt]
