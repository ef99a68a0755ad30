"""Read one page of Sphinx HTML output into sections.

Sphinx's HTML builder wraps the content in `div.body` / `div[role=main]`, nests `section` (or
`div.section` before docutils 0.18) elements with ids, and describes API objects as
`dl.<domain> > dt#<id> + dd`. Each of those becomes a section: in reference pages the object
descriptions (`open()`, `str.split()`) are what a reader asks about, and they sit inside one long
section. Glossary terms (`dl.glossary > dt#term-...`) become sections too. Navigation, sidebars,
permalinks and the toctree are not content: the toctree is read for the page hierarchy and dropped.
"""

from __future__ import annotations

import posixpath
import re

from .doc_model import LinkResolver, PageSource, SectionSource
from .html_blocks import HtmlToBlocks, is_dropped
from .html_tree import Element, parse_html
from .portable_text import collapse_space

_WRAPPERS = frozenset({"div", "blockquote", "aside", "main", "article"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_DOMAINS = frozenset({"py", "c", "cpp", "js", "rst", "std", "describe", "object", "http"})
_CALLABLE = frozenset(
    {
        "function",
        "method",
        "classmethod",
        "staticmethod",
        "coroutinefunction",
        "coroutinemethod",
        "decorator",
        "decoratormethod",
    }
)
# Sphinx before 2.0 wrote `dl.function` without the domain; these are its object types.
_OBJECT_TYPES = _CALLABLE | frozenset(
    "class attribute data exception module property cmdoption envvar opcode type member macro "
    "var struct describe".split()
)
_DOTTED = re.compile(r"^[A-Za-z_][\w.]*$")
_TITLE_SUFFIX = re.compile(r"\s+[\u2014|-]\s+.*$")
_SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?$")


def read_sphinx_page(html: str, path: str, resolve_link: LinkResolver) -> PageSource:
    """The page's title, sections (with Portable Text bodies) and toctree children."""
    document = parse_html(html)
    main = _main_element(document)
    toctree = _toctree_children(main, path)
    reader = _SectionReader(resolve_link)
    page_root = SectionSource(anchor=None, title="")
    loose: list[Element | str] = []
    reader.walk(main, page_root, loose)
    title = _page_title(document, page_root)
    if page_root.children:
        # Content outside every section (a note above the title) opens the first section.
        first = page_root.children[0]
        first.blocks = reader.to_blocks(loose, first, key_prefix="p") + first.blocks
        sections = page_root.children
    else:
        page_root.title = title
        sections = reader.split_at_headings(loose, page_root)
    return PageSource(path=path, title=title, format="html", sections=sections, toctree=toctree)


def _main_element(document: Element) -> Element:
    for predicate in (
        lambda e: e.attrs.get("role") == "main",
        lambda e: e.tag == "div" and e.has_class("body"),
        lambda e: e.tag == "main",
        lambda e: e.tag == "article",
        lambda e: e.tag == "body",
    ):
        found = document.find(predicate)
        if found is not None:
            return found
    return document


def _page_title(document: Element, root: SectionSource) -> str:
    if root.children and root.children[0].title:
        return root.children[0].title
    heading = document.find(lambda e: e.tag == "h1")
    if heading is not None:
        return _heading_title(heading)[0]
    title = document.find(lambda e: e.tag == "title")
    if title is not None:
        return _TITLE_SUFFIX.sub("", collapse_space(title.text()))
    return ""


def _toctree_children(main: Element, path: str) -> list[str]:
    """Paths of the pages this page's toctrees list at their first level."""
    children: list[str] = []
    for wrapper in main.iter():
        if not (wrapper.tag == "div" and wrapper.has_class("toctree-wrapper")):
            continue
        for item in wrapper.iter():
            if item.tag != "li" or not any(c.startswith("toctree-l1") for c in item.classes):
                continue
            link = item.find(lambda e: e.tag == "a" and "href" in e.attrs)
            if link is None:
                continue
            href = link.attrs["href"].split("#", 1)[0]
            if not href or "://" in href or href.startswith(("/", "mailto:")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href))
            if not target.startswith("..") and target not in children:
                children.append(target)
    return children


def _heading_title(heading: Element) -> tuple[str, str | None]:
    """Heading text without the permalink, and the section number split off."""
    number = None
    parts: list[str] = []
    for node in heading.children:
        if isinstance(node, str):
            parts.append(node)
        elif node.has_class("section-number"):
            match = _SECTION_NUMBER.match(collapse_space(node.text()))
            if match:
                number = match.group(1)
            else:
                parts.append(node.text())
        elif not is_dropped(node):
            parts.append(node.text())
    return collapse_space("".join(parts)), number


class _SectionReader:
    def __init__(self, resolve_link: LinkResolver) -> None:
        self.resolve_link = resolve_link
        self._structural: dict[int, bool] = {}

    def walk(self, container: Element, section: SectionSource, content: list) -> None:
        """Sort `container`'s children into `section`'s own content and its subsections."""
        for child in container.children:
            self._collect(child, section, content)

    def _collect(self, child: Element | str, section: SectionSource, content: list) -> None:
        if isinstance(child, str):
            content.append(child)
        elif is_dropped(child):
            return
        elif self._is_section(child):
            self._read_section(child, section)
        elif child.tag == "dl" and self._has_object_entries(child):
            self._read_definitions(child, section, content)
        elif child.tag in _WRAPPERS and self._holds_structure(child):
            self.walk(child, section, content)
        else:
            content.append(child)

    def split_at_headings(self, content: list, page: SectionSource) -> list[SectionSource]:
        """Sections of a page without section elements, cut at headings that carry an id.

        Plain HTML and other generators (MkDocs, hand-written pages) mark sections only with
        `<h2 id=...>`; headings without an id can't be linked to and stay in the body.
        """
        stack: list[tuple[int, SectionSource, list]] = [(0, page, [])]
        for node in _flatten(content):
            anchor = _heading_anchor(node) if isinstance(node, Element) else None
            if anchor is None:
                stack[-1][2].append(node)
                continue
            assert isinstance(node, Element)
            level = int(node.tag[1])
            while len(stack) > 1 and stack[-1][0] >= level:
                _, done, own = stack.pop()
                done.blocks = self.to_blocks(own, done)
            title, number = _heading_title(node)
            section = SectionSource(anchor=anchor, title=title, number=number)
            stack[-1][1].children.append(section)
            stack.append((level, section, []))
        while stack:
            _, done, own = stack.pop()
            done.blocks = self.to_blocks(own, done)
        if not page.blocks and len(page.children) == 1:
            return page.children  # the page is one titled section: no need for a wrapper
        return [page]

    def to_blocks(self, content: list, section: SectionSource, key_prefix: str = "") -> list[dict]:
        for node in content:
            if isinstance(node, Element):
                for element in node.iter():
                    anchor = element.attrs.get("id")
                    if anchor and anchor != section.anchor and anchor not in section.aliases:
                        section.aliases.append(anchor)
        return HtmlToBlocks(self.resolve_link, key_prefix).convert(content)

    # -- sections ---------------------------------------------------------------------------

    @staticmethod
    def _is_section(element: Element) -> bool:
        if "id" not in element.attrs:
            return False
        return element.tag == "section" or (element.tag == "div" and element.has_class("section"))

    def _read_section(self, element: Element, parent: SectionSource) -> None:
        heading = next((c for c in element.elements() if c.tag in _HEADINGS), None)
        title, number = _heading_title(heading) if heading is not None else ("", None)
        section = SectionSource(anchor=element.attrs["id"], title=title, number=number)
        parent.children.append(section)
        content: list = []
        for child in element.children:
            if child is not heading:
                self._collect(child, section, content)
        section.blocks = self.to_blocks(content, section)

    # -- object descriptions and glossary terms ---------------------------------------------

    @staticmethod
    def _definition_kind(dl: Element) -> str | None:
        classes = dl.classes
        if "glossary" in classes:
            return "term"
        if classes and (classes[0] in _DOMAINS or classes[0] in _OBJECT_TYPES):
            return "api"
        return None

    def _has_object_entries(self, dl: Element) -> bool:
        if self._definition_kind(dl) is None:
            return False
        return any(c.tag == "dt" and c.attrs.get("id") for c in dl.elements())

    def _read_definitions(self, dl: Element, parent: SectionSource, content: list) -> None:
        kind = self._definition_kind(dl)
        object_type = " ".join(dl.classes) if kind == "api" else None
        group_dts: list[Element] = []
        for child in dl.elements():
            if child.tag == "dt":
                group_dts.append(child)
                continue
            if child.tag != "dd":
                continue
            dts, group_dts = group_dts, []
            ids = [dt.attrs["id"] for dt in dts if dt.attrs.get("id")]
            if not ids:
                fragment = Element("dl", {}, None)
                fragment.children = [*dts, child]
                content.append(fragment)
                continue
            section = SectionSource(anchor=ids[0], title="", kind=kind or "api")
            section.aliases.extend(ids[1:])
            if kind == "term":
                section.title = _heading_title(dts[0])[0]
            else:
                section.title = _object_title(dts[0], ids[0], dl.classes)
                section.signature = "\n".join(_heading_title(dt)[0] for dt in dts)
                section.object_type = object_type
            parent.children.append(section)
            own: list = []
            self.walk(child, section, own)
            section.blocks = self.to_blocks(own, section)

    def _holds_structure(self, element: Element) -> bool:
        key = id(element)
        cached = self._structural.get(key)
        if cached is None:
            cached = any(
                self._is_section(node) or (node.tag == "dl" and self._has_object_entries(node))
                for node in element.iter()
                if node is not element and node.tag in ("section", "div", "dl")
            )
            self._structural[key] = cached
        return cached


def _heading_anchor(element: Element) -> str | None:
    if element.tag not in _HEADINGS:
        return None
    if element.attrs.get("id"):
        return element.attrs["id"]
    for child in element.elements():
        if child.tag == "a" and (child.attrs.get("id") or child.attrs.get("name")):
            return child.attrs.get("id") or child.attrs["name"]
    return None


def _flatten(content: list):
    """Content with wrapper elements opened when they hold linkable headings."""
    for node in content:
        if (
            isinstance(node, Element)
            and node.tag in _WRAPPERS | {"section", "header"}
            and any(_heading_anchor(e) for e in node.iter() if e is not node)
        ):
            yield from _flatten(node.children)
        else:
            yield node


def _object_title(dt: Element, anchor: str, dl_classes: list[str]) -> str:
    """`open()`, `str.split()`, `PyObject_GetAttr()`, `-X`: what a reader calls the object."""
    name_parts: list[str] = []
    for node in dt.iter():
        if node.has_class("sig-prename") or node.has_class("descclassname"):
            name_parts.append(collapse_space(node.text()))
        elif node.has_class("sig-name") or node.has_class("descname"):
            name_parts.append(collapse_space(node.text()))
            break
    name = "".join(name_parts)
    if dl_classes and dl_classes[0] in _DOMAINS:
        domain, object_type = dl_classes[0], (dl_classes[1:] or [""])[0]
    else:  # old Sphinx: no domain class, Python implied
        domain, object_type = "py", (dl_classes or [""])[0]
    candidate = anchor[2:] if domain == "c" and anchor.startswith("c.") else anchor
    if (
        domain in ("py", "c")
        and _DOTTED.match(candidate)
        and (not name or candidate.endswith(name))
    ):
        name = candidate
    if not name:
        name = _heading_title(dt)[0]
    if object_type in _CALLABLE and not name.endswith(")"):
        name += "()"
    return name
