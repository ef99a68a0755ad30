"""Safe streaming Markdown: chunks of a model's answer in, allowlisted DOM operations out.

``Renderer(sources=None).write(chunk)`` and ``.end()`` return lists of operations, plain JSON:

- ``["open", tag]``: create ``tag``, append it to the current element, make it current;
- ``["attr", name, value]``: ``setAttribute`` on the current element;
- ``["text", data]``: append a text node to the current element;
- ``["close"]``: the parent becomes current again.

The page applies them with ``createElement``/``append``/``setAttribute`` only, in order, batch
after batch; nothing is ever removed or rebuilt. ``app.render.ops`` has the full contract, the
element/attribute allowlist and ``check``; ``app.render.url_policy`` decides which URLs may be
links or images; ``app.render.tree`` is a Python applier that serialises the result as HTML.

Modules: ``blocks`` (with ``block_lines`` and ``block_leaves``) and ``inline`` (with
``inline_held``) parse and know nothing of the DOM; they report to a ``events.Sink``.
``renderer`` turns what they recognise into operations, ``ops`` defines and checks operations,
``url_policy`` judges URLs, ``tree`` applies operations in Python, ``__main__`` is the CLI.
"""

from __future__ import annotations

from app.render.ops import ALLOWED, Op, OpsError, check
from app.render.renderer import Renderer, Source
from app.render.tree import Element, TreeBuilder, build, to_html

__all__ = [
    "ALLOWED",
    "Element",
    "Op",
    "OpsError",
    "Renderer",
    "Source",
    "TreeBuilder",
    "build",
    "check",
    "render_html",
    "to_html",
]


def render_html(markdown: str, chunk_size: int = 0, sources: dict | None = None) -> str:
    """The final DOM for ``markdown`` streamed in ``chunk_size`` pieces (0: at once), as HTML."""
    renderer = Renderer(sources)
    builder = TreeBuilder()
    step = chunk_size if chunk_size > 0 else max(len(markdown), 1)
    for start in range(0, len(markdown), step):
        builder.apply(renderer.write(markdown[start : start + step]))
    builder.apply(renderer.end())
    return to_html(builder.root)
