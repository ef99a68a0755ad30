"""``python -m app.render``: same bytes for every chunk size, HTML escaped and deterministic."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT
from tests.render.samples import SYNTAX_DOC


def _run(markdown: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.render", *args],
        input=markdown,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_every_chunk_size_prints_the_same_bytes() -> None:
    outputs = {size: _run(SYNTAX_DOC, "--chunk-size", str(size)).stdout for size in (1, 3, 7, 64)}
    whole = _run(SYNTAX_DOC).stdout
    assert whole.startswith("<h1>Title with <em>em</em> and <code>code</code></h1>\n")
    assert set(outputs.values()) == {whole}


def test_text_is_escaped_and_attributes_double_quoted() -> None:
    result = _run('<b>"x" & y</b> [a](/q?x="1"&y=2)\n')
    assert result.returncode == 0
    assert result.stdout == (
        '<p>&lt;b&gt;"x" &amp; y&lt;/b&gt; '
        '<a href="/q?x=&quot;1&quot;&amp;y=2" rel="noopener noreferrer" target="_blank">a</a></p>\n'
    )


def test_a_negative_chunk_size_is_refused_with_a_reason() -> None:
    result = _run("x", "--chunk-size", "-1")
    assert result.returncode == 2
    assert "--chunk-size must be 0" in result.stderr


def test_utf8_in_and_out_whatever_the_locale() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.render", "--chunk-size", "1"],
        input="caf\u00e9 \U0001f600 *\u4e2d*".encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == "<p>caf\u00e9 \U0001f600 <em>\u4e2d</em></p>\n"
