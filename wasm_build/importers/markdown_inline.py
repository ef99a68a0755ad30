"""Inline Markdown (code spans, strong, emphasis, links, autolinks, breaks) into Portable Text.

Kept apart from the block reader: blocks decide what a paragraph is, this decides what its
characters mean. Images are skipped: they are not bundled, and their alt text is not body text.
"""

from __future__ import annotations

import re

from .doc_model import LinkResolver
from .portable_text import BlockBuilder

TAG = re.compile(r"</?[A-Za-z][^>]*>")
_AUTOLINK = re.compile(r"<(?P<url>(?:https?://|mailto:)[^>\s]+)>")
_LINK_TITLE = re.compile(r"\s*(?:\"[^\"]*\"|'[^']*'|\([^)]*\))?\s*\)")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)


class InlineWriter:
    """Writes one paragraph's inline Markdown into the open block of a `BlockBuilder`."""

    def __init__(self, resolve_link: LinkResolver, references: dict[str, str]) -> None:
        self.resolve_link = resolve_link
        self.references = references

    def inline(self, text: str, marks: tuple[str, ...], builder: BlockBuilder) -> None:
        plain: list[str] = []

        def emit_plain() -> None:
            if plain:
                builder.add_text(TAG.sub("", "".join(plain)), marks)
                plain.clear()

        i, n = 0, len(text)
        while i < n:
            char = text[i]
            if char == "\\" and i + 1 < n:
                if text[i + 1] == "\n":
                    emit_plain()
                    builder.add_text("\n", marks, preformatted=True)
                else:
                    plain.append(text[i + 1])
                i += 2
                continue
            if char == "\n":
                joined = "".join(plain)
                if joined.endswith("  "):
                    plain[:] = [joined.rstrip(" ")]
                    emit_plain()
                    builder.add_text("\n", marks, preformatted=True)
                else:
                    plain.append(" ")
                i += 1
                continue
            if char == "`":
                run = len(text[i:]) - len(text[i:].lstrip("`"))
                end = text.find("`" * run, i + run)
                while end >= 0 and end + run < n and text[end + run] == "`":
                    end = text.find("`" * run, end + run + 1)
                if end >= 0:
                    emit_plain()
                    code = text[i + run : end].replace("\n", " ")
                    if code.startswith(" ") and code.endswith(" ") and code.strip():
                        code = code[1:-1]
                    builder.add_text(code, marks + ("code",), preformatted=True)
                    i = end + run
                    continue
                plain.append(text[i : i + run])
                i += run
                continue
            if char == "<":
                auto = _AUTOLINK.match(text, i)
                if auto:
                    emit_plain()
                    self._link(auto["url"], auto["url"], marks, builder)
                    i = auto.end()
                    continue
                tag = TAG.match(text, i)
                if tag:
                    if _BREAK_TAG.match(tag.group(0)):
                        emit_plain()
                        builder.add_text("\n", marks, preformatted=True)
                    i = tag.end()
                    continue
            if char == "!" and text.startswith("[", i + 1):
                parsed = self._bracket(text, i + 1)
                if parsed:
                    i = parsed[2]  # images are not bundled: the alt text is not body text
                    continue
            if char == "[":
                parsed = self._bracket(text, i)
                if parsed:
                    label, url, end = parsed
                    emit_plain()
                    self._link(label, url, marks, builder)
                    i = end
                    continue
            if char in "*_":
                run = (
                    3 if text.startswith(char * 3, i) else 2 if text.startswith(char * 2, i) else 1
                )
                end = self._closing(text, i, char, run)
                if end is not None:
                    emit_plain()
                    inner = marks
                    if run >= 2:
                        inner = _with(inner, "strong")
                    if run != 2:
                        inner = _with(inner, "em")
                    self.inline(text[i + run : end], inner, builder)
                    i = end + run
                    continue
            plain.append(char)
            i += 1
        emit_plain()

    def _bracket(self, text: str, start: int) -> tuple[str, str, int] | None:
        depth, i = 0, start
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == "[":
                depth += 1
            elif text[i] == "]":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        else:
            return None
        label = text[start + 1 : i]
        tail = _destination(text, i + 1)
        if tail:
            return label, tail[0], tail[1]
        if text.startswith("[", i + 1):
            close = text.find("]", i + 2)
            if close >= 0:
                key = (text[i + 2 : close] or label).strip().lower()
                if key in self.references:
                    return label, self.references[key], close + 1
        if label.strip().lower() in self.references:
            return label, self.references[label.strip().lower()], i + 1
        return None

    @staticmethod
    def _closing(text: str, start: int, char: str, run: int) -> int | None:
        opener_end = start + run
        if opener_end >= len(text) or text[opener_end].isspace():
            return None
        if char == "_" and start > 0 and text[start - 1].isalnum():
            return None  # snake_case is not emphasis
        search = opener_end
        while True:
            end = text.find(char * run, search)
            if end < 0:
                return None
            after = end + run
            if run == 1 and after < len(text) and text[after] == char:
                search = after + 1
                continue
            if end > opener_end and not text[end - 1].isspace():
                if char == "_" and after < len(text) and text[after].isalnum():
                    search = after
                    continue
                return end
            search = end + 1

    def _link(self, label: str, url: str, marks: tuple[str, ...], builder: BlockBuilder) -> None:
        fields = self.resolve_link(url)
        if fields is None:
            self.inline(label, marks, builder)
        else:
            self.inline(label, marks + (builder.add_link(fields),), builder)


def _with(marks: tuple[str, ...], mark: str) -> tuple[str, ...]:
    return marks if mark in marks else marks + (mark,)


def _destination(text: str, start: int) -> tuple[str, int] | None:
    """`(url "title")` after a link label: the URL (parentheses may nest) and where it ends."""
    if not text.startswith("(", start):
        return None
    i = start + 1
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if text.startswith("<", i):
        close = text.find(">", i)
        if close < 0:
            return None
        url, i = text[i + 1 : close], close + 1
    else:
        depth, begin = 0, i
        while i < len(text) and not text[i].isspace():
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        url = text[begin:i]
    title = _LINK_TITLE.match(text, i)
    return (url, title.end()) if title else None
