"""Recursive-descent parser from tokens to the syntax tree in ``nodes``.

Operator precedence follows the 4diac IDE grammar (STCore.xtext), loosest first: OR, XOR,
AND/&, = <>, < > <= >=, + -, * / MOD, **, unary - + NOT, then selection (``.m``, ``[i]``, calls,
partial bit access). Note that ``-2 ** 2`` is therefore ``(-2) ** 2`` as in 4diac.
"""

from __future__ import annotations

from . import nodes as n
from .errors import STError
from .lexer import Token, tokenize
from .limits import MAX_NESTING

_SECTIONS = frozenset({"VAR", "VAR_TEMP", "VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT"})
# (token kind, text) -> binding level, loosest first: OR, XOR, AND/&, = <>, < > <= >=, + -,
# * / MOD, **.
_LEVEL_OF: dict[tuple[str, str], int] = {
    ("kw", "OR"): 0,
    ("kw", "XOR"): 1,
    ("kw", "AND"): 2,
    ("op", "&"): 2,
    **{("op", op): 3 for op in ("=", "<>")},
    **{("op", op): 4 for op in ("<", ">", "<=", ">=")},
    **{("op", op): 5 for op in ("+", "-")},
    ("op", "*"): 6,
    ("op", "/"): 6,
    ("kw", "MOD"): 6,
    ("op", "**"): 7,
}
_STMT_END = frozenset(
    {"END_IF", "ELSIF", "ELSE", "END_CASE", "END_FOR", "END_WHILE", "UNTIL", "END_REPEAT"}
)


