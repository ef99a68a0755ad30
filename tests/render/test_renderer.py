"""What a reader sees for each Markdown feature, as the final DOM serialised to HTML."""

from __future__ import annotations

import pytest

from app.render import Renderer, Source, render_html

A = 'rel="noopener noreferrer" target="_blank"'


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("# One\n###### Six\n####### seven", "<h1>One</h1>\n<h6>Six</h6>\n<p>####### seven</p>\n"),
        ("#hashtag", "<p>#hashtag</p>\n"),
        ("## Title ##\n# C# and F# #", "<h2>Title</h2>\n<h1>C# and F#</h1>\n"),
        ("# a # b #x\n# a # #", "<h1>a # b #x</h1>\n<h1>a # #</h1>\n"),
        ("# #\n#  trailing   ", "<h1></h1>\n<h1>trailing</h1>\n"),
        (
            "a *em* __strong__ ~~del~~",
            "<p>a <em>em</em> <strong>strong</strong> <del>del</del></p>\n",
        ),
        ("snake_case_name and 2*3*4 = 24", "<p>snake_case_name and 2*3*4 = 24</p>\n"),
        ("2*x* and a*b*", "<p>2<em>x</em> and a<em>b</em></p>\n"),
        ("line one\nline two", "<p>line one<br>line two</p>\n"),
        ("a  \nb", "<p>a <br>b</p>\n"),
        ("a\n\nb", "<p>a</p>\n<p>b</p>\n"),
        ("x `a <b>` y", "<p>x <code>a &lt;b&gt;</code> y</p>\n"),
        (
            "```js\nlet a = 1 < 2;\n```",
            '<pre data-copy="code"><code class="language-js">let a = 1 &lt; 2;</code></pre>\n',
        ),
        ("~~~\ntilde fence\n~~~", '<pre data-copy="code"><code>tilde fence</code></pre>\n'),
        ("    indented\n\n    more", '<pre data-copy="code"><code>indented\n\nmore</code></pre>\n'),
        ("> a\n> b", "<blockquote><p>a<br>b</p></blockquote>\n"),
        ("- a\n- b", "<ul><li>a</li><li>b</li></ul>\n"),
        ("3. c\n4. d", '<ol start="3"><li>c</li><li>d</li></ol>\n'),
        ("1) a", "<ol><li>a</li></ol>\n"),
        (
            "- [ ] todo\n- [x] done",
            '<ul><li><input type="checkbox" disabled=""> todo</li>'
            '<li><input type="checkbox" disabled="" checked=""> done</li></ul>\n',
        ),
        ("- a\n  - b", "<ul><li>a<ul><li>b</li></ul></li></ul>\n"),
        (
            "- [ ]\n- [x]",
            '<ul><li><input type="checkbox" disabled=""></li>'
            '<li><input type="checkbox" disabled="" checked=""></li></ul>\n',
        ),
        ("- [y] not a task", "<ul><li>[y] not a task</li></ul>\n"),
        ("---", "<hr>\n"),
        (
            "| a | b |\n|:-|-:|\n| 1 | 2 |",
            "<table><thead><tr><th> a </th><th> b </th></tr></thead>"
            "<tbody><tr><td> 1 </td><td> 2 </td></tr></tbody></table>\n",
        ),
        ("[t](https://x.example/)", f'<p><a href="https://x.example/" {A}>t</a></p>\n'),
        (
            '[t](/local "Title")',
            f'<p><a href="/local" {A} title="Title">t</a></p>\n',
        ),
        ("[t](<spaced url>)", "<p>[t](&lt;spaced url&gt;)</p>\n"),
        ("[a [nested](/n) b]", f'<p>[a <a href="/n" {A}>nested</a> b]</p>\n'),
        ("array[0] and [note]", "<p>array[0] and [note]</p>\n"),
        (
            "see https://x.example/a_(b), then.",
            f'<p>see <a href="https://x.example/a_(b)" {A}>'
            "https://x.example/a_(b)</a>, then.</p>\n",
        ),
        (
            "(https://x.example/a).",
            f'<p>(<a href="https://x.example/a" {A}>https://x.example/a</a>).</p>\n',
        ),
        (
            "<https://x.example/>",
            f'<p><a href="https://x.example/" {A}>https://x.example/</a></p>\n',
        ),
        ("![alt](/img.png)", '<p><img src="/img.png" alt="alt"></p>\n'),
        (
            "![alt](https://r.example/i.png)",
            f'<p><a href="https://r.example/i.png" {A}>alt</a></p>\n',
        ),
        ("\\*not em\\* \\# \\\\", "<p>*not em* # \\</p>\n"),
        (
            "$e^x$ and \\(y\\)",
            '<p><span class="math-inline">e^x</span> and <span class="math-inline">y</span></p>\n',
        ),
        ("$$\na\nb\n$$", '<div class="math-display">a\nb</div>\n'),
        ("<div onclick=x>hi</div>", "<p>&lt;div onclick=x&gt;hi&lt;/div&gt;</p>\n"),
        ("a & b < c > d", "<p>a &amp; b &lt; c &gt; d</p>\n"),
        ("AT&amp;T &nbsp;x &#39;q&#39; &#x41;", "<p>AT&amp;T \u00a0x 'q' A</p>\n"),
        ("&bogus; &amp &", "<p>&amp;bogus; &amp;amp &amp;</p>\n"),
        ("`&amp;` \\&amp;", "<p><code>&amp;amp;</code> &amp;amp;</p>\n"),
        ("&lt;img src=x onerror=alert(1)&gt;", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"),
        ("caf\u00e9 \U0001f600 \u4e2d", "<p>caf\u00e9 \U0001f600 \u4e2d</p>\n"),
    ],
)
def test_feature(markdown: str, html: str) -> None:
    assert render_html(markdown) == html
    assert render_html(markdown, chunk_size=1) == html


