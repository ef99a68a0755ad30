"""Any page text gives well-formed documents: readers never crash on odd Markdown or HTML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wasm_build.importers.doc_links import PageLinks
from wasm_build.importers.docs import build_documents
from wasm_build.importers.markdown import read_markdown_page
from wasm_build.importers.sphinx_html import read_sphinx_page

MARKDOWN_PIECES = st.sampled_from(
    [
        "# ",
        "## ",
        "### ",
        "\n",
        "\n\n",
        "- ",
        "  - ",
        "1. ",
        "> ",
        "```",
        "```python\n",
        "~~~",
        "    ",
        "*",
        "**",
        "_",
        "__",
        "`",
        "``",
        "[",
        "]",
        "(",
        ")",
        "![",
        "<",
        ">",
        "|",
        "|---|",
        "---",
        "===",
        "{#x}",
        "\\",
        "word ",
        "Über ",
        "<br>",
        "<b>",
        "</b>",
        "https://example.org",
        "other.md#a",
        "[r]: https://r.org\n",
        "[r]",
        '!!! note "T"\n',
        "??? tip\n",
    ]
)
HTML_PIECES = st.sampled_from(
    [
        "<section id='a'>",
        "<section id='b'>",
        "</section>",
        "<div class='section' id='c'>",
        "</div>",
        "<h1>",
        "</h1>",
        "<h2 id='h'>",
        "</h2>",
        "<p>",
        "</p>",
        "<pre>",
        "</pre>",
        "<div class='highlight-python3'><div class='highlight'><pre>",
        "<ul>",
        "<li>",
        "</li>",
        "</ul>",
        "<dl class='py function'>",
        "<dt id='f'>",
        "</dt>",
        "<dd>",
        "</dd>",
        "</dl>",
        "<dl class='glossary'>",
        "<dt id='term-x'>",
        "<table>",
        "<tr>",
        "<td>",
        "</table>",
        "<code>",
        "</code>",
        "<em>",
        "</em>",
        "<a href='x.html#a'>",
        "<a href='#b'>",
        "<a href='javascript:x'>",
        "</a>",
        "<a class='headerlink' href='#a'>¶</a>",
        "<br>",
        "text ",
        "&amp; ",
        "&#8212;",
        "<span id='lbl'></span>",
        "<nav>",
        "</nav>",
        "<script>",
        "</script>",
        "<!-- c -->",
        "<div class='toctree-wrapper'>",
        "<li class='toctree-l1'>",
    ]
)


def _check(pages):
    result = build_documents(pages, base_url="/d/")
    ids = [doc["_id"] for doc in result.documents]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for doc in result.documents:
        for ref in (doc.get("page"), doc.get("parent")):
            assert ref is None or ref["_ref"] in known
        if doc["_type"] != "docSection":
            continue
        keys = [block["_key"] for block in doc["body"]]
        assert len(keys) == len(set(keys))
        for block in doc["body"]:
            if block["_type"] == "block":
                defined = {m["_key"] for m in block["markDefs"]}
                for span in block["children"]:
                    assert span["text"]
                    assert set(span["marks"]) <= {"strong", "em", "code"} | defined
                for mark_def in block["markDefs"]:
                    assert not mark_def["href"].startswith("javascript:")
                    assert "_target" not in mark_def
                    if "reference" in mark_def:
                        assert mark_def["reference"]["_ref"] in known


@settings(max_examples=150, deadline=None)
@given(st.lists(MARKDOWN_PIECES, max_size=60).map("".join))
def test_any_markdown_gives_well_formed_documents(text):
    pages = [
        read_markdown_page(text, "a.md", PageLinks("a.md")),
        read_markdown_page("# Other\n\n## A\n\ntext", "other.md", PageLinks("other.md")),
    ]
    _check(pages)


@settings(max_examples=150, deadline=None)
@given(st.lists(HTML_PIECES, max_size=60).map("".join))
def test_any_html_gives_well_formed_documents(text):
    pages = [
        read_sphinx_page(f"<div role='main'>{text}</div>", "p.html", PageLinks("p.html")),
        read_sphinx_page(
            "<div role='main'><section id='a'><h1>X</h1><p>x</p></section></div>",
            "x.html",
            PageLinks("x.html"),
        ),
    ]
    _check(pages)
