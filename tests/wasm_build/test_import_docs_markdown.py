"""The documentation importer on a small Markdown tree written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasm_build.importers import import_docs
from wasm_build.importers.markdown import github_slug, read_markdown_page
from wasm_build.importers.portable_text import plain_text

TREE = Path(__file__).parent / "data" / "docs_markdown"


@pytest.fixture(scope="module")
def by_id():
    result, stats = import_docs(TREE, base_url="/guide")
    assert (stats.pages, stats.sections) == (5, 13)
    return result.by_id()


def _spans(block):
    return [(child["text"], child["marks"]) for child in block.get("children", [])]


def _links(text: str):
    return lambda href: {"href": href}


def test_pages_get_titles_urls_and_folder_parents(by_id):
    install = by_id["docPage.install"]
    assert install["title"] == "Installing widgets"  # front matter wins over the h1
    assert install["description"] == "How to install the widget toolkit with pip or from source."
    assert install["url"] == "/guide/install.html"
    assert install["format"] == "markdown"
    assert install["parent"]["_ref"] == "docPage.index"
    # A folder's index.md is the parent of its pages; a folder without one hangs off the root.
    assert by_id["docPage.usage.basics"]["parent"]["_ref"] == "docPage.usage.index"
    assert by_id["docPage.usage.index"]["parent"]["_ref"] == "docPage.index"
    assert by_id["docPage.notes.changelog"]["parent"]["_ref"] == "docPage.index"
    assert by_id["docPage.usage.index"]["title"] == "Using widgets"  # setext heading
    assert by_id["docPage.usage.basics"]["title"] == "Basics"  # no h1: from the file name


def test_headings_become_nested_sections_with_github_anchors(by_id):
    pip = by_id["docSection.install.pip"]  # explicit {#pip} anchor
    assert pip["title"] == "Installing with pip"
    assert pip["url"] == "/guide/install.html#pip"
    assert pip["headings"] == ["Install the toolkit", "Installing with pip"]
    trouble = by_id["docSection.install.troubleshooting"]
    assert trouble["parent"]["_ref"] == "docSection.install.pip"
    assert trouble["level"] == 3
    # Repeated headings get -1, -2 like GitHub; a page without h1 gets a whole-page section.
    assert by_id["docSection.usage.basics.examples"]["text"].startswith("First example")
    assert by_id["docSection.usage.basics.examples-1"]["text"].startswith("Second example")
    whole = by_id["docSection.usage.basics"]
    assert whole["url"] == "/guide/usage/basics.html" and "anchor" not in whole
    assert whole["text"] == "Everyday tasks with widgets, in the order you meet them."
    assert by_id["docSection.usage.basics.examples"]["parent"]["_ref"] == "docSection.usage.basics"


def test_code_blocks_stay_code(by_id):
    body = by_id["docSection.install.pip"]["body"]
    assert body[1] == {
        "_key": "b1",
        "_type": "code",
        "language": "bash",
        "code": "python -m pip install widgets",
    }
    assert _spans(body[2]) == [
        ("Then check it with ", []),
        ("widgets --version", ["code"]),
        (", which prints ", []),
        ("the version", ["em"]),
        (".", []),
    ]
    config = by_id["docSection.usage.basics.reading-the-config"]["body"]
    assert config[1]["_type"] == "code" and config[1]["code"] == '[widget]\nname = "clock"'
    tilde = by_id["docSection.usage.basics.examples-1"]["body"][-1]
    assert tilde["language"] == "python" and tilde["code"].startswith("with open(")


def test_admonitions_keep_their_title_and_body(by_id):
    body = by_id["docSection.usage.index.using-widgets"]["body"]
    assert [(b["_type"], plain_text([b])) for b in body] == [
        ("block", "This part shows day-to-day use."),
        ("block", "Before you start"),
        ("block", "Install the toolkit first:"),
        ("code", "python -m pip install widgets"),
    ]
    assert _spans(body[1]) == [("Before you start", ["strong"])]
    assert body[3]["language"] == "bash"


def test_lists_tables_and_quotes(by_id):
    body = by_id["docSection.install.requirements"]["body"]
    items = [(b["listItem"], b["level"], plain_text([b])) for b in body]
    assert items == [
        ("bullet", 1, "Python 3.11+"),
        ("bullet", 1, "A C compiler, only for the optional speedups extra:"),
        ("bullet", 2, "gcc on Linux"),
        ("bullet", 2, "Xcode on macOS"),
        ("number", 1, "Check your version"),
        ("number", 1, "Install"),
    ]
    config = by_id["docSection.usage.basics.reading-the-config"]["body"]
    assert [row["cells"] for row in config[2]["rows"]] == [
        ["Key", "Meaning"],
        ["name", "the widget's name"],
        ["size", "width in pixels"],
    ]
    assert config[3]["style"] == "blockquote"
    assert plain_text([config[3]]) == "Tip: keep one config per project."


def test_links_between_pages_resolve_to_sections(by_id):
    block = by_id["docSection.install.troubleshooting"]["body"][0]
    assert ("permission denied", ["strong"]) in _spans(block)
    defs = block["markDefs"]
    assert defs[0]["href"] == "/guide/usage/basics.html#reading-the-config"
    assert defs[0]["reference"]["_ref"] == "docSection.usage.basics.reading-the-config"
    assert defs[1]["href"] == "/guide/index.html"
    assert defs[1]["reference"]["_ref"] == "docPage.index"
    back = by_id["docSection.usage.basics.examples"]["body"][0]["markDefs"][0]
    assert back["href"] == "/guide/install.html#pip"
    assert back["reference"]["_ref"] == "docSection.install.pip"
    reference_style = by_id["docSection.index.what-is-a-widget"]["body"][0]["markDefs"][0]
    assert reference_style["href"] == "https://example.org/widgets/reference"
    changelog = by_id["docSection.notes.changelog.10"]["body"][0]
    assert changelog["markDefs"] == []
    assert plain_text([changelog]) == "First release. Unsafe links keep their text: click."


@pytest.mark.parametrize(
    ("source", "spans"),
    [
        (
            "*a* **b** _c_ __d__ ***e***",
            [
                ("a", ["em"]),
                (" ", []),
                ("b", ["strong"]),
                (" ", []),
                ("c", ["em"]),
                (" ", []),
                ("d", ["strong"]),
                (" ", []),
                ("e", ["strong", "em"]),
            ],
        ),
        ("2 * 3 * 4 and snake_case_name", [("2 * 3 * 4 and snake_case_name", [])]),
        ("``a ` b`` and \\*literal\\*", [("a ` b", ["code"]), (" and *literal*", [])]),
        (
            "**bold *both* bold**",
            [("bold ", ["strong"]), ("both", ["strong", "em"]), (" bold", ["strong"])],
        ),
        ("line one  \nline two", [("line one\nline two", [])]),
    ],
)
def test_inline_markup(source, spans):
    page = read_markdown_page(source, "p.md", _links(source))
    assert _spans(page.sections[0].blocks[0]) == spans


def test_link_destinations_with_parentheses_and_titles():
    page = read_markdown_page(
        '[a](https://x.org/a_(b) "T") and [c](<d e.md>)', "p.md", lambda h: {"href": h}
    )
    hrefs = [d["href"] for d in page.sections[0].blocks[0]["markDefs"]]
    assert hrefs == ["https://x.org/a_(b)", "d e.md"]


def test_github_slugs():
    assert github_slug("Reading & Writing `files`!") == "reading--writing-files"
    assert github_slug("1.0") == "10"
    assert github_slug("Über café") == "über-café"
