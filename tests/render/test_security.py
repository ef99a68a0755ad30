"""Hostile text in, nothing executable out: every element allowlisted, no handlers, no bad URLs.

Two sources of hostile text: DOMPurify's corpus of 223 HTML/SVG payloads (fed as Markdown, whole
and in random splits), and Markdown-specific vectors of our own, where the danger is not raw HTML
(always shown as text) but URLs the Markdown syntax itself turns into links and images.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from app.render import ALLOWED, Renderer, build, check, to_html
from app.render.url_policy import LINK_SCHEMES, is_safe_href, is_safe_image_src
from tests.conftest import shared_file

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _stream(markdown: str, seed: int | None, sources: dict | None = None) -> list:
    renderer = Renderer(sources)
    ops: list = []
    if seed is None:
        ops += renderer.write(markdown)
    else:
        rng = random.Random(seed)
        pos = 0
        while pos < len(markdown):
            step = rng.randint(1, 12)
            ops += renderer.write(markdown[pos : pos + step])
            pos += step
    return ops + renderer.end()


def assert_safe(ops: list) -> None:
    """What a user would be exposed to: elements, attributes, URLs. Checked op by op."""
    check(ops)  # the contract: allowlist, attribute values, well-formedness
    stack: list[str] = []
    for op in ops:
        if op[0] == "open":
            assert op[1] in ALLOWED, op
            stack.append(op[1])
        elif op[0] == "close":
            stack.pop()
        elif op[0] == "attr":
            name, value = op[1], op[2]
            assert not name.lower().startswith("on"), op
            assert name in ALLOWED[stack[-1]], op
            if name == "href":
                assert is_safe_href(value), op
                scheme = _SCHEME.match(value)
                assert scheme is None or scheme.group(1).lower() in LINK_SCHEMES, op
                assert not value.startswith(("//", "\\\\", "/\\")), op
            if name == "src":
                assert is_safe_image_src(value), op
                assert _SCHEME.match(value) is None, op


def _payload_params() -> list:
    try:
        path = shared_file("xss/dompurify-payloads.json")
    except pytest.skip.Exception:
        return [pytest.param(None, id="shared-data-missing")]
    payloads = json.loads(path.read_text(encoding="utf-8"))
    return [pytest.param(p["payload"], id=f"{i:03d}") for i, p in enumerate(payloads)]


def test_the_corpus_has_223_payloads() -> None:
    path = shared_file("xss/dompurify-payloads.json")
    assert len(json.loads(path.read_text(encoding="utf-8"))) == 223


@pytest.mark.parametrize("payload", _payload_params())
def test_dompurify_payload(payload: str | None) -> None:
    if payload is None:
        shared_file("xss/dompurify-payloads.json")  # skips with the reason
    whole = _stream(payload, None)
    assert_safe(whole)
    for seed in (1, 2):
        split = _stream(payload, seed)
        assert_safe(split)
        assert to_html(build(split)) == to_html(build(whole))


# (markdown, a fragment the reader must see as plain text)
REFUSED_LINKS = [
    ("[click](javascript:alert(1))", "click"),
    ("[click](JaVaScRiPt:alert(1))", "click"),
    ("[click](javascript&colon;alert(1))", "click"),
    ("[click](&#106;avascript:alert(1))", "click"),
    ("[click](&#x6A;&#x61;vascript:alert(1))", "click"),
    ("[click](jav&#x09;ascript:alert(1))", "click"),
    ("[click](jav&#10;ascript:alert(1))", "click"),
    ("[click](%6Aavascript:alert(1))", "click"),
    ("[click](javascript%3Aalert(1))", "click"),
    ("[click](%256Aavascript:alert(1))", "click"),
    ("[click](\x01javascript:alert(1))", "click"),
    ("[click](\u200bjavascript:alert(1))", "click"),
    ("[click](<javascript:alert(1)>)", "click"),
    ('[click](javascript:alert(1) "title")', "click"),
    ("[click](vbscript:msgbox(1))", "click"),
    ("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "click"),
    ("[click](data:text/html,<script>alert(1)</script>)", "click"),
    ("[click](//evil.example/x)", "click"),
    ("[click](/\\evil.example/x)", "click"),
    ("[click](file:///etc/passwd)", "click"),
    ("[click](&amp;#106;avascript:alert(1))", "click"),  # entity-encoded twice
    ("[**bold** click](javascript:alert(1))", "click"),
    ("<javascript:alert(1)>", "<javascript:alert(1)>"),
    ("<vbscript:msgbox(1)>", "<vbscript:msgbox(1)>"),
    ("<data:text/html,x>", "<data:text/html,x>"),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ("[click][1]\n\n[1]: javascript:alert(1)", "[click][1]"),
    ("[click][evil]\n\n[evil]: <javascript:alert(1)>", "[evil]: <javascript:alert(1)>"),
    ("[click]\n\n[click]: javascript:alert(1)", "[click]"),
]


@pytest.mark.parametrize(("markdown", "visible"), REFUSED_LINKS)
def test_markdown_links_outside_the_policy_stay_text(markdown: str, visible: str) -> None:
    for seed in (None, 3):
        ops = _stream(markdown, seed)
        assert_safe(ops)
        assert not any(op[0] == "attr" and op[1] == "href" for op in ops), ops
        assert visible in to_html(build(ops)).replace("&lt;", "<").replace("&gt;", ">")


IMAGE_TRICKS = [
    '![x](x" onerror="alert(1))',
    "![x](x onerror=alert(1))",
    '![x" onerror="alert(1)](/a.png)',
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![x](data:image/png;base64,AAAA)",
    "![x](//tracker.example/p.gif)",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "![<img src=x onerror=alert(1)>](/a.png)",
    "[![x](/a.png)](javascript:alert(1))",
    '```js" onload="alert(1)\ncode\n```',
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    "<scr<script>ipt>alert(1)</script>",
]


@pytest.mark.parametrize("markdown", IMAGE_TRICKS)
def test_image_and_html_tricks(markdown: str) -> None:
    for seed in (None, 4, 5):
        ops = _stream(markdown, seed)
        assert_safe(ops)
        srcs = [op[2] for op in ops if op[0] == "attr" and op[1] == "src"]
        assert all(not src.startswith(("data:", "javascript:", "//")) for src in srcs)


def test_alt_text_with_quotes_is_an_attribute_value_not_markup() -> None:
    ops = _stream('![x" onerror="alert(1)](/a.png)', None)
    assert ["attr", "alt", 'x" onerror="alert(1)'] in ops
    assert [op for op in ops if op[0] == "attr" and op[1].startswith("on")] == []


def test_remote_images_become_links_with_their_alt_text() -> None:
    html = to_html(build(_stream("![a chart](https://tracker.example/p.gif)", None)))
    assert "<img" not in html
    assert (
        '<a href="https://tracker.example/p.gif" rel="noopener noreferrer" target="_blank">'
        "a chart</a>" in html
    )


def test_raw_html_is_shown_as_text() -> None:
    html = to_html(build(_stream("<script>alert(1)</script> and <b>bold</b>", None)))
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_code_fence_language_cannot_inject_attributes() -> None:
    ops = _stream('```js" onload="alert(1)\ncode\n```', None)
    assert_safe(ops)
    assert not any(op[0] == "attr" and op[1] == "class" for op in ops)


def test_citation_to_a_hostile_source_stays_text() -> None:
    sources = {1: {"url": "javascript:alert(1)", "title": "evil"}, 2: "https://ok.example/"}
    ops = _stream("See [1] and [2].", None, sources)
    assert_safe(ops)
    html = to_html(build(ops))
    assert "[1]" in html and 'href="javascript' not in html
    assert '<a class="citation" href="https://ok.example/"' in html


def test_hostile_answer_in_every_split_is_safe() -> None:
    text = "".join(markdown + "\n\n" for markdown, _ in REFUSED_LINKS) + "\n".join(IMAGE_TRICKS)
    for seed in range(20):
        assert_safe(_stream(text, seed))


def test_entities_in_urls_are_decoded_once_as_markdown_says() -> None:
    ops = _stream("[a](https://x.example/?q=1&amp;r=2) https://x.example/&amp;#6", None)
    assert_safe(ops)
    hrefs = [op[2] for op in ops if op[:2] == ["attr", "href"]]
    assert hrefs == ["https://x.example/?q=1&r=2", "https://x.example/&#6"]
