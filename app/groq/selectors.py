"""Selectors (`diff::`/`delta::` third argument): expressions that name paths in a value.

A selector such as `(title, body[_type == "block"].children)` is compiled to a function
from (scope, value) to the list of key paths it selects; the diff functions then compare
the values at those paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import ast as A

if TYPE_CHECKING:
    from .compiler import Compiler
    from .runtime import Scope

KeyPath = tuple
SelectorFn = Callable[["Scope", object], list[KeyPath]]


def value_at(value: object, path: KeyPath) -> object:
    for part in path:
        if type(part) is int:
            if type(value) is not list or not 0 <= part < len(value):
                return None
            value = value[part]
        else:
            if type(value) is not dict:
                return None
            value = value.get(part)
    return value


def compile_selector(compiler: Compiler, node: A.Node) -> SelectorFn:
    if isinstance(node, A.ThisAttr):
        name = node.name
        return lambda scope, value: [(name,)]
    if isinstance(node, A.Group):
        return compile_selector(compiler, node.expr)
    if isinstance(node, A.Tuple):
        members = [compile_selector(compiler, m) for m in node.members]
        return lambda scope, value: [p for m in members for p in m(scope, value)]
    if isinstance(node, A.FuncCall) and node.namespace == "global" and node.name == "anywhere":
        if len(node.args) != 1:
            raise compiler.error("anywhere() takes exactly one argument", node)
        return _anywhere(compiler.compile_nested(node.args[0]))
    if isinstance(node, A.Traversal):
        fn = compile_selector(compiler, node.base)
        for item in node.items:
            fn = _apply_item(compiler, fn, item)
        return fn
    raise compiler.error(
        "not a valid selector (use attributes, [], filters, groups and tuples)", node
    )


def _apply_item(compiler: Compiler, base: SelectorFn, item: A.Node) -> SelectorFn:
    if isinstance(item, A.AttrItem):
        name = item.name
        return lambda scope, value: [(*p, name) for p in base(scope, value)]
    if isinstance(item, A.ArrayPostfixItem):

        def elements(scope: Scope, value: object) -> list[KeyPath]:
            out = []
            for path in base(scope, value):
                inner = value_at(value, path)
                if type(inner) is list:
                    out.extend((*path, i) for i in range(len(inner)))
            return out

        return elements
    if isinstance(item, A.BracketItem) and not isinstance(item.expr, A.Range):
        if compiler.is_constant(item.expr):
            raise compiler.error("a selector filter must be a condition", item)
        predicate = compiler.compile_nested(item.expr)

        def filtered(scope: Scope, value: object) -> list[KeyPath]:
            out = []
            for path in base(scope, value):
                inner = value_at(value, path)
                if type(inner) is list:
                    for i, element in enumerate(inner):
                        if predicate(scope.nested(element)) is True:
                            out.append((*path, i))
            return out

        return filtered
    if isinstance(item, A.GroupItem):
        nested = compile_selector(compiler, item.expr)

        def grouped(scope: Scope, value: object) -> list[KeyPath]:
            out = []
            for path in base(scope, value):
                inner = value_at(value, path)
                out.extend((*path, *p) for p in nested(scope.hidden_child(inner), inner))
            return out

        return grouped
    raise compiler.error("not a valid selector step", item)


def _anywhere(predicate: Callable[[Scope], object]) -> SelectorFn:
    def anywhere(scope: Scope, value: object) -> list[KeyPath]:
        out: list[KeyPath] = []
        stack: list[tuple[object, KeyPath]] = [(value, ())]
        while stack:
            current, path = stack.pop()
            if type(current) is list:
                stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(current))))
            elif type(current) is dict:
                if predicate(scope.hidden_child(current)) is True:
                    out.append(path)
                stack.extend((v, (*path, k)) for k, v in reversed(list(current.items())))
        return out

    return anywhere


def deep_equal(a: object, b: object) -> bool:
    ta, tb = type(a), type(b)
    if ta is list and tb is list:
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if ta is dict and tb is dict:
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)  # type: ignore[union-attr,index]
    if ta is bool or tb is bool:
        return ta is tb and a == b
    return a == b and (ta is tb or {ta, tb} <= {int, float})


def diff_paths(a: object, b: object, path: KeyPath = ()) -> list[KeyPath]:
    """Key paths where two values differ (arrays of different lengths differ as a whole)."""
    ta, tb = type(a), type(b)
    if ta is dict and tb is dict:
        out = []
        for key in {**a, **b}:  # type: ignore[dict-item]
            out.extend(diff_paths(a.get(key), b.get(key), (*path, key)))  # type: ignore[union-attr]
        return out
    if ta is list and tb is list and len(a) == len(b):  # type: ignore[arg-type]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):  # type: ignore[call-overload]
            out.extend(diff_paths(x, y, (*path, i)))
        return out
    return [] if deep_equal(a, b) else [path]


def changed_any(scope: Scope, before: object, after: object, selector: SelectorFn) -> bool:
    before_paths = selector(scope.hidden_child(before), before)
    after_paths = selector(scope.hidden_child(after), after)
    if len(before_paths) != len(after_paths):
        return True
    for path in before_paths:
        for i, part in enumerate(path):
            if type(part) is int:
                left, right = value_at(before, path[:i]), value_at(after, path[:i])
                if type(left) is not list or type(right) is not list or len(left) != len(right):
                    return True
        if not deep_equal(value_at(before, path), value_at(after, path)):
            return True
    return False


def changed_only(scope: Scope, before: object, after: object, selector: SelectorFn) -> bool:
    selected = selector(scope.hidden_child(before), before)
    for changed in diff_paths(before, after):
        if not any(changed[: len(s)] == s for s in selected):
            return False
    return True
