"""A small element tree from the standard library's `html.parser`, forgiving like browsers are.

The documentation importer needs to look ahead (a section's heading, a definition's `dt`s) and
to drop whole subtrees (sidebars, navigation), which is much simpler on a tree than on a stream of
parser events. No lxml/bs4: this runs at build time from a plain venv.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Opening one of these closes an open <p>, as the HTML parsing algorithm does.
_CLOSES_P = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr main nav ol p pre section table ul".split()
)
_RAW_TEXT = frozenset({"script", "style"})


class Element:
    """An element: tag, attributes and children (elements or strings)."""

    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Element | str] = []
        self.parent = parent

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def elements(self) -> list[Element]:
        return [child for child in self.children if isinstance(child, Element)]

    def iter(self):
        """Depth-first, document order, this element included."""
        stack: list[Element] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.elements()))

    def find(self, predicate) -> Element | None:
        for node in self.iter():
            if predicate(node):
                return node
        return None

    def text(self) -> str:
        parts: list[str] = []
        stack: list[Element | str] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                parts.append(node)
            else:
                stack.extend(reversed(node.children))
        return "".join(parts)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs!r}>"


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.stack: list[Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P:
            self._close_open_p()
        parent = self.stack[-1]
        attributes = dict(attrs)
        if None in attributes.values():  # valueless attributes (`<input checked>`)
            attributes = {k: v or "" for k, v in attributes.items()}
        element = Element(tag, attributes, parent)
        parent.children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        # A stray end tag with nothing open to close: ignored, as browsers do.

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag in _RAW_TEXT:
            return
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def _close_open_p(self) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[depth].tag
            if tag == "p":
                del self.stack[depth:]
                return
            if tag in ("div", "section", "li", "dd", "td", "th", "blockquote", "body"):
                return


def parse_html(text: str) -> Element:
    """The document's element tree (root is a `#document` element)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root
