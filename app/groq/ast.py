"""GROQ syntax tree: one small node class per construct, each with its source offset.

Traversals keep their postfix items as a flat list (`Traversal.items`); the compiler, which
knows the parameters, decides what each `[...]` means and how the chain maps over arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, eq=False)
class Node:
    pos: int


@dataclass(slots=True, eq=False)
class Literal(Node):
    value: object


@dataclass(slots=True, eq=False)
class ArrayElement(Node):
    expr: Node
    splat: bool


@dataclass(slots=True, eq=False)
class ArrayLit(Node):
    elements: list[ArrayElement]


@dataclass(slots=True, eq=False)
class ObjectAttr(Node):
    key: str | None  # None for a splat
    expr: Node


@dataclass(slots=True, eq=False)
class ObjectLit(Node):
    attrs: list[ObjectAttr]


@dataclass(slots=True, eq=False)
class Everything(Node):
    pass


@dataclass(slots=True, eq=False)
class This(Node):
    pass


@dataclass(slots=True, eq=False)
class ThisAttr(Node):
    name: str


@dataclass(slots=True, eq=False)
class Parent(Node):
    levels: int


@dataclass(slots=True, eq=False)
class Param(Node):
    name: str


@dataclass(slots=True, eq=False)
class Group(Node):
    expr: Node


@dataclass(slots=True, eq=False)
class Tuple(Node):
    """`(a, b)`: only meaningful as a selector in diff::/delta:: functions."""

    members: list[Node]


@dataclass(slots=True, eq=False)
class FuncCall(Node):
    namespace: str
    name: str
    args: list[Node]


@dataclass(slots=True, eq=False)
class PipeCall(Node):
    base: Node
    name: str
    args: list[Node]


# Traversal items -------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class AttrItem(Node):
    name: str


@dataclass(slots=True, eq=False)
class BracketItem(Node):
    """`[expr]`: attribute access, element access, slice or filter, decided at compile time."""

    expr: Node


@dataclass(slots=True, eq=False)
class ArrayPostfixItem(Node):
    pass


@dataclass(slots=True, eq=False)
class DerefItem(Node):
    attr: str | None


@dataclass(slots=True, eq=False)
class ProjectionItem(Node):
    obj: ObjectLit


@dataclass(slots=True, eq=False)
class GroupItem(Node):
    """`.(selector)` in a selector: only valid as a diff::/delta:: selector."""

    expr: Node


@dataclass(slots=True, eq=False)
class Traversal(Node):
    base: Node
    items: list[Node]


# Operators -------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class And(Node):
    left: Node
    right: Node


@dataclass(slots=True, eq=False)
class Or(Node):
    left: Node
    right: Node


@dataclass(slots=True, eq=False)
class Not(Node):
    expr: Node


@dataclass(slots=True, eq=False)
class Neg(Node):
    expr: Node


@dataclass(slots=True, eq=False)
class Pos(Node):
    expr: Node


@dataclass(slots=True, eq=False)
class OpCall(Node):
    """Binary operators: == != < <= > >= in match + - * / % **."""

    op: str
    left: Node
    right: Node


@dataclass(slots=True, eq=False)
class Range(Node):
    left: Node
    right: Node
    exclusive: bool


@dataclass(slots=True, eq=False)
class Pair(Node):
    left: Node
    right: Node


@dataclass(slots=True, eq=False)
class Asc(Node):
    expr: Node


@dataclass(slots=True, eq=False)
class Desc(Node):
    expr: Node


@dataclass(slots=True, eq=False)
class FuncDecl(Node):
    namespace: str
    name: str
    params: list[str]
    body: Node


@dataclass(slots=True, eq=False)
class Query(Node):
    """A parsed query: what `parse()` returns and `evaluate()` accepts."""

    expr: Node
    source: str
    functions: dict[str, FuncDecl] = field(default_factory=dict)


def children(node: Node) -> list[Node]:
    """Direct sub-nodes, for generic walks (validation, planning)."""
    out: list[Node] = []
    for name in node.__slots__:  # type: ignore[attr-defined]
        value = getattr(node, name)
        if isinstance(value, Node):
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, Node))
    return out
