"""streaming-markdown's expected trees, translated into our element names and our URL policy.

Kept apart from the test module so the translation can be read (and argued with) on its own.
"""

from __future__ import annotations

from typing import Any

from app.render.ops import LINK_REL, LINK_TARGET
from app.render.tree import Element
from app.render.url_policy import image_decision, safe_link

_TAGS = {
    "PARAGRAPH": "p",
    "LINE_BREAK": "br",
    "ITALIC_AST": "em",
    "ITALIC_UND": "em",
    "STRONG_AST": "strong",
    "STRONG_UND": "strong",
    "STRIKE": "del",
    "CODE_INLINE": "code",
    "RULE": "hr",
    "BLOCKQUOTE": "blockquote",
    "LIST_UNORDERED": "ul",
    "LIST_ITEM": "li",
    "TABLE_ROW": "tr",
    "EQUATION_INLINE": "span",
    "EQUATION_BLOCK": "div",
}

Node = Any  # Element | str


def _link(href: str) -> dict[str, str]:
    return {"href": href, "rel": LINK_REL, "target": LINK_TARGET}


def _children(nodes: list[Any], cell: str = "td") -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.extend(_node(node, cell))
    return out


def _text_of(nodes: list[Any]) -> str:
    return "".join(n if isinstance(n, str) else _text_of(n.get("children", [])) for n in nodes)


def _node(node: Any, cell: str = "td") -> list[Node]:
    """One expected smd node as zero or more of our nodes."""
    if isinstance(node, str):
        return [node]
    token, attrs = node["token"], node.get("attrs") or {}
    kids = node.get("children", [])
    if token.startswith("HEADING_"):
        return [Element(f"h{token[-1]}", {}, _children(kids))]
    if token in _TAGS:
        tag = _TAGS[token]
        element_attrs = {}
        if token == "EQUATION_INLINE":
            element_attrs = {"class": "math-inline"}
        elif token == "EQUATION_BLOCK":
            element_attrs = {"class": "math-display"}
        return [Element(tag, element_attrs, _children(kids, cell))]
    if token == "LIST_ORDERED":
        start = {"start": attrs["start"]} if "start" in attrs else {}
        return [Element("ol", start, _children(kids))]
    if token in ("CODE_FENCE", "CODE_BLOCK"):
        lang = {"class": f"language-{attrs['lang']}"} if attrs.get("lang") else {}
        return [Element("pre", {"data-copy": "code"}, [Element("code", lang, _children(kids))])]
    if token == "CHECKBOX":
        box = {"type": "checkbox", "disabled": ""}
        if "checked" in attrs:
            box["checked"] = ""
        return [Element("input", box, [])]
    if token in ("LINK", "RAW_URL"):
        href = safe_link(attrs.get("href", "")) if "href" in attrs else None
        if href is None:
            return _children(kids)  # refused or no URL: the text, no element
        return [Element("a", _link(href), _children(kids))]
    if token == "IMAGE":
        decision = image_decision(attrs.get("src", ""))
        alt = _text_of(kids)
        if decision.kind == "load":
            return [Element("img", {"src": decision.url, "alt": alt}, [])]
        if decision.kind == "link":
            return [Element("a", _link(decision.url), [alt])]
        return [alt] if alt else []
    if token == "TABLE":
        rows = [_node(row, "th" if i == 0 else "td")[0] for i, row in enumerate(kids)]
        return [
            Element("table", {}, [Element("thead", {}, rows[:1]), Element("tbody", {}, rows[1:])])
        ]
    if token == "TABLE_CELL":
        return [Element(cell, {}, _children(kids))]
    raise KeyError(f"no translation for token {token}")


def expected_tree(case: dict[str, Any]) -> Element:
    return Element("#root", {}, _children(case["expected"]))


def canonical(node: Node) -> Any:
    """Comparable form: adjacent text merged, empty text dropped, attributes as sorted pairs."""
    if isinstance(node, str):
        return node
    kids: list[Any] = []
    for child in node.children:
        item = canonical(child)
        if isinstance(item, str):
            if not item:
                continue
            if kids and isinstance(kids[-1], str):
                kids[-1] += item
                continue
        kids.append(item)
    return (node.tag, tuple(sorted(node.attrs.items())), tuple(kids))
