"""Read one Markdown page into sections, for documentation kept as `.md` files.

Covers what documentation trees use: ATX and setext headings (with `{#id}` anchors), paragraphs,
fenced and indented code, nested lists, block quotes, pipe tables, thematic breaks, MkDocs
admonitions (`!!! note`), YAML-style front matter (`title:`, `description:`), and inline code,
strong, emphasis, links (inline, reference and autolinks). Anchors follow GitHub's slug rule,
so `#reading-files` links keep working.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .doc_model import LinkResolver, PageSource, SectionSource
from .markdown_inline import TAG, InlineWriter
from .portable_text import BlockBuilder, collapse_space

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?P<char>=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*)|$)")
_QUOTE = re.compile(r"^ {0,3}> ?(?P<text>.*)$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_REFERENCE = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:[ \t]*<?(?P<url>[^\s>]+)>?")
_HEADING_ID = re.compile(r"[ \t]*\{#(?P<id>[^}\s]+)\}[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# MkDocs/Python-Markdown admonitions: `!!! note "Title"` (or `???` collapsed) + indented body.
_ADMONITION = re.compile(
    r'^(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$'
)


@dataclass
class _Block:
    kind: str  # heading | paragraph | code | item | quote | table | rule
    text: str = ""
    level: int = 0
    anchor: str | None = None
    language: str | None = None
    list_kind: str | None = None
    rows: list[list[str]] | None = None


def read_markdown_page(text: str, path: str, resolve_link: LinkResolver) -> PageSource:
    """The page's title and sections with Portable Text bodies."""
    text = _COMMENT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    front, body = _front_matter(text)
    references: dict[str, str] = {}
    blocks = _parse_blocks(body.split("\n"), references)
    anchors = _assign_anchors(blocks)
    headings = [b for b in blocks if b.kind == "heading"]
    title = front.get("title") or next((h.text for h in headings if h.level == 1), "")
    title = collapse_space(_strip_inline(title)) or _title_from_path(path)
    inline = InlineWriter(resolve_link, references)
    single_top = bool(blocks) and blocks[0].kind == "heading" and blocks[0].level == 1
    single_top = single_top and sum(1 for h in headings if h.level == 1) == 1
    root = SectionSource(anchor=None, title=title)
    stack: list[tuple[int, SectionSource, BlockBuilder]] = [(0, root, BlockBuilder())]
    for block in blocks:
        if block.kind == "heading":
            while len(stack) > 1 and stack[-1][0] >= block.level:
                _close(stack.pop())
            section = SectionSource(anchor=anchors[id(block)], title=_strip_inline(block.text))
            stack[-1][1].children.append(section)
            stack.append((block.level, section, BlockBuilder()))
            continue
        _write_block(block, stack[-1][2], inline)
    while stack:
        _close(stack.pop())
    sections = root.children if single_top else [root]
    return PageSource(
        path=path,
        title=title,
        format="markdown",
        sections=sections,
        description=collapse_space(front.get("description", "")),
    )


def _close(entry: tuple[int, SectionSource, BlockBuilder]) -> None:
    entry[1].blocks = entry[2].finish()


