"""The Python applier: batches applied as they arrive give the same tree as all at once."""

from __future__ import annotations

import pytest

from app.render import TreeBuilder, build, to_html


def test_batches_extend_the_open_elements() -> None:
    builder = TreeBuilder()
    builder.apply([["open", "p"], ["text", "a"]])
    builder.apply([["text", "b"], ["open", "br"], ["close"], ["text", "c"], ["close"]])
    assert to_html(builder.root) == "<p>ab<br>c</p>\n"
    assert builder.root.children[0].children == ["ab", builder.root.children[0].children[1], "c"]


def test_serialisation_escapes_text_and_attribute_values() -> None:
    tree = build([["open", "a"], ["attr", "title", '<"&>'], ["text", '<"&>'], ["close"]])
    assert to_html(tree) == '<a title="&lt;&quot;&amp;&gt;">&lt;"&amp;&gt;</a>\n'


def test_malformed_streams_are_refused() -> None:
    with pytest.raises(ValueError, match="close"):
        build([["close"]])
    with pytest.raises(ValueError, match="unknown"):
        build([["remove"]])
