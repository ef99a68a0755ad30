"""The DOM operations the renderer emits, and the allowlist they are confined to.

Operations travel from the Web Worker to the page as plain JSON, so each one is a list whose first
item names it. The page keeps a stack of open elements whose bottom is the message's container, and
applies the operations in order with ``createElement``, ``append``, ``setAttribute`` only:

``["open", tag]``
    ``document.createElement(tag)``, append it to the current element, push it: it becomes current.
``["attr", name, value]``
    ``current.setAttribute(name, value)``. Always targets the current (innermost open) element;
    it may come after that element's children (an autolink learns its href when the URL ends).
``["text", data]``
    ``current.append(data)`` (a text node; the page may extend the last text node instead).
``["close"]``
    Pop the current element. Void elements (``br``, ``hr``, ``img``, ``input``) are opened and
    closed at once, with their attributes in between.

There is no operation that removes, replaces or re-parents anything: an element once emitted stays
where it is, so the page never tears down what the reader is looking at. Every batch returned by
``Renderer.write`` may end with elements still open; ``Renderer.end`` closes them all.

Markers the page recognises (it may enhance these, never un-sanitise them):

- a code block is ``pre[data-copy="code"] > code``; the page may give that ``pre`` a copy button.
  ``code`` may carry ``class="language-<name>"`` (name limited to ``[A-Za-z0-9_+#.-]``, 40 chars).
- math is ``span.math-inline`` or ``div.math-display`` holding the TeX source as text.
- a citation of retrieved source N is ``a.citation`` with the source's URL and title.
- every ``a`` with an ``href`` also has ``rel="noopener noreferrer"`` and ``target="_blank"``.
  An ``a`` may have no ``href`` (a bare URL the policy refused, e.g. too long): it reads as text.
- task list boxes are ``input[type=checkbox][disabled]`` (``checked=""`` when ticked).

``check`` below is the same contract as code: tests run every operation stream through it, and the
page's applier should enforce the same tables (a second line of defence if this module has a bug).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from app.render.url_policy import is_safe_href, is_safe_image_src

Op = list  # ["open", tag] | ["attr", name, value] | ["text", data] | ["close"]

VOID_ELEMENTS = frozenset({"br", "hr", "img", "input"})

# Element -> attributes it may carry. Nothing else is ever emitted.
ALLOWED: dict[str, frozenset[str]] = {
    "p": frozenset(),
    "h1": frozenset(),
    "h2": frozenset(),
    "h3": frozenset(),
    "h4": frozenset(),
    "h5": frozenset(),
    "h6": frozenset(),
    "blockquote": frozenset(),
    "ul": frozenset(),
    "ol": frozenset({"start"}),
    "li": frozenset(),
    "input": frozenset({"type", "checked", "disabled"}),
    "hr": frozenset(),
    "br": frozenset(),
    "pre": frozenset({"data-copy"}),
    "code": frozenset({"class"}),
    "em": frozenset(),
    "strong": frozenset(),
    "del": frozenset(),
    "a": frozenset({"href", "rel", "target", "title", "class"}),
    "img": frozenset({"src", "alt", "title"}),
    "span": frozenset({"class"}),
    "div": frozenset({"class"}),
    "table": frozenset(),
    "thead": frozenset(),
    "tbody": frozenset(),
    "tr": frozenset(),
    "th": frozenset(),
    "td": frozenset(),
}

LINK_REL = "noopener noreferrer"
LINK_TARGET = "_blank"

_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.\-]{1,40}")
FIXED_VALUES: dict[tuple[str, str], frozenset[str]] = {
    ("a", "rel"): frozenset({LINK_REL}),
    ("a", "target"): frozenset({LINK_TARGET}),
    ("a", "class"): frozenset({"citation"}),
    ("input", "type"): frozenset({"checkbox"}),
    ("input", "checked"): frozenset({""}),
    ("input", "disabled"): frozenset({""}),
    ("pre", "data-copy"): frozenset({"code"}),
    ("span", "class"): frozenset({"math-inline"}),
    ("div", "class"): frozenset({"math-display"}),
}


class OpsError(ValueError):
    """An operation stream breaks the contract above; says which operation and why."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"operation {index}: {reason}")
        self.index = index
        self.reason = reason


def _check_value(tag: str, name: str, value: str) -> str | None:
    """Why this attribute value is not allowed, or None when it is."""
    if (tag, name) in FIXED_VALUES:
        return None if value in FIXED_VALUES[(tag, name)] else f"{name}={value!r} not allowed"
    if (tag, name) == ("code", "class"):
        return None if _LANGUAGE_CLASS.fullmatch(value) else f"class={value!r} not allowed"
    if (tag, name) == ("ol", "start"):
        return None if value.isdigit() and len(value) <= 9 else f"start={value!r} not a number"
    if (tag, name) == ("a", "href"):
        return None if is_safe_href(value) else f"href={value!r} outside the URL policy"
    if (tag, name) == ("img", "src"):
        return None if is_safe_image_src(value) else f"src={value!r} outside the image policy"
    return None  # free text: alt, title


def check(ops: Iterable[Sequence[object]], *, complete: bool = True) -> None:
    """Raise OpsError unless ``ops`` obeys the contract; ``complete`` also demands all closed."""
    stack: list[tuple[str, set[str]]] = []
    index = -1
    for index, op in enumerate(ops):
        kind = op[0] if op else None
        if kind == "open" and len(op) == 2:
            tag = op[1]
            if tag not in ALLOWED:
                raise OpsError(index, f"element {tag!r} is not allowed")
            if stack and stack[-1][0] in VOID_ELEMENTS:
                raise OpsError(index, f"void element {stack[-1][0]!r} cannot have children")
            stack.append((str(tag), set()))
        elif kind == "attr" and len(op) == 3:
            if not stack:
                raise OpsError(index, "attribute with no open element")
            tag, seen = stack[-1]
            name, value = op[1], op[2]
            if not isinstance(name, str) or not isinstance(value, str):
                raise OpsError(index, "attribute name and value must be strings")
            if name not in ALLOWED[tag]:
                raise OpsError(index, f"attribute {name!r} not allowed on {tag!r}")
            if name in seen:
                raise OpsError(index, f"attribute {name!r} set twice on one {tag!r}")
            reason = _check_value(tag, name, value)
            if reason:
                raise OpsError(index, reason)
            seen.add(name)
        elif kind == "text" and len(op) == 2:
            if not stack:
                raise OpsError(index, "text with no open element")
            if not isinstance(op[1], str) or not op[1]:
                raise OpsError(index, "text must be a non-empty string")
            if stack[-1][0] in VOID_ELEMENTS:
                raise OpsError(index, f"void element {stack[-1][0]!r} cannot hold text")
        elif kind == "close" and len(op) == 1:
            if not stack:
                raise OpsError(index, "close with no open element")
            stack.pop()
        else:
            raise OpsError(index, f"malformed operation {op!r}")
    if complete and stack:
        raise OpsError(index + 1, f"{len(stack)} element(s) left open at the end")
