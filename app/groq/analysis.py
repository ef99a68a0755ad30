"""Static facts about expressions that the compiler uses to avoid repeated work."""

from __future__ import annotations

from . import ast as A

# Functions that read the current scope's value (`@`) without it appearing as an argument.
IMPLICIT_THIS = frozenset(
    {
        "global::references",
        "sanity::versionOf",
        "sanity::partOfRelease",
        "text::query",
        "text::semanticSimilarity",
        "global::anywhere",
        "delta::changedAny",
        "delta::changedOnly",
        "diff::changedAny",
        "diff::changedOnly",
    }
)


def contains_everything(node: A.Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, A.Everything):
            return True
        stack.extend(A.children(current))
    return False


def depends_on_scope(node: A.Node, custom: dict, depth: int = 0) -> bool:
    """Whether the value of `node` can change with the scope it is evaluated in.

    `depth` counts the nested scopes opened between `node`'s own scope and the node being
    inspected: `@` and attributes only matter at depth 0, `^` when it climbs past `depth`.
    """
    if isinstance(node, (A.This, A.ThisAttr)):
        return depth == 0
    if isinstance(node, A.Parent):
        return node.levels >= depth
    if isinstance(node, A.FuncCall):
        key = f"{node.namespace}::{node.name}"
        if key in custom or (key in IMPLICIT_THIS and depth == 0):
            return True
        return any(depends_on_scope(a, custom, depth) for a in node.args)
    if isinstance(node, A.Traversal):
        if depends_on_scope(node.base, custom, depth):
            return True
        for item in node.items:
            if isinstance(item, A.BracketItem):
                if depends_on_scope(item.expr, custom, depth + 1):
                    return True
            elif isinstance(item, A.ProjectionItem):
                if depends_on_scope(item.obj, custom, depth + 1):
                    return True
            elif isinstance(item, A.GroupItem):
                return True
        return False
    if isinstance(node, A.PipeCall):
        if depends_on_scope(node.base, custom, depth):
            return True
        return any(depends_on_scope(a, custom, depth + 1) for a in node.args)
    return any(depends_on_scope(c, custom, depth) for c in A.children(node))