def _title_from_path(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem.lower() in ("index", "readme") and "/" in path:
        stem = path.rsplit("/", 2)[-2]
    return stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    fields: dict[str, str] = {}
    for line in text[4:end].split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t")):
            fields[key.strip().lower()] = value.strip().strip("\"'")
    rest = text[end + 4 :]
    return fields, rest[1:] if rest.startswith("\n") else rest


def github_slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    text = _strip_inline(text).strip().lower()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "-_" or category[0] in "LN" or category == "Mn":
            kept.append(char)
        elif char == " ":
            kept.append("-")
    return "".join(kept)


def _assign_anchors(blocks: list[_Block]) -> dict[int, str]:
    anchors: dict[int, str] = {}
    seen: dict[str, int] = {}
    for block in blocks:
        if block.kind != "heading":
            continue
        base = block.anchor or github_slug(block.text) or "section"
        anchor = base
        if base in seen:
            seen[base] += 1
            anchor = f"{base}-{seen[base]}"
        else:
            seen[base] = 0
        anchors[id(block)] = anchor
    return anchors


def _strip_inline(text: str) -> str:
    """Heading text as a reader sees it (markup characters removed)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = TAG.sub("", text)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return collapse_space(text)


# -- blocks ----------------------------------------------------------------------------------


def _parse_blocks(lines: list[str], references: dict[str, str]) -> list[_Block]:
    blocks: list[_Block] = []
    paragraph: list[str] = []
    list_indents: list[int] = []
    in_item = False  # the last block is a list item still taking lazy continuation lines

    def flush() -> None:
        if paragraph:
            blocks.append(_Block("paragraph", "\n".join(paragraph)))
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            in_item = False
            indent, marker = len(fence["indent"]), fence["fence"]
            code: list[str] = []
            i += 1
            while i < len(lines):
                closing = lines[i].strip()
                if closing.startswith(marker[0] * len(marker)) and not closing.strip(marker[0]):
                    break
                stripped = lines[i]
                code.append(stripped[min(indent, len(stripped) - len(stripped.lstrip(" "))) :])
                i += 1
            language = fence["info"].split()[0] if fence["info"].split() else None
            blocks.append(_Block("code", "\n".join(code), language=language))
            i += 1
            continue
        if not line.strip():
            flush()
            in_item = False
            i += 1
            continue
        reference = _REFERENCE.match(line)
        if reference and not paragraph:
            references[reference["label"].strip().lower()] = reference["url"]
            i += 1
            continue
        heading = _ATX.match(line)
        if heading:
            flush()
            in_item, list_indents = False, []
            text = heading["text"] or ""
            anchor = None
            explicit = _HEADING_ID.search(text)
            if explicit:
                anchor, text = explicit["id"], text[: explicit.start()]
            blocks.append(
                _Block("heading", text.strip(), level=len(heading["hashes"]), anchor=anchor)
            )
            i += 1
            continue
        setext = _SETEXT.match(line)
        if setext and paragraph and not in_item:
            text = " ".join(paragraph)
            paragraph.clear()
            anchor = None
            explicit = _HEADING_ID.search(text)
            if explicit:
                anchor, text = explicit["id"], text[: explicit.start()]
            level = 1 if setext["char"][0] == "=" else 2
            blocks.append(_Block("heading", text.strip(), level=level, anchor=anchor))
            i += 1
            continue
        if _HR.match(line):
            flush()
            in_item, list_indents = False, []
            blocks.append(_Block("rule"))
            i += 1
            continue
        item = _LIST.match(line)
        if item:
            flush()
            indent = len(item["indent"].expandtabs(4))
            while list_indents and list_indents[-1] > indent:
                list_indents.pop()
            if not list_indents or list_indents[-1] < indent:
                list_indents.append(indent)
            kind = "bullet" if item["marker"][0] in "-*+" else "number"
            blocks.append(
                _Block("item", item["text"] or "", level=len(list_indents), list_kind=kind)
            )
            in_item = True
            i += 1
            continue
        admonition = _ADMONITION.match(line)
        if admonition and not paragraph:
            flush()
            in_item, list_indents = False, []
            title = admonition["title"]
            if title is None:
                title = admonition["kind"].replace("-", " ").capitalize()
            if title:
                blocks.append(_Block("paragraph", f"**{title}**"))
            body: list[str] = []
            i += 1
            while i < len(lines) and (lines[i].startswith(("    ", "\t")) or not lines[i].strip()):
                body.append(lines[i][4:] if lines[i].startswith("    ") else lines[i][1:])
                i += 1
            blocks.extend(_parse_blocks(body, references))
            continue
        quote = _QUOTE.match(line)
        if quote:
            flush()
            in_item = False
            quoted = [quote["text"]]
            i += 1
            while i < len(lines) and (match := _QUOTE.match(lines[i])):
                quoted.append(match["text"])
                i += 1
            for paragraph_text in "\n".join(quoted).split("\n\n"):
                if paragraph_text.strip():
                    blocks.append(_Block("quote", paragraph_text))
            continue
        if (
            "|" in line
            and i + 1 < len(lines)
            and _TABLE_RULE.match(lines[i + 1])
            and "-" in lines[i + 1]
        ):
            flush()
            in_item = False
            rows = [_table_cells(line)]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_table_cells(lines[i]))
                i += 1
            blocks.append(_Block("table", rows=rows))
            continue
        if line.startswith(("    ", "\t")) and not paragraph and not in_item and not list_indents:
            code = []
            while i < len(lines) and (lines[i].startswith(("    ", "\t")) or not lines[i].strip()):
                code.append(lines[i][4:] if lines[i].startswith("    ") else lines[i][1:])
                i += 1
            blocks.append(_Block("code", "\n".join(code).strip("\n")))
            continue
        if in_item:
            blocks[-1].text += "\n" + _trim(line)
        elif list_indents and line.startswith((" ", "\t")) and not paragraph:
            # A later paragraph of the current list item.
            blocks.append(
                _Block("item", line.strip(), level=len(list_indents), list_kind=_last_kind(blocks))
            )
            in_item = True
        else:
            if not line.startswith((" ", "\t")):
                list_indents = []
            paragraph.append(_trim(line))
        i += 1
    flush()
    return blocks


def _trim(line: str) -> str:
    """A paragraph line without its indentation, keeping the two trailing spaces of a break."""
    return line.strip() + ("  " if line.endswith("  ") else "")


def _last_kind(blocks: list[_Block]) -> str:
    for block in reversed(blocks):
        if block.kind == "item":
            return block.list_kind or "bullet"
    return "bullet"


def _table_cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells = re.split(r"(?<!\\)\|", line)
    return [_strip_inline(cell.replace("\\|", "|")) for cell in cells]


def _write_block(block: _Block, builder: BlockBuilder, inline: InlineWriter) -> None:
    if block.kind == "code":
        builder.add_code(block.text, block.language or "text")
    elif block.kind == "table":
        builder.add_table(block.rows or [])
    elif block.kind == "rule":
        builder.close_block()
    else:
        builder.close_block()
        if block.kind == "item":
            builder.open_block("normal", (block.list_kind or "bullet", block.level))
        else:
            builder.open_block("blockquote" if block.kind == "quote" else "normal")
        inline.inline(block.text, (), builder)
        builder.close_block()
