"""The page builds DOM from data only: no HTML-string sink and no string evaluation in web/."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"

SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|\binsertAdjacentHTML\b|\bdocument\.write(ln)?\b|\beval\s*\("
    r"|\bnew\s+Function\b|\bsetTimeout\s*\(\s*[\"'`]|\bsetInterval\s*\(\s*[\"'`]|\bsrcdoc\b"
    r"|\bcreateContextualFragment\b|\bparseFromString\b|\bsetHTMLUnsafe\b"
)


def _sources() -> list[Path]:
    return sorted(p for p in WEB.rglob("*") if p.suffix in {".js", ".html", ".mjs"})


def test_web_has_sources() -> None:
    names = {p.name for p in _sources()}
    assert {"main.js", "worker.js", "sw.js", "index.html", "dom_ops.js"} <= names


def test_no_html_sinks_or_string_evaluation() -> None:
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if SINKS.search(line):
                found.append(f"{path.relative_to(WEB)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_index_has_no_inline_script_or_handlers() -> None:
    html = (WEB / "index.html").read_text()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    for attrs, body in scripts:
        executable = 'type="application/json"' not in attrs
        assert not (executable and body.strip()), f"inline script: {body[:80]}"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler in index.html"
    assert "style=" not in html, "inline style in index.html (CSP style-src)"


def test_the_check_catches_a_sink() -> None:
    """Guard against a pattern that silently matches nothing."""
    for bad in (
        "el.innerHTML = x",
        "eval('1')",
        "new Function('a')",
        "el.insertAdjacentHTML(p, s)",
    ):
        assert SINKS.search(bad), bad
