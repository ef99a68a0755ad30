"""Compiles a syntax tree once into nested Python closures `fn(scope) -> value`.

Compiling (instead of walking the tree per document) resolves every static decision up
front: what each `[...]` means, how a traversal maps over arrays, which function runs, and
which parts the planner can answer from the dataset's indexes.
"""

from __future__ import annotations

from . import ast as A
from . import traversal as T
from .analysis import depends_on_scope
from .custom_functions import compile_custom_body, compile_custom_call
from .errors import GroqSyntaxError
from .fastpaths import fast_comparison, fast_match
from .operators import BINARY_OPS, op_in, op_neg, op_not, op_pos
from .precompute import NOT_LITERAL, Fn, literal_value, memoized
from .runtime import Context, Limits, Scope
from .slicing import leading_limit
from .values import RangeValue, is_number


class Compiler:
    """One compilation of one query with known parameters (and, optionally, a planner)."""

    def __init__(
        self,
        query: A.Query,
        params: dict,
        planner: object | None = None,
        options: dict | None = None,
    ) -> None:
        from .functions import REGISTRY  # registry modules import this one's helpers

        self.query = query
        self.params = params
        self.planner = planner
        self.options = options or {}  # the evaluation's options (e.g. its semantic provider)
        self.registry = REGISTRY
        self.function_params: list[set[str]] = []
        self.custom_cache: dict[str, Fn] = {}
        self.in_score = 0
        self.scope_depth = 0  # nested scopes opened so far (restarts in custom function bodies)
        self._everything: dict[int, bool] = {}

    def error(self, reason: str, node: A.Node) -> GroqSyntaxError:
        return GroqSyntaxError(reason, self.query.source, node.pos)

    def compile_query(self) -> Fn:
        for decl in self.query.functions.values():
            self.compile_custom_body(decl)
        return self.compile(self.query.expr)

    def compile(self, node: A.Node) -> Fn:
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:
            raise self.error(f"{type(node).__name__} is not valid here", node)
        fn = method(node)
        if (
            self.scope_depth > 0
            and not self.function_params
            and isinstance(node, (A.Traversal, A.PipeCall, A.FuncCall))
            and self.has_everything(node)
            and not depends_on_scope(node, self.query.functions)
        ):
            return memoized(fn)
        return fn

    def has_everything(self, node: A.Node) -> bool:
        """Whether `*` occurs under `node` (memoised: asked for many nested nodes)."""
        key = id(node)
        known = self._everything.get(key)
        if known is None:
            known = isinstance(node, A.Everything) or any(
                self.has_everything(c) for c in A.children(node)
            )
            self._everything[key] = known
        return known

    # Constants ----------------------------------------------------------------------------

    def is_constant(self, node: A.Node) -> bool:
        if isinstance(node, (A.Literal, A.Param)):
            return isinstance(node, A.Literal) or not self.function_params
        if isinstance(node, (A.Group, A.Neg, A.Pos, A.Not)):
            return self.is_constant(node.expr)
        if isinstance(node, (A.OpCall, A.And, A.Or)):
            return self.is_constant(node.left) and self.is_constant(node.right)
        if isinstance(node, A.ArrayLit):
            return all(self.is_constant(e.expr) for e in node.elements)
        if isinstance(node, A.ObjectLit):
            return all(self.is_constant(a.expr) for a in node.attrs)
        return False

    def constant(self, node: A.Node) -> object:
        ctx = Context([], None, self.params, None, "", None, None, "", Limits(), {})
        return self.compile(node)(Scope(None, None, ctx, self.params))

    # Simple expressions -------------------------------------------------------------------

    def c_Literal(self, node: A.Literal) -> Fn:
        value = node.value
        return lambda scope: value

    def c_Everything(self, node: A.Everything) -> Fn:
        return lambda scope: scope.ctx.dataset

    def c_This(self, node: A.This) -> Fn:
        return T.this_fn

    def c_ThisAttr(self, node: A.ThisAttr) -> Fn:
        name = node.name

        def this_attr(scope: Scope) -> object:
            v = scope.value
            return v.get(name) if type(v) is dict else None

        return this_attr

    def c_Parent(self, node: A.Parent) -> Fn:
        levels = node.levels
        if self.function_params and levels >= self.scope_depth:
            raise self.error("'^' cannot reach outside a custom function body", node)

        def parent(scope: Scope) -> object:
            current: Scope | None = scope
            for _ in range(levels):
                current = current.parent  # type: ignore[union-attr]
                if current is None:
                    return None
            return current.value  # type: ignore[union-attr]

        return parent

    def c_Param(self, node: A.Param) -> Fn:
        name = node.name
        if self.function_params:
            if name not in self.function_params[-1] and name not in self.params:
                raise self.error(f"${name} is neither a function nor a query parameter", node)
        elif name not in self.params:
            raise self.error(f"parameter ${name} is referenced but not provided", node)

        def param(scope: Scope) -> object:
            return scope.params.get(name)

        return param

    def c_Group(self, node: A.Group) -> Fn:
        return self.compile(node.expr)

    def c_ArrayLit(self, node: A.ArrayLit) -> Fn:
        literal = literal_value(node)
        if literal is not NOT_LITERAL:
            return lambda scope: literal
        parts = [(self.compile(e.expr), e.splat) for e in node.elements]
        if not any(splat for _, splat in parts):
            fns = [f for f, _ in parts]
            return lambda scope: [f(scope) for f in fns]

        def array(scope: Scope) -> object:
            out: list = []
            for fn, splat in parts:
                value = fn(scope)
                if not splat:
                    out.append(value)
                elif type(value) is list:
                    out.extend(value)
            return out

        return array

    def c_ObjectLit(self, node: A.ObjectLit) -> Fn:
        literal = literal_value(node)
        if literal is not NOT_LITERAL:
            return lambda scope: literal
        parts = [(a.key, self.compile_attr_value(a)) for a in node.attrs]

        def obj(scope: Scope) -> object:
            out: dict = {}
            for key, fn in parts:
                value = fn(scope)
                if key is None:
                    if type(value) is dict:
                        out.update(value)
                else:
                    out[key] = value
            return out

        return obj

    def compile_attr_value(self, attr: A.ObjectAttr) -> Fn:
        if attr.key is None and isinstance(attr.expr, A.Pair):
            cond, value = self.compile(attr.expr.left), self.compile(attr.expr.right)
            return lambda scope: value(scope) if cond(scope) is True else None
        return self.compile(attr.expr)

    # Operators ----------------------------------------------------------------------------

    def c_And(self, node: A.And) -> Fn:
        left, right = self.compile(node.left), self.compile(node.right)

        def and_(scope: Scope) -> object:
            a = left(scope)
            if a is False:
                return False
            b = right(scope)
            if b is False:
                return False
            return True if (a is True and b is True) else None

        return and_

    def c_Or(self, node: A.Or) -> Fn:
        left, right = self.compile(node.left), self.compile(node.right)

        def or_(scope: Scope) -> object:
            a = left(scope)
            if a is True:
                return True
            b = right(scope)
            if b is True:
                return True
            return False if (a is False and b is False) else None

        return or_

    def c_Not(self, node: A.Not) -> Fn:
        inner = self.compile(node.expr)
        return lambda scope: op_not(inner(scope))

    def c_Neg(self, node: A.Neg) -> Fn:
        inner = self.compile(node.expr)
        return lambda scope: op_neg(inner(scope))

    def c_Pos(self, node: A.Pos) -> Fn:
        inner = self.compile(node.expr)
        return lambda scope: op_pos(inner(scope))

    def c_OpCall(self, node: A.OpCall) -> Fn:
        rhs = node.right
        while isinstance(rhs, A.Group):
            rhs = rhs.expr
        if node.op == "in" and isinstance(rhs, A.Range):
            left = self.compile(node.left)
            lo, hi = self.compile(rhs.left), self.compile(rhs.right)
            exclusive = rhs.exclusive
            return lambda scope: op_in(left(scope), RangeValue(lo(scope), hi(scope), exclusive))
        fast = fast_comparison(node)
        if fast is not None:
            return fast
        if node.op == "match" and self.is_constant(node.right):
            fast = fast_match(self.compile(node.left), self.constant(node.right))
            if fast is not None:
                return fast
        op = BINARY_OPS[node.op]
        left, right = self.compile(node.left), self.compile(node.right)
        return lambda scope: op(left(scope), right(scope))

    def c_Range(self, node: A.Range) -> Fn:
        raise self.error("a range is only valid after 'in' or inside a slice [a..b]", node)

    def c_Pair(self, node: A.Pair) -> Fn:
        raise self.error("'=>' pairs are only valid as select() arguments", node)

    def c_Asc(self, node: A.Asc) -> Fn:
        raise self.error("'asc' is only valid inside order()", node)

    def c_Desc(self, node: A.Desc) -> Fn:
        raise self.error("'desc' is only valid inside order()", node)

    def c_Tuple(self, node: A.Tuple) -> Fn:
        raise self.error("a tuple (a, b) is only valid as a diff selector", node)

    # Traversals ---------------------------------------------------------------------------

    def classify(self, item: A.Node) -> tuple[str, T.Build]:
        if isinstance(item, A.AttrItem):
            return "plain", T.attr_build(item.name)
        if isinstance(item, A.ArrayPostfixItem):
            return "array", T.array_postfix_build
        if isinstance(item, A.DerefItem):
            return "plain", T.deref_build(item.attr)
        if isinstance(item, A.ProjectionItem):
            return "projection", T.projection_build(self.compile_nested(item.obj))
        if isinstance(item, A.BracketItem):
            return self.classify_bracket(item)
        raise self.error("this traversal is only valid in a diff selector", item)

    def classify_bracket(self, item: A.BracketItem) -> tuple[str, T.Build]:
        expr = item.expr
        if isinstance(expr, A.Range):
            left, right = self.slice_bound(expr.left), self.slice_bound(expr.right)
            return "array", T.slice_build(left, right, expr.exclusive)
        if self.is_constant(expr):
            value = self.constant(expr)
            if type(value) is str:
                return "plain", T.attr_build(value)
            if is_number(value):
                if type(value) is float and not value.is_integer():
                    raise self.error("an array index must be an integer", expr)
                return "element", T.element_build(int(value))  # type: ignore[arg-type]
        positive_score = (
            isinstance(expr, A.OpCall)
            and expr.op == ">"
            and isinstance(expr.left, A.ThisAttr)
            and expr.left.name == "_score"
            and isinstance(expr.right, A.Literal)
            and expr.right.value == 0
        )
        return "array", T.filter_build(self.compile_nested(expr), positive_score)

    def compile_nested(self, node: A.Node) -> Fn:
        """Compiles an expression that runs in a nested scope (one more `^` level)."""
        self.scope_depth += 1
        try:
            return self.compile(node)
        finally:
            self.scope_depth -= 1

    def slice_bound(self, node: A.Node) -> int:
        if not self.is_constant(node):
            raise self.error("slice bounds must be constant integers", node)
        value = self.constant(node)
        if not is_number(value) or (type(value) is float and not value.is_integer()):
            raise self.error("slice bounds must be integers", node)
        return int(value)  # type: ignore[arg-type]

    def c_Traversal(self, node: A.Traversal) -> Fn:
        items = [self.classify(item) for item in node.items]
        implicit_array = isinstance(node.base, (A.Everything, A.ArrayLit, A.PipeCall))
        base_fn: Fn | None = None
        if self.planner is not None and isinstance(node.base, A.PipeCall):
            limit = leading_limit(node.items)
            if limit is not None:
                from .pipes import compile_pipe

                base_fn = self.planner.plan_top(self, node.base, limit)  # type: ignore[attr-defined]
                if base_fn is None and node.base.name.removeprefix("global::") == "order":
                    base_fn = compile_pipe(self, node.base, limit)
        if base_fn is None and self.planner is not None:
            planned = self.planner.plan_traversal(self, node, items)  # type: ignore[attr-defined]
            if planned is not None:
                base_fn, consumed = planned
                items = items[consumed:]
                implicit_array = True
        if base_fn is None:
            base_fn = self.compile(node.base)
        if implicit_array:
            items = [("array", T.array_postfix_build), *items]
        folded = T.fold(items)
        return folded[1](base_fn) if folded else base_fn

    def c_PipeCall(self, node: A.PipeCall) -> Fn:
        from .pipes import compile_pipe

        return compile_pipe(self, node)

    # Functions ----------------------------------------------------------------------------

    def c_FuncCall(self, node: A.FuncCall) -> Fn:
        key = f"{node.namespace}::{node.name}"
        decl = self.query.functions.get(key)
        if decl is not None:
            return self.compile_custom_call(decl, node)
        spec = self.registry.get(key)
        if spec is None:
            raise self.error(f"unknown function {key}()", node)
        if spec.score_only and not self.in_score:
            raise self.error(f"{node.name}() can only be used inside score()", node)
        spec.check_arity(self, node)
        return spec.compile(self, node)

    def compile_custom_body(self, decl: A.FuncDecl) -> Fn:
        return compile_custom_body(self, decl)

    def compile_custom_call(self, decl: A.FuncDecl, node: A.FuncCall) -> Fn:
        return compile_custom_call(self, decl, node)
