"""The documentation importer on a small Sphinx-style HTML tree written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasm_build.importers import ContentImportError, import_docs
from wasm_build.importers.doc_hierarchy import page_parents, reading_order
from wasm_build.importers.doc_links import PageLinks
from wasm_build.importers.doc_model import PageSource
from wasm_build.importers.docs import build_documents, find_pages
from wasm_build.importers.sphinx_html import read_sphinx_page

TREE = Path(__file__).parent / "data" / "docs_sphinx"
PLAIN = Path(__file__).parent / "data" / "docs_html_plain"


@pytest.fixture(scope="module")
def docs():
    result, stats = import_docs(TREE, base_url="/docs/")
    assert result.warnings == []
    return result.by_id(), stats


def _spans(block):
    return [(child["text"], child["marks"]) for child in block.get("children", [])]


def test_generated_and_static_pages_are_skipped():
    pages = find_pages(TREE)
    assert pages == [
        "api.html",
        "glossary.html",
        "index.html",
        "legacy.html",
        "tutorial/files.html",
        "tutorial/index.html",
    ]


def test_pages_named_with_underscores_are_pages_but_underscore_folders_are_not(tmp_path):
    """The Python docs have library/__main__.html and library/_thread.html."""
    for relative in (
        "library/__main__.html",
        "library/_thread.html",
        "_static/x.html",
        "library/_sources/y.html",
        "library/.hidden.html",
        "index.html",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("<html><body><h1>x</h1></body></html>")
    assert find_pages(tmp_path) == ["index.html", "library/__main__.html", "library/_thread.html"]


def test_one_page_document_per_page_with_url_slug_and_parent(docs):
    by_id, stats = docs
    assert stats.pages == 6
    page = by_id["docPage.tutorial.files"]
    assert page["_type"] == "docPage"
    assert page["title"] == "Working with files"
    assert page["slug"] == {"_type": "slug", "current": "tutorial/files"}
    assert page["url"] == "/docs/tutorial/files.html"
    assert page["headings"] == ["Working with files"]
    assert page["description"].startswith("Widgets keep their state in files")
    # Parents come from the toctrees: index -> tutorial/index -> tutorial/files.
    assert page["parent"] == {"_type": "reference", "_ref": "docPage.tutorial.index"}
    assert by_id["docPage.tutorial.index"]["parent"]["_ref"] == "docPage.index"
    assert by_id["docPage.api"]["parent"]["_ref"] == "docPage.index"
    assert "parent" not in by_id["docPage.index"]
    # Reading order follows the toctree.
    orders = {doc_id: by_id[doc_id]["order"] for doc_id in by_id if doc_id.startswith("docPage.")}
    assert sorted(orders, key=orders.get)[:4] == [
        "docPage.index",
        "docPage.tutorial.index",
        "docPage.tutorial.files",
        "docPage.api",
    ]


def test_sections_have_stable_ids_urls_headings_and_references(docs):
    by_id, _ = docs
    section = by_id["docSection.tutorial.files.reading-files"]
    assert section["_type"] == "docSection"
    assert section["title"] == "Reading files"  # section number and ¶ stripped
    assert section["number"] == "1.1.1"
    assert section["url"] == "/docs/tutorial/files.html#reading-files"
    assert section["slug"]["current"] == "tutorial/files/reading-files"
    assert section["headings"] == ["Working with files", "Reading files"]
    assert section["level"] == 2
    assert section["page"] == {"_type": "reference", "_ref": "docPage.tutorial.files"}
    assert section["parent"]["_ref"] == "docSection.tutorial.files.working-with-files"
    top = by_id["docSection.tutorial.files.working-with-files"]
    assert top["url"] == "/docs/tutorial/files.html"
    assert "parent" not in top
    # Reading order within the page survives the output's sort by _id.
    orders = [
        by_id[f"docSection.tutorial.files.{a}"]["order"]
        for a in ("working-with-files", "reading-files", "writing-files")
    ]
    assert orders == [0, 1, 2]


def test_body_keeps_code_marks_links_lists_and_tables(docs):
    by_id, _ = docs
    body = by_id["docSection.tutorial.files.reading-files"]["body"]
    first = body[0]
    assert first["style"] == "normal"
    link_key = first["markDefs"][0]["_key"]
    assert _spans(first)[:4] == [
        ("Call ", []),
        ("open_widget()", [link_key, "code"]),
        (" with a ", []),
        ("path", ["em"]),
    ]
    assert first["markDefs"][0] == {
        "_key": link_key,
        "_type": "link",
        "href": "/docs/api.html#widgets.open_widget",
        "reference": {"_type": "reference", "_ref": "docSection.api.widgets.open_widget"},
    }
    assert ("widget file", ["strong"]) in _spans(first)
    code = body[1]
    assert code["_type"] == "code" and code["language"] == "python"
    assert code["code"].splitlines() == [
        'with open_widget("state.txt") as f:',
        "    for line in f:",
        "        print(line, end='')",
    ]
    note = [b for b in body if b["_type"] == "block" and _spans(b) == [("Note", ["strong"])]]
    assert note, "admonition title kept as a strong paragraph"
    external = next(b for b in body if "the io module" in "".join(t for t, _ in _spans(b)))
    assert external["markDefs"][0]["href"] == "https://docs.python.org/3/library/io.html"
    assert "reference" not in external["markDefs"][0]
    items = [(b["listItem"], b["level"], _spans(b)[0][0]) for b in body if "listItem" in b]
    assert items == [
        ("bullet", 1, "Text mode decodes bytes."),
        ("bullet", 2, "The default encoding is UTF-8."),
        ("bullet", 1, "Binary mode returns "),
    ]
    table = body[-1]
    assert table["_type"] == "table"
    assert [row["cells"] for row in table["rows"]] == [
        ["Mode", "Meaning"],
        ["'r'", "read"],
        ["'w'", "write"],
    ]
    text = by_id["docSection.tutorial.files.reading-files"]["text"]
    assert "To read a file line by line, loop over it:" in text
    assert "for line in f:" in text
    assert "¶" not in text and "Sidebar entry" not in text


def test_links_to_label_anchors_land_in_their_section_and_unsafe_links_lose_their_href(docs):
    by_id, _ = docs
    block = by_id["docSection.tutorial.files.writing-files"]["body"][0]
    defs = {d["href"]: d for d in block["markDefs"]}
    # `#tut-reading` is a label target inside the "Reading files" section.
    assert defs["/docs/tutorial/files.html#tut-reading"]["reference"]["_ref"] == (
        "docSection.tutorial.files.reading-files"
    )
    assert defs["/docs/glossary.html#term-widget"]["reference"]["_ref"] == (
        "docSection.glossary.term-widget"
    )
    assert not any("javascript" in href for href in defs)
    assert len(block["markDefs"]) == 2
    assert _spans(block)[-1] == ("s and this.", [])  # the javascript: link keeps only its text
    code = by_id["docSection.tutorial.files.writing-files"]["body"][1]
    assert code["language"] == "pycon" and code["code"] == ">>> f.write('x')\n1"


def test_api_descriptions_and_glossary_terms_are_sections(docs):
    by_id, stats = docs
    assert stats.by_kind == {"api": 5, "section": 9, "term": 2}
    func = by_id["docSection.api.widgets.open_widget"]
    assert func["kind"] == "api"
    assert func["title"] == "widgets.open_widget()"
    assert func["signature"] == "widgets.open_widget(path, mode='r')"
    assert func["objectType"] == "py function"
    assert func["url"] == "/docs/api.html#widgets.open_widget"
    assert func["text"].startswith("widgets.open_widget(path, mode='r')\n\nOpen the widget file")
    assert "Parameters:" in func["text"] and "where the widget file is" in func["text"]
    method = by_id["docSection.api.widgets.Widget.render"]
    assert method["title"] == "widgets.Widget.render()"
    assert method["parent"]["_ref"] == "docSection.api.widgets.Widget"
    assert method["headings"] == ["API reference", "widgets.Widget", "widgets.Widget.render()"]
    assert "Draw the widget" not in by_id["docSection.api.widgets.Widget"]["text"]
    term = by_id["docSection.glossary.term-widget"]
    assert term["kind"] == "term" and term["title"] == "widget"
    assert term["text"] == "A named set of settings that can render() itself."


def test_older_sphinx_div_sections_and_literal_blocks(docs):
    by_id, _ = docs
    assert by_id["docPage.legacy"]["title"] == "Legacy page"
    sub = by_id["docSection.legacy.old-subsection"]
    assert sub["title"] == "Old subsection"
    assert sub["body"][1] == {
        "_key": "b1",
        "_type": "code",
        "language": "text",
        "code": "plain literal block",
    }
    frob = by_id["docSection.legacy.legacy.frob"]  # Sphinx 1.x object description
    assert (frob["kind"], frob["title"], frob["objectType"]) == ("api", "legacy.frob()", "function")
    assert frob["signature"] == "legacy.frob(x)" and frob["text"].endswith("Frobnicate x.")
    assert frob["parent"]["_ref"] == "docSection.legacy.old-subsection"
    assert by_id["docSection.legacy.legacy-page"]["text"] == (
        "Built by an older Sphinx, with div.section instead of section."
    )


def test_rebuild_gives_identical_documents():
    first, _ = import_docs(TREE, base_url="/docs/")
    second, _ = import_docs(TREE, base_url="/docs/")
    assert first.documents == second.documents
    ids = [doc["_id"] for doc in first.documents]
    assert len(ids) == len(set(ids))


def test_plain_html_is_cut_into_sections_at_headings_with_ids():
    result, stats = import_docs(PLAIN)
    by_id = result.by_id()
    assert by_id["docPage.guide"]["title"] == "Clock guide"
    top = by_id["docSection.guide.clock-guide"]
    assert top["text"] == "The clock widget shows the time."
    zone = by_id["docSection.guide.setting-the-time-zone"]
    assert zone["parent"]["_ref"] == top["_id"]
    assert zone["body"][1] == {
        "_key": "b1",
        "_type": "code",
        "language": "toml",
        "code": '[clock]\ntz = "Europe/Oslo"',
    }
    # A heading without an id can't be linked to: it stays in the body, as a heading block.
    assert zone["body"][2]["style"] == "h3"
    assert zone["text"].endswith("Heading without an id\n\nThis stays in the time zone section.")
    alarms = by_id["docSection.guide.alarms"]  # anchored by <a name="alarms">
    assert alarms["url"] == "guide.html#alarms" and alarms["text"] == "Alarms ring once."
    assert "Footer text" not in " ".join(d.get("text", "") for d in result.documents)
    assert "Home" not in top["text"]


def test_content_above_the_first_section_opens_it_with_distinct_keys():
    result, _ = import_docs(PLAIN)
    body = result.by_id()["docSection.note-first.note-first"]["body"]
    keys = [block["_key"] for block in body]
    assert len(keys) == len(set(keys)) == 3
    assert [block["children"][0]["text"] for block in body] == [
        "Warning",
        "Deprecated page.",
        "The real introduction.",
    ]


def test_unreadable_input_is_reported_with_its_file(tmp_path):
    with pytest.raises(ContentImportError, match="not a folder"):
        import_docs(tmp_path / "missing")
    with pytest.raises(ContentImportError, match="no .html or .md pages"):
        import_docs(tmp_path)
    (tmp_path / "latin1.html").write_bytes("<p>caf\xe9</p>".encode("latin-1"))
    with pytest.raises(ContentImportError, match="not UTF-8") as caught:
        import_docs(tmp_path)
    assert caught.value.file == str(tmp_path / "latin1.html")


def test_parallel_reading_gives_the_same_documents():
    serial, _ = import_docs(TREE, base_url="/docs/")
    parallel, _ = import_docs(TREE, base_url="/docs/", jobs=2)
    assert parallel.documents == serial.documents


def test_second_top_level_section_keeps_its_anchor_in_the_url():
    html = (
        '<div role="main"><section id="one"><h1>One</h1><p>First.</p></section>'
        '<section id="two"><h1>Two</h1><p>Second.</p></section></div>'
    )
    page = read_sphinx_page(html, "twins.html", PageLinks("twins.html"))
    by_id = build_documents([page]).by_id()
    assert by_id["docPage.twins"]["title"] == "One"
    assert by_id["docSection.twins.one"]["url"] == "twins.html"
    assert by_id["docSection.twins.two"]["url"] == "twins.html#two"
    assert "parent" not in by_id["docSection.twins.two"]


def test_toctree_cycles_do_not_make_a_page_its_own_ancestor():
    def page(path, toctree):
        return PageSource(path=path, title=path, format="html", sections=[], toctree=toctree)

    pages = [
        page("index.html", ["a.html"]),
        page("a.html", ["b.html"]),
        page("b.html", ["a.html", "b.html"]),
        page("loose.html", []),
    ]
    parents = page_parents(pages)
    assert parents == {"a.html": "index.html", "b.html": "a.html", "loose.html": "index.html"}
    order = reading_order(pages, parents)
    assert sorted(order, key=order.get) == ["index.html", "a.html", "b.html", "loose.html"]
