"""The page's sources keep to the rules the CSP and Trusted Types enforce at run time: no HTML
or code strings anywhere in web/, no inline scripts or styles in index.html."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.conftest import ROOT

WEB = ROOT / "web"
SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b"
    r"|setTimeout\s*\(\s*[\"'`]|setInterval\s*\(\s*[\"'`]|createContextualFragment|srcdoc"
)


def test_no_html_or_code_string_sinks_in_web() -> None:
    offenders = []
    for path in sorted(WEB.glob("*.js")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if SINKS.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_sink_pattern_catches_what_it_should() -> None:
    for bad in ("el.innerHTML = x", "eval(code)", "new Function('a')", 'setTimeout("go()", 1)'):
        assert SINKS.search(bad), bad
    assert not SINKS.search("el.textContent = x; setTimeout(() => go(), 1)")


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if "style" in names or tag == "style":
            self.problems.append(f"inline style on <{tag}>")
        if any(name.startswith("on") for name in names):
            self.problems.append(f"inline handler on <{tag}>")
        if tag == "script":
            kind = dict(attrs).get("type")
            if "src" not in names and kind != "application/json":
                self.problems.append("inline script")


def test_index_has_no_inline_script_style_or_handlers() -> None:
    parser = _Inline()
    parser.feed((WEB / "index.html").read_text())
    assert parser.problems == []
