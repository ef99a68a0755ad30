"""Applies DOM operations to a plain tree, and serialises that tree as deterministic HTML.

This is the page's applier written in Python, so tests and the CLI see exactly the DOM a visitor
would get, without a browser. Serialisation is only for comparing and reading results: the page
never parses HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.render.ops import VOID_ELEMENTS


@dataclass
class Element:
    """One element: its tag, attributes in the order set, and children (elements or strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)


class TreeBuilder:
    """Applies operation batches as they arrive, like the page does, onto ``root``."""

    def __init__(self) -> None:
        self.root = Element("#root")
        self._stack: list[Element] = [self.root]

    def apply(self, ops: Iterable[Sequence[object]]) -> None:
        for op in ops:
            kind = op[0]
            current = self._stack[-1]
            if kind == "open":
                element = Element(str(op[1]))
                current.children.append(element)
                self._stack.append(element)
            elif kind == "attr":
                current.attrs[str(op[1])] = str(op[2])
            elif kind == "text":
                if current.children and isinstance(current.children[-1], str):
                    current.children[-1] += str(op[1])
                else:
                    current.children.append(str(op[1]))
            elif kind == "close":
                if len(self._stack) == 1:
                    raise ValueError("close with no open element")
                self._stack.pop()
            else:
                raise ValueError(f"unknown operation {op!r}")


def build(ops: Iterable[Sequence[object]]) -> Element:
    """The root element after applying all of ``ops``."""
    builder = TreeBuilder()
    builder.apply(ops)
    return builder.root


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;")


def _serialize(node: Element | str, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(_escape_text(node))
        return
    attrs = "".join(f' {name}="{_escape_attr(value)}"' for name, value in node.attrs.items())
    out.append(f"<{node.tag}{attrs}>")
    if node.tag in VOID_ELEMENTS:
        return
    for child in node.children:
        _serialize(child, out)
    out.append(f"</{node.tag}>")


def to_html(root: Element) -> str:
    """``root``'s children as HTML: text escaped, attributes double-quoted, a block per line."""
    out: list[str] = []
    for child in root.children:
        _serialize(child, out)
        out.append("\n")
    return "".join(out)