def test_citations_link_to_their_sources() -> None:
    sources = {1: {"url": "https://a.example/doc", "title": "Doc A"}, 2: Source("/docs/b", "B")}
    html = render_html("As shown [1][2], not [3] or [x].", sources=sources)
    assert html == (
        '<p>As shown <a class="citation" href="https://a.example/doc" '
        f'{A} title="Doc A">[1]</a><a class="citation" href="/docs/b" {A} title="B">[2]</a>, '
        "not [3] or [x].</p>\n"
    )


def test_footnote_style_citations() -> None:
    html = render_html("Yes[^1]. [^x] [\u0661]", sources={1: "/d/1"})
    assert html == (f'<p>Yes<a class="citation" href="/d/1" {A}>[1]</a>. [^x] [\u0661]</p>\n')


def test_citation_streamed_in_pieces() -> None:
    sources = {12: "https://a.example/12"}
    assert render_html("end [12].", chunk_size=1, sources=sources) == (
        f'<p>end <a class="citation" href="https://a.example/12" {A}>[12]</a>.</p>\n'
    )


def test_a_renderer_is_for_one_message() -> None:
    renderer = Renderer()
    assert renderer.write("hi") == [["open", "p"], ["text", "hi"]]
    assert renderer.end() == [["close"]]
    assert renderer.end() == []
    with pytest.raises(ValueError, match="after end"):
        renderer.write("more")


def test_sources_must_be_urls_or_mappings() -> None:
    with pytest.raises(TypeError, match="source"):
        Renderer({1: 42})


def test_carriage_returns_and_nul() -> None:
    assert render_html("a\r\nb\x00") == "<p>a<br>b\ufffd</p>\n"


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        (
            "> ```py\n> x = 1\n>\n> y\n> ```\n> after",
            '<blockquote><pre data-copy="code"><code class="language-py">x = 1\n\ny</code></pre>'
            "<p>after</p></blockquote>\n",
        ),
        (
            "> - a\n>   - b\n> - c",
            "<blockquote><ul><li>a<ul><li>b</li></ul></li><li>c</li></ul></blockquote>\n",
        ),
        ("- a\n\n  more\n- b", "<ul><li>a<p>more</p></li><li>b</li></ul>\n"),
        (
            "```\nunclosed\n\n- not a list",
            '<pre data-copy="code"><code>unclosed\n\n- not a list</code></pre>\n',
        ),
        ("text\n    not code", "<p>text<br>not code</p>\n"),
        (
            "    code\n\n\n    more\nend",
            '<pre data-copy="code"><code>code\n\n\nmore</code></pre>\n<p>end</p>\n',
        ),
    ],
)
def test_block_structure(markdown: str, html: str) -> None:
    assert render_html(markdown) == html
    assert render_html(markdown, chunk_size=1) == html
