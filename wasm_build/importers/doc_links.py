"""Links inside documentation pages: classified while a page is read, resolved once all are read.

Reading a page can't know whether `../library/functions.html#open` exists, so internal links are
first recorded with their target (page path, anchor); after every page is read they get the URL
the site serves (base URL included) and a `reference` to the section or page they land in, which
makes GROQ's `references()` answer "what links to open()?". External links keep their URL; links
with schemes a visitor should not follow from an answer (javascript:, data:, file:) keep only
their text.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

TARGET_KEY = "_target"
_EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto"})


class PageLinks:
    """The link resolver for one page at `path` (posix, relative to the documentation root)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, href: str) -> dict | None:
        href = href.strip()
        if not href:
            return None
        if href.startswith("//"):
            href = "https:" + href
        parts = urlsplit(href)
        if parts.scheme:
            return {"href": href} if parts.scheme.lower() in _EXTERNAL_SCHEMES else None
        anchor = unquote(parts.fragment) or None
        if not parts.path:
            target = self.path
        elif parts.path.startswith("/"):
            return {"href": href}  # site-absolute: outside what this import knows
        else:
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(self.path), unquote(parts.path))
            )
            if target.startswith(".."):
                return None
        return {"href": href, TARGET_KEY: [target, anchor]}


def resolve_links(blocks: list[dict], resolve_target) -> None:
    """Replace recorded targets in `blocks`' link annotations using `resolve_target`.

    `resolve_target(path, anchor)` returns `(href, reference_id_or_None)`.
    """
    for block in blocks:
        for mark_def in block.get("markDefs", ()):
            target = mark_def.pop(TARGET_KEY, None)
            if target is None:
                continue
            href, reference = resolve_target(target[0], target[1])
            mark_def["href"] = href
            if reference is not None:
                mark_def["reference"] = {"_type": "reference", "_ref": reference}
