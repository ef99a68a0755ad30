"""The streaming renderer: Markdown chunks in, allowlisted DOM operations out.

This is the one place where what the parser recognised becomes elements, so it is also the one
place that applies the URL policy and decides link attributes. The parser may be fooled into
seeing a link; it cannot make the renderer emit an element or attribute outside ``ops.ALLOWED``.

Text is gathered and emitted as one ``text`` operation per run, so a chunk of prose costs one
operation however many characters it holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.render.blocks import MarkdownParser
from app.render.ops import LINK_REL, LINK_TARGET, Op
from app.render.url_policy import image_decision, safe_link

_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.\-]{1,40}")

# parser kind -> (element, fixed attributes)
_SIMPLE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "paragraph": ("p", ()),
    "quote": ("blockquote", ()),
    "item": ("li", ()),
    "emphasis": ("em", ()),
    "strong": ("strong", ()),
    "strike": ("del", ()),
    "code": ("code", ()),
    "math_inline": ("span", (("class", "math-inline"),)),
    "math_display": ("div", (("class", "math-display"),)),
    "table": ("table", ()),
    "table_head": ("thead", ()),
    "table_body": ("tbody", ()),
    "row": ("tr", ()),
}


@dataclass(frozen=True)
class Source:
    """A retrieved source a citation marker ``[n]`` may point to."""

    url: str
    title: str = ""


def _as_source(value: Any) -> Source:
    if isinstance(value, Source):
        return value
    if isinstance(value, str):
        return Source(value)
    if isinstance(value, Mapping):
        return Source(str(value.get("url", "")), str(value.get("title", "")))
    raise TypeError(f"a source must be a URL, a {{url, title}} mapping or a Source: {value!r}")


class Renderer:
    """``write(chunk)`` and ``end()`` return the DOM operations for what has become certain.

    ``sources`` maps citation numbers to retrieved sources (a URL string, a ``{"url", "title"}``
    mapping, or a ``Source``); ``[n]`` in the answer becomes a link to source n when it exists.
    """

    def __init__(self, sources: Mapping[int, Any] | None = None) -> None:
        self.sources = {int(k): _as_source(v) for k, v in (sources or {}).items()}
        self._ops: list[Op] = []
        self._text: list[str] = []
        # how many elements each parser-level open produced (0 for a refused link, 2 for code)
        self._opened: list[int] = []
        self._parser = MarkdownParser(self)
        self._ended = False

    # ---- public -----------------------------------------------------------------------------

    def write(self, chunk: str) -> list[Op]:
        if self._ended:
            raise ValueError("write() after end(): start a new Renderer for a new message")
        self._parser.feed(chunk)
        return self._take()

    def end(self) -> list[Op]:
        if not self._ended:
            self._parser.finish()
            self._ended = True
        return self._take()

    def _take(self) -> list[Op]:
        self._flush()
        ops, self._ops = self._ops, []
        return ops

    # ---- sink interface for the parser --------------------------------------------------------

    def _flush(self) -> None:
        if self._text:
            data, self._text = "".join(self._text), []
            if data:
                self._ops.append(["text", data])

    def _el(self, tag: str, *attrs: tuple[str, str]) -> None:
        self._flush()
        self._ops.append(["open", tag])
        for name, value in attrs:
            self._ops.append(["attr", name, value])

    def _end_el(self) -> None:
        self._flush()
        self._ops.append(["close"])

    def _link_attrs(self, href: str, title: str = "") -> tuple[tuple[str, str], ...]:
        attrs = (("href", href), ("rel", LINK_REL), ("target", LINK_TARGET))
        return attrs + ((("title", title),) if title else ())

    def open(self, kind: str, **info: Any) -> None:
        count = 1
        if kind in _SIMPLE:
            tag, attrs = _SIMPLE[kind]
            self._el(tag, *attrs)
        elif kind == "heading":
            self._el(f"h{min(max(int(info['level']), 1), 6)}")
        elif kind == "list":
            start = int(info.get("start", 1))
            if info.get("ordered"):
                self._el("ol", *((("start", str(start)),) if start != 1 else ()))
            else:
                self._el("ul")
        elif kind == "cell":
            self._el("th" if info.get("header") else "td")
        elif kind == "code_block":
            self._el("pre", ("data-copy", "code"))
            lang = str(info.get("lang", ""))
            self._el(
                "code", *((("class", f"language-{lang}"),) if _LANGUAGE.fullmatch(lang) else ())
            )
            count = 2
        elif kind == "link":
            href = safe_link(str(info.get("href", "")))
            if href is None:
                count = 0
            else:
                self._el("a", *self._link_attrs(href, str(info.get("title", ""))))
        elif kind == "autolink":
            self._el("a")
        else:
            raise ValueError(f"parser opened an unknown kind {kind!r}")
        self._opened.append(count)

    def close(self) -> None:
        for _ in range(self._opened.pop()):
            self._end_el()

    def text(self, data: str) -> None:
        self._text.append(data)

    def set_href(self, url: str) -> None:
        """An autolink's URL is complete; the ``a`` is still the current element."""
        href = safe_link(url)
        if href is not None:
            self._flush()
            for name, value in self._link_attrs(href):
                self._ops.append(["attr", name, value])

    def leaf(self, kind: str, **info: Any) -> None:
        if kind == "break":
            self._el("br")
            self._end_el()
        elif kind == "rule":
            self._el("hr")
            self._end_el()
        elif kind == "checkbox":
            checked = (("checked", ""),) if info.get("checked") else ()
            self._el("input", ("type", "checkbox"), ("disabled", ""), *checked)
            self._end_el()
        elif kind == "image":
            self._image(str(info["src"]), str(info.get("alt", "")), str(info.get("title", "")))
        elif kind == "angle_link":
            url = str(info["url"])
            href = safe_link(url)
            if href is None:
                self.text(f"<{url}>")
            else:
                self._el("a", *self._link_attrs(href))
                self.text(url)
                self._end_el()
        elif kind == "citation":
            self._citation(int(info["number"]))
        else:
            raise ValueError(f"parser emitted an unknown leaf {kind!r}")

    def _image(self, src: str, alt: str, title: str) -> None:
        decision = image_decision(src)
        if decision.kind == "load":
            attrs = [("src", decision.url), ("alt", alt)] + ([("title", title)] if title else [])
            self._el("img", *attrs)
            self._end_el()
        elif decision.kind == "link":
            # A remote image would tell its host who is reading: offer it as a link instead.
            self._el("a", *self._link_attrs(decision.url, title))
            self.text(alt or decision.url)
            self._end_el()
        elif alt:
            self.text(alt)

    def _citation(self, number: int) -> None:
        source = self.sources.get(number)
        href = safe_link(source.url) if source else None
        if source is None or href is None:
            self.text(f"[{number}]")
            return
        self._el("a", ("class", "citation"), *self._link_attrs(href, source.title))
        self.text(f"[{number}]")
        self._end_el()
