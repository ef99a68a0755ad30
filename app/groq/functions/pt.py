"""pt:: functions over Portable Text (Sanity's rich-text JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope


def _blocks(value: object) -> list[dict]:
    """Blocks are objects with a `children` array, found in (nested) arrays of blocks."""
    out: list[dict] = []
    stack = [value]
    while stack:
        current = stack.pop()
        if type(current) is dict:
            if type(current.get("children")) is list:
                out.append(current)
        elif type(current) is list:
            stack.extend(reversed(current))
    return out


def plain_text(value: object) -> str | None:
    """Spans' text joined per block, blocks separated by a blank line; None without blocks."""
    blocks = _blocks(value)
    if not blocks:
        return None
    texts = []
    for block in blocks:
        parts = [
            child["text"]
            for child in block["children"]
            if type(child) is dict
            and child.get("_type") == "span"
            and type(child.get("text")) is str
        ]
        texts.append("".join(parts))
    return "\n\n".join(texts)


@eager("pt", "text", 1)
def text(scope: Scope, value: object) -> object:
    return plain_text(value)


def _is_block(value: object) -> bool:
    return type(value) is dict and type(value.get("_type")) is str


@eager("global", "pt", 1)
def pt(scope: Scope, value: object) -> object:
    """The Portable Text constructor: a block or an array of blocks, else null."""
    if _is_block(value):
        return value
    if type(value) is list and value and all(_is_block(v) for v in value):
        return value
    return None
