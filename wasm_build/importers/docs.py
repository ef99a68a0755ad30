"""Turn a folder of documentation pages (Sphinx HTML, Markdown) into Sanity-shaped documents.

One `docPage` per page and one `docSection` per section (including API object descriptions and
glossary terms), with ids derived from the page path and anchor, so a rebuild of unchanged docs
gives identical ids and the chat's citations stay valid. Pages point at their parent page (from
toctrees, else from the folder's index page); sections point at their page and enclosing section.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .doc_hierarchy import page_parents, reading_order
from .doc_links import PageLinks, resolve_links
from .doc_model import PageSource, SectionSource
from .errors import ContentImportError
from .markdown import read_markdown_page
from .output import ImportResult
from .portable_text import plain_text
from .sphinx_html import read_sphinx_page

PAGE_TYPE = "docPage"
SECTION_TYPE = "docSection"
HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Generated listings, not content: Sphinx's indexes and search page, and 404 pages.
DEFAULT_EXCLUDE = (
    "genindex*.html",
    "*/genindex*.html",
    "search.html",
    "*modindex.html",
    "404.html",
)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_DESCRIPTION_LIMIT = 300


@dataclass
class DocsImportStats:
    pages: int = 0
    sections: int = 0
    text_chars: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_kind.items()))
        return (
            f"{self.pages} pages, {self.sections} sections ({kinds}), "
            f"{self.text_chars:,} characters of text, in {self.seconds:.1f} s"
        )


def find_pages(folder: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """Relative posix paths of the pages to import, sorted.

    `_*`/`.*` folders are build output (`_static`, `_sources`); pages named like `__main__.html`
    or `_thread.html` are real pages (the Python docs have both).
    """
    patterns = DEFAULT_EXCLUDE + tuple(exclude)
    found: list[str] = []
    for path in folder.rglob("*"):
        if not path.is_file() or not path.name.lower().endswith(HTML_SUFFIXES + MARKDOWN_SUFFIXES):
            continue
        relative = path.relative_to(folder).as_posix()
        *folders, name = relative.split("/")
        if name.startswith(".") or any(part.startswith(("_", ".")) for part in folders):
            continue
        if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
            continue
        found.append(relative)
    return sorted(found)


def read_page(folder: Path, relative: str) -> PageSource:
    """One page read into sections; Markdown or HTML by its suffix."""
    file = folder / relative
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentImportError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(file)
        ) from exc
    except OSError as exc:  # no permission, a page that vanished after the folder was listed
        raise ContentImportError(f"cannot read it ({exc.strerror or exc})", file=str(file)) from exc
    links = PageLinks(relative)
    if relative.lower().endswith(MARKDOWN_SUFFIXES):
        return read_markdown_page(text, relative, links)
    return read_sphinx_page(text, relative, links)


def import_docs(
    folder: Path | str, base_url: str = "", exclude: tuple[str, ...] = (), jobs: int = 1
) -> tuple[ImportResult, DocsImportStats]:
    """Import every page under `folder`; URLs are `base_url` + the page's path (+ `#anchor`).

    Pages are read independently, so `jobs` > 1 reads them in that many processes (HTML parsing
    is most of the time); the result is the same whatever `jobs` is.
    """
    started = time.perf_counter()
    root = Path(folder)
    if not root.is_dir():
        raise ContentImportError("not a folder of documentation pages", file=str(root))
    paths = find_pages(root, exclude)
    if not paths:
        raise ContentImportError("no .html or .md pages found", file=str(root))
    if jobs > 1 and len(paths) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pages = list(pool.map(read_page, [root] * len(paths), paths, chunksize=8))
    else:
        pages = [read_page(root, path) for path in paths]
    result = build_documents(pages, base_url)
    stats = _stats(result, time.perf_counter() - started)
    return result, stats


# -- documents -------------------------------------------------------------------------------


def page_url(path: str) -> str:
    """Where the site serves a page: Markdown sources are served as `.html`."""
    if path.lower().endswith(MARKDOWN_SUFFIXES):
        return path.rsplit(".", 1)[0] + ".html"
    return path


def page_slug(path: str) -> str:
    return path.rsplit(".", 1)[0]


def _id_part(raw: str) -> str:
    safe = _ID_UNSAFE.sub("_", raw)
    if safe != raw or len(safe) > 100:
        digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
        safe = f"{safe[:90]}-{digest}"
    return safe


def page_id(path: str) -> str:
    return f"{PAGE_TYPE}.{_id_part(page_slug(path).replace('/', '.'))}"


def section_id(path: str, anchor: str | None) -> str:
    base = _id_part(page_slug(path).replace("/", "."))
    return (
        f"{SECTION_TYPE}.{base}" if anchor is None else f"{SECTION_TYPE}.{base}.{_id_part(anchor)}"
    )


def _ref(target: str) -> dict:
    return {"_type": "reference", "_ref": target}


def build_documents(pages: list[PageSource], base_url: str = "") -> ImportResult:
    """Documents for already-read pages: ids, URLs, references, resolved links."""
    base = base_url if not base_url or base_url.endswith("/") else base_url + "/"
    by_path = {page.path: page for page in pages}
    result = ImportResult(documents=[])
    ids = _IdAllocator(result.warnings)
    section_ids: dict[tuple[str, str | None], str] = {}
    page_ids = {page.path: ids.claim(page_id(page.path)) for page in pages}
    planned: list[_Planned] = []
    for page in pages:
        for top in page.sections:
            _plan_sections(page, top, 1, [], None, planned, ids, section_ids)
    parents = page_parents(pages)
    order = reading_order(pages, parents)

    def resolve_target(path: str, anchor: str | None) -> tuple[str, str | None]:
        fragment = f"#{anchor}" if anchor else ""
        if path not in by_path:
            return f"{base}{path}{fragment}", None
        target = section_ids.get((path, anchor)) if anchor else None
        return f"{base}{page_url(path)}{fragment}", target or page_ids[path]

    sections_per_page: dict[str, int] = {}
    for plan in planned:
        plan.order = sections_per_page.get(plan.page.path, 0)
        sections_per_page[plan.page.path] = plan.order + 1
        resolve_links(plan.section.blocks, resolve_target)
        result.documents.append(_section_document(plan, page_ids, base))
    for page in pages:
        result.documents.append(
            _page_document(
                page, page_ids, parents, order, sections_per_page.get(page.path, 0), base
            )
        )
    return result


class _IdAllocator:
    """Ids are unique even when two sources sanitise to the same id (with a warning)."""

    def __init__(self, warnings: list[str]) -> None:
        self.taken: set[str] = set()
        self.warnings = warnings

    def claim(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{wanted}-{n}"
        if candidate != wanted:
            self.warnings.append(f"id {wanted} is used twice; the later one is {candidate}")
        self.taken.add(candidate)
        return candidate


@dataclass
class _Planned:
    """A section with everything decided before documents are made (ids first, for links)."""

    page: PageSource
    section: SectionSource
    doc_id: str
    level: int
    headings: list[str]
    parent_id: str | None
    anchor_in_url: bool  # False for a page's first top section: it is the page itself
    order: int = 0  # position in the page, in reading order


def _plan_sections(page, section, level, headings, parent_id, planned, ids, section_ids) -> None:
    doc_id = ids.claim(section_id(page.path, section.anchor))
    path_titles = [*headings, section.title or page.title]
    opens_page = parent_id is None and section is page.sections[0]
    planned.append(_Planned(page, section, doc_id, level, path_titles, parent_id, not opens_page))
    for anchor in [section.anchor, *section.aliases]:
        if anchor is not None:
            section_ids.setdefault((page.path, anchor), doc_id)
    for child in section.children:
        _plan_sections(page, child, level + 1, path_titles, doc_id, planned, ids, section_ids)


def _section_document(plan: _Planned, page_ids: dict[str, str], base: str) -> dict:
    page, section = plan.page, plan.section
    url = page_url(page.path)
    if section.anchor is not None and plan.anchor_in_url:
        url = f"{url}#{section.anchor}"
    slug = page_slug(page.path)
    if section.anchor is not None:
        slug = f"{slug}/{section.anchor}"
    text = plain_text(section.blocks)
    if section.signature:
        text = f"{section.signature}\n\n{text}" if text else section.signature
    doc: dict = {
        "_id": plan.doc_id,
        "_type": SECTION_TYPE,
        "title": section.title or page.title,
        "slug": {"_type": "slug", "current": slug},
        "url": f"{base}{url}",
        "headings": plan.headings,
        "kind": section.kind,
        "level": plan.level,
        "order": plan.order,
    }
    if section.anchor is not None:
        doc["anchor"] = section.anchor
    if section.number:
        doc["number"] = section.number
    if section.signature:
        doc["signature"] = section.signature
        doc["objectType"] = section.object_type
    doc["page"] = _ref(page_ids[page.path])
    if plan.parent_id is not None:
        doc["parent"] = _ref(plan.parent_id)
    doc["body"] = section.blocks
    doc["text"] = text
    return doc


def _page_document(page, page_ids, parents, order, section_count, base) -> dict:
    description = page.description or _first_paragraph(page)
    doc: dict = {
        "_id": page_ids[page.path],
        "_type": PAGE_TYPE,
        "title": page.title,
        "slug": {"_type": "slug", "current": page_slug(page.path)},
        "url": f"{base}{page_url(page.path)}",
        "path": page.path,
        "format": page.format,
        "headings": [page.title],
        "description": description,
        "text": description,
        "order": order[page.path],
        "sectionCount": section_count,
    }
    parent = parents.get(page.path)
    if parent is not None:
        doc["parent"] = _ref(page_ids[parent])
    return doc


def _first_paragraph(page: PageSource) -> str:
    for section in page.sections[0].walk() if page.sections else ():
        for block in section.blocks:
            if block["_type"] == "block" and block.get("style") == "normal":
                text = plain_text([block])
                if len(text) > 20:
                    if len(text) > _DESCRIPTION_LIMIT:
                        text = text[:_DESCRIPTION_LIMIT].rsplit(" ", 1)[0] + " …"
                    return text
    return ""


def _stats(result: ImportResult, seconds: float) -> DocsImportStats:
    stats = DocsImportStats(seconds=seconds)
    for doc in result.documents:
        if doc["_type"] == PAGE_TYPE:
            stats.pages += 1
        else:
            stats.sections += 1
            stats.text_chars += len(doc["text"])
            stats.by_kind[doc["kind"]] = stats.by_kind.get(doc["kind"], 0) + 1
    return stats
