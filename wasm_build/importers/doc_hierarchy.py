"""Where each documentation page sits: its parent page and its place in reading order.

Sphinx says it in toctrees (a page lists its children); plain folders say it with index pages
(`guide/index.md` is the parent of `guide/install.md`). Toctrees win; the folder fills the gaps.
"""

from __future__ import annotations

import posixpath

from .doc_model import PageSource

INDEX_NAMES = ("index.html", "index.htm", "index.md", "index.markdown", "README.md", "readme.md")


def page_parents(pages: list[PageSource]) -> dict[str, str]:
    """Parent page of each page: the first toctree listing it, else its folder's index page."""
    by_path = {page.path: page for page in pages}
    parents: dict[str, str] = {}

    def creates_cycle(child: str, parent: str) -> bool:
        seen = parent
        while seen is not None:
            if seen == child:
                return True
            seen = parents.get(seen)
        return False

    for page in pages:
        for child in page.toctree:
            if child in by_path and child not in parents and not creates_cycle(child, page.path):
                parents[child] = page.path
    for page in pages:
        if page.path in parents:
            continue
        for candidate in _folder_parents(page.path):
            if candidate in by_path and not creates_cycle(page.path, candidate):
                parents[page.path] = candidate
                break
    return parents


def _folder_parents(path: str) -> list[str]:
    """Index pages that could be `path`'s parent, nearest first."""
    folder, name = posixpath.split(path)
    folders: list[str] = []
    if name not in INDEX_NAMES:
        folders.append(folder)
    while folder:
        folder = posixpath.dirname(folder)
        folders.append(folder)
    return [posixpath.join(f, index) if f else index for f in folders for index in INDEX_NAMES]


def reading_order(pages: list[PageSource], parents: dict[str, str]) -> dict[str, int]:
    """Depth-first position from the root(s), toctree order first: a book's reading order."""
    by_path = {page.path: page for page in pages}
    children: dict[str | None, list[str]] = {}
    for page in pages:
        children.setdefault(parents.get(page.path), []).append(page.path)
    for parent, kids in children.items():
        toc = by_path[parent].toctree if parent is not None else []
        rank = {path: i for i, path in enumerate(toc)}
        kids.sort(key=lambda p: (rank.get(p, len(rank)), p.count("/"), p not in INDEX_NAMES, p))
    order: dict[str, int] = {}
    stack = list(reversed(children.get(None, [])))
    while stack:
        path = stack.pop()
        if path in order:
            continue
        order[path] = len(order)
        stack.extend(reversed(children.get(path, [])))
    for page in pages:  # unreachable only if the hierarchy had a cycle; keep every page
        order.setdefault(page.path, len(order))
    return order
