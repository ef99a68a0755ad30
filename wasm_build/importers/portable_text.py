"""Build Portable Text the way Sanity stores it, from whatever markup an importer reads.

Both documentation readers (HTML and Markdown) feed this one builder, so the bodies they produce
have the same shape: `block`s of `span`s with decorator marks (`strong`, `em`, `code`) and `link`
annotations in `markDefs`, `code` objects (`{_type: "code", language, code}`) kept verbatim, and
`table` objects (`rows[].cells[]`, the shape of the @sanity/table plugin).
Keys are counters, not random: the same page gives the same keys on every rebuild.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")


class BlockBuilder:
    """Accumulates one body: open a block, add text with marks, close it; add code and tables."""

    def __init__(self, key_prefix: str = "") -> None:
        self.blocks: list[dict] = []
        self._prefix = key_prefix
        self._spans: list[dict] | None = None
        self._mark_defs: list[dict] = []
        self._style = "normal"
        self._list: tuple[str, int] | None = None

    # -- text blocks ------------------------------------------------------------------------

    def open_block(self, style: str = "normal", list_item: tuple[str, int] | None = None) -> None:
        """Start a block unless one is open; loose text goes into an implicit paragraph."""
        if self._spans is None:
            self._spans = []
            self._mark_defs = []
            self._style = style
            self._list = list_item

    @property
    def block_open(self) -> bool:
        return self._spans is not None

    def add_text(
        self, text: str, marks: tuple[str, ...] = (), *, preformatted: bool = False
    ) -> None:
        if not text:
            return
        if self._spans is None:
            self.open_block()
        assert self._spans is not None
        if not preformatted:
            text = _SPACE.sub(" ", text)
            if text.startswith(" ") and (
                not self._spans or self._spans[-1]["text"].endswith((" ", "\n"))
            ):
                text = text[1:]
            if not text:
                return
        mark_list = list(marks)
        if self._spans and self._spans[-1]["marks"] == mark_list:
            self._spans[-1]["text"] += text
            return
        self._spans.append({"_type": "span", "text": text, "marks": mark_list})

    def add_link(self, fields: dict) -> str:
        """Register a link annotation in the open block and return its key for span marks."""
        if self._spans is None:
            self.open_block()
        key = f"m{len(self._mark_defs)}"
        self._mark_defs.append({"_key": key, "_type": "link", **fields})
        return key

    def close_block(self) -> None:
        spans, self._spans = self._spans, None
        if not spans:
            return
        spans[0]["text"] = spans[0]["text"].lstrip(" ")
        spans[-1]["text"] = spans[-1]["text"].rstrip(" \n")
        spans = [span for span in spans if span["text"]]
        if not spans:
            return
        used = {mark for span in spans for mark in span["marks"]}
        key = self._next_key()
        mark_defs = []
        for mark_def in self._mark_defs:
            if mark_def["_key"] in used:
                old = mark_def["_key"]
                mark_def["_key"] = f"{key}{old}"
                for span in spans:
                    span["marks"] = [f"{key}{old}" if m == old else m for m in span["marks"]]
                mark_defs.append(mark_def)
        children = [
            {"_key": f"{key}s{i}", "_type": "span", "marks": span["marks"], "text": span["text"]}
            for i, span in enumerate(spans)
        ]
        block: dict = {
            "_key": key,
            "_type": "block",
            "style": self._style,
            "children": children,
            "markDefs": mark_defs,
        }
        if self._list is not None:
            block["listItem"], block["level"] = self._list
        self.blocks.append(block)

    # -- objects ----------------------------------------------------------------------------

    def add_code(self, code: str, language: str | None) -> None:
        self.close_block()
        code = code.strip("\n")
        if not code.strip():
            return
        self.blocks.append(
            {
                "_key": self._next_key(),
                "_type": "code",
                "language": language or "text",
                "code": code,
            }
        )

    def add_table(self, rows: list[list[str]]) -> None:
        self.close_block()
        rows = [row for row in rows if any(cell for cell in row)]
        if not rows:
            return
        key = self._next_key()
        self.blocks.append(
            {
                "_key": key,
                "_type": "table",
                "rows": [
                    {"_key": f"{key}r{i}", "_type": "tableRow", "cells": cells}
                    for i, cells in enumerate(rows)
                ],
            }
        )

    def finish(self) -> list[dict]:
        self.close_block()
        return self.blocks

    def _next_key(self) -> str:
        return f"{self._prefix}b{len(self.blocks)}"


def collapse_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def block_text(block: dict) -> str:
    """The plain text a reader sees for one body item."""
    kind = block.get("_type")
    if kind == "block":
        return "".join(child.get("text", "") for child in block.get("children", []))
    if kind == "code":
        return block.get("code", "")
    if kind == "table":
        return "\n".join(" | ".join(row.get("cells", [])) for row in block.get("rows", []))
    return ""


def plain_text(blocks: list[dict]) -> str:
    """A body as plain text: paragraphs apart by a blank line, list items on their own lines."""
    parts: list[str] = []
    previous_list = False
    for block in blocks:
        text = block_text(block)
        if not text:
            continue
        is_list = "listItem" in block
        if parts:
            parts.append("\n" if is_list and previous_list else "\n\n")
        parts.append(text)
        previous_list = is_list
    return "".join(parts)
