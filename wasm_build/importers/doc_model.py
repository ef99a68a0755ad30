"""What a documentation reader extracts from one page, before it becomes Sanity documents.

HTML and Markdown readers both produce a `PageSource`; the documents (ids, URLs, references) are
made from it in one place, so both formats give the same document shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class SectionSource:
    """A section of a page: its own body (subsections excluded) and its subsections."""

    anchor: str | None  # None: the page had no sections, this stands for the whole page
    title: str
    kind: str = "section"  # "section" | "api" (an object description) | "term" (glossary)
    number: str | None = None  # Sphinx section number ("7.2"), kept out of the title
    signature: str | None = None
    object_type: str | None = None
    blocks: list[dict] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # other anchors that land in this section
    children: list[SectionSource] = field(default_factory=list)

    def walk(self):
        """This section and all below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class PageSource:
    path: str  # posix path relative to the documentation folder
    title: str
    format: str  # "html" | "markdown"
    sections: list[SectionSource]
    toctree: list[str] = field(default_factory=list)  # paths of child pages, in order
    description: str = ""


class LinkResolver(Protocol):
    """Turns an href found in a page into link fields, or None to keep only the text."""

    def __call__(self, href: str) -> dict | None: ...
