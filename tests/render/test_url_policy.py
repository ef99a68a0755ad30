"""The URL policy on its own: which hrefs and image sources survive, and in what form."""

from __future__ import annotations

import pytest

from app.render.url_policy import (
    MAX_URL_LENGTH,
    image_decision,
    is_safe_href,
    is_safe_image_src,
    safe_link,
)


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
        ("http://example.com", "http://example.com"),
        ("HTTPS://EXAMPLE.COM", "HTTPS://EXAMPLE.COM"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("/docs/page", "/docs/page"),
        ("docs/page", "docs/page"),
        ("./a", "./a"),
        ("../a", "../a"),
        ("?q=1", "?q=1"),
        ("#section", "#section"),
        ("https://example.com/a%20b", "https://example.com/a%20b"),
        ("https://example.com/?a=1&amp;b=2", "https://example.com/?a=1&b=2"),
        ("https://exa mple.com", "https://example.com"),  # whitespace is never part of a URL
        ("\\/evil.example", "/evil.example"),  # an escaped "/" is a path on our own origin
    ],
)
def test_allowed_links_keep_their_meaning(url: str, href: str) -> None:
    assert safe_link(url) == href


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\x00script:alert(1)",
        "\x01javascript:alert(1)",
        "javascript\u200b:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#0000106avascript:alert(1)",
        "javascript&colon;alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav&Tab;ascript:alert(1)",
        "%6Aavascript:alert(1)",
        "javascript%3Aalert(1)",
        "%256Aavascript:alert(1)",  # percent-encoded twice
        "&#37;6Aavascript:alert(1)",  # an entity that decodes to a percent escape
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd",
        "blob:https://example.com/uuid",
        "ftp://example.com",
        "//evil.example",
        "\\\\\\\\evil.example",  # Markdown-unescaped to \\evil.example
        "/\\evil.example",
        "\\/\\/evil.example",  # Markdown-unescaped to //evil.example
        "%2F%2Fevil.example",
        "",
        "x" * (MAX_URL_LENGTH + 1),
    ],
)
def test_refused_links(url: str) -> None:
    assert safe_link(url) is None


def test_markdown_backslash_escapes_are_removed_before_judging() -> None:
    assert safe_link(r"https://example.com/a\_b") == "https://example.com/a_b"
    assert safe_link(r"javascript\:alert(1)") is None


@pytest.mark.parametrize(
    ("url", "kind", "emitted"),
    [
        ("/img/a.png", "load", "/img/a.png"),
        ("a.png", "load", "a.png"),
        ("https://tracker.example/pixel.gif", "link", "https://tracker.example/pixel.gif"),
        ("http://tracker.example/pixel.gif", "link", "http://tracker.example/pixel.gif"),
        ("//tracker.example/pixel.gif", "text", ""),
        ("javascript:alert(1)", "text", ""),
        ("data:image/png;base64,AAAA", "text", ""),
        ("mailto:a@example.com", "text", ""),
        ("", "text", ""),
    ],
)
def test_images_load_only_from_the_same_origin(url: str, kind: str, emitted: str) -> None:
    decision = image_decision(url)
    assert (decision.kind, decision.url) == (kind, emitted)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("https://x.example/&#6", True),  # a literal, harmless once set with setAttribute
        ("/a", True),
        ("java\tscript:alert(1)", False),  # a browser strips the tab
        ("&#106;avascript:alert(1)", False),
        ("https://x.example/ a", False),
        ("", False),
    ],
)
def test_emitted_href_values_are_checked_as_set(value: str, safe: bool) -> None:
    assert is_safe_href(value) is safe


def test_emitted_image_sources_are_checked_as_set() -> None:
    assert is_safe_image_src("/img/a.png")
    assert not is_safe_image_src("https://t.example/p.gif")
    assert not is_safe_image_src("/img/\ta.png")