class Parser:
    def __init__(self, text: str, *, origin: str = "", line_offset: int = 0, algorithm: str = ""):
        self.origin = origin
        self.line_offset = line_offset
        self.algorithm = algorithm
        self.tokens = tokenize(text, origin=origin, line_offset=line_offset, algorithm=algorithm)
        self.pos = 0
        self.depth = 0  # nesting of statements and sub-expressions, bounded by MAX_NESTING

    # --- token helpers ---------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def error(self, message: str, tok: Token | None = None) -> STError:
        t = tok or self.tok
        return STError(
            message,
            origin=self.origin,
            line=t.line + self.line_offset,
            column=t.col,
            algorithm=self.algorithm,
        )

    def _describe(self, tok: Token) -> str:
        return "end of text" if tok.kind == "eof" else repr(tok.value)

    def at_kw(self, *words: str) -> bool:
        t = self.tok
        return t.kind == "kw" and t.value in words

    def at_op(self, *ops: str) -> bool:
        t = self.tok
        return t.kind == "op" and t.value in ops

    def _next_is(self, op: str) -> bool:
        nxt = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else self.tok
        return nxt.kind == "op" and nxt.value == op

    def advance(self) -> Token:
        t = self.tokens[self.pos]
        if t.kind != "eof":
            self.pos += 1
        return t

    def expect_kw(self, word: str) -> Token:
        if not self.at_kw(word):
            raise self.error(f"expected {word} but found {self._describe(self.tok)}")
        return self.advance()

    def expect_op(self, op: str) -> Token:
        if not self.at_op(op):
            raise self.error(f"expected '{op}' but found {self._describe(self.tok)}")
        return self.advance()

    def expect_ident(self, what: str = "a name") -> Token:
        t = self.tok
        if t.kind != "ident":
            raise self.error(f"expected {what} but found {self._describe(t)}")
        return self.advance()

    # --- units -----------------------------------------------------------------------------

    def parse_body(self) -> n.Body:
        """An algorithm: bare statements, or ``ALGORITHM X [VAR_TEMP..] .. END_ALGORITHM``."""
        first = self.tok
        name: str | None = None
        wrapped = self.at_kw("ALGORITHM")
        if wrapped:
            self.advance()
            name = self.expect_ident("the algorithm name").value
        decls = self.parse_decl_sections()
        statements = self.parse_statements()
        if wrapped:
            self.expect_kw("END_ALGORITHM")
            if self.at_op(";"):
                self.advance()
        if self.tok.kind != "eof":
            raise self.error(f"unexpected {self._describe(self.tok)}")
        return n.Body(first.line, first.col, name, decls, statements)

    def parse_expression_only(self) -> n.Expr:
        expr = self.parse_expr()
        if self.tok.kind != "eof":
            raise self.error(f"unexpected {self._describe(self.tok)} after the expression")
        return expr

    def parse_function(self) -> n.FunctionUnit:
        first = self.tok
        package: str | None = None
        if self.at_kw("PACKAGE"):
            self.advance()
            package = self.expect_ident("a package name").value
            self.expect_op(";")
        while self.at_kw("USES", "IMPORT"):
            self.advance()
            self.expect_ident("an imported name")
            self.expect_op(";")
        self.expect_kw("FUNCTION")
        name = self.expect_ident("the function name").value
        return_type: n.TypeSpec | None = None
        if self.at_op(":"):
            self.advance()
            return_type = self.parse_type_spec()
        decls = self.parse_decl_sections()
        statements = self.parse_statements()
        self.expect_kw("END_FUNCTION")
        if self.at_op(";"):
            self.advance()
        if self.tok.kind != "eof":
            raise self.error(f"unexpected {self._describe(self.tok)} after END_FUNCTION")
        return n.FunctionUnit(first.line, first.col, package, name, return_type, decls, statements)

    def parse_decl_sections(self) -> list[n.VarDecl]:
        decls: list[n.VarDecl] = []
        while self.tok.kind == "kw" and self.tok.value in _SECTIONS:
            section = self.advance().value
            constant = False
            if self.at_kw("CONSTANT"):
                self.advance()
                constant = True
            while not self.at_kw("END_VAR"):
                decls.extend(self.parse_var_decl(section, constant))
            self.advance()
            if self.at_op(";"):
                self.advance()
        return decls

    def parse_var_decl(self, section: str, constant: bool) -> list[n.VarDecl]:
        names = [self.expect_ident("a variable name or END_VAR")]
        while self.at_op(","):
            self.advance()
            names.append(self.expect_ident("a variable name"))
        self.expect_op(":")
        spec = self.parse_type_spec()
        init: n.Expr | None = None
        if self.at_op(":="):
            self.advance()
            init = self.parse_initializer()
        self.expect_op(";")
        return [n.VarDecl(t.line, t.col, t.value, spec, init, section, constant) for t in names]

    def parse_type_spec(self) -> n.TypeSpec:
        t = self.tok
        if self.at_kw("ARRAY"):
            self.advance()
            self.expect_op("[")
            ranges: list[tuple[n.Expr, n.Expr]] = []
            dynamic = False
            while True:
                if self.at_op("*"):
                    self.advance()
                    dynamic = True
                else:
                    low = self.parse_expr()
                    self.expect_op("..")
                    ranges.append((low, self.parse_expr()))
                if not self.at_op(","):
                    break
                self.advance()
            self.expect_op("]")
            self.expect_kw("OF")
            element = self.parse_type_spec()
            return n.TypeSpec(t.line, t.col, element.name, ranges, dynamic, element.length)
        name = self.expect_ident("a type name").value
        length: n.Expr | None = None
        if self.at_op("["):
            self.advance()
            length = self.parse_expr()
            self.expect_op("]")
        return n.TypeSpec(t.line, t.col, name, None, False, length)

    def parse_initializer(self) -> n.Expr:
        t = self.tok
        if self.at_op("["):
            self.advance()
            items: list[tuple[n.Expr, n.Expr | None]] = []
            while not self.at_op("]"):
                value = self.parse_expr()
                repeat: n.Expr | None = None
                if self.at_op("("):
                    self.advance()
                    repeat, value = value, self.parse_initializer()
                    self.expect_op(")")
                items.append((value, repeat))
                if not self.at_op(","):
                    break
                self.advance()
            self.expect_op("]")
            return n.ArrayInit(t.line, t.col, items)
        return self.parse_expr()

    # --- statements ------------------------------------------------------------------------

    def parse_statements(self) -> list[n.Stmt]:
        self._enter(self.tok)
        try:
            return self._statements()
        finally:
            self.depth -= 1

    def _statements(self) -> list[n.Stmt]:
        out: list[n.Stmt] = []
        while True:
            t = self.tok
            if t.kind == "eof":
                return out
            if t.kind == "kw" and (t.value in _STMT_END or t.value.startswith("END_")):
                return out
            if t.kind == "op" and t.value == ";":
                self.advance()
                continue
            if t.kind == "kw" and t.value in _SECTIONS:
                # VAR_TEMP inside a bare body (seen in real libraries): not allowed here
                raise self.error(f"{t.value} must come before the first statement")
            out.append(self.parse_statement())

    def _end(self) -> None:
        if not self.at_op(";"):
            raise self.error(f"expected ';' but found {self._describe(self.tok)}")
        self.advance()

    def parse_statement(self) -> n.Stmt:
        t = self.tok
        if t.kind == "kw":
            word = t.value
            if word == "IF":
                return self.parse_if()
            if word == "CASE":
                return self.parse_case()
            if word == "FOR":
                return self.parse_for()
            if word == "WHILE":
                self.advance()
                cond = self.parse_expr()
                self.expect_kw("DO")
                body = self.parse_statements()
                self.expect_kw("END_WHILE")
                self._end()
                return n.While(t.line, t.col, cond, body)
            if word == "REPEAT":
                self.advance()
                body = self.parse_statements()
                self.expect_kw("UNTIL")
                cond = self.parse_expr()
                self.expect_kw("END_REPEAT")
                self._end()
                return n.Repeat(t.line, t.col, body, cond)
            if word in ("EXIT", "CONTINUE", "RETURN"):
                self.advance()
                self._end()
                cls = {"EXIT": n.Exit, "CONTINUE": n.Continue, "RETURN": n.Return}[word]
                return cls(t.line, t.col)
        target = self.parse_expr()
        if self.at_op(":="):
            self.advance()
            value = self.parse_expr()
            self._end()
            return n.Assign(t.line, t.col, target, value)
        if isinstance(target, n.Call):
            self._end()
            return n.CallStmt(t.line, t.col, target)
        if isinstance(target, n.Binary) and target.op == "=":
            raise STError(
                "expected ':=' for an assignment, found '='",
                origin=self.origin,
                line=target.line + self.line_offset,
                column=target.col,
                algorithm=self.algorithm,
            )
        raise self.error(f"expected ':=' but found {self._describe(self.tok)}")

    def parse_if(self) -> n.If:
        t = self.advance()
        branches: list[tuple[n.Expr, list[n.Stmt]]] = []
        cond = self.parse_expr()
        self.expect_kw("THEN")
        branches.append((cond, self.parse_statements()))
        orelse: list[n.Stmt] | None = None
        while True:
            if self.at_kw("ELSIF"):
                self.advance()
                cond = self.parse_expr()
                self.expect_kw("THEN")
                branches.append((cond, self.parse_statements()))
            elif self.at_kw("ELSE"):
                self.advance()
                orelse = self.parse_statements()
                self.expect_kw("END_IF")
                break
            else:
                self.expect_kw("END_IF")
                break
        self._end()
        return n.If(t.line, t.col, branches, orelse)

    def parse_case(self) -> n.Case:
        t = self.advance()
        selector = self.parse_expr()
        self.expect_kw("OF")
        clauses: list[n.CaseClause] = []
        orelse: list[n.Stmt] | None = None
        while not self.at_kw("END_CASE"):
            if self.at_kw("ELSE"):
                self.advance()
                orelse = self.parse_statements()
                break
            start = self.tok
            labels = [self.parse_case_label()]
            while self.at_op(","):
                self.advance()
                labels.append(self.parse_case_label())
            self.expect_op(":")
            body = self.parse_case_body()
            clauses.append(n.CaseClause(start.line, start.col, labels, body))
        self.expect_kw("END_CASE")
        self._end()
        return n.Case(t.line, t.col, selector, clauses, orelse)

    def parse_case_label(self) -> n.Expr:
        low = self.parse_expr()
        if self.at_op(".."):
            self.advance()
            return n.Range(low.line, low.col, low, self.parse_expr())
        return low

    def parse_case_body(self) -> list[n.Stmt]:
        """Statements up to the next label (``expr [, expr] :``), ELSE or END_CASE."""
        self._enter(self.tok)
        try:
            return self._case_body()
        finally:
            self.depth -= 1

    def _case_body(self) -> list[n.Stmt]:
        out: list[n.Stmt] = []
        while True:
            t = self.tok
            if t.kind == "eof" or (t.kind == "kw" and t.value in ("ELSE", "END_CASE")):
                return out
            if t.kind == "op" and t.value == ";":
                self.advance()
                continue
            if self._at_case_label():
                return out
            out.append(self.parse_statement())

    def _at_case_label(self) -> bool:
        """Look ahead: a label list ends in ':' at nesting depth 0 before any ':=' or ';'."""
        depth = 0
        i = self.pos
        tokens = self.tokens
        while True:
            t = tokens[i]
            if t.kind == "eof":
                return False
            if t.kind == "kw" and t.value not in (
                "TRUE",
                "FALSE",
                "NOT",
                "AND",
                "OR",
                "XOR",
                "MOD",
            ):
                return False
            if t.kind == "op":
                v = t.value
                if v in ("(", "["):
                    depth += 1
                elif v in (")", "]"):
                    depth -= 1
                elif v in (":=", ";", "=>"):
                    return False
                elif v == ":" and depth == 0:
                    return True
            i += 1

    def parse_for(self) -> n.For:
        t = self.advance()
        var = self.parse_expr()
        if not isinstance(var, n.Name):
            raise self.error("FOR needs a plain variable as its counter", t)
        self.expect_op(":=")
        start = self.parse_expr()
        self.expect_kw("TO")
        stop = self.parse_expr()
        step: n.Expr | None = None
        if self.at_kw("BY"):
            self.advance()
            step = self.parse_expr()
        self.expect_kw("DO")
        body = self.parse_statements()
        self.expect_kw("END_FOR")
        self._end()
        return n.For(t.line, t.col, var, start, stop, step, body)

    # --- expressions -----------------------------------------------------------------------

    def parse_expr(self) -> n.Expr:
        """An expression, by precedence climbing: one Python frame per nesting level, not one
        per precedence level, so the nesting limit below is what bounds the recursion."""
        self._enter(self.tok)
        try:
            return self._binary(0)
        finally:
            self.depth -= 1

    def _binary(self, min_level: int) -> n.Expr:
        left = self.parse_unary()
        while True:
            t = self.tok
            level = _LEVEL_OF.get((t.kind, t.value), -1)
            if level < min_level:
                return left
            self.advance()
            op = "AND" if t.value == "&" else t.value
            # every binary operator of ST is left-associative: the right operand binds tighter
            left = n.Binary(t.line, t.col, op, left, self._binary(level + 1))

    def _enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(
                f"statements and expressions nested too deeply: more than {MAX_NESTING} levels "
                "(split the code with temporary variables)",
                tok,
            )

    def parse_unary(self) -> n.Expr:
        t = self.tok
        if self.at_op("-", "+") or self.at_kw("NOT"):
            self.advance()
            self._enter(t)
            try:
                operand = self.parse_unary()
            finally:
                self.depth -= 1
            op = t.value
            if op == "-" and isinstance(operand, n.Literal) and operand.kind in ("int", "real"):
                return n.Literal(t.line, t.col, operand.kind, "-" + operand.text)
            return n.Unary(t.line, t.col, op, operand)
        return self.parse_selection()

    def parse_selection(self) -> n.Expr:
        expr = self.parse_atom()
        while True:
            t = self.tok
            if t.kind == "op" and t.value == ".":
                self.advance()
                nt = self.tok
                if nt.kind == "int":
                    self.advance()
                    expr = n.BitAccess(t.line, t.col, expr, "X", int(nt.value.replace("_", "")))
                    continue
                if nt.kind == "kw":  # member names that look like keywords are not allowed
                    raise self.error(f"expected a member name but found {nt.value!r}")
                name = self.expect_ident("a member name").value
                expr = n.Member(t.line, t.col, expr, name)
            elif t.kind == "bit":
                self.advance()
                expr = n.BitAccess(t.line, t.col, expr, t.value[0], int(t.value[1:]))
            elif t.kind == "op" and t.value == "[":
                self.advance()
                indices = [self.parse_expr()]
                while self.at_op(","):
                    self.advance()
                    indices.append(self.parse_expr())
                self.expect_op("]")
                expr = n.Index(t.line, t.col, expr, indices)
            elif t.kind == "op" and t.value == "(" and isinstance(expr, (n.Name, n.Member)):
                self.advance()
                expr = n.Call(expr.line, expr.col, expr, self.parse_args())
            else:
                return expr

    def parse_args(self) -> list[n.Arg]:
        args: list[n.Arg] = []
        if self.at_op(")"):
            self.advance()
            return args
        while True:
            t = self.tok
            nxt = self.tokens[self.pos + 1]
            if t.kind == "ident" and nxt.kind == "op" and nxt.value in (":=", "=>"):
                self.advance()
                self.advance()
                args.append(n.Arg(t.line, t.col, t.value, self.parse_expr(), nxt.value == "=>"))
            else:
                args.append(n.Arg(t.line, t.col, None, self.parse_expr()))
            if self.at_op(","):
                self.advance()
                continue
            self.expect_op(")")
            return args

    def parse_atom(self) -> n.Expr:
        t = self.tok
        k = t.kind
        if k == "ident":
            self.advance()
            return n.Name(t.line, t.col, t.value)
        if k in ("int", "real", "typed", "string", "wstring"):
            self.advance()
            return n.Literal(t.line, t.col, k, t.value)
        if k == "kw" and t.value in ("MOD", "AND", "OR", "XOR") and self._next_is("("):
            self.advance()  # function form of an operator: MOD(a, b), AND(a, b, c)
            return n.Name(t.line, t.col, t.value)
        if k == "kw" and t.value in ("TRUE", "FALSE"):
            self.advance()
            return n.Literal(t.line, t.col, "bool", t.value)
        if k == "op" and t.value == "(":
            self.advance()
            inner = self.parse_expr()
            self.expect_op(")")
            return inner
        if k == "op" and t.value == "[":
            return self.parse_initializer()
        if k == "eof":
            raise self.error("expression expected but the text ends")
        raise self.error(f"expression expected but found {self._describe(t)}")
