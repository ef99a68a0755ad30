"""Streaming properties: any split gives the same page, and nothing shown is ever rebuilt.

Splits fall between characters (Python code points, which is what the detokenizer delivers: a
multi-byte UTF-8 character arrives whole, but an emoji with a modifier may arrive in two), next to
non-ASCII text, and inside every piece of syntax: ``**``, ```` ``` ````, ``](``, ``http:/``,
``<br``, ``&amp;``, ``- [``, table pipes.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.render import Renderer, build, check, to_html
from tests.render.opstream import merged, rebuilt
from tests.render.samples import SYNTAX_DOC

SOURCES = {1: {"url": "https://source.example/1", "title": "Source one"}, 2: "/docs/2"}


def stream(text: str, cuts: list[int], sources: dict | None = None) -> tuple[list, list[list]]:
    """All ops, and the batches as written, for ``text`` cut at ``cuts``."""
    renderer = Renderer(sources)
    batches, prev = [], 0
    for cut in [*cuts, len(text)]:
        batches.append(renderer.write(text[prev:cut]))
        prev = cut
    batches.append(renderer.end())
    ops = [op for batch in batches for op in batch]
    check(ops)
    return ops, batches


def test_the_rebuild_detector_detects_a_rebuild() -> None:
    torn_down = [["open", "p"], ["open", "em"], ["text", "ab"], ["close"]]
    torn_down += [["open", "em"], ["text", "abc"], ["close"], ["close"]]
    assert rebuilt(torn_down) == ["<em> 'ab' rebuilt as 'abc'"]


def test_every_two_way_split_of_a_syntax_rich_answer() -> None:
    whole, _ = stream(SYNTAX_DOC, [], SOURCES)
    expected = merged(whole)
    for cut in range(1, len(SYNTAX_DOC)):
        ops, _ = stream(SYNTAX_DOC, [cut], SOURCES)
        assert merged(ops) == expected, f"split at {cut}: {SYNTAX_DOC[cut - 5 : cut + 5]!r}"


def test_character_by_character_equals_one_write_op_for_op() -> None:
    whole, _ = stream(SYNTAX_DOC, [], SOURCES)
    ops, batches = stream(SYNTAX_DOC, list(range(1, len(SYNTAX_DOC))), SOURCES)
    # Same operations in the same order: everything shown while streaming was final.
    assert merged(ops) == merged(whole)
    assert rebuilt(ops) == []


def test_unfinished_constructs_are_shown_while_streaming() -> None:
    renderer = Renderer()
    ops = renderer.write("Some **bold te")
    assert ops == [["open", "p"], ["text", "Some "], ["open", "strong"], ["text", "bold te"]]
    ops = renderer.write("xt** and ```\n")
    assert ops == [["text", "xt"], ["close"], ["text", " and ```"]]
    renderer = Renderer()
    ops = renderer.write("```py\nprint(1)\n")
    assert ops == [
        ["open", "pre"],
        ["attr", "data-copy", "code"],
        ["open", "code"],
        ["attr", "class", "language-py"],
        ["text", "print(1)"],
    ]


def test_unfinished_constructs_at_the_end_render_sensibly() -> None:
    def final(text: str) -> str:
        ops, _ = stream(text, [])
        return to_html(build(ops))

    assert final("```py\nx = 1") == (
        '<pre data-copy="code"><code class="language-py">x = 1</code></pre>\n'
    )
    assert final("see [the docs") == "<p>see [the docs</p>\n"
    # A link cut off inside its URL: its text as typed; the bare URL still works as one.
    assert final("see [the docs](https://exa") == (
        '<p>see [the docs](<a href="https://exa" rel="noopener noreferrer" target="_blank">'
        "https://exa</a></p>\n"
    )
    assert final("**bold") == "<p><strong>bold</strong></p>\n"
    assert final("a `code") == "<p>a <code>code</code></p>\n"
    assert final("| a | b") == "<table><thead><tr><th> a </th><th> b</th></tr></thead></table>\n"


def test_a_link_completes_as_more_text_arrives() -> None:
    renderer = Renderer()
    first = renderer.write("read [the docs")
    assert first == [["open", "p"], ["text", "read "]]  # held: may not be a link at all
    second = renderer.write("](/docs) now")
    assert second[:6] == [
        ["open", "a"],
        ["attr", "href", "/docs"],
        ["attr", "rel", "noopener noreferrer"],
        ["attr", "target", "_blank"],
        ["text", "the docs"],
        ["close"],
    ]


_ALPHABET = st.sampled_from(
    list("ab x1\n\n  \t*_~`$\\[]()!<>|#->:/.h") + ["http", "https://", "é", "😀", "中", "- [ ] "]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(_ALPHABET, max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
)
def test_any_text_any_split_same_page(pieces: list[str], cuts: list[int]) -> None:
    text = "".join(pieces)
    positions = sorted({c for c in cuts if 0 < c < len(text)})
    whole, _ = stream(text, [])
    ops, _ = stream(text, positions)
    assert merged(ops) == merged(whole)
    assert to_html(build(ops)) == to_html(build(whole))
    assert rebuilt(ops) == rebuilt(whole)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode_char_by_char(text: str) -> None:
    whole, _ = stream(text, [])
    ops, _ = stream(text, list(range(1, len(text))))
    assert merged(ops) == merged(whole)
