"""Turn HTML content (Sphinx's output, or any plain HTML) into Portable Text.

Block structure maps to blocks (paragraphs, headings, list items with their nesting level, code,
tables); inline markup maps to marks. Chrome that is not content (permalinks `¶`, images, forms,
scripts) is dropped.
"""

from __future__ import annotations

from .doc_model import LinkResolver
from .html_tree import Element
from .portable_text import BlockBuilder, collapse_space

BLOCK_TAGS = frozenset(
    "address article aside blockquote caption dd details div dl dt fieldset figcaption figure "
    "footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead "
    "tfoot tr td th ul".split()
)
DROP_TAGS = frozenset(
    "script style nav form button input select textarea noscript template iframe svg img "
    "video audio canvas object embed head title meta link".split()
)
DROP_CLASSES = frozenset(
    "headerlink sphinxsidebar related footer clearer toctree-wrapper mobile-nav menu-wrapper "
    "copybutton".split()
)
_STRONG = frozenset({"strong", "b"})
_EM = frozenset({"em", "i", "cite", "dfn", "var"})
_CODE = frozenset({"code", "tt", "kbd", "samp"})
_STRONG_PARAGRAPH = frozenset({"admonition-title", "rubric", "topic-title", "sidebar-title"})
_LANGUAGE_ALIASES = {"python3": "python", "py3": "python", "default": "python", "none": "text"}


def is_dropped(element: Element) -> bool:
    if element.tag in DROP_TAGS:
        return True
    classes = element.attrs.get("class")
    if classes and not DROP_CLASSES.isdisjoint(classes.split()):
        return True
    return element.attrs.get("role") in ("navigation", "search")


def highlight_language(element: Element) -> str | None:
    """`div.highlight-python3` names the language of the code block inside it."""
    for name in element.classes:
        if name.startswith("highlight-"):
            language = name[len("highlight-") :]
            return _LANGUAGE_ALIASES.get(language, language)
        if name.startswith("language-"):  # Markdown renderers' convention
            return name[len("language-") :]
    return None


class HtmlToBlocks:
    """Converts content nodes of one section into its body."""

    def __init__(self, resolve_link: LinkResolver, key_prefix: str = "") -> None:
        self.builder = BlockBuilder(key_prefix)
        self.resolve_link = resolve_link
        self.skip: set[int] = set()  # ids of elements already used elsewhere (section headings)

    def convert(self, nodes: list[Element | str]) -> list[dict]:
        for node in nodes:
            self._block_node(node, style="normal", list_item=None, language=None)
        return self.builder.finish()

    # -- block level ------------------------------------------------------------------------

    def _block_node(self, node, style, list_item, language) -> None:
        builder = self.builder
        if isinstance(node, str):
            if builder.block_open or node.strip():
                builder.open_block(style, list_item)
                builder.add_text(node)
            return
        if id(node) in self.skip or is_dropped(node):
            return
        tag = node.tag
        if tag not in BLOCK_TAGS:
            builder.open_block(style, list_item)
            self._inline(node, ())
            return
        builder.close_block()
        if tag == "pre":
            inner = next((c for c in node.elements() if c.tag == "code"), None)
            language = language or highlight_language(node)
            language = language or (highlight_language(inner) if inner is not None else None)
            builder.add_code(node.text(), language or "text")
        elif tag == "p" or tag in ("dt", "caption", "figcaption", "summary"):
            strong = tag == "dt" or not _STRONG_PARAGRAPH.isdisjoint(node.classes)
            builder.open_block(style, list_item)
            self._inline(node, ("strong",) if strong else ())
            builder.close_block()
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            builder.open_block(tag, None)
            self._inline(node, ())
            builder.close_block()
        elif tag in ("ul", "ol"):
            kind = "number" if tag == "ol" else "bullet"
            level = list_item[1] + 1 if list_item else 1
            for child in node.children:
                self._block_node(child, style, (kind, level), language)
                builder.close_block()
        elif tag == "table":
            builder.add_table(_table_rows(node))
        elif tag == "blockquote":
            self._children(node, "blockquote", list_item, language)
        elif tag == "hr":
            pass
        else:
            self._children(node, style, list_item, highlight_language(node) or language)
        builder.close_block()

    def _children(self, node: Element, style, list_item, language) -> None:
        for child in node.children:
            self._block_node(child, style, list_item, language)

    # -- inline level -----------------------------------------------------------------------

    def _inline(self, node: Element, marks: tuple[str, ...]) -> None:
        builder = self.builder
        for child in node.children:
            if isinstance(child, str):
                builder.add_text(child, marks)
                continue
            if id(child) in self.skip or is_dropped(child):
                continue
            tag = child.tag
            if tag == "br":
                builder.add_text("\n", marks, preformatted=True)
            elif tag in _CODE or child.has_class("pre") and "code" not in marks:
                builder.add_text(child.text(), _with(marks, "code"))
            elif tag in _STRONG:
                self._inline(child, _with(marks, "strong"))
            elif tag in _EM:
                self._inline(child, _with(marks, "em"))
            elif tag == "a" and child.attrs.get("href"):
                fields = self.resolve_link(child.attrs["href"])
                if fields is None:
                    self._inline(child, marks)
                else:
                    self._inline(child, marks + (builder.add_link(fields),))
            else:
                self._inline(child, marks)


def _with(marks: tuple[str, ...], mark: str) -> tuple[str, ...]:
    return marks if mark in marks else marks + (mark,)


def _table_rows(table: Element) -> list[list[str]]:
    rows: list[list[str]] = []
    stack: list[Element] = [table]
    while stack:
        node = stack.pop()
        if node.tag == "tr":
            cells = [
                collapse_space(_visible_text(cell))
                for cell in node.elements()
                if cell.tag in ("td", "th")
            ]
            rows.append(cells)
            continue
        if node is not table and node.tag == "table":
            continue  # a nested table's rows belong to its cell's text
        stack.extend(reversed(node.elements()))
    return rows


def _visible_text(node: Element) -> str:
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif not is_dropped(child):
            parts.append(" " if child.tag in BLOCK_TAGS or child.tag == "br" else "")
            parts.append(_visible_text(child))
    return "".join(parts)
