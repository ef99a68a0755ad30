"""Hand-written precedence-climbing parser: tokens in, a `Query` syntax tree out.

Operators bind as the spec's table says (app/groq/precedence.py).
"""

from __future__ import annotations

from . import ast as A
from .errors import GroqSyntaxError
from .lexer import Token, tokenize
from .precedence import BINARY, KEYWORD_OPERATORS, POSTFIX_ORDER_LEVEL

DEFAULT_MAX_DEPTH = 96

_POSTFIX_STARTS = frozenset({".", "[", "->", "{", "|"})
LITERAL_KEYWORDS = {"true": True, "false": False, "null": None}


def parse(query: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> A.Query:
    """Parse a GROQ query (optionally preceded by `fn` declarations) into a syntax tree.

    Raises GroqSyntaxError with line, column and a caret excerpt. Nesting is bounded by
    `max_depth` so hostile input fails with a clear error instead of exhausting the stack.
    """
    if not isinstance(query, str):
        raise GroqSyntaxError("a query must be a string", "", 0)
    return _Parser(query, max_depth).parse_query()


class _Parser:
    def __init__(self, query: str, max_depth: int) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.tokens.extend([self.tokens[-1]] * 3)  # look-ahead past the end reads "eof"
        self.i = 0
        self.depth = 0
        self.max_depth = max_depth

    # Token helpers ------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[self.i + ahead]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def is_op(self, value: str, ahead: int = 0) -> bool:
        tok = self.tokens[self.i + ahead]
        return tok.value == value and tok.kind == "op"

    def expect_op(self, value: str, what: str | None = None) -> Token:
        tok = self.peek()
        if tok.kind == "op" and tok.value == value:
            return self.next()
        raise self.error(f"expected {what or repr(value)}, found {self.describe(tok)}", tok.pos)

    def describe(self, tok: Token) -> str:
        if tok.kind == "eof":
            return "end of query"
        return repr(self.query[tok.pos : tok.end])

    def error(self, reason: str, pos: int) -> GroqSyntaxError:
        return GroqSyntaxError(reason, self.query, pos)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.error(f"query nested deeper than {self.max_depth} levels", pos)

    # Grammar ------------------------------------------------------------------------------

    def parse_query(self) -> A.Query:
        functions: dict[str, A.FuncDecl] = {}
        while (
            self.peek().kind == "ident"
            and self.peek().value == "fn"
            and (self.peek(1).kind == "ident")
        ):
            decl = self.parse_func_decl()
            functions[f"{decl.namespace}::{decl.name}"] = decl
        expr = self.parse_expr(0)
        tok = self.peek()
        if tok.kind != "eof":
            raise self.error(f"unexpected {self.describe(tok)}", tok.pos)
        return A.Query(0, expr, self.query, functions)

    def parse_func_decl(self) -> A.FuncDecl:
        start = self.next().pos  # "fn"
        ns = self.next()
        if not self.is_op("::"):
            raise self.error("a custom function needs a namespace, as in 'fn ns::name($p)'", ns.pos)
        self.next()
        name = self.peek()
        if name.kind != "ident":
            raise self.error("expected a function name", name.pos)
        self.next()
        self.expect_op("(")
        params: list[str] = []
        while not self.is_op(")"):
            tok = self.next()
            if tok.kind != "param":
                raise self.error("function parameters must be $names", tok.pos)
            params.append(str(tok.value))
            if not self.is_op(")"):
                self.expect_op(",", "',' or ')'")
        self.next()
        self.expect_op("=")
        body = self.parse_expr(0)
        self.expect_op(";", "';' after the function body")
        return A.FuncDecl(start, str(ns.value), str(name.value), params, body)

    def binary_info(self, tok: Token) -> tuple[str, int, str] | None:
        if tok.kind == "op" and tok.value in BINARY:
            level, assoc = BINARY[tok.value]  # type: ignore[index]
            return str(tok.value), level, assoc
        if tok.kind == "ident" and tok.value in KEYWORD_OPERATORS:
            if tok.value in ("asc", "desc"):
                return str(tok.value), POSTFIX_ORDER_LEVEL, "postfix"
            level, assoc = BINARY[tok.value]  # type: ignore[index]
            return str(tok.value), level, assoc
        return None

    def parse_expr(self, min_level: int) -> A.Node:
        self.enter(self.peek().pos)
        entered = 1
        left = self.parse_prefix()
        blocked_level = -1  # a non-associative operator forbids another one at its level
        while True:
            tok = self.peek()
            info = self.binary_info(tok)
            if info is None:
                break
            op, level, assoc = info
            if level < min_level:
                break
            if level == blocked_level:
                raise self.error(
                    f"operator {op!r} cannot be chained here; add parentheses", tok.pos
                )
            self.next()
            # Each operator in a chain nests the tree one level deeper (`a + b + c`).
            self.enter(tok.pos)
            entered += 1
            if assoc == "postfix":
                left = (A.Asc if op == "asc" else A.Desc)(tok.pos, left)
                blocked_level = level
                continue
            right = self.parse_expr(level if assoc == "right" else level + 1)
            left = self.make_binary(op, tok.pos, left, right)
            if assoc == "none":
                blocked_level = level
        self.depth -= entered
        return left

    @staticmethod
    def make_binary(op: str, pos: int, left: A.Node, right: A.Node) -> A.Node:
        if op == "&&":
            return A.And(pos, left, right)
        if op == "||":
            return A.Or(pos, left, right)
        if op == "=>":
            return A.Pair(pos, left, right)
        if op in ("..", "..."):
            return A.Range(pos, left, right, op == "...")
        return A.OpCall(pos, op, left, right)

    def parse_prefix(self) -> A.Node:
        tok = self.peek()
        if tok.kind == "op":
            if tok.value == "!":
                self.next()
                return A.Not(tok.pos, self.parse_expr(10))
            if tok.value == "+":
                self.next()
                return A.Pos(tok.pos, self.parse_expr(10))
            if tok.value == "-":
                self.next()
                return A.Neg(tok.pos, self.parse_expr(9))
        return self.parse_postfix(self.parse_primary())

    def parse_primary(self) -> A.Node:
        tok = self.next()
        kind, value, pos = tok.kind, tok.value, tok.pos
        if kind == "num" or kind == "str":
            return A.Literal(pos, value)
        if kind == "param":
            return A.Param(pos, str(value))
        if kind == "ident":
            name = str(value)
            if self.is_op("::"):
                self.next()
                fname = self.next()
                if fname.kind != "ident" or not self.is_op("("):
                    raise self.error("expected a function call after '::'", fname.pos)
                return A.FuncCall(pos, name, str(fname.value), self.parse_call_args())
            if self.is_op("("):
                return A.FuncCall(pos, "global", name, self.parse_call_args())
            if name in LITERAL_KEYWORDS:
                return A.Literal(pos, LITERAL_KEYWORDS[name])
            return A.ThisAttr(pos, name)
        if kind == "op":
            if value == "*":
                return A.Everything(pos)
            if value == "@":
                return A.This(pos)
            if value == "^":
                levels = 1
                while self.is_op(".") and self.is_op("^", 1):
                    self.next()
                    self.next()
                    levels += 1
                return A.Parent(pos, levels)
            if value == "(":
                first = self.parse_expr(0)
                if self.is_op(","):
                    members = [first]
                    while self.is_op(","):
                        self.next()
                        members.append(self.parse_expr(0))
                    self.expect_op(")")
                    return A.Tuple(pos, members)
                self.expect_op(")")
                return A.Group(pos, first)
            if value == "[":
                return self.parse_array(pos)
            if value == "{":
                return self.parse_object(pos)
        raise self.error(f"unexpected {self.describe(tok)}", pos)

    def parse_call_args(self) -> list[A.Node]:
        self.expect_op("(")
        args: list[A.Node] = []
        while not self.is_op(")"):
            args.append(self.parse_expr(0))
            if not self.is_op(")"):
                self.expect_op(",", "',' or ')'")
        self.next()
        return args

    def parse_array(self, pos: int) -> A.ArrayLit:
        elements: list[A.ArrayElement] = []
        while not self.is_op("]"):
            tok = self.peek()
            splat = tok.kind == "op" and tok.value == "..."
            if splat:
                self.next()
            elements.append(A.ArrayElement(tok.pos, self.parse_expr(0), splat))
            if not self.is_op("]"):
                self.expect_op(",", "',' or ']'")
        self.next()
        return A.ArrayLit(pos, elements)

    def parse_object(self, pos: int) -> A.ObjectLit:
        attrs: list[A.ObjectAttr] = []
        while not self.is_op("}"):
            tok = self.peek()
            if tok.kind == "op" and tok.value == "...":
                self.next()
                if self.is_op(",") or self.is_op("}"):
                    expr: A.Node = A.This(tok.pos)
                else:
                    expr = self.parse_expr(0)
                attrs.append(A.ObjectAttr(tok.pos, None, expr))
            elif tok.kind == "str" and self.is_op(":", 1):
                self.next()
                self.next()
                attrs.append(A.ObjectAttr(tok.pos, str(tok.value), self.parse_expr(0)))
            else:
                expr = self.parse_expr(0)
                if self.is_op(":"):
                    raise self.error("object keys must be string literals", tok.pos)
                if isinstance(expr, A.Pair):
                    # `condition => {...}` merges the object when the condition holds.
                    attrs.append(A.ObjectAttr(tok.pos, None, expr))
                else:
                    attrs.append(A.ObjectAttr(tok.pos, self.shorthand_key(expr), expr))
            if not self.is_op("}"):
                self.expect_op(",", "',' or '}'")
        self.next()
        return A.ObjectLit(pos, attrs)

    def shorthand_key(self, expr: A.Node) -> str:
        node = expr
        while True:
            if isinstance(node, A.ThisAttr):
                return node.name
            if isinstance(node, A.Traversal):
                for item in reversed(node.items):
                    if isinstance(item, A.AttrItem):
                        return item.name
                    if isinstance(item, A.DerefItem) and item.attr is not None:
                        return item.attr
                    if isinstance(item, A.BracketItem) and isinstance(item.expr, A.Literal):
                        if isinstance(item.expr.value, str):
                            return item.expr.value
                node = node.base
                continue
            if isinstance(node, A.PipeCall):
                node = node.base
                continue
            raise self.error(
                'cannot infer a key for this object attribute; write it as "key": expression',
                expr.pos,
            )

    def parse_postfix(self, base: A.Node) -> A.Node:
        items: list[A.Node] = []
        links = 0
        while True:
            tok = self.peek()
            if tok.kind != "op" or tok.value not in _POSTFIX_STARTS:
                break
            # Each traversal link nests the evaluation one level deeper (`a.b.c[0]`).
            self.enter(tok.pos)
            links += 1
            op = tok.value
            if op == ".":
                nxt = self.peek(1)
                if nxt.kind == "ident":
                    self.next()
                    self.next()
                    items.append(A.AttrItem(nxt.pos, str(nxt.value)))
                elif nxt.kind == "op" and nxt.value == "(":
                    self.next()
                    self.next()
                    self.enter(nxt.pos)
                    inner = self.parse_expr(0)
                    if self.is_op(","):
                        members = [inner]
                        while self.is_op(","):
                            self.next()
                            members.append(self.parse_expr(0))
                        inner = A.Tuple(nxt.pos, members)
                    self.expect_op(")")
                    self.depth -= 1
                    items.append(A.GroupItem(nxt.pos, inner))
                else:
                    raise self.error("expected an attribute name after '.'", nxt.pos)
            elif op == "[":
                self.next()
                if self.is_op("]"):
                    self.next()
                    items.append(A.ArrayPostfixItem(tok.pos))
                else:
                    expr = self.parse_expr(0)
                    self.expect_op("]")
                    items.append(A.BracketItem(tok.pos, expr))
            elif op == "->":
                self.next()
                nxt = self.peek()
                attr = None
                if nxt.kind == "ident" and nxt.value not in KEYWORD_OPERATORS:
                    self.next()
                    attr = str(nxt.value)
                items.append(A.DerefItem(tok.pos, attr))
            elif op == "{":
                self.next()
                self.enter(tok.pos)
                items.append(A.ProjectionItem(tok.pos, self.parse_object(tok.pos)))
                self.depth -= 1
            elif op == "|":
                nxt = self.peek(1)
                if nxt.kind == "op" and nxt.value == "{":
                    self.next()
                    self.next()
                    self.enter(nxt.pos)
                    items.append(A.ProjectionItem(nxt.pos, self.parse_object(nxt.pos)))
                    self.depth -= 1
                elif nxt.kind == "ident":
                    self.next()
                    self.next()
                    name = str(nxt.value)
                    if self.is_op("::"):
                        self.next()
                        fname = self.next()
                        if fname.kind != "ident":
                            raise self.error("expected a pipe function name", fname.pos)
                        name = f"{name}::{fname.value}"
                    if not self.is_op("("):
                        raise self.error("expected '(' after the pipe function name", nxt.pos)
                    if items:
                        base = A.Traversal(base.pos, base, items)
                        items = []
                    base = A.PipeCall(tok.pos, base, name, self.parse_call_args())
                else:
                    raise self.error("expected a function call or projection after '|'", nxt.pos)
            else:
                break
        self.depth -= links
        if items:
            return A.Traversal(base.pos, base, items)
        return base
