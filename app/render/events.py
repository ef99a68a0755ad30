"""The four calls the Markdown parser makes, so that it never knows about elements or the DOM.

The parser reports what it recognised (a paragraph opens, some text, a link to this URL...) and the
renderer decides what, if anything, that becomes on the page: that is where the element allowlist
and the URL policy live, in one place, and where a test can swap in a recording sink.

Kinds passed to ``open`` (closed later by ``close``): ``paragraph``, ``heading`` (level),
``quote``, ``list`` (ordered, start), ``item``, ``code_block`` (lang), ``table``, ``table_head``,
``table_body``, ``row``, ``cell`` (header), ``emphasis``, ``strong``, ``strike``, ``code``,
``math_inline``, ``math_display``, ``link`` (href, title), ``autolink`` (href arrives later through
``set_href``).

Kinds passed to ``leaf`` (nothing inside, nothing to close): ``break``, ``rule``, ``checkbox``
(checked), ``image`` (src, alt, title), ``angle_link`` (url), ``citation`` (number).
"""

from __future__ import annotations

from typing import Any, Protocol


class Sink(Protocol):
    def open(self, kind: str, **info: Any) -> None: ...

    def close(self) -> None: ...

    def text(self, data: str) -> None: ...

    def leaf(self, kind: str, **info: Any) -> None: ...

    def set_href(self, url: str) -> None: ...
