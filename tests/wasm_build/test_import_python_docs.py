"""The default content: the whole Python 3.11 documentation (Debian's python3.11-doc), imported.

The import runs once for the module (about half a minute on two cores). The docs are fetched
with apt into build/ when they are not installed, as the site build does.
"""

from __future__ import annotations

import pytest

from wasm_build.importers import ensure_python_docs, import_python_docs


@pytest.fixture(scope="module")
def imported():
    result, stats = import_python_docs()
    return result, stats, result.by_id()


def _refs(value):
    if isinstance(value, dict):
        if value.get("_type") == "reference":
            yield value["_ref"]
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_docs_are_available():
    html = ensure_python_docs()
    assert (html / "tutorial" / "inputoutput.html").is_file()


def test_hundreds_of_pages_and_thousands_of_sections(imported):
    result, stats, by_id = imported
    assert result.warnings == []
    assert 450 <= stats.pages <= 600
    assert stats.sections >= 10_000
    assert stats.by_kind["section"] >= 4_000 and stats.by_kind["api"] >= 9_000
    assert stats.text_chars > 5_000_000
    assert len(by_id) == len(result.documents)
    paths = {doc["path"] for doc in result.documents if doc["_type"] == "docPage"}
    assert "tutorial/inputoutput.html" in paths
    assert not {"genindex.html", "genindex-A.html", "search.html", "py-modindex.html"} & paths
    assert not any(path.startswith(("includes/", "_")) for path in paths)


def test_every_reference_lands_on_a_document(imported):
    result, _, by_id = imported
    dangling = {ref for doc in result.documents for ref in _refs(doc) if ref not in by_id}
    assert dangling == set()


def test_tutorial_reading_and_writing_files(imported):
    _, _, by_id = imported
    section = by_id["docSection.tutorial.inputoutput.reading-and-writing-files"]
    assert section["title"] == "Reading and Writing Files"
    assert section["url"] == "tutorial/inputoutput.html#reading-and-writing-files"
    assert section["headings"] == ["Input and Output", "Reading and Writing Files"]
    assert section["page"]["_ref"] == "docPage.tutorial.inputoutput"
    code = [block["code"] for block in section["body"] if block["_type"] == "code"]
    assert code[0] == ">>> f = open('workfile', 'w', encoding=\"utf-8\")"
    assert any(c.startswith(">>> with open('workfile', encoding=\"utf-8\") as f:") for c in code)
    assert all(block["language"] == "python" for block in section["body"] if "code" in block)
    assert "returns a file object" in section["text"]
    methods = by_id["docSection.tutorial.inputoutput.methods-of-file-objects"]
    assert methods["parent"]["_ref"] == section["_id"]
    assert ">>> for line in f:" in methods["text"]  # "how do I read a file line by line?"
    page = by_id["docPage.tutorial.inputoutput"]
    assert page["title"] == "Input and Output"
    assert page["parent"]["_ref"] == "docPage.tutorial.index"


def test_builtin_open_is_its_own_section(imported):
    _, _, by_id = imported
    section = by_id["docSection.library.functions.open"]
    assert section["kind"] == "api" and section["objectType"] == "py function"
    assert section["title"] == "open()"
    assert section["url"] == "library/functions.html#open"
    assert section["signature"].startswith("open(file, mode='r', buffering=-1, encoding=None")
    assert section["headings"] == ["Built-in Functions", "open()"]
    assert section["page"]["_ref"] == "docPage.library.functions"
    modes = next(block for block in section["body"] if block["_type"] == "table")
    assert modes["rows"][1]["cells"] == ["'r'", "open for reading (default)"]
    links = {d["href"]: d.get("reference", {}).get("_ref") for d in section["body"][0]["markDefs"]}
    assert links["tutorial/inputoutput.html#tut-files"] == (
        "docSection.tutorial.inputoutput.reading-and-writing-files"
    )
    assert by_id["docPage.library.functions"]["parent"]["_ref"] == "docPage.library.index"


def test_methods_terms_and_c_api_entries(imported):
    _, _, by_id = imported
    split = by_id["docSection.library.stdtypes.str.split"]
    assert split["title"] == "str.split()" and split["objectType"] == "py method"
    # str's methods are documented in the "String Methods" section, after the class entry.
    assert split["parent"]["_ref"] == "docSection.library.stdtypes.string-methods"
    assert split["headings"][-2:] == ["String Methods", "str.split()"]
    seek = by_id["docSection.library.io.io.IOBase.seek"]  # methods nested in their class entry
    assert seek["parent"]["_ref"] == "docSection.library.io.io.IOBase"
    term = by_id["docSection.glossary.term-decorator"]
    assert term["kind"] == "term" and term["title"] == "decorator"
    assert "@staticmethod" in term["text"]
    c_function = by_id["docSection.c-api.object.c.PyObject_GetAttr"]
    assert c_function["title"] == "PyObject_GetAttr()"
    assert c_function["objectType"] == "c function"


def test_portable_text_is_well_formed(imported):
    result, _, _ = imported
    decorators = {"strong", "em", "code"}
    for doc in result.documents:
        if doc["_type"] != "docSection":
            continue
        keys = [block["_key"] for block in doc["body"]]
        assert len(keys) == len(set(keys)), doc["_id"]
        for block in doc["body"]:
            if block["_type"] == "code":
                assert block["code"].strip() and block["language"]
            elif block["_type"] == "block":
                annotations = {mark_def["_key"] for mark_def in block["markDefs"]}
                assert block["children"], doc["_id"]
                for span in block["children"]:
                    assert span["_type"] == "span" and span["text"]
                    assert set(span["marks"]) <= decorators | annotations, doc["_id"]
                for mark_def in block["markDefs"]:
                    assert mark_def["_type"] == "link"
                    assert not mark_def["href"].startswith(("javascript:", "data:")), doc["_id"]
            else:
                assert block["_type"] == "table" and block["rows"]
        assert "¶" not in doc["text"] and "¶" not in doc["title"]
